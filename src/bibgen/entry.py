"""The ``bibgen`` console script: a fast path for ``bibgen sync --check``, then the typer app.

A pre-commit hook runs ``bibgen sync --check`` on every commit, so an
unchanged project should be confirmed in well under a quarter of a second.
Importing typer alone takes a good part of that budget, so when the arguments
are exactly ``sync --check`` and the in-sync cache
(:func:`bibgen.sync.cache.cached_in_sync`) says nothing has changed, this exits
0 without importing the command-line layer or the pipeline. Anything else,
including every error, goes through :func:`bibgen.cli.main` unchanged.

:func:`console` (the installed script and ``python -m bibgen``) then leaves
without tearing the interpreter down.
"""

from __future__ import annotations

import os
import sys


def main() -> None:
    """Console entry point."""
    if sys.argv[1:] == ["sync", "--check"]:
        from bibgen.sync.cache import cached_in_sync

        if cached_in_sync():
            sys.exit(0)
    from bibgen.cli import main as cli_main

    cli_main()


def console() -> None:
    """:func:`main`, then exit at once: output is written and flushed, nothing is left to clean up.

    A large export ends with millions of objects alive (entries, match
    caches); the interpreter's normal shutdown frees them one by one, about
    half a second per 100,000 records (bench/perf.py). The exit code is the
    one :func:`main` gives; anything unusual (an exception, a non-integer
    exit code, a stream that cannot be flushed) takes the normal way out.
    """
    from bibgen.options import exit_at_once

    exit_at_once()
    try:
        main()
        code: object = 0
    except SystemExit as exc:
        code = 0 if exc.code is None else exc.code
    if not isinstance(code, int):
        raise SystemExit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:
        raise SystemExit(code) from None
    os._exit(code)
