"""Normalization rules as pure functions: text, names, identifiers, match keys."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from bibgen.model import Person

# Every Unicode space separator, tab and line break, including NBSP and the
# zero-width ones that scraped pages carry.
_SPACE_RE = re.compile(r"[\s\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]+")
# C0/C1 controls other than whitespace; they never belong in a bibliography.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_text(text: str) -> str:
    """NFC, controls removed, every run of whitespace one space, trimmed."""
    if not text:
        return ""
    if text.isascii():
        # Fast path for the common case: printable ASCII, already tidy.
        if text.isprintable() and "  " not in text and text[0] != " " and text[-1] != " ":
            return text
    elif not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = _CONTROL_RE.sub("", text)
    return _SPACE_RE.sub(" ", text).strip()


# ---------------------------------------------------------------- names

_PARTICLES = frozenset(
    "van von der den de del della di da dos das du la le les ten ter al el bin ibn zu d' van't".split()
)
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v", "2nd", "3rd"})


def _split_particle(last: str) -> tuple[str, str]:
    """``van den Oord`` -> (``van den``, ``Oord``): leading lower-case words are particles."""
    words = last.split(" ")
    i = 0
    while i < len(words) - 1 and (words[i][:1].islower() or words[i].lower() in _PARTICLES) and not words[i][:1].isupper():
        i += 1
    return " ".join(words[:i]), " ".join(words[i:])


def parse_name(text: str) -> Person:
    """Split one name: ``Family, Given``, ``von Last, Jr, First`` or ``First von Last``.

    >>> parse_name("van den Oord, Aäron")
    Person(family='Oord', given='Aäron', particle='van den', suffix='', literal='')
    >>> parse_name("Le, Quoc V.").given
    'Quoc V.'
    >>> parse_name("Martin Luther King, Jr.").suffix
    'Jr.'
    """
    text = clean_text(text)
    if not text:
        return Person()
    if text.startswith("{") and text.endswith("}") and text.count("{") == 1:
        return Person(literal=text[1:-1].strip())
    parts = [p.strip() for p in text.split(",")]
    if len(parts) == 1:
        words = text.split(" ")
        if len(words) == 1:
            return Person(family=words[0])
        suffix = ""
        if len(words) > 2 and words[-1].lower() in _SUFFIXES:
            suffix = words.pop()
        # First von Last: the particle starts at the first lower-case word before the last.
        i = len(words) - 1
        j = next((k for k in range(1, len(words) - 1) if words[k][:1].islower()), i)
        given = " ".join(words[:j])
        particle = " ".join(words[j:i])
        return Person(family=words[i], given=given, particle=particle, suffix=suffix)
    if len(parts) == 2 and parts[1].lower() in _SUFFIXES:
        # "Martin Luther King, Jr." -- a suffix after a reading-order name.
        inner = parse_name(parts[0])
        return Person(inner.family, inner.given, inner.particle, parts[1])
    last = parts[0]
    if len(parts) >= 3:
        suffix, given = parts[1], ", ".join(parts[2:])
    else:
        suffix, given = "", parts[1]
    particle, family = _split_particle(last)
    return Person(family=family, given=given, particle=particle, suffix=suffix)


# ---------------------------------------------------------------- identifiers

_DOI_RE = re.compile(r"10\.\d{4,9}/\S+", re.IGNORECASE)


def normalize_doi(text: str) -> str:
    """``https://doi.org/10.1000/ABC`` -> ``10.1000/abc`` (DOIs are case-insensitive)."""
    m = _DOI_RE.search(text or "")
    return m.group(0).rstrip(".,;").lower() if m else ""


_ARXIV_NEW = re.compile(r"(?<![\d.])(\d{4}\.\d{4,5})(v\d+)?(?!\d)")
_ARXIV_OLD = re.compile(r"([a-z-]+(?:\.[A-Z]{2})?/\d{7})(v\d+)?", re.IGNORECASE)


def normalize_arxiv(text: str) -> str:
    """``arXiv:2403.08295v2`` -> ``2403.08295``; old ids ``hep-th/9901001`` keep their archive."""
    text = (text or "").strip()
    m = _ARXIV_NEW.search(text)
    if m:
        return m.group(1)
    m = _ARXIV_OLD.search(text)
    return m.group(1).lower() if m else ""


# ---------------------------------------------------------------- match keys

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212-"


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Case- and accent-folded text: accents are folded (é -> e), never deleted with the letter.

    Non-Latin letters survive as themselves, so two different Chinese titles
    never fold to the same empty string.
    """
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def title_key(title: str) -> str:
    """The exact-match key of a title: folded, with punctuation, dashes and spaces removed.

    Digits stay, so ``Gemma 2`` and ``Gemma 3`` never share a key.

    >>> title_key("Gemini 1.5: Unlocking  Multimodal") == title_key("gemini 1.5 — unlocking multimodal.")
    True
    """
    return _NON_ALNUM.sub("", fold(title))


_NON_ALNUM = re.compile(r"[\W_]+")
_NUMBER_RE = re.compile(r"\d+(?:\.\d+)*")


def title_numbers(title: str) -> tuple[str, ...]:
    """Numbers and version strings in a title; works whose numbers differ are different works."""
    return tuple(_NUMBER_RE.findall(title))
