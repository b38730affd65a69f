"""Keep configured output files in step with the sources: ``bibgen sync``.

One run reads every source, merges duplicates once, assigns keys once, and
writes every output named in the configuration. Rules:

* **Keys are pinned.** Every key already in a BibTeX-family target (a writer
  whose suffixes include ``.bib``) is passed to :func:`bibgen.pipeline.process`
  as ``pinned``: a source record that is the same work keeps that key, so
  adding a source that sorts first, or a co-author's page, never renames a
  citation. A record whose title was edited in its source is matched to the
  generated entry it replaces by a similar title with the same first author
  and year (:func:`carry_renames`), so fixing a typo keeps the key too.
* **Nothing is lost.** An entry in the target that no source produces (added
  by hand, or whose source went away) is kept and reported; ``--prune``
  removes it. A field added by hand to a generated entry (a ``doi``, a
  ``note``) is kept. A generated field whose value was edited by hand keeps
  the hand edit, and every run reports it (a warning when the sources changed
  that field as well). A generated field deleted by hand stays deleted.
  ``@string``, ``@preamble``, ``@comment`` blocks and other text are kept,
  moved to the top of the file.
* To tell a hand edit from a change in the sources, the target ends with a
  ``@comment{bibgen-sync: ...}`` block holding a short fingerprint of every
  generated value. BibTeX, biber and bibtexparser all skip it. Without that
  block (a .bib written by hand) every value that differs counts as a hand
  edit.
* **Canonical output.** Entries sorted by key, one field per line, the
  writer's field order; a second run changes nothing. Writes are atomic
  (:func:`bibgen.output.write_atomic`): a killed run leaves the old file or the
  new one, and at worst a hidden ``.<name>.<random>.tmp`` file.

Targets in other formats (CSL-JSON, formatted references) are rewritten from
the same keyed entries; hand edits in them are not kept.
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bibgen.bibsplit import RawBlock, RawEntry, RawField, split_bib
from bibgen.errors import ConfigError, Diagnostics, InputError, OutputError, UsageError
from bibgen.model import Entry, EntryKind, Fields, Origin

if TYPE_CHECKING:
    from bibgen.config import Config, OutputSpec
    from bibgen.pipeline import Options

STATE_TAG = "bibgen-sync:"
STATE_HEADER = "bibgen-sync: fingerprints of generated values, used to keep hand edits (do not edit)"
_STATE_RE = re.compile(r"^\s*" + re.escape(STATE_TAG))


# ---------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class TargetChange:
    """One output file: its text before (None when missing) and after the sync."""

    path: Path
    old: str | None
    new: str
    seen: tuple[int, int, str] | None = None  # bibgen.output.snapshot when ``old`` was read

    @property
    def changed(self) -> bool:
        return self.old != self.new

    def diff(self, root: Path | None = None) -> str:
        """A unified diff from the current file to the synced one (empty when equal)."""
        if not self.changed:
            return ""
        name = _display(self.path, root)
        old = (self.old or "").splitlines(keepends=True)
        new = self.new.splitlines(keepends=True)
        lines = difflib.unified_diff(old, new, f"a/{name}" if self.old is not None else "/dev/null", f"b/{name}")
        out = []
        for ln in lines:
            out.append(ln if ln.endswith("\n") else ln + "\n\\ No newline at end of file\n")
        return "".join(out)


@dataclass(frozen=True)
class SyncResult:
    """What a sync did or (with ``check``) would do."""

    changes: tuple[TargetChange, ...]
    entries: tuple[Entry, ...] = ()

    @property
    def changed(self) -> bool:
        return any(c.changed for c in self.changes)

    def diff(self, root: Path | None = None) -> str:
        return "".join(c.diff(root) for c in self.changes)


def _display(path: Path, root: Path | None) -> str:
    base = root or Path.cwd()
    try:
        return os.path.relpath(path, base)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)


# ---------------------------------------------------------------- targets


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
        raise InputError(f"cannot read: {exc.strerror}", Origin(str(path), 1, 1)) from None
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


def discover_sources(
    config: Config,
    options: Options,
    sources: Sequence[str | os.PathLike[str]] | None = None,
    outputs: Iterable[Path] = (),
) -> list[Path]:
    """Source files (the configuration's unless ``sources`` is given); an output among them is a ConfigError."""
    from bibgen.pipeline import discover

    paths = discover(config.source_paths() if sources is None else sources, options)
    written = {Path(o).resolve() for o in outputs}
    for p in paths:
        if p.resolve() in written:
            raise ConfigError(
                f"output {_display(p, config.root)} is also a source",
                Origin(str(config.path or "bibgen"), 1, 1),
                "narrow 'sources' so it does not match the outputs",
            )
    return paths


def keyed_entries(
    config: Config,
    options: Options,
    targets: Sequence[Target] = (),
    sources: Sequence[str | os.PathLike[str]] | None = None,
) -> list[Entry]:
    """Read, dedupe and key the sources, with keys pinned to ``targets``."""
    from bibgen.pipeline import process, read_files

    paths = discover_sources(config, options, sources, [t.path for t in targets])
    entries = read_files(paths, options)
    pinned: list[Entry] = []
    seen: set[str] = set()
    for t in targets:
        for e in t.entries:
            if e.key not in seen:
                seen.add(e.key)
                pinned.append(e)
    result = process(entries, options, pinned=pinned)
    keyed = list(result.entries)  # process() keeps pinned keys and records aliases
    if pinned:
        produced = {e.key for e in keyed} | _alias_set(keyed)
        generated = set().union(*(t.state for t in targets))
        candidates = [p for p in pinned if p.key not in produced and p.key in generated]
        pinned_keys = {p.key for p in pinned}
        fresh = [e for e in keyed if e.key not in pinned_keys]
        if candidates and fresh:
            recorded = {k: fps for t in targets for k, (_, fps) in t.state.items()}
            fmt_of = {p.key: t.format for t in targets for p in t.entries}
            formats = {fmt_of[c.key] for c in candidates}
            fps = {}
            if len(formats) == 1:
                fmt = formats.pop()
                fps = {i: generated_fingerprints(e, fmt, options) for i, e in enumerate(fresh)}
            moved, _ = carry_renames(fresh, candidates, fingerprints=fps, recorded=recorded)
            by_old = {id(a): b for a, b in zip(fresh, moved)}
            keyed = [by_old.get(id(e), e) for e in keyed]
    return keyed


# ---------------------------------------------------------------- merging


def _rank_table(fmt: str) -> dict[str, int]:
    try:
        from bibgen.writers.bibtex import FIELD_ORDER
    except ImportError:  # pragma: no cover
        return {}
    return {name: i for i, name in enumerate(FIELD_ORDER)}


def _render_entry(etype: str, key: str, fields: Sequence[tuple[str, str]], layout=None) -> str:  # type: ignore[no-untyped-def]
    """One merged entry, indented and aligned as the writer's ``layout`` says (bibgen.layout)."""
    indent, align, trailing = ("  ", 0, True) if layout is None else (layout.indent, layout.align, layout.trailing_comma)
    lines = [f"@{etype}{{{key},"]
    for i, (name, value) in enumerate(fields):
        comma = "," if trailing or i < len(fields) - 1 else ""
        lines.append(f"{indent}{name.ljust(align) if align else name} = {value}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _short(raw: str, n: int = 60) -> str:
    flat = " ".join(raw.split())
    return flat if len(flat) <= n else flat[: n - 1] + "…"


def merge_target(
    generated: str,
    target: Target,
    diagnostics: Diagnostics,
    *,
    prune: bool = False,
    fmt: str = "bibtex",
    layout=None,  # type: ignore[no-untyped-def]
) -> str:
    """The text of a .bib target: ``generated`` with the hand edits in ``target`` kept."""
    path = str(target.path)
    gen_blocks = split_bib(generated, f"<{fmt} writer>")
    gen = {b.key: b for b in gen_blocks if isinstance(b, RawEntry)}
    aliases: dict[str, str] = {}
    for g in gen.values():
        ids = g.field_map().get("ids")
        if ids:
            for a in re.split(r"[,\s]+", ids.value.strip("{}\" ")):
                if a and a not in gen:
                    aliases[a] = g.key
    rank = _rank_table(fmt)
    if layout is not None and layout.field_order:  # --field-order / field-order: these first
        rank = {**rank, **{n: i - len(layout.field_order) for i, n in enumerate(layout.field_order)}}
    tmap: dict[str, RawEntry] = {}
    dupes: list[RawEntry] = []
    for t in target.raw_entries:
        if t.key in tmap:
            diagnostics.warn(f"duplicate key '{t.key}' (first at line {tmap[t.key].line}); kept as it is", Origin(path, t.line, 1))
            dupes.append(t)
        else:
            tmap[t.key] = t
    # Hand-added fields of entries merged into another one move to the survivor.
    moved: dict[str, list[RawField]] = {}
    out: dict[str, str] = {}
    state: dict[str, tuple[str, dict[str, str]]] = {}
    for key, t in sorted(tmap.items()):
        if key in gen:
            continue
        if key in aliases:
            base = target.state.get(key, ("", {}))[1]
            hand = [f for f in t.fields if f.name not in base and f.name not in ("ids",)]
            moved.setdefault(aliases[key], []).extend(hand)
            diagnostics.note(f"'{key}' is the same work as '{aliases[key]}'; merged (old key kept in ids)", Origin(path, t.line, 1))
            continue
        how = "was generated but no source produces it now" if key in target.state else "is not produced by any source"
        if prune:
            diagnostics.note(f"'{key}' {how}; removed (--prune)", Origin(path, t.line, 1))
            continue
        diagnostics.note(f"'{key}' {how}; kept (--prune removes it)", Origin(path, t.line, 1))
        out[key] = t.text.strip() + "\n"
        if key in target.state:
            state[key] = target.state[key]
    for key, g in gen.items():
        t = tmap.get(key)
        base_type, base = target.state.get(key, ("", None)) if key in target.state else ("", None)
        gfields = [(f.name, f.value) for f in g.fields]
        state[key] = (g.type, {n: fingerprint(v) for n, v in gfields})
        extra = moved.get(key, [])
        if t is None:
            if base is not None:
                diagnostics.note(f"'{key}' was deleted from the target by hand but the sources still produce it; added back", Origin(path, 1, 1))
            if not extra:
                out[key] = g.text.strip() + "\n"
                continue
            t = RawEntry(g.type, key, (), "", 1)
        out[key] = _merge_entry(g, gfields, t, extra, base_type, base, rank, diagnostics, path, layout)
    for t in dupes:
        out.setdefault(f"{t.key}\x00{t.line}", t.text.strip() + "\n")
    parts: list[str] = []
    for b in target.blocks:
        if isinstance(b, RawBlock):
            parts.append(b.text.strip("\n") + "\n")
    for key in sorted(out, key=lambda k: (k.casefold(), k)):
        parts.append(out[key])
    if state:
        parts.append(format_state(state))
    return "\n".join(parts)


def _merge_entry(
    g: RawEntry,
    gfields: list[tuple[str, str]],
    t: RawEntry,
    extra: list[RawField],
    base_type: str,
    base: dict[str, str] | None,
    rank: dict[str, int],
    diagnostics: Diagnostics,
    path: str,
    layout=None,  # type: ignore[no-untyped-def]
) -> str:
    key = g.key
    tf = t.field_map()
    for f in extra:
        tf.setdefault(f.name, f)
    etype = g.type
    if t.type != g.type and t.text:
        if base is not None and base_type == t.type:
            pass  # the sources changed the type; the user did not
        else:
            etype = t.type
            _report(diagnostics, base is not None and base_type != g.type, key, "entry type", t.type, g.type, Origin(path, t.line, 1))
    fields: list[tuple[str, str]] = []
    gnames = set()
    for name, graw in gfields:
        gnames.add(name)
        f = tf.get(name)
        if f is None:
            if base is not None and name in base:
                diagnostics.note(f"'{key}': field '{name}' was deleted by hand; not adding it back", Origin(path, t.line, 1))
                continue
            fields.append((name, graw))
            continue
        if " ".join(f.value.split()) == " ".join(graw.split()):
            fields.append((name, graw))
        elif base is not None and base.get(name) == fingerprint(f.value):
            fields.append((name, graw))  # unchanged since generated: the sources' new value wins
        else:
            fields.append((name, f.value))
            conflict = base is not None and name in base and base[name] != fingerprint(graw)
            _report(diagnostics, conflict, key, f"field '{name}'", f.value, graw, Origin(path, f.line, f.column))
    for name, f in tf.items():
        if name in gnames:
            continue
        if base is not None and name in base and base[name] == fingerprint(f.value):
            continue  # generated before, no longer produced, not edited: drop it
        if base is not None and name in base:
            diagnostics.note(f"'{key}': field '{name}' is no longer generated but was edited by hand; kept", Origin(path, f.line, f.column))
        fields.append((name, f.value))
    order = {n: i for i, (n, _) in enumerate(fields)}
    fields.sort(key=lambda nv: (rank.get(nv[0], len(rank)), nv[0] if nv[0] not in rank else "", order[nv[0]]))
    return _render_entry(etype, key, fields, layout)


def _report(diagnostics: Diagnostics, conflict: bool, key: str, what: str, kept: str, source: str, origin: Origin) -> None:
    if conflict:
        diagnostics.warn(
            f"'{key}': {what} was edited by hand and has changed in the sources; keeping the hand edit",
            origin,
            f"sources now say {_short(source)}",
        )
    else:
        diagnostics.note(f"'{key}': keeping hand-edited {what} {_short(kept)} (sources say {_short(source)})", origin)


# ---------------------------------------------------------------- sync


def _options_for(spec: OutputSpec, options: Options) -> Options:
    """Options for one output: its style, and for html its grouping and fragment setting."""
    changes = {
        name: value
        for name, value in (("style", spec.style), ("group_by", spec.group_by), ("html_fragment", spec.fragment), ("locale", spec.locale))
        if value is not None
    }
    if not changes:
        return options
    names = {f.name for f in dataclasses.fields(options)}
    for name in changes:
        if name not in names:
            raise ConfigError(f"output {spec.path.name}: '{name}' is not supported by this bibgen", spec.origin)
    return dataclasses.replace(options, **changes)


def plan(config: Config, options: Options, *, prune: bool = False) -> SyncResult:
    """What syncing would write to every configured output, without writing anything."""
    from bibgen.pipeline import render
    from bibgen.registry import writers

    if not config.outputs:
        raise ConfigError(
            "no outputs configured",
            Origin(str(config.path), 1, 1) if config.path else None,
            "add outputs = [{path = \"references.bib\", format = \"bibtex\"}] (run 'bibgen init')",
        )
    for spec in config.outputs:
        try:
            writers.get(spec.format)
            if spec.style is not None:
                from bibgen.style.lookup import find_style

                find_style(spec.style, options.style_dirs, spec.locale or options.locale)
        except UsageError as exc:
            raise ConfigError(exc.message, spec.origin, exc.hint) from None
    paths = discover_sources(config, options, None, [s.path for s in config.outputs])
    bib_specs = [s for s in config.outputs if is_bib_format(s.format)]
    targets = {s.path: read_target(s.path, options, s.format) for s in bib_specs}
    entries = keyed_entries(config, options, list(targets.values()), sources=paths)
    changes: list[TargetChange] = []
    for spec in config.outputs:
        text = render(entries, spec.format, _options_for(spec, options))
        if spec.path in targets:
            target = targets[spec.path]
            new = merge_target(text, target, options.diagnostics, prune=prune, fmt=spec.format, layout=options.layout)
            changes.append(TargetChange(spec.path, target.text, new, target.seen))
        else:
            from bibgen.output import snapshot

            seen = None
            try:
                data = spec.path.read_bytes()
                seen = snapshot(spec.path, data)
                old = data.decode("utf-8")
            except (FileNotFoundError, NotADirectoryError, UnicodeDecodeError):
                old = None
            except OSError as exc:
                raise InputError(f"cannot read: {exc.strerror}", Origin(str(spec.path), 1, 1)) from None
            changes.append(TargetChange(spec.path, old, text, seen))
    return SyncResult(tuple(changes), tuple(entries))


def sync(
    config: Config, options: Options, *, check: bool = False, prune: bool = False, use_cache: bool = True, force: bool = False
) -> SyncResult:
    """Bring every configured output in step with the sources; ``check`` only reports.

    In-sync states are remembered in a small cache outside the project
    (:mod:`bibgen.synccache`), so an unchanged project is confirmed without
    running the pipeline.

    Writing, each target is locked (:class:`bibgen.output.TargetLock`) from
    before it is read until it is written, and just before the rename it is
    re-checked (size, mtime, hash): an edit made meanwhile by hand or by a tool
    that takes no lock stops the run with an OutputError instead of being lost.
    """
    import contextlib

    from bibgen import synccache
    from bibgen.output import TargetLock, require_unchanged, resolve_output, write_atomic

    cache = _cache_args(config, options, prune) if use_cache else None
    if cache is not None and synccache.is_in_sync(cache[0], cache[4]):
        return SyncResult(())
    with contextlib.ExitStack() as locks:
        if not check:
            for spec in sorted(config.outputs, key=lambda s: str(s.path)):
                try:
                    spec.path.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise OutputError(f"cannot write: {exc.strerror}", Origin(str(spec.path), 1, 1)) from None
                resolve_output(spec.path, force=True)  # a FIFO or a device fails before the pipeline runs
                locks.enter_context(TargetLock(spec.path))
        result = plan(config, options, prune=prune)
        if not check:
            for change in result.changes:
                if change.changed:
                    write_atomic(
                        change.path, change.new, force=force,
                        before_replace=lambda c=change: require_unchanged(c.path, c.seen),
                    )
    if cache is not None and (not check or not result.changed):
        synccache.record(*cache)
    return result


def _cache_args(config: Config, options: Options, prune: bool) -> tuple[Any, ...] | None:
    """Arguments for :func:`bibgen.synccache.record`; tag "plain" is what a bare ``sync --check`` uses."""
    from bibgen.keys import DEFAULT_PATTERN

    if config.path is None:
        return None
    plain = (
        not prune
        and options.strict == bool(config.strict)
        and options.key_pattern == (config.key_pattern or DEFAULT_PATTERN)
        and options.ascii == bool(config.ascii)
        and options.reader is None
    )
    tag = "plain" if plain else f"prune={prune} strict={options.strict} pattern={options.key_pattern} ascii={options.ascii} reader={options.reader}"
    outputs = [(str(s.path), s.format, s.style) for s in config.outputs]
    outputs += _style_files(config)
    if config.enrich is not None:  # the enrichment lock feeds every output: editing it invalidates the cache
        outputs.append((str(config.enrich.lock), "enrich-lock", None))
    return (config.path, str(config.root), list(config.sources), outputs, tag)


def _style_files(config: Config) -> list[tuple[str, str, str | None]]:
    """CSL files the outputs' styles load, as extra cache "outputs" so that editing one invalidates the cache."""
    from bibgen.style.cslfiles import find_csl

    extra = []
    for spec in config.outputs:
        if spec.style is None:
            continue
        try:
            found = find_csl(spec.style, (str(config.root / "styles"),))
        except UsageError:
            continue
        if found is not None:
            extra.append((str(found.path), "csl-style", spec.style))
    return extra


def cached_in_sync(start: str | os.PathLike[str] | None = None) -> bool:
    """True when ``bibgen sync --check`` at ``start`` would find nothing to change (see :mod:`bibgen.synccache`)."""
    from bibgen.synccache import cached_in_sync as check

    return check(start)


# ---------------------------------------------------------------- watch


def watch(
    load: Callable[[], tuple[Config, Options]],
    run: Callable[[Config, Options], Any],
    report: Callable[[BaseException], None],
) -> None:
    """Run ``run`` now and again whenever a source or the configuration changes (until Ctrl-C)."""
    try:
        import watchfiles
    except ImportError:
        raise UsageError(
            "--watch needs the watchfiles package", hint="pip install 'bibgen[watch]'"
        ) from None
    config, options = load()
    _safe_run(run, config, options, report)
    outputs = {str(s.path) for s in config.outputs}

    def interesting(change: Any, path: str) -> bool:
        name = os.path.basename(path)
        return path not in outputs and not name.startswith(".") and not name.endswith("~")

    roots = sorted({str(config.root)})
    for _changes in watchfiles.watch(*roots, watch_filter=interesting, debounce=200, raise_interrupt=False):
        try:
            config, options = load()
        except Exception as exc:
            report(exc)
            continue
        outputs = {str(s.path) for s in config.outputs}
        _safe_run(run, config, options, report)


def _safe_run(run: Callable[[Config, Options], Any], config: Config, options: Options, report: Callable[[BaseException], None]) -> None:
    from bibgen.errors import BibgenError

    try:
        run(config, options)
    except BibgenError as exc:
        report(exc)
    sys.stderr.flush()
