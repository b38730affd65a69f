"""The same-work rule of issue 14: merges that never fuse different works, with reasons for every refusal."""

from __future__ import annotations

from pathlib import Path

import pytest

from bibgen.dedupe import DedupePolicy, dedupe, format_refusals
from bibgen.errors import Diagnostics, Severity
from bibgen.normalize import normalize_doi
from bibgen.pipeline import Options, process, read

SICI_A = "10.1002/(SICI)1521-3951(199911)216:1<391::AID-PSSB391>3.0.CO;2-H"
SICI_B = "10.1002/(SICI)1521-3951(199911)216:1<501::AID-PSSB501>3.0.CO;2-X"


def run(tmp_path: Path, policy: DedupePolicy | None = None, **files: str):
    for name, text in files.items():
        (tmp_path / name.replace("_", ".")).write_text(text, encoding="utf-8")
    options = Options(dedupe_policy=policy or DedupePolicy())
    entries = sorted(read([tmp_path], options), key=lambda e: e.origin)
    result = dedupe(entries, options.diagnostics, options.dedupe_policy)
    return result, options.diagnostics


def test_sici_dois_are_whole_and_differ() -> None:
    assert normalize_doi(SICI_A) != normalize_doi(SICI_B)
    assert normalize_doi("https://doi.org/" + SICI_A.replace("<", "%3C").replace(">", "%3E")) == normalize_doi(SICI_A)
    assert normalize_doi(f"doi:{SICI_A}") == SICI_A.lower()


def test_sici_dois_of_two_papers_do_not_merge(tmp_path: Path) -> None:
    result, _ = run(
        tmp_path,
        a_bib=f"@article{{a, author={{Smith, John}}, title={{Silicon nanowires}}, journal={{pss}}, year={{1999}}, doi={{{SICI_A}}}}}\n",
        b_bib=f"@article{{b, author={{Jones, Ann}}, title={{Phonons in graphite}}, journal={{pss}}, year={{1999}}, doi={{{SICI_B}}}}}\n",
    )
    assert len(result.entries) == 2 and [len(e.authors) for e in result.entries] == [1, 1]


def test_a_shared_doi_with_different_titles_is_a_warning_naming_both_places(tmp_path: Path) -> None:
    result, diags = run(
        tmp_path,
        a_bib=f"@article{{a, author={{Smith, John}}, title={{Silicon nanowires}}, year={{1999}}, doi={{{SICI_A}}}}}\n",
        b_bib=f"@article{{b, author={{Bird, Rob}}, title={{Migration of swallows over the Alps}}, year={{1950}}, doi={{{SICI_A}}}}}\n",
    )
    assert len(result.entries) == 2
    (w,) = [d for d in diags.items if d.severity is Severity.WARNING]
    assert "different titles" in w.message and "a.bib:1" in w.message and w.origin.path.endswith("b.bib")
    assert "same doi, different titles" in format_refusals(result.refused)


@pytest.mark.parametrize(
    ("first", "second", "reason"),
    [
        ("@techreport{r, author={Rattle, Alan}, title={Fast sorting of large files}, institution={MIT}, year={2001}, number={12}}",
         "@article{j, author={Rattle, Alan}, title={Fast sorting of large files}, journal={JACM}, year={2002}}", "different types"),
        ("@inproceedings{c, author={He, Kaiming}, title={Deep residual learning}, booktitle={CVPR}, year={2016}}",
         "@article{j, author={He, Kaiming}, title={Deep residual learning}, journal={TPAMI}, year={2016}, volume={38}}", "different types"),
        ("@phdthesis{t, author={Lee, Ann}, title={Graph colourings and their uses}, school={MIT}, year={2010}}",
         "@article{j, author={Lee, Ann}, title={Graph colourings and their uses}, journal={JGT}, year={2010}}", "different types"),
        ("@article{a, author={Knuth, Donald}, title={Mathematical games}, journal={Sci. Am.}, year={1970}, pages={120--123}}",
         "@article{b, author={Knuth, Donald}, title={Mathematical games}, journal={Sci. Am.}, year={1970}, pages={140--141}}", "different pages"),
        ("@article{a, author={Alton, J. and Rattle, Alan}, title={Sorting networks revisited today}, journal={J}, year={2001}}",
         "@article{b, author={Alton, J. and Rattle, Andrew}, title={Sorting networks revisited today}, journal={J}, year={2001}}", "given names"),
        ("@article{a, author={Smith, A. and Wu, B. and Li, C.}, title={A study of things in general}, journal={J}, year={2001}}",
         "@article{b, author={Smith, A. and Park, D. and Kim, E.}, title={A study of things in general}, journal={J}, year={2001}}", "different authors"),
        ("@book{a, author={Knuth, Donald}, title={The Art of Computer Programming}, edition={2}, year={1973}}",
         "@book{b, author={Knuth, Donald}, title={The Art of Computer Programming}, edition={3}, year={1973}}", "different editions"),
    ],
)
def test_different_works_with_one_title_stay_apart_with_a_reason(tmp_path: Path, first: str, second: str, reason: str) -> None:
    result, _ = run(tmp_path, a_bib=first + "\n", b_bib=second + "\n")
    assert len(result.entries) == 2
    (r,) = result.refused
    assert reason in r.reason
    assert reason in format_refusals(result.refused)


def test_an_identifier_ties_a_conference_paper_to_its_journal_record(tmp_path: Path) -> None:
    result, _ = run(
        tmp_path,
        a_bib="@inproceedings{c, author={He, Kaiming}, title={Deep residual learning}, booktitle={CVPR}, year={2016}, doi={10.1109/x.1}}\n",
        b_bib="@article{j, author={He, Kaiming}, title={Deep residual learning}, journal={TPAMI}, year={2016}, doi={10.1109/X.1}}\n",
    )
    assert len(result.entries) == 1


def test_preprint_and_published_version_merge_at_field_level(tmp_path: Path) -> None:
    result, _ = run(
        tmp_path,
        a_bib="@misc{p, author={Vaswani, Ashish and Shazeer, Noam}, title={Attention is all you need}, year={2017}, month={jun},"
        " day={12}, eprint={1706.03762}, archiveprefix={arXiv}}\n",
        b_bib="@inproceedings{v, author={Vaswani, A. and Shazeer, N.}, title={Attention Is All You Need}, booktitle={NeurIPS},"
        " year={2017}, month={dec}, pages={5998--6008}}\n",
    )
    (e,) = result.entries
    assert e.kind.value == "inproceedings" and e.fields["container"] == "NeurIPS" and e.fields["month"] in ("dec", "12")
    assert "day" not in e.fields  # never the preprint's day on the published month
    assert e.fields["eprint"] == "1706.03762"
    assert [p.given for p in e.authors] == ["Ashish", "Noam"]  # fuller names, no union of lists


def test_complete_author_lists_are_never_united(tmp_path: Path) -> None:
    result, _ = run(
        tmp_path,
        a_bib="@misc{p, author={Doe, Jane and Roe, Rick}, title={Learning to rank documents quickly}, year={2019}, eprint={1901.00001}}\n",
        b_bib="@article{v, author={Doe, Jane and Roe, Rick and Poe, Pat}, title={Learning to rank documents quickly}, journal={J}, year={2020}}\n",
    )
    (e,) = result.entries
    assert [p.family for p in e.authors] == ["Doe", "Roe", "Poe"]  # the published list, as it is


def test_different_keys_in_one_file_are_different_works_unless_opted_in(tmp_path: Path) -> None:
    bib = (
        "@article{smith2020a, author={Smith, John}, title={Notes on graphs and trees}, journal={J}, year={2020}}\n"
        "@article{smith2020b, author={Smith, J.}, title={Notes on Graphs and Trees}, journal={J}, year={2020}}\n"
        "@article{copy1, author={Smith, John}, title={Exact copies merge}, journal={J}, year={2020}}\n"
        "@article{copy2, author={Smith, John}, title={Exact copies merge}, journal={J}, year={2020}}\n"
    )
    result, _ = run(tmp_path, refs_bib=bib)
    assert sorted(e.key for e in result.entries) == ["copy1", "smith2020a", "smith2020b"]
    assert any("same file, different keys" in r.reason for r in result.refused)
    opted, _ = run(tmp_path, DedupePolicy(within_file=True), refs_bib=bib)
    assert len(opted.entries) == 2


def test_a_bib_key_beats_a_yaml_id_and_both_resolve(tmp_path: Path) -> None:
    (tmp_path / "refs.bib").write_text("@article{devlin2019bert, author={Devlin, Jacob}, title={BERT: Pre-training of deep transformers}, journal={J}, year={2019}}\n")
    (tmp_path / "a.yaml").write_text("- key: bert-preprint\n  title: 'BERT: Pre-training of deep transformers'\n  authors: [Jacob Devlin]\n  year: 2018\n  arxiv: 1810.04805\n")
    options = Options()
    (e,) = process(read([tmp_path], options), options).entries
    assert e.key == "devlin2019bert" and e.aliases == ("bert-preprint",)


def test_gemma_family_never_merges(tmp_path: Path) -> None:
    pages = "".join(
        f"@misc{{g{i}, author={{Team, Gemma}}, title={{{t}}}, year={{2024}}}}\n" for i, t in enumerate(["Gemma", "Gemma 2", "Gemma 3"])
    )
    result, _ = run(tmp_path, a_bib=pages.replace("g0", "x0"), b_bib=pages)
    assert len(result.entries) == 3


def test_records_that_differ_only_in_doi_are_kept_apart_in_linear_time(tmp_path: Path) -> None:
    # 600 records sharing title, author, year and venue with different DOIs:
    # each tries only clusters without a DOI (none), not every earlier one.
    from bibgen.dedupe import rule as module  # the cluster pass and _may_merge both call rule._why_not

    entries = []
    bib = "".join(
        f"@article{{k{i}, author={{Smith, John}}, title={{A long title shared by many papers}}, journal={{J}}, year={{2020}}, doi={{10.1000/{i}}}}}\n"
        for i in range(600)
    )
    (tmp_path / "x.bib").write_text(bib)
    options = Options(dedupe_policy=DedupePolicy(within_file=True))
    entries = sorted(read([tmp_path], options), key=lambda e: e.origin)
    calls = 0
    real = module._why_not

    def counting(*args, **kw):  # type: ignore[no-untyped-def]
        nonlocal calls
        calls += 1
        return real(*args, **kw)

    module._why_not = counting
    try:
        result = dedupe(entries, Diagnostics(), options.dedupe_policy)
    finally:
        module._why_not = real
    assert len(result.entries) == 600
    assert calls < 8 * len(entries)  # the fuzzy pass compares each with its 6 neighbours


def test_an_edited_title_keeps_its_pinned_key_and_a_new_number_does_not() -> None:
    from bibgen.model import Entry, EntryKind, Origin
    from bibgen.normalize import parse_name

    def rec(title: str, key: str = "", path: str = "a.yaml") -> Entry:
        return Entry(kind=EntryKind.ARTICLE, fields={"title": title, "year": "2023", "container": "NYT"},
                     people={"author": (parse_name("Metz, Cade"),)}, origin=Origin(path, 1), key=key)

    pinned = [rec("The AI Boom Is Here", key="metz2023AIBoomHere", path="refs.bib")]
    options = Options()
    (e,) = process([rec("The AI Boom Is Here, and It Is Going to Be Big")], options, pinned).entries
    assert e.key == "metz2023AIBoomHere"
    assert any("title edited" in d.message for d in options.diagnostics.items)
    (typo,) = process([rec("The AI Bom Is Here")], Options(), pinned).entries
    assert typo.key == "metz2023AIBoomHere"
    (other,) = process([rec("The AI Boom Is Here 2")], Options(), pinned).entries
    assert other.key != "metz2023AIBoomHere"


def test_bibtex_alias_copies_read_back_as_aliases(tmp_path: Path) -> None:
    from bibgen.keys import fold_alias_copies
    from bibgen.pipeline import render

    (tmp_path / "refs.bib").write_text("@article{main2019, author={Doe, Jane}, title={Learning to rank quickly}, journal={J}, year={2019}}\n")
    (tmp_path / "a.yaml").write_text("- key: old-key\n  title: Learning to rank quickly\n  authors: [Jane Doe]\n  year: 2018\n  arxiv: 1801.00001\n")
    options = Options()
    entries = process(read([tmp_path], options), options).entries
    text = render(entries, "bibtex", options)
    assert "@article{old-key," in text and "aliasof = {main2019}" in text and "ids =" not in text
    out = tmp_path / "out"
    out.mkdir()
    (out / "refs.bib").write_text(text)
    (back,) = fold_alias_copies(read([out], Options()))
    assert back.key == "main2019" and back.aliases == ("old-key",) and "aliasof" not in back.fields
    assert "ids = {old-key}" in render(entries, "biblatex", options)


def test_duplicates_command_lists_refused_pairs(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from bibgen.cli import app

    (tmp_path / "a.bib").write_text("@techreport{r, author={Rattle, Alan}, title={Fast sorting of large files}, institution={MIT}, year={2001}}\n")
    (tmp_path / "b.bib").write_text("@article{j, author={Rattle, Alan}, title={Fast sorting of large files}, journal={JACM}, year={2002}}\n")
    result = CliRunner().invoke(app, ["duplicates", str(tmp_path)])
    assert result.exit_code == 0
    assert "not merged 1: same title, but different types: article / report" in result.stdout


def test_sync_writes_alias_copies_once_and_then_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from bibgen.cli import app

    src = tmp_path / "src"
    src.mkdir()
    (src / "refs.bib").write_text("@inproceedings{devlin2019bert, author={Devlin, Jacob}, title={BERT: Pre-training of deep transformers}, booktitle={NAACL}, year={2019}}\n")
    (src / "p.yaml").write_text("- key: bert-preprint\n  title: 'BERT: Pre-training of deep transformers'\n  authors: [Jacob Devlin]\n  date: 2018-10-11\n  arxiv: 1810.04805\n")
    (tmp_path / "bibgen.yaml").write_text("sources: [src]\noutputs:\n  - {path: references.bib, format: bibtex}\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BIBGEN_CACHE_DIR", str(tmp_path / "cache"))
    runner = CliRunner()
    assert runner.invoke(app, ["sync"]).exit_code == 0
    text = (tmp_path / "references.bib").read_text()
    assert "@inproceedings{bert-preprint," in text and "aliasof = {devlin2019bert}" in text
    assert "@inproceedings{devlin2019bert," in text and "origdate = {2018-10-11}" in text
    check = runner.invoke(app, ["sync", "--check", "--no-cache"])
    assert check.exit_code == 0, check.stdout
    assert (tmp_path / "references.bib").read_text() == text
