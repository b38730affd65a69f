"""The BibTeX writer's output through real bibtex (plain) and biblatex + biber."""

from __future__ import annotations

from pathlib import Path

import pytest

from bibgen.pipeline import Options, export
from conftest import SEEDS
from integration.latexrun import (
    biber_problems,
    bibtex_problems,
    compile_biber,
    compile_bibtex,
    latex_problems,
)

pytestmark = pytest.mark.integration
GOLDEN = Path(__file__).resolve().parent.parent / "golden"
CASES = {
    "seeds": [SEEDS],
    "messy-page": [GOLDEN / "messy-page" / "input"],
    "hostile": [GOLDEN / "hostile" / "input"],
}


@pytest.mark.parametrize("ascii", [False, True], ids=["utf8", "ascii"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_plain_bibtex_compiles_cleanly(case, ascii, tmp_path):
    bib = export(CASES[case], "bibtex", Options(ascii=ascii))
    run = compile_bibtex(bib, tmp_path)
    assert bibtex_problems(run) == []
    assert latex_problems(run) == []
    assert run.bbl.count("\\bibitem") == bib.count("\n@")  + (1 if bib.startswith("@") else 0)


@pytest.mark.parametrize("case", sorted(CASES))
def test_biblatex_biber_compiles_cleanly(case, tmp_path):
    bib = export(CASES[case], "bibtex", Options())
    run = compile_biber(bib, tmp_path)
    assert biber_problems(run) == []
    assert latex_problems(run) == []


def test_seed_entries_carry_both_page_authors(tmp_path):
    bib = export([SEEDS], "bibtex")
    run = compile_bibtex(bib, tmp_path)
    # plain style prints "et al." for "and others": a partial list never reads as complete.
    gemma = [item for item in run.bbl.split("\\bibitem") if "Gemma} 3" in item or "Gemma 3" in item]
    assert len(gemma) == 1
    assert "Kavukcuoglu" in gemma[0] and "Orbay" in gemma[0] and "et~al" in gemma[0]


@pytest.mark.parametrize("engine", ["bibtex", "biber"])
def test_injection_prints_literally_even_with_shell_escape(engine, tmp_path):
    pwned = Path("/tmp/pwned")
    if pwned.exists():
        pwned.unlink()
    bib = export([GOLDEN / "hostile" / "input"], "bibtex")
    run = (compile_bibtex if engine == "bibtex" else compile_biber)(bib, tmp_path, shell_escape=True)
    assert not pwned.exists(), "\\write18 ran: the title was not escaped"
    assert "(/etc/passwd" not in run.latex_log, "\\input opened /etc/passwd"
    assert "passwd" in run.bbl  # the text is there, as text
