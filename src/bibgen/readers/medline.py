"""Reader for PubMed/MEDLINE records (``*.nbib``, ``*.medline``): PubMed's "Citation manager" export.

The format (NLM's MEDLINE/PubMed data element descriptions): one element per
line, a tag padded to four characters, ``- ``, the value (``PMID- 31452104``);
a line starting with six spaces continues the value before it; a record starts
at ``PMID-`` and records are separated by blank lines.

Mapping (the rest of the table is :data:`TAGS`):

==========  ===============================================================
``PMID``    ``pmid``; ``PMC`` -> ``pmcid``
``AID``     ``doi`` from the ``[doi]`` value (else ``LID ... [doi]``)
``FAU``     authors, full names (``AU``, initials only, when a record has no
            ``FAU``); ``CN`` corporate authors in place; ``FED`` editors
``TI``      title (the final period MEDLINE adds is dropped); ``BTI`` the
            book title (a chapter's container, or a book's own title)
``JT``      container (full journal title); ``TA`` -> ``shortjournal``
``DP``      year, month, day (``2019 Nov 12``); a range or season
            (``2019 Nov-Dec``, ``2020 Spring``) keeps the raw text in ``medline-dp``
``PG``      pages, abbreviated ends expanded (``1123-9`` -> ``1123–1129``)
``MH``      MeSH headings into ``keywords`` as written (``*Neoplasms/therapy``),
            after the ``OT`` author keywords
``PT``      the kind: ``Preprint``, ``Book``/``Chapter`` (with ``BTI``), else
            an article; all publication types are kept in ``medline-pt``
==========  ===============================================================

Every other element is kept verbatim in ``medline-<tag>`` (lower case,
repeated values joined with ``; ``), so nothing of the record is lost.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bibgen.errors import InputError
from bibgen.model import Entry, EntryKind, Fields, Origin, Person
from bibgen.normalize import clean_text, parse_name
from bibgen.readers import decode

if TYPE_CHECKING:
    from bibgen.options import Options

_LINE = re.compile(r"^([A-Z][A-Z0-9]{0,3}) {0,3}- ?(.*)$")
_SNIFF = re.compile(rb"^(?:\xef\xbb\xbf)?\s*PMID- ?\d", re.MULTILINE)
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}  # fmt: skip
# Simple one-to-one elements.
TAGS = {
    "PMID": "pmid", "PMC": "pmcid", "VI": "volume", "IP": "number", "AB": "abstract", "LA": "language",
    "ISBN": "isbn", "PB": "publisher", "CY": "address", "PL": "medline-pl", "EN": "edition", "CTI": "series", "GN": "note",
    "JT": "container", "TA": "shortjournal",
}  # fmt: skip
_HANDLED = {*TAGS, "TI", "BTI", "FAU", "AU", "CN", "FED", "ED", "DP", "PG", "MH", "OT", "PT", "AID", "LID", "IS"}


def sniff_medline(head: bytes) -> bool:
    """Does this look like MEDLINE (a ``PMID-`` line near the top)?"""
    return bool(_SNIFF.search(head[:4096]))


def expand_pages(pg: str) -> str:
    """``1123-9`` -> ``1123–1129`` (MEDLINE drops the end's leading digits); other text as it is."""
    m = re.fullmatch(r"\s*([A-Za-z]*)(\d+)\s*-\s*([A-Za-z]*)(\d+)\s*", pg)
    if not m:
        return pg.strip()
    p1, a, p2, b = m.groups()
    if len(b) < len(a) and (not p2 or p2 == p1):
        b = a[: len(a) - len(b)] + b
        p2 = p1
    return f"{p1}{a}\u2013{p2}{b}"


def parse_dp(dp: str) -> tuple[dict[str, str], bool]:
    """``2019 Nov 12`` -> year, month, day; and whether that was all of it."""
    words = dp.split()
    out: dict[str, str] = {}
    if words and re.fullmatch(r"\d{4}", words[0]):
        out["year"] = words[0]
    else:
        return ({"year": dp.strip()} if dp.strip() else {}), False
    if len(words) >= 2 and words[1][:3].lower() in _MONTHS and len(words[1]) == 3:
        out["month"] = str(_MONTHS[words[1][:3].lower()])
        if len(words) == 3 and words[2].isdigit() and 1 <= int(words[2]) <= 31:
            out["day"] = str(int(words[2]))
            return out, True
        return out, len(words) == 2
    return out, len(words) == 1


class MedlineReader:
    """Reads PubMed ``.nbib``/MEDLINE exports; see the module docstring."""

    name = "medline"
    suffixes = (".nbib", ".medline")

    sniff_any_suffix = True  # a .txt export is recognised by its first tag line

    def sniff(self, head: bytes) -> bool:
        return sniff_medline(head)

    def read(self, data: bytes, path: str, options: Options) -> list[Entry]:
        text = decode(data, path)
        records: list[list[tuple[str, str, int]]] = []
        current: list[tuple[str, str, int]] | None = None
        for lineno, line in enumerate(text.split("\n"), 1):
            if not line.strip():
                continue
            if line.startswith("      ") or (line[:1] == " " and current):
                if not current:
                    raise InputError("continuation line outside a record", Origin(path, lineno, 1))
                tag, value, first = current[-1]
                current[-1] = (tag, f"{value} {line.strip()}", first)
                continue
            m = _LINE.match(line)
            if not m:
                raise InputError(
                    f"not MEDLINE: expected 'TAG - value', got {line[:40]!r}", Origin(path, lineno, 1),
                    "PubMed: Save > Format: PubMed (.nbib)",
                )
            tag, value = m.group(1), m.group(2).strip()
            if tag == "PMID" or current is None:
                if tag != "PMID" and current is None:
                    options.diagnostics.warn(f"record starts with {tag}, not PMID", Origin(path, lineno, 1))
                current = []
                records.append(current)
            current.append((tag, value, lineno))
        if not records and text.strip():
            raise InputError("not MEDLINE: no 'PMID- ' line", Origin(path, 1, 1))
        return [self.entry(rec, path, options) for rec in records]

    def entry(self, rec: list[tuple[str, str, int]], path: str, options: Options) -> Entry:
        where = Origin(path, rec[0][2], 1)
        values: dict[str, list[str]] = {}
        for tag, value, _line in rec:
            if value:
                values.setdefault(tag, []).append(value)

        def first(tag: str) -> str:
            return values.get(tag, [""])[0]

        fields: dict[str, str] = {}
        kept: dict[str, list[str]] = {}
        for tag, name in TAGS.items():
            vals = values.get(tag, [])
            if vals:
                fields[name] = vals[0] if name != "note" else "; ".join(vals)
                if name != "note" and len(vals) > 1:
                    kept.setdefault(tag, []).extend(vals[1:])
        types = values.get("PT", [])
        if types:
            fields["medline-pt"] = "; ".join(types)
        title = first("TI")
        if title.endswith(".") and not title.endswith("..."):
            title = title[:-1]
        book = first("BTI")
        lowered = {t.lower() for t in types}
        if "preprint" in lowered:
            kind = EntryKind.PREPRINT
        elif book and title:
            kind = EntryKind.INCOLLECTION
            fields["container"] = book.rstrip(".")
        elif book:
            kind, title = EntryKind.BOOK, book.rstrip(".")
        elif "book" in " ".join(lowered) and not values.get("JT"):
            kind = EntryKind.BOOK
        else:
            kind = EntryKind.ARTICLE
        if title:
            fields["title"] = title
        else:
            options.diagnostics.warn("record has no title (TI)", where)
        dp = first("DP")
        if dp:
            parsed, complete = parse_dp(dp)
            fields.update(parsed)
            if not complete:
                fields["medline-dp"] = dp
        if first("PG"):
            fields["pages"] = expand_pages(first("PG"))
        for tag in ("AID", "LID"):
            for value in values.get(tag, []):
                m = re.fullmatch(r"(.+?)\s*\[doi\]", value)
                if m and "doi" not in fields:
                    fields["doi"] = m.group(1)
                elif not (m and m.group(1) == fields.get("doi")):
                    kept.setdefault(tag, []).append(value)
        issns = values.get("IS", [])
        if issns:
            fields["issn"] = "; ".join(issns)
        words = [*values.get("OT", []), *values.get("MH", [])]
        if words:
            fields["keywords"] = "; ".join(dict.fromkeys(w.strip() for w in words if w.strip()))
        # Authors in file order: FAU (or AU when there is no FAU at all) and CN.
        people: dict[str, list[Person]] = {}
        use_fau = "FAU" in values
        for tag, value, _line in rec:
            if not value:
                continue
            if tag == ("FAU" if use_fau else "AU"):
                people.setdefault("author", []).append(medline_person(value, full=use_fau))
            elif tag == "CN":
                people.setdefault("author", []).append(Person(literal=clean_text(value)))
            elif tag == ("FED" if "FED" in values else "ED"):
                people.setdefault("editor", []).append(medline_person(value, full=tag == "FED"))
        for tag, value, _line in rec:
            if tag not in _HANDLED and value:
                kept.setdefault(tag, []).append(value)
        for tag, vals in kept.items():
            fields[f"medline-{tag.lower()}"] = "; ".join(vals)
        return Entry(kind=kind, fields=Fields(fields), people={r: tuple(ps) for r, ps in people.items()}, origin=where)


def medline_person(text: str, full: bool) -> Person:
    """``FAU``: ``Family, Given``; ``AU``: ``Family GI`` (initials after the family name)."""
    text = clean_text(text)
    if full or "," in text:
        return parse_name(text)
    words = text.split(" ")
    if len(words) >= 2 and words[-1].isupper() and len(words[-1]) <= 4:
        return Person(family=" ".join(words[:-1]), given=" ".join(f"{c}." for c in words[-1]))
    return Person(literal=text)
