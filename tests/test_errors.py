"""tests/errors/<case>/: malformed input and the exact diagnostics and exit code it gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import assert_golden, run_cli

ERRORS = Path(__file__).parent / "errors"


@pytest.mark.parametrize("case", sorted(p.name for p in ERRORS.iterdir() if p.is_dir()))
def test_error_case(case, update_golden):
    folder = ERRORS / case
    inputs = sorted(p.name for p in folder.iterdir() if p.name != "expected.txt")
    result = run_cli("export", *inputs, cwd=folder)
    assert result.stdout == "", "no partial output on error"
    assert "Traceback" not in result.stderr
    first, *rest = result.stderr.splitlines()
    assert first.count(": error: ") == 1, "one line per error"
    # ... followed only by its caret excerpt (indented: the first line stays what editors read)
    assert len(rest) in (0, 2) and all(line.startswith("  ") for line in rest), result.stderr
    if rest:
        assert rest[1].rstrip().endswith("^")
    assert_golden(result.stderr + f"exit {result.returncode}\n", folder / "expected.txt", update_golden)


def test_an_input_error_on_a_line_whose_message_starts_like_an_unreadable_file_still_shows_its_line(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    # The excerpt used to be chosen by the message's first words ("cannot read ..."):
    # an author page whose author line is unreadable lost its excerpt.
    from bibgen.cli import Console
    from bibgen.errors import InputError, UnreadableError
    from bibgen.model import Origin

    page = tmp_path / "page.txt"
    page.write_text("Collaborating Authors\n\nsecond line here\n", encoding="utf-8")
    console = Console()
    console.error(InputError("cannot read the page author's name", Origin(str(page), 3, 1)))
    shown = capsys.readouterr().err
    assert "second line here" in shown
    console.error(UnreadableError("cannot read: Permission denied", Origin(str(page), 1, 1)))
    assert "Collaborating" not in capsys.readouterr().err
