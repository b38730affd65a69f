"""The option types of every stage, on the ground floor: anyone may import this module.

:class:`Options` is what one run needs (read, dedupe, key and render
settings plus the run's diagnostics, progress and statistics); it travels
through every stage as an argument, never as a module global.
:class:`DedupePolicy` is the dedupe stage's part of it. Nothing here imports a
stage, a reader, a writer or the pipeline, so writers, renderers and styles
take an ``Options`` without pulling the pipeline in (issue 15: this broke the
import circle pipeline -> writers -> render -> style -> writers -> pipeline).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from bibgen.errors import Diagnostics
from bibgen.layout import Layout
from bibgen.normalize import title_key
from bibgen.progress import NoProgress, Progress
from bibgen.venues import VenueTable, builtin_table

DEFAULT_PATTERN = "[auth:lower][year][shorttitle(3)]"
"""The citation-key pattern when neither the configuration nor ``--key-pattern`` gives one (see :mod:`bibgen.keys`)."""

# Process state, not an option: when the console script leaves with os._exit
# (bibgen.entry.console), what a command built is kept here until then, so that
# it is not freed object by object on the way out of the command (100k
# entries, their texts and caches: a good part of a second).
_KEPT_UNTIL_EXIT: list[object] | None = None


def exit_at_once() -> None:
    """Say that this process ends with ``os._exit`` once its command is done (the console script)."""
    global _KEPT_UNTIL_EXIT
    if _KEPT_UNTIL_EXIT is None:
        _KEPT_UNTIL_EXIT = []


def keep_until_exit(*objects: object) -> None:
    """Keep ``objects`` alive until the process ends, when it ends with ``os._exit``; else nothing."""
    if _KEPT_UNTIL_EXIT is not None:
        _KEPT_UNTIL_EXIT.append(objects)


@dataclass(frozen=True, slots=True)
class DedupePolicy:
    """How eagerly records merge.

    ``not_duplicates`` holds pairs of titles the user says are different works
    (given as any pair of strings; matched by folded title key, so case, accents
    and punctuation do not matter). A pair of one title twice means "records
    with this title are never merged by title alone". Identifier evidence (the
    same DOI or arXiv id) is not affected. ``threshold`` is the least title
    similarity (0..1) for a fuzzy match; ``fuzzy=False`` turns fuzzy matching off.
    ``within_file=True`` lets records of one file with different keys merge
    (by default they are different works unless exact duplicates, and near
    pairs among them are only reported).
    """

    not_duplicates: frozenset[frozenset[str]] = frozenset()
    threshold: float = 0.9
    fuzzy: bool = True
    within_file: bool = False

    def __post_init__(self) -> None:
        pairs = frozenset(frozenset(title_key(str(t)) for t in pair) for pair in self.not_duplicates)
        object.__setattr__(self, "not_duplicates", pairs)

    def distinct(self, titles_a: Iterable[str], titles_b: Iterable[str]) -> bool:
        """Did the user declare any title of one side distinct from any title of the other?"""
        if not self.not_duplicates:
            return False
        tb = list(titles_b)
        return any(frozenset({ka, kb}) in self.not_duplicates for ka in titles_a for kb in tb)


@dataclass
class RunStats:
    """What a run did, for the CLI's summary line: files and records read, records merged, seconds per stage."""

    files: int = 0
    records: int = 0
    merged: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class Options:
    """Everything a run needs, passed through every stage (never module globals)."""

    key_pattern: str = DEFAULT_PATTERN
    ascii: bool = False
    strict: bool = False
    venues: VenueTable | None = None
    dedupe_policy: DedupePolicy = field(default_factory=DedupePolicy)
    reader: str | None = None  # force one reader ("--from"), else by suffix
    # Formatted references (text, markdown, html writers): see bibgen.style.lookup.
    style: str | None = None  # style name or .csl path; None: apa with the CSL processor, else plain
    style_dirs: tuple[str, ...] = ()  # project folders searched for <style>.csl
    locale: str | None = None  # CSL locale (pt-BR, de-DE, ...) over the style's default-locale
    group_by: str = "year"  # HTML page sections: year, type or none
    html_fragment: bool = False  # html writer: only the list, not the standalone page
    encoding: str | None = None  # sources without a BOM or "% Encoding:" header ("--encoding"), else UTF-8
    keep_going: bool = False  # skip (and report) what cannot be parsed instead of failing ("--keep-going")
    layout: Layout = field(default_factory=Layout)  # .bib writers: --omit, --sort, --protect-case, ...
    rekey: bool = False  # new keys for entries whose key is not pinned (old ones kept as aliases)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    progress: Progress = field(default_factory=NoProgress)  # the CLI sets a bar on a terminal
    stats: RunStats = field(default_factory=RunStats)
    enrich: object = None  # bibgen.enrich.stage.EnrichPolicy: fill missing fields from its lock
    # A writer's texts of the entries as read, made in another process while they are
    # merged and keyed (bibgen.writers.bibtex.EarlyTexts); the writer uses those still current.
    early: object = None

    def __post_init__(self) -> None:
        self.diagnostics.strict = self.strict

    @property
    def venue_table(self) -> VenueTable:
        if self.venues is None:
            return builtin_table()
        return builtin_table().extended(self.venues)
