"""Choosing a reader by suffix, then by content; --from overrides both."""

from __future__ import annotations

import pytest

from bibgen.readers import choose_reader
from conftest import run_cli


@pytest.mark.parametrize(
    ("suffix", "head", "name"),
    [
        (".ris", b"TY  - JOUR\n", "ris"),
        (".txt", b"\xef\xbb\xbfTY  - JOUR\r\nTI  - x\r\n", "ris"),
        (".txt", b"\nPMID- 123\nTI  - x\n", "medline"),
        (".nbib", b"PMID- 1\n", "medline"),
        (".medline", b"PMID- 1\n", "medline"),
        ("", b"PMID- 1\n", "medline"),
        (".txt", b"Goto\n\nCollaborating Authors\n", "authorpage"),
        (".yml", b"harry:\n  type: Book\n", "hayagriva"),
        (".yaml", b"records:\n  - title: x\n", "yaml"),
        (".yml", b"- title: x\n", "yaml"),
        (".xml", b"<?xml version='1.0'?><xml><records><record/></records></xml>", "endnote-xml"),
        (".bib", b"TY  - JOUR\n", "bibtex"),  # a named format is not second-guessed
    ],
)
def test_choose_reader(suffix, head, name):
    reader = choose_reader(suffix, head)
    assert reader is not None and reader.name == name


def test_unknown_suffix_without_recognisable_content():
    assert choose_reader(".dat", b"hello") is None


def test_cli_detects_and_from_overrides(tmp_path):
    (tmp_path / "export.txt").write_text("TY  - JOUR\nTI  - Detected by content\nAU  - Doe, J\nPY  - 2020\nER  - \n")
    (tmp_path / "refs.yml").write_text("doe:\n  type: article\n  title: Typst entry\n  author: Doe, J\n  date: 2020\n")
    ok = run_cli("export", "export.txt", "refs.yml", "--format", "bibtex", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "title = {{Detected} by content}" in ok.stdout and "{{Typst} entry}" in ok.stdout
    forced = run_cli("export", "refs.yml", "--from", "yaml", cwd=tmp_path)
    assert forced.returncode == 3 and forced.stdout == ""
    assert forced.stderr.startswith("refs.yml:1:1: error:") and len(forced.stderr.splitlines()) == 1


@pytest.mark.parametrize(
    ("name", "text", "start"),
    [
        ("bad.ris", "not ris at all\n", "bad.ris:1:1: error: not RIS"),
        ("bad.nbib", "PMID- 1\nnonsense here\n", "bad.nbib:2:1: error: not MEDLINE"),
        ("bad.xml", "<xml><records><record></records></xml>", "bad.xml:1:"),
        ("bad.yml", "k:\n  title: T\n  author: {name: X, bogus: 1}\n", "bad.yml:3:11: error: unknown name part 'bogus'"),
    ],
)
def test_format_errors_exit_3_with_one_located_line(tmp_path, name, text, start):
    (tmp_path / name).write_text(text)
    result = run_cli("export", name, cwd=tmp_path)
    assert result.returncode == 3 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith(start), result.stderr
