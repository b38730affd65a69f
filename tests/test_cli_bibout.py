"""The .bib layout options, --rekey and `bibgen tidy` through the real command line."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import run_cli

DATA = Path(__file__).parent / "data" / "bibout" / "realistic.bib"
MESSY = Path(__file__).parent / "golden-layout" / "messy.bib"


def test_export_layout_options_and_their_config_key(tmp_path):
    out = run_cli("export", str(DATA), "--omit", "url,eprint", "--sort", "-year", "--align", "10", "--quotes", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "  url " not in out.stdout and "  eprint " not in out.stdout and "  primaryclass " in out.stdout
    assert '  title      = "' in out.stdout
    years = [int(line.split('"')[1]) for line in out.stdout.splitlines() if line.startswith("  year")]
    assert years == sorted(years, reverse=True)
    (tmp_path / "bibgen.yaml").write_text("sources: [refs.bib]\nbibtex:\n  omit: [url, eprint]\n  sort: [-year]\n  align: 10\n  quotes: true\n")
    shutil.copy(DATA, tmp_path / "refs.bib")
    configured = run_cli("export", cwd=tmp_path)
    assert configured.returncode == 0, configured.stderr
    assert configured.stdout == out.stdout


def test_bad_layout_values_are_usage_or_config_errors(tmp_path):
    bad = run_cli("export", str(DATA), "--protect-case", "sometimes", cwd=tmp_path)
    assert bad.returncode == 2 and "protect-case must be one of auto, words, none" in bad.stderr
    sort = run_cli("export", str(DATA), "--sort", "colour", cwd=tmp_path)
    assert sort.returncode == 2 and "sort key 'colour'" in sort.stderr
    (tmp_path / "bibgen.yaml").write_text("bibtex:\n  protect_case: auto\n")
    typo = run_cli("export", str(DATA), cwd=tmp_path)
    assert typo.returncode == 2 and "unknown key 'protect_case'" in typo.stderr and "protect-case" in typo.stderr


def test_protect_case_modes():
    words = run_cli("export", str(DATA), "--protect-case", "words", "--only-fields", "title")
    assert "title = {{BERT}: Pre-training of Deep Bidirectional" in words.stdout  # a .bib value keeps its braces
    seeds = run_cli("export", "--protect-case", "words", "--only-fields", "title")
    assert "{Capabilities} of {Gemini} {Models} in {Medicine}" in seeds.stdout
    auto = run_cli("export", "--only-fields", "title")
    assert "{Capabilities} of {Gemini} {Models} in {Medicine}" not in auto.stdout
    assert "Capabilities of {Gemini} Models in Medicine" in auto.stdout


def test_rekey_keeps_the_old_key_as_an_alias():
    out = run_cli("export", str(DATA), "--rekey", "--only-fields", "aliasof,title")
    assert out.returncode == 0, out.stderr
    # BibTeX has no ids: the old key stays citable as a copy marked aliasof (see "Keys that keep resolving")
    assert "@misc{he2015DeepResidualLearning,\n  title" in out.stdout
    assert "@misc{he2015deepresiduallearningimage,\n  title = {Deep Residual Learning for Image Recognition},\n  aliasof = {he2015DeepResidualLearning}" in out.stdout
    biblatex = run_cli("export", str(DATA), "-f", "biblatex", "--rekey", "--only-fields", "ids,title")
    assert "@misc{he2015DeepResidualLearning,\n  ids = {he2015deepresiduallearningimage}," in biblatex.stdout
    kept = run_cli("export", str(DATA), "--only-fields", "title")
    assert "@misc{he2015deepresiduallearningimage," in kept.stdout and "ids" not in kept.stdout


def test_export_onto_its_source_points_to_tidy(tmp_path):
    bib = tmp_path / "refs.bib"
    shutil.copy(DATA, bib)
    out = run_cli("export", str(bib), "-o", str(bib))
    assert out.returncode == 2 and "bibgen tidy" in out.stderr
    assert bib.read_text() == DATA.read_text()


def test_tidy_check_diff_and_write(tmp_path):
    bib = tmp_path / "refs.bib"
    shutil.copy(MESSY, bib)
    check = run_cli("tidy", str(bib), "--check", cwd=tmp_path)
    assert check.returncode == 1 and "+@article{Zhang2021," in check.stdout and "would change" in check.stderr
    assert bib.read_text() == MESSY.read_text()  # --check writes nothing
    diff = run_cli("tidy", str(bib), "--diff", cwd=tmp_path)
    assert diff.returncode == 1 and diff.stdout == check.stdout
    tidy = bib.read_text()
    assert "@preamble{" in tidy and "% the conference version" in tidy and "booktitle = icml # \" (ICML)\"" in tidy
    assert tidy.index("Zhang2021") < tidy.index("adams2020") < tidy.index("Brown1999")  # order kept
    again = run_cli("tidy", str(bib), "--check", cwd=tmp_path)
    assert again.returncode == 0 and again.stdout == ""
    sort = run_cli("tidy", str(bib), "--sort", "key", cwd=tmp_path)
    assert sort.returncode == 0
    assert bib.read_text().index("adams2020") < bib.read_text().index("Brown1999") < bib.read_text().index("Zhang2021")


def test_tidy_refuses_malformed_input_and_writes_nothing(tmp_path):
    good, bad = tmp_path / "a.bib", tmp_path / "b.bib"
    shutil.copy(MESSY, good)
    bad.write_text("@article{x, title = {unclosed\n")
    out = run_cli("tidy", str(good), str(bad), cwd=tmp_path)
    assert out.returncode == 3 and "b.bib:" in out.stderr
    assert good.read_text() == MESSY.read_text()  # every file parses before any is written


def test_sync_writes_the_configured_layout_and_stays_in_sync(tmp_path):
    from conftest import SEEDS

    shutil.copytree(SEEDS, tmp_path / "seeds")
    (tmp_path / "bibgen.yaml").write_text(
        "sources: [seeds]\noutputs: [{path: refs.bib, format: bibtex}]\n"
        "bibtex:\n  quotes: true\n  align: 12\n  omit: [abstract]\n  field-order: [title]\n"
    )
    env = {"BIBGEN_CACHE_DIR": str(tmp_path / "cache")}
    assert run_cli("sync", "--no-cache", cwd=tmp_path, env=env).returncode == 0
    bib = (tmp_path / "refs.bib").read_text()
    assert '@misc{kavukcuogluGemma3Technical,\n  title        = "Gemma 3 Technical Report",\n  author       = ' in bib
    assert "abstract" not in bib
    bib = bib.replace('"Gemma 3 Technical Report"', '"Gemma 3 Technical Report (v2)"')
    (tmp_path / "refs.bib").write_text(bib)
    # A hand edit in the target: merged in the same layout, and a second run changes nothing.
    assert run_cli("sync", "--no-cache", cwd=tmp_path, env=env).returncode == 0
    merged = (tmp_path / "refs.bib").read_text()
    assert '  title        = "Gemma 3 Technical Report (v2)",\n  author       = ' in merged
    check = run_cli("sync", "--check", "--no-cache", cwd=tmp_path, env=env)
    assert check.returncode == 0, check.stdout
