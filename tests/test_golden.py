"""Walk tests/golden/: every case's inputs against each expected.* file it holds.

A case folder holds its input files in ``input/`` (or ``sources.txt`` listing
paths relative to the case folder) and one ``expected.<variant>`` file per output it pins down. The variant
names the format and options (see VARIANTS). ``pytest --update-golden``
rewrites the expectations for review.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bibgen.pipeline import Options, export
from conftest import assert_golden

GOLDEN = Path(__file__).parent / "golden"

# expected file name -> (format, Options keyword arguments)
VARIANTS: dict[str, tuple[str, dict]] = {
    "expected.bib": ("bibtex", {}),
    "expected.ascii.bib": ("bibtex", {"ascii": True}),
    "expected.biblatex.bib": ("biblatex", {}),
    "expected.csl.json": ("csl-json", {}),
    "expected.yaml": ("yaml", {}),
    "expected.ris": ("ris", {}),
    "expected.hayagriva.yml": ("hayagriva", {}),
}
DIAGNOSTICS = "expected.warnings.txt"

# Formatted references: expected.<style>.txt / .md / .html (the html list
# fragment), and expected.page.<grouping>.html (the standalone page).
PYBTEX_STYLES = ("plain", "unsrt", "alpha", "unsrtalpha")
CSL_STYLES = ("apa", "ieee", "chicago-author-date", "nature", "harvard", "vancouver", "acm", "bibgen-compact")
for _style in PYBTEX_STYLES + CSL_STYLES:
    VARIANTS[f"expected.{_style}.txt"] = ("text", {"style": _style})
    VARIANTS[f"expected.{_style}.md"] = ("markdown", {"style": _style})
    VARIANTS[f"expected.{_style}.html"] = ("html", {"style": _style, "html_fragment": True})
for _group in ("year", "type", "none"):
    VARIANTS[f"expected.page.{_group}.html"] = ("html", {"style": "plain", "group_by": _group})


def register_variant(filename: str, fmt: str, **options: object) -> None:
    """Other test modules add variants (biblatex, csl-json, styles) here."""
    VARIANTS[filename] = (fmt, dict(options))


def case_sources(case: Path) -> list[Path]:
    listing = case / "sources.txt"
    if listing.exists():
        return [(case / line.strip()).resolve() for line in listing.read_text().splitlines() if line.strip()]
    return [case / "input"]


def cases() -> list[tuple[str, str]]:
    out = []
    for case in sorted(p for p in GOLDEN.iterdir() if p.is_dir()):
        names = sorted(p.name for p in case.glob("expected*"))
        if not names:
            out.append((case.name, "expected.bib"))
        out.extend((case.name, n) for n in names if n != DIAGNOSTICS)
    return out


@pytest.mark.parametrize(("case", "expected"), cases())
def test_golden(case: str, expected: str, update_golden: bool) -> None:

    assert expected in VARIANTS, f"unknown golden variant {expected}; register it in tests/test_golden.py"
    fmt, kw = VARIANTS[expected]
    if kw.get("style") in CSL_STYLES:
        from bibgen.style.cslbridge import engine_available

        if not engine_available():
            pytest.skip("bibgen's CSL processor is not installed")
    folder = GOLDEN / case
    options = Options(**kw)
    actual = export(case_sources(folder), fmt, options)
    assert_golden(actual, folder / expected, update_golden)
    if expected == "expected.bib":
        warnings = "".join(f"{d}\n" for d in options.diagnostics.sorted())
        for prefix in (folder.resolve() / "input", folder / "input"):
            warnings = warnings.replace(f"{prefix}/", "")
        assert_golden(warnings, folder / DIAGNOSTICS, update_golden)
