"""Each shortcut the dedupe stage takes for speed gives exactly what its plain form gives (issue 21)."""

from __future__ import annotations

import importlib

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bibgen.dedupe import rule
from bibgen.dedupe.blocking import (
    _BLOCK_ALL_PAIRS,
    _BLOCK_WINDOW,
    _block_keys,
    _candidate_pairs,
)
from bibgen.dedupe.signals import (
    FUZZY_MIN_CHARS,
    FUZZY_MIN_WORDS,
    SHORT_TITLE_WORDS,
    UNSPACED_MIN_CHARS,
    _Features,
    _title_signals,
    before,
    content_order,
    in_content_order,
)
from bibgen.model import Entry, EntryKind, Origin
from bibgen.normalize import (
    is_unspaced_script,
    parse_name,
    significant_tokens,
    title_key,
    title_numbers,
    title_tokens,
)
from bibgen.options import DedupePolicy

cluster_module = importlib.import_module("bibgen.dedupe.cluster")  # (bibgen.dedupe.cluster is also a function)

# Letters of several scripts, digits, punctuation, underscores, dashes, combining
# marks and spaces: the characters title keys and tokens cut at or keep.
_TITLE_CHARS = st.sampled_from(list("aZé ß_-–.:'’0 9Ø中あ한\u0301\u0308ΣİıǅⅫ²\t") + ["of", "the", " and "])
_TITLE = st.lists(_TITLE_CHARS, max_size=30).map("".join) | st.text(max_size=40)


def _title_signals_plain(title: str) -> tuple[object, ...]:
    """_title_signals from the normalize functions, one call each."""
    plain_key = title_key(title)
    numbers = title_numbers(title)
    tkey = plain_key + "#" + ".".join(numbers) if plain_key else ""
    tokens = title_tokens(title)
    sig = significant_tokens(title)
    unspaced = is_unspaced_script(title)
    short = len(plain_key) < UNSPACED_MIN_CHARS if unspaced else len(sig) < SHORT_TITLE_WORDS or len(plain_key) < 12
    fuzzy = len(plain_key) >= FUZZY_MIN_CHARS and len(sig) >= FUZZY_MIN_WORDS and not unspaced
    return plain_key, numbers, tkey, tokens, sig, short, fuzzy, " ".join(tokens)


@settings(max_examples=1500, deadline=None)
@given(_TITLE)
@example("Deep_Learning -- for the Masses, Part 2")
@example("深度学习 of graphs")
@example("x" * 310 + " É")
def test_title_signals_agree_with_the_normalize_functions(title: str) -> None:
    assert _title_signals.__wrapped__(title) == _title_signals_plain(title)


# --- blocking ------------------------------------------------------------------

_WORDS = ["deep", "learning", "models", "graph", "neural", "networks", "for", "of", "the", "images", "scaling",
          "laws", "language", "vision", "robust", "training", "lerning", "modles"]
_FUZZY_TITLES = st.lists(st.sampled_from(_WORDS), min_size=3, max_size=8).map(" ".join)


def _record(i: int, title: str, kind: int, author: str) -> Entry:
    kinds = (EntryKind.ARTICLE, EntryKind.PREPRINT, EntryKind.INPROCEEDINGS)
    return Entry(kinds[kind], {"title": title}, {"author": (parse_name(author),)}, origin=Origin(f"p{i % 3}.txt", i + 1))


_BLOCK_RECORDS = st.lists(st.tuples(_FUZZY_TITLES, st.integers(0, 2), st.sampled_from(["Ann Smith", "Bo Li"])),
                          max_size=60)


def _candidate_pairs_plain(feats, group_of):  # type: ignore[no-untyped-def]
    """_candidate_pairs with the block keys themselves (tuples of words) as dict keys, one list per key."""
    rep = {}
    for f in feats:
        if f.fuzzy:
            k = (group_of(f.index), f.norm)
            cur = rep.get(k)
            if cur is None or f.order < cur.order:
                rep[k] = f
    blocks: dict = {}
    for f in rep.values():
        for k in _block_keys(f):
            blocks.setdefault(k, []).append(f)
    pairs = set()
    for members in blocks.values():
        if len(members) < 2:
            continue
        reps = sorted(members, key=lambda f: (f.order, f.index))
        if len(reps) <= _BLOCK_ALL_PAIRS:
            for i, x in enumerate(reps):
                for y in reps[i + 1 :]:
                    pairs.add((x.index, y.index) if x.order <= y.order else (y.index, x.index))
        else:
            reps.sort(key=lambda f: (f.norm, f.order))
            for i, x in enumerate(reps):
                for y in reps[i + 1 : i + 1 + _BLOCK_WINDOW]:
                    pairs.add((x.index, y.index) if x.order <= y.order else (y.index, x.index))
    return pairs


@settings(max_examples=400, deadline=None)
@given(_BLOCK_RECORDS, st.integers(0, 3))
@example([("deep learning for graph models", 0, "Bo Li"), ("deep lerning for graph models", 1, "Bo Li"),
          ("deep learning graph models", 0, "Ann Smith")], 0)
def test_blocking_gives_the_pairs_of_the_plain_block_keys(records, groups: int) -> None:  # type: ignore[no-untyped-def]
    # One representative per title and cluster chosen head first (before), the
    # pairs ordered by in_content_order: the same pairs as whole content orders.
    feats = [_Features(i, _record(i, *r)) for i, r in enumerate(records)]
    group_of = (lambda i: i) if not groups else (lambda i: i % groups)
    assert _candidate_pairs(feats, group_of) == _candidate_pairs_plain(feats, group_of)


def test_blocking_sees_a_big_block_as_the_plain_keys_do() -> None:
    # More than _BLOCK_ALL_PAIRS titles under one key: the sorted-neighbourhood branch.
    titles = [f"deep learning for graph models part{'x' * n}" for n in range(_BLOCK_ALL_PAIRS + 10)]
    feats = [_Features(i, _record(i, t, i % 3, "Bo Li")) for i, t in enumerate(titles)]
    want = _candidate_pairs_plain(feats, lambda i: i)
    assert want  # the test decides something
    assert _candidate_pairs(feats, lambda i: i) == want


# --- one title key, nothing to refuse ---------------------------------------------

_SAME_TITLES = st.sampled_from([
    "Deep Learning for Graph Models at Scale",
    "deep learning for graph models at scale",
    "Deep Learning for Graph Models at Scale 2",
    "Graph Models",  # short: needs a second signal
    "Introduction",  # generic
    "Scaling Laws for Neural Language Models, Part II",
])


_VALUES = (("year", ["2020", "2021", "2024"]), ("doi", ["10.1000/a", "10.1000/b"]), ("pages", ["1--9", "10--20"]),
           ("volume", ["3", "4"]), ("container", ["Nature", "Science"]), ("abstract", ["We study graphs.", "We study images."]),
           ("isbn", ["978-3-16-148410-0", "978-0-306-40615-7"]), ("eprint", ["2101.00001", "2101.00002"]))


@st.composite
def _varied_records(draw):  # type: ignore[no-untyped-def]
    """Records of a few titles, most of them copies of one record with one or two values changed (as on author pages)."""
    base = {name: draw(st.sampled_from(["", *values])) for name, values in _VALUES if draw(st.integers(0, 3)) == 0}
    out = []
    for i in range(draw(st.integers(0, 14))):
        fields = {"title": draw(_SAME_TITLES), **base}
        for _ in range(draw(st.integers(0, 2))):
            name, values = draw(st.sampled_from(_VALUES))
            fields[name] = draw(st.sampled_from(["", *values]))
        kind = draw(st.sampled_from([EntryKind.ARTICLE, EntryKind.PREPRINT, EntryKind.INPROCEEDINGS, EntryKind.BOOK]))
        names = draw(st.lists(st.sampled_from(["Ann Smith", "A. Smith", "Alan Smith", "Andrew Smith", "Bo Li", "Cy Wu"]), min_size=1, max_size=3))
        partial = frozenset({"author"}) if draw(st.integers(0, 9)) else frozenset()
        key = draw(st.sampled_from(["k1", "k2"])) if not draw(st.integers(0, 9)) else ""
        out.append(Entry(kind, fields, {"author": tuple(parse_name(a) for a in names)}, origin=Origin(f"p{i % 3}.bib", i + 1),
                         key=key, partial=partial))
    return out


def _state(entries: list[Entry], shortcut: bool) -> tuple[object, ...]:
    """Clusters, links, refusals and every cluster summary after the dedupe's passes."""
    feats = [_Features(i, e) for i, e in enumerate(entries)]
    with pytest.MonkeyPatch.context() as mp:
        if not shortcut:
            mp.setattr(rule, "_joins_all", lambda members, policy: False)
        groups, c = cluster_module._run(feats, DedupePolicy())
    summaries = {root: _summary(g) for root, g in c.groups.items()}
    return groups, summaries, dict(c.refused)


def _summary(g: rule._Group) -> dict[str, object]:
    out = {}
    for name in rule._Group.__slots__:
        value = getattr(g, name)
        if name in ("sigs", "_members"):
            value = [f.index for f in value]
        out[name] = value
    return out


def _copies(*changes: dict[str, str]) -> list[Entry]:
    """Author-page copies of one long title, each with its own author and the given fields."""
    return [Entry(EntryKind.ARTICLE, {"title": "Deep Learning for Graph Models at Scale", **c},
                  {"author": (parse_name(a),)}, origin=Origin(f"p{n}.txt", 1), partial=frozenset({"author"}))
            for n, (a, c) in enumerate(zip(["Ann Smith", "Bo Li", "Cy Wu", "Di Ng"], changes))]


@settings(max_examples=500, deadline=None)
@given(_varied_records())
@example(_copies({"year": "2020"}, {"year": "2024"}))
@example(_copies({"year": "2020"}, {}, {"year": "2024"}))
@example(_copies({"pages": "1--9"}, {"pages": "10--20"}))
@example(_copies({"doi": "10.1000/a"}, {"doi": "10.1000/b"}, {}))
@example(_copies({"volume": "3"}, {"number": "4"}, {"volume": "4"}))
@example(_copies({"number": "4"}, {"number": "5"}))
@example(_copies({"isbn": "978-3-16-148410-0"}, {"isbn": "978-0-306-40615-7"}))
@example(_copies({"pmid": "123"}, {"pmid": "456"}))
@example(_copies({"edition": "2"}, {"edition": "3"}))
@example(_copies({"eprint": "2101.00001"}, {"eprint": "2101.00002"}))
def test_joining_the_first_cluster_is_what_trying_each_gives(entries: list[Entry]) -> None:
    assert _state(entries, shortcut=True) == _state(entries, shortcut=False)


def test_the_shortcut_is_taken_and_refused_where_it_must_be() -> None:
    long = "Deep Learning for Graph Models at Scale"
    same = [Entry(EntryKind.ARTICLE, {"title": long}, {"author": (parse_name(a),)}, origin=Origin("p.txt", n),
                  partial=frozenset({"author"})) for n, a in enumerate(["Ann Smith", "Bo Li", "Cy Wu"], 1)]
    feats = [_Features(i, e) for i, e in enumerate(same)]
    assert rule._joins_all(feats, DedupePolicy())
    years = [e.replace(fields=e.fields.set(year=y)) for e, y in zip(same, ["2020", "2021", ""])]
    assert not rule._joins_all([_Features(i, e) for i, e in enumerate(years)], DedupePolicy())
    short = [e.replace(fields=e.fields.set(title="Graph Models")) for e in same]
    assert not rule._joins_all([_Features(i, e) for i, e in enumerate(short)], DedupePolicy())
    complete = [e.replace(partial=frozenset()) for e in same]
    assert not rule._joins_all([_Features(i, e) for i, e in enumerate(complete)], DedupePolicy())
    assert not rule._joins_all(feats, DedupePolicy(not_duplicates=((long, "Other Title"),)))


@settings(max_examples=300, deadline=None)
@given(_varied_records().filter(lambda rs: len(rs) >= 2))
def test_adding_a_record_is_absorbing_its_summary(entries: list[Entry]) -> None:
    feats = [_Features(i, e) for i, e in enumerate(entries)]
    plain, quick = rule._Group(feats[0]), rule._Group(_Features(0, entries[0]))
    for f in feats[1:]:
        plain.absorb(rule._Group(f))
        quick.add(f)
    want, got = _summary(plain), _summary(quick)
    assert got == want


# --- content order ----------------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(_varied_records())
def test_heads_first_sort_as_whole_orders_do(entries: list[Entry]) -> None:
    # Copies of one record (equal heads) among others: the whole order decides them.
    entries = entries + entries[: len(entries) // 2]
    feats = [_Features(i, e) for i, e in enumerate(entries)]
    assert [f.index for f in in_content_order(feats)] == [f.index for f in sorted(feats, key=lambda f: f.order)]
    for f in feats:
        assert f.order == content_order(f.entry)
        for g in feats:
            assert before(f, g) == (f.order < g.order)


@st.composite
def _keyed_records(draw):  # type: ignore[no-untyped-def]
    """_varied_records, most of them keyed, in two files: many pairs of one file under different keys."""
    out = []
    for e in draw(_varied_records()):
        key = draw(st.sampled_from(["", "k1", "k2", "k3"]))
        out.append(e.replace(key=key, origin=Origin(f"f{draw(st.integers(0, 1))}.bib", e.origin.line)))
    return out


def _decisions(entries: list[Entry], shortcut: bool) -> tuple[object, ...]:
    """Clusters, refusals and the summaries of clusters of two or more after the dedupe's passes."""
    feats = [_Features(i, e) for i, e in enumerate(entries)]
    with pytest.MonkeyPatch.context() as mp:
        if not shortcut:
            mp.setattr(cluster_module._Clusters, "_one_file_two_keys", lambda self, i, j: False)
        groups, c = cluster_module._run(feats, DedupePolicy())
    summaries = {root: _summary(g) for root, g in c.groups.items() if g.size > 1}
    return groups, summaries, dict(c.refused)


@settings(max_examples=500, deadline=None)
@given(_keyed_records())
def test_two_records_of_one_file_are_refused_as_their_summaries_would_refuse_them(entries: list[Entry]) -> None:
    assert _decisions(entries, shortcut=True) == _decisions(entries, shortcut=False)
