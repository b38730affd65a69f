"""The CSL-JSON writer's output through real ``pandoc --citeproc``."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from bibgen.pipeline import Options, export
from conftest import SEEDS, require_program

pytestmark = pytest.mark.integration
TESTS = Path(__file__).resolve().parent.parent
CASES = {
    "seeds": [SEEDS],
    "corpus": [TESTS / "data" / "corpus.yaml"],
    "hostile": [TESTS / "golden" / "hostile" / "input"],
}
DOC = '---\nnocite: "@*"\n---\n'


def citeproc(bib: str, tmp_path: Path, to: str) -> subprocess.CompletedProcess[str]:
    pandoc = require_program("pandoc")
    (tmp_path / "refs.json").write_text(bib, encoding="utf-8")
    (tmp_path / "doc.md").write_text(DOC, encoding="utf-8")
    return subprocess.run(
        [pandoc, "doc.md", "--citeproc", "--bibliography", "refs.json", "-t", to, "--wrap=none"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )


@pytest.mark.parametrize("case", sorted(CASES))
def test_pandoc_reads_every_item_without_warnings(case: str, tmp_path: Path) -> None:
    bib = export(CASES[case], "csl-json", Options())
    items = json.loads(bib)
    run = citeproc(bib, tmp_path, "plain")
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""  # pandoc warns about every item or field it cannot use
    paragraphs = [p for p in run.stdout.split("\n\n") if p.strip()]
    assert len(paragraphs) == len(items)


def test_partial_author_lists_never_print_others(tmp_path: Path) -> None:
    # CSL-JSON marks a partial list in "custom" (citeproc-js and Zotero would print a
    # {"literal": "others"} name as "others"); pandoc prints the known names, never "others".
    bib = export([SEEDS], "csl-json", Options())
    items = json.loads(bib)
    partial = [it for it in items if "author" in it.get("custom", {}).get("partial-name-lists", [])]
    assert partial and all({"literal": "others"} not in it["author"] for it in partial)
    run = citeproc(bib, tmp_path, "plain")
    entries = [p for p in run.stdout.split("\n\n") if p.strip()]
    assert run.returncode == 0 and len(entries) == len(items)
    assert "others" not in run.stdout


def test_markup_in_titles_stays_text_in_html(tmp_path: Path) -> None:
    record = tmp_path / "evil.yaml"
    record.write_text(
        "- key: evil\n  type: article\n  title: 'Pwned <script>alert(1)</script> <img src=x onerror=alert(2)> \\input{/etc/passwd}'\n"
        "  authors: ['Tables, Bobby']\n  year: 2020\n  container: Journal of Tests\n",
        encoding="utf-8",
    )
    run = citeproc(export([record], "csl-json", Options()), tmp_path, "html")
    assert run.returncode == 0, run.stderr
    assert "<script" not in run.stdout and "<img" not in run.stdout
    text = run.stdout.casefold()  # the style title-cases the words
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "\\input{/etc/passwd}" in text
