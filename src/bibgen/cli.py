"""The command line: a thin typer layer over :mod:`bibgen.pipeline`.

Exit codes: 0 success; 1 differences found (``--check``); 2 usage or
configuration error; 3 invalid input; 4 output cannot be written.

Layout, so that new commands and options merge easily:

* shared option types (``ConfigOpt``, ``StrictOpt``, ``KeepGoingOpt``, ...)
  are declared once below and reused by every command;
* :func:`resolve` is the one configuration resolution every command uses:
  the same discovery, the same ``--config``/``--from``/``--strict``/
  ``--keep-going``/``--encoding`` overrides, the same default sources;
* :data:`console` holds the global ``-q``/``-v``/``--no-color`` choices and
  prints diagnostics and the summary line;
* each command is one function decorated with ``@command()``, which also
  accepts ``-q``/``-v``/``--no-color`` after the command name.
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Callable, Optional

import typer

from bibgen.errors import EXIT_DIFFERENCES, EXIT_INPUT, EXIT_OK, BibgenError
from bibgen.output import write_stdout

app = typer.Typer(
    name="bibgen",
    help="Turn scraped author pages, YAML, BibTeX and CSL-JSON records into clean citation data.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion (bash, zsh, fish, PowerShell)
    pretty_exceptions_enable=False,
    # Help texts show key patterns and [tool.bibgen] literally: no rich markup.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# ---------------------------------------------------------------- shared options

SourcesArg = Annotated[
    Optional[list[Path]],
    typer.Argument(
        help="Files or folders to read (folders are searched recursively). "
        "Default: the configuration's sources, else seeds/ in the current folder.",
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
FromOpt = Annotated[
    Optional[str], typer.Option("--from", help="Read every source with this reader instead of by file suffix.")
]
StrictOpt = Annotated[bool, typer.Option("--strict", help="Treat warnings as errors (exit 3).")]
KeepGoingOpt = Annotated[
    bool,
    typer.Option(
        "--keep-going",
        help="Skip entries that cannot be parsed (each reported, and counted in the summary) instead of failing.",
    ),
]
EncodingOpt = Annotated[
    Optional[str],
    typer.Option(
        "--encoding",
        help="Encoding of sources without a byte-order mark or '% Encoding:' header (e.g. latin-1). Default: UTF-8.",
    ),
]


@dataclass
class Console:
    """The global output choices (-q, -v, --no-color) and everything printed to stderr."""

    quiet: bool = False
    verbose: bool = False
    color: bool | None = None  # None: on a terminal unless NO_COLOR

    def colored(self) -> bool:
        if self.color is not None:
            return self.color
        if os.environ.get("NO_COLOR"):
            return False
        try:
            return sys.stderr.isatty()
        except (AttributeError, ValueError):
            return False

    def paint(self, line: str) -> str:
        if not self.colored():
            return line
        for word, code in ((": error: ", "31"), (": warning: ", "33"), (": note: ", "36")):
            if word in line:
                head, _, rest = line.partition(word)
                return f"\x1b[1m{head}\x1b[0m: \x1b[1;{code}m{word[2:-2]}\x1b[0m: {rest}"
        return line

    def diagnostics(self, options: Any) -> None:
        for diag in options.diagnostics.sorted():
            if self.quiet and diag.severity.value != "error":
                continue
            print(self.paint(str(diag)), file=sys.stderr)

    def error(self, exc: BibgenError) -> None:
        from bibgen.excerpt import excerpt

        print(self.paint(str(exc)), file=sys.stderr)
        # The excerpt shows the faulty line of a source; an output or usage error, or a
        # file that cannot be read at all (its 1:1 only names the file), has no such line.
        from bibgen.errors import UnreadableError

        if exc.exit_code == EXIT_INPUT and not isinstance(exc, UnreadableError):
            for line in excerpt(exc.origin):
                print(line, file=sys.stderr)

    def status(self, message: str) -> None:
        if not self.quiet:
            print(f"bibgen: {message}", file=sys.stderr)

    def summary(self, options: Any, written: int | None, where: str) -> None:
        """One line: read, merged, written, skipped, warnings (and with -v the seconds per stage)."""
        if self.quiet:
            return
        st = options.stats
        warnings = sum(1 for d in options.diagnostics.items if d.severity.value == "warning")
        parts = [f"read {_count(st.records, 'record')} from {_count(st.files, 'file')}", f"merged {st.merged}"]
        if written is not None:
            parts.append(f"wrote {_count(written, 'entry', 'entries')} to {where}")
        if options.diagnostics.skipped:
            where_ = sorted(o for o in options.diagnostics.skipped if o)
            spots = ", ".join(str(o) for o in where_[:5])
            more = ", ..." if len(options.diagnostics.skipped) > 5 else ""
            parts.append(f"skipped {len(options.diagnostics.skipped)} ({spots}{more})")
        parts.append(_count(warnings, "warning"))
        line = "bibgen: " + ", ".join(parts)
        if self.verbose and st.seconds:
            line += " [" + ", ".join(f"{k} {v:.2f} s" for k, v in st.seconds.items()) + "]"
        print(line, file=sys.stderr)


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


console = Console()


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            v = version("bibgen")
        except PackageNotFoundError:  # running from a source tree
            v = "unknown"
        print(f"bibgen {v}")
        raise typer.Exit(EXIT_OK)


def _set_output(quiet: bool, verbose: bool, no_color: bool) -> None:
    if quiet and verbose:
        raise typer.BadParameter("-q and -v cannot be combined")
    console.quiet = console.quiet or quiet
    console.verbose = console.verbose or verbose
    if no_color:
        console.color = False
        os.environ["NO_COLOR"] = "1"  # rich (help, progress) honours it too


QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only: no warnings, notes or summary.")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Also print the seconds each stage took.")]
NoColorOpt = Annotated[bool, typer.Option("--no-color", help="No colours on stderr (also: NO_COLOR=1).")]


# .bib layout options (bibgen.layout.Layout), shared by export and tidy; config: [bibtex].
_L = "BibTeX layout"
ProtectOpt = Annotated[Optional[str], typer.Option("--protect-case", help="Brace title words against case changes: auto (Better BibTeX's rules; default), words, none.", rich_help_panel=_L)]
OmitOpt = Annotated[Optional[list[str]], typer.Option("--omit", help="Leave out these fields (repeat or comma-separate: --omit abstract,keywords).", rich_help_panel=_L)]
OnlyOpt = Annotated[Optional[list[str]], typer.Option("--only-fields", help="Write only these fields.", rich_help_panel=_L)]
OrderOpt = Annotated[Optional[list[str]], typer.Option("--field-order", help="These fields first, in this order; the rest in bibgen's order.", rich_help_panel=_L)]
SortOpt = Annotated[Optional[list[str]], typer.Option("--sort", help="Sort entries by key, year, author, type ('-year' descending; several: --sort -year,key); none keeps the input order.", rich_help_panel=_L)]
AlignOpt = Annotated[Optional[int], typer.Option("--align", help="Pad field names to this width so the '=' line up.", rich_help_panel=_L)]
QuotesOpt = Annotated[Optional[bool], typer.Option("--quotes/--braces", help='Delimit values with "..." instead of {...}.', rich_help_panel=_L)]
MonthOpt = Annotated[Optional[bool], typer.Option("--month-macros/--no-month-macros", help="month = jun (default) or month = {6}.", rich_help_panel=_L)]
WrapOpt = Annotated[Optional[int], typer.Option("--wrap", help="Wrap values longer than this many columns.", rich_help_panel=_L)]
AbbrOpt = Annotated[Optional[bool], typer.Option("--abbreviate-journals", help="ISO 4 journal abbreviations (LTWA, via pyiso4).", rich_help_panel=_L)]
ExpandOpt = Annotated[Optional[bool], typer.Option("--expand-journals", help="Full journal names for known ISO 4 abbreviations.", rich_help_panel=_L)]


def _layout_overrides(protect_case, omit, only_fields, field_order, sort, align, quotes, month_macros, wrap, abbreviate, expand):  # type: ignore[no-untyped-def]
    """The Layout keyword arguments the command line sets (None: not given)."""
    from bibgen.layout import split_list

    if abbreviate and expand:
        raise typer.BadParameter("--abbreviate-journals and --expand-journals exclude each other")
    given = {
        "protect_case": protect_case,
        "omit": split_list(omit) if omit else None,
        "only_fields": split_list(only_fields) if only_fields else None,
        "field_order": split_list(field_order) if field_order else None,
        "sort": split_list(sort) if sort else None,
        "align": align,
        "quotes": quotes,
        "month_macros": month_macros,
        "wrap": wrap,
        "journals": "iso4" if abbreviate else "expand" if expand else None,
    }
    return {k: v for k, v in given.items() if v is not None}

ForceOpt = Annotated[bool, typer.Option("--force", help="Also replace read-only output files.")]
CheckOpt = Annotated[bool, typer.Option("--check", help="Change nothing; print a diff of what would change; exit 1 if anything would.")]
DiffOpt = Annotated[bool, typer.Option("--diff", help="Write, and print a diff of what changed (exit 1 if anything did).")]


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print bibgen's version and exit.")
    ] = False,
    quiet: QuietOpt = False,
    verbose: VerboseOpt = False,
    no_color: NoColorOpt = False,
) -> None:
    """bibgen: seed records in, citation data out. Exit codes: 0 ok, 1 differences, 2 usage/config, 3 invalid input, 4 output error."""
    _set_output(quiet, verbose, no_color)


def command(**kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``app.command`` that also takes ``-q``/``-v``/``--no-color`` after the command name."""

    def wrap(func: Callable[..., Any]) -> Callable[..., Any]:
        sig = inspect.signature(func, eval_str=True)
        extra = [
            inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=False, annotation=ann)
            for name, ann in (("quiet", QuietOpt), ("verbose", VerboseOpt), ("no_color", NoColorOpt))
        ]

        @functools.wraps(func)
        def run(*args: Any, quiet: bool = False, verbose: bool = False, no_color: bool = False, **kw: Any) -> Any:
            _set_output(quiet, verbose, no_color)
            return func(*args, **kw)

        run.__signature__ = sig.replace(parameters=[*sig.parameters.values(), *extra])  # type: ignore[attr-defined]
        return app.command(**kwargs)(run)

    return wrap


# ---------------------------------------------------------------- one configuration resolution


def resolve(
    config_file: Optional[Path] = None,
    *,
    from_fmt: Optional[str] = None,
    strict: bool = False,
    keep_going: bool = False,
    encoding: Optional[str] = None,
    **overrides: Any,
) -> tuple[Any, Any]:
    """(config, options) for any command: the configuration found the same way, the same flags on top."""
    from bibgen.config import load_config
    from bibgen.encoding import check_encoding
    from bibgen.progress import for_stream

    config = load_config(path=config_file)
    if from_fmt is not None:
        from bibgen.registry import readers

        readers.get(from_fmt)  # an unknown reader fails before reading anything
    options = config.options(
        strict=True if strict else None,
        reader=from_fmt,
        keep_going=True if keep_going else None,
        encoding=check_encoding(encoding) if encoding else None,
        **overrides,
    )
    options.progress = for_stream(sys.stderr)  # a bar only on a terminal, and only for long runs
    return config, options


def source_list(config: Any, sources: Optional[list[Path]]) -> list[Path]:
    """The sources a command reads: those named, else the configuration's, else ./seeds."""
    if sources:
        return list(sources)
    return config.source_paths() if config.path else [Path("seeds")]


def _emit_diagnostics(options: Any) -> None:
    console.diagnostics(options)


@command()
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
    from_fmt: FromOpt = None,
    strict: StrictOpt = False,
    keep_going: KeepGoingOpt = False,
    encoding: EncodingOpt = None,
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
    rekey: Annotated[
        bool, typer.Option("--rekey", help="New keys from the pattern for entries whose key is not pinned; old keys stay in ids.")
    ] = False,
    protect_case: ProtectOpt = None, omit: OmitOpt = None, only_fields: OnlyOpt = None, field_order: OrderOpt = None,
    sort: SortOpt = None, align: AlignOpt = None, quotes: QuotesOpt = None, month_macros: MonthOpt = None,
    wrap: WrapOpt = None, abbreviate_journals: AbbrOpt = None, expand_journals: ExpandOpt = None,
    force: ForceOpt = False,
    config_file: ConfigOpt = None,
) -> None:
    """Read sources, merge duplicates, assign keys, and write one output format.

    Defaults for sources, key pattern, ascii, venues and not-duplicates come
    from the configuration ([tool.bibgen] or bibgen.yaml) when there is one;
    command-line options override them.
    """
    from bibgen.keys import compile_pattern
    from bibgen.output import write_atomic
    from bibgen.pin import Target, is_bib_format, read_target
    from bibgen.options import keep_until_exit
    from bibgen.pipeline import bulk, keyed_entries, read_pinned, render, render_parts
    from bibgen.registry import writers

    config, options = resolve(
        config_file,
        from_fmt=from_fmt,
        strict=strict,
        keep_going=keep_going,
        encoding=encoding,
        key_pattern=key_pattern,
        ascii=True if ascii_only else None,
        style=style,
        locale=locale,
        group_by=group_by,
        html_fragment=True if html_fragment else None,
        rekey=True if rekey else None,
        layout=_layout_overrides(
            protect_case, omit, only_fields, field_order, sort, align, quotes, month_macros, wrap,
            abbreviate_journals, expand_journals,
        ),
    )
    compile_pattern(options.key_pattern)
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
        _refuse_output_among_sources(output, source_list(config, sources), options)
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
                entries = keyed_entries(config, options, targets, sources=sources, early=fmt)
            elif config.path is None:
                entries = keyed_entries(config, options, targets, sources=[Path("seeds")], early=fmt)
            else:
                # Keys agree with the configured .bib outputs (pinned), as in `bibgen sync`.
                targets += [read_target(s.path, options, s.format) for s in config.outputs if is_bib_format(s.format)]
                entries = keyed_entries(config, options, targets, early=fmt)
            keep_until_exit(entries, options, targets)  # (freed by the process's end, if it ends at once)
            if cited_by:
                from bibgen.citations import read_citations, select_cited

                selection = select_cited(entries, read_citations(cited_by), options.diagnostics)
                entries, missing = list(selection.entries), selection.missing
            if output is None:
                text = render(entries, fmt, options)  # whole, before any of it goes out: no partial output
            else:
                # Written as the writer makes it (bibgen.output.write_atomic): an
                # error on the way leaves the target as it was.
                write_atomic(output, render_parts(entries, fmt, options), force=force)
    finally:
        if options.early is not None:
            options.early.discard()  # type: ignore[attr-defined]
        _emit_diagnostics(options)
    if output is None:
        _write_stdout(text)
    console.summary(options, len(entries), str(output) if output else "stdout")
    if missing:
        for cite in missing:
            print(f"{cite.origin}: error: no entry has key '{cite.key}'", file=sys.stderr)
        raise typer.Exit(EXIT_DIFFERENCES)


@command()
def sync(
    check: CheckOpt = False,
    diff: DiffOpt = False,
    prune: Annotated[
        bool, typer.Option("--prune", help="Remove target entries that no source produces (kept and reported otherwise).")
    ] = False,
    watch: Annotated[bool, typer.Option("--watch", help="Sync again whenever a source or the configuration changes.")] = False,
    strict: StrictOpt = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Always run the pipeline (skip the in-sync cache).")] = False,
    keep_going: KeepGoingOpt = False,
    encoding: EncodingOpt = None,
    from_fmt: FromOpt = None,
    force: ForceOpt = False,
    config_file: ConfigOpt = None,
) -> None:
    """Write every output the configuration names, keeping keys and hand edits.

    Keys already in a .bib target stay; entries and fields added by hand are
    kept (--prune removes entries no source produces); hand-edited values are
    kept and reported. Exit codes: 0 in sync or written, 1 differences with
    --check/--diff, 2 configuration error, 3 invalid input, 4 output error.
    """
    from bibgen import sync as syncing

    if check and (diff or watch):
        raise typer.BadParameter("--check cannot be combined with --diff or --watch")

    def load():  # type: ignore[no-untyped-def]
        config, options = resolve(config_file, from_fmt=from_fmt, strict=strict, keep_going=keep_going, encoding=encoding)
        if config.path is None:
            from bibgen.errors import ConfigError

            raise ConfigError(
                "no configuration found ([tool.bibgen] in pyproject.toml, or bibgen.yaml)",
                hint="run 'bibgen init'",
            )
        return config, options

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
                name = syncing.display_path(change.path, None)
                print(f"bibgen: {name} {'would change' if check else 'written'}", file=sys.stderr)
        if options.stats.files:  # (nothing was read when the in-sync cache answered)
            changed = sum(1 for c in result.changes if c.changed)
            what = "would change" if check else "wrote"
            console.summary(options, None, "")
            console.status(f"{what} {_count(changed, 'file')} of {len(result.changes)}")
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


@command()
def init(
    yaml_file: Annotated[
        bool, typer.Option("--yaml", help="Write bibgen.yaml even when a pyproject.toml exists.")
    ] = False,
) -> None:
    """Write a configuration that matches this folder (its sources), never overwriting; print the pre-commit snippet."""
    from bibgen.init import init_project

    written = init_project(Path.cwd(), prefer_yaml=yaml_file)
    console.status(f"wrote {written.description}")
    _write_stdout(written.snippet)


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

    try:
        target = os.stat(output)
    except OSError:
        return  # (nothing there yet: no source is it)
    for path in discover(sources, options):
        try:
            same = os.path.samestat(os.stat(path), target)  # (symlinks and hard links too; one stat per file)
        except OSError:
            continue  # (the reader reports a source it cannot read)
        if same:
            raise UsageError(
                f"{output}: the output file is also one of the sources; choose another -o path "
                f"(to reformat a .bib in place: bibgen tidy {output})"
            )


@app.command()
def tidy(
    files: Annotated[list[Path], typer.Argument(help=".bib files to reformat in place.", show_default=False)],
    check: CheckOpt = False,
    diff: DiffOpt = False,
    omit: OmitOpt = None, only_fields: OnlyOpt = None, field_order: OrderOpt = None,
    sort: SortOpt = None, align: AlignOpt = None, quotes: QuotesOpt = None, month_macros: MonthOpt = None,
    wrap: WrapOpt = None, abbreviate_journals: AbbrOpt = None, expand_journals: ExpandOpt = None,
    config_file: ConfigOpt = None,
) -> None:
    """Reformat .bib files in place (atomically), keeping every value, comment, @string and @preamble.

    Entries keep their order unless --sort is given; values keep their source
    text (LaTeX, braces, macros). Layout options and [bibtex] in the
    configuration apply. Exit codes: 0 tidy or written, 1 differences with
    --check/--diff, 2 usage error, 3 invalid input, 4 output error.
    """
    from dataclasses import replace

    from bibgen import tidy as tidying
    from bibgen.config import load_config
    from bibgen.output import write_atomic

    if check and diff:
        raise typer.BadParameter("--check cannot be combined with --diff")
    config = load_config(path=config_file)
    overrides = _layout_overrides(
        None, omit, only_fields, field_order, sort, align, quotes, month_macros, wrap,
        abbreviate_journals, expand_journals,
    )
    layout = config.options(layout=overrides).layout
    if "sort" not in overrides and "sort" not in config.layout:
        layout = replace(layout, sort=("none",))  # a user's file keeps its order unless asked
    results = [tidying.tidy_file(path, layout) for path in files]  # every file parses before any is written
    changed = False
    for result in results:
        if not result.changed:
            continue
        changed = True
        if check or diff:
            sys.stdout.write(tidying.diff(result))
        if not check:
            write_atomic(result.path, result.new)
        print(f"bibgen: {result.path} {'would change' if check else 'reformatted'}", file=sys.stderr)
    if changed and (check or diff):
        raise typer.Exit(EXIT_DIFFERENCES)


@command()
def styles(
    all_styles: Annotated[
        bool, typer.Option("--all", help="Also list every standard CSL style (thousands), not just the short list.")
    ] = False,
    config_file: ConfigOpt = None,
) -> None:
    """List the styles --style accepts: name, engine, where it comes from, and title."""
    from bibgen.style.lookup import format_table, list_styles

    _, options = resolve(config_file)
    _write_stdout(format_table(list_styles(options.style_dirs, all_styles=all_styles)))


@command()
def duplicates(
    sources: SourcesArg = None,
    from_fmt: FromOpt = None,
    strict: StrictOpt = False,
    keep_going: KeepGoingOpt = False,
    encoding: EncodingOpt = None,
    config_file: ConfigOpt = None,
) -> None:
    """List the records that would be merged (each cluster with its members, reason and score) and the near pairs refused, with why."""
    from bibgen.dedupe import dedupe, format_clusters, format_refusals
    from bibgen.pipeline import read

    config, options = resolve(config_file, from_fmt=from_fmt, strict=strict, keep_going=keep_going, encoding=encoding)
    try:
        entries = sorted(read(source_list(config, sources), options), key=lambda e: e.origin)
        result = dedupe(entries, options.diagnostics, options.dedupe_policy)
    finally:
        _emit_diagnostics(options)
    _write_stdout(format_clusters(result.clusters) + format_refusals(result.refused))
    merged = sum(len(c.members) - 1 for c in result.clusters)
    options.stats.merged = merged
    console.summary(options, None, "")


def _write_stdout(text: str) -> None:
    """Data to stdout, always as UTF-8 whatever the locale says (ASCII with --ascii is a subset).

    An OS error there (full disk, closed pipe) is one line with exit 4 (bibgen.output.stdout_error).
    """
    from bibgen.output import stdout_error

    try:
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:  # a text-only stream (tests that capture stdout)
            sys.stdout.write(text)
            sys.stdout.flush()
            return
        sys.stdout.flush()
        buffer.write(text.encode("utf-8"))
        buffer.flush()
    except OSError as exc:
        raise stdout_error(exc) from None


@command()
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
    from_fmt: FromOpt = None,
    strict: StrictOpt = False,
    keep_going: KeepGoingOpt = False,
    encoding: EncodingOpt = None,
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

    from bibgen.enrich.lock import DEFAULT_NAME
    from bibgen.enrich.stage import EnrichPolicy
    from bibgen.errors import UsageError

    # The same configuration resolution and flags as every other command.
    config, options = resolve(config_file, from_fmt=from_fmt, strict=strict, keep_going=keep_going, encoding=encoding)
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
    options.enrich = policy if explain is not None else None
    from bibgen.enrich.run import run_enrich

    named = source_list(config, sources)
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
        console.error(exc)
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
