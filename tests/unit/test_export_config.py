"""`bibgen export` takes its defaults from the configuration; command-line options win."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from bibgen.bibsplit import RawEntry, split_bib

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def cli(monkeypatch, capsys, cwd: Path, *args: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    from bibgen.entry import main

    monkeypatch.chdir(cwd)
    monkeypatch.setattr(sys, "argv", ["bibgen", *args])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def keys(text: str) -> list[str]:
    return [b.key for b in split_bib(text) if isinstance(b, RawEntry)]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BIBGEN_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "paper"
    shutil.copytree(SEEDS, root / "pages")
    (root / "pyproject.toml").write_text(
        '[tool.bibgen]\nsources = ["pages/*.txt"]\nkey-pattern = "[auth:upper]-[veryshorttitle]"\n'
        'outputs = [{ path = "refs.bib", format = "bibtex" }]\n'
    )
    return root


def test_export_uses_config_sources_and_key_pattern(project: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    sub = project / "chapters"
    sub.mkdir()
    code, out, _ = cli(monkeypatch, capsys, sub, "export")
    assert code == 0
    ks = keys(out)
    assert len(ks) == 11
    assert "KAVUKCUOGLU-Gemma" in ks and "ORBAY-Stop" in ks


def test_command_line_overrides_config(project: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = cli(monkeypatch, capsys, project, "export", "-k", "[auth:lower][shorttitle(2)]")
    assert code == 0 and "kavukcuogluGemma3" in keys(out)
    code, out, _ = cli(monkeypatch, capsys, project, "export", str(project / "pages" / "003_63f33c0482b94aee.txt"))
    assert code == 0 and len(keys(out)) == 3


def test_export_keys_agree_with_the_synced_bib(project: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    assert cli(monkeypatch, capsys, project, "sync")[0] == 0
    page = project / "pages" / "003_63f33c0482b94aee.txt"
    page.write_text(page.read_text().replace("Stop Regressing", "Halt Regressing"))
    code, out, _ = cli(monkeypatch, capsys, project, "export")
    assert code == 0
    assert "ORBAY-Stop" in keys(out) and "ORBAY-Halt" not in keys(out)


def test_bad_config_stops_export_with_exit_2(project: Path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    (project / "pyproject.toml").write_text('[tool.bibgen]\nsource = ["pages"]\n')
    code, out, err = cli(monkeypatch, capsys, project, "export")
    assert code == 2 and out == ""
    assert "pyproject.toml:2:1: error: unknown key 'source' in [tool.bibgen] (did you mean 'sources'?)" in err
