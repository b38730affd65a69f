"""Citation keys from a pattern, with deterministic suffixes on collision.

Pattern syntax (documented in the README)::

    pattern     := (text | "[" token "]")*
    token       := alternative ("|" alternative)*   first non-empty one wins
    alternative := '"' text '"'                     a literal fallback
                 | field ["(" number ")"] (":" modifier ["(" number ")"])*

Fields: ``auth`` (first author's family name; ``auth(n)``: its first n
letters), ``authors(n)`` (first n family names, ``EtAl`` appended when there
are more or the list is partial), ``authorsalpha`` (BibTeX alpha-style
initials), ``year``, ``shortyear`` (two digits), ``shorttitle(n)`` (first n
significant title words, capitalised; default 3), ``veryshorttitle`` (one
word), ``title(n)`` (all significant words, or the first n), ``venue`` (the
venue's acronym, ``arXiv`` for preprints), ``eprint``, ``doi``, ``firstpage``.

Modifiers: ``lower``, ``upper``, ``capitalize``, ``ascii`` or ``transliterate``
(unidecode: ``ß`` -> ``ss``, ``中`` -> ``Zhong``; keys are always made ASCII at
the end anyway), ``truncate(n)``, ``abbr`` (initials of the words), ``nopunct``.

Text outside brackets is copied. A key keeps only ASCII letters, digits and
``_:.-``; an empty key becomes ``anon``.

The default pattern is ``[auth:lower][year][shorttitle(3)]``.

>>> from bibgen.model import Entry, EntryKind, Person
>>> e = Entry(EntryKind.ARTICLE, {"title": "Über die Straße"}, {"author": (Person("Müller", "Jörg"),)})
>>> compile_pattern('[auth:lower][year|"nd"][shorttitle(3)]').make(e)
'mullerndUberDieStrasse'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from operator import attrgetter
from functools import lru_cache

from bibgen.errors import Diagnostics, UsageError
from bibgen.model import Entry, EntryKind, Fields
from bibgen.normalize import FUNCTION_WORDS, title_key
from bibgen.options import DEFAULT_PATTERN  # re-exported: keys.DEFAULT_PATTERN

_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_PART_RE = re.compile(r"^([a-z]+)(?:\((\d+)\))?$")
_KEY_CHARS = re.compile(r"[^A-Za-z0-9_:.\-]")


def ascii_text(text: str) -> str:
    """Transliterate to ASCII (ß -> ss, ø -> o, 中 -> Zhong) with unidecode."""
    if text.isascii():  # most keys and names: nothing to transliterate
        return text
    # unidecode works one character at a time, so the same result comes from
    # transliterating each distinct character once: keys are nearly all
    # different, their accented letters are not. str.translate looks each
    # character up in C; only a character not seen before calls unidecode.
    return text.translate(_ASCII_TABLE)


class _AsciiTable(dict):  # type: ignore[type-arg]
    """Code point -> its transliteration, filled on first use (ASCII maps to itself)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        value = char if char.isascii() else _ascii_char(char)
        if len(self) < 65536:  # bounded: a hostile input cannot grow it without limit
            self[code] = value
        return value


_ASCII_TABLE = _AsciiTable()


def _ascii_char(char: str) -> str:
    from unidecode import unidecode

    return unidecode(char)


_MATH_RE = re.compile(r"\$[^$]*\$")
_YEAR_RE = re.compile(r"\d{4}")
_FIRSTPAGE_RE = re.compile(r"\s*([A-Za-z]*\d+)")


def _words(text: str) -> list[str]:
    # Strip inline math: $\alpha$ says nothing a key can use.
    if "$" in text:
        text = _MATH_RE.sub(" ", text)
    return _WORD_RE.findall(text)


def _significant(title: str) -> list[str]:
    words = _words(title)
    return [w for w in words if w.casefold() not in FUNCTION_WORDS] or words


def _first_significant(title: str, n: int) -> list[str]:
    """``_significant(title)[:n]``, looking at no more words than it needs."""
    words = _words(title)
    out: list[str] = []
    for w in words:
        if w.casefold() not in FUNCTION_WORDS:
            out.append(w)
            if len(out) == n:
                return out
    return out or words[:n]


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
    name = _family(e)
    return name[:n] if n else name


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
    more = len(people) > 3 or "author" in e.partial
    return "".join(_family(e, i)[:1] for i in range(min(len(people), 3))) + ("+" if more else "")


def _f_year(e: Entry, n: int | None) -> str:
    m = _YEAR_RE.search(e.get("year"))
    return m.group(0) if m else ""


def _f_shortyear(e: Entry, n: int | None) -> str:
    return _f_year(e, n)[2:]


def _f_shorttitle(e: Entry, n: int | None) -> str:
    return "".join(_cap(w) for w in _first_significant(e.title, n or 3))


def _f_veryshorttitle(e: Entry, n: int | None) -> str:
    return "".join(_cap(w) for w in _first_significant(e.title, n or 1))


def _f_title(e: Entry, n: int | None) -> str:
    words = _significant(e.title)
    return "".join(_cap(w) for w in (words[:n] if n else words))


def _f_venue(e: Entry, n: int | None) -> str:
    if e.kind is EntryKind.PREPRINT and not e.get("container"):
        return "arXiv" if e.get("eprinttype", "arxiv") == "arxiv" else ""
    venue = e.get("container") or e.get("howpublished")
    words = _words(venue)
    # An acronym: a word with two or more capitals (ICML, NeurIPS, CVPR).
    caps = [w for w in words if sum(c.isupper() for c in w) >= 2]
    if caps:
        return caps[0]
    return "".join(w[0].upper() for w in words if w.casefold() not in FUNCTION_WORDS)


def _f_eprint(e: Entry, n: int | None) -> str:
    return e.get("eprint")


def _f_doi(e: Entry, n: int | None) -> str:
    return e.get("doi")


def _f_firstpage(e: Entry, n: int | None) -> str:
    m = _FIRSTPAGE_RE.match(e.get("pages"))
    return m.group(1) if m else ""


FIELDS: Mapping[str, Callable[[Entry, int | None], str]] = {
    "auth": _f_auth,
    "authors": _f_authors,
    "authorsalpha": _f_authorsalpha,
    "year": _f_year,
    "shortyear": _f_shortyear,
    "shorttitle": _f_shorttitle,
    "veryshorttitle": _f_veryshorttitle,
    "title": _f_title,
    "venue": _f_venue,
    "eprint": _f_eprint,
    "doi": _f_doi,
    "firstpage": _f_firstpage,
}


def _abbr(s: str) -> str:
    words = re.findall(r"[A-Z][a-z]*|\d+|[a-z]+|[^\W\d_]+", s)
    return "".join(w[0] for w in words)


MODIFIERS: Mapping[str, Callable[[str, int | None], str]] = {
    "lower": lambda s, n: s.lower(),
    "upper": lambda s, n: s.upper(),
    "capitalize": lambda s, n: _cap(s),
    "ascii": lambda s, n: ascii_text(s),
    "transliterate": lambda s, n: ascii_text(s),
    "truncate": lambda s, n: s[:n] if n is not None else s,
    "abbr": lambda s, n: _abbr(s),
    "nopunct": lambda s, n: re.sub(r"[^\w]", "", s),
}


# ---------------------------------------------------------------- compiling

Part = tuple[str, int | None]


@dataclass(frozen=True, slots=True)
class Alternative:
    """One ``|``-separated choice: a literal, or a field with modifiers."""

    literal: str | None = None
    field: Part = ("", None)
    modifiers: tuple[Part, ...] = ()

    def value(self, entry: Entry) -> str:
        if self.literal is not None:
            return self.literal
        name, arg = self.field
        value = FIELDS[name](entry, arg)
        for mname, marg in self.modifiers:
            value = MODIFIERS[mname](value, marg)
        return value


@dataclass(frozen=True, slots=True)
class KeyPattern:
    """A compiled key pattern; ``make(entry)`` gives the unsuffixed key."""

    source: str
    pieces: tuple[str | tuple[Alternative, ...], ...]

    def make(self, entry: Entry) -> str:
        out = []
        for piece in self.pieces:
            if isinstance(piece, str):
                out.append(piece)
                continue
            for alt in piece:
                value = alt.value(entry)
                if value:
                    out.append(value)
                    break
        return clean_key("".join(out))


def clean_key(key: str) -> str:
    """ASCII letters, digits and ``_:.-`` only; never empty."""
    key = _KEY_CHARS.sub("", ascii_text(key))
    return key or "anon"


def _split_outside_quotes(text: str, sep: str) -> list[str]:
    parts, buf, quoted = [], [], False
    for c in text:
        if c == '"':
            quoted = not quoted
        if c == sep and not quoted:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(c)
    parts.append("".join(buf))
    return parts


@lru_cache(maxsize=64)
def compile_pattern(pattern: str) -> KeyPattern:
    """Parse a key pattern; a UsageError names the bad token.

    >>> compile_pattern("[auth|").source
    Traceback (most recent call last):
    ...
    bibgen.errors.UsageError: bibgen: error: key pattern '[auth|': unbalanced '[' at column 1
    """
    pieces: list[str | tuple[Alternative, ...]] = []
    text: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "]":
            raise UsageError(f"key pattern {pattern!r}: unbalanced ']' at column {i + 1}")
        if c != "[":
            text.append(c)
            i += 1
            continue
        # Find the closing bracket, skipping quoted literals.
        j, quoted = i + 1, False
        while j < n and (quoted or pattern[j] != "]"):
            if pattern[j] == '"':
                quoted = not quoted
            elif pattern[j] == "[" and not quoted:
                break
            j += 1
        if j >= n or pattern[j] != "]":
            raise UsageError(f"key pattern {pattern!r}: unbalanced '[' at column {i + 1}")
        if text:
            pieces.append("".join(text))
            text = []
        pieces.append(_parse_token(pattern[i + 1 : j], pattern))
        i = j + 1
    if text:
        pieces.append("".join(text))
    return KeyPattern(pattern, tuple(pieces))


def _parse_token(token: str, pattern: str) -> tuple[Alternative, ...]:
    alts = []
    for alt in _split_outside_quotes(token, "|"):
        alt = alt.strip()
        if not alt:
            raise UsageError(f"key pattern {pattern!r}: empty alternative in [{token}]")
        if alt.startswith('"'):
            if len(alt) < 2 or not alt.endswith('"') or '"' in alt[1:-1]:
                raise UsageError(f"key pattern {pattern!r}: bad literal {alt!r} (write \"text\")")
            alts.append(Alternative(literal=alt[1:-1]))
            continue
        parts = alt.split(":")
        head = _parse_part(parts[0], FIELDS, pattern, "field")
        mods = tuple(_parse_part(p, MODIFIERS, pattern, "modifier") for p in parts[1:])
        alts.append(Alternative(field=head, modifiers=mods))
    return tuple(alts)


def _parse_part(text: str, table: Mapping[str, object], pattern: str, what: str) -> Part:
    m = _PART_RE.match(text.strip())
    if not m or m.group(1) not in table:
        known = ", ".join(sorted(table))
        raise UsageError(f"key pattern {pattern!r}: unknown {what} {text.strip()!r} (known: {known})")
    return m.group(1), int(m.group(2)) if m.group(2) else None


# ---------------------------------------------------------------- suffixes


def suffix(n: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa, 27 -> ab, …: bijective base 26, no upper limit.

    >>> [suffix(i) for i in (0, 25, 26, 27, 701, 702)]
    ['a', 'z', 'aa', 'ab', 'zz', 'aaa']
    """
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(97 + r) + out
    return out


# Entry's constructor arguments, read off the dataclass so a field added later is copied too.
_ENTRY_INIT = tuple(f.name for f in dataclass_fields(Entry) if f.init)
_ENTRY_VALUES = attrgetter(*_ENTRY_INIT)
_KEY_AT = _ENTRY_INIT.index("key")


def with_key(entry: Entry, key: str) -> Entry:
    """``entry.replace(key=key)`` without ``dataclasses.replace``'s per-call field walk (one call per new key)."""
    values = list(_ENTRY_VALUES(entry))
    values[_KEY_AT] = key
    return Entry(*values)


def content_order(entry: Entry) -> tuple[object, ...]:
    """A sort key that depends on the work only, never on file names or input order."""
    return (
        entry.get("year"),
        title_key(entry.title),
        "|".join(p.sort_form() for p in entry.authors),
        entry.get("doi"),
        entry.get("eprint"),
        entry.kind.value,
        tuple(entry.fields.stored_items()),  # sorted by name; decoded only if a comparison reaches it
        tuple((r, tuple(p.sort_form() for p in ps)) for r, ps in sorted(entry.people.items())),
    )


def assign_keys(
    entries: Sequence[Entry],
    pattern: str = DEFAULT_PATTERN,
    taken: Iterable[str] = (),
    diagnostics: Diagnostics | None = None,
) -> list[Entry]:
    """Give every entry without a key one from ``pattern``; entries with a key keep it.

    Keys compare case-insensitively (BibTeX and biber treat ``Smith`` and
    ``smith`` as one key). Keys in ``taken`` (pinned keys and their aliases)
    are never handed out. When two entries arrive with the same key, the one
    first in ``content_order`` keeps it and the other gets a new key (with a
    warning). Among colliding new keys the entry first in ``content_order``
    gets the bare key and the others ``a``, ``b``, … ``z``, ``aa``, … so adding
    an unrelated source never changes the result.
    """
    diagnostics = diagnostics or Diagnostics()
    compiled = compile_pattern(pattern)
    used: set[str] = {k.casefold() for k in taken}
    out = list(entries)
    need: list[int] = []
    holders: dict[str, list[int]] = {}
    for i, e in enumerate(entries):
        if e.key:
            holders.setdefault(e.key.casefold(), []).append(i)
        else:
            need.append(i)
    for k in sorted(holders):
        idx = holders[k] if len(holders[k]) == 1 else sorted(holders[k], key=lambda i: content_order(entries[i]))
        used.add(k)
        for i in idx[1:]:
            diagnostics.warn(
                f"key {entries[i].key!r} is already used by the entry at {entries[idx[0]].origin}; generating a new key",
                entries[i].origin,
            )
            out[i] = entries[i].replace(key="")
            need.append(i)
    groups: dict[str, list[int]] = {}
    for i in need:
        groups.setdefault(compiled.make(out[i]), []).append(i)
    bases = {b.casefold() for b in groups}
    for base in sorted(groups):
        idx = groups[base] if len(groups[base]) == 1 else sorted(groups[base], key=lambda i: content_order(entries[i]))
        n = 0
        for rank, i in enumerate(idx):
            key = base if rank == 0 and base.casefold() not in used else ""
            while not key:
                cand = base + suffix(n)
                n += 1
                if cand.casefold() not in used and cand.casefold() not in bases:
                    key = cand
            used.add(key.casefold())
            out[i] = with_key(out[i], key)
    # An alias that is now another entry's key would make that key ambiguous.
    keys = {e.key.casefold() for e in out}
    for i, e in enumerate(out):
        if any(a.casefold() in keys for a in e.aliases):
            kept = tuple(a for a in e.aliases if a.casefold() not in keys)
            diagnostics.note(f"{e.key}: dropped aliases that are other entries' keys", e.origin)
            out[i] = e.replace(aliases=kept)
    return out


def apply_pins(
    entries: Sequence[Entry],
    pinned: Sequence[Entry],
    diagnostics: Diagnostics,
    policy: object | None = None,
    members: Mapping[int, Sequence[Entry]] | None = None,
) -> tuple[list[Entry], set[str]]:
    """Give each entry that is the same work as a pinned entry that entry's key.

    ``pinned`` are entries with keys, in the order of the file they came from
    (an existing .bib). Returns the entries and every key they reserve (pinned
    keys and their aliases), which new keys must avoid. Rules:

    - identity is decided by :func:`bibgen.dedupe.match_pinned` (the dedupe rules;
      ``members`` are the records each entry was merged from);
    - (entry, pinned entry) matches are taken strongest evidence first, then
      title similarity, then pinned file order, then closeness
      (:func:`bibgen.dedupe.pin_affinity`: the same authors, title, year, venue
      and identifiers), then content order; each takes
      effect when neither side holds a pinned key yet;
    - a pinned entry whose matches all hold earlier pinned keys has merged into
      one of them: its key becomes an alias (written as ``ids``), with a note;
    - a pinned entry matching several entries (a work now split) keeps its key
      on the best match and the others get new keys, with a warning;
    - a key the entry brought from its own source becomes an alias.
    """
    from bibgen.dedupe import DedupePolicy, match_pinned, pin_affinity
    from bibgen.dedupe.signals import STRENGTH, forget_titles

    policy = policy if isinstance(policy, DedupePolicy) else DedupePolicy()
    firsts: list[int] = []
    seen: dict[str, int] = {}
    reserved: set[str] = set()
    for j, p in enumerate(pinned):
        if not p.key:
            continue
        reserved.update(a for a in p.aliases)
        if p.key.casefold() in seen:
            diagnostics.warn(f"pinned key {p.key!r} appears twice; the first one wins", p.origin)
            continue
        seen[p.key.casefold()] = j
        firsts.append(j)
    reserved.update(pinned[j].key for j in firsts)
    pins = [pinned[j] for j in firsts]
    matches = match_pinned(entries, pins, policy, members)
    by_pin: dict[int, list[tuple[tuple[object, ...], int]]] = {}
    for m in matches:
        closeness = tuple(-x for x in pin_affinity(entries[m.entry], pins[m.pinned]))
        rank = (STRENGTH[m.reason], -m.score, closeness, content_order(entries[m.entry]))
        by_pin.setdefault(m.pinned, []).append((rank, m.entry))
    # match_pinned filled dedupe's per-title memo with the entries' and the pins' titles.
    forget_titles()
    key_of: dict[int, int] = {}
    extra: dict[int, list[str]] = {}
    # Strongest evidence first, across all pinned entries: a pinned entry matched
    # by its arXiv id keeps its work even when an earlier pinned entry with a
    # similar title would like it too (file order only breaks ties).
    holder: dict[int, int] = {}
    order = sorted((r[0], r[1], j, r[2], r[3], i) for j, cands in by_pin.items() for r, i in cands)
    edited = {(m.entry, m.pinned) for m in matches if m.reason == "edited"}
    for _, _, j, *_, i in order:
        if i not in key_of and j not in holder:
            key_of[i] = j
            holder[j] = i
            if (i, j) in edited:
                diagnostics.note(
                    f"title edited since {pins[j].key!r} was written ({pins[j].title!r} at {pins[j].origin}); "
                    f"same first author and year, so it keeps the key",
                    entries[i].origin,
                )
    for j, p in enumerate(pins):
        cands = sorted(by_pin.get(j, ()))
        if not cands:
            continue
        if j in holder:
            winner = holder[j]
            for _, i in cands:
                if i not in key_of:
                    diagnostics.warn(
                        f"pinned entry {p.key!r} matches more than one entry; it stays on the entry from "
                        f"{entries[winner].origin}, this one gets a new key",
                        entries[i].origin,
                    )
            continue
        winner = cands[0][1]
        extra.setdefault(winner, []).append(p.key)
        diagnostics.note(
            f"pinned keys {pins[key_of[winner]].key!r} and {p.key!r} are now one work; keeping "
            f"{pins[key_of[winner]].key!r}, {p.key!r} becomes an alias",
            entries[winner].origin,
        )
    out = list(entries)
    reserved_folded = {r.casefold() for r in reserved}
    for i, e in enumerate(entries):
        if i in key_of:
            p = pins[key_of[i]]
            aliases = [*p.aliases, *extra.get(i, ()), *((e.key,) if e.key else ()), *e.aliases]
            aliases = list(dict.fromkeys(a for a in aliases if a.casefold() != p.key.casefold()))
            out[i] = e.replace(key=p.key, aliases=tuple(aliases))
        elif e.key and e.key.casefold() in reserved_folded:
            diagnostics.warn(f"key {e.key!r} is pinned to another work; generating a new key", e.origin)
            out[i] = e.replace(key="")
    return out, reserved


def fold_alias_copies(entries: Sequence[Entry]) -> list[Entry]:
    """Entries with the alias copies bibgen's BibTeX writer made folded back into aliases.

    A copy is an entry with ``aliasof = {key}`` naming an entry of the same
    file: it becomes an alias of that entry (as ``ids`` would) and is dropped.
    A copy whose entry is missing is kept as an ordinary entry, without the marker.
    """
    if not any("aliasof" in e.fields for e in entries):
        return list(entries)
    by_key = {(e.origin.path, e.key.casefold()): i for i, e in enumerate(entries) if e.key and "aliasof" not in e.fields}
    extra: dict[int, list[str]] = {}
    out: list[Entry | None] = list(entries)
    for i, e in enumerate(entries):
        target = e.fields.get("aliasof")
        if target is None:
            continue
        fields = {k: v for k, v in e.fields.items() if k != "aliasof"}
        j = by_key.get((e.origin.path, target.strip().casefold()))
        if j is None:
            out[i] = e.replace(fields=Fields(fields))
        else:
            extra.setdefault(j, []).append(e.key)
            out[i] = None
    for j, keys in extra.items():
        e = entries[j]
        out[j] = e.replace(aliases=tuple(dict.fromkeys((*e.aliases, *keys))))
    return [e for e in out if e is not None]
