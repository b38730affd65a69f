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
