"""CSL-JSON rich text written as LaTeX (.bib) compiles with bibtex and with biber, the markup intact."""

from __future__ import annotations

import json

import pytest

from bibgen.pipeline import Options, export
from integration.latexrun import biber_problems, bibtex_problems, compile_biber, compile_bibtex, latex_problems

pytestmark = pytest.mark.integration

ITEMS = [
    {"id": "coli", "type": "article-journal", "author": [{"family": "Doe", "given": "Jane"}],
     "issued": {"date-parts": [[2020]]}, "container-title": "<i>Journal</i> of things",
     "title": 'Growth of <i>Escherichia coli</i> in <span class="nocase">iPSC</span> at 10<sup>-3</sup> M'
              ' CO<sub>2</sub>: <b>bold</b>, <sc>small</sc> and <span class="nocase"><i>Homo</i> sapiens</span>'},
]  # fmt: skip


@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_csl_markup_compiles_as_latex_commands(dialect, tmp_path):
    src = tmp_path / "in.json"
    src.write_text(json.dumps(ITEMS), encoding="utf-8")
    bib = export([src], dialect, Options())
    (tmp_path / "run").mkdir()
    if dialect == "bibtex":
        run = compile_bibtex(bib, tmp_path / "run")
        assert bibtex_problems(run) == []
        bbl = " ".join(run.bbl.split())
        # plain lower-cases the title: protected words and the markup survive.
        for part in (r"\emph{{Escherichia} coli}", "{iPSC}", r"\textsuperscript{-3}", r"\textsubscript{2}",
                     r"\textbf{bold}", r"\textsc{small}", r"{{\emph{Homo} sapiens}}", r"\emph{Journal} of things"):
            assert part in bbl, part
    else:
        run = compile_biber(bib, tmp_path / "run")
        assert biber_problems(run) == []
        bbl = " ".join(run.bbl.split())
        assert r"\emph{{Escherichia} coli}" in bbl and r"\textsubscript{2}" in bbl
    assert latex_problems(run) == []
