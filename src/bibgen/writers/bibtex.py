"""The BibTeX/BibLaTeX writer family: one canonical layout, two dialects.

Layout: entries sorted by key (case-insensitively), one field per line,
two-space indent, ``name = {value},`` with a trailing comma, a blank line
between entries, fields in a fixed order (unknown fields after, by name).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from bibgen.latex import encode, pdflatex_text
from bibgen.model import Entry, EntryKind, Person, SourceValue, people_signature
from bibgen.typemap import field_name, output_type

if TYPE_CHECKING:
    from bibgen.pipeline import Options

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
    {"doi", "url", "eprint", "ids", "crossref", "xref", "xdata", "date", "urldate", "eventdate", "origdate"}
)  # fmt: skip
# Fields written bare (no braces): month macros.
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# Fields whose words are brace-protected against case changes.
TITLE_FIELDS = frozenset({"title", "subtitle", "booktitle", "journal", "journaltitle", "series"})
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
        obj = super().__new__(cls, text)
        obj.source = source
        return obj


def source_fields(entry: Entry) -> dict[str, str]:
    """``entry.fields``, each value that is unchanged since it was read as a :class:`SourceText`."""
    f: dict[str, str] = dict(entry.fields)
    src = entry.source
    if src is None or src.dialect != "bib":
        return f
    for name, sv in src.fields:
        value = f.get(name)
        if value is not None and value == sv.text:
            f[name] = SourceText(value, sv)
    return f


def faithful(entry: Entry, dialect: str, btype: str, out: dict[str, str]) -> tuple[str, dict[str, str]]:
    """The type and field names the input used, where the entry still means what it said.

    The type is kept (or mapped by :mod:`bibgen.typemap`) while the entry keeps
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
    for name, value in out.items():
        if isinstance(value, SourceText):
            moved = False
            for target in (field_name(dialect, value.source.name, btype), value.source.name):
                if target == name:
                    break
                if target not in out and target not in renamed:
                    renamed[target] = value
                    moved = True
                    break
            if moved:
                continue
        renamed.setdefault(name, value)
    if btype in ("mastersthesis", "phdthesis", "techreport", "report", "thesis") and "type" in renamed:
        if not isinstance(renamed["type"], SourceText) and src.get("type") is None:
            del renamed["type"]  # the reader's spelled-out subtype or the writer's default: the input had none
    return btype, renamed


# biblatex's extended name format, which BibTeX cannot read: such a list is written from its names.
_EXTENDED_NAMES = re.compile(r"(?i)\b(?:family|given|prefix|suffix)\s*=")
_BARE_SPECIAL = re.compile(r"(?<!\\)([&%#])")


def _compilable(expr: str) -> str:
    """A source expression with bare ``&``, ``%``, ``#`` inside its braces escaped.

    BibTeX copies them to the ``.bbl`` where LaTeX would stop (``&``) or drop the
    rest of the line (``%``); ``\\&`` prints what the user meant.
    """
    if not ("&" in expr or "%" in expr or "#" in expr):
        return expr
    out: list[str] = []
    depth = 0
    prev = ""
    math = False
    for ch in expr:
        if ch == "{" and prev != "\\":
            depth += 1
        elif ch == "}" and prev != "\\":
            depth -= 1
        elif ch == "$" and prev != "\\":
            math = not math  # math keeps its own & (matrix columns)
        if depth > 0 and ch in "&%#" and prev != "\\" and not (math and ch == "&"):
            out.append("\\" + ch)
        else:
            out.append(ch)
        prev = "" if prev == "\\" and ch == "\\" else ch
    return "".join(out)


def place(out: dict[str, str], name: str, value: str) -> None:
    """``out[name] = value``, unless the entry has its own field of that name (a second
    journal, an institution beside a school): then the value goes under the name it
    was read from (or is left out when it is the same text), and neither is lost."""
    have = out.get(name)
    if not value:
        out.setdefault(name, value)
    elif not have or have is value:
        out[name] = value
    elif have != value:
        other = value.source.name if isinstance(value, SourceText) else ""
        if other and (other not in out or out[other] is value):
            out[other] = value


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


class BibtexWriter:
    """Classic BibTeX (works with bibtex and with biber)."""

    name = "bibtex"
    suffixes = (".bib",)
    dialect = "bibtex"

    def write(self, entries: list[Entry], options: Options) -> str:
        ordered = sorted(entries, key=lambda e: (e.key.casefold(), e.key))
        body = "\n".join(self.format_entry(e, options) for e in ordered)
        preamble = preamble_blocks(ordered)
        return preamble + "\n" + body if preamble and body else preamble + body

    # -- per dialect

    @staticmethod
    def source_text(raw: str) -> str:
        """A value's source form as written back: bare ``& % #`` escaped, and characters
        pdflatex (T1) has no input mapping for written as accent commands."""
        return pdflatex_text(_compilable(raw))

    @staticmethod
    def verbatim(value: str) -> str:
        """Text of a verbatim field (URL, DOI, eprint, ids)."""
        return _verbatim(value)

    def entry_type_and_fields(self, entry: Entry) -> tuple[str, dict[str, str]]:
        """The BibTeX type and raw (unescaped) fields of an entry; unchanged values are :class:`SourceText`."""
        f = source_fields(entry)
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
            place(out, "institution", f.get("publisher") or container)
            out.pop("publisher", None)
        elif kind is EntryKind.THESIS:
            btype = "phdthesis"
            place(out, "school", f.get("publisher") or container)
            out.pop("publisher", None)
        else:
            btype = "misc"
            if container and "howpublished" not in out:
                place(out, "howpublished", container)
        if f.get("eprinttype", "") == "arxiv" or kind is EntryKind.PREPRINT:
            if f.get("eprinttype", "arxiv") == "arxiv":
                out["archiveprefix"] = "arXiv"
            if f.get("eprintclass"):
                out["primaryclass"] = f["eprintclass"]
        if f.get("year"):
            out["year"] = f["year"]
        if f.get("month"):
            out["month"] = f["month"]
        if f.get("day"):
            out["day"] = f["day"]
        if entry.aliases:
            out["ids"] = ",".join(entry.aliases)
        return btype, out

    def format_entry(self, entry: Entry, options: Options) -> str:
        btype, raw = self.entry_type_and_fields(entry)
        ascii = options.ascii
        lines = [f"@{btype}{{{entry.key},"]
        values: dict[str, str] = {}
        src = entry.source if entry.source is not None and entry.source.dialect == "bib" else None
        for role in ("author", "editor", "translator"):
            people = entry.people.get(role)
            if people:
                sv = src.get(role) if src is not None else None
                if (
                    sv is not None
                    and sv.text == people_signature(people, role in entry.partial)
                    and not (self.dialect == "bibtex" and _EXTENDED_NAMES.search(sv.raw))
                    and not (ascii and not sv.raw.isascii())
                ):
                    values[role] = self.source_text(sv.raw)
                else:
                    values[role] = "{" + format_people(people, role in entry.partial, ascii) + "}"
        for name, value in raw.items():
            if not value:
                continue
            if isinstance(value, SourceText) and name != "month" and not (ascii and not value.source.raw.isascii()):
                values[name] = value.source.raw if name in VERBATIM else self.source_text(value.source.raw)
            elif name in VERBATIM:
                values[name] = "{" + self.verbatim(value) + "}"
            elif name == "pages":
                # BibTeX styles look for "-" to print "pages"; write ranges as "--".
                values[name] = "{" + "--".join(encode(p, ascii=ascii) for p in value.split("\u2013")) + "}"
            elif name == "month" and value.lower()[:3] in _MONTHS and (value.isalpha() or value.isdigit()):
                values[name] = value.lower()[:3]
            elif name == "month" and value.isdigit() and 1 <= int(value) <= 12:
                values[name] = _MONTHS[int(value) - 1]
            else:
                values[name] = "{" + encode(value, ascii=ascii, protect_case=name in TITLE_FIELDS) + "}"
        for name in sorted(values, key=lambda n: (_RANK.get(n, len(_RANK)), n)):
            lines.append(f"  {name} = {values[name]},")
        lines.append("}")
        return "\n".join(lines) + "\n"


def preamble_blocks(entries: Iterable[Entry]) -> str:
    """The ``@preamble`` blocks of the files the entries came from, each once, in first-use order."""
    seen: dict[str, None] = {}
    for e in entries:
        if e.source is not None:
            for p in e.source.preamble:
                seen.setdefault(p, None)
    return "".join(f"@preamble{{{p}}}\n" for p in seen)
