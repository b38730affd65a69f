"""Small CSL probes rendered by bibgen's engine and by citeproc-js (golden files).

Each ``tests/golden-csl/differential-<topic>/`` holds ``items.json``, one-line
styles ``style-<case>.csl`` that exercise one feature (page-range-format,
text-case, ...), and ``expected-<case>.json``: citeproc-js's
``makeBibliography()`` entries for them (npm ``citeproc`` 2.4.63, through
``bench/citeproc_pages.js``; see each folder's README). ``deliberate.json`` names the
items where bibgen differs on purpose, with the reason.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bibgen.style.csl import CslStyle
from bibgen.style.cslhtml import to_citeproc_html

GOLDEN = Path(__file__).resolve().parents[1] / "golden-csl"
CASES = sorted(
    (folder.name.removeprefix("differential-"), style.stem.removeprefix("style-"))
    for folder in GOLDEN.glob("differential-*")
    for style in folder.glob("style-*.csl")
)


def test_probes_exist() -> None:
    topics = {t for t, _ in CASES}
    assert {"page-ranges", "text-case"} <= topics
    assert len(CASES) >= 19


@pytest.mark.parametrize(("topic", "case"), CASES, ids=[f"{t}-{c}" for t, c in CASES])
def test_probe_agrees_with_citeproc_js(topic: str, case: str) -> None:
    folder = GOLDEN / f"differential-{topic}"
    items = json.loads((folder / "items.json").read_text("utf-8"))
    expected = [(e["id"], e["html"].strip()) for e in json.loads((folder / f"expected-{case}.json").read_text("utf-8"))]
    deliberate = json.loads((folder / "deliberate.json").read_text("utf-8")) if (folder / "deliberate.json").exists() else {}
    refs = CslStyle.from_path(folder / f"style-{case}.csl").bibliography(items)
    actual = [(r.key, to_citeproc_html([r]).split("\n")[1].strip()) for r in refs]
    assert [i for i, _ in actual] == [i for i, _ in expected], "the bibliography order differs from citeproc-js"
    wrong = [(i, e, a) for (i, e), (_, a) in zip(expected, actual) if e != a and i not in deliberate]
    assert not wrong, f"{len(wrong)} of {len(items)} entries differ from citeproc-js, e.g. {wrong[:4]}"
