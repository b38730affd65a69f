"""ISO 8601 / EDTF dates as biblatex and CSL read them: parsed once, written in each dialect's form."""

from __future__ import annotations

import re
from typing import Any, NamedTuple

# ISO 8601 / EDTF (biblatex manual §2.3.8, EDTF level 0-1): a date, a datetime, a
# season (21-24), uncertain/approximate markers; ranges "a/b", open "a/.." or "../b".
_EDTF_DATE = re.compile(
    r"^(?P<year>[+-]?\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?"
    r"(?:T\d{2}(?::\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?(?P<q>[?~%]?)$"
)
SEASONS = {"21": "Spring", "22": "Summer", "23": "Autumn", "24": "Winter"}


class DatePart(NamedTuple):
    """One end of a parsed date: strings, ``month`` is ``1``..``12`` or a season name."""

    year: str
    month: str = ""
    day: str = ""
    uncertain: bool = False


def parse_edtf(text: str) -> tuple[DatePart | None, DatePart | None, bool] | None:
    """``(start, end, is_range)`` of an ISO 8601/EDTF date or range; None if it is not one.

    An open end is None; a plain date has ``is_range`` False.
    """
    text = text.strip()
    if not text:
        return None
    if "/" in text:
        a, _, b = text.partition("/")
        start = None if a in ("", "..") else _edtf_part(a)
        end = None if b in ("", "..") else _edtf_part(b)
        if (start is None and a not in ("", "..")) or (end is None and b not in ("", "..")):
            return None
        if start is None and end is None:
            return None
        return start, end, True
    part = _edtf_part(text)
    return None if part is None else (part, None, False)


def _edtf_part(text: str) -> DatePart | None:
    m = _EDTF_DATE.match(text.strip())
    if not m:
        return None
    year, month, day = m.group("year"), m.group("month") or "", m.group("day") or ""
    if month in SEASONS:
        if day:
            return None
        month = SEASONS[month]
    elif month:
        if not 1 <= int(month) <= 12:
            return None
        month = str(int(month))
    if day:
        if not 1 <= int(day) <= 31:
            return None
        day = str(int(day))
    return DatePart(year.lstrip("+"), month, day, bool(m.group("q")))



_SEASON_NUMBER = {v: i + 1 for i, v in enumerate(SEASONS.values())}


def csl_date(text: str) -> dict[str, Any] | None:
    """A CSL-JSON date object for an EDTF date or range: ``date-parts`` of both ends, ``season``, ``circa``.

    An open range keeps its known end (CSL-JSON has no open-ended ranges; the
    text stays in ``raw`` beside it, which citeproc-js and pandoc read).
    """
    parsed = parse_edtf(text)
    if parsed is None:
        return None
    start, end, is_range = parsed
    out: dict[str, Any] = {}
    parts = []
    season = 0
    for p in (start, end):
        if p is None:
            continue
        dp = [int(p.year)]
        if p.month in _SEASON_NUMBER:
            season = season or _SEASON_NUMBER[p.month]
        elif p.month:
            dp.append(int(p.month))
            if p.day:
                dp.append(int(p.day))
        parts.append(dp)
        if p.uncertain:
            out["circa"] = True
    out["date-parts"] = parts
    if season:
        out["season"] = season
    if is_range and (start is None or end is None):
        out["raw"] = text.strip()
        del out["date-parts"]
    return out
