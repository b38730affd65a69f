"""The shortcuts of issue 21 (author-page path, dedupe) give exactly what their plain forms give.

Each plain form below is the code as it was before the shortcut, kept here as
the reference.
"""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bibgen import caseprotect
from bibgen.dedupe.blocking import _BLOCK_ALL_PAIRS, _BLOCK_WINDOW, _block_keys, _candidate_pairs
from bibgen.dedupe.rule import _Group
from bibgen.dedupe.signals import _Features
from bibgen.model import Entry, EntryKind, Origin
from bibgen.normalize import parse_name

# --- caseprotect -------------------------------------------------------------

_WORD_CHARS = st.sampled_from(list("aAbBnN-'’_.,:; ") + ["Bayes", "bayes", "Non", "non", "’s", "'s", "\n", "$x$"])
_PROSE = st.lists(_WORD_CHARS, max_size=30).map("".join)
_WORD = st.lists(st.sampled_from(list("aAbBnN-'’")), min_size=1, max_size=5).map("".join)


def _verdict_plain(word: str, abstract: str) -> str:
    """abstract_verdict without its substring pre-check."""
    lower = word[:1].lower() + word[1:]
    has_lower = lower != word and next(caseprotect._occurrences(lower, abstract), None) is not None
    mid_capital = False
    for at in caseprotect._occurrences(word, abstract):
        k = at - 1
        while k >= 0 and abstract[k].isspace():
            k -= 1
        if k >= 0 and abstract[k] not in ".!?:;":
            mid_capital = True
            break
    if mid_capital and not has_lower:
        return "proper"
    if has_lower and not mid_capital:
        return "common"
    return ""


@settings(max_examples=1500, deadline=None)
@given(_WORD, _PROSE)
@example("Bayes", "we use Bayes rule")
@example("Bayes", "bayes and Bayes")
@example("Non", "non-trivial")
def test_abstract_verdict_precheck_agrees_with_the_plain_form(word: str, abstract: str) -> None:
    assert caseprotect.abstract_verdict(word, abstract) == _verdict_plain(word, abstract)


_TITLE_CHARS = st.sampled_from(list("aA bB.:-'\"({[$\\") + ["GPU", "Bayes", "of", "the", "x2", "eBay", " $x^2$ ", "\t", "\u00a0"])
_TITLE = st.lists(_TITLE_CHARS, max_size=25).map("".join)


@settings(max_examples=1500, deadline=None)
@given(_TITLE)
@example("")
@example("Deep learning for images")
@example("a $x$ b")
def test_nothing_protected_shortcut_is_what_group_gives(text: str) -> None:
    # protect() returns ((text, False),) when no token is protected, instead of _group's join.
    tokens = caseprotect._tokens(text)
    plain = caseprotect._group(text, tokens, [(False, False, False)] * len(tokens), group=True)
    assert plain == (((text, False),) if text else ())


@settings(max_examples=800, deadline=None)
@given(_TITLE, _PROSE)
def test_protect_pieces_spell_the_title(text: str, abstract: str) -> None:
    caseprotect.protect.cache_clear()
    chunks = caseprotect.protect(text, "auto", "", None, abstract)
    assert "".join(t for t, _ in chunks) == text


# --- dedupe ------------------------------------------------------------------

_VOCAB = ["deep", "learning", "models", "graph", "neural", "networks", "for", "of", "the", "images", "scaling", "laws",
          "language", "vision", "robust", "training"]
_TITLES = st.lists(st.sampled_from(_VOCAB), min_size=2, max_size=7).map(" ".join)


def _entry(i: int, title: str, key: str, path: str, year: str, pages: str) -> Entry:
    fields = {"title": title}
    if year:
        fields["year"] = year
    if pages:
        fields["pages"] = pages
    return Entry(
        kind=EntryKind.ARTICLE if i % 3 else EntryKind.PREPRINT,
        key=key,
        fields=fields,
        people={"author": (parse_name("Ann Smith" if i % 2 else "Bo Li"),)},
        origin=Origin(path, i + 1),
    )


_RECORDS = st.lists(
    st.tuples(_TITLES, st.sampled_from(["", "k1", "k2", "K1"]), st.sampled_from(["a.bib", "b.bib"]),
              st.sampled_from(["", "2020", "2021"]), st.sampled_from(["", "1--9", "10--20"])),
    max_size=40,
)


def _feats(records: list[tuple[str, str, str, str, str]]) -> list[_Features]:
    return [_Features(i, _entry(i, *r)) for i, r in enumerate(records)]


def _candidate_pairs_plain(feats, group_of):  # type: ignore[no-untyped-def]
    """_candidate_pairs as it was: one list per block key."""
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


@settings(max_examples=300, deadline=None)
@given(_RECORDS, st.integers(0, 3))
def test_candidate_pairs_agree_with_the_plain_form(records, groups: int) -> None:  # type: ignore[no-untyped-def]
    feats = _feats(records)
    group_of = (lambda i: i) if not groups else (lambda i: i % groups)
    assert _candidate_pairs(feats, group_of) == _candidate_pairs_plain(_feats(records), group_of)


def _extra_plain(members: list[_Features]) -> dict[str, object]:
    """_Group.extra as it was: a comprehension per collection, user keys inside."""
    givens: dict[str, set[str]] = {}
    for m in members:
        for fam, gs in m.givens.items():
            givens.setdefault(fam, set()).update(gs)
    return {
        "pmids": {m.pmid for m in members if m.pmid},
        "isbns": {m.isbn for m in members if m.isbn},
        "pages": {m.pages for m in members if m.pages},
        "kclasses": {m.kclass for m in members if m.kclass},
        "givens": givens,
        "filekeys": [m.filekey for m in members if m.filekey],
        "sigs": [m for m in members if m.plain_key],
    }


@settings(max_examples=300, deadline=None)
@given(_RECORDS.filter(bool), st.lists(st.booleans(), min_size=40, max_size=40))
def test_group_extra_and_filekeys_agree_with_the_plain_form(records, touch) -> None:  # type: ignore[no-untyped-def]
    # Groups absorbed in order, some asked for extra/filekeys before absorbing
    # (the cached collections are then extended), some not (made afresh).
    feats = _feats(records)
    group = _Group(feats[0])
    for n, f in enumerate(feats[1:]):
        other = _Group(f)
        if touch[n]:
            group.extra, group.filekeys, other.extra, other.filekeys
        group.absorb(other)
    want = _extra_plain(feats)
    got = dict(group.extra)
    got["filekeys"] = group.filekeys
    assert {k: v for k, v in got.items() if k != "sigs"} == {k: v for k, v in want.items() if k != "sigs"}
    assert [m.index for m in got["sigs"]] == [m.index for m in want["sigs"]]  # type: ignore[union-attr]


def _protect_plain(text: str, abstract: str) -> tuple[tuple[str, bool], ...]:
    """protect() in auto mode for English as it was: _title_case first, then a second pass, then _group."""
    tokens = caseprotect._tokens(text)
    title_case = caseprotect._title_case(tokens)
    flags: list[tuple[bool, bool, bool]] = []
    start = True
    for kind, tok in tokens:
        if kind == "space":
            flags.append((False, False, False))
            continue
        if kind == "math":
            flags.append((True, False, False))
            start = False
            continue
        head, core, tail, strong, cap_first, cap_later, _, ends = caseprotect._info(tok)
        protected = bool(core) and (
            strong
            or ((cap_later or (cap_first and not start)) and caseprotect._proper(caseprotect._word(core), title_case, abstract))
        )
        flags.append((protected, bool(head), bool(tail)))
        start = ends
    return caseprotect._group(text, tokens, flags, group=True)


_TITLE_WORDS = st.sampled_from(
    ["GPU", "Bayes", "Bayes's", "of", "the", "a", "Deep", "deep", "Learning", "learning", "x2", "eBay", "$x^2$",
     "Non-English", "non-English", "(Graph", "Networks)", "Models:", "models.", "BERT-based", "\u00c9tude", "iPhone",
     "Is", "For", "with", "'Quoted'", "Net?"]
)
_TITLE_TEXT = st.lists(_TITLE_WORDS, max_size=12).map(" ".join)
_ABSTRACT = st.lists(st.sampled_from(["we", "use", "Bayes", "bayes", "deep", "Deep", "learning", "Learning", "models",
                                      "Models", "graph", "networks", ".", ":", "GPU", "eBay", "non-English"]), max_size=30).map(" ".join)


@settings(max_examples=1500, deadline=None)
@given(_TITLE_TEXT | _TITLE, _ABSTRACT | _PROSE)
@example("Deep Learning for Bayes Models", "we use Bayes models and deep learning")
@example("Graph Networks: Deep Learning With GPU", "")
def test_one_pass_protect_agrees_with_the_two_pass_form(text: str, abstract: str) -> None:
    caseprotect.protect.cache_clear()
    assert caseprotect.protect(text, "auto", "", None, abstract) == _protect_plain(text, abstract)


# --- keys --------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(_RECORDS.filter(bool), st.sampled_from(["", "smith2020", "Li2021a"]))
def test_with_key_is_replace(records, key: str) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import fields, replace

    from bibgen.keys import with_key
    from bibgen.model import SourceForm

    for e in (_entry(i, *r) for i, r in enumerate(records)):
        # Every field away from its default, so a field with_key forgot would show.
        e = replace(e, partial=frozenset({"author"}), origins=(e.origin, Origin("z.bib", 9)), aliases=("old",),
                    nocase=(("title", ((e.title, True),)),), source=SourceForm("bibtex", "article", e.kind))
        bare = Entry(kind=e.kind, fields=e.fields)
        assert all(getattr(e, f.name) != getattr(bare, f.name) for f in fields(e) if f.name not in ("kind", "fields", "key"))
        got, want = with_key(e, key), replace(e, key=key)
        assert got == want and all(getattr(got, f.name) is getattr(want, f.name) for f in fields(e) if f.name != "key")
