"""The fixed stage order, written once: read -> normalize -> dedupe -> pin -> key -> render.

:func:`keyed_entries` runs read -> normalize -> dedupe -> pin -> key for every
command (``export``, ``sync``, ``enrich``, ``duplicates``); :func:`render` is
the last stage. The option types live in :mod:`bibgen.options` (re-exported
here for callers of ``bibgen.pipeline.Options``).
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from bibgen.dedupe import Cluster, DedupeResult, dedupe, member_records
from bibgen.config import YAML_NAMES as CONFIG_NAMES, Config
from bibgen.encoding import to_utf8
from bibgen.errors import ConfigError, UnreadableError, UsageError
from bibgen.keys import apply_pins, assign_keys, fold_alias_copies
from bibgen.model import Entry, Fields, Origin, Person
from bibgen.normalize import bare_doi, clean_text
from bibgen.pin import Target, carry_pins, pinned_entries
from bibgen.output import display_path
from bibgen import parallel
from bibgen.options import DedupePolicy, Options, RunStats  # noqa: F401  (re-exported: bibgen.pipeline.Options)
from bibgen.readers import choose_reader
from bibgen.registry import readers, writers
from bibgen.validate import check_entry
from bibgen.safety import check_entries, has_invisible
from bibgen.walk import walk_files


def discover(sources: Iterable[str | os.PathLike[str]], options: Options) -> list[Path]:
    """Files named or found under folders, sorted, each once; unreadable names are UsageErrors."""
    suffixes = set(readers.suffixes()) if options.reader is None else None
    found: dict[str, Path] = {}
    for src in sources:
        path = Path(src)
        if path.is_dir():
            # Loops are walked once; links out of the folder are not followed (bibgen.walk).
            files, skipped = walk_files(path, onerror=_walk_error)
            for link in skipped:
                message = f"symbolic link to {os.path.realpath(link)}, outside {path}; not followed"
                if not any(d.message == message for d in options.diagnostics.items):  # discover may run twice
                    options.diagnostics.warn(message, Origin(link, 1, 1), "name the target as a source to read it")
            for name in files:
                p = Path(name)
                if p.name in CONFIG_NAMES:
                    continue  # bibgen's own configuration is never a source
                if suffixes is None or p.suffix.lower() in suffixes:
                    found.setdefault(str(p), p)
        elif path.is_file():
            if path.name in CONFIG_NAMES:
                raise UsageError(f"{path}: this is bibgen's configuration file, not a source", hint="use --config to name it")
            found.setdefault(str(path), path)
        elif path.exists():
            raise UsageError(f"{path}: not a regular file or folder")
        else:
            raise UsageError(f"{path}: no such file or folder")
    return [found[k] for k in sorted(found)]


def _walk_error(exc: OSError) -> None:
    """A folder under a source that cannot be listed: its files would be missing silently."""
    raise UnreadableError(f"cannot read folder: {exc.strerror}", Origin(str(exc.filename), 1, 1))


def read_file(path: Path, options: Options) -> list[Entry]:
    """Entries of one file, through the reader its suffix (or ``options.reader``) names."""
    if options.reader:
        reader = readers.get(options.reader)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableError(f"cannot read: {exc.strerror}", Origin(str(path), 1, 1)) from None
    data = to_utf8(data, str(path), options.encoding)
    if not options.reader:
        reader = choose_reader(path.suffix, data)  # by suffix, then content (.yml: hayagriva or records)
        if reader is None:
            raise UsageError(f"{path}: no reader for '{path.suffix or path.name}' files (use --from)")
    # The model boundary: keys and field names every writer can emit as data (bibgen.safety).
    scanning = getattr(reader, "read_scanning", None)
    if scanning is not None:  # it also says whether the file holds invisible characters (or None)
        got, invisible = scanning(data, str(path), options)
    else:
        got, invisible = reader.read(data, str(path), options), None
    entries = check_entries(got, options.diagnostics, has_invisible(data) if invisible is None else invisible)
    if getattr(reader, "normalized", False):
        out = list(entries)  # the reader promises what normalize_entry would do (NFC, tidy spaces)
    else:
        out = [normalize_entry(e) for e in entries]
    for e in out:
        check_entry(e, options.diagnostics)
    return out


def normalize_entry(entry: Entry) -> Entry:
    """Whitespace and Unicode (NFC) for every field and name part."""
    values = {k: clean_text(v) for k, v in entry.fields.items()}
    if "doi" in values:
        values["doi"] = bare_doi(values["doi"])
    people = {
        role: tuple(_clean_person(p) for p in ps)
        for role, ps in entry.people.items()
    }
    # Readers mostly hand over clean text already: then the entry is its own result.
    # Tuples compare item identity first: _clean_person returns a clean Person itself.
    if all(values[k] == v for k, v in entry.fields.items()) and all(
        people[r] == ps for r, ps in entry.people.items()
    ):
        return entry
    return entry.replace(fields=Fields(values), people=people)


@lru_cache(maxsize=65536)  # names recur across a bibliography
def _clean_person(p: Person) -> Person:
    parts = (p.family, p.given, p.particle, p.suffix, p.literal)
    cleaned = tuple(clean_text(x) for x in parts)
    if cleaned == parts:
        return p
    return p.__class__(*cleaned)


@contextmanager
def bulk() -> Iterator[None]:
    """Pause the cyclic garbage collector for a stage that builds many objects.

    Entries and their parts form no reference cycles, but with a hundred
    thousand of them alive every full collection walks them all again: pausing
    the collector makes a large run about a quarter faster (bench/perf.py).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            # What the stage built lives on into the next one; frozen, later
            # collections do not walk it again (refcounting still frees it).
            gc.freeze()
            gc.enable()


def read_files(paths: Sequence[Path], options: Options) -> list[Entry]:
    """Entries of every file in ``paths``, in that order."""
    entries: list[Entry] = []
    start = time.perf_counter()
    with bulk():
        groups = _parallel_groups(paths)
        if groups is None:
            for path in options.progress.track(paths, "reading"):
                entries.extend(read_file(path, options))
        else:
            with options.progress.stage("reading"), parallel.early_texts(options) as early:
                parts = parallel.fork_map(
                    lambda group: [e for p in group for e in read_file(p, options)], groups, options.diagnostics,
                    early.then, early.late,
                )
                for part in parts:
                    entries.extend(part)
                early.take(parts.__getitem__)
    options.stats.files += len(paths)
    options.stats.records += len(entries)
    options.stats.seconds["read"] = options.stats.seconds.get("read", 0.0) + time.perf_counter() - start
    return entries


# Reading files in several processes pays for itself above about this much input
# (forking and sending the entries back cost some tens of milliseconds).
PARALLEL_READ_BYTES = 4 << 20
# The first group is read here; a child also pickles what it read (parallel.chunks: lead).
_READ_LEAD = 1.4


def _parallel_groups(paths: Sequence[Path]) -> list[list[Path]] | None:
    """``paths`` cut into runs of about equal size, one per process, or None to read them here."""
    n = parallel.jobs()
    if n <= 1 or len(paths) < 2:
        return None
    try:
        sizes = [p.stat().st_size for p in paths]
    except OSError:
        return None  # read_file reports the file that cannot be read
    if sum(sizes) < PARALLEL_READ_BYTES:
        return None
    return [[paths[i] for i in r] for r in parallel.chunks(sizes, n, lead=_READ_LEAD)]


def read(sources: Iterable[str | os.PathLike[str]], options: Options | None = None) -> list[Entry]:
    """Read and normalize every source, in sorted-path order."""
    options = options or Options()
    return read_files(discover(sources, options), options)


def read_pinned(path: str | os.PathLike[str], options: Options) -> list[Entry]:
    """Entries with keys from an existing bibliography (``--keys-from``), in file order.

    Read by the file's suffix whatever ``--from`` says about the sources.
    """
    p = Path(path)
    if not p.is_file():
        raise UsageError(f"{p}: no such file (--keys-from)")
    if readers.for_suffix(p.suffix) is None:
        raise UsageError(f"{p}: no reader for '{p.suffix or p.name}' files (--keys-from)")
    return read_file(p, replace(options, reader=None))


def process(entries: Sequence[Entry], options: Options, pinned: Sequence[Entry] = ()) -> DedupeResult:
    """Dedupe then key: the middle of the pipeline, shared by every command.

    ``pinned`` are entries with keys from an existing .bib (``--keys-from``, or
    the sync target), in file order: an entry that is the same work as a pinned
    entry keeps that entry's key, whatever the pattern says now
    (:func:`bibgen.keys.apply_pins`).
    """
    start = time.perf_counter()
    with bulk(), options.progress.stage("merging duplicates"):
        # Alias copies (bibgen's BibTeX output read back) are aliases, not works.
        entries = fold_alias_copies(entries)
        pinned = fold_alias_copies(pinned)
        ordered = sorted(entries, key=lambda e: e.origin)
        result = dedupe(ordered, options.diagnostics, options.dedupe_policy)
        more = getattr(options.early, "more", None)
        if more is not None:
            more(result.entries)  # the writer may start on the merged works while they are keyed
        members = member_records(result.entries, ordered) if pinned else None
        deduped = [_unkeyed(e) for e in result.entries] if options.rekey else result.entries
        pinned_entries, reserved = apply_pins(
            deduped, pinned, options.diagnostics, options.dedupe_policy, members
        )
        if options.enrich is not None:
            # Before keys, so that a filled year reaches the key; from the lock only, never the network.
            from bibgen.enrich.stage import apply_lock

            pinned_entries = apply_lock(pinned_entries, options.enrich, options.diagnostics)  # type: ignore[arg-type]
        keyed = assign_keys(pinned_entries, options.key_pattern, reserved, options.diagnostics)
        if options.rekey:
            keyed = [_without_own_alias(e) for e in keyed]
        by_origin = {e.origin: e.key for e in keyed}
        # The constructor, not dataclasses.replace: a large run has tens of thousands of clusters.
        clusters = tuple(
            Cluster(c.members, c.reason, c.score, c.titles, c.links, by_origin.get(c.members[0], ""))
            for c in result.clusters
        )
    options.stats.merged += len(ordered) - len(result.entries)
    options.stats.seconds["dedupe"] = options.stats.seconds.get("dedupe", 0.0) + time.perf_counter() - start
    return DedupeResult(tuple(keyed), clusters)


def discover_sources(
    config: Config,
    options: Options,
    sources: Sequence[str | os.PathLike[str]] | None = None,
    outputs: Iterable[Path] = (),
) -> list[Path]:
    """Source files (the configuration's unless ``sources`` is given); an output among them is a ConfigError."""
    paths = discover(config.source_paths() if sources is None else sources, options)
    written = {Path(o).resolve() for o in outputs}
    for p in paths:
        if p.resolve() in written:
            raise ConfigError(
                f"output {display_path(p, config.root)} is also a source",
                Origin(str(config.path or "bibgen"), 1, 1),
                "narrow 'sources' so it does not match the outputs",
            )
    return paths


def keyed_entries(
    config: Config,
    options: Options,
    targets: Sequence[Target] = (),
    sources: Sequence[str | os.PathLike[str]] | None = None,
    early: str | None = None,
) -> list[Entry]:
    """The stages in their one order: read -> normalize -> dedupe -> pin -> key, for every command.

    ``targets`` are existing bibliographies whose keys are pinned (the .bib
    outputs of the configuration, ``--keys-from``): the same work keeps its
    key (:func:`bibgen.keys.apply_pins`, inside :func:`process`), and a
    generated entry whose source was edited keeps it too
    (:func:`bibgen.pin.carry_pins`). ``export`` and ``sync`` both call this;
    sync only adds the comparison with the target files and the write.

    ``early`` names the format the entries will be written in: its writer may
    start formatting them, as read, in another process while they are merged
    and keyed (``options.early``; the caller calls its ``discard()`` at the end).
    """
    paths = discover_sources(config, options, sources, [t.path for t in targets])
    begin = getattr(writers.get(early), "begin_early", None) if early is not None else None
    if begin is not None:
        options.early = begin(options)  # the processes that read format too (early_texts)
    entries = read_files(paths, options)  # read, normalize
    if begin is not None and options.early is not None:
        options.early.start(entries)  # type: ignore[attr-defined]  (what the reading children did not format)
    pinned = pinned_entries(targets)
    result = process(entries, options, pinned=pinned)  # dedupe, pin, key
    return carry_pins(list(result.entries), pinned, targets, options)


def _unkeyed(entry: Entry) -> Entry:
    """``--rekey``: the entry without its source key, which stays an alias (``ids``) so citations resolve."""
    if not entry.key:
        return entry
    return entry.replace(key="", aliases=tuple(dict.fromkeys((entry.key, *entry.aliases))))


def _without_own_alias(entry: Entry) -> Entry:
    kept = tuple(a for a in entry.aliases if a.casefold() != entry.key.casefold())
    return entry if kept == entry.aliases else entry.replace(aliases=kept)


def render(entries: Sequence[Entry], fmt: str, options: Options) -> str:
    """Text of one output format."""
    return "".join(render_parts(entries, fmt, options))  # (one piece: that piece itself, no copy)


def render_parts(entries: Sequence[Entry], fmt: str, options: Options) -> Iterator[str]:
    """:func:`render`'s text in pieces, made as they are consumed (a writer without
    ``write_parts`` gives its whole text as one piece)."""
    writer = writers.get(fmt)
    write = getattr(writer, "write_parts", None)
    start = time.perf_counter()
    with bulk(), options.progress.stage("writing"):
        if write is None:
            yield writer.write(list(entries), options)
        else:
            yield from write(list(entries), options)
    options.stats.seconds["write"] = options.stats.seconds.get("write", 0.0) + time.perf_counter() - start


def format_references(entries: Sequence[Entry], options: Options | None = None) -> list:
    """The formatted references of ``entries`` in ``options.style`` (a list of :class:`bibgen.style.nodes.Reference`)."""
    from bibgen.writers.references import format_references as format_with_style

    return format_with_style(entries, options or Options())


def export(
    sources: Iterable[str | os.PathLike[str]],
    fmt: str = "bibtex",
    options: Options | None = None,
    pinned: Sequence[Entry] = (),
) -> str:
    """The whole pipeline: sources in, the text of ``fmt`` out; ``pinned`` keeps keys (see :func:`process`)."""
    options = options or Options()
    writer = writers.get(fmt)  # fail on an unknown format before reading anything
    result = process(read(sources, options), options, pinned)
    with bulk():
        return writer.write(list(result.entries), options)
