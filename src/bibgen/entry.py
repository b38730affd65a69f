"""The ``bibgen`` console script: a fast path for ``bibgen sync --check``, then the typer app.

A pre-commit hook runs ``bibgen sync --check`` on every commit, so an
unchanged project should be confirmed in well under a quarter of a second.
Importing typer alone takes a good part of that budget, so when the arguments
are exactly ``sync --check`` and the in-sync cache
(:func:`bibgen.synccache.cached_in_sync`) says nothing has changed, this exits
0 without importing the command-line layer or the pipeline. Anything else,
including every error, goes through :func:`bibgen.cli.main` unchanged.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Console entry point."""
    if sys.argv[1:] == ["sync", "--check"]:
        from bibgen.synccache import cached_in_sync

        if cached_in_sync():
            sys.exit(0)
    from bibgen.cli import main as cli_main

    cli_main()
