"""Reader for BibTeX and BibLaTeX files (``*.bib``).

bibtexparser v2 splits the file into blocks (with line numbers), or, for an
ordinary well-formed file, bibgen's own faster splitter (:mod:`bibgen.bibsplit`)
where both are known to agree (``tests/unit/test_bibtex_fast_split.py`` reads
every file both ways); everything after that is done here, so its rules are
explicit and tested:

* Values are evaluated the BibTeX way: ``{...}``, ``"..."``, numbers and
  macros joined by ``#``. Macros are the file's ``@string`` definitions (in
  file order) and the month names ``jan`` .. ``dec``.
* LaTeX is decoded to Unicode with :func:`bibgen.latex.decode` (accents,
  escapes, protective braces); ``$...$`` math is kept.
* Names are split with pybtex's parser (``von Last, Jr, First``); a trailing
  ``others`` marks the list as partial. A fully braced name with a space
  (``{World Health Organization}``) is a corporate (literal) name.
* ``crossref`` is resolved against entries of the same file (and kept);
  ``ids`` becomes :attr:`Entry.aliases`.
* BibTeX and BibLaTeX field names are mapped to bibgen's neutral names
  (``journal``/``journaltitle``/``booktitle`` -> ``container``, ...); any other
  field is kept under its lower-cased name.

A block that cannot be parsed is an error at the exact place of the fault
(an unclosed brace where it opens, a missing comma after the field before
it); with ``--keep-going`` it is skipped with a warning and counted.
Duplicate keys and undefined macros are warnings with the block's line.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from itertools import chain
from operator import itemgetter
from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

from bibgen import parallel
from bibgen import safety as limits
from bibgen.errors import InputError
from bibgen.caseprotect import CASE_FIELDS, source_marks
from bibgen.latex import decode as decode_latex
from bibgen.latex import escape_bare_signs, unknown_commands
from bibgen.model import Entry, EntryKind, Fields, Origin, Pending, Person, flat_source_form, people_signature
from bibgen.normalize import bare_doi, clean_text
from bibgen.dates import SEASONS, parse_edtf
from bibgen.mappings.types import BIB_KINDS
from bibgen.readers import decode, max_input_bytes

if TYPE_CHECKING:
    from bibgen.options import Options

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

# The type table is bibgen.mappings.types (one table for every dialect).
TYPES: Mapping[str, EntryKind] = BIB_KINDS
# Field name -> neutral name. The first one present wins; later ones are kept as they are.
_RENAMES: Mapping[str, str] = {
    "journal": "container",
    "journaltitle": "container",
    "booktitle": "container",
    "archiveprefix": "eprinttype",
    "eprinttype": "eprinttype",
    "primaryclass": "eprintclass",
    "eprintclass": "eprintclass",
    "institution": "publisher",
    "school": "publisher",
    "organization": "publisher",
    "location": "address",
}
# Among spellings of one neutral field, the lower rank becomes it; the others keep their names.
_SPELLING_RANK: Mapping[str, int] = {
    "journaltitle": 1, "booktitle": 2, "institution": 1, "school": 2, "organization": 3, "location": 1,
    "eprinttype": 1, "eprintclass": 1,
}  # fmt: skip
# Only these kinds take a container from ``booktitle``/``journal``; a @book's
# booktitle (its own title in biblatex multi-volume works) stays as it is.
_CONTAINER_KINDS = frozenset(
    {EntryKind.ARTICLE, EntryKind.INPROCEEDINGS, EntryKind.INCOLLECTION, EntryKind.NEWS, EntryKind.MISC,
     EntryKind.PREPRINT, EntryKind.ONLINE}
)  # fmt: skip
PEOPLE_ROLES = ("author", "editor", "translator")
# Identifiers and URLs: no LaTeX decoding beyond the escapes writers put in.
VERBATIM = frozenset(
    {"doi", "url", "eprint", "ids", "file", "isbn", "issn", "urldate", "crossref", "xdata", "xref", "date",
     "eventdate", "origdate", "pdf", "verba", "verbb", "verbc"}
)  # fmt: skip
_VERBATIM_ESCAPES = re.compile(r"\\([%&#_$~{}])")
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


class BibtexReader:
    """Reads BibTeX/BibLaTeX; see the module docstring for the rules."""

    name = "bibtex"
    suffixes = (".bib",)
    # Every value and name part goes through clean_text here and the DOI loses its
    # resolver: what pipeline.normalize_entry would do (tests/properties/test_fast_paths.py).
    normalized = True

    def read(self, data: bytes, path: str, options: Options) -> list[Entry]:
        return read_bibtex(decode(data, path), path, options)

    def read_scanning(self, data: bytes, path: str, options: Options) -> tuple[list[Entry], bool | None]:
        """:meth:`read`, and :func:`bibgen.safety.has_invisible` of ``data`` when it was found on
        the way (a file read in parts: each process scans its share of the bytes), else None."""
        if _parts_worth_it(len(data)) and b"\r" not in data and not data.startswith(b"\xef\xbb\xbf") and len(data) <= max_input_bytes():
            # Cut the bytes, not the text: each process decodes only its own part
            # (UTF-8 never has "\n@" inside a character), so the text of the whole
            # file is never made here. Anything a part cannot say (invalid UTF-8,
            # a NUL) sends the file through decode(), which reports it.
            out = _read_in_parts(None, path, options, data)
            if out is not None:
                return out
        return _read_whole_or_in_parts(decode(data, path), path, options, data)


def read_bibtex(text: str, path: str, options: Options) -> list[Entry]:
    """Entries of BibTeX ``text``; ``path`` is used in origins and diagnostics."""
    return _read_whole_or_in_parts(text, path, options)[0]


def _read_whole_or_in_parts(text: str, path: str, options: Options, data: bytes | None = None) -> tuple[list[Entry], bool | None]:
    """The entries of ``text``, read in parts when it is large (see :func:`_read_in_parts` for ``data``)."""
    if _parts_worth_it(len(text)):
        out = _read_in_parts(text, path, options, data)
        if out is not None:
            return out
    return _read_text(text, path, options).entries, None  # type: ignore[return-value]


# A file this large is read in parts, one per process (bibgen.parallel), when it
# can be: forking and sending the entries back cost some tens of milliseconds.
PARALLEL_BYTES = 4 << 20
# This process reads a part this much larger than a child's (which also pickles it):
# 1.2 against 1.4 and 1.0 in alternating runs of the 10k realistic .bib (bench/realistic.py).
_LEAD = 1.2
# Macros and the preamble serve the blocks after them (the preamble: every entry).
_FILE_WIDE = re.compile(r"@\s*(?:string|preamble)", re.IGNORECASE)
# The same in bytes (re's IGNORECASE is ASCII there, as bibsplit's type names are):
# it finds every block the splitter reads as a macro or a preamble, and maybe more.
_FILE_WIDE_BYTES = re.compile(rb"@\s*(?:string|preamble)", re.IGNORECASE)


def _parts_worth_it(size: int) -> bool:
    return size >= PARALLEL_BYTES and parallel.jobs() > 1


class _Read(NamedTuple):
    """What :func:`_read_text` found in a text."""

    entries: list[Entry] | None  # None: a part bibgen's splitter refuses
    expanded: int  # characters macros added (the file's budget)
    keys: set[str]  # folded keys
    macros: dict[str, str]  # as defined at the end
    preamble: tuple[str, ...]
    links: bool  # an entry names another (crossref, xdata): the whole file is needed


def _read_in_parts(text: str | None, path: str, options: Options, data: bytes | None = None) -> tuple[list[Entry], bool | None] | None:
    """The entries :func:`_read_text` gives for the whole ``text``, from parts read in parallel; None if it cannot tell.

    With ``data`` (the file's bytes) each process also scans its share of them
    with :func:`bibgen.safety.has_invisible`, whose answer for the whole comes
    second (else None). With ``text`` None, ``data`` is cut instead (UTF-8
    without a BOM or a carriage return: what :func:`bibgen.readers.decode`
    would give the same text for) and each part decoded where it is read; a
    part that is not valid UTF-8 or holds a NUL is refused.

    The head of the file, up to the block after its last ``@string`` or
    ``@preamble``, is read here first; the rest is cut into parts that each
    start at an ``@`` beginning a line, read with the head's macros and
    preamble. A part is read only by bibgen's own splitter, which refuses a
    part that ends inside a block, so a part that reads at all ends where a
    block of the whole file ends. Anything else (a part the splitter refuses, a
    key in two parts, an entry that inherits from another, an error, the
    expansion budget) sends the whole file through the plain path, and the
    parts' diagnostics are taken back.
    """
    source: str | bytes = data if text is None else text  # type: ignore[assignment]
    nl_at, nl = ("\n@", "\n") if text is not None else (b"\n@", b"\n")
    head_end = 0
    last = None
    for last in (_FILE_WIDE if text is not None else _FILE_WIDE_BYTES).finditer(source):  # type: ignore[arg-type]
        pass
    if last is not None:
        at = source.find(nl_at, last.end())  # type: ignore[arg-type]
        if at < 0 or at > len(source) // 2:
            return None
        head_end = at + 1
    n = parallel.jobs()
    cuts = [head_end]
    for k in range(1, n):
        # The first part is read here and a bit larger (parallel.chunks: lead).
        share = (_LEAD + k - 1) / (_LEAD + n - 1)
        at = source.find(nl_at, max(cuts[-1], head_end + int((len(source) - head_end) * share)))  # type: ignore[arg-type]
        if at < 0:
            break
        cuts.append(at + 1)
    if len(cuts) < 2:
        return None
    spans = list(zip(cuts, cuts[1:] + [len(source)]))
    lines_before = [source.count(nl, 0, a) for a, _ in spans]  # type: ignore[arg-type]
    # Each part's process also scans a share of the bytes (as much as its share of the text).
    size = len(data) if data is not None else 0
    shares = list(cuts[1:]) if text is None else [round(size * a / len(source)) for a in cuts[1:]]
    scans = list(zip([0, *shares], [*shares, size]))
    diags = options.diagnostics
    mark = len(diags.items), len(diags.skipped)

    def text_of(a: int, b: int) -> str | None:
        if text is not None:
            return text[a:b]
        try:
            part = data[a:b].decode("utf-8")  # type: ignore[index]
        except UnicodeDecodeError:
            return None
        return None if "\x00" in part else part

    def read_part(k: int) -> tuple[_Read, bool]:
        lo, hi = scans[k]
        seen = data is not None and limits.has_invisible(data, lo, hi + limits.INVISIBLE_OVERLAP)
        part = text_of(*spans[k])
        if part is None:
            return _Read(None, 0, set(), {}, (), False), seen
        return _read_text(part, path, options, lines_before[k], macros, pre), seen

    with parallel.early_texts(options) as early:
        try:
            head = text_of(0, head_end) if head_end else ""
            if head is None:
                return None
            got = [_read_text(head, path, options, 0)] if head_end else []
            seen = False
            first = len(got)
            if all(g.entries is not None for g in got):
                macros, pre = (got[0].macros, got[0].preamble) if got else (None, ())
                # A child that read a part may go on formatting its entries (``then``).
                then = early.then
                after = (lambda sent: then(sent[0].entries or [])) if then is not None else None
                for read, scanned in parallel.fork_map(read_part, range(len(spans)), diags, after, early.late):
                    got.append(read)
                    seen = seen or scanned
        except Exception:  # noqa: BLE001  (the plain path raises it again, from the right place)
            got = []
        if got and all(g.entries is not None and not g.links for g in got):
            keys = [g.keys for g in got]
            if sum(map(len, keys)) == len(set().union(*keys)) and sum(g.expanded for g in got) <= limits.max_macro_expansion:
                early.take(lambda k: got[first + k].entries)
                return [e for g in got for e in g.entries], (seen if data is not None else None)  # type: ignore[union-attr]
    del diags.items[mark[0] :], diags.skipped[mark[1] :]
    return None


def _read_text(
    text: str,
    path: str,
    options: Options,
    line_offset: int | None = None,
    macros: dict[str, str] | None = None,
    preamble: tuple[str, ...] | None = None,
) -> _Read:
    """What ``text`` holds: its entries, and what the rest of a file needs from it.

    ``line_offset`` is given for a part of a file (the lines before it): then
    only bibgen's splitter reads it, and a part it refuses gives no entries.
    ``macros`` and ``preamble`` are the file's, from the blocks before the part.
    """
    columns = _AtColumns(text)
    lines_before = line_offset or 0

    def origin(line: int) -> Origin:
        return Origin(path, line + lines_before, columns.at(line))

    blocks = _split_fast(text)
    # bibgen's splitter hands over each value as one balanced item: a value with
    # no "#" join is a single group, and without escaped braces _evaluate would
    # count its braces the same way (tests/properties/test_fast_paths.py).
    single = blocks is not None
    if blocks is None and line_offset is not None:
        return _Read(None, 0, set(), {}, (), False)
    if blocks is None:
        lines = text.split("\n")
        text = _without_broken_blocks(text, path, options)
        blocks = _split_bibtexparser(text, path, lines)
        del lines
    diags = options.diagnostics
    macros = dict(macros) if macros is not None else {m: name for m, name in zip(MONTHS, _MONTH_NAMES)}
    raw_entries: list[tuple[str, str, dict[str, str], Origin]] = []
    exprs: dict[int, dict[str, str]] = {}  # id(fields) -> the source expression of each value
    preambles: list[str] = list(preamble or ())
    expanded = 0
    for block in blocks:
        where = origin(block.line)
        if block.op == "warn":
            diags.warn(block.key, where)
        elif block.op == "skip":
            diags.skip(block.key, where)  # a warning, counted in the summary's "skipped"
        elif block.op == "fail":
            _skip_or_fail(InputError(block.key, where), "block", options)
        elif block.op == "string":
            value = macros[block.key.lower()] = _evaluate(block.fields[0][1], macros, diags, where)
            expanded += len(value)  # every macro's text counts once against the file's budget
            if expanded > limits.max_macro_expansion:
                raise limits.expansion_error(where)
        elif block.op == "preamble":
            preambles.append(block.key)
        else:
            fields: dict[str, str] = {}
            expr: dict[str, str] = {}
            for name, value in block.fields:
                if name in fields:
                    continue  # a repeated field (warned about): BibTeX keeps the first
                if single and value[:1] == "{" and "#" not in value and "\\{" not in value and "\\}" not in value:
                    fields[name], expr[name] = _one_group(value)
                else:
                    parts: list[str] = []
                    fields[name] = _evaluate(value, macros, diags, where, is_month=name == "month", expr=parts)
                    source = source_expression(parts)
                    # Most values are their own source expression: keep the one string, not a copy.
                    expr[name] = value if source == value else source
                    expanded += max(0, len(fields[name]) - len(value))
            if expanded > limits.max_macro_expansion:
                raise limits.expansion_error(where)
            raw_entries.append((block.key, block.type, fields, where))
            exprs[id(fields)] = expr

    # The file's text and its raw blocks are not needed any more: a large file's
    # text would otherwise stay alive beside every entry made from it.
    del blocks, text
    columns.text = ""
    limits.check_reference_cycles(raw_entries)  # crossref/xdata cycles: an error naming both places
    by_key = {key.casefold(): fields for key, _, fields, _ in raw_entries}
    out: list[Entry] = []
    pre = tuple(dict.fromkeys(preambles))
    for key, etype, fields, where in raw_entries:
        expr = exprs[id(fields)]
        if "crossref" in fields:
            parent = by_key.get(fields["crossref"].strip().casefold())
            if parent is None:
                diags.warn(f"crossref '{fields['crossref']}' names no entry in this file", where)
            else:
                parent_expr = exprs[id(parent)]
                fields = _inherit(etype, fields, parent)
                expr = _inherit(etype, expr, parent_expr)
            # crossref itself is kept (written back): the parent may be cited on its own.
        out.append(_to_entry(key, etype, fields, where, options, expr, pre))
    links = any(name in fields for _, _, fields, _ in raw_entries for name in limits.REFERENCE_FIELDS)
    return _Read(out, expanded, set(by_key), macros, pre, links)


class _AtColumns:
    """The 1-based column of the first ``@`` on a line of ``text`` (1 if none, or no such line).

    Blocks come in file order, so a cursor walks the text forward line by line;
    a file's lines are never held as a list (a large file has millions).
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.line = 1  # the cursor's line and the offset where it starts
        self.start = 0

    def at(self, line: int) -> int:
        text = self.text
        if line < self.line:
            self.line, self.start = 1, 0
        while self.line < line:
            nl = text.find("\n", self.start)
            if nl < 0:
                return 1
            self.line += 1
            self.start = nl + 1
        end = text.find("\n", self.start)
        at = text.find("@", self.start, len(text) if end < 0 else end)
        return at - self.start + 1 if at >= 0 else 1


_INT = re.compile(r"-?\d+")


def _same_parts(fields: dict[str, str], first) -> bool:  # type: ignore[no-untyped-def]
    """Do the entry's numeric year/month/day fields equal the date's parts (each one present)?"""
    for part, value in zip(("year", "month", "day"), first[:3]):
        have = fields.get(part)
        if have is not None and not (value and _INT.fullmatch(have) and _INT.fullmatch(value) and int(have) == int(value)):
            return False
    return True


class _Block(NamedTuple):
    """One thing the file says, in file order: an entry, a macro, or a warning (``key`` is its message)."""

    op: str  # "entry", "string", "preamble" (``key`` is its text), "warn", "skip" (a warning, counted) or "fail" (an error unless --keep-going)
    line: int  # of the block's "@", 1-based
    key: str = ""
    type: str = ""  # entries: lower-case type
    fields: tuple[tuple[str, str], ...] = ()  # (lower-case name, raw value) in file order; a macro's one value


def _split_fast(text: str) -> list[_Block] | None:
    """The blocks of a well-formed file, by bibgen's own splitter; None for anything unusual.

    bibtexparser's splitter is the reference (it recovers from broken blocks
    with a warning each); this path only takes files where both give the same
    blocks — no parse error, no repeated key or field, no stray ``@`` between
    entries, plain ``@string{name = value}`` — and is about 2.5 times faster.
    """
    from bibgen.bibsplit import RawBlock, split_bib

    try:
        raw = split_bib(text, spans=True)
    except InputError:
        return None
    out: list[_Block] = []
    keys: set[str] = set()
    find = text.find
    for b in raw:
        if isinstance(b, RawBlock):
            if b.kind == "string":
                m = _PLAIN_STRING.fullmatch(b.body)
                if not m:
                    return None
                out.append(_Block("string", b.line, m.group(1), fields=(("", m.group(2)),)))
            elif b.kind == "text" and ("@" in b.text or "\\" in b.text):
                return None  # (bibtexparser miscounts lines after a stray backslash)
            elif b.kind in ("comment", "preamble") and ("\\" in b.text or '"' in b.text or "%" in b.text):
                return None
            elif b.kind == "preamble":
                out.append(_Block("preamble", b.line, b.body.strip()))
            continue
        folded = b.key.casefold()
        at, end = b.start, b.end  # the entry's text, text[at:end], searched in place
        if not b.key or folded in keys or len(set(map(_FIELD_NAME_OF, b.fields))) != len(b.fields):
            return None
        if (find("\\{", at, end) >= 0 or find("\\}", at, end) >= 0) and not all(_escaped_braces_nest(v) for _, v in b.fields):
            return None
        if find("%", at, end) >= 0 and _BARE_PERCENT.search(text, at, end):
            return None
        if find('\\"', at, end) >= 0 and any(
            (v[:1] == '"' or "#" in v) and _escaped_quote_outside_braces(v) for _, v in b.fields
        ):
            return None
        keys.add(folded)
        out.append(_Block("entry", b.line, b.key, b.type, b.fields))
    return out if out else None


# "% ..." inside an entry: bibsplit reads a comment, bibtexparser text. (So do
# escaped braces, which BibTeX counts and bibtexparser does not: tested with "in".)
_BARE_PERCENT = re.compile(r"%(?<!\\%)")  # (the "%" first: a leading lookbehind is tried at every position)
_FIELD_NAME_OF = itemgetter(0)  # of a (name, value) pair
_ANY_BRACE = re.compile(r"\\[{}]|[{}]")


def _escaped_braces_nest(value: str) -> bool:
    """Do ``\\{ \\}`` pair up like brackets of their own kind, nested with the plain braces?

    BibTeX counts an escaped brace as a brace and bibtexparser skips it; both
    then end every group at the same place (``$\\{0,1\\}^n$``).
    """
    if "\\\\{" in value or "\\\\}" in value:
        return False  # \\ then a brace: the two splitters may read the backslashes differently
    stack: list[str] = []
    for m in _ANY_BRACE.finditer(value):
        tok = m.group()
        if tok[-1] == "{":
            stack.append(tok)
        elif not stack or stack.pop() != tok[:-1] + "{":
            return False
    return not stack


def _escaped_quote_outside_braces(value: str) -> bool:
    """Does ``\\"`` occur at brace depth 0, inside a "..." part (where bibtexparser reads it as an escape)?"""
    depth = 0
    for i, ch in enumerate(value):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == '"' and depth == 0 and i and value[i - 1] == "\\":
            return True
    return False


_PLAIN_STRING = re.compile(r"\s*([A-Za-z][\w\-:.+]*)\s*=\s*(\S.*?)\s*", re.DOTALL)


def _without_broken_blocks(text: str, path: str, options: Options) -> str:
    """``text`` with every block that cannot be parsed blanked out (lines kept), or the first one's error.

    A broken block is an error (exit 3, nothing written): reading on would
    silently drop an entry. With ``--keep-going`` each one is skipped with a
    warning at the exact place of its fault, and counted.
    """
    from bibgen.bibsplit import find_faults

    _, faults = find_faults(text, path)
    if not faults:
        return text
    pieces: list[str] = []
    done = 0
    for fault in faults:
        what = f"@{fault.type}" + (f" '{fault.key}'" if fault.key else "")
        _skip_or_fail(fault.error, what, options)
        pieces.append(text[done : fault.start])
        pieces.append(re.sub(r"[^\n]", " ", text[fault.start : fault.end]))
        done = fault.end
    pieces.append(text[done:])
    return "".join(pieces)


def _skip_or_fail(error: InputError, what: str, options: Options) -> None:
    """Raise ``error`` unless ``--keep-going``; then warn that ``what`` is skipped and count it."""
    if not options.keep_going:
        raise InputError(error.message, error.origin, "fix it, or pass --keep-going to skip what cannot be read")
    options.diagnostics.skip(f"{error.message}; {what} skipped (--keep-going)", error.origin)


def _split_bibtexparser(text: str, path: str, lines: list[str]) -> list[_Block]:
    """The blocks as bibtexparser splits them, with a warning for each it cannot take."""
    import bibtexparser
    from bibtexparser import model as bm

    # bibtexparser logs its own messages for failed blocks; ours carry file:line instead.
    log = logging.getLogger("bibtexparser")
    level = log.level
    log.setLevel(logging.CRITICAL + 1)
    try:
        lib = bibtexparser.parse_string(text, parse_stack=[])
    finally:
        log.setLevel(level)

    substantive = [b for b in lib.blocks if isinstance(b, (bm.Entry, bm.String, bm.Preamble, bm.ExplicitComment))]
    if not substantive and not lib.failed_blocks:
        for i, ln in enumerate(lines):
            stripped = ln.strip()
            if stripped and not stripped.startswith("%"):
                raise InputError(
                    "not a BibTeX file: no @entry found",
                    Origin(path, i + 1, len(ln) - len(ln.lstrip()) + 1),
                    "BibTeX entries look like @article{key, title = {...}}",
                )
        return []

    def fields_of(block: bm.Entry) -> tuple[tuple[str, str], ...]:
        return tuple((f.key.lower(), f.value) for f in block.fields)

    out: list[_Block] = []
    for block in lib.blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, bm.Preamble):
            out.append(_Block("preamble", line, block.value.strip()))
        elif isinstance(block, bm.String):
            out.append(_Block("string", line, block.key, fields=(("", block.value),)))
        elif isinstance(block, bm.DuplicateBlockKeyBlock):
            out.append(_Block("skip", line, f"duplicate citation key '{block.key}'; this entry is skipped"))
        elif isinstance(block, bm.DuplicateFieldKeyBlock):
            # BibTeX itself keeps the first value of a repeated field; so do we, with a warning.
            dups = ", ".join(sorted(block.duplicate_keys))
            inner = block.ignore_error_block
            out.append(_Block("warn", line, f"entry '{inner.key}' repeats field(s) {dups}; the first value is kept"))
            out.append(_Block("entry", line, inner.key, inner.entry_type.lower(), fields_of(inner)))
        elif isinstance(block, bm.ParsingFailedBlock):
            out.append(_Block("fail", line, f"cannot parse this block ({_failure(block)})"))
        elif isinstance(block, bm.Entry):
            out.append(_Block("entry", line, block.key, block.entry_type.lower(), fields_of(block)))
    return out


def _failure(block: object) -> str:
    raw = getattr(block, "raw", "") or ""
    depth = 0
    for ch in raw:
        depth += ch == "{"
        depth -= ch == "}"
    if depth > 0:
        return "unbalanced braces: a '{' is never closed"
    if depth < 0:
        return "unbalanced braces: too many '}'"
    err = getattr(block, "error", None)
    msg = str(err).split("\n")[-1].strip() if err else ""
    return msg or "syntax error"


_BOOKTITLE_CHILDREN = frozenset(
    {"inproceedings", "incollection", "inbook", "conference", "bookinbook", "suppbook", "suppcollection", "inreference"}
)


def _inherit(entry_type: str, child: dict[str, str], parent: Mapping[str, str]) -> dict[str, str]:
    """BibTeX crossref inheritance: missing fields come from the parent; its title becomes booktitle.

    The types whose parent's title is their booktitle: BibTeX's parts of a book or
    proceedings, and biblatex's (its manual, appendix B: suppbook, suppcollection
    and inreference too, which BibTeX output writes as @inbook and @incollection).
    """
    out = dict(child)
    for name, value in parent.items():
        if name in ("ids", "crossref"):
            continue
        if name == "title":
            if entry_type in _BOOKTITLE_CHILDREN:
                out.setdefault("booktitle", value)
            continue
        out.setdefault(name, value)
    return out


# ---------------------------------------------------------------- values


def _one_group(value: str) -> tuple[str, str]:
    """(text, source expression) of a value that is one balanced brace group with no
    escaped brace: what :func:`_evaluate` and :func:`source_expression` make of it."""
    inner = value[1:-1]
    if "  " in inner or "\n" in inner or "\t" in inner or "\r" in inner or inner.strip() != inner:
        return inner, source_expression([inner])
    return inner, value  # its own source expression: the one string, not a copy


def _evaluate(raw: str, macros: Mapping[str, str], diags, where: Origin, is_month: bool = False, expr: list[str] | None = None) -> str:  # type: ignore[no-untyped-def]
    """Evaluate a raw BibTeX value (``{..} # "..." # macro # 123``) to its LaTeX text.

    ``expr``, when given, receives the value's source parts: LaTeX text, and
    a :class:`_MacroName` for a macro no ``@string`` defines (kept as a reference).
    """
    if raw[:1] == "{" and _match_brace(raw, 0) == len(raw) - 1:
        if expr is not None:
            expr.append(raw[1:-1])
        return raw[1:-1]  # the usual value: one brace group (what the loop below makes of it)
    pieces: list[str] = []
    grown = 0  # characters macros added: bounded (a @string "billion laughs")
    i, n = 0, len(raw)
    while i < n:
        c = raw[i]
        if c.isspace() or c == "#":
            i += 1
        elif c == "{":
            j = _match_brace(raw, i)
            pieces.append(raw[i + 1 : j])
            if expr is not None:
                expr.append(pieces[-1])
            i = j + 1
        elif c == '"':
            j = i + 1
            depth = 0
            while j < n and not (raw[j] == '"' and depth == 0):
                depth += (raw[j] == "{") - (raw[j] == "}")
                j += 1
            pieces.append(raw[i + 1 : j])
            if expr is not None:
                expr.append(pieces[-1])
            i = j + 1
        else:
            j = i
            while j < n and not raw[j].isspace() and raw[j] not in '#{"':
                j += 1
            word = raw[i:j]
            i = j
            if word.isdigit():
                pieces.append(word)
            elif is_month and word.lower() in MONTHS and len(pieces) == 0 and raw.strip().lower() == word.lower():
                pieces.append(str(MONTHS.index(word.lower()) + 1))
            elif word.lower() in macros:
                pieces.append(macros[word.lower()])
                grown += len(pieces[-1])
                if grown > limits.max_macro_expansion:
                    raise limits.expansion_error(where)
            else:
                diags.warn(f"undefined macro '{word}'; its name is used as the text", where)
                pieces.append(word)
                if expr is not None:
                    expr.append(_MacroName(word))
                continue
            if expr is not None:
                expr.append(pieces[-1])
    return "".join(pieces)


_WS = re.compile(r"\s+")


class _MacroName(str):
    """A source part that names an undefined macro (text parts are plain ``str``:
    a value's own text may start with ``#``, as in ``{#MeToo}``)."""

    __slots__ = ()


def source_expression(parts: list[str]) -> str:
    """A value's BibTeX source, whitespace normalised: ``{text}``, or ``{a} # name`` around undefined macros."""
    out: list[str] = []
    text: list[str] = []
    for p in parts:
        if isinstance(p, _MacroName):
            if text:
                out.append("{" + _WS.sub(" ", "".join(text)).strip() + "}")
                text = []
            out.append(str(p))
        else:
            text.append(p)
    if len(parts) == 1 and not out:
        p = parts[0]
        if "  " not in p and "\n" not in p and "\t" not in p and "\r" not in p:
            return "{" + p.strip() + "}"
    if text or not out:
        out.append("{" + _WS.sub(" ", "".join(text)).strip() + "}")
    return " # ".join(out)


# A brace not preceded by a backslash (the lookbehind also sees before ``pos``).
# (The class comes first: a pattern that starts with a lookbehind is tried at every position.)
_BRACE_RE = re.compile(r"[{}](?<!\\[{}])")


def _match_brace(raw: str, i: int) -> int:
    """Index of the brace closing the group that opens at or after ``i``; ``len(raw)`` if none.

    The regex jumps from brace to brace instead of looking at every character
    of a long abstract.
    """
    if raw.startswith("{", i) and raw.endswith("}") and raw[-2:-1] != "\\" and raw[i - 1 : i] != "\\":
        if raw.find("{", i + 1) < 0 and raw.find("}", i + 1) == len(raw) - 1:
            return len(raw) - 1  # no brace inside
        # The usual value, one group to the end: its braces (found in C) must
        # reduce to nothing once the outer pair is dropped.
        inner = "".join(_BRACE_RE.findall(raw, i + 1, len(raw) - 1))
        while "{}" in inner:
            inner = inner.replace("{}", "")
        if not inner:
            return len(raw) - 1
    depth = 0
    for m in _BRACE_RE.finditer(raw, i):
        if raw[m.start()] == "{":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return m.start()
    return len(raw)


def decode_verbatim(value: str) -> str:
    """URLs and identifiers: outer braces and the escapes writers add removed, nothing else."""
    value = value.strip()
    while value.startswith("{") and value.endswith("}") and _match_brace(value, 0) == len(value) - 1:
        value = value[1:-1].strip()
    return _VERBATIM_ESCAPES.sub(r"\1", value) if "\\" in value else value


def month_number(text: str) -> str:
    """``jan``/``January``/``01`` -> ``1``; anything else unchanged."""
    t = text.strip().rstrip(".").lower()
    if t.isdigit() and 1 <= int(t) <= 12:
        return str(int(t))
    if t[:3] in MONTHS and (len(t) == 3 or _MONTH_NAMES[MONTHS.index(t[:3])].lower() == t):
        return str(MONTHS.index(t[:3]) + 1)
    return text


# ---------------------------------------------------------------- names


_NAME_TOKEN = re.compile(r"[{}]|\s+")


@lru_cache(maxsize=16384)
def split_names(value: str) -> tuple[tuple[str, ...], bool]:
    """A BibTeX name list split on ``and`` at brace depth 0, surrounded by any whitespace.

    BibTeX reads ``and`` case-insensitively between white space of any kind
    (a line break or tab included). The flag says whether a name was empty: a
    dangling or doubled ``and``.
    """
    if "\x00" in value:
        return _split_names_loop(value)
    if ("{" not in value and "}" not in value) or _groups_pair_up(value, _TIGHT_GROUP):
        # Every white space is outside braces: it all splits (str.split's is str.isspace's).
        current = value.split()
    elif _BALANCED_WORDS.fullmatch(value):
        current = _NAME_WORD.findall(value)  # balanced braces (three levels): the words, found in C
    else:
        return _split_names_loop(value)
    if not current:
        return (), False
    # Words hold no NUL and no white space at either end: each name is its
    # words between two "and"s, found by one split of the joined words.
    names = [piece.strip("\x00").replace("\x00", " ") for piece in _AND_WORD.split("\x00" + "\x00".join(current) + "\x00")]
    cleaned = tuple(n for n in names if n)
    return cleaned, len(cleaned) != len(names)


def _groups_pair_up(text: str, tight: re.Pattern[str]) -> bool:
    """Do the braces of ``text`` pair up when innermost groups matching ``tight`` are taken out, again and again?"""
    while True:
        inner = tight.sub("", text)
        if len(inner) == len(text):
            return "{" not in inner and "}" not in inner
        text = inner


_TIGHT_GROUP = re.compile(r"\{[^{}\s]*+\}")  # a group with no white space inside
# A word of a name list: runs of anything but white space and braces, and brace
# groups (which may hold white space), possessive so no input backtracks.
_NAME_WORD_SRC = r"(?:[^\s{}]++|\{(?:[^{}]++|\{(?:[^{}]++|\{[^{}]*+\})*+\})*+\})++"
_NAME_WORD = re.compile(_NAME_WORD_SRC)
_BALANCED_WORDS = re.compile(r"\s*+(?:" + _NAME_WORD_SRC + r"\s*+)*+")
# "and" as a word, between NULs (the words joined, a NUL at each end).
_AND_WORD = re.compile(r"\x00[Aa][Nn][Dd](?=\x00)")


def _split_names_loop(value: str) -> tuple[tuple[str, ...], bool]:
    """:func:`split_names` for any value: braces counted one by one (unbalanced, or deeply nested)."""
    names: list[str] = []
    current: list[str] = []
    depth = 0
    # Words end at white space outside braces (re's \s is str.isspace); braces are kept in them.
    pos = 0
    for m in _NAME_TOKEN.finditer(value):
        c = m.group()
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif depth <= 0:
            if m.start() > pos:
                current.append(value[pos : m.start()])
            pos = m.end()
    if pos < len(value):
        current.append(value[pos:])
    if not current:
        return (), False
    if current[-1][-1].isspace():  # an unclosed brace kept the end's white space in the last word
        for w in current:
            if w.lower() == "and":
                names.append("")
            elif names:
                names[-1] = f"{names[-1]} {w}".strip()
            else:
                names.append(w)
        if current[0].lower() == "and":
            names.insert(0, "")
    else:
        # No word has white space at either end: each name is its words between two "and"s.
        group: list[str] = []
        for w in current:
            if w.lower() == "and":
                names.append(" ".join(group))
                group = []
            else:
                group.append(w)
        names.append(" ".join(group))
    cleaned = tuple(n for n in names if n)
    return cleaned, len(cleaned) != len(names)


@lru_cache(maxsize=16384)  # copies of one work often carry the same list
def parse_people(value: str) -> tuple[tuple[Person, ...], bool]:
    """Names of a BibTeX name list and whether it ended in ``others``."""
    names = list(split_names(value)[0])
    partial = False
    if names and names[-1].strip().lower() == "others":
        names = names[:-1]
        partial = True
    # (a name with every part empty is no name: what ``p != Person()`` says, without making one per name)
    return tuple([p for p in map(parse_person, names) if p.family or p.given or p.particle or p.suffix or p.literal]), partial


@lru_cache(maxsize=65536)
def parse_person(text: str) -> Person:
    """One BibTeX name, split by pybtex's rules, each part LaTeX-decoded (cached: names repeat)."""
    from pybtex.database import Person as PybtexPerson

    text = _WS.sub(" ", text).strip()
    if not text:
        return Person()
    if _EXTENDED_NAME.match(text):
        return _extended_person(text)
    if text.startswith("{") and _match_brace(text, 0) == len(text) - 1 and re.search(r"\s", text):
        return Person(literal=clean_text(decode_latex(text[1:-1])))

    def join(parts: list[str]) -> str:
        return clean_text(decode_latex(" ".join(parts))) if parts else ""

    plain = _split_plain_name(text)
    if plain is not None:
        last, given, von, jr = plain
        return Person(family=join(last), given=join(given), particle=join(von), suffix=join(jr))
    try:
        p = PybtexPerson(text)
    except Exception:  # pybtex rejects some malformed names (too many commas)
        return Person(literal=clean_text(decode_latex(text)))

    return Person(
        family=join(p.last_names),
        given=join(p.first_names + p.middle_names),
        particle=join(p.prelast_names),
        suffix=join(p.lineage_names),
    )


_AND_RE = re.compile(" [Aa][Nn][Dd] ")  # pybtex's split_name_list separator
_NAME_SPACE_RE = re.compile(r"(?:\s|~)+")  # pybtex's BIBTEX_SPACE_RE where there is no backslash


def _is_von(word: str) -> bool:
    """pybtex's is_von_name for a word without braces or backslashes."""
    c = word[0]
    if c.isupper():
        return False
    if c.islower():
        return True
    for ch in word:
        if ch.isalpha():
            return ch.islower()
    return False


def _words(part: str) -> list[str]:
    return [w for w in (w.strip() for w in _NAME_SPACE_RE.split(part)) if w]


def _latex_inside_words(text: str) -> bool:
    """Are the braces and commands of a name inside its words, where pybtex splits it as plain text?

    That is: brace groups pair up and hold no white space, ``~`` or comma (pybtex
    splits only outside braces), no control space or ``\\~`` (pybtex's own spaces
    and non-spaces), and each word holding LaTeX starts with a cased letter
    (pybtex's von test then reads only that letter).
    """
    if _CONTROL_SPACE.search(text) or not _groups_pair_up(text, _TIGHT_NAME_GROUP):
        return False
    for w in _NAME_SPACE_RE.split(text.replace(",", " ")):
        if w and ("{" in w or "\\" in w) and not (w[0].isupper() or w[0].islower()):
            return False
    return True


_CONTROL_SPACE = re.compile(r"\\(?:[\s~]|$)")
_TIGHT_NAME_GROUP = re.compile(r"\{[^{}\s~,]*+\}")


def _split_plain_name(text: str) -> tuple[list[str], list[str], list[str], list[str]] | None:
    """(last, first + middle, von, jr) words as pybtex's Person splits them, for a name without
    braces or backslashes, or with them only inside its words (:func:`_latex_inside_words`);
    None for any other, which pybtex then splits.

    tests/unit/test_readers_bibtex.py checks both agree on generated names.
    """
    if ("{" in text or "}" in text or "\\" in text) and not _latex_inside_words(text):
        return None
    parts = [p.strip() for p in text.split(",")]
    if len(parts) > 3:
        return None  # pybtex reports an error: its own path handles that

    def von_last(words: list[str]) -> tuple[list[str], list[str]]:
        head, tail = words[:-1], words[-1:]
        pos = len(head)
        for i in range(len(head) - 1, -1, -1):  # rsplit_at: after the last von word
            if _is_von(head[i]):
                pos = i + 1
                break
        else:
            pos = 0
        return head[pos:] + tail, head[:pos]

    if len(parts) == 1:
        words = _words(text)
        pos = next((i for i, w in enumerate(words) if _is_von(w)), len(words))
        first, rest = words[:pos], words[pos:]
        if not rest and first:
            rest = [first.pop()]
        last, von = von_last(rest) if rest else ([], [])
        return last, first, von, []
    last, von = von_last(_words(parts[0])) if _words(parts[0]) else ([], [])
    if len(parts) == 2:
        return last, _words(parts[1]), von, []
    return last, _words(parts[2]), von, _words(parts[1])


# biblatex's extended name format (manual §3.4): "family=Rabble, given=Richard, prefix=von".
_EXTENDED_NAME = re.compile(r"^(?:[a-z-]+\s*=\s*[^,]*,\s*)*(?:family|given|prefix|suffix)\s*=", re.IGNORECASE)
_EXTENDED_PART = {"family": "family", "given": "given", "prefix": "particle", "suffix": "suffix"}


def _extended_person(text: str) -> Person:
    parts: dict[str, str] = {}
    depth, start = 0, 0
    pieces = []
    for i, ch in enumerate(text):
        depth += (ch == "{") - (ch == "}")
        if ch == "," and depth == 0:
            pieces.append(text[start:i])
            start = i + 1
    pieces.append(text[start:])
    for piece in pieces:
        key, _, value = piece.partition("=")
        field = _EXTENDED_PART.get(key.strip().lower())
        if field:
            value = value.strip()
            if value.startswith("{") and _match_brace(value, 0) == len(value) - 1:
                value = value[1:-1]
            parts[field] = clean_text(decode_latex(value))
    return Person(**parts)


# ---------------------------------------------------------------- entries

# Values whose braces are remembered: writers keep that protection as written.
_MARKED = CASE_FIELDS | {"journal", "journaltitle"}


_EPRINT_CLASS_TAIL = re.compile(r"(?: \[[^\]]*\])?")


def _drop_derived_howpublished(fields: dict[str, str]) -> None:
    """``howpublished = {arXiv:ID [class]}`` is what the BibTeX writer derives from the eprint
    fields for styles that ignore them; read back, it is the eprint again, not a venue
    (kept, a biblatex writer would print the identifier twice)."""
    eprint = fields.get("eprint", "")
    if not eprint:
        return
    head = "arXiv:" + eprint
    for name in ("container", "howpublished"):
        value = " ".join(fields.get(name, "").split())  # a wrapped line counts as one
        # "arXiv:<eprint>" then nothing or " [class]" (one fixed pattern: no regex per eprint)
        if value.startswith(head) and _EPRINT_CLASS_TAIL.fullmatch(value, len(head)):
            cls = re.search(r"\[([^\]]*)\]", value)
            if cls is None or cls.group(1) == fields.get("eprintclass", cls.group(1)):
                del fields[name]


# Values whose source form is never written back: identifiers and URLs are
# written from their text (the writers' own verbatim rules), month as a macro.
# ids become aliases; a simple date is handled below; month's source says the
# input wrote a month field (writers write it as a macro, not its source).
_NO_SOURCE = frozenset({"ids", "date"})


# Long values that nothing reads while entries are matched and keyed: their
# LaTeX is decoded only when an output needs their text (model.Pending). Read
# from BibTeX and written back to BibTeX unchanged, they are never decoded.
LAZY_FIELDS = frozenset({"abstract", "annotation", "annote", "addendum", "comment", "note", "review"})
_LAZY_MIN_CHARS = 64  # shorter values cost less to decode than to keep undecoded
# A word (two letters or digits after a space or the start): a value kept undecoded has one,
# so it is never empty once decoded (_as_written keeps it as written if its LaTeX leaves nothing).
_HAS_WORD = re.compile(r"(?:^|\s)[^\W_]{2}")
_HAS_ALNUM = re.compile(r"[^\W_]")


# Fields whose text the reader rewrites (a month's number, keywords, an eprint type's case).
_NAMED_TEXT = frozenset({"month", "keywords", "archiveprefix", "eprinttype"})


def _as_written(text: str, latex: str) -> str:
    """``text``, or the cleaned ``latex`` when its LaTeX decodes to nothing (``\\vspace{1em}``)
    but it holds a letter or digit: kept as written, as an unknown command is, not dropped."""
    return text or (clean_text(latex) if _HAS_ALNUM.search(latex) else "")


def decode_text(latex: str) -> str:
    """The text of a BibTeX value (a :class:`~bibgen.model.Pending` of :data:`LAZY_FIELDS`)."""
    return _as_written(clean_text(decode_latex(latex)), latex)


def decode_braced(latex: str) -> str:
    """:func:`decode_text` of ``latex`` without its outer braces (``{...}``)."""
    return decode_text(latex[1:-1])


def _split_keywords(text: str) -> list[str]:
    """Keywords split on the field's own separator: ``;`` when present, else ``,``."""
    sep = ";" if ";" in text else ","
    return [k for k in (w.strip() for w in text.split(sep)) if k]


def _to_entry(
    key: str,
    entry_type: str,
    raw: dict[str, str],
    where: Origin,
    options: Options,
    expr: Mapping[str, str] | None = None,
    preamble: tuple[str, ...] = (),
) -> Entry:
    kind = TYPES.get(entry_type)
    fields: dict[str, str] = {}
    people: dict[str, tuple[Person, ...]] = {}
    partial: set[str] = set()
    aliases: tuple[str, ...] = ()
    nocase: list[tuple[str, tuple[str, ...]]] = []
    sources: list[tuple[str, str, str, str]] = []  # (neutral name, then a SourceValue's name, raw, text)
    read_as: dict[str, str] = {}  # neutral field -> the name it was read from
    expr = expr or {}
    diags = options.diagnostics
    if kind is None:
        kind = EntryKind.MISC
        diags.note(f"entry type @{entry_type} read as misc; written back as @{entry_type}", where)
    if entry_type == "mastersthesis" and "type" not in raw:
        fields["type"] = "Master's thesis"
    # Which of two spellings becomes the neutral field does not depend on their order.
    items = raw.items()
    if any(n in _SPELLING_RANK for n in raw):
        items = sorted(items, key=lambda kv: _SPELLING_RANK.get(kv[0], 0))  # type: ignore[assignment]
    for name, value in items:
        if name in PEOPLE_ROLES:
            names, empty = split_names(value)
            if empty:
                diags.warn(f"{name} list has an empty name (a dangling or doubled 'and'); it is skipped", where)
            ps, is_partial = parse_people(value)
            if ps:
                people[name] = ps
                if is_partial:
                    partial.add(name)
                if name in expr and not empty:
                    sources.append((name, name, expr[name], people_signature(ps, is_partial)))
            continue
        if name == "ids":
            aliases = tuple(a for a in (x.strip() for x in decode_verbatim(value).split(",")) if a)
            continue
        if name not in VERBATIM and ("%" in value or "#" in value):
            # "50% of patients": BibTeX copies a bare % or # as it is, and the writers write
            # it as \% (what the user meant), so it reads as that sign (in math too), not as
            # a comment that would drop the rest of the line.
            value = escape_bare_signs(value)
        if name not in VERBATIM and "\\" in value:
            kept = unknown_commands(value)
            if kept:
                cmds = ", ".join("\\" + c for c in kept)
                diags.warn(f"field '{name}': unknown LaTeX command {cmds} kept as written", where)
        text: str
        if name in LAZY_FIELDS and len(value) >= _LAZY_MIN_CHARS and _HAS_WORD.search(value):
            source = expr.get(name)
            if source is not None and len(source) == len(value) + 2 and source[0] == "{" and source.startswith(value, 1):
                # The source expression is the value in braces: one string for both (half the memory).
                text = Pending(source, decode_braced)  # type: ignore[assignment]
            else:
                text = Pending(value, decode_text)  # type: ignore[assignment]  (decoded when an output needs its text)
        elif value.isascii() and value.isalnum() and name not in _NAMED_TEXT:
            text = value  # "2006", "26": nothing to decode or tidy (what the branch below gives)
        else:
            text = decode_verbatim(value) if name in VERBATIM else decode_latex(value)
            if name == "month":
                text = month_number(text)
            elif name == "keywords":
                text = "; ".join(_split_keywords(text))
            elif name in ("archiveprefix", "eprinttype"):
                text = text.strip().lower()
            text = clean_text(text)
            if name not in VERBATIM:
                text = _as_written(text, value)
        target = _RENAMES.get(name, name)
        if target == "container" and kind not in _CONTAINER_KINDS:
            target = name
        if target in fields:
            if target == name and read_as.get(target, name) != name and read_as[target] not in fields:
                # "address" after "location": the earlier one goes back under its own name
                other = read_as.pop(target)
                fields[other] = fields.pop(target)
                read_as[other] = other
            else:
                target = name  # a second journal/booktitle/...: keep it under its own name
        if target in fields:
            continue
        fields[target] = text
        if name in _MARKED:
            nocase.append((target, source_marks(value, decode_latex) if "{" in value else ((text, False),)))
        read_as[target] = name
    for target, name in read_as.items():
        text = fields[target]
        if name in expr and name not in _NO_SOURCE and text:
            sources.append((target, name, expr[name], text))
    if "doi" in fields:
        # After the sources: a DOI written with a resolver no longer holds the text read (as before).
        fields["doi"] = bare_doi(fields["doi"])
    if "date" in fields:
        parsed = parse_edtf(fields["date"])
        if parsed is None:
            diags.warn(f"date '{fields['date']}' is not an ISO 8601/EDTF date; kept as text", where)
        else:
            start, end, is_range = parsed
            first = start or end
            simple = not is_range and first is not None and not first.uncertain and not first.month in SEASONS.values()
            # else both are kept as written, unless the parts say the same (BibTeX output's year beside its date)
            own = not any(p in raw for p in ("year", "month", "day")) or (first is not None and _same_parts(fields, first))
            if simple and own and "T" not in fields["date"]:
                # year/month/day say it all; the source form brings "date" back in BibTeX output.
                if "date" in expr:
                    iso = "-".join(p for p in (first.year, first.month.zfill(2) if first.month else "", first.day.zfill(2) if first.day else "") if p)
                    sources.append(("date", "date", expr["date"], iso))
                del fields["date"]
            if first is not None:
                for part, value in zip(("year", "month", "day"), first[:3]):
                    if value and part not in fields:
                        fields[part] = value
    _drop_derived_howpublished(fields)
    if kind in (EntryKind.MISC, EntryKind.ONLINE) and fields.get("eprinttype") == "arxiv" and "container" not in fields:
        kind = EntryKind.PREPRINT  # how both writers spell an arXiv preprint
    if kind is EntryKind.ARTICLE and fields.get("entrysubtype", "").lower() == "newspaper":
        kind = EntryKind.NEWS
        del fields["entrysubtype"]
    subtype = fields.get("type", "").strip().lower()
    if (kind is EntryKind.REPORT and subtype == "techreport") or (kind is EntryKind.THESIS and subtype == "phdthesis"):
        del fields["type"]  # biblatex's spelling of the BibTeX type: nothing to keep
    elif kind is EntryKind.THESIS and subtype == "mathesis":
        fields["type"] = "Master's thesis"
    # The pairs as one flat tuple, sorted as (name, SourceValue) pairs sort: what SourceForm
    # pickles, so a reading child sends it as it is; the pairs are made when first read.
    sources.sort()
    source = flat_source_form("bib", entry_type, kind, tuple(chain.from_iterable(sources)), preamble)
    return Entry(
        kind=kind,
        fields=Fields(fields),
        people=people,
        origin=where,
        key=key,
        partial=frozenset(partial),
        aliases=aliases,
        nocase=tuple(nocase),
        source=source,
    )
