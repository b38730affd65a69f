"""Reading fixtures of the CSL processor test suite (tests/data/csl-test-suite)."""

from __future__ import annotations

import json
import re
from pathlib import Path

SUITE = Path(__file__).parent / "data" / "csl-test-suite"
_SECTION = re.compile(r">>=+ ?([A-Z]+) ?=+>>\n(.*?)\n<<=+ ?\1 ?=+<<", re.S)


def fixtures() -> list[Path]:
    """Every fixture file, sorted by name."""
    return sorted(SUITE.glob("*.txt"))


def load(path: Path) -> dict[str, object]:
    """The sections of one fixture: MODE, RESULT, CSL and INPUT (parsed)."""
    text = path.read_text(encoding="utf-8")
    sections = {m.group(1): m.group(2) for m in _SECTION.finditer(text)}
    sections["INPUT"] = json.loads(sections["INPUT"])
    return sections


def normalize(html: str) -> str:
    """Insignificant whitespace removed: line indentation and surrounding blank lines."""
    return "\n".join(line.strip() for line in html.strip().splitlines() if line.strip())
