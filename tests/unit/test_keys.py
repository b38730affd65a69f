"""Key patterns, collision suffixes, and pinned keys that never move."""

from __future__ import annotations

import pytest

from bibgen.dedupe import DedupePolicy
from bibgen.errors import Diagnostics, Severity, UsageError
from bibgen.keys import DEFAULT_PATTERN, apply_pins, assign_keys, compile_pattern, suffix
from bibgen.model import Entry, EntryKind, Origin, Person
from bibgen.normalize import parse_name
from bibgen.pipeline import Options, process

_line = iter(range(1, 10**9))


def rec(title: str, *authors: str, kind: EntryKind = EntryKind.PREPRINT, path: str = "a.txt", partial: bool = True,
        key: str = "", **fields: str) -> Entry:
    people = {"author": tuple(parse_name(a) for a in authors)} if authors else {}
    return Entry(kind=kind, fields={"title": title, **fields}, people=people, origin=Origin(path, next(_line)),
                 partial=frozenset({"author"}) if partial and authors else frozenset(), key=key)


def make(pattern: str, entry: Entry) -> str:
    return compile_pattern(pattern).make(entry)


VASWANI = rec("Attention Is All You Need", "Vaswani, Ashish", "Shazeer, Noam", "Parmar, Niki", partial=False,
              kind=EntryKind.INPROCEEDINGS, year="2017", container="Advances in Neural Information Processing Systems",
              pages="5998--6008")


# ---------------------------------------------------------------- patterns


@pytest.mark.parametrize(
    "pattern, expected",
    [
        (DEFAULT_PATTERN, "vaswani2017AttentionAllYou"),
        ("[auth]", "Vaswani"),
        ("[auth(3)]", "Vas"),
        ("[auth:upper][shortyear]", "VASWANI17"),
        ("[authors(2)][year]", "VaswaniShazeerEtAl2017"),
        ("[authors][year]", "VaswaniShazeerParmar2017"),
        ("[authorsalpha][shortyear]", "VSP17"),
        ("[auth:lower]_[veryshorttitle:lower]", "vaswani_attention"),
        ("[title]", "AttentionAllYouNeed"),
        ("[title(2):abbr]", "AA"),
        ("[shorttitle(3):truncate(6)]", "Attent"),
        ("[venue]-[firstpage]", "ANIPS-5998"),
        ("[auth:lower][year][title:abbr]", "vaswani2017AAYN"),
        ('[doi|"nodoi"]', "nodoi"),
        ('[eprint|doi|year]', "2017"),
    ],
)
def test_pattern_fields_and_modifiers(pattern: str, expected: str) -> None:
    assert make(pattern, VASWANI) == expected


@pytest.mark.parametrize(
    "container, expected",
    [
        ("Advances in Neural Information Processing Systems 30 (NeurIPS 2017)", "NeurIPS"),
        ("Proceedings of the 37th International Conference on Machine Learning (ICML)", "ICML"),
        ("Journal of Machine Learning Research", "JMLR"),
    ],
)
def test_venue_prefers_an_acronym(container: str, expected: str) -> None:
    assert make("[venue]", VASWANI.replace(fields=VASWANI.fields.set(container=container))) == expected


def test_fallbacks_for_missing_parts() -> None:
    page = rec("Gemma 3 Technical Report", "Kavukcuoglu, Koray")  # author pages have no year
    assert make(DEFAULT_PATTERN, page) == "kavukcuoglu Gemma3Technical".replace(" ", "")
    assert make('[auth:lower][year|"nd"][shorttitle(2)]', page) == "kavukcuoglundGemma3"
    assert make('[auth:lower][year|eprint|"nodate"]', page.replace(fields=page.fields.set(eprint="2503.19786"))) == (
        "kavukcuoglu2503.19786"
    )
    anonymous = Entry(EntryKind.MISC, {"title": "深度学习"})
    assert make('[auth|"anon"]:[title:ascii]', anonymous) == "anon:ShenDuXueXi"


def test_literal_may_hold_pattern_characters() -> None:
    assert make('[year|"n|d"]', rec("X")) == "nd"  # '|' is not a key character, but it parsed as a literal


def test_keys_are_ascii_with_transliteration() -> None:
    e = rec("Über Straßen in Łódź", "Ødegård, Bjørn", "Müller, J.")
    assert make("[auth][shorttitle]", e) == "OdegardUberStrassenLodz"
    greek = rec("T", "Ζαχαρίου, Α")
    assert make("[auth:transliterate:lower]", greek) == "zakhariou"
    assert make("[auth:transliterate:truncate(4)]", greek) == "Zakh"  # transliterate first, then cut
    assert make("[auth:truncate(4)]", greek) == "Zakha"  # cut the Greek, then the key is made ASCII


def test_particles_and_math_in_titles() -> None:
    e = rec("$\\alpha$-Stable Processes in the Wild", "van den Oord, Aäron")
    assert make(DEFAULT_PATTERN, e) == "oordStableProcessesWild"
    assert make("[authors]", e) == "OordEtAl"


@pytest.mark.parametrize(
    "pattern, needle",
    [("[auth", "unbalanced '['"), ("auth]", "unbalanced ']'"), ("[nope]", "unknown field 'nope'"),
     ("[auth:shout]", "unknown modifier 'shout'"), ("[auth|]", "empty alternative"), ('[year|"nd]', "unbalanced")],
)
def test_bad_patterns_are_usage_errors(pattern: str, needle: str) -> None:
    with pytest.raises(UsageError) as info:
        compile_pattern(pattern)
    assert needle in str(info.value)


# ---------------------------------------------------------------- suffixes


def test_suffix_sequence_has_no_limit_at_26() -> None:
    assert [suffix(i) for i in range(28)][-3:] == ["z", "aa", "ab"]
    assert suffix(26 + 26 * 26) == "aaa"
    assert len({suffix(i) for i in range(5000)}) == 5000


def test_thirty_colliding_entries_get_distinct_deterministic_keys() -> None:
    entries = [rec(f"Gemma Report Part {n}", "Kavukcuoglu, Koray") for n in range(30)]
    keys = [e.key for e in assign_keys(entries, "[auth:lower][veryshorttitle:lower]")]
    assert len(set(keys)) == 30
    assert keys.count("kavukcuoglugemma") == 1
    assert {"kavukcuoglugemmaz", "kavukcuoglugemmaaa", "kavukcuoglugemmac"} <= set(keys)
    again = [e.key for e in assign_keys(list(reversed(entries)), "[auth:lower][veryshorttitle:lower]")]
    assert list(reversed(again)) == keys  # order of input does not matter


def test_keys_are_unique_ignoring_case() -> None:
    a, b = rec("Alpha", "Smith, J."), rec("Beta", "Smith, J.", key="smith")
    (ka, kb) = assign_keys([a, b], "[auth]")
    assert kb.key == "smith" and ka.key == "Smitha"


def test_duplicate_source_keys_warn_and_regenerate() -> None:
    a, b = rec("Alpha", "Smith, J.", key="smith2020"), rec("Beta", "Smith, J.", key="Smith2020")
    diags = Diagnostics()
    out = assign_keys([a, b], DEFAULT_PATTERN, diagnostics=diags)
    assert out[0].key == "smith2020" and out[1].key == "smithBeta"
    assert len(diags.items) == 1 and "already used" in diags.items[0].message


def test_taken_keys_are_never_handed_out() -> None:
    (e,) = assign_keys([rec("Alpha", "Smith, J.")], "[auth:lower]", taken=["SMITH", "smitha"])
    assert e.key == "smithb"


# ---------------------------------------------------------------- pinning through process()


def _pages(*records: tuple[str, str, str]) -> list[Entry]:
    return [rec(t, a, path=p) for p, a, t in records]


def _keys(result) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {e.title: e.key for e in result.entries}


def test_pinned_key_survives_a_new_first_author_and_a_new_pattern() -> None:
    first = process(_pages(("b.txt", "Orbay, Jordi", "Gemma 3 Technical Report")), Options())
    (pinned,) = first.entries
    assert pinned.key == "orbayGemma3Technical"
    more = _pages(("a.txt", "Abbeel, Pieter", "Gemma 3 Technical Report"), ("b.txt", "Orbay, Jordi", "Gemma 3 Technical Report"))
    unpinned = process(more, Options())
    assert unpinned.entries[0].key == "abbeelGemma3Technical"  # what would happen without pinning
    result = process(more, Options(key_pattern="[auth:upper]"), pinned=[pinned])
    assert [e.key for e in result.entries] == ["orbayGemma3Technical"]


def test_second_work_with_same_key_parts_never_renames_pinned_key() -> None:
    one = process(_pages(("a.txt", "Smith, J.", "Neural Networks for Graphs Revisited")), Options(key_pattern="[auth:lower][veryshorttitle:lower]"))
    pinned = list(one.entries)
    assert pinned[0].key == "smithneural"
    # "Graph Neural Networks" sorts before it in content order and would take the bare key unpinned.
    two = _pages(("a.txt", "Smith, J.", "Neural Networks for Graphs Revisited"), ("0.txt", "Smith, J.", "Neural Circuits"))
    result = process(two, Options(key_pattern="[auth:lower][veryshorttitle:lower]"), pinned=pinned)
    keys = _keys(result)
    assert keys["Neural Networks for Graphs Revisited"] == "smithneural"
    assert keys["Neural Circuits"] == "smithneurala"
    unpinned = _keys(process(two, Options(key_pattern="[auth:lower][veryshorttitle:lower]")))
    assert unpinned["Neural Circuits"] == "smithneural"  # the pin is what keeps the key


def test_pinned_match_by_doi_and_by_fuzzy_title() -> None:
    pinned = [rec("Deep Residual Learning for Image Recognition", "He, Kaiming", partial=False, kind=EntryKind.INPROCEEDINGS,
                  doi="10.1109/CVPR.2016.90", key="he2016resnet")]
    by_doi = process([rec("Deep residual learning for image recognition (extended)", "Zhang, X.", doi="https://doi.org/10.1109/cvpr.2016.90")], Options(), pinned=pinned)
    assert by_doi.entries[0].key == "he2016resnet"
    typo = process([rec("Deep Residual Learning for Imgae Recognition", "He, K.")], Options(), pinned=pinned)
    assert typo.entries[0].key == "he2016resnet"
    other = process([rec("Deep Residual Learning for Image Recognition", "Smith, J.", doi="10.1000/other")], Options(), pinned=pinned)
    assert other.entries[0].key != "he2016resnet"


def test_two_pinned_keys_in_one_merged_entry_keep_the_first_and_alias_the_other() -> None:
    pinned = [
        rec("Gemma 3 Technical Report", "Kavukcuoglu, Koray", key="gemma3"),
        rec("Gemma 3 technical report.", "Orbay, Jordi", key="orbay2025gemma"),
    ]
    sources = _pages(("a.txt", "Kavukcuoglu, Koray", "Gemma 3 Technical Report"), ("b.txt", "Orbay, Jordi", "Gemma 3 Technical Report"))
    options = Options()
    (e,) = process(sources, options, pinned=pinned).entries
    assert e.key == "gemma3" and e.aliases == ("orbay2025gemma",)
    notes = [d for d in options.diagnostics.items if d.severity is Severity.NOTE]
    assert len(notes) == 1 and "orbay2025gemma" in notes[0].message and "alias" in notes[0].message
    swapped = process(sources, Options(), pinned=pinned[::-1]).entries[0]
    assert swapped.key == "orbay2025gemma" and swapped.aliases == ("gemma3",)  # first in the target file wins


def test_pinned_aliases_are_kept_and_reserved() -> None:
    pinned = [rec("Gemma 3 Technical Report", "Kavukcuoglu, Koray", key="gemma3").replace(aliases=("kavukcuoglu2025",))]
    sources = _pages(("a.txt", "Kavukcuoglu, Koray", "Gemma 3 Technical Report"), ("a.txt", "Kavukcuoglu, Koray", "Gemma 2"))
    result = process(sources, Options(key_pattern='[auth:lower]["2025"]'), pinned=pinned)
    keys = _keys(result)
    assert keys["Gemma 3 Technical Report"] == "gemma3"
    assert keys["Gemma 2"] == "kavukcuoglu2025a"  # the pinned alias is never reused for another work
    assert result.entries[[e.title for e in result.entries].index("Gemma 3 Technical Report")].aliases == ("kavukcuoglu2025",)


def test_pinned_key_of_a_removed_work_is_not_reused() -> None:
    pinned = [rec("A Work That Was Deleted From The Sources", "Smith, J.", key="smith")]
    (e,) = process(_pages(("a.txt", "Smith, J.", "Something New Entirely")), Options(key_pattern="[auth:lower]"), pinned=pinned).entries
    assert e.key == "smitha"


def test_pinned_entry_matching_a_split_work_warns() -> None:
    # The pinned entry knew no edition; the sources now hold two editions, which are two works.
    pinned = [rec("Pattern Recognition and Machine Learning", "Bishop, C.", kind=EntryKind.BOOK, partial=False, key="bishop")]
    sources = [
        rec("Pattern Recognition and Machine Learning", "Bishop, C.", kind=EntryKind.BOOK, partial=False, edition=ed, path=p)
        for p, ed in (("b.bib", "2"), ("a.bib", "1"))
    ]
    options = Options()
    result = process(sources, options, pinned=pinned)
    keys = {e.get("edition"): e.key for e in result.entries}
    assert keys["1"] == "bishop" and keys["2"] != "bishop"  # content order: edition 1 first
    assert any("more than one entry" in d.message for d in options.diagnostics.items)


def test_source_key_is_kept_and_becomes_alias_under_a_pin() -> None:
    src = rec("Attention Is All You Need", "Vaswani, A.", partial=False, key="vaswani2017attention", path="refs.bib")
    assert process([src], Options()).entries[0].key == "vaswani2017attention"
    pinned = [rec("Attention is all you need", "Vaswani, Ashish", partial=False, key="transformer")]
    (e,) = process([src], Options(), pinned=pinned).entries
    assert e.key == "transformer" and e.aliases == ("vaswani2017attention",)


def test_source_key_pinned_to_another_work_is_replaced() -> None:
    pinned = [rec("Some Other Work Altogether Here", "Jones, M.", partial=False, key="vaswani2017")]
    src = rec("Attention Is All You Need", "Vaswani, A.", partial=False, key="vaswani2017", path="refs.bib")
    options = Options()
    (e,) = process([src], options, pinned=pinned).entries
    assert e.key != "vaswani2017"
    assert any("pinned to another work" in d.message for d in options.diagnostics.items)


def test_apply_pins_duplicate_pinned_keys_first_wins() -> None:
    pinned = [rec("Gemma 3 Technical Report", "K, K", key="g"), rec("Other Long Title Of Another Work", "K, K", key="g")]
    diags = Diagnostics()
    out, reserved = apply_pins([rec("Other Long Title Of Another Work", "K, K")], pinned, diags)
    assert out[0].key == "" and reserved == {"g"}
    assert "appears twice" in diags.items[0].message


def test_apply_pins_leaves_no_title_memo_behind() -> None:
    from bibgen.dedupe.signals import _title_signals

    pinned = [rec("Gemma 3 Technical Report", "K, K", key="g")]
    out, _ = apply_pins([rec("Gemma 3 Technical Report", "K, K")], pinned, Diagnostics())
    assert out[0].key == "g"  # the pin matched, so features (and their memo) were built
    assert _title_signals.cache_info().currsize == 0


def test_cluster_report_carries_the_final_key() -> None:
    sources = _pages(("a.txt", "Kavukcuoglu, Koray", "Gemma 3 Technical Report"), ("b.txt", "Orbay, Jordi", "Gemma 3 Technical Report"))
    (c,) = process(sources, Options()).clusters
    assert c.key == "kavukcuogluGemma3Technical"


def test_pin_matches_any_identifier_of_the_merged_records() -> None:
    # One work on two pages, joined by its arXiv id, one page with its DOI.
    # Which record leads the merge depends on which file sorts first; the
    # pin (a hand-written target entry with only the DOI) must hold either way.
    # (Two different DOIs with one arXiv id are two publications: test_dedupe.)
    title = "Scaling Language Models: Methods, Analysis and Insights from Training Gopher"
    pinned = [rec(title, "Rae, Jack", path="refs.bib", key="gopher", partial=False, doi="10.1000/second")]
    for first, second in (("a.txt", "b.txt"), ("b.txt", "a.txt")):
        records = [
            rec(title, "Rae, Jack", path=first, eprint="2112.11446", eprinttype="arxiv"),
            rec(title, "Rae, Jack", path=second, doi="10.1000/second", eprint="2112.11446", eprinttype="arxiv"),
        ]
        [entry] = process(records, Options(), pinned=pinned).entries
        assert entry.key == "gopher"


# ---------------------------------------------------------------- pins among works that share a title

LONG = "Scaling Language Models: Methods, Analysis and Insights from Training Gopher"


def _moved(records: list[Entry], names: dict[str, str]) -> list[Entry]:
    return [r.replace(origin=Origin(names[r.origin.path], r.origin.line), origins=()) for r in records]


def test_each_pinned_key_goes_to_the_work_with_the_same_authors() -> None:
    # Three works with one title, kept apart by complete author lists; every pin
    # matches every entry by title, so closeness (the same people) must decide.
    records = [
        rec(LONG, "Rae, Jack", partial=False),
        rec(LONG, "Rae, Jack", "He, Kaiming"),
        rec(LONG, "He, Kaiming", partial=False),
        rec(LONG, "Kavukcuoglu, Koray", partial=False, doi="10.1000/a"),
        rec(LONG, "Rae, Jack", doi="10.1000/a"),
    ]
    first = process(records, Options()).entries
    by_members = {tuple(o.line for o in e.origins): e.key for e in first}
    for order in (records, records[::-1], records[2:] + records[:2]):
        again = process(_moved(order, {"a.txt": "z.txt"}), Options(), pinned=list(first)).entries
        assert {tuple(o.line for o in e.origins): e.key for e in again} == by_members


def test_pin_matches_what_the_merged_records_say_not_only_the_winning_value() -> None:
    # The merged year depends on which record sorts first; renaming the files
    # flips it from 2019 to 2021, an article year two years off the pinned one.
    # The pin still matches, since the records themselves (a preprint among them) agree.
    records = [
        rec(LONG, "Kavukcuoglu, Koray", partial=False, year="2019"),
        rec(LONG, "Kavukcuoglu, Koray", partial=False, kind=EntryKind.ARTICLE),
        rec(LONG, "Kavukcuoglu, Koray", partial=False, path="b.txt", year="2021"),
    ]
    (first,) = process(records, Options()).entries
    (again,) = process(_moved(records, {"a.txt": "q.txt", "b.txt": "m.bib"}), Options(), pinned=[first]).entries
    assert again.get("year") == "2021" and again.key == first.key == "kavukcuoglu2019ScalingLanguageModels"


def test_two_works_of_one_title_keep_their_keys_when_one_has_a_venue_the_other_lacks() -> None:
    # Found by a random run (seed 2) of tests/properties/test_dedupe_stability.py: two
    # "Introduction" preprints by the same authors, one in Nature. Both match both pins
    # equally by title; the venue only one record has used to count for neither, so the
    # second run handed the venue-less record the other work's key (a swap).
    authors = ("Rae, Jack", "Rae, J.", "Kavukcuoglu, Koray")
    records = [rec("Introduction", *authors, partial=False), rec("Introduction", *authors, partial=False, container="Nature")]
    first = {e.get("container"): e.key for e in process(records, Options()).entries}
    assert len(set(first.values())) == 2
    pinned = list(process(records, Options()).entries)
    again = [r.replace(origin=Origin("q.txt", 100 - r.origin.line)) for r in records]
    second = {e.get("container"): e.key for e in process(again, Options(), pinned=pinned).entries}
    assert second == first
