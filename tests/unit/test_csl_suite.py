"""The official CSL processor test suite (bibliography mode) against bibgen's CSL engine.

Each fixture in tests/data/csl-test-suite is rendered with
:class:`bibgen.style.csl.CslStyle` and :func:`bibgen.style.cslhtml.to_citeproc_html`
and compared with its RESULT. Fixtures listed in KNOWN_FAILURES.txt are xfail
(non-strict), so one that starts passing shows up as XPASS.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bibgen.style.csl import CslStyle
from bibgen.style.cslhtml import to_citeproc_html

SUITE = Path(__file__).resolve().parent.parent / "data" / "csl-test-suite"
_SECTION = re.compile(r">>=+ ?([A-Z]+) ?=+>>\n(.*?)\n<<=+ ?\1 ?=+<<", re.S)
# The pass ratio this engine reached when the list of known failures was written.
MIN_PASS_RATIO = 0.95


def load(path: Path) -> dict[str, object]:
    """The sections of one fixture: MODE, RESULT, CSL and INPUT (parsed)."""
    text = path.read_text(encoding="utf-8")
    sections: dict[str, object] = {m.group(1): m.group(2) for m in _SECTION.finditer(text)}
    sections["INPUT"] = json.loads(str(sections["INPUT"]))
    return sections


def normalize(html: str) -> str:
    """Drop insignificant whitespace: line indentation and blank lines (as the suite's runner does)."""
    return "\n".join(line.strip() for line in html.strip().splitlines() if line.strip())


def known_failures() -> dict[str, str]:
    out = {}
    for line in (SUITE / "KNOWN_FAILURES.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, reason = line.partition(" -- ")
            out[name.strip()] = reason.strip()
    return out


FIXTURES = sorted(SUITE.glob("*.txt"))
FIXTURES = [p for p in FIXTURES if p.name != "KNOWN_FAILURES.txt"]
KNOWN = known_failures()


def render(path: Path) -> tuple[str, str]:
    f = load(path)
    style = CslStyle.from_string(str(f["CSL"]), name=path.stem)
    got = to_citeproc_html(style.bibliography(f["INPUT"]))  # type: ignore[arg-type]
    return normalize(got), normalize(str(f["RESULT"]))


def test_fixtures_are_bibliography_mode() -> None:
    assert len(FIXTURES) >= 160
    for p in FIXTURES:
        assert str(load(p)["MODE"]).strip() == "bibliography", p.name


def test_known_failures_name_real_fixtures() -> None:
    names = {p.stem for p in FIXTURES}
    assert set(KNOWN) <= names, sorted(set(KNOWN) - names)
    assert all(KNOWN.values()), "every known failure needs a reason"


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(p, id=p.stem, marks=pytest.mark.xfail(reason=KNOWN[p.stem], strict=False))
        if p.stem in KNOWN
        else pytest.param(p, id=p.stem)
        for p in FIXTURES
    ],
)
def test_fixture(path: Path) -> None:
    got, expected = render(path)
    assert got == expected


def test_pass_ratio(capsys: pytest.CaptureFixture[str]) -> None:
    passed = 0
    for p in FIXTURES:
        try:
            got, expected = render(p)
        except Exception:  # noqa: BLE001 - a crash counts as a failure here
            continue
        passed += got == expected
    ratio = passed / len(FIXTURES)
    with capsys.disabled():
        print(f"\nCSL test suite: {passed}/{len(FIXTURES)} fixtures pass ({ratio:.1%})")
    assert ratio >= MIN_PASS_RATIO
