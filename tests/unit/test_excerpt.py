"""The caret excerpt under an error: exact column, long lines cut, hostile bytes neutralised."""

from __future__ import annotations

from pathlib import Path

from bibgen.excerpt import WIDTH, excerpt
from bibgen.model import Origin


def test_caret_under_the_column(tmp_path: Path) -> None:
    f = tmp_path / "a.bib"
    f.write_text("line one\n  title = {x\n")
    assert excerpt(Origin(str(f), 2, 11)) == ["  2 |   title = {x", "    |           ^"]


def test_control_characters_cannot_reach_the_terminal(tmp_path: Path) -> None:
    f = tmp_path / "a.bib"
    f.write_bytes(b"@misc{a, title = {\x1b]0;pwned\x07\x1b[2J}}\n")
    lines = excerpt(Origin(str(f), 1, 19))
    assert not any(ch in "".join(lines) for ch in "\x1b\x07")
    assert lines[0] == "  1 | @misc{a, title = {?]0;pwned??[2J}}"


def test_long_line_is_cut_around_the_column(tmp_path: Path) -> None:
    f = tmp_path / "a.bib"
    f.write_text("x" * 5000 + "!" + "y" * 5000 + "\n")
    text, caret = excerpt(Origin(str(f), 1, 5001))
    assert len(text) < WIDTH + 20
    assert text[caret.index("^")] == "!"


def test_no_excerpt_without_a_readable_line(tmp_path: Path) -> None:
    assert excerpt(None) == []
    assert excerpt(Origin(str(tmp_path / "missing.bib"), 1, 1)) == []
    f = tmp_path / "a.bib"
    f.write_text("one line\n")
    assert excerpt(Origin(str(f), 9, 1)) == []


def test_excerpt_of_a_utf16_file_is_decoded(tmp_path: Path) -> None:
    f = tmp_path / "a.bib"
    f.write_bytes(b"\xff\xfe" + "@misc{a,\n  title = {Gödel\n".encode("utf-16-le"))
    assert excerpt(Origin(str(f), 2, 11))[0] == "  2 |   title = {Gödel"
