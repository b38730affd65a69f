"""Deduplication rules: what merges, what never merges, and how merged entries look."""

from __future__ import annotations

import random

import pytest

from bibgen.dedupe import blocking as blocking_module
from bibgen.dedupe.blocking import _candidate_pairs
from bibgen.dedupe.signals import _Features
from bibgen.dedupe import (
    Cluster,
    DedupePolicy,
    cluster,
    dedupe,
    find_duplicates,
    format_clusters,
    merge,
)
from bibgen.errors import Diagnostics, StrictError
from bibgen.model import Entry, EntryKind, Origin, Person
from bibgen.normalize import parse_name

_line = iter(range(1, 10**9))


def rec(title: str, *authors: str, kind: EntryKind = EntryKind.PREPRINT, path: str = "a.txt", partial: bool = True, **fields: str) -> Entry:
    """One record as an author page (partial author list) or a .bib (partial=False) gives it."""
    people = {"author": tuple(parse_name(a) for a in authors)} if authors else {}
    return Entry(
        kind=kind,
        fields={"title": title, **fields},
        people=people,
        origin=Origin(path, next(_line)),
        partial=frozenset({"author"}) if partial and authors else frozenset(),
    )


def same(*entries: Entry, policy: DedupePolicy = DedupePolicy()) -> bool:
    """Do all records end up in one cluster?"""
    return len(cluster(entries, policy)) == 1


def apart(*entries: Entry, policy: DedupePolicy = DedupePolicy()) -> bool:
    """Does every record stay on its own?"""
    return len(cluster(entries, policy)) == len(entries)


LONG = "Scaling Language Models: Methods, Analysis and Insights from Training Gopher"


# ---------------------------------------------------------------- must merge


@pytest.mark.parametrize(
    "variant",
    [
        LONG.upper(),
        LONG.lower(),
        "Scaling Language Models — Methods, Analysis and Insights from Training Gopher",
        "Scaling Language Models -- Methods, Analysis and Insights from Training Gopher",
        "Scaling Language Models: Methods, Analysis, and Insights from Training Gopher",
        LONG + ".",
        "  Scaling   Language Models:  Methods, Analysis and Insights  from Training Gopher ",
        "Scaling Language Models: Methods; Analysis & Insights from Training Gopher".replace(" & ", " and "),
    ],
)
def test_title_variants_merge_across_author_pages(variant: str) -> None:
    assert same(rec(LONG, "Rae, Jack W.", path="a.txt"), rec(variant, "Borgeaud, Sebastian", path="b.txt"))


def test_accents_fold_rather_than_vanish() -> None:
    a = rec("Über die Schrödinger-Gleichung für Anfänger", "Müller, Jörg")
    b = rec("Uber die Schrodinger Gleichung fur Anfanger", "Weber, Ann")
    assert same(a, b)


def test_one_letter_typo_in_long_title_with_shared_author_merges() -> None:
    a = rec(LONG, "Rae, Jack W.", path="a.txt")
    b = rec("Scaling Language Models: Methods, Analysis and Insights from Trainng Gopher", "Rae, J.", path="b.txt")
    assert same(a, b)
    (c,) = find_duplicates([a, b])
    assert c.reason == "fuzzy" and 0.9 <= c.score < 1


def test_one_letter_typo_merges_on_same_abstract_without_shared_author() -> None:
    abstract = "We present an analysis of Transformer-based language model performance across a wide range of model scales."
    a = rec(LONG, "Rae, Jack W.", abstract=abstract)
    b = rec("Scaling Language Models: Methods, Analysis and Insights from Trainng Gopher", "Irving, G.", abstract=abstract)
    assert same(a, b)


def test_one_letter_apart_in_a_three_word_title_is_another_name() -> None:
    sound = {"venue": "arXiv.org Sound", "eprinttype": "arxiv"}
    assert apart(rec("Iumkal Technical Report", "Rae, Jack", **sound), rec("Iumfal Technical Report", "Rae, Jack", **sound))
    assert same(rec("Iumkal Model Technical Report", "Rae, Jack"), rec("Iumkal Modle Technical Report", "Rae, Jack"))


def test_typo_without_second_signal_stays_apart() -> None:
    a = rec(LONG, "Rae, Jack W.")
    b = rec("Scaling Language Models: Methods, Analysis and Insights from Trainng Gopher", "Irving, G.")
    assert apart(a, b)


@pytest.mark.parametrize(
    "doi_a, doi_b",
    [("10.1145/3442188.3445922", "https://doi.org/10.1145/3442188.3445922"), ("doi:10.1000/ABC", "10.1000/abc")],
)
def test_same_doi_merges_whatever_the_titles(doi_a: str, doi_b: str) -> None:
    assert same(rec("On the Dangers of Stochastic Parrots", doi=doi_a), rec("Stochastic parrots (talk)", doi=doi_b))


@pytest.mark.parametrize(
    "a, b",
    [("2403.08295v1", "arXiv:2403.08295v2"), ("hep-th/9901001", "arXiv:hep-th/9901001v3"), ("1706.03762", "1706.03762")],
)
def test_same_arxiv_id_merges(a: str, b: str) -> None:
    assert same(rec("Title one", eprint=a, eprinttype="arxiv"), rec("Another title", eprint=b, eprinttype="arxiv"))


def test_arxiv_doi_is_the_arxiv_id() -> None:
    a = rec("Attention is all you need", doi="10.48550/arXiv.1706.03762")
    b = rec("Attention Is All You Need (v5)", eprint="1706.03762v5", eprinttype="arxiv")
    assert same(a, b)


def test_preprint_and_published_version_merge_and_published_venue_wins() -> None:
    pre = rec("Deep Residual Learning for Image Recognition", "He, Kaiming", eprint="1512.03385", eprinttype="arxiv",
              eprintclass="cs.CV", year="2015", path="a.txt")
    pub = rec("Deep residual learning for image recognition", "He, K.", "Zhang, X.", kind=EntryKind.INPROCEEDINGS,
              partial=False, container="Proceedings of CVPR", pages="770--778", year="2016", doi="10.1109/CVPR.2016.90",
              path="b.txt")
    diags = Diagnostics()
    (e,) = dedupe([pre, pub], diags).entries
    assert e.kind is EntryKind.INPROCEEDINGS
    assert (e.get("container"), e.get("year"), e.get("pages")) == ("Proceedings of CVPR", "2016", "770--778")
    assert (e.get("eprint"), e.get("eprintclass")) == ("1512.03385", "cs.CV")
    assert e.get("doi") == "10.1109/CVPR.2016.90"
    assert diags.items == []  # a preprint's earlier year is no conflict


def test_published_entry_drops_arxiv_doi_for_eprint() -> None:
    pre = rec("Deep Residual Learning for Image Recognition", "He, Kaiming", doi="10.48550/arXiv.1512.03385")
    pub = rec("Deep Residual Learning for Image Recognition", "He, K.", kind=EntryKind.ARTICLE, container="J")
    (e,) = dedupe([pre, pub], Diagnostics()).entries
    assert "doi" not in e.fields and e.get("eprint") == "1512.03385"


# ---------------------------------------------------------------- must not merge


@pytest.mark.parametrize("titles", [("Gemma", "Gemma 2", "Gemma 3"), ("Gemini", "Gemini 1.5", "Gemini 15")])
def test_numbered_versions_stay_apart(titles: tuple[str, ...]) -> None:
    assert apart(*(rec(t, "Kavukcuoglu, Koray") for t in titles))
    long = [rec(f"{t}: A Family of Highly Capable Multimodal Models", "Kavukcuoglu, Koray") for t in titles]
    assert apart(*long)


def test_gemma_technical_reports_stay_apart() -> None:
    titles = ["Gemma: Open Models Based on Gemini Research and Technology", "Gemma 2: Improving Open Language Models at a Practical Size", "Gemma 3 Technical Report", "Gemma 2 Technical Report"]
    assert apart(*(rec(t, "Kavukcuoglu, Koray") for t in titles))


def test_two_editions_of_a_book_stay_apart() -> None:
    a = rec("Pattern Recognition and Machine Learning", "Bishop, Christopher", kind=EntryKind.BOOK, partial=False, edition="1")
    b = rec("Pattern Recognition and Machine Learning", "Bishop, Christopher", kind=EntryKind.BOOK, partial=False, edition="Second")
    c = rec("Pattern Recognition and Machine Learning", "Bishop, C.", kind=EntryKind.BOOK, partial=False, edition="2nd")
    assert len(cluster([a, b, c])) == 2
    assert same(b, c)


@pytest.mark.parametrize(
    "a, b",
    [
        ("The Art of Computer Programming, Volume 1: Fundamental Algorithms", "The Art of Computer Programming, Volume 2: Fundamental Algorithms"),
        ("Statistical Mechanics of Learning Systems, Part I", "Statistical Mechanics of Learning Systems, Part II"),
        ("Statistical Mechanics of Learning Systems II", "Statistical Mechanics of Learning Systems III"),
        ("Proceedings of the Second Workshop on Neural Generation", "Proceedings of the Third Workshop on Neural Generation"),
        ("Nonlinear Dynamics of Recurrent Neural Networks", "Linear Dynamics of Recurrent Neural Networks"),
        ("Supervised Representation Learning for Speech", "Unsupervised Representation Learning for Speech"),
        ("Language Models are Few-Shot Learners in Practice", "Language Models are Many-Shot Learners in Practice"),
    ],
)
def test_parts_volumes_and_opposites_stay_apart_even_with_a_shared_author(a: str, b: str) -> None:
    assert apart(rec(a, "Knuth, Donald"), rec(b, "Knuth, Donald"))


def test_volume_fields_keep_works_apart() -> None:
    a = rec("Handbook of Logic in Computer Science", kind=EntryKind.BOOK, volume="1", partial=False)
    b = rec("Handbook of Logic in Computer Science", kind=EntryKind.BOOK, volume="2", partial=False)
    assert apart(a, b)


@pytest.mark.parametrize(
    "a, b",
    [
        ("深度学习在医学图像分析中的应用研究", "深度学习在遥感图像分析中的应用研究"),
        ("机器学习", "深度学习"),
        ("Ιστορία της αρχαίας ελληνικής φιλοσοφίας", "Ιστορία της νεότερης ελληνικής φιλοσοφίας"),
        ("Теория вероятностей и математическая статистика", "Теория игр и математическая статистика"),
        ("Введение в теорию чисел", "Введение в теорию групп"),
    ],
)
def test_different_non_latin_titles_stay_apart(a: str, b: str) -> None:
    assert apart(rec(a, "李, 明"), rec(b, "李, 明"))


def test_one_character_difference_in_chinese_is_a_different_word() -> None:
    assert apart(rec("大规模语言模型的训练方法研究", "王, 伟"), rec("大规模语音模型的训练方法研究", "王, 伟"))


def test_same_non_latin_title_merges() -> None:
    assert same(rec("深度学习在医学图像分析中的应用研究", "李, 明", path="a"), rec("深度学习在医学图像分析中的应用研究。", "王, 伟", path="b"))
    assert same(rec("Ιστορία της Αρχαίας Ελληνικής Φιλοσοφίας", "Α"), rec("ΙΣΤΟΡΙΑ ΤΗΣ ΑΡΧΑΙΑΣ ΕΛΛΗΝΙΚΗΣ ΦΙΛΟΣΟΦΙΑΣ", "Β"))


def test_generic_title_by_different_complete_author_lists_stays_apart() -> None:
    a = rec("Introduction", "Smith, John", partial=False, year="2020")
    b = rec("Introduction", "Jones, Mary", partial=False, year="2020")
    assert apart(a, b)


ABSTRACT = "We study how the errata of a journal are scraped from two author pages and merged by their abstract."
NATURE = {"kind": EntryKind.ARTICLE, "container": "Nature", "venue": "Nature"}


@pytest.mark.parametrize("title", ["Erratum", "Introduction", "EDITORIAL", "Reply.", "Letter to the Editor", "Book Reviews"])
def test_generic_title_in_one_journal_needs_agreeing_abstracts(title: str) -> None:
    # One journal prints an erratum in every issue: the venue is no evidence, one shared family name neither.
    assert apart(rec(title, "Wang, Li", path="a", **NATURE), rec(title, "Smith, Ann", path="b", abstract=ABSTRACT, **NATURE))
    assert apart(rec(title, "Wang, Li", path="a", **NATURE), rec(title, "Wang, Li", path="b", abstract=ABSTRACT, **NATURE))
    assert same(rec(title, "Wang, Li", path="a", abstract=ABSTRACT, **NATURE), rec(title, "Smith, Ann", path="b", abstract=ABSTRACT, **NATURE))


def test_generic_title_merges_on_the_same_complete_authors_venue_and_year() -> None:
    a = rec("Preface", "Smith, John", "Jones, Mary", partial=False, year="2020", **NATURE)
    assert same(a, rec("Preface.", "Smith, J.", "Jones, M.", partial=False, year="2020", **NATURE))
    assert apart(a, rec("Preface", "Smith, John", "Jones, Mary", partial=False, year="2021", **NATURE))
    assert apart(a, rec("Preface", "Smith, John", partial=False, year="2020", **NATURE))


def test_a_numbered_generic_title_is_not_generic() -> None:
    # "Introduction 2" is a name like "Gemini 1.5"; the ordinary short-title rule applies.
    arxiv = {"venue": "arXiv.org Sound", "eprinttype": "arxiv", "eprintclass": "cs.SD"}
    assert same(rec("Introduction 2", "Wang, Li", path="a", **arxiv), rec("Introduction 2", "Smith, Ann", path="b", abstract=ABSTRACT, **arxiv))


def test_short_title_corroborated_by_the_same_source_line() -> None:
    # Two pages list the model report under the same arXiv subject; one copy has no abstract.
    sound = {"venue": "arXiv.org Sound", "eprinttype": "arxiv", "eprintclass": "cs.SD"}
    robotics = {"venue": "arXiv.org Robotics", "eprinttype": "arxiv", "eprintclass": "cs.RO"}
    assert same(rec("Dorathnox 4", "Gupta, Ravi", path="a", **sound), rec("Dorathnox 4", "Novák, Jan", path="b", abstract=ABSTRACT, **sound))
    assert apart(rec("Dorathnox 4", "Gupta, Ravi", path="a", **sound), rec("Dorathnox 4", "Novák, Jan", path="b", abstract=ABSTRACT, **robotics))


def test_typo_corroborated_by_the_same_source_line() -> None:
    cl = {"venue": "arXiv.org Computation and Language", "eprinttype": "arxiv", "eprintclass": "cs.CL"}
    a = rec(LONG, "Rae, Jack W.", path="a", abstract=ABSTRACT, **cl)
    b = rec("Scaling Language Models: Methods, Analysis and Insights from Trainng Gopher", "Irving, G.", path="b", **cl)
    assert same(a, b)
    assert apart(a, rec(b.title, "Irving, G.", path="b", venue="arXiv.org Robotics", eprinttype="arxiv"))


def test_short_title_needs_a_second_signal() -> None:
    assert apart(rec("Gemini", "Kavukcuoglu, Koray"), rec("Gemini", "Orbay, Jordi"))
    assert same(rec("Gemini", "Kavukcuoglu, Koray", year="2023"), rec("Gemini", "Orbay, Jordi", year="2023"))


def test_long_title_from_two_author_pages_merges_without_more_evidence() -> None:
    assert same(rec("Gemma 3 Technical Report", "Kavukcuoglu, Koray"), rec("Gemma 3 Technical Report", "Orbay, Jordi"))


def test_different_identifiers_veto_a_title_match() -> None:
    assert apart(rec(LONG, doi="10.1000/a"), rec(LONG, doi="10.1000/b"))
    assert apart(rec(LONG, eprint="2101.00001", eprinttype="arxiv"), rec(LONG, eprint="2101.00002", eprinttype="arxiv"))


def test_years_far_apart_veto_a_title_match() -> None:
    assert apart(rec(LONG, kind=EntryKind.ARTICLE, year="1999"), rec(LONG, kind=EntryKind.ARTICLE, year="2015"))
    # A preprint may precede its publication by a few years.
    assert same(rec(LONG, year="2019"), rec(LONG, kind=EntryKind.ARTICLE, year="2022"))


def test_author_page_author_missing_from_complete_list_vetoes() -> None:
    page = rec(LONG, "Kavukcuoglu, Koray")
    bib = rec(LONG, "Rae, Jack", "Borgeaud, Sebastian", kind=EntryKind.ARTICLE, partial=False)
    assert apart(page, bib)
    assert same(page, rec(LONG, "Rae, Jack", "Kavukcuoglu, K.", kind=EntryKind.ARTICLE, partial=False))


# ---------------------------------------------------------------- policy


def test_declared_not_duplicates_are_honoured() -> None:
    a, b = rec(LONG, "Rae, Jack W."), rec("Scaling Language Models: Methods, Analysis and Insights from Trainng Gopher", "Rae, J.")
    assert same(a, b)
    policy = DedupePolicy(not_duplicates=frozenset({("scaling language models — methods, analysis and insights from training gopher",
                                                     "SCALING LANGUAGE MODELS: METHODS, ANALYSIS AND INSIGHTS FROM TRAINNG GOPHER")}))
    assert apart(a, b, policy=policy)


def test_not_duplicate_title_with_itself_keeps_same_titled_records_apart() -> None:
    a, b = rec("Gemma 3 Technical Report", "Kavukcuoglu, Koray"), rec("Gemma 3 technical report", "Orbay, Jordi")
    assert apart(a, b, policy=DedupePolicy(not_duplicates=frozenset({("Gemma 3 Technical Report", "Gemma 3 Technical Report")})))


def test_declared_pair_does_not_block_identifier_evidence() -> None:
    a, b = rec("Gemma: open models", doi="10.1000/x"), rec("Gemma: open models (extended)", doi="10.1000/X")
    policy = DedupePolicy(not_duplicates=frozenset({("Gemma: open models", "Gemma: open models (extended)")}))
    assert same(a, b, policy=policy)


def test_fuzzy_matching_can_be_turned_off() -> None:
    a, b = rec(LONG, "Rae, Jack W."), rec("Scaling Language Models: Methods, Analysis and Insights from Trainng Gopher", "Rae, J.")
    assert apart(a, b, policy=DedupePolicy(fuzzy=False))


# ---------------------------------------------------------------- merging


def test_author_union_in_first_seen_order_complete_lists_first() -> None:
    page1 = rec(LONG, "Zhang, Wei", path="a.txt")
    bib = rec(LONG, "Rae, Jack W.", "Zhang, W.", kind=EntryKind.ARTICLE, partial=False, path="b.bib")
    page2 = rec(LONG, "Rae, J.", path="c.txt")
    e = merge([page1, bib, page2], Diagnostics())
    assert [p.family for p in e.authors] == ["Rae", "Zhang"]
    assert e.authors[1].given == "Wei"  # the fuller given name wins
    assert "author" not in e.partial


def test_author_union_of_pages_in_sorted_source_order() -> None:
    a, b = rec(LONG, "Orbay, Jordi", path="b.txt"), rec(LONG, "Kavukcuoglu, Koray", path="a.txt")
    (e,) = dedupe(sorted([a, b], key=lambda e: e.origin), Diagnostics()).entries
    assert [p.family for p in e.authors] == ["Kavukcuoglu", "Orbay"] and "author" in e.partial


def test_conflicting_value_warns_naming_both_sources() -> None:
    a = rec(LONG, kind=EntryKind.ARTICLE, container="Nature", publisher="Springer", path="a.bib")
    b = rec(LONG, kind=EntryKind.ARTICLE, container="Nature", publisher="Elsevier", path="b.bib")
    diags = Diagnostics()
    (e,) = dedupe([a, b], diags).entries
    assert e.get("publisher") == "Springer"
    (d,) = diags.items
    assert str(a.origin) in d.message and str(b.origin) in d.message and "publisher" in d.message
    with pytest.raises(StrictError):
        dedupe([a, b], Diagnostics(strict=True))


def test_longer_abstract_and_majority_title_win() -> None:
    a = rec(LONG, "Rae, J.", abstract="Short.")
    b = rec(LONG.upper(), "Rae, J.", abstract="A much longer abstract.")
    c = rec(LONG.upper(), "Rae, J.")
    e = merge([a, b, c], Diagnostics())
    assert e.get("abstract") == "A much longer abstract." and e.title == LONG.upper()


def test_merged_keys_keep_the_first_and_alias_the_rest() -> None:
    a = rec(LONG, doi="10.1000/x").replace(key="rae2021")
    b = rec(LONG, doi="10.1000/x").replace(key="gopher")
    e = merge([a, b], Diagnostics())
    assert (e.key, e.aliases) == ("rae2021", ("gopher",))


# ---------------------------------------------------------------- determinism and reporting


def _corpus() -> list[Entry]:
    titles = [LONG, LONG.lower() + ".", "Scaling Language Models: Methods, Analysis and Insights from Trainng Gopher",
              "Gemma", "Gemma 2", "Gemma 3 Technical Report", "Gemma 3 technical report", "机器学习", "深度学习"]
    authors = ["Rae, Jack", "Kavukcuoglu, Koray", "Rae, J.", "Orbay, Jordi", "Orbay, Jordi", "Orbay, Jordi",
               "Kavukcuoglu, Koray", "李, 明", "李, 明"]
    out = []
    for i, (t, a) in enumerate(zip(titles, authors)):
        out.append(rec(t, a, path=f"f{i % 4}.txt"))
    out.append(rec("Something else", doi="10.1000/Q", path="z.txt"))
    out.append(rec("Something else entirely", doi="https://doi.org/10.1000/q", path="y.txt"))
    return out


def _partition(entries: list[Entry]) -> set[frozenset[tuple[str, str]]]:
    groups = cluster(entries)
    return {frozenset((entries[i].title, ";".join(p.family for p in entries[i].authors)) for i in g) for g in groups}


def test_clusters_do_not_depend_on_input_order() -> None:
    base = _corpus()
    expected = _partition(base)
    assert len(expected) < len(base)
    rng = random.Random(7)
    for _ in range(20):
        shuffled = base[:]
        rng.shuffle(shuffled)
        assert _partition(shuffled) == expected


def test_report_lists_members_reason_and_score() -> None:
    entries = _corpus()
    clusters = find_duplicates(entries)
    text = format_clusters(clusters)
    doi_cluster = next(c for c in clusters if c.reason == "doi")
    assert isinstance(doi_cluster, Cluster) and len(doi_cluster.members) == 2
    assert "reason doi, score 1.00" in text
    assert "y.txt:" in text and "z.txt:" in text
    (gopher,) = [c for c in clusters if "fuzzy" in c.reason]
    assert gopher.reason == "title+fuzzy" and len(gopher.members) == 3 and 0.9 <= gopher.score < 1
    assert len(clusters) == 3  # Gopher, the two Gemma 3 reports, the DOI pair


def test_blocking_keeps_candidate_pairs_linear() -> None:
    rng = random.Random(3)
    vocab = [f"word{i}" for i in range(3000)]
    entries = [rec(" ".join(rng.sample(vocab, 6)), "A, B") for _ in range(3000)]
    feats = [_Features(i, e) for i, e in enumerate(entries)]
    pairs = _candidate_pairs(feats, lambda i: i)
    assert len(pairs) < 3 * len(entries)


@pytest.mark.parametrize("title", ["Gemini", "Introduction", "Attention", "Zorvex 2"])
def test_a_big_same_title_bucket_decides_as_all_pairs_would(title: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Hundreds of records with one short title: each only tries the clusters it
    # shares a second signal with. The clusters must be those of trying them all.
    rng = random.Random(title)
    vocab = ["model", "data", "learning", "we", "show", "train", "large", "scale", "results", "method", "new", "task"]
    works = [" ".join(rng.choices(vocab, k=50)) for _ in range(40)]

    def abstract() -> str:
        # No abstract, a work's abstract, or a copy with one letter changed
        # (the blocking keeps each abstract's two ends: one edit spoils one end).
        text = rng.choice(["", "", *works])
        if text and rng.random() < 0.3:
            i = rng.randrange(len(text))
            text = text[:i] + "x" + text[i + 1 :]
        return text

    families = [f"Fam{i}, A." for i in range(30)]
    venues = ["Nature", "Science", "arXiv.org Sound", "arXiv.org Robotics", ""]
    entries = []
    for n in range(300):
        fields = {k: v for k, v in {"abstract": abstract(), "venue": rng.choice(venues),
                                    "year": rng.choice(["", "", "2020", "2021"])}.items() if v}
        if fields.get("venue") in ("Nature", "Science"):
            fields["container"] = fields["venue"]
        partial = rng.random() < 0.7
        authors = rng.sample(families, rng.randint(1, 2))
        entries.append(rec(title, *authors, path=f"p{n % 7}", partial=partial, **fields))
    narrowed = cluster(entries)
    monkeypatch.setattr(blocking_module, "_BLOCK_ALL_PAIRS", 10**9)
    everything = cluster(entries)
    assert narrowed == everything
    assert 1 < len(narrowed) < len(entries)  # some merged, some not: the test decides something


def test_one_doi_written_two_ways_is_no_conflict_and_is_kept_bare(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bibgen.pipeline import Options, process, read

    for name, doi in (("a.bib", "https://doi.org/10.1000/ABC"), ("b.bib", "10.1000/abc")):
        (tmp_path / name).write_text(f"@article{{k, author = {{Rae, Jack}}, title = {{{LONG}}}, doi = {{{doi}}}}}\n")
    options = Options()
    (e,) = process(read([tmp_path], options), options).entries
    assert e.get("doi") == "10.1000/ABC"  # the resolver goes (biblatex adds it), the case stays
    assert not [d for d in options.diagnostics.items if "conflicting" in d.message]
