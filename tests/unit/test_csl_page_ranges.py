"""page-range-format: bibgen's CSL engine prints every range as citeproc-js does (golden files)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bibgen.style.csl import CslStyle
from bibgen.style.cslhtml import to_citeproc_html

HERE = Path(__file__).resolve().parents[1] / "golden-csl" / "page-ranges"
FORMATS = sorted(p.stem.removeprefix("style-") for p in HERE.glob("style-*.csl"))
# citeproc-js keeps "5--9" as typed; bibgen reads BibTeX's "--" as a range (README there).
DELIBERATE = {"5--9"}


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html).strip()


def test_every_format_has_a_golden() -> None:
    assert set(FORMATS) == {"none", "expanded", "minimal", "minimal-two", "chicago", "chicago-15", "chicago-16"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_page_ranges_agree_with_citeproc_js(fmt: str) -> None:
    items = json.loads((HERE / "items.json").read_text("utf-8"))
    expected = [_text(h) for h in json.loads((HERE / f"expected-{fmt}.json").read_text("utf-8"))]
    refs = CslStyle.from_path(HERE / f"style-{fmt}.csl").bibliography(items)
    actual = [_text(to_citeproc_html([r])) for r in refs]
    assert len(actual) == len(expected) == len(items)
    pages = {f"{it['title']}: ": it["page"] for it in items}
    wrong = [
        (e, a) for e, a in zip(expected, actual)
        if e != a and pages[e.split(": ")[0] + ": "] not in DELIBERATE
    ]
    assert not wrong, f"{len(wrong)} ranges differ from citeproc-js, e.g. {wrong[:5]}"
