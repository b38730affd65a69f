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

from bibgen.latex import encode
from bibgen.model import Entry, EntryKind, Person
from bibgen.safety import require_entry

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
VERBATIM = frozenset({"doi", "url", "eprint", "ids"})
# Fields written bare (no braces): month macros.
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# Fields whose words are brace-protected against case changes.
TITLE_FIELDS = frozenset({"title", "subtitle", "booktitle", "journal", "journaltitle", "series"})
# Neutral model fields that are not written under their own name.
_INTERNAL = frozenset({"container", "venue", "eprinttype", "eprintclass", "year", "month", "day"})


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
        return "\n".join(self.format_entry(e, options) for e in ordered)

    # -- per dialect

    @staticmethod
    def verbatim(value: str) -> str:
        """Text of a verbatim field (URL, DOI, eprint, ids)."""
        return _verbatim(value)

    def entry_type_and_fields(self, entry: Entry) -> tuple[str, dict[str, str]]:
        """The BibTeX type and raw (unescaped) fields of an entry."""
        f = dict(entry.fields)
        container = f.get("container", "")
        out: dict[str, str] = {k: v for k, v in f.items() if k not in _INTERNAL}
        kind = entry.kind
        if kind is EntryKind.ARTICLE:
            btype = "article"
            out["journal"] = container
        elif kind is EntryKind.INPROCEEDINGS:
            btype = "inproceedings"
            out["booktitle"] = container
        elif kind is EntryKind.INCOLLECTION:
            btype = "incollection"
            out["booktitle"] = container
        elif kind is EntryKind.BOOK:
            btype = "book"
            if container and "publisher" not in out:
                out["publisher"] = container
        elif kind is EntryKind.REPORT:
            btype = "techreport"
            out["institution"] = f.get("publisher") or container
            out.pop("publisher", None)
        elif kind is EntryKind.THESIS:
            btype = "phdthesis"
            out["school"] = f.get("publisher") or container
            out.pop("publisher", None)
        else:
            btype = "misc"
            if container and "howpublished" not in out:
                out["howpublished"] = container
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
        for role in ("author", "editor", "translator"):
            people = entry.people.get(role)
            if people:
                values[role] = "{" + format_people(people, role in entry.partial, ascii) + "}"
        for name, value in raw.items():
            if not value:
                continue
            if name in VERBATIM:
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
        require_entry(entry, values)  # defence in depth: the readers' boundary check, again (bibgen.safety)
        for name in sorted(values, key=lambda n: (_RANK.get(n, len(_RANK)), n)):
            lines.append(f"  {name} = {values[name]},")
        lines.append("}")
        return "\n".join(lines) + "\n"
