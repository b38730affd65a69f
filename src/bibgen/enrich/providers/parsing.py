"""Small helpers the provider parsers share (JSON decoding, names, dates)."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from bibgen.enrich.http import ResponseError
from bibgen.model import Person
from bibgen.normalize import bare_doi, clean_text, parse_name

_SPACE = re.compile(r"\s+")
# Crossref titles carry JATS/HTML face markup (<i>, <sub>, <scp>, MathML); DBLP escapes entities (&apos;).
_MARKUP = re.compile(r"</?(?:i|b|em|strong|u|sub|sup|scp|sc|span|tt|jats:[a-z-]+|mml:[a-z]+|math)(?:\s[^<>]*)?/?>", re.IGNORECASE)


def load_json(body: bytes, provider: str) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise ResponseError(f"{provider}: response is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ResponseError(f"{provider}: invalid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None


def text(value: Any) -> str:
    """A clean one-line string from a JSON value (None and non-strings become '')."""
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return ""
    if "<" in value:
        value = _MARKUP.sub("", value)
    if "&" in value:
        value = html.unescape(value)
    return clean_text(_SPACE.sub(" ", value).strip())


def person(name: str) -> Person | None:
    name = text(name)
    if not name:
        return None
    return parse_name(name)


def person_parts(given: Any, family: Any, literal: Any = "") -> Person | None:
    g, f = text(given), text(family)
    if f:
        return parse_name(f"{f}, {g}") if g else parse_name(f"{f}, ")
    return person(text(literal)) if literal else None


def doi(value: Any) -> str:
    v = text(value)
    return bare_doi(v) if v else ""


def date_parts(parts: Any) -> tuple[str, str]:
    """(year, ISO date) from Crossref-style ``[[2012, 3, 7]]``."""
    try:
        first = parts[0]
        nums = [int(x) for x in first if x is not None]
    except (TypeError, IndexError, ValueError):
        return "", ""
    if not nums:
        return "", ""
    year = f"{nums[0]:04d}"
    iso = "-".join([year] + [f"{n:02d}" for n in nums[1:3]])
    return year, iso


def pages(first: Any, last: Any) -> str:
    f, l = text(first), text(last)
    if f and l and l != f:
        return f"{f}--{l}"
    return f


def expect(cond: bool, provider: str, what: str) -> None:
    if not cond:
        raise ResponseError(f"{provider}: unexpected response ({what})")
