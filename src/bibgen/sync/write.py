"""Write what :func:`bibgen.sync.planner.plan` planned: locked, re-checked, atomic; ``--check`` only reports.

The in-sync cache (:mod:`bibgen.sync.cache`) is consulted first and updated
after a run that leaves every output in step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bibgen.errors import OutputError, UsageError
from bibgen.model import Origin
from bibgen.sync.planner import SyncResult, plan

if TYPE_CHECKING:
    from bibgen.config import Config
    from bibgen.options import Options


def sync(
    config: Config, options: Options, *, check: bool = False, prune: bool = False, use_cache: bool = True, force: bool = False
) -> SyncResult:
    """Bring every configured output in step with the sources; ``check`` only reports.

    In-sync states are remembered in a small cache outside the project
    (:mod:`bibgen.sync.cache`), so an unchanged project is confirmed without
    running the pipeline.

    Writing, each target is locked (:class:`bibgen.output.TargetLock`) from
    before it is read until it is written, and just before the rename it is
    re-checked (size, mtime, hash): an edit made meanwhile by hand or by a tool
    that takes no lock stops the run with an OutputError instead of being lost.
    """
    import contextlib

    from bibgen.output import (
        TargetLock,
        require_unchanged,
        resolve_output,
        write_atomic,
    )
    from bibgen.sync import cache as synccache

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
    """Arguments for :func:`bibgen.sync.cache.record`; tag "plain" is what a bare ``sync --check`` uses."""
    from bibgen.options import DEFAULT_PATTERN

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
