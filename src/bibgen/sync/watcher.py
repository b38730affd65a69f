"""``bibgen sync --watch``: run again whenever a source or the configuration changes."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bibgen.errors import UsageError

if TYPE_CHECKING:
    from bibgen.config import Config
    from bibgen.options import Options


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
