"""Keep configured output files in step with the sources: ``bibgen sync``.

The package, one job per module: :mod:`~bibgen.sync.planner` works out what
every output should now hold (the pipeline's keyed entries, rendered), with
:mod:`~bibgen.sync.merge` keeping hand edits of a .bib target;
:mod:`~bibgen.sync.write` locks, re-checks and writes atomically;
:mod:`~bibgen.sync.cache` confirms an unchanged project without the pipeline;
:mod:`~bibgen.sync.watcher` re-runs on changes. Sync uses the pipeline
(:func:`bibgen.pipeline.keyed_entries`, whose pin stage reads the targets'
keys through :mod:`bibgen.pin`), never the reverse.

One run reads every source, merges duplicates once, assigns keys once, and
writes every output named in the configuration. Rules:

* **Keys are pinned.** Every key already in a BibTeX-family target (a writer
  whose suffixes include ``.bib``) is passed to :func:`bibgen.pipeline.keyed_entries`
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

from importlib import import_module
from typing import Any

# Names are loaded on first use: ``bibgen sync --check``'s fast path imports
# bibgen.sync.cache alone, and must not pay for the pipeline.
_EXPORTS = {
    "TargetChange": "bibgen.sync.planner",
    "SyncResult": "bibgen.sync.planner",
    "plan": "bibgen.sync.planner",
    "display_path": "bibgen.output",
    "merge_target": "bibgen.sync.merge",
    "sync": "bibgen.sync.write",
    "watch": "bibgen.sync.watcher",
    "cached_in_sync": "bibgen.sync.cache",
    # Kept for callers of the old single module: these live lower now.
    "Target": "bibgen.pin",
    "read_target": "bibgen.pin",
    "is_bib_format": "bibgen.pin",
    "fingerprint": "bibgen.pin",
    "format_state": "bibgen.pin",
    "parse_state": "bibgen.pin",
    "carry_renames": "bibgen.pin",
    "generated_fingerprints": "bibgen.pin",
    "keyed_entries": "bibgen.pipeline",
    "discover_sources": "bibgen.pipeline",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'bibgen.sync' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
