"""The BibTeX/BibLaTeX writer family: one canonical layout, two dialects.

Default layout: entries sorted by key (case-insensitively), one field per
line, two-space indent, ``name = {value},`` with a trailing comma, a blank
line between entries, fields in a fixed order (unknown fields after, by name).
:class:`bibgen.layout.Layout` (``--omit``, ``--sort``, ``--align`` …) changes
it; :mod:`bibgen.caseprotect` decides which title words are braced.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from operator import attrgetter, is_
from typing import TYPE_CHECKING

from bibgen import parallel
from bibgen.caseprotect import CASE_FIELDS, protect
from bibgen.errors import BibgenError
from bibgen.latex import decode, encode, escape_bare_signs, pdflatex_text
from bibgen.layout import Layout
from bibgen.model import _ENTRY_SLOTS, Entry, EntryKind, Fields, Origin, Pending, Person, SourceValue, people_signature
from bibgen.preprint import arxiv_url, arxiv_year_month
from bibgen.richtext import Node as RichNode
from bibgen.richtext import from_csl, has_markup, plain, to_latex
from bibgen.mappings.types import field_name, output_type
from bibgen.normalize import title_key
from bibgen.safety import require_entry, require_keys

if TYPE_CHECKING:
    from bibgen.options import Options

FIELD_ORDER = (
    "ids",
    "author",
    "editor",
    "title",
    "subtitle",
    "booktitle",
    "journal",
    "journaltitle",
    "howpublished",
    "series",
    "edition",
    "volume",
    "number",
    "pages",
    "publisher",
    "institution",
    "school",
    "address",
    "location",
    "year",
    "month",
    "date",
    "doi",
    "url",
    "urldate",
    "eprint",
    "archiveprefix",
    "eprinttype",
    "primaryclass",
    "eprintclass",
    "keywords",
    "note",
    "abstract",
)
_RANK = {name: i for i, name in enumerate(FIELD_ORDER)}
# Fields written without LaTeX escaping: identifiers and URLs (biber reads them verbatim).
VERBATIM = frozenset(
    {"doi", "url", "eprint", "ids", "aliasof", "crossref", "xref", "xdata", "date", "urldate", "eventdate", "origdate"}
)  # fmt: skip
# Fields written bare (no braces): month macros.
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# Fields whose words are brace-protected against case changes (never journals or names).
TITLE_FIELDS = CASE_FIELDS
_JOURNAL_FIELDS = ("journal", "journaltitle")
_DEFAULT_LAYOUT = Layout()
_PREPRINT_KINDS = (EntryKind.PREPRINT, EntryKind.MISC, EntryKind.ONLINE)
# Where the model's "container" is written.
_CONTAINERS = frozenset({"journal", "journaltitle", "booktitle"})
# Neutral model fields that are not written under their own name.
_INTERNAL = frozenset({"container", "venue", "eprinttype", "eprintclass", "year", "month", "day"})


class SourceText(str):
    """A field's text that still equals what the input said: written as its source form.

    It is a ``str`` (the decoded text), so the dialect mappings move it like any
    value; ``source`` is the :class:`~bibgen.model.SourceValue` it came from.
    """

    __slots__ = ("source",)
    source: SourceValue

    def __new__(cls, text: str, source: SourceValue) -> SourceText:
        obj = str.__new__(cls, text)
        obj.source = source
        return obj


def source_fields(entry: Entry, undecoded: bool = False) -> dict[str, str]:
    """``entry.fields``, each value that is unchanged since it was read as a :class:`SourceText`.

    With ``undecoded``, a value the reader kept undecoded (:class:`~bibgen.model.Pending`)
    and still unchanged stays so: an :class:`UndecodedSourceText` (its text is made
    only if the writer cannot use the source form). Other values are decoded.
    """
    fields = entry.fields
    src = entry.source
    if src is None or src.dialect != "bib":
        return dict(fields.items())  # (items: C speed; dict(mapping) calls __getitem__ per key)
    f: dict[str, str] = dict(fields.stored_items() if undecoded else fields.items())
    for name, sv in src.fields:
        value = f.get(name)
        if value is None:
            continue
        if type(value) is Pending:
            if value is sv.text:
                f[name] = UndecodedSourceText(sv.raw, sv, value)
                continue
            value = f[name] = fields.get(name, "")  # (decoded; "" if nothing is left: then not written)
        if value == sv.text:
            f[name] = SourceText(value, sv)
    if undecoded:
        for name, value in f.items():
            if type(value) is Pending:
                f[name] = fields.get(name, "")
    return f


class UndecodedSourceText(SourceText):
    """A :class:`SourceText` not decoded yet: it holds the source; :meth:`text` gives its text."""

    __slots__ = ("pending",)
    pending: Pending

    def __new__(cls, raw: str, source: SourceValue, pending: Pending) -> UndecodedSourceText:  # type: ignore[misc]
        obj = str.__new__(cls, raw)
        obj.source = source
        obj.pending = pending
        return obj

    def text(self) -> str:
        return self.pending.text()


def faithful(entry: Entry, dialect: str, btype: str, out: dict[str, str]) -> tuple[str, dict[str, str]]:
    """The type and field names the input used, where the entry still means what it said.

    The type is kept (or mapped by :mod:`bibgen.mappings.types`) while the entry keeps
    the kind the reader gave it; each unchanged value goes back under the name it
    was read from (``organization`` of a ``@manual``, ``school`` of a thesis),
    translated to the output dialect.
    """
    src = entry.source
    if src is None or src.kind is not entry.kind:
        return btype, out
    mapped = output_type(dialect, src.dialect, src.type)
    if mapped:
        btype = mapped
    if src.dialect != "bib":
        return btype, out
    renamed: dict[str, str] = {}
    # A value that goes back under its own name (journal of a @misc) claims it before
    # one renamed to it (its journaltitle, also journal in BibTeX): both survive.
    first: list[tuple[str, str, str | None]] = []  # (name, value, target): the value's own name in the output dialect
    rest: list[tuple[str, str, str | None]] = []
    for name, value in out.items():
        if isinstance(value, SourceText):
            own = value.source.name
            target = _field_name(dialect, own, btype)
            (first if target == own else rest).append((name, value, target))
        else:
            rest.append((name, value, None))
    for name, value, target in first + rest:
        if target is not None and target != name:
            own = value.source.name  # type: ignore[attr-defined]
            if target not in out and target not in renamed:
                renamed[target] = value
                continue
            if own != target and own != name and own not in out and own not in renamed:
                renamed[own] = value
                continue
        renamed.setdefault(name, value)
    if (entry.kind in (EntryKind.REPORT, EntryKind.THESIS) or btype in _SUBTYPED) and "type" in renamed:
        # (a @standard is a report too: it keeps its own type name and gets no "techreport" subtype)
        if not isinstance(renamed["type"], SourceText) and src.get("type") is None:
            del renamed["type"]  # the reader's spelled-out subtype or the writer's default: the input had none
    return btype, renamed


# field_name per (dialect, name, type): a few dozen combinations, asked for every field written.
_field_name = lru_cache(maxsize=4096)(field_name)
_SUBTYPED = frozenset({"mastersthesis", "phdthesis", "techreport", "report", "thesis"})
# biblatex's extended name format, which BibTeX cannot read: such a list is written from its names.
_EXTENDED_NAMES = re.compile(r"(?i)\b(?:family|given|prefix|suffix)\s*=")
_BARE_SPECIAL = re.compile(r"(?<!\\)([&%#])")
_SPECIAL_CHAR = re.compile(r"[&%#]")


def _maybe_bare(expr: str) -> bool:
    """Is some ``& % #`` after an even run of backslashes (none included), one _compilable may escape?"""
    for m in _SPECIAL_CHAR.finditer(expr):
        i = k = m.start()
        while k and expr[k - 1] == "\\":
            k -= 1
        if (i - k) % 2 == 0:
            return True
    return False


def _compilable(expr: str) -> str:
    """A source expression with bare ``&``, ``%``, ``#`` inside its braces escaped.

    BibTeX copies them to the ``.bbl`` where LaTeX would stop (``&``) or drop the
    rest of the line (``%``); ``\\&`` prints what the user meant.
    """
    if not ("&" in expr or "%" in expr or "#" in expr) or not _maybe_bare(expr):
        return expr  # every & % # is escaped (an odd run of backslashes before it): nothing to do
    return _as_the_decoder_reads(expr, _escape_specials(expr))


def _escape_specials(expr: str) -> str:
    """:func:`_compilable`'s escapes, one character at a time."""
    out: list[str] = []
    depth = 0
    prev = ""
    math = False  # inline ($...$) or display ($$...$$) math: it keeps its own & (matrix columns)
    display = False
    skip = False
    for i, ch in enumerate(expr):
        if skip:  # the second "$" of a "$$"
            skip = False
            out.append(ch)
            prev = ch
            continue
        if ch == "{" and prev != "\\":
            depth += 1
        elif ch == "}" and prev != "\\":
            depth -= 1
        elif ch == "$" and prev != "\\":
            if expr.startswith("$$", i) and (display or not math):
                display = math = not display
                skip = True
            elif not display:
                math = not math
        if depth > 0 and ch in "&%#" and prev != "\\" and not (math and ch == "&"):
            out.append("\\" + ch)
        else:
            out.append(ch)
        prev = "" if prev == "\\" and ch == "\\" else ch
    return "".join(out)


def _as_the_decoder_reads(expr: str, escaped: str) -> str:
    """``escaped``, unless the LaTeX decoder reads it otherwise than ``expr`` (then ``expr``).

    Where math starts and ends is the decoder's call: an escape it would read
    inside math (as ``\\&``, not ``&``) is not made; the value stays as written.
    """
    if "$" in expr and escaped != expr and expr[:1] == "{" and expr[-1:] == "}":
        if decode(escaped[1:-1]) != decode(escape_bare_signs(expr[1:-1])):  # (what the reader decodes)
            return expr
    return escaped


def place(out: dict[str, str], name: str, value: str) -> str:
    """``out[name] = value``, unless the entry has its own field of that name (a second
    journal, an institution beside a school): then the value goes under the name it
    was read from (or is left out when it is the same text), and neither is lost.
    Returns the name the value is under (``""`` when it was left out)."""
    have = out.get(name)
    if not value:
        out.setdefault(name, value)
        return name
    if not have or have is value:
        out[name] = value
        return name
    # A different value, or the same text read from another field (a @manual's
    # howpublished equal to its booktitle): kept under the name it was read from.
    other = value.source.name if isinstance(value, SourceText) else ""
    if other and other != name and (other not in out or out[other] is value):
        out[other] = value
        return other
    return ""


def move(out: dict[str, str], name: str, target: str, default: str = "") -> None:
    """``out[name]`` (or ``default`` when there is none) goes to ``target`` by :func:`place`;
    ``name`` is given up only when its value landed there. A report's publisher beside
    its own institution (even of the same text) stays a publisher, not a lost field."""
    value = out.get(name) or default
    where = place(out, target, value)
    if where and where != name:
        out.pop(name, None)


def arxiv_eprint(f: Fields | dict[str, str]) -> str:
    """The entry's eprint when it is an arXiv one: ``eprinttype = {arxiv}``, or no eprinttype
    and an arXiv identifier (a JSTOR number or a URL in ``eprint`` is not made an arXiv id)."""
    eprint = f.get("eprint", "")
    eprinttype = f.get("eprinttype", "")
    if eprint and (eprinttype == "arxiv" or (not eprinttype and arxiv_year_month(eprint)[0])):
        return eprint
    return ""


def _iso_date(year: str, month: str, day: str) -> str:
    """``YYYY[-MM[-DD]]`` of numeric parts (as the reader wrote a simple ``date``)."""
    parts = [year]
    if month.isdigit():
        parts.append(month.zfill(2))
        if day.isdigit():
            parts.append(day.zfill(2))
    return "-".join(parts)


def _verbatim(value: str) -> str:
    """Identifiers and URLs: percent-encode what would break a field; ``%`` as ``\\%``."""
    out = re.sub(r"[{}\\\s]", lambda m: "%{:02X}".format(ord(m.group(0))), value)
    return out.replace("%", r"\%")


def _needs_brace(part: str) -> bool:
    # A comma or a standalone "and" would split the name list; a lower-case
    # first letter would make BibTeX read the word as a "von" particle.
    return "," in part or bool(re.search(r"(?i)(^|\s)and(\s|$)", part))


@lru_cache(maxsize=65536)
def format_person(p: Person, ascii: bool) -> str:
    """``von Last, Jr, First`` with BibTeX's rules kept safe."""

    def enc(s: str) -> str:
        e = encode(s, ascii=ascii)
        return "{" + e + "}" if _needs_brace(s) else e

    if p.literal:
        return "{" + encode(p.literal, ascii=ascii) + "}"
    family = enc(p.family)
    if p.family[:1].islower() and "{" not in family[:1]:
        family = "{" + family + "}"
    last = f"{enc(p.particle)} {family}" if p.particle else family
    parts = [last]
    if p.suffix:
        parts.append(enc(p.suffix))
    if p.given or p.suffix:
        parts.append(enc(p.given))
    return ", ".join(parts)


def format_people(people: Iterable[Person], partial: bool, ascii: bool) -> str:
    names = [format_person(p, ascii) for p in people]
    if partial:
        names.append("others")
    return " and ".join(names)


def with_alias_copies(entries: Iterable[Entry]) -> list[Entry]:
    """``entries`` and, for each alias of one, a copy under the alias marked ``aliasof`` (see :func:`bibgen.keys.fold_alias_copies`)."""
    out: list[Entry] = []
    for e in entries:
        if not e.aliases:
            out.append(e)
            continue
        main = e.replace(aliases=())
        out.append(main)
        for a in e.aliases:
            out.append(main.replace(key=a, fields=Fields({**main.fields, "aliasof": e.key})))
    return out


class BibtexWriter:
    """Classic BibTeX (works with bibtex and with biber)."""

    name = "bibtex"
    suffixes = (".bib",)
    dialect = "bibtex"

    # BibTeX ignores ``ids``: every alias (a key that merged into this entry)
    # gets a citable copy of the entry, marked ``aliasof = {key}`` so that
    # bibgen reads it back as an alias (biblatex's writer uses ``ids`` instead).
    alias_copies = True

    def write(self, entries: list[Entry], options: Options) -> str:
        return "".join(self.write_parts(entries, options))

    def write_parts(self, entries: list[Entry], options: Options) -> Iterator[str]:
        """The text of :meth:`write` in pieces, each entry formatted when it is asked for.

        ``bibgen export -o`` writes the pieces to the file as they come, so
        neither the whole text nor its UTF-8 bytes are ever in memory at once
        (at 100k realistic entries: 0.4 GB of text, 0.2 GB of bytes, and the
        page faults of allocating them).
        """
        layout = getattr(options, "layout", _DEFAULT_LAYOUT)
        if self.alias_copies:
            entries = with_alias_copies(entries)
        ordered = self.sort(entries, layout)
        runs = parallel_runs(ordered, options)
        preamble = preamble_blocks(ordered)
        if preamble:
            yield preamble
            if not runs:
                return
            yield "\n"
        early = options.early if isinstance(options.early, EarlyTexts) else None
        here: dict[int, str] = {}
        if early is not None and early.serves(self):
            # While the children still format, the last entries are formatted here.
            here = self._format_while(early.busy, ordered, options)
        early = early.texts(self) if early is not None else None
        texts = early.lookup(ordered) if early is not None else None
        if texts is not None:
            # The children's texts (and those made here meanwhile) where they hold; the rest
            # formatted as without them (in runs when many). Entries with a text said nothing
            # when formatted: diagnostics come in order.
            misses = [e for i, (e, t) in enumerate(zip(ordered, texts)) if t is None and i not in here]
            made = iter(self._format_each(misses, options)) if len(misses) >= PARALLEL_ENTRIES else None
            # Given in pieces of some hundred entries: one piece per entry costs more in
            # the layers that take them (encoding, writing, comparing) than joining them.
            pieces: list[str] = []
            for i, (e, early_text) in enumerate(zip(ordered, texts)):
                if i:
                    pieces.append("\n")
                if i in here:
                    pieces.append(here[i])
                elif early_text is None:
                    pieces.append(next(made) if made is not None else self.format_entry(e, options))  # type: ignore[arg-type]
                else:
                    head, body = early_text  # "@type{" and ",\n ... }\n"
                    pieces += (head, e.key, body)
                if len(pieces) >= _PIECES:
                    yield "".join(pieces)
                    pieces.clear()
            if pieces:
                yield "".join(pieces)
            return
        if len(runs) == 1:
            run, run_options = runs[0]
            for i, e in enumerate(run):
                if i:
                    yield "\n"
                yield self.format_entry(e, run_options)
            return
        for i, text in enumerate(parallel.fork_map(self._format_run, runs, options.diagnostics)):
            if i:
                yield "\n"
            yield text

    def _format_run(self, run: tuple[Sequence[Entry], Options]) -> str:
        return "\n".join(self._format_list(run))

    def _format_list(self, run: tuple[Sequence[Entry], Options]) -> list[str]:
        entries, options = run
        return [self.format_entry(e, options) for e in entries]

    def _format_while(self, busy: Callable[[], bool], entries: Sequence[Entry], options: Options) -> dict[int, str]:
        """Texts of the last of ``entries``, by position, formatted from the end while ``busy()``
        holds; an entry whose formatting said anything (a diagnostic, an error) is left out,
        and what it said taken back: it is formatted again, in order, where it is written."""
        diags = options.diagnostics
        out: dict[int, str] = {}
        for i in range(len(entries) - 1, -1, -1):
            if not busy():
                break
            seen = len(diags.items), len(diags.skipped)
            try:
                text = self.format_entry(entries[i], options)
            except Exception:  # noqa: BLE001  (raised again, in order, when it is written)
                text = None
            if (len(diags.items), len(diags.skipped)) != seen:
                del diags.items[seen[0] :], diags.skipped[seen[1] :]
                continue
            if text is not None:
                out[i] = text
        return out

    def _format_each(self, entries: Sequence[Entry], options: Options) -> list[str]:
        """``[format_entry(e) for e in entries]``, in runs of :func:`parallel_runs`."""
        runs = parallel_runs(entries, options)
        return [t for texts in parallel.fork_map(self._format_list, runs, options.diagnostics) for t in texts]

    def begin_early(self, options: Options) -> EarlyTexts | None:
        """Texts to make while the entries are read, merged and keyed (:class:`EarlyTexts`),
        before reading starts; None with one core."""
        return EarlyTexts(self, options) if parallel.jobs() > 1 else None

    def prepare(self, entries: Sequence[Entry], options: Options) -> EarlyTexts | None:
        """Start formatting ``entries`` (as read) in a child process; None where that does not pay.

        The pipeline calls this before it merges duplicates and assigns keys
        (:func:`bibgen.pipeline.keyed_entries` calls :meth:`begin_early` before
        reading instead, so that the processes that read also format);
        :meth:`write_parts` then takes the text of every entry that is still
        the one formatted (only its key may differ) and formats the rest.
        """
        early = self.begin_early(options)
        if early is not None:
            early.start(entries)
        return early if early is not None and early.children else None

    def _format_early(self, part: tuple[list[Entry], Options, bool]) -> list[tuple[str, str] | None]:
        """The text of each entry as its first line up to the key (``@type{``) and the rest after
        it; None where formatting it said anything (a diagnostic, an error): that entry is
        formatted again, where it is written. With ``guess``, records that will likely be
        merged (:func:`_likely_merged`) are not formatted (None): their merged work is."""
        entries, options, guess = part
        diags = options.diagnostics
        out: list[tuple[str, str] | None] = []
        skip = _likely_merged(entries) if guess else None
        for n, e in enumerate(entries):
            if skip is not None and skip[n]:
                out.append(None)
                continue
            seen = len(diags.items), len(diags.skipped)
            # Under its own key when it has a usable one (no copy of the entry), else a placeholder.
            key = e.key if e.key and _PLAIN_KEY.fullmatch(e.key) else _EARLY_KEY
            try:
                text = self.format_entry(e if key is e.key else e.replace(key=key), options)
            except Exception:  # noqa: BLE001  (said again, in order, when the entry is written)
                out.append(None)
                continue
            if (len(diags.items), len(diags.skipped)) != seen:
                out.append(None)
                continue
            at = text.index("{") + 1  # "@type{" + key + ","
            out.append((text[:at], text[at + len(key) :]))
        return out

    def sort(self, entries: list[Entry], layout: Layout) -> list[Entry]:
        """Entries in ``layout.sort`` order; ties (and the default) by key."""
        if layout.sort == ("none",):
            return list(entries)
        out = sorted(entries, key=lambda e: (e.key.casefold(), e.key))
        for spec in reversed(layout.sort):
            name = spec.lstrip("-")
            if name in ("key", "none"):
                if spec.startswith("-"):
                    out.reverse()
                continue
            out.sort(key=lambda e, n=name: self._sort_value(e, n), reverse=spec.startswith("-"))
        return out

    def _sort_value(self, entry: Entry, name: str) -> tuple:  # type: ignore[type-arg]
        if name == "year":
            year = entry.get("year") or self._derived_year(entry)
            return (int(year),) if year.isdigit() else (0,)
        if name == "author":
            people = entry.people.get("author") or entry.people.get("editor") or ()
            return tuple(p.sort_form().casefold() for p in people)
        return (self.entry_type_and_fields(entry)[0],)

    @staticmethod
    def _derived_year(entry: Entry) -> str:
        eprint = arxiv_eprint(entry.fields)
        return arxiv_year_month(eprint)[0] if eprint else ""

    # -- per dialect

    @staticmethod
    def source_text(raw: str) -> str:
        """A value's source form as written back: bare ``& % #`` escaped, and characters
        pdflatex (T1) has no input mapping for written as accent commands."""
        if "&" in raw or "%" in raw or "#" in raw:
            raw = _compilable(raw)
        return raw if raw.isascii() else pdflatex_text(raw)  # (pdflatex_text keeps ASCII as it is)

    @staticmethod
    def verbatim(value: str) -> str:
        """Text of a verbatim field (URL, DOI, eprint, ids)."""
        return _verbatim(value)

    def preprint_fields(self, entry: Entry, out: dict[str, str]) -> None:
        """arXiv's own export shape (eprint, archiveprefix, primaryclass, url, year), and
        ``howpublished = {arXiv:ID [class]}`` so styles that ignore eprint fields
        (plain, plainnat, IEEEtran, apalike) print the identifier."""
        f = entry.fields
        eprint = arxiv_eprint(f)
        if not eprint:
            return
        year, month = arxiv_year_month(eprint)
        if year and not f.get("year"):
            out["year"] = year
            if month and not f.get("month"):
                out["month"] = month
        if entry.kind not in _PREPRINT_KINDS:
            return  # a published work's eprint is a second locator: its own URL stays its own
        if not f.get("url"):
            out["url"] = arxiv_url(eprint)
        if out.get("howpublished"):
            return
        cls = f.get("eprintclass", "")
        out["howpublished"] = f"arXiv:{eprint}" + (f" [{cls}]" if cls else "")

    def entry_type_and_fields(self, entry: Entry, undecoded: bool = False) -> tuple[str, dict[str, str]]:
        """The BibTeX type and raw (unescaped) fields of an entry; unchanged values are :class:`SourceText`
        (with ``undecoded``, maybe :class:`UndecodedSourceText`: see :func:`source_fields`)."""
        f = source_fields(entry, undecoded)
        btype, out = self._generic_type_and_fields(entry, f)
        src = entry.source
        if src is not None and src.dialect == "bib":
            if isinstance(f.get("venue"), SourceText):
                out["venue"] = f["venue"]  # biblatex's event venue, not bibgen's source line
            sv = src.get("date") if "date" not in f else None
            if sv is not None and sv.text == _iso_date(f.get("year", ""), f.get("month", ""), f.get("day", "")):
                out["date"] = SourceText(sv.text, sv)  # the input's own date (BibTeX styles read year beside it)
                if self.dialect == "biblatex" and src.get("year") is None:
                    for part in ("year", "month", "day"):
                        out.pop(part, None)
        return faithful(entry, self.dialect, btype, out)

    def _generic_type_and_fields(self, entry: Entry, f: dict[str, str]) -> tuple[str, dict[str, str]]:
        container = f.get("container", "")
        out: dict[str, str] = {k: v for k, v in f.items() if k not in _INTERNAL}
        kind = entry.kind
        if kind is EntryKind.ARTICLE:
            btype = "article"
            place(out, "journal", container)
        elif kind is EntryKind.INPROCEEDINGS:
            btype = "inproceedings"
            place(out, "booktitle", container)
        elif kind is EntryKind.INCOLLECTION:
            btype = "incollection"
            place(out, "booktitle", container)
        elif kind is EntryKind.BOOK:
            btype = "book"
            if container and "publisher" not in out:
                out["publisher"] = container
        elif kind is EntryKind.REPORT:
            btype = "techreport"
            move(out, "publisher", "institution", container)
        elif kind is EntryKind.THESIS:
            btype = "phdthesis"
            move(out, "publisher", "school", container)
        else:
            btype = "misc"
            if container:
                place(out, "howpublished", container)  # beside its own howpublished: under its own name
        eprinttype = f.get("eprinttype", "")
        if eprinttype == "arxiv" or (kind is EntryKind.PREPRINT and arxiv_eprint(f)):
            # (beside an archiveprefix of its own, an eprinttype keeps its biblatex name)
            place(out, "archiveprefix", eprinttype if "archiveprefix" in out else "arXiv")
        elif eprinttype:
            place(out, "archiveprefix", eprinttype)  # jstor, hdl, pubmed: biber reads archiveprefix as eprinttype
        if f.get("eprintclass"):
            place(out, "primaryclass", f["eprintclass"])
        if f.get("year"):
            out["year"] = f["year"]
        if f.get("month"):
            out["month"] = f["month"]
        if f.get("day"):
            out["day"] = f["day"]
        self.preprint_fields(entry, out)
        if entry.aliases and not self.alias_copies:
            out["ids"] = ",".join(entry.aliases)
        return btype, out

    def format_entry(self, entry: Entry, options: Options) -> str:
        layout: Layout = getattr(options, "layout", _DEFAULT_LAYOUT)
        btype, raw = self.entry_type_and_fields(entry, undecoded=True)
        ascii = options.ascii
        values: dict[str, str] = {}
        src = entry.source if entry.source is not None and entry.source.dialect == "bib" else None
        for role in ("author", "editor", "translator"):
            people = entry.people.get(role)
            if people and layout.keeps(role):
                sv = src.get(role) if src is not None else None
                if (
                    sv is not None
                    and sv.text == people_signature(people, role in entry.partial)
                    and not (self.dialect == "bibtex" and "=" in sv.raw and _EXTENDED_NAMES.search(sv.raw))
                    and not (ascii and not sv.raw.isascii())
                ):
                    values[role] = _redelimit(self.source_text(sv.raw), layout)  # the input's own value
                else:
                    values[role] = _delimit(format_people(people, role in entry.partial, ascii), layout)
        marks = dict(entry.nocase)
        language = entry.get("langid") or entry.get("language")
        keeps = layout.keeps if layout.omit or layout.only_fields else None
        quotes = layout.quotes
        journals_kept = layout.journals == "keep"
        source_text = self.source_text
        for name, value in raw.items():
            if not value or (keeps is not None and not keeps(name)):
                continue
            if (
                isinstance(value, SourceText)
                and name != "month"
                and (not ascii or value.source.raw.isascii())
                and (journals_kept or name not in _JOURNAL_FIELDS)
            ):
                # Unchanged since read: the input's own source form (its braces, macros, LaTeX).
                raw_value = value.source.raw if name in VERBATIM else source_text(value.source.raw)
                values[name] = _redelimit(raw_value, layout) if quotes else raw_value
                continue
            if type(value) is UndecodedSourceText:
                value = value.text()  # (--ascii and a source that is not: written from its text)
                if not value:
                    continue
            if name in VERBATIM:
                values[name] = _delimit(self.verbatim(value), layout)
            elif name == "pages":
                # BibTeX styles look for "-" to print "pages"; write ranges as "--".
                values[name] = _delimit("--".join(encode(p, ascii=ascii) for p in value.split("\u2013")), layout)
            elif name == "month" and layout.month_macros and _month_macro(value):
                values[name] = _month_macro(value)
            else:
                if name in _JOURNAL_FIELDS and layout.journals != "keep":
                    value = journal_name(value, layout)
                mark = marks.get(name) or (marks.get("container") if name in _CONTAINERS else None)
                rich = _csl_rich(entry, name, value) if entry.source is not None and entry.source.dialect == "csl" else None
                if rich is not None:
                    # CSL-JSON markup read unchanged: its tags as LaTeX commands, nocase as braces.
                    mode = layout.protect_case if name in TITLE_FIELDS else "none"
                    flags = [p for text, p in protect(value, mode, language, None, entry.get("abstract")) for _ in text]
                    values[name] = _delimit(to_latex(rich, lambda t: encode(t, ascii=ascii), flags), layout)
                elif name in TITLE_FIELDS or mark:
                    # Journals and other non-title fields keep only the braces their source wrote.
                    mode = layout.protect_case if name in TITLE_FIELDS else "none"
                    chunks = protect(value, mode, language, mark, entry.get("abstract"))
                    values[name] = _delimit(_encode_chunks(chunks, ascii), layout)
                else:
                    values[name] = _delimit(encode(value, ascii=ascii), layout)
        require_entry(entry, values)  # defence in depth: the readers' boundary check, again (bibgen.safety)
        return format_fields(btype, entry.key, list(values.items()), layout)


def _month_macro(value: str) -> str:
    if value.lower()[:3] in _MONTHS and value.isalpha():
        return value.lower()[:3]
    if value.isdigit() and 1 <= int(value) <= 12:
        return _MONTHS[int(value) - 1]
    return ""


# .bib fields that may hold a CSL rich-text variable, by the model field it was read into.
_RICH_SOURCE = {"title": "title", "shorttitle": "shorttitle", "series": "series", "journal": "container",
                "journaltitle": "container", "booktitle": "container", "howpublished": "container"}


def _csl_rich(entry: Entry, name: str, value: str) -> tuple[RichNode, ...] | None:
    """The rich text of a CSL-JSON title-like value still holding what was read, when it has markup."""
    neutral = _RICH_SOURCE.get(name)
    sv = entry.source.unchanged(neutral, value) if neutral and entry.source is not None else None
    if sv is None or "<" not in sv.raw:
        return None
    try:
        markup = json.loads(sv.raw)
    except ValueError:
        return None
    if not isinstance(markup, str):
        return None
    nodes = from_csl(markup)
    return nodes if has_markup(nodes) and plain(nodes) == value else None


def _encode_chunks(chunks, ascii: bool) -> str:  # type: ignore[no-untyped-def]
    out = []
    for text, protected in chunks:
        enc = encode(text, ascii=ascii)
        if protected:
            # "{\\'E}..." at brace level one is a BibTeX special character, whose
            # letters styles still re-case: a second pair of braces protects it.
            enc = "{{" + enc + "}}" if enc.startswith("\\") else "{" + enc + "}"
        out.append(enc)
    return "".join(out)


def _quote_safe(text: str) -> str:
    out: list[str] = []
    depth = 0
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            if text[i + 1] == '"' and depth == 0:
                j = i + 3 if i + 2 < len(text) else i + 2
                out.append("{" + text[i:j] + "}")
                i = j
                continue
            out.append(text[i : i + 2])
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        out.append('{"}' if c == '"' and depth == 0 else c)
        i += 1
    return "".join(out)


def _redelimit(raw: str, layout: Layout) -> str:
    """A source form in the layout's delimiters: one ``{...}`` group becomes ``"..."`` under
    ``--quotes``; anything else (a macro, a ``#`` concatenation, quotes) stays as written."""
    if not layout.quotes or raw[:1] != "{" or raw[-1:] != "}":
        return raw
    depth = 0
    for i, c in enumerate(raw):
        depth += (c == "{") - (c == "}")
        if depth == 0 and i < len(raw) - 1:
            return raw  # "{a} # {b}": more than one group
    return _delimit(raw[1:-1], layout)


def _delimit(text: str, layout: Layout) -> str:
    if layout.quotes:
        # Inside "...", a double quote at brace level zero would end the value: it is
        # braced ({"}, and an accent {\"o}); one inside braces ({\"o}) is already safe.
        return '"' + _quote_safe(text) + '"' if '"' in text else '"' + text + '"'
    return "{" + text + "}"


def field_rank(layout: Layout):  # type: ignore[no-untyped-def]
    """Sort key of field names: the layout's order first, then the canonical one."""
    first = {name: i for i, name in enumerate(layout.field_order)}
    base = len(first)

    def rank(name: str) -> tuple[int, int, str]:
        if name in first:
            return (0, first[name], name)
        return (1, _RANK.get(name, len(_RANK)), name)

    return rank


def format_fields(btype: str, key: str, values: list[tuple[str, str]], layout: Layout) -> str:
    """One entry in ``layout``: ``values`` are (name, already delimited text) pairs."""
    table, rank = _rank_table(layout)
    ranks = []
    for name, _ in values:
        r = table.get(name)
        if r is None:
            r = rank(name)
            if len(table) < _RANK_TABLE_SIZE:
                table[name] = r
        ranks.append(r)
    # (rank, position): stable, a repeated name keeps its order; the values are never compared.
    pairs = [values[i] for _, i in sorted(zip(ranks, range(len(values))))]
    if not layout.align and not layout.wrap and layout.trailing_comma:
        # The default layout: one line per field, nothing to pad or wrap.
        indent = layout.indent
        return "".join([f"@{btype}{{{key},\n", *[f"{indent}{name} = {value},\n" for name, value in pairs], "}\n"])
    lines = [f"@{btype}{{{key},"]
    for i, (name, value) in enumerate(pairs):
        label = name.ljust(layout.align) if layout.align else name
        prefix = f"{layout.indent}{label} = "
        if layout.wrap and len(prefix) + len(value) > layout.wrap and name not in VERBATIM:
            value = _wrap(value, len(prefix), layout.wrap)
        comma = "," if layout.trailing_comma or i < len(pairs) - 1 else ""
        lines.append(f"{prefix}{value}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


# Sort keys of field names (see field_rank) by the layout's field order, filled as names
# are met; a table stops growing at _RANK_TABLE_SIZE names (the rest are ranked each time).
_RANK_TABLES: dict[tuple[str, ...], tuple[dict[str, tuple[int, int, str]], Callable[[str], tuple[int, int, str]]]] = {}
_RANK_TABLE_SIZE = 4096


def _rank_table(layout: Layout) -> tuple[dict[str, tuple[int, int, str]], Callable[[str], tuple[int, int, str]]]:
    """The memo of :func:`field_rank` for ``layout``'s field order, and that rank function."""
    got = _RANK_TABLES.get(layout.field_order)
    if got is None:
        if len(_RANK_TABLES) >= 64:
            _RANK_TABLES.clear()
        got = _RANK_TABLES[layout.field_order] = ({}, field_rank(layout))
    return got


def _wrap(value: str, start: int, width: int) -> str:
    """Break ``value`` at spaces so lines stay within ``width`` where words allow;
    continuation lines start under the value (BibTeX reads a line break as a space)."""
    lines: list[str] = []
    line = ""
    for w in value.split(" "):
        if line and start + len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}" if line else w
    lines.append(line)
    return ("\n" + " " * start).join(lines)


def journal_name(name: str, layout: Layout) -> str:
    """ISO 4 abbreviation (``iso4``) or full name (``expand``) of a journal."""
    from bibgen.journals import abbreviate, expand

    return abbreviate(name) if layout.journals == "iso4" else expand(name, layout.journal_names)


def preamble_blocks(entries: Iterable[Entry]) -> str:
    """The ``@preamble`` blocks of the files the entries came from, each once, in first-use order."""
    seen: dict[str, None] = {}
    for e in entries:
        if e.source is not None:
            for p in e.source.preamble:
                seen.setdefault(p, None)
    return "".join(f"@preamble{{{p}}}\n" for p in seen)


# The key entries are formatted under in EarlyTexts' child (any key would do: it is
# only written in the first line, "@type{key,", which is written again with the real one).
_EARLY_KEY = "k"
# Keys an entry can be formatted under as they are (letters, digits and the usual
# punctuation, no brace or comma: its first line is "@type{" + key + ",").
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_:.\-/+]{1,200}")
# Every part of an Entry but its key: an entry whose parts are all those of the entry
# formatted early (the same objects) has the same text but for its first line.
_ALL_BUT_KEY = attrgetter(*(name for name in _ENTRY_SLOTS if name != "key"))


def _likely_merged(entries: Sequence[Entry]) -> list[bool]:
    """Which records share their title with a record they may be merged with: a guess that
    only saves work (a record guessed wrong is formatted where it is written).

    Records of one file under different keys are not merged (the dedupe rule
    within a file), so a .bib whose titles repeat is guessed unmerged; an
    untitled record is merged only on an identifier, so it is guessed unmerged too.
    """
    if entries:
        # One file whose keys all differ (a single .bib, the common case): nothing to guess, no title to reduce.
        path = entries[0].origin.path
        if all(e.origin.path == path for e in entries):
            keys = {e.key.casefold() for e in entries}
            if "" not in keys and len(keys) == len(entries):
                return [False] * len(entries)
    by_title: dict[str, list[int]] = {}
    for i, e in enumerate(entries):
        tkey = title_key(e.fields.get("title", ""))
        if tkey:
            by_title.setdefault(tkey, []).append(i)
    out = [False] * len(entries)
    for members in by_title.values():
        if len(members) < 2:
            continue
        path = entries[members[0]].origin.path
        keys = {entries[i].key.casefold() for i in members}
        if "" not in keys and len(keys) == len(members) and all(entries[i].origin.path == path for i in members):
            continue
        for i in members:
            out[i] = True
    return out


class EarlyTexts:
    """The texts child processes make of the entries as read (:meth:`BibtexWriter.prepare`),
    and of the entries merging made (:meth:`more`)."""

    def __init__(self, writer: BibtexWriter, options: Options) -> None:
        self.writer = writer
        self.options = options
        # (entries, the child formatting them), in the order they were started.
        self.children: list[tuple[list[Entry], object]] = []
        self._texts: dict[Origin, tuple[Entry, tuple[str, str]]] | None = None
        self._pid = os.getpid()

    def in_reader(self) -> Callable[[list[Entry]], object] | None:
        """What a child that read entries does once it has sent them (``then`` of
        :func:`bibgen.parallel.fork_map`): it formats them, and this process takes the
        texts (:meth:`adopt`). None in a child (its children's texts would not reach this process)."""
        return self._format_read if os.getpid() == self._pid and self._texts is None else None

    def _format_read(self, entries: list[Entry]) -> list[tuple[str, str] | None] | None:
        if not parallel.heap_is_small():
            return None  # (as prepare: the entries are formatted where they are written)
        return self.writer._format_early((entries, self.options, True))

    def adopt(self, entries: list[Entry], child: object) -> None:
        """A reading child's texts, to come, of ``entries`` (as this process has them) in order."""
        self.children.append((entries, child))

    def start(self, entries: Sequence[Entry]) -> None:
        """Start formatting, in a child, those of ``entries`` (as read) no reading child formats,
        when there are enough entries to pay."""
        if self._texts is not None or len(entries) < PARALLEL_ENTRIES or not parallel.heap_is_small():
            return
        rest = self._not_started(entries)
        if not rest:
            return
        reading = [child for _, child in self.children]
        child = parallel.spawn(self._format_rest, (reading, (rest, self.options, True)), self.options.diagnostics)
        if child is not None:
            self.children.append((rest, child))

    def _format_rest(self, part: tuple[list[object], tuple[list[Entry], Options, bool]]) -> list[tuple[str, str] | None]:
        """In the child :meth:`start` makes: the reading children end first (one core is
        free while this process merges: two formatting children would share it)."""
        reading, work = part
        parallel.wait_ended(reading)  # type: ignore[arg-type]
        return self.writer._format_early(work)

    def more(self, entries: Sequence[Entry]) -> None:
        """Start formatting, in another child, those of ``entries`` no child formats yet (the
        merged works, which the pipeline then keys): when there are enough of them to pay."""
        if self._texts is not None or parallel.jobs() <= 1 or not parallel.heap_is_small():
            return
        new = self._not_started(entries)
        if len(new) < PARALLEL_ENTRIES:
            return
        # In as many children as there are cores: this process is busy keying meanwhile,
        # and the first child is (nearly always) done.
        for r in parallel.chunks([1] * len(new), parallel.jobs()):
            batch = new[r.start : r.stop]
            child = parallel.spawn(self.writer._format_early, (batch, self.options, False), self.options.diagnostics)
            if child is not None:
                self.children.append((batch, child))

    def _not_started(self, entries: Sequence[Entry]) -> list[Entry]:
        """Those of ``entries`` (these very objects) no child formats."""
        started = {id(e) for batch, _ in self.children for e in batch}
        return [e for e in entries if id(e) not in started]

    def serves(self, writer: BibtexWriter) -> bool:
        """Are these texts ``writer``'s (made by a writer of its class, not another format's)?"""
        return type(writer) is type(self.writer)

    def busy(self) -> bool:
        """Is a child still formatting?"""
        return any(not parallel.finished(child) for _, child in self.children)  # type: ignore[arg-type]

    def texts(self, writer: BibtexWriter) -> EarlyTexts | None:
        """Itself once the children's texts are in, for the writer that prepared them; else None."""
        if not self.serves(writer):
            return None
        if self._texts is None:
            children, self.children = self.children, []
            found: dict[Origin, tuple[Entry, tuple[str, str]]] = {}
            for entries, child in children:
                sent = parallel.collect(child)  # type: ignore[arg-type]
                texts = sent[0] if sent is not None else None
                if isinstance(texts, list) and len(texts) == len(entries):
                    # A merged entry has the origin of one record it merged: its text wins.
                    found.update((e.origin, (e, t)) for e, t in zip(entries, texts) if t is not None)
            if not found:
                return None
            self._texts = found
        return self

    def lookup(self, entries: Sequence[Entry]) -> list[tuple[str, str] | None] | None:
        """The child's text of each of ``entries`` (None: format it), or None to use none of them:
        then a key the writer refuses (format_entry's check) is refused where the writer meets it."""
        out: list[tuple[str, str] | None] = []
        for e in entries:
            text = self.get(e)
            if text is not None:
                try:
                    require_keys(e)  # what format_entry checks of the keys (require_entry)
                except BibgenError:
                    return None
            out.append(text)
        return out

    def get(self, entry: Entry) -> tuple[str, str] | None:
        """``entry``'s text from the child's, if the entry formatted there is still ``entry`` but for
        its key: the text before its key (``@type{``) and after it (:meth:`lookup` checks the key)."""
        got = self._texts.get(entry.origin) if self._texts is not None else None
        if got is None:
            return None
        early, text = got
        if early is not entry and not all(map(is_, _ALL_BUT_KEY(early), _ALL_BUT_KEY(entry))):
            return None
        return text

    def discard(self) -> None:
        """Stop the children whose texts were never taken."""
        children, self.children = self.children, []
        for _, child in children:
            parallel.discard(child)  # type: ignore[arg-type]


# write_parts joins about this many strings (a few hundred entries) into each piece it gives.
_PIECES = 2048

# Formatting entries in several processes pays for itself above about this many
# (forking costs some milliseconds; the text comes back cheaply).
PARALLEL_ENTRIES = 4000


def parallel_runs(entries: Sequence[Entry], options: Options) -> list[tuple[Sequence[Entry], Options]]:
    """``entries`` in consecutive runs, one per process :func:`bibgen.parallel.fork_map` may use."""
    n = parallel.jobs() if len(entries) >= PARALLEL_ENTRIES and parallel.heap_is_small() else 1
    return [(entries[r.start : r.stop], options) for r in parallel.chunks([1] * len(entries), n, lead=1.25)] if entries else []
