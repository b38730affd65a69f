"""The command line: a thin typer layer over :mod:`bibgen.pipeline`.

Exit codes: 0 success; 1 differences found (``--check``); 2 usage or
configuration error; 3 invalid input; 4 output cannot be written.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from bibgen.errors import EXIT_DIFFERENCES, BibgenError
from bibgen.output import write_stdout

app = typer.Typer(
    name="bibgen",
    help="Turn scraped author pages, YAML, BibTeX and CSL-JSON records into clean citation data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Help texts show key patterns and [tool.bibgen] literally: no rich markup.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

SourcesArg = Annotated[
    Optional[list[Path]],
    typer.Argument(
        help="Files or folders to read (folders are searched recursively). Default: seeds/ in the current folder.",
        show_default=False,
    ),
]

ConfigOpt = Annotated[
    Optional[Path],
    typer.Option(
        "--config",
        help="Configuration file (pyproject.toml or bibgen.yaml). Default: the nearest one above the current folder.",
    ),
]

ForceOpt = Annotated[bool, typer.Option("--force", help="Also replace read-only output files.")]


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
            help="Output format: bibtex, biblatex, csl-json, yaml, text, markdown, html. "
            "Default: from the -o suffix (.bib, .json, .yaml, .txt, .md, .html), else bibtex.",
        ),
    ] = None,
    style: Annotated[
        Optional[str],
        typer.Option(
            "--style", "-s",
            help="Style for text, markdown and html: plain, unsrt, alpha, unsrtalpha, a CSL style name "
            "(apa, ieee, ...; see 'bibgen styles') or a .csl file. Default: apa when CSL is available, else plain.",
        ),
    ] = None,
    locale: Annotated[
        Optional[str],
        typer.Option(
            "--locale",
            help="CSL locale for text, markdown and html (en-US, de-DE, pt-BR, ...: every official CSL locale); "
            "overrides the style's default-locale.",
        ),
    ] = None,
    group_by: Annotated[
        Optional[str],
        typer.Option("--group-by", help="Sections of the html page: year (default), type or none."),
    ] = None,
    html_fragment: Annotated[
        bool, typer.Option("--html-fragment", help="With --format html: write only the reference list, not a page.")
    ] = False,
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
    cited_by: Annotated[
        Optional[list[Path]],
        typer.Option(
            "--cited-by",
            help="Only entries cited in these .aux/.tex files; cited keys no entry has are errors (exit 1).",
        ),
    ] = None,
    force: ForceOpt = False,
    config_file: ConfigOpt = None,
) -> None:
    """Read sources, merge duplicates, assign keys, and write one output format.

    Defaults for sources, key pattern, ascii, venues and not-duplicates come
    from the configuration ([tool.bibgen] or bibgen.yaml) when there is one;
    command-line options override them.
    """
    from bibgen.config import load_config
    from bibgen.keys import compile_pattern
    from bibgen.output import write_atomic
    from bibgen.pipeline import bulk, read_pinned, render
    from bibgen.registry import writers
    from bibgen.sync import Target, is_bib_format, keyed_entries, read_target

    config = load_config(path=config_file)
    options = config.options(
        key_pattern=key_pattern,
        ascii=True if ascii_only else None,
        strict=True if strict else None,
        reader=from_fmt,
        style=style,
        locale=locale,
        group_by=group_by,
        html_fragment=True if html_fragment else None,
    )
    compile_pattern(options.key_pattern)
    from bibgen.progress import for_stream

    options.progress = for_stream(sys.stderr)  # a bar only on a terminal, and only for long runs
    if fmt is None:
        fmt = _format_for(output)
    writers.get(fmt)  # fail on an unknown format before reading anything
    if style is not None or group_by is not None or locale is not None:
        from bibgen.render.page import GROUPINGS
        from bibgen.style.lookup import find_style

        if group_by is not None and group_by not in GROUPINGS:
            raise typer.BadParameter(f"'{group_by}' is not one of {', '.join(GROUPINGS)}", param_hint="--group-by")
        find_style(style, options.style_dirs, options.locale)  # an unknown style or locale fails before reading anything
    missing = ()
    if output is not None:
        named = sources or (config.source_paths() if config.path else [Path("seeds")])
        _refuse_output_among_sources(output, named, options)
    try:
        # One collector pause for the whole run: a full collection between stages
        # walks every entry again (pipeline.bulk).
        with bulk():
            targets = []
            if keys_from is not None:
                pinned_from = Target(keys_from, None)
                pinned_from.entries = read_pinned(keys_from, options)
                targets.append(pinned_from)
            if sources:
                entries = keyed_entries(config, options, targets, sources=sources)
            elif config.path is None:
                entries = keyed_entries(config, options, targets, sources=[Path("seeds")])
            else:
                # Keys agree with the configured .bib outputs (pinned), as in `bibgen sync`.
                targets += [read_target(s.path, options, s.format) for s in config.outputs if is_bib_format(s.format)]
                entries = keyed_entries(config, options, targets)
            if cited_by:
                from bibgen.citations import read_citations, select_cited

                selection = select_cited(entries, read_citations(cited_by), options.diagnostics)
                entries, missing = list(selection.entries), selection.missing
            text = render(entries, fmt, options)
    finally:
        _emit_diagnostics(options)
    if output is None:
        write_stdout(text)
    else:
        write_atomic(output, text, force=force)
    if missing:
        for cite in missing:
            print(f"{cite.origin}: error: no entry has key '{cite.key}'", file=sys.stderr)
        raise typer.Exit(EXIT_DIFFERENCES)


@app.command()
def sync(
    check: Annotated[
        bool, typer.Option("--check", help="Change nothing; print a diff of what would change; exit 1 if anything would.")
    ] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Write, and print a diff of what changed (exit 1 if anything did).")] = False,
    prune: Annotated[
        bool, typer.Option("--prune", help="Remove target entries that no source produces (kept and reported otherwise).")
    ] = False,
    watch: Annotated[bool, typer.Option("--watch", help="Sync again whenever a source or the configuration changes.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Treat warnings as errors (exit 3).")] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Always run the pipeline (skip the in-sync cache).")] = False,
    force: ForceOpt = False,
    config_file: ConfigOpt = None,
) -> None:
    """Write every output the configuration names, keeping keys and hand edits.

    Keys already in a .bib target stay; entries and fields added by hand are
    kept (--prune removes entries no source produces); hand-edited values are
    kept and reported. Exit codes: 0 in sync or written, 1 differences with
    --check/--diff, 2 configuration error, 3 invalid input, 4 output error.
    """
    from bibgen.config import load_config
    from bibgen import sync as syncing

    if check and (diff or watch):
        raise typer.BadParameter("--check cannot be combined with --diff or --watch")

    def load():  # type: ignore[no-untyped-def]
        config = load_config(path=config_file)
        if config.path is None:
            from bibgen.errors import ConfigError

            raise ConfigError(
                "no configuration found ([tool.bibgen] in pyproject.toml, or bibgen.yaml)",
                hint="run 'bibgen init'",
            )
        return config, config.options(strict=True if strict else None)

    def run(config, options) -> bool:  # type: ignore[no-untyped-def]
        try:
            result = syncing.sync(config, options, check=check, prune=prune, use_cache=not no_cache, force=force)
        finally:
            _emit_diagnostics(options)
            options.diagnostics.items.clear()
        if check or diff:
            write_stdout(result.diff())
        for change in result.changes:
            if change.changed:
                name = syncing._display(change.path, None)
                print(f"bibgen: {name} {'would change' if check else 'written'}", file=sys.stderr)
        return result.changed

    if watch:
        def report(exc: BaseException) -> None:
            print(exc, file=sys.stderr)

        print("bibgen: watching for changes (Ctrl-C stops)", file=sys.stderr)
        syncing.watch(load, run, report)
        return
    config, options = load()
    if run(config, options) and (check or diff):
        raise typer.Exit(EXIT_DIFFERENCES)


@app.command()
def init(
    yaml_file: Annotated[
        bool, typer.Option("--yaml", help="Write bibgen.yaml even when a pyproject.toml exists.")
    ] = False,
) -> None:
    """Write a starter configuration (never overwrites) and print the pre-commit snippet."""
    from bibgen.init import init_project

    written = init_project(Path.cwd(), prefer_yaml=yaml_file)
    print(f"bibgen: wrote {written.description}", file=sys.stderr)
    write_stdout(written.snippet)


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
def styles(
    all_styles: Annotated[
        bool, typer.Option("--all", help="Also list every standard CSL style (thousands), not just the short list.")
    ] = False,
    config_file: ConfigOpt = None,
) -> None:
    """List the styles --style accepts: name, engine, where it comes from, and title."""
    from bibgen.config import load_config
    from bibgen.style.lookup import format_table, list_styles

    options = load_config(path=config_file).options()
    write_stdout(format_table(list_styles(options.style_dirs, all_styles=all_styles)))


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
    write_stdout(format_clusters(clusters))


@app.command()
def enrich(
    sources: SourcesArg = None,
    offline: Annotated[bool, typer.Option("--offline", help="Use only the lookup cache; never touch the network.")] = False,
    refresh: Annotated[bool, typer.Option("--refresh", help="Ask the providers again instead of the cache.")] = False,
    explain: Annotated[
        Optional[str], typer.Option("--explain", help="Show what the lock says about the entry with this key, and stop.")
    ] = None,
    providers: Annotated[
        Optional[str], typer.Option("--providers", help="Comma-separated providers in the order to ask, e.g. 'arxiv,crossref'.")
    ] = None,
    from_fmt: Annotated[
        Optional[str], typer.Option("--from", help="Read every source with this reader instead of by file suffix.")
    ] = None,
    config_file: ConfigOpt = None,
) -> None:
    """Look up missing years, authors, arXiv ids, DOIs and venues; record them in the enrichment lock.

    Only this command uses the network. export and sync fill entries from the
    lock (with 'enrich' in the configuration), so their output never depends
    on the network. Exit codes: 0 every lookup ran (matched, ambiguous or not
    found), 1 some lookups failed (what succeeded is written), 2 usage or
    configuration error, 3 invalid input, 4 the lock cannot be written.
    """
    from dataclasses import replace as _replace

    from bibgen.config import load_config
    from bibgen.enrich.lock import DEFAULT_NAME
    from bibgen.enrich.stage import EnrichPolicy
    from bibgen.errors import UsageError

    config = load_config(path=config_file)
    policy = config.enrich or EnrichPolicy(lock=(config.root / DEFAULT_NAME).resolve())
    if providers is not None:
        from bibgen.enrich.providers import names

        chosen = tuple(p.strip() for p in providers.split(",") if p.strip())
        unknown = [p for p in chosen if p not in names()]
        if unknown or not chosen:
            raise UsageError(f"--providers: unknown provider '{(unknown or [''])[0]}' (valid: {', '.join(names())})")
        policy = _replace(policy, providers=chosen)
    if offline and refresh:
        raise UsageError("--offline and --refresh cannot be combined")
    # Entries as export sees them (deduplicated, keyed), but not yet filled from the lock.
    options = config.options(reader=from_fmt)
    options.enrich = policy if explain is not None else None
    from bibgen.progress import for_stream

    options.progress = for_stream(sys.stderr)
    from bibgen.enrich.run import run_enrich

    named = sources or (config.source_paths() if config.path else [Path("seeds")])
    try:
        code = run_enrich(config, options, policy, named, offline=offline, refresh=refresh, explain=explain)
    finally:
        _emit_diagnostics(options)
    if code:
        raise typer.Exit(code)


def main() -> None:
    """Console entry point: run the app, turning BibgenError into one line and an exit code."""
    try:
        code = app(standalone_mode=False)
        sys.stdout.flush()  # a full disk or a closed pipe shows here, not in the interpreter's exit
        # Without standalone mode click returns typer.Exit's code instead of raising.
        if isinstance(code, int) and code:
            sys.exit(code)
    except BibgenError as exc:
        print(exc, file=sys.stderr)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        try:
            sys.stdout.flush()
        except OSError as err:
            from bibgen.output import os_error

            sys.exit(os_error(err))
        sys.exit(exc.exit_code)
    except typer.Abort:
        print("bibgen: aborted", file=sys.stderr)
        sys.exit(130)
    except KeyboardInterrupt:
        sys.exit(130)
    except OSError as exc:  # stdout (ENOSPC, EPIPE), or an OS error no stage turned into a BibgenError
        from bibgen.output import os_error

        sys.exit(os_error(exc))
    except Exception as exc:  # typer/click usage errors (typer vendors click in recent releases)
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):
            exc.show()
            sys.exit(2 if exc.exit_code not in (0, 1) else exc.exit_code)
        raise
