"""Checks for impossible values: warnings (errors under ``--strict``) naming file:line.

Run on every entry right after it is read (:func:`bibgen.pipeline.read_file`),
so a bad value is reported where it was written, before any merge:

* ``year``: digits (``2020``, ``2020a`` for disambiguation, a range
  ``2019/2020`` or ``2019--2020``), or a word people use on purpose (``in press``,
  ``forthcoming``, ``n.d.``, ``to appear``, ``submitted``, ``accepted``);
* ``month``: 1 to 12 when it is a number;
* ``doi``: ``10.<registrant>/<suffix>`` (after the resolver prefix is dropped);
* ``isbn``: ISBN-10 or ISBN-13 with a valid check digit (hyphens and spaces
  ignored; several may be separated by ``,`` or ``;``);
* ``pages``: a range whose end comes before its start (``778--770``);
  abbreviated ends (``1234--56`` = 1234 to 1256) are read as such.

Empty names (``author = {B and}``) are found by the readers, which see the raw list.
"""

from __future__ import annotations

import re

from bibgen.errors import Diagnostics
from bibgen.model import Entry

_YEAR = re.compile(r"^\d{1,4}[a-z]?$|^\d{4}\s*(?:/|-{1,3}|–|—)\s*\d{2,4}$")
_YEAR_WORDS = frozenset({"in press", "forthcoming", "n.d.", "nd", "to appear", "submitted", "accepted", "in preparation", "preprint", "unpublished"})
_DOI = re.compile(r"^10\.\d{4,9}(?:\.\d+)*/\S+$")
_PAGES = re.compile(r"^\s*(\d+)\s*(?:-{1,3}|–|—|−)\s*(\d+)\s*$")


def check_entry(entry: Entry, diagnostics: Diagnostics) -> None:
    """Warn about every impossible value of ``entry``."""
    f = entry.fields
    where = entry.origin
    year = f.get("year")
    if year is not None and not (year.isdigit() and len(year) <= 4) and not _odd_year_ok(year):
        diagnostics.warn(f"year '{year}' is not a year (digits, e.g. 2021)", where)
    month = f.get("month")
    if month is not None and month.isdigit() and not 1 <= int(month) <= 12:
        diagnostics.warn(f"month '{month}' is not between 1 and 12", where)
    doi = f.get("doi")
    if doi and not _DOI.match(doi.strip()):
        diagnostics.warn(f"doi '{doi}' is not a DOI (10.<number>/<suffix>)", where)
    isbn = f.get("isbn")
    if isbn:
        for one in (p.strip() for p in re.split(r"[,;]", isbn)):
            if one and not valid_isbn(one):
                diagnostics.warn(f"isbn '{one}' is not a valid ISBN-10 or ISBN-13", where)
    pages = f.get("pages")
    if pages and not pages.isdigit():
        reason = reversed_range(pages)
        if reason:
            diagnostics.warn(f"pages '{pages}': {reason}", where)


def _odd_year_ok(year: str) -> bool:
    y = year.strip()
    return not y or bool(_YEAR.match(y)) or y.lower() in _YEAR_WORDS


def valid_isbn(text: str) -> bool:
    """Is ``text`` an ISBN-10 or ISBN-13 with a correct check digit (hyphens, spaces, an ``ISBN`` prefix allowed)?"""
    s = re.sub(r"^isbn(?:-1[03])?:?\s*", "", text.strip(), flags=re.I)
    s = re.sub(r"[\s\-]", "", s).upper()
    if re.fullmatch(r"\d{9}[\dX]", s):
        total = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(s))
        return total % 11 == 0
    if re.fullmatch(r"\d{13}", s):
        total = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(s))
        return total % 10 == 0
    return False


def reversed_range(pages: str) -> str:
    """Why a numeric page range is impossible (its end before its start), else ``""``."""
    for part in re.split(r"[,;]", pages):
        m = _PAGES.match(part)
        if not m:
            continue
        start, end = m.group(1), m.group(2)
        if len(end) < len(start):  # 1234--56: the end abbreviated
            end = start[: len(start) - len(end)] + end
        if int(end) < int(start):
            return f"the range ends ({m.group(2)}) before it starts ({m.group(1)})"
    return ""


def same_pages(a: str, b: str) -> bool:
    """Are two page values the same range written differently (``770-778``, ``770--778``, ``770–778``)?"""
    return _page_key(a) == _page_key(b)


def _page_key(text: str) -> str:
    return re.sub(r"\s*(?:-{1,3}|–|—|−)\s*", "-", text.strip())
