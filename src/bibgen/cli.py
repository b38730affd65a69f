"""The command line: a thin typer layer over :mod:`bibgen.pipeline`.

Exit codes: 0 success; 1 differences found (``--check``); 2 usage or
configuration error; 3 invalid input; 4 output cannot be written.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from bibgen.errors import EXIT_OK, BibgenError

app = typer.Typer(
    name="bibgen",
    help="Turn scraped author pages, YAML, BibTeX and CSL-JSON records into clean citation data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

SourcesArg = Annotated[
    Optional[list[Path]],
    typer.Argument(
        help="Files or folders to read (folders are searched recursively). Default: seeds/ in the current folder.",
        show_default=False,
    ),
]


@app.callback()
def _root() -> None:
    """bibgen: seed records in, citation data out. Exit codes: 0 ok, 1 differences, 2 usage/config, 3 invalid input, 4 output error."""


def _emit_diagnostics(options) -> None:  # type: ignore[no-untyped-def]
    for diag in options.diagnostics.sorted():
        print(diag, file=sys.stderr)


@app.command()
def export(
    sources: SourcesArg = None,
    fmt: Annotated[
        Optional[str],
        typer.Option(
            "--format", "-f", "--to",
            help="Output format: bibtex, biblatex, csl-json, yaml. Default: from the -o suffix (.bib, .json, .yaml), else bibtex.",
        ),
    ] = None,
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", help="Write here (atomically) instead of stdout.")
    ] = None,
    key_pattern: Annotated[
        Optional[str],
        typer.Option("--key-pattern", "-k", help="Citation key pattern, e.g. '[auth:lower][year][shorttitle(3)]'."),
    ] = None,
    ascii_only: Annotated[
        bool, typer.Option("--ascii", help="Write pure-ASCII LaTeX escapes instead of UTF-8.")
    ] = False,
    from_fmt: Annotated[
        Optional[str], typer.Option("--from", help="Read every source with this reader instead of by file suffix.")
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors (exit 3).")] = False,
    keys_from: Annotated[
        Optional[Path],
        typer.Option("--keys-from", help="Keep the citation keys of this existing .bib for the works it already has."),
    ] = None,
) -> None:
    """Read sources, merge duplicates, assign keys, and write one output format."""
    from bibgen.keys import DEFAULT_PATTERN, compile_pattern
    from bibgen.output import write_atomic
    from bibgen.pipeline import Options, export as run_export, read_pinned

    options = Options(
        key_pattern=key_pattern or DEFAULT_PATTERN, ascii=ascii_only, strict=strict, reader=from_fmt
    )
    compile_pattern(options.key_pattern)
    if fmt is None:
        fmt = _format_for(output)
    sources = sources or [Path("seeds")]
    if output is not None:
        _refuse_output_among_sources(output, sources, options)
    try:
        pinned = read_pinned(keys_from, options) if keys_from else []
        text = run_export(sources, fmt, options, pinned)
    finally:
        _emit_diagnostics(options)
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomic(output, text)


def _format_for(output: Optional[Path]) -> str:
    """The writer whose suffix ``output`` has (``refs.json`` -> csl-json), else bibtex."""
    from bibgen.registry import writers

    if output is not None and output.suffix:
        writer = writers.for_suffix(output.suffix)
        if writer is not None:
            return writer.name
    return "bibtex"


def _refuse_output_among_sources(output: Path, sources: list[Path], options) -> None:  # type: ignore[no-untyped-def]
    """Writing over an input would destroy it on the next run: a usage error."""
    from bibgen.errors import UsageError
    from bibgen.pipeline import discover

    target = output.resolve()
    for path in discover(sources, options):
        if path.resolve() == target:
            raise UsageError(f"{output}: the output file is also one of the sources; choose another -o path")


@app.command()
def duplicates(
    sources: SourcesArg = None,
    from_fmt: Annotated[
        Optional[str], typer.Option("--from", help="Read every source with this reader instead of by file suffix.")
    ] = None,
) -> None:
    """List the records that would be merged: each cluster with its members (file:line), reason and score."""
    from bibgen.dedupe import find_duplicates, format_clusters
    from bibgen.pipeline import Options, read

    options = Options(reader=from_fmt)
    try:
        clusters = find_duplicates(read(sources or [Path("seeds")], options), options.dedupe_policy)
    finally:
        _emit_diagnostics(options)
    sys.stdout.write(format_clusters(clusters))


def main() -> None:
    """Console entry point: run the app, turning BibgenError into one line and an exit code."""
    try:
        app(standalone_mode=False)
    except BibgenError as exc:
        print(exc, file=sys.stderr)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        print("bibgen: aborted", file=sys.stderr)
        sys.exit(130)
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(EXIT_OK)
    except Exception as exc:  # typer/click usage errors (typer vendors click in recent releases)
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):
            exc.show()
            sys.exit(2 if exc.exit_code not in (0, 1) else exc.exit_code)
        raise
