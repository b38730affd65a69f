"""Citation keys from a pattern, with deterministic suffixes on collision.

Pattern syntax (documented in the README)::

    pattern  := (literal | "[" token "]")*
    token    := alternative ("|" alternative)*      first non-empty one wins
    alternative := '"' text '"'                     a literal fallback
                 | field ["(" number ")"] (":" modifier ["(" number ")"])*

Fields: ``auth`` (first author's family name), ``authors(n)`` (first n family
names, ``EtAl`` appended when there are more or the list is partial),
``authorsalpha`` (BibTeX alpha-style initials), ``year``, ``shorttitle(n)``
(first n significant title words, capitalised; default 3),
``veryshorttitle`` (one word), ``title`` (all significant words), ``venue``
(the venue's acronym, ``arXiv`` for preprints), ``eprint``, ``doi``.

Modifiers: ``lower``, ``upper``, ``capitalize``, ``ascii`` (transliterate;
keys are always made ASCII at the end anyway), ``truncate(n)``, ``abbr``
(initials of the words), ``nopunct``.

The default pattern is ``[auth:lower][year][shorttitle(3)]``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bibgen.errors import UsageError
from bibgen.model import Entry, EntryKind
from bibgen.normalize import title_key

DEFAULT_PATTERN = "[auth:lower][year][shorttitle(3)]"

# Words a short title skips, as Better BibTeX and JabRef do.
FUNCTION_WORDS = frozenset(
    """a an the and or but nor for so yet of in on at to by with from into onto upon over under
    about as via vs versus per through toward towards without within among between is are be
    its it this that these those how what when where which who why do does can we our""".split()
)

_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_TOKEN_RE = re.compile(r"\[([^\[\]]*)\]")
_PART_RE = re.compile(r"^([a-z]+)(?:\((\d+)\))?$")
_KEY_CHARS = re.compile(r"[^A-Za-z0-9_:.\-]")


@lru_cache(maxsize=65536)
def ascii_text(text: str) -> str:
    """Transliterate to ASCII (ß -> ss, ø -> o, 中 -> Zhong) with unidecode."""
    from unidecode import unidecode

    return unidecode(text)


def _words(text: str) -> list[str]:
    # Strip inline math: $\alpha$ says nothing a key can use.
    text = re.sub(r"\$[^$]*\$", " ", text)
    return _WORD_RE.findall(text)


def _significant(title: str) -> list[str]:
    words = _words(title)
    return [w for w in words if w.casefold() not in FUNCTION_WORDS] or words


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:]


def _family(entry: Entry, i: int = 0) -> str:
    people = entry.authors or entry.people.get("editor", ())
    if len(people) <= i:
        return ""
    p = people[i]
    return "".join(_words(p.literal or p.family))


# ---------------------------------------------------------------- fields


def _f_auth(e: Entry, n: int | None) -> str:
    return _family(e)


def _f_authors(e: Entry, n: int | None) -> str:
    people = e.authors or e.people.get("editor", ())
    n = n or len(people)
    out = "".join(_cap(_family(e, i)) for i in range(min(n, len(people))))
    if out and (len(people) > n or "author" in e.partial):
        out += "EtAl"
    return out


def _f_authorsalpha(e: Entry, n: int | None) -> str:
    people = e.authors or e.people.get("editor", ())
    if not people:
        return ""
    if len(people) == 1 and "author" not in e.partial:
        return _family(e)[:3]
    return "".join(_family(e, i)[:1] for i in range(min(len(people), 3))) + ("+" if len(people) > 3 or "author" in e.partial else "")


def _f_year(e: Entry, n: int | None) -> str:
    m = re.search(r"\d{4}", e.get("year"))
    return m.group(0) if m else ""


def _f_shorttitle(e: Entry, n: int | None) -> str:
    return "".join(_cap(w) for w in _significant(e.title)[: n or 3])


def _f_veryshorttitle(e: Entry, n: int | None) -> str:
    return "".join(_cap(w) for w in _significant(e.title)[: n or 1])


def _f_title(e: Entry, n: int | None) -> str:
    words = _significant(e.title)
    return "".join(_cap(w) for w in (words[:n] if n else words))


def _f_venue(e: Entry, n: int | None) -> str:
    if e.kind is EntryKind.PREPRINT and not e.get("container"):
        return "arXiv" if e.get("eprinttype", "arxiv") == "arxiv" else ""
    venue = e.get("container") or e.get("howpublished")
    words = _words(venue)
    caps = [w for w in words if w.isupper() and len(w) > 1]
    if caps:
        return caps[0]
    return "".join(w[0].upper() for w in words if w.casefold() not in FUNCTION_WORDS)


def _f_eprint(e: Entry, n: int | None) -> str:
    return e.get("eprint")


def _f_doi(e: Entry, n: int | None) -> str:
    return e.get("doi")


FIELDS: Mapping[str, Callable[[Entry, int | None], str]] = {
    "auth": _f_auth,
    "authors": _f_authors,
    "authorsalpha": _f_authorsalpha,
    "year": _f_year,
    "shorttitle": _f_shorttitle,
    "veryshorttitle": _f_veryshorttitle,
    "title": _f_title,
    "venue": _f_venue,
    "eprint": _f_eprint,
    "doi": _f_doi,
}

MODIFIERS: Mapping[str, Callable[[str, int | None], str]] = {
    "lower": lambda s, n: s.lower(),
    "upper": lambda s, n: s.upper(),
    "capitalize": lambda s, n: _cap(s),
    "ascii": lambda s, n: ascii_text(s),
    "truncate": lambda s, n: s[: n or len(s)],
    "abbr": lambda s, n: "".join(w[0] for w in re.findall(r"[A-Z][a-z]*|\d+|[a-z]+", s)),
    "nopunct": lambda s, n: re.sub(r"[^\w]", "", s),
}


# ---------------------------------------------------------------- compiling

Part = tuple[str, int | None]
Alternative = tuple[str, ...] | tuple[Part, tuple[Part, ...]]


@dataclass(frozen=True, slots=True)
class KeyPattern:
    """A compiled key pattern; ``make(entry)`` gives the unsuffixed key."""

    source: str
    pieces: tuple[object, ...]

    def make(self, entry: Entry) -> str:
        out = []
        for piece in self.pieces:
            if isinstance(piece, str):
                out.append(piece)
                continue
            for alt in piece:  # type: ignore[attr-defined]
                if alt[0] == "literal":
                    value = alt[1]
                else:
                    (name, arg), mods = alt
                    value = FIELDS[name](entry, arg)
                    for mname, marg in mods:
                        value = MODIFIERS[mname](value, marg)
                if value:
                    out.append(value)
                    break
        return clean_key("".join(out))


def clean_key(key: str) -> str:
    """ASCII letters, digits and ``_:.-`` only; never empty."""
    key = _KEY_CHARS.sub("", ascii_text(key))
    return key or "anon"


@lru_cache(maxsize=64)
def compile_pattern(pattern: str) -> KeyPattern:
    """Parse a key pattern; a UsageError names the bad token."""
    pieces: list[object] = []
    pos = 0
    for m in _TOKEN_RE.finditer(pattern):
        literal = pattern[pos : m.start()]
        if "[" in literal or "]" in literal:
            raise UsageError(f"key pattern {pattern!r}: unbalanced bracket before {m.group(0)!r}")
        if literal:
            pieces.append(literal)
        pos = m.end()
        alts = []
        for alt in m.group(1).split("|"):
            alt = alt.strip()
            if len(alt) >= 2 and alt[0] == alt[-1] == '"':
                alts.append(("literal", alt[1:-1]))
                continue
            parts = alt.split(":")
            head = _parse_part(parts[0], FIELDS, pattern, "field")
            mods = tuple(_parse_part(p, MODIFIERS, pattern, "modifier") for p in parts[1:])
            alts.append((head, mods))
        pieces.append(tuple(alts))
    tail = pattern[pos:]
    if "[" in tail or "]" in tail:
        raise UsageError(f"key pattern {pattern!r}: unbalanced bracket")
    if tail:
        pieces.append(tail)
    return KeyPattern(pattern, tuple(pieces))


def _parse_part(text: str, table: Mapping[str, object], pattern: str, what: str) -> Part:
    m = _PART_RE.match(text.strip())
    if not m or m.group(1) not in table:
        known = ", ".join(sorted(table))
        raise UsageError(f"key pattern {pattern!r}: unknown {what} {text!r} (known: {known})")
    return m.group(1), int(m.group(2)) if m.group(2) else None


# ---------------------------------------------------------------- suffixes


def suffix(n: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa, 27 -> ab, …: bijective base 26, no upper limit."""
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(97 + r) + out
    return out


def content_order(entry: Entry) -> tuple[str, ...]:
    """A sort key that depends on the work only, never on file names or input order."""
    return (
        entry.get("year"),
        title_key(entry.title),
        "|".join(p.sort_form() for p in entry.authors),
        entry.get("doi"),
        entry.get("eprint"),
        entry.kind.value,
    )


def assign_keys(entries: Sequence[Entry], pattern: str = DEFAULT_PATTERN, taken: Iterable[str] = ()) -> list[Entry]:
    """Give every entry without a key one from ``pattern``; entries with a key keep it.

    Entries that already have a key (pinned from an existing .bib) reserve it
    first. Among colliding new keys the entry first in ``content_order`` gets
    the bare key and the others ``a``, ``b``, … ``z``, ``aa``, … so adding an
    unrelated source never changes the result.
    """
    compiled = compile_pattern(pattern)
    used: set[str] = set(taken)
    used.update(e.key for e in entries if e.key)
    groups: dict[str, list[int]] = {}
    for i, e in enumerate(entries):
        if not e.key:
            groups.setdefault(compiled.make(e), []).append(i)
    out = list(entries)
    for base in sorted(groups):
        idx = sorted(groups[base], key=lambda i: content_order(entries[i]))
        n = 0
        for rank, i in enumerate(idx):
            key = base if rank == 0 and base not in used else ""
            while not key:
                cand = base + suffix(n)
                n += 1
                if cand not in used and cand not in groups:
                    key = cand
            used.add(key)
            out[i] = entries[i].replace(key=key)
    return out
