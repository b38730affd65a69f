"""Reading CSL-JSON values: numbers, page ranges, dates and name parts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_NUMERIC = re.compile(
    r"^\s*[A-Za-z]*\d+[A-Za-z]*(?:\s*(?:[-\u2013,&]|and)\s*[A-Za-z]*\d+[A-Za-z]*)*\s*$"
)
_PLURAL = re.compile(r"\d\s*(?:[-\u2013,&]|and)\s*\S|^\s*[ivxlcmIVXLCM]+\s*[-\u2013]\s*[ivxlcmIVXLCM]+\s*$")
_FIRST_INT = re.compile(r"\d+")

NUMBER_VARIABLES = frozenset(
    "chapter-number citation-number collection-number edition first-reference-note-number issue"
    " locator number number-of-pages number-of-volumes page page-first part-number printing-number"
    " section supplement-number version volume".split()
)
DATE_VARIABLES = frozenset(
    "accessed available-date event-date issued original-date submitted".split()
)
NAME_VARIABLES = frozenset(
    "author chair collection-editor compiler composer container-author contributor curator director"
    " editor editorial-director editor-translator executive-producer guest host illustrator"
    " interviewer narrator organizer original-author performer producer recipient reviewed-author"
    " script-writer series-creator translator".split()
)


def is_numeric(value: object) -> bool:
    """CSL's is-numeric: numbers with optional letter affixes, joined by - , & or 'and'.

    Like citeproc-js, a value that starts with a numeric range whose second
    end is followed by more text (``800-57 Part 1 Rev. 5``) is numeric too.
    """
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return True
    return isinstance(value, str) and bool(_NUMERIC.match(value) or LEADING_RANGE.match(value))


# A range of two numbers followed by more text: "800-57 Part 1 Rev. 5".
LEADING_RANGE = re.compile(r"^\s*(\d+)\s*-\s*(\d+)(?=\s)")


def is_plural(value: str) -> bool:
    """Whether a number-like value holds several numbers (for label plurals)."""
    return bool(_PLURAL.search(value))


def first_int(value: str) -> int | None:
    m = _FIRST_INT.search(value)
    return int(m.group(0)) if m else None


# ---------------------------------------------------------------- page ranges

_RANGE = re.compile(
    r"([A-Za-z]*)(\d+)\s*(?:-+|\u2013|\u2014)\s*([A-Za-z]*)(\d+)"
    r"|\b([ivxlcmIVXLCM]+)\s*(?:-+|\u2013)\s*([ivxlcmIVXLCM]+)\b"
)


def _expand(a: str, b: str) -> str:
    if len(b) < len(a):
        return a[: len(a) - len(b)] + b
    return b


def _minimal(a: str, b: str, keep: int) -> str:
    b = _expand(a, b)
    if len(a) != len(b):
        return b
    i = 0
    while i < len(a) - 1 and a[i] == b[i]:
        i += 1
    out = b[i:]
    if keep > 1 and len(out) < keep and len(b) >= keep:
        out = b[-keep:]
    return out


def _chicago(a: str, b: str, v15: bool) -> str:
    """The end of a range under chicago(-15) or chicago-16, as citeproc-js shortens it.

    citeproc-js's chicago-15 keeps the last two digits when both ends share
    their hundreds (``321–28``, ``1702–21``) and the last three from 10,000 on,
    else the whole end (``1702–1821``, ``96–113``); its chicago-16 keeps the
    fewest trailing digits (two at least) that the ends do not share.
    """
    b = _expand(a, b)
    begin, end = int(a), int(b)
    if v15:
        if begin > 100 and begin % 100 and begin // 100 == end // 100:
            return str(end % 100)
        if begin >= 10000:
            return str(end % 1000)
        return b
    if begin > 100 and begin % 100:
        for i in range(2, len(b)):
            divisor = 10**i
            if begin // divisor == end // divisor:
                return str(end % divisor)
    return b


def page_range(value: str, fmt: str | None, delimiter: str) -> list[tuple[str, bool]]:
    """A page value as (text, is_range_delimiter) pieces, with ``page-range-format`` applied.

    As in citeproc-js, a range whose two ends carry different prefixes
    (``e00123-17``, ``12-S19``) is left as it is; a repeated prefix is dropped
    when the range is shortened (``S12-S19`` -> ``S12–19`` under chicago, kept
    when expanded); a range of roman numerals (``xi-xvii``) gets the delimiter.
    """
    out: list[tuple[str, bool]] = []
    pos = 0
    for m in _RANGE.finditer(value):
        pa, a, pb, b, ra, rb = m.groups()
        if m.start() > pos:
            out.append((value[pos : m.start()], False))
        pos = m.end()
        if ra is not None:
            out.append((ra, False))
            out.append((delimiter, True))
            out.append((rb, False))
            continue
        if pa != pb:
            out.append((f"{pa}{a}-{pb}{b}", False))
            continue
        if fmt == "expanded":
            b2 = _expand(a, b)
        elif fmt == "minimal":
            b2 = _minimal(a, b, 1)
        elif fmt == "minimal-two":
            b2 = _minimal(a, b, 2)
        elif fmt in ("chicago", "chicago-15"):
            b2 = _chicago(a, b, True)
        elif fmt == "chicago-16":
            b2 = _chicago(a, b, False)
        else:
            b2 = b
        if fmt and len(b) > len(a) and pb == "":
            b2 = b
        out.append((pa + a, False))
        out.append((delimiter, True))
        # A shortened range drops the repeated prefix; an expanded one keeps it.
        out.append((pb + b2 if fmt in (None, "expanded") else b2, False))
    if pos < len(value):
        out.append((value[pos:], False))
    return out


# ---------------------------------------------------------------- dates

@dataclass(frozen=True, slots=True)
class DateValue:
    """A parsed CSL date: start and optional end as (year, month, day) with 0 for missing."""

    start: tuple[int, int, int] | None
    end: tuple[int, int, int] | None
    season: int
    circa: bool
    literal: str
    # The season was a name ("Winter"), not 1-4: citeproc-js prints it, but as
    # text, not as a variable, so a group holding only it is suppressed.
    season_name: bool = False
    season_text: str = ""  # the name as given ("Winter"): printed as is, in every locale


_RAW = re.compile(r"(-?\d{1,4})(?:[-/](\d{1,2}))?(?:[-/](\d{1,2}))?")


def _int(v: object) -> int:
    try:
        return int(str(v).strip())
    except (TypeError, ValueError):
        return 0


def _triple(parts: object) -> tuple[int, int, int] | None:
    if not isinstance(parts, (list, tuple)) or not parts:
        return None
    vals = [_int(p) for p in list(parts)[:3]]
    while len(vals) < 3:
        vals.append(0)
    if vals[0] == 0 and vals[1] == 0:
        return None
    return (vals[0], vals[1], vals[2])


def parse_date(value: object) -> DateValue | None:
    """A :class:`DateValue` from CSL-JSON (``date-parts``, ``raw``, ``literal``, ``season``)."""
    if isinstance(value, str):
        value = {"raw": value}
    if not isinstance(value, dict):
        return None
    circa = bool(value.get("circa"))
    season = _int(value.get("season")) if value.get("season") is not None else 0
    if isinstance(value.get("season"), str) and not season:
        season = {"spring": 1, "summer": 2, "autumn": 3, "fall": 3, "winter": 4}.get(
            value["season"].lower(), 0
        )
    dp = value.get("date-parts")
    start = end = None
    if isinstance(dp, list) and dp:
        start = _triple(dp[0])
        if len(dp) > 1:
            end = _triple(dp[1])
    elif value.get("raw"):
        raw = str(value["raw"])
        found = list(_RAW.finditer(raw))
        if found:
            g = found[0].groups()
            start = (_int(g[0]), _int(g[1]), _int(g[2]))
            if len(found) > 1:
                g = found[1].groups()
                end = (_int(g[0]), _int(g[1]), _int(g[2]))
        elif not value.get("literal"):
            return DateValue(None, None, 0, circa, raw)
    if start and start[1] > 12:
        season = season or start[1] - 12
        start = (start[0], 0, start[2])
    if end and end[1] > 12:
        end = (end[0], 0, end[2])
    literal = str(value.get("literal") or "")
    if start is None and not literal:
        return None
    if end == start:
        end = None
    raw_season = value.get("season")
    named = isinstance(raw_season, str) and raw_season.strip() not in ("1", "2", "3", "4")
    return DateValue(start, end, season, circa, literal, named and bool(season),
                     raw_season.strip() if named and season else "")


# ---------------------------------------------------------------- names

_PARTICLE_WORD = re.compile(r"^(?:[a-z\u00e0-\u00ff][\w\u2019']*|[a-z]+['\u2019]|[a-z]+-)$")
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]")


@dataclass(frozen=True, slots=True)
class NameParts:
    """A name split into CSL parts (particles parsed as citeproc-js does)."""

    family: str
    given: str
    ndp: str
    dp: str
    suffix: str
    comma_suffix: bool
    literal: str
    cjk: bool


@lru_cache(maxsize=65536)
def _split_name(family: str, given: str, ndp: str, dp: str, suffix: str, comma_suffix: bool,
                literal: str, parse: bool) -> NameParts:
    if len(family) > 1 and family[0] == '"' and family[-1] == '"':
        family = family[1:-1]
        parse = False
    if parse and family and not ndp and not literal:
        # Leading lowercase words of the family name are a non-dropping particle
        # ("van den Oord"), as are elided prefixes ("d'Alembert", "al-One").
        words = family.split(" ")
        k = 0
        while k < len(words) - 1 and _PARTICLE_WORD.match(words[k]):
            k += 1
        if k:
            ndp = " ".join(words[:k])
            family = " ".join(words[k:])
        else:
            m = re.match(r"^([a-z]{1,3}['\u2019]|[a-z]{1,3}-)(?=[A-Z\u00c0-\u00de])", family)
            if m:
                ndp = m.group(1)
                family = family[m.end():]
    if parse and given and not dp and not literal:
        words = given.split(" ")
        k = len(words)
        while k > 1 and _PARTICLE_WORD.match(words[k - 1]):
            k -= 1
        if k < len(words):
            dp = " ".join(words[k:])
            given = " ".join(words[:k])
    cjk = bool(CJK.search(family + given))
    return NameParts(family, given, ndp, dp, suffix, comma_suffix, literal, cjk)


def name_parts(name: dict) -> NameParts:
    """Split a CSL-JSON name dict into :class:`NameParts`."""
    return _split_name(
        str(name.get("family") or ""),
        str(name.get("given") or ""),
        str(name.get("non-dropping-particle") or ""),
        str(name.get("dropping-particle") or ""),
        str(name.get("suffix") or ""),
        bool(name.get("comma-suffix")),
        str(name.get("literal") or ""),
        name.get("parse-names", True) not in (False, "false"),
    )


_ROMANESQUE = re.compile(r"^[A-Za-z\u0080-\u024f\u0370-\u03ff\u0400-\u052f\u1e00-\u1fff\"'\u2018\u201c(\[]")
_INIT_TOKENS = re.compile(r"([\s.\-]+)")
_LETTERS = re.compile(r"[A-Za-z\u0080-\u017f\u0400-\u052f\u0600-\u06ff\u0370-\u03ff\u1f00-\u1fff]*")


@lru_cache(maxsize=65536)
def initialize(given: str, with_: str, initialize_all: bool, hyphen: bool) -> str:
    """Initials for a given name, following citeproc-js.

    ``John Paul`` -> ``J. P.``, ``Jean-Paul`` -> ``J.-P.``; a hyphen followed by a
    lower-case letter joins one name (``Min-jun`` -> ``M.``), as in citeproc-js.
    With ``initialize_all`` false only existing initials get the terminator.
    """
    if not _ROMANESQUE.match(given):
        return given
    name = given
    if not hyphen:
        name = name.replace("-", " ")
    name = re.sub(r"\s*-\s*", "-", name)
    name = re.sub(r"\s+", " ", name)
    name = re.sub(r"-([a-z])", "\u2013\\1", name)
    tokens = _INIT_TOKENS.split(name)
    words = tokens[0::2]
    seps = tokens[1::2] + [""]
    term_tight = with_.rstrip()
    out: list[str] = []
    for i, w in enumerate(words):
        sep = seps[i]
        if not w:
            out.append(sep if i else "")
            continue
        abbrev = (len(w) == 1 and w.isupper()) or "." in sep
        if w[0].isupper() and (initialize_all or abbrev):
            if initialize_all:
                rest = _LETTERS.match(w, 1)
                rest_s = rest.group(0) if rest else ""
                up = ""
                for c in rest_s:
                    if c.isupper():
                        up += c
                    else:
                        break
                piece = w[0] + (up.lower() if len(up) < len(rest_s) else "")
            else:
                piece = w
            if "-" in sep:
                out.append(piece + term_tight + "-")
            else:
                nxt = words[i + 1] if i + 1 < len(words) else ""
                nxt_abbrev = (len(nxt) == 1 and nxt.isupper()) or (i + 1 < len(seps) and "." in seps[i + 1])
                out.append(piece + with_ + ("" if initialize_all or not nxt or nxt_abbrev or with_.endswith(" ") else " "))
        elif w[0].islower():
            out.append(" " + w + (sep if "-" not in sep else "-"))
        else:
            out.append(w + (" " if sep.strip() in ("", ".") and "-" not in sep else sep))
    ret = "".join(out)
    ret = re.sub(r"\s*-\s*", "-", ret.strip())
    ret = re.sub(r"\s+", " ", ret)
    return ret.replace("\u2013", "-")
