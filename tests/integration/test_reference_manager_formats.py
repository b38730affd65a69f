"""RIS, MEDLINE and EndNote XML exports through bibgen into real tools: bibtex, biber and typst.

RIS -> bibgen -> BibTeX must compile with pdflatex + bibtex and with biber, and
every hayagriva file bibgen writes must be accepted by typst's own hayagriva
parser (the ``typst`` PyPI package bundles the compiler) with every key cited.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import yaml

from bibgen.pipeline import Options, export
from conftest import SEEDS
from integration.latexrun import biber_problems, bibtex_problems, compile_biber, compile_bibtex, latex_problems

pytestmark = pytest.mark.integration
GOLDEN = Path(__file__).resolve().parent.parent / "golden"
EXPORTS = {
    "ris": [GOLDEN / "ris-exports" / "input"],
    "medline": [GOLDEN / "medline-export" / "input"],
    "endnote-xml": [GOLDEN / "endnote-xml" / "input"],
    "hayagriva": [GOLDEN / "hayagriva-typst" / "input"],
}


# What the records themselves lack (a book without publisher, an issue without volume,
# a year "in press"): bibtex and biber say so, and bibgen must not invent the data.
MISSING_DATA = re.compile(r"Warning--empty \w+ in|Warning--there's a number but no volume|legacy (?:year|month) field '[^']*' .* not an integer")


def require_typst():  # type: ignore[no-untyped-def]
    """The typst module; skip when missing locally, fail when missing on CI (like require_program)."""
    try:
        import typst
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("the typst package is required on CI (pip install -e '.[test]')")
        pytest.skip("typst not installed")
    return typst


@pytest.mark.parametrize("case", sorted(EXPORTS))
def test_export_to_bibtex_compiles_with_pdflatex_and_bibtex(case, tmp_path):
    bib = export(EXPORTS[case], "bibtex", Options())
    run = compile_bibtex(bib, tmp_path)
    assert [p for p in bibtex_problems(run) if not MISSING_DATA.search(p)] == []
    assert latex_problems(run) == []
    assert run.bbl.count("\\bibitem") == len(re.findall(r"^@", bib, re.MULTILINE)) > 0


@pytest.mark.parametrize("case", sorted(EXPORTS))
def test_export_to_bibtex_compiles_with_biber(case, tmp_path):
    bib = export(EXPORTS[case], "bibtex", Options())
    run = compile_biber(bib, tmp_path)
    assert [p for p in biber_problems(run) if not MISSING_DATA.search(p)] == []
    assert latex_problems(run) == []


@pytest.mark.parametrize("case", [*sorted(EXPORTS), "seeds"])
def test_hayagriva_output_is_accepted_by_typst(case, tmp_path):
    typst = require_typst()
    text = export(EXPORTS.get(case, [SEEDS]), "hayagriva", Options())
    (tmp_path / "refs.yml").write_text(text, encoding="utf-8")
    keys = list(yaml.safe_load(text))
    assert keys
    cites = " ".join(f"#cite(label({k!r}))".replace("'", '"') for k in keys)
    (tmp_path / "doc.typ").write_text(f'{cites}\n#bibliography("refs.yml", style: "apa")\n', encoding="utf-8")
    pdf = typst.compile(str(tmp_path / "doc.typ"))
    assert pdf[:5] == b"%PDF-"


def test_typst_rejects_what_hayagriva_rejects(tmp_path):
    # The check above can fail: typst reports a malformed entry instead of ignoring it.
    typst = require_typst()
    (tmp_path / "refs.yml").write_text("k:\n  type: article\n  title: T\n  date: not a date\n", encoding="utf-8")
    (tmp_path / "doc.typ").write_text('@k\n#bibliography("refs.yml")\n', encoding="utf-8")
    with pytest.raises(Exception, match="date"):
        typst.compile(str(tmp_path / "doc.typ"))
