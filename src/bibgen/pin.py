"""Pins: the keys an existing bibliography already gives its works, read from a target file.

A pin is an entry of an existing .bib (a ``sync`` target, or ``--keys-from``)
with its key. :func:`read_target` reads a target: its raw blocks (kept for
sync's merge), its fingerprint block (``@comment{bibgen-sync: ...}``, a short
hash of every value sync generated, so hand edits can be told from changes in
the sources) and its entries for pinning. The pipeline's pin stage
(:func:`bibgen.pipeline.keyed_entries`) hands those entries to
:func:`bibgen.keys.apply_pins` (same work, same key) and then
:func:`carry_pins`: a generated entry whose source record was edited keeps its
key through :func:`carry_renames`.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from bibgen.bibsplit import RawBlock, RawEntry, split_bib
from bibgen.errors import Diagnostics, UnreadableError, UsageError
from bibgen.model import Entry, EntryKind, Fields, Origin

if TYPE_CHECKING:
    from bibgen.options import Options

STATE_TAG = "bibgen-sync:"
STATE_HEADER = "bibgen-sync: fingerprints of generated values, used to keep hand edits (do not edit)"
_STATE_RE = re.compile(r"^\s*" + re.escape(STATE_TAG))


@dataclass
class Target:
    """A .bib target as found on disk: raw blocks, its fingerprint block, entries for pinning."""

    path: Path
    text: str | None
    blocks: list[RawEntry | RawBlock] = field(default_factory=list)
    state: dict[str, tuple[str, dict[str, str]]] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)
    format: str = "bibtex"
    seen: tuple[int, int, str] | None = None  # bibgen.output.snapshot of what was read

    @property
    def raw_entries(self) -> list[RawEntry]:
        return [b for b in self.blocks if isinstance(b, RawEntry)]


def is_bib_format(fmt: str) -> bool:
    """Does writer ``fmt`` produce BibTeX-family text (``.bib``), which sync can merge?"""
    from bibgen.registry import writers

    return ".bib" in getattr(writers.get(fmt), "suffixes", ())


def read_target(path: Path, options: Options, fmt: str = "bibtex") -> Target:
    """Parse an existing .bib target written as ``fmt`` (a missing file is an empty target)."""
    try:
        data = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return Target(path, None, format=fmt)  # writing it will report what is wrong
    except OSError as exc:
        raise UnreadableError(f"cannot read: {exc.strerror}", Origin(str(path), 1, 1)) from None
    from bibgen.encoding import to_utf8
    from bibgen.output import snapshot
    from bibgen.readers import decode

    seen = snapshot(path, data)
    text = decode(to_utf8(data, str(path), options.encoding), str(path))
    blocks = split_bib(text, str(path))
    state: dict[str, tuple[str, dict[str, str]]] = {}
    kept: list[RawEntry | RawBlock] = []
    for b in blocks:
        if isinstance(b, RawBlock) and b.kind == "comment" and _STATE_RE.match(b.body):
            state.update(parse_state(b.body))
        else:
            kept.append(b)
    target = Target(path, text, kept, state, format=fmt, seen=seen)
    target.entries = _target_entries(target, options)
    return target


def parse_state(body: str) -> dict[str, tuple[str, dict[str, str]]]:
    """``key type name=fp ...`` lines of a fingerprint block."""
    out: dict[str, tuple[str, dict[str, str]]] = {}
    for line in body.split("\n")[1:]:
        parts = line.split()
        if len(parts) < 2:
            continue
        fps = dict(p.split("=", 1) for p in parts[2:] if "=" in p)
        out[parts[0]] = (parts[1], fps)
    return out


def format_state(state: Mapping[str, tuple[str, Mapping[str, str]]]) -> str:
    """The fingerprint block, one line per generated entry, sorted by key."""
    lines = [STATE_HEADER]
    for key in sorted(state):
        etype, fps = state[key]
        lines.append(" ".join([key, etype, *(f"{k}={fps[k]}" for k in sorted(fps))]))
    return "@comment{" + "\n".join(lines) + "\n}\n"


def fingerprint(raw: str) -> str:
    """A short hash of a raw value; runs of whitespace do not count."""
    return hashlib.blake2b(" ".join(raw.split()).encode("utf-8"), digest_size=4).hexdigest()


_NOT_FOR_PINNING = frozenset({"abstract", "note", "annote", "annotation", "file", "keywords", "review", "comment"})


def _target_entries(target: Target, options: Options) -> list[Entry]:
    """Entries of the target for pinning: through the registered BibTeX reader when there is one."""
    from bibgen.registry import readers

    try:
        reader = readers.get("bibtex")
    except UsageError:
        reader = None
    if reader is not None:
        # Pinning looks at identity fields only; long free text (abstracts) is
        # left out because decoding it is most of the reader's time.
        parts = []
        for b in target.blocks:
            if isinstance(b, RawEntry):
                keep = [f"{f.name} = {f.value}" for f in b.fields if f.name not in _NOT_FOR_PINNING]
                parts.append(f"@{b.type}{{{b.key},\n" + ",\n".join(keep) + "\n}")
            elif b.kind == "string":
                parts.append(b.text)
        text = "\n".join(parts)
        # Diagnostics about the target are the reader's business, not this run's.
        quiet = dataclasses.replace(options, diagnostics=Diagnostics())
        from bibgen.safety import check_entries

        # Pinned keys are written again: the same boundary check as every source (bibgen.safety).
        entries = check_entries(reader.read(text.encode("utf-8"), str(target.path), quiet), quiet.diagnostics)
        return [e for e in entries if e.key]
    return [_entry_from_raw(r, target.path) for r in target.raw_entries]


def _entry_from_raw(raw: RawEntry, path: Path) -> Entry:
    """Sync-level fallback while no BibTeX reader is registered: just what pinning needs.

    Only identity fields (title, DOI, eprint, year) and the author list are
    decoded; everything else is left to the real reader.
    """
    from bibgen.latex import decode
    from bibgen.normalize import clean_text, parse_name
    from bibgen.readers.bibtex import TYPES  # the reader's own type table, not a copy

    fmap = raw.field_map()

    def text(name: str) -> str:
        f = fmap.get(name)
        if f is None:
            return ""
        v = f.value
        if len(v) >= 2 and v[0] + v[-1] in ("{}", '""'):
            v = v[1:-1]
        # Plain text with case-protecting braces needs no LaTeX parser (which is slow).
        return clean_text(v.replace("{", "").replace("}", "") if "\\" not in v else decode(v))

    fields = {n: text(n) for n in ("title", "doi", "eprint", "year")}
    if raw.type == "misc" and text("archiveprefix").lower() == "arxiv":
        fields["eprinttype"] = "arxiv"
    people = {}
    authors = text("author")
    if authors:
        names = [n for n in re.split(r"\s+and\s+", authors) if n and n != "others"]
        people["author"] = tuple(parse_name(n) for n in names)
    return Entry(
        kind=TYPES.get(raw.type.lower(), EntryKind.MISC),
        fields=Fields(fields),
        people=people,
        origin=Origin(str(path), raw.line, 1),
        key=raw.key,
    )


# ---------------------------------------------------------------- keys


def _alias_set(entries: Iterable[Entry]) -> set[str]:
    return {a for e in entries for a in e.aliases}


# Generated values that single out a work. Authors alone do not: an author
# page gives the same partial list ("Le and others") to many works.
_STRONG_FIELDS = ("title", "abstract", "doi", "eprint")
# Identifiers that, when both sides have one and they differ, mean another work.
_ID_FIELDS = ("doi", "eprint")


def generated_fingerprints(entry: Entry, fmt: str, options: Options) -> dict[str, str]:
    """The fingerprints sync would record for ``entry`` written as ``fmt``."""
    from bibgen.registry import writers

    text = writers.get(fmt).write([entry.replace(key=entry.key or "x")], options)
    raw = next((b for b in split_bib(text, f"<{fmt} writer>") if isinstance(b, RawEntry)), None)
    return {f.name: fingerprint(f.value) for f in raw.fields} if raw else {}


def carry_renames(
    entries: Sequence[Entry],
    candidates: Sequence[Entry],
    threshold: float = 0.75,
    fingerprints: Mapping[int, Mapping[str, str]] | None = None,
    recorded: Mapping[str, Mapping[str, str]] | None = None,
) -> tuple[list[Entry], dict[str, str]]:
    """Give a new entry the key of a generated entry it replaces after an edit in its source.

    ``candidates`` are target entries that sync generated earlier and that no
    source produces any more. A new entry (one whose key is not pinned) takes
    such a key when

    - its title and authors render exactly as sync recorded them for that key
      (``fingerprints`` maps an entry's index to what it would record,
      ``recorded`` a candidate's key to what was recorded): the user edited
      the target by hand, so the target's text no longer looks like the
      source, or
    - its folded title is at least ``threshold`` similar and the first
      author's family name and the year agree: the source was edited.

    Best matches go first; ties break by key, so the result does not depend on
    input order. Returns the entries and the ``{new key: carried key}`` map.
    """
    from bibgen.normalize import fold

    if not candidates:
        return list(entries), {}
    fingerprints = fingerprints or {}
    recorded = recorded or {}

    def same_generated(i: int, ckey: str) -> int:
        """How many strong generated values still render as recorded (0: not this work)."""
        mine, theirs = fingerprints.get(i), recorded.get(ckey)
        if not mine or not theirs:
            return 0
        if any(n in mine and n in theirs and mine[n] != theirs[n] for n in _ID_FIELDS):
            return 0
        strong = sum(1 for n in _STRONG_FIELDS if n in theirs and mine.get(n) == theirs[n])
        # Also the same title or the same authors: a lone matching abstract could be a copy.
        backed = mine.get("title") == theirs.get("title") or mine.get("author") == theirs.get("author")
        return strong if backed else 0

    def first_author(e: Entry) -> str:
        people = e.authors or e.people.get("editor", ())
        return fold(people[0].last) if people else ""

    def year(e: Entry) -> str:
        m = re.search(r"\d{4}", e.get("year"))
        return m.group(0) if m else ""

    pairs: list[tuple[float, str, str, int]] = []
    for i, e in enumerate(entries):
        et = fold(e.title)
        for c in candidates:
            exact = same_generated(i, c.key)
            if exact:
                pairs.append((-1.0 - exact, c.key, e.key, i))  # ahead of every similarity ratio
                continue
            if first_author(c) != first_author(e) or year(c) != year(e):
                continue
            ratio = difflib.SequenceMatcher(None, et, fold(c.title), autojunk=False).ratio()
            if ratio >= threshold:
                pairs.append((-ratio, c.key, e.key, i))
    pairs.sort()
    out = list(entries)
    used_c: set[str] = set()
    used_e: set[int] = set()
    renamed: dict[str, str] = {}
    for _, ckey, ekey, i in pairs:
        if ckey in used_c or i in used_e:
            continue
        used_c.add(ckey)
        used_e.add(i)
        out[i] = out[i].replace(key=ckey)
        renamed[ekey] = ckey
    return out, renamed


def pinned_entries(targets: Sequence[Target]) -> list[Entry]:
    """The targets' entries in target order, the first of each key only."""
    pinned: list[Entry] = []
    seen: set[str] = set()
    for t in targets:
        for e in t.entries:
            if e.key not in seen:
                seen.add(e.key)
                pinned.append(e)
    return pinned


def carry_pins(keyed: list[Entry], pinned: Sequence[Entry], targets: Sequence[Target], options: Options) -> list[Entry]:
    """Keyed entries where a fresh entry replacing a generated, now unproduced target entry takes its key."""
    if not pinned:
        return keyed
    produced = {e.key for e in keyed} | _alias_set(keyed)
    generated = set().union(*(t.state for t in targets))
    candidates = [p for p in pinned if p.key not in produced and p.key in generated]
    pinned_keys = {p.key for p in pinned}
    fresh = [e for e in keyed if e.key not in pinned_keys]
    if not (candidates and fresh):
        return keyed
    recorded = {k: fps for t in targets for k, (_, fps) in t.state.items()}
    fmt_of = {p.key: t.format for t in targets for p in t.entries}
    formats = {fmt_of[c.key] for c in candidates}
    fps = {}
    if len(formats) == 1:
        fmt = formats.pop()
        fps = {i: generated_fingerprints(e, fmt, options) for i, e in enumerate(fresh)}
    moved, _ = carry_renames(fresh, candidates, fingerprints=fps, recorded=recorded)
    by_old = {id(a): b for a, b in zip(fresh, moved)}
    return [by_old.get(id(e), e) for e in keyed]
