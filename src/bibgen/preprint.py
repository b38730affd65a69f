"""What an arXiv identifier says by itself: its year and month, and its abstract page."""

from __future__ import annotations

import re

# New-style identifiers (2007 on): YYMM.NNNN or YYMM.NNNNN, optional version.
_NEW = re.compile(r"^(?:arxiv:)?(\d{2})(\d{2})\.\d{4,5}(?:v\d+)?$", re.IGNORECASE)
# Old-style (1991-2007): archive[.subject]/YYMMNNN.
_OLD = re.compile(r"^(?:arxiv:)?[a-z-]+(?:\.[A-Z]{2})?/(\d{2})(\d{2})\d{3}(?:v\d+)?$", re.IGNORECASE)


def arxiv_year_month(eprint: str) -> tuple[str, str]:
    """``("2015", "12")`` for ``1512.03385``; ``("", "")`` when the id is not an arXiv id.

    >>> arxiv_year_month("1512.03385v2"), arxiv_year_month("hep-th/9901001")
    (('2015', '12'), ('1999', '1'))
    """
    text = eprint.strip()
    m = _NEW.match(text)
    if m:
        yy, mm = int(m.group(1)), int(m.group(2))
        if 7 <= yy and 1 <= mm <= 12 and not (yy == 7 and mm < 4):
            return str(2000 + yy), str(mm)
        return "", ""
    m = _OLD.match(text)
    if m:
        yy, mm = int(m.group(1)), int(m.group(2))
        if 1 <= mm <= 12:
            return str(1900 + yy if yy >= 91 else 2000 + yy), str(mm)
    return "", ""


def arxiv_url(eprint: str) -> str:
    """The abstract page, ``https://arxiv.org/abs/<id>``."""
    text = eprint.strip()
    if text.lower().startswith("arxiv:"):
        text = text[6:]
    return f"https://arxiv.org/abs/{text}"
