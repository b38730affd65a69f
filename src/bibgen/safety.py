"""The model boundary: citation keys and field names every writer can emit safely.

Untrusted input must stay data. A field *value* is escaped by each writer,
but a key or a field name is written as it is, so a key such as
``k}, t={x}}\\n@preamble{"\\immediate\\write18{...}"}`` would add structure to
the ``.bib``. Every reader's entries therefore pass :func:`check_entries`
(called once, in :func:`bibgen.pipeline.read_file`), and the BibTeX-family
writers check again (:func:`require_key`, :func:`require_field_name`) so an
entry built through the Python API cannot slip past.

The rules (documented in the README, "Security"):

* **Keys** (and aliases): one or more of Unicode letters and digits
  (``str.isalnum``; combining marks after the first character), and the
  ASCII punctuation ``_ - : . / + & ? < >`` (DBLP ``DBLP:conf/nips/X17``,
  ADS ``2016A&A...594A..13P``), at most :data:`MAX_KEY_LENGTH` characters.
  Never braces, parentheses, ``, = " # % ~ \\ ' @``, whitespace or control
  characters: BibTeX, biber, LaTeX's ``\\cite`` or pandoc's ``@key`` would
  read them as structure.
* **Field names**: ``[a-z_][a-z0-9_.:-]*`` after lower-casing (JabRef writes
  ``__markedentry``, BibDesk ``bdsk-url-1``).
* Anything else is an :class:`UnsafeInputError` naming the record's
  ``file:line:col`` (exit code 3): nothing is renamed silently.
* Invisible and bidirectional control characters (U+200B..U+200F,
  U+202A..U+202E, U+2060..U+2064, U+2066..U+2069, U+061C, U+FEFF) are
  removed from keys with a warning (they make two different keys look the
  same); in values they are kept and flagged with a warning.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping
from typing import TYPE_CHECKING

from bibgen.errors import Diagnostics, InputError
from bibgen.model import Entry, Origin, Pending

if TYPE_CHECKING:
    pass

MAX_KEY_LENGTH = 256
KEY_PUNCTUATION = "_-:./+&?<>"
_ASCII_KEY = re.compile(r"[A-Za-z0-9_\-:./+&?<>]+")
# biblatex data annotations ("author+an", "title+an:default", biblatex manual §3.7) are field names too.
FIELD_NAME = re.compile(r"[a-z_][a-z0-9_.:\-]*(?:\+an(?::[a-z0-9_\-]+)?)?")
# Zero-width and bidirectional formatting characters (Trojan Source, CVE-2021-42574).
INVISIBLE = "\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
_INVISIBLE_RE = re.compile("[" + INVISIBLE + "]")
# The same characters as UTF-8 bytes: a whole file is searched once, values only when it hits.
_INVISIBLE_LEAD = re.compile(rb"\xe2[\x80\x81][\x8b-\x8f\xa0-\xa4\xa6-\xae]")
_CONTROL_BYTES = bytes([*range(1, 9), 11, 12, *range(14, 32), 127])
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class UnsafeInputError(InputError):
    """A key or field name that no writer can emit as data (exit code 3)."""


def shown(text: str, limit: int = 60) -> str:
    """``text`` quoted on one line: control and invisible characters as ``\\uXXXX``, long text cut."""
    out = []
    for ch in text[:limit]:
        if ch.isprintable() and not _INVISIBLE_RE.match(ch):
            out.append(ch)
        else:
            out.append(f"\\u{ord(ch):04x}" if ord(ch) > 0xFF else f"\\x{ord(ch):02x}")
    more = "…" if len(text) > limit else ""
    return "'" + "".join(out).replace("'", "\\'") + more + "'"


def key_problem(key: str) -> str:
    """Why ``key`` is not a safe citation key, or ``""`` when it is."""
    if not key:
        return "is empty"
    if len(key) > MAX_KEY_LENGTH:
        return f"is longer than {MAX_KEY_LENGTH} characters"
    if _ASCII_KEY.fullmatch(key):
        return ""
    for i, ch in enumerate(key):
        if ch.isascii():
            if ch.isalnum() or ch in KEY_PUNCTUATION:
                continue
        elif ch.isalnum() or (i and unicodedata.category(ch).startswith("M")):
            continue
        what = "a space" if ch.isspace() else f"{shown(ch)}"
        return f"contains {what}"
    return ""


def is_safe_key(key: str) -> bool:
    return not key_problem(key)


_GOOD_NAMES: set[str] = set()


def field_name_problem(name: str) -> str:
    """Why ``name`` is not a safe field name, or ``""``."""
    if name in _GOOD_NAMES:
        return ""
    if FIELD_NAME.fullmatch(name) and len(name) <= 64:
        if len(_GOOD_NAMES) < 4096:
            _GOOD_NAMES.add(name)
        return ""
    return "is not a field name (a-z, 0-9, _ . : -, starting with a letter or _, at most 64 characters)"


def _key_error(what: str, key: str, problem: str, origin: Origin | None) -> UnsafeInputError:
    return UnsafeInputError(
        f"{what} {shown(key)} {problem}",
        origin,
        f"keys are letters, digits and {' '.join(KEY_PUNCTUATION)}",
    )


def clean_key(key: str, what: str, origin: Origin, diagnostics: Diagnostics) -> str:
    """``key`` with invisible characters removed (warned about); an UnsafeInputError if still unsafe."""
    if _INVISIBLE_RE.search(key):
        cleaned = _INVISIBLE_RE.sub("", key)
        diagnostics.warn(f"{what} {shown(key)} contains invisible or bidirectional control characters; removed ('{cleaned}')", origin)
        key = cleaned
    problem = key_problem(key)
    if problem:
        raise _key_error(what, key, problem, origin)
    return key


def has_invisible(data: bytes, start: int = 0, end: int | None = None) -> bool:
    """Does the UTF-8 ``data`` (or its bytes ``start:end``) hold an invisible/bidi control character (or a C0 control)?

    A byte order mark is allowed only at offset 0 of ``data``. A sequence that
    ends past ``end`` is not seen: pieces checked one by one must overlap by
    :data:`INVISIBLE_OVERLAP` bytes.
    """
    # A pre-filter at memory speed (a little wider than INVISIBLE: U+2020..U+2024 pass too);
    # the values themselves are then searched exactly (_flag_values, clean_key).
    n = len(data)
    end = n if end is None else min(end, n)
    lo = 3 if start == 0 and data.startswith(b"\xef\xbb\xbf") else start
    if _INVISIBLE_LEAD.search(data, lo, end) or _has_seq(data, b"\xd8\x9c", lo, end) or _has_seq(data, b"\xef\xbb\xbf", lo, end):
        return True
    part = data if start == 0 and end == n else data[start:end]
    return len(part.translate(None, _CONTROL_BYTES)) != len(part)


def _has_seq(data: bytes, seq: bytes, start: int, end: int) -> bool:
    """``seq in data[start:end]``; a file without its first byte (most) is told by one memchr,
    several times faster than the search for the sequence (15 ms per 10 MB for these two)."""
    return data.find(seq[:1], start, end) >= 0 and data.find(seq, start, end) >= 0


# The longest sequence has_invisible looks for is 3 bytes: pieces overlapping by 2 see every one.
INVISIBLE_OVERLAP = 2


def check_entries(entries: Iterable[Entry], diagnostics: Diagnostics, scan_values: bool = True) -> list[Entry]:
    """The reader's entries with keys and field names checked (see the module docstring).

    ``scan_values`` may be False when the file is known to hold no invisible
    or control character (:func:`has_invisible`): then values are not searched.
    """
    out: list[Entry] = []
    for e in entries:
        key, aliases = e.key, e.aliases
        if key and not _ASCII_KEY.fullmatch(key) or len(key) > MAX_KEY_LENGTH:
            key = clean_key(key, "citation key", e.origin, diagnostics)
        if aliases and not all(_ASCII_KEY.fullmatch(a) and len(a) <= MAX_KEY_LENGTH for a in aliases):
            aliases = tuple(clean_key(a, "alias", e.origin, diagnostics) for a in aliases)
        require_field_names(e.fields.keys(), e.origin)
        if scan_values:
            _flag_values(e, diagnostics)
        if key is not e.key or aliases is not e.aliases:
            e = e.replace(key=key, aliases=aliases)
        out.append(e)
    return out


def _flag_values(e: Entry, diagnostics: Diagnostics) -> None:
    # A value the reader kept undecoded (a long abstract) is searched in its source:
    # the character is in what the user wrote, and decoding every abstract of a file
    # that holds one such character somewhere cost half a second per 10,000 entries.
    for name, stored in e.fields.stored_items():
        value = stored.raw if type(stored) is Pending else stored
        if value.isprintable():  # at C speed; most values (NBSP, tabs and newlines are not "printable")
            continue
        m = _INVISIBLE_RE.search(value) or _CONTROL_RE.search(value)
        if m:
            diagnostics.warn(
                f"field '{name}' contains the invisible or control character U+{ord(m.group(0)):04X}; kept",
                e.origin,
                "bidirectional controls can make text display differently from what it says",
            )
    for role, people in e.people.items():
        for p in people:
            for part in (p.family, p.given, p.particle, p.suffix, p.literal):
                if part.isprintable():
                    continue
                m = _INVISIBLE_RE.search(part) or _CONTROL_RE.search(part)
                if m:
                    diagnostics.warn(
                        f"a name in '{role}' contains the invisible or control character U+{ord(m.group(0)):04X}; kept",
                        e.origin,
                    )
                    break


# ---------------------------------------------------------------- writers


def require_key(key: str, origin: Origin | None = None) -> str:
    """``key`` if a writer may emit it as it is; else an UnsafeInputError (defence in depth)."""
    if _ASCII_KEY.fullmatch(key) and len(key) <= MAX_KEY_LENGTH:
        return key
    problem = key_problem(key)
    if problem:
        raise _key_error("citation key", key, problem, origin)
    return key


def require_field_names(names: Iterable[str], origin: Origin | None = None) -> None:
    """An UnsafeInputError for the first name a writer may not emit as it is."""
    if not isinstance(names, Collection):
        names = list(names)  # (looked at twice below)
    if _GOOD_NAMES.issuperset(names):
        return  # every name was found safe before (one C call instead of one check per name)
    for name in names:
        problem = field_name_problem(name)
        if problem:
            raise UnsafeInputError(f"field name {shown(name)} {problem}", origin)


def require_entry(entry: Entry, fields: Mapping[str, str]) -> None:
    """What a BibTeX-family writer checks before it emits ``entry`` with ``fields``."""
    require_keys(entry)
    require_field_names(fields, entry.origin)


def require_keys(entry: Entry) -> None:
    """The key and aliases part of :func:`require_entry`."""
    require_key(entry.key, entry.origin)
    for a in entry.aliases:
        require_key(a, entry.origin)


# ---------------------------------------------------------------- bounded work (readers)


def _env_size(name: str, default: int) -> int:
    """A size limit from the environment (``64MiB``, ``1000000``), else ``default``."""
    import os

    text = os.environ.get(name, "").strip()
    if not text:
        return default
    units = {"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "k": 1000, "m": 1000**2, "g": 1000**3}
    m = re.fullmatch(r"(\d+)\s*([a-zA-Z]*)", text)
    if not m or (m.group(2) and m.group(2).lower() not in units):
        from bibgen.errors import UsageError

        raise UsageError(f"${name}: {text!r} is not a size (e.g. 64MiB)")
    return int(m.group(1)) * units.get(m.group(2).lower(), 1)


# The text @string macros may add to one .bib file. Real files define journal
# names (a few MB in the largest); a "billion laughs" doubles a macro 40 times.
max_macro_expansion = _env_size("BIBGEN_MAX_MACRO_EXPANSION", 64 << 20)


def expansion_error(origin: Origin) -> InputError:
    return InputError(
        f"@string macros expand to more than {max_macro_expansion >> 20} MiB of text in this file",
        origin,
        "a macro that refers to itself many times over; raise $BIBGEN_MAX_MACRO_EXPANSION if this file is real",
    )


REFERENCE_FIELDS = ("crossref", "xdata")


def check_reference_cycles(raw_entries: list[tuple[str, str, dict[str, str], Origin]]) -> None:
    """An InputError when ``crossref``/``xdata`` links form a cycle; it names every entry of the cycle.

    ``raw_entries`` are ``(key, type, raw fields, origin)`` of one file. Each
    entry is visited once (a colouring depth-first search), so this is linear.
    """
    index = {key.casefold(): (key, fields, where) for key, _, fields, where in raw_entries}
    if not any(name in fields for _, _, fields, _ in raw_entries for name in REFERENCE_FIELDS):
        return

    def targets(fields: dict[str, str]) -> list[str]:
        out = []
        for name in REFERENCE_FIELDS:
            value = fields.get(name)
            if value:
                out.extend(t.strip().strip("{}").strip().casefold() for t in value.split(","))
        return [t for t in out if t in index]

    state: dict[str, int] = {}  # 1 on the path, 2 done
    for start in index:
        if state.get(start):
            continue
        path = [start]
        stack = [iter(targets(index[start][1]))]
        state[start] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
                continue
            if state.get(nxt) == 1:
                cycle = path[path.index(nxt):] + [nxt]
                shown_path = " -> ".join(f"'{index[k][0]}' ({index[k][2]})" for k in cycle)
                raise InputError(f"crossref/xdata cycle: {shown_path}", index[cycle[0]][2])
            if state.get(nxt) is None:
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(targets(index[nxt][1])))
