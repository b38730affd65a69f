"""bibgen sync: pinning, hand edits, canonical output, --check/--diff exit codes."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

from bibgen.bibsplit import RawEntry, split_bib
from bibgen.config import load_config
from bibgen.errors import Diagnostics
from bibgen.sync import TargetChange, fingerprint, format_state, parse_state, plan, sync

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "seeds"

CONFIG = """\
sources: [seeds]
outputs:
  - path: refs.bib
    format: bibtex
"""

EXTRA_PAGE = """Goto

Collaborating Authors

\u00a0{name}


{title}

arXiv.org Machine Learning

{abstract}
"""


@pytest.fixture(autouse=True)
def _cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("BIBGEN_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    (tmp_path / "bibgen.yaml").write_text(CONFIG)
    return tmp_path


def run(project: Path, **kw):  # type: ignore[no-untyped-def]
    config = load_config(project)
    options = config.options()
    result = sync(config, options, **kw)
    return result, options.diagnostics


def keys(text: str) -> dict[str, RawEntry]:
    return {b.key: b for b in split_bib(text) if isinstance(b, RawEntry)}


def title_of(entry: RawEntry) -> str:
    return entry.field_map()["title"].value


def add_page(project: Path, name: str, author: str, title: str, abstract: str = "An abstract.") -> None:
    (project / "seeds" / name).write_text(EXTRA_PAGE.format(name=author, title=title, abstract=abstract))


def test_first_sync_writes_target_and_second_changes_nothing(project: Path) -> None:
    result, _ = run(project)
    assert result.changed
    text = (project / "refs.bib").read_text()
    assert "kavukcuogluGemma3Technical" in keys(text)
    again, _ = run(project, use_cache=False)
    assert not again.changed
    assert (project / "refs.bib").read_text() == text


def test_keys_stay_when_a_source_that_sorts_first_is_added(project: Path) -> None:
    run(project)
    before = set(keys((project / "refs.bib").read_text()))
    # A page by another author with the same title sorts first and would lead the merge.
    add_page(project, "000_aaa.txt", "Abbeel, Pieter", "Gemma 3 Technical Report")
    run(project)
    after = keys((project / "refs.bib").read_text())
    assert before <= set(after)
    assert not any(k.startswith("abbeel") for k in after)
    assert "Abbeel" in after["kavukcuogluGemma3Technical"].field_map()["author"].value


def test_new_colliding_key_gets_the_suffix_not_the_pinned_entry(project: Path) -> None:
    run(project)
    add_page(project, "000_aaa.txt", "Kavukcuoglu, Koray", "Gemma 3 Technical Report Addendum")
    run(project)
    after = keys((project / "refs.bib").read_text())
    assert title_of(after["kavukcuogluGemma3Technical"]) == "{Gemma 3 Technical Report}"
    added = [k for k, e in after.items() if "Addendum" in title_of(e)]
    assert added and added[0] != "kavukcuogluGemma3Technical"


def test_title_edit_in_source_keeps_key_and_updates_title(project: Path) -> None:
    run(project)
    page = project / "seeds" / "000_946b4e9e47dcb52c.txt"
    page.write_text(page.read_text().replace("RecurrentGemma: Moving Past Transformers", "RecurrentGemma: Moving Beyond Transformers"))
    result, _ = run(project)
    after = keys((project / "refs.bib").read_text())
    assert "kavukcuogluRecurrentGemmaMovingPast" in after
    assert "Beyond" in title_of(after["kavukcuogluRecurrentGemmaMovingPast"])
    assert not any("MovingBeyond" in k for k in after)


def test_hand_field_and_hand_entry_are_kept_and_reported(project: Path) -> None:
    run(project)
    path = project / "refs.bib"
    text = path.read_text()
    text = text.replace(
        "@misc{kavukcuogluGemma3Technical,\n",
        "@misc{kavukcuogluGemma3Technical,\n  doi = {10.1234/gemma3},\n  note = {Read this},\n",
    )
    text += "\n@book{knuth1984, author = {Knuth, Donald}, title = {The {\\TeX}book}, year = 1984}\n"
    path.write_text(text)
    result, diags = run(project)
    after = keys(path.read_text())
    gemma = after["kavukcuogluGemma3Technical"].field_map()
    assert gemma["doi"].value == "{10.1234/gemma3}"
    assert gemma["note"].value == "{Read this}"
    assert "knuth1984" in after
    assert any("knuth1984" in d.message and "kept" in d.message for d in diags.items)
    # Canonical: syncing again changes nothing.
    again, _ = run(project, use_cache=False)
    assert not again.changed


def test_prune_removes_hand_entries(project: Path) -> None:
    run(project)
    path = project / "refs.bib"
    path.write_text(path.read_text() + "\n@misc{mine, title = {Mine}}\n")
    run(project)
    assert "mine" in keys(path.read_text())
    run(project, prune=True)
    assert "mine" not in keys(path.read_text())


def test_hand_edited_value_wins_and_is_reported(project: Path) -> None:
    run(project)
    path = project / "refs.bib"
    old = "{Gemma 3 Technical Report}"
    path.write_text(path.read_text().replace(old, "{Gemma 3: The Technical Report}"))
    _, diags = run(project)
    entry = keys(path.read_text())["kavukcuogluGemma3Technical"]
    assert title_of(entry) == "{Gemma 3: The Technical Report}"
    assert any("hand-edited field 'title'" in d.message for d in diags.items)


def test_conflicting_hand_edit_and_source_change_is_a_warning(project: Path) -> None:
    run(project)
    path = project / "refs.bib"
    path.write_text(path.read_text().replace("{Gemma 3 Technical Report}", "{Gemma Three}"))
    for page in (project / "seeds").iterdir():
        page.write_text(page.read_text().replace("We introduce Gemma 3,", "We present Gemma 3,"))
    _, diags = run(project)
    entry = keys(path.read_text())["kavukcuogluGemma3Technical"].field_map()
    assert entry["title"].value == "{Gemma Three}"
    assert entry["abstract"].value.startswith("{We present Gemma 3,")  # untouched field follows the source
    assert not [d for d in diags.items if d.severity.value == "warning"]  # title did not change in the source
    for page in (project / "seeds").iterdir():
        page.write_text(page.read_text().replace("Gemma 3 Technical Report", "Gemma 3 Technical Report!"))
    _, diags = run(project)
    assert any(d.severity.value == "warning" and "title" in d.message for d in diags.items)


def test_source_change_of_untouched_field_propagates(project: Path) -> None:
    run(project)
    for page in (project / "seeds").iterdir():
        page.write_text(page.read_text().replace("We introduce Gemma 3,", "We present Gemma 3,"))
    _, diags = run(project)
    entry = keys((project / "refs.bib").read_text())["kavukcuogluGemma3Technical"].field_map()
    assert entry["abstract"].value.startswith("{We present Gemma 3,")
    assert not [d for d in diags.items if "hand" in d.message]


def test_field_deleted_by_hand_stays_deleted(project: Path) -> None:
    run(project)
    path = project / "refs.bib"
    blocks = path.read_text().split("\n")
    start = blocks.index("@misc{kavukcuogluGemma3Technical,")
    end = next(i for i in range(start, len(blocks)) if blocks[i].startswith("  abstract = "))
    del blocks[end]
    path.write_text("\n".join(blocks))
    _, diags = run(project)
    entry = keys(path.read_text())["kavukcuogluGemma3Technical"].field_map()
    assert "abstract" not in entry
    assert any("deleted by hand" in d.message for d in diags.items)


def test_bib_without_fingerprints_keeps_every_differing_value(project: Path) -> None:
    (project / "refs.bib").write_text(
        "@article{kavukcuogluGemma3Technical,\n  title = {Gemma 3 Technical Report},\n  journal = {Nature},\n}\n"
    )
    run(project)
    entry = keys((project / "refs.bib").read_text())["kavukcuogluGemma3Technical"]
    assert entry.type == "article"
    fm = entry.field_map()
    assert fm["journal"].value == "{Nature}"
    assert "author" in fm and "abstract" in fm  # generated fields are added


def test_strings_preambles_and_comments_are_kept(project: Path) -> None:
    run(project)
    path = project / "refs.bib"
    path.write_text("@string{nat = {Nature}}\n@preamble{{\\newcommand{\\x}{y}}}\n% my notes\n" + path.read_text())
    run(project)
    text = path.read_text()
    assert "@string{nat = {Nature}}" in text and "@preamble{" in text and "% my notes" in text
    again, _ = run(project, use_cache=False)
    assert not again.changed


def test_check_changes_nothing_and_reports(project: Path) -> None:
    result, _ = run(project, check=True)
    assert result.changed
    assert not (project / "refs.bib").exists()
    assert "+@misc{kavukcuogluGemma3Technical," in result.diff(project)


def test_state_block_round_trips() -> None:
    state = {"b": ("misc", {"title": fingerprint("{B}")}), "a": ("article", {"x": "00", "author": "ff"})}
    text = format_state(state)
    body = split_bib(text)[0].body
    assert parse_state(body) == state
    assert text.index("\na article") < text.index("\nb misc")


def test_fingerprint_ignores_rewrapping() -> None:
    assert fingerprint("{a  b\n   c}") == fingerprint("{a b c}")
    assert fingerprint("{a b c}") != fingerprint("{a b d}")


def test_target_change_diff_names_files() -> None:
    change = TargetChange(Path("/p/refs.bib"), "a\n", "b\n")
    d = change.diff(Path("/p"))
    assert d.startswith("--- a/refs.bib\n+++ b/refs.bib\n")
    assert "-a\n+b\n" in d
    assert TargetChange(Path("/p/x"), "same", "same").diff() == ""


def test_output_that_is_also_a_source_is_a_config_error(project: Path) -> None:
    (project / "bibgen.yaml").write_text("sources: ['seeds', '*.txt']\noutputs: [{path: out.txt, format: bibtex}]\n")
    (project / "out.txt").write_text("x")
    from bibgen.errors import ConfigError

    with pytest.raises(ConfigError, match="also a source"):
        run(project)


# ---------------------------------------------------------------- command line


def cli(monkeypatch, capsys, cwd: Path, *args: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    from bibgen.entry import main

    monkeypatch.chdir(cwd)
    monkeypatch.setattr(sys, "argv", ["bibgen", *args])
    with pytest.raises(SystemExit) as exc:
        main()
        raise SystemExit(0)
    out, err = capsys.readouterr()
    code = exc.value.code
    return (0 if code is None else int(code)), out, err


@pytest.mark.parametrize("no_cache", [False, True])
def test_check_exit_codes(project: Path, monkeypatch, capsys, no_cache: bool) -> None:  # type: ignore[no-untyped-def]
    extra = ["--no-cache"] if no_cache else []
    code, out, err = cli(monkeypatch, capsys, project, "sync", "--check", *extra)
    assert code == 1
    assert out.startswith("--- /dev/null\n+++ b/refs.bib\n")
    assert not (project / "refs.bib").exists()
    code, out, err = cli(monkeypatch, capsys, project, "sync")
    assert code == 0 and out == ""
    code, out, err = cli(monkeypatch, capsys, project, "sync", "--check", *extra)
    assert (code, out) == (0, "")
    # A changed seed makes --check fail again, with the title line in the diff.
    page = project / "seeds" / "003_63f33c0482b94aee.txt"
    page.write_text(page.read_text().replace("Stop Regressing", "Stop Regressing Now"))
    code, out, err = cli(monkeypatch, capsys, project, "sync", "--check", *extra)
    assert code == 1
    assert re.search(r"^\+  title = \{Stop Regressing Now:", out, re.M)
    assert "refs.bib would change" in err


def test_diff_writes_and_exits_1(project: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli(monkeypatch, capsys, project, "sync", "--diff")
    assert code == 1 and "+@misc{" in out
    assert (project / "refs.bib").exists()
    code, out, _ = cli(monkeypatch, capsys, project, "sync", "--diff")
    assert (code, out) == (0, "")


def test_sync_without_config_is_usage_error(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    code, _, err = cli(monkeypatch, capsys, tmp_path, "sync", "--check")
    assert code == 2
    assert "no configuration found" in err


def test_config_error_exit_2_names_file_and_key(project: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    (project / "bibgen.yaml").write_text(CONFIG + "key_pattern: '[auth]'\n")
    code, _, err = cli(monkeypatch, capsys, project, "sync")
    assert code == 2
    assert f"{project / 'bibgen.yaml'}:5:1: error: unknown key 'key_pattern'" in err
    assert "did you mean 'key-pattern'?" in err


def test_invalid_target_is_exit_3(project: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    (project / "refs.bib").write_text("@misc{broken,\n  title = {unclosed\n")
    code, _, err = cli(monkeypatch, capsys, project, "sync")
    assert code == 3
    assert "refs.bib:2:" in err
    assert (project / "refs.bib").read_text().startswith("@misc{broken")


def test_unwritable_output_is_exit_4(project: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    (project / "bibgen.yaml").write_text("sources: [seeds]\noutputs: [{path: missing/dir/refs.bib, format: bibtex}]\n")
    (project / "missing").write_text("a file, not a folder")
    code, _, err = cli(monkeypatch, capsys, project, "sync")
    assert code == 4
    assert "error: cannot write" in err


def test_init_writes_yaml_and_never_clobbers(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli(monkeypatch, capsys, tmp_path, "init")
    assert code == 0
    assert "id: bibgen-sync" in out and "bibgen sync --check" in out
    config = load_config(tmp_path)
    assert config.path == tmp_path / "bibgen.yaml"
    assert [o.path.name for o in config.outputs] == ["references.bib"]
    before = (tmp_path / "bibgen.yaml").read_text()
    code, _, err = cli(monkeypatch, capsys, tmp_path, "init")
    assert code == 2 and "already configured" in err
    assert (tmp_path / "bibgen.yaml").read_text() == before


def test_init_appends_to_pyproject(tmp_path: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "paper"\n')
    code, _, _ = cli(monkeypatch, capsys, tmp_path, "init")
    assert code == 0
    text = (tmp_path / "pyproject.toml").read_text()
    assert text.startswith('[project]\nname = "paper"\n')
    config = load_config(tmp_path)
    assert config.path == tmp_path / "pyproject.toml"
    assert config.sources == ("seeds",)
    code, _, err = cli(monkeypatch, capsys, tmp_path, "init")
    assert code == 2
    assert (tmp_path / "pyproject.toml").read_text() == text


def test_plan_matches_sync(project: Path) -> None:
    config = load_config(project)
    planned = plan(config, config.options())
    run(project)
    assert planned.changes[0].new == (project / "refs.bib").read_text()

