"""pandoc --citeproc prints the same references from bibgen's CSL-JSON of a .bib as from the .bib itself.

The .bib is the CSL corpus as Better BibTeX would export it
(bench/csl_to_biblatex.py): 198 works of every type, with particles, suffixes,
corporate names, markup, math, case-protected words, dates of every shape.
pandoc reads it with its own biblatex reader; bibgen reads it and writes
CSL-JSON, which pandoc reads as CSL. Both bibliographies are printed as plain
text in the same styles and compared entry by entry.

Entries where bibgen deliberately says more than pandoc's biblatex reader are
outside the comparison, each for a stated reason:

* arXiv preprints: pandoc reads ``@online`` + ``eprinttype = arxiv`` as a web
  page with only a URL; bibgen writes them as Zotero does (``article``,
  ``publisher: arXiv``, ``number: arXiv:<id>``), so styles print the id;
* ``@software``: pandoc reads it as a book, bibgen as CSL ``software``
  (APA adds "[Computer software]");
* an article number (biblatex ``eid``): pandoc's reader ignores it, bibgen
  writes it as CSL ``number`` (IEEE: "Art. no. 135");
* a family name with a glued particle (``d'Alembert``): pandoc's biblatex
  reader keeps it whole, its CSL-JSON reader splits the particle off
  (``Alembert, Jean d’`` in Chicago) whatever the item says.

Two spellings pandoc's biblatex reader normalises are compared as one: ``'``
and ``’`` (its LaTeX reader typesets the apostrophe), and initials without a
space (``C.S.`` reads as ``C. S.``, jgm/pandoc-citeproc#392).
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bibgen.pipeline import Options, export
from conftest import require_program

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
STYLES = ("apa", "chicago-author-date", "ieee", "modern-language-association", "nature", "vancouver")
DOC = '---\nnocite: "@*"\n---\n'


def _converter():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("csl_to_biblatex", ROOT / "bench" / "csl_to_biblatex.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["csl_to_biblatex"] = module
    spec.loader.exec_module(module)
    return module


def _entries(pandoc: str, style: str, bib: Path, cwd: Path) -> list[str]:
    run = subprocess.run(
        [pandoc, "doc.md", "--citeproc", "--csl", str(ROOT / "tests" / "golden-csl" / "styles" / f"{style}.csl"),
         "--bibliography", str(bib), "-t", "plain", "--wrap=none"],
        cwd=cwd, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert run.stderr == "", run.stderr
    out = []
    for para in run.stdout.split("\n\n"):
        text = re.sub(r"^\s*(\[\d+\]|\d+\.)\s*", "", para.strip())  # numeric styles: order is the file's
        if text:
            out.append(re.sub(r"\b([A-Z])\.(?=[A-Z]\.)", r"\1. ", text.replace("'", "’")))
    return out


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, set[str]]:
    pandoc = require_program("pandoc")
    del pandoc
    tmp = tmp_path_factory.mktemp("equivalence")
    items = json.loads((ROOT / "tests" / "data" / "csl-corpus.json").read_text(encoding="utf-8"))
    bib = tmp / "corpus.bib"
    bib.write_text(_converter().convert(items), encoding="utf-8")
    csl = tmp / "corpus.json"
    csl.write_text(export([bib], "csl-json", Options()), encoding="utf-8")
    (tmp / "doc.md").write_text(DOC, encoding="utf-8")
    glued = re.compile(r"^[a-z]+['’]\w")
    outside = {it["title"] for it in items if it["type"] in ("article", "software")
               or (it["type"] == "article-journal" and it.get("number") and not it.get("issue"))
               or any(glued.match(n.get("family", "")) for n in it.get("author", []))}  # fmt: skip
    return tmp, bib, csl, outside


@pytest.mark.parametrize("style", STYLES)
def test_pandoc_prints_the_same_from_bibgen_csl_json_as_from_the_bib(style: str, sources) -> None:  # type: ignore[no-untyped-def]
    tmp, bib, csl, outside = sources
    pandoc = require_program("pandoc")
    from_bib = _entries(pandoc, style, bib, tmp)
    from_csl = _entries(pandoc, style, csl, tmp)
    assert len(from_bib) == len(from_csl) == 198

    def kept(entries: list[str]) -> list[str]:
        words = [re.sub(r"<[^>]+>", "", t).lower()[:25] for t in outside]
        return sorted(e for e in entries if not any(w in e.lower() for w in words))

    a, b = kept(from_bib), kept(from_csl)
    assert len(a) >= 180, len(a)  # the exceptions are few
    missing = [e for e in a if e not in b]
    extra = [e for e in b if e not in a]
    assert not missing and not extra, "\n".join(["only from the .bib:", *missing[:5], "only from bibgen's CSL-JSON:", *extra[:5]])
