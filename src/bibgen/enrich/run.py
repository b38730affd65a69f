"""``bibgen enrich``: read the sources as export does, look the works up, write the lock, print a summary."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from bibgen.enrich.cache import ResponseCache
from bibgen.enrich.http import FetchSettings, Fetcher, ProviderLimits
from bibgen.enrich.lock import Lock
from bibgen.enrich.providers import provider
from bibgen.enrich.stage import EnrichPolicy, explain as explain_entry, lookup
from bibgen.errors import EXIT_DIFFERENCES, EXIT_OK, UsageError


def _entries(config: Any, options: Any, sources: Sequence[Path]) -> list[Any]:
    from bibgen.pin import is_bib_format, read_target
    from bibgen.pipeline import keyed_entries

    targets = []
    if config.path is not None:
        # Keys agree with the configured .bib outputs, as in export and sync.
        targets = [read_target(s.path, options, s.format) for s in config.outputs if is_bib_format(s.format)]
    return keyed_entries(config, options, targets, sources=list(sources))


def run_enrich(
    config: Any,
    options: Any,
    policy: EnrichPolicy,
    sources: Sequence[Path],
    *,
    offline: bool = False,
    refresh: bool = False,
    explain: str | None = None,
    transport: Any = None,
    limits: dict[str, ProviderLimits] | None = None,
    sleep: Callable[[float], None] | None = None,
    cache: ResponseCache | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Run the command; the exit code (0, or 1 when some lookups failed)."""
    out = out or sys.stdout
    err = err or sys.stderr
    entries = _entries(config, options, sources)
    if explain is not None:
        for e in entries:
            if e.key == explain or explain in e.aliases:
                out.write(explain_entry(e, policy))
                return EXIT_OK
        raise UsageError(f"--explain: no entry has key '{explain}'")

    agent = "bibgen-enrich/1" + (f" mailto:{policy.contact}" if policy.contact else "")
    settings = FetchSettings(timeout=policy.timeout, offline=offline, refresh=refresh, user_agent=agent)
    if sleep is not None:
        settings.sleep = sleep
    if limits is None:
        limits = {name: provider(name).LIMITS for name in policy.providers}
        limits.setdefault("crossref", provider("crossref").LIMITS)  # the published-version lookup
    fetcher = Fetcher(cache or ResponseCache(), settings, transport=transport, limits=limits)
    lock = Lock.load(policy.lock)
    try:
        summary = lookup(entries, policy, fetcher, lock, options.progress)
    finally:
        fetcher.close()
    from bibgen.output import write_atomic

    write_atomic(policy.lock, lock.dump())
    misses = [m for m in summary.messages if m.endswith("(--offline)")]
    for m in summary.messages:
        if not m.endswith("(--offline)"):
            print(m, file=err)
    if misses:
        print(f"bibgen: enrich: {len(misses)} lookups are not in the cache (--offline); run without --offline to make them", file=err)
    print(summary.line(), file=err)
    if getattr(config, "enrich", None) is None:
        print(f"bibgen: enrich: wrote {policy.lock.name}; add 'enrich' to the configuration so that export and sync use it", file=err)
    return EXIT_DIFFERENCES if summary.failed else EXIT_OK
