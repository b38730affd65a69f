"""Reader for RIS (``*.ris``): what Zotero, EndNote, Mendeley, Web of Science and Scopus export.

bibgen parses RIS itself rather than with rispy: rispy returns no line numbers
(every diagnostic here names ``file:line:col``), and it keeps only the last
value of a repeated single-valued tag (a second ``TI`` or ``UR`` replaces the
first), which would lose data without a word. The format is one tag per line,
so the parser is short:

* a line is ``XY  - value`` (two spaces before the dash, as the spec says; one
  is accepted too, as Zotero does); a record runs from ``TY`` to ``ER``;
* a line that is not a tag continues the value before it (EndNote and Scopus
  wrap long abstracts); blank lines are ignored; text before the first ``TY``
  (export banners) is skipped;
* CRLF, CR and a UTF-8 BOM are accepted; another encoding is an error.

The tag mapping is in :mod:`bibgen.mappings.ris`; a missing ``ER``, tags
outside a record and unknown types are warnings with the line, and the record
is kept. Values a tag cannot hold twice are kept in ``ris-<tag>``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from bibgen.errors import InputError
from bibgen.mappings import ris as M
from bibgen.model import Entry, EntryKind, Fields, Origin, Person
from bibgen.normalize import clean_text, parse_name
from bibgen.readers import decode

if TYPE_CHECKING:
    from bibgen.options import Options

TAG_LINE = re.compile(r"^([A-Z][A-Z0-9]) {1,2}-(?: (.*)|\s*)$")
_SNIFF = re.compile(rb"^(?:\xef\xbb\xbf)?\s*TY {1,2}- ", re.MULTILINE)
_ISSN = re.compile(r"^\d{4}-?\d{3}[\dXx]$")
_RANGE = re.compile(r"^\s*(\S+?)\s*(?:-+|\u2013|\u2014)\s*(\S+)\s*$")
_DOI_URL = re.compile(r"^https?://(?:dx\.)?doi\.org/(10\.\d{4,}/\S+)$", re.IGNORECASE)
_M3_DOI = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,}/\S+)$", re.IGNORECASE)
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)
_ARXIV_URL = re.compile(r"^https?://(?:www\.)?arxiv\.org/(?:abs|pdf)/([^?#\s]+?)(?:\.pdf)?/?$", re.IGNORECASE)
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}  # fmt: skip
PARTIAL_MARKERS = frozenset({"others", "et al.", "et al"})
_PREPRINT_TYPES = frozenset({"UNPB", "UNPD", "GEN", "MANSCPT"})


def sniff_ris(head: bytes) -> bool:
    """Does this look like RIS (a ``TY  -`` line near the top)?"""
    return bool(_SNIFF.search(head[:4096]))


def ris_person(text: str) -> Person:
    """``Family, Given[, Suffix]``; a name without a comma is one literal (corporate) name, as in Zotero."""
    text = clean_text(text)
    if "," not in text:
        return Person(literal=text)
    parts = [p.strip() for p in text.split(",")]
    if len(parts) >= 3 and parts[2]:
        base = parse_name(f"{parts[0]}, {parts[1]}")
        return Person(family=base.family, given=base.given, particle=base.particle, suffix=", ".join(parts[2:]))
    return parse_name(text)


def parse_ris_date(text: str) -> tuple[dict[str, str], bool]:
    """``YYYY/MM/DD/other``, ``YYYY-MM-DD``, ``YYYY`` or ``Mon DD YYYY`` -> year/month/day; and whether all was read."""
    text = text.strip()
    if "/" in text:
        parts = [p.strip() for p in text.split("/")]
        parts += [""] * (4 - len(parts))
        y, m, d, other = parts[0], parts[1], parts[2], "/".join(parts[3:]).strip("/ ")
        out: dict[str, str] = {}
        if y:
            out["year"] = y
        if m.isdigit() and 1 <= int(m) <= 12:
            out["month"] = str(int(m))
            if d.isdigit() and 1 <= int(d) <= 31:
                out["day"] = str(int(d))
            elif d:
                return out, False
        elif m or d:
            return out, False
        if other:
            if "month" in out:
                return out, False
            out["month"] = other  # Zotero's "other" part: a season or a month name
        return out, bool(re.fullmatch(r"\d{4}", y))
    m = re.match(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$", text)
    if m:
        out = {"year": m.group(1)}
        if m.group(2) and 1 <= int(m.group(2)) <= 12:
            out["month"] = str(int(m.group(2)))
            if m.group(3) and 1 <= int(m.group(3)) <= 31:
                out["day"] = str(int(m.group(3)))
            elif m.group(3):
                return out, False
        elif m.group(2):
            return out, False
        return out, True
    # Web of Science / Scopus style: "JAN 15 2020", "2020 Jan", "Jan-Feb 2019"
    words = text.replace(",", " ").split()
    year = next((w for w in words if re.fullmatch(r"\d{4}", w)), "")
    month = next((str(_MONTHS[w[:3].lower()]) for w in words if w[:3].lower() in _MONTHS and w.isalpha()), "")
    day = next((w for w in words if re.fullmatch(r"\d{1,2}", w)), "")
    out = {}
    if year:
        out["year"] = year
    if month:
        out["month"] = month
        if day and 1 <= int(day) <= 31:
            out["day"] = str(int(day))
    used = {year, day} | {w for w in words if w[:3].lower() in _MONTHS and w.isalpha()}
    complete = bool(words) and all(w in used for w in words) and len([w for w in words if w[:3].lower() in _MONTHS]) <= 1
    if not year and not month:
        return ({"year": text} if text else {}), True  # "in press": the year as written
    return out, complete


class RisReader:
    """Reads RIS exports; see the module docstring and :mod:`bibgen.mappings.ris`."""

    name = "ris"
    suffixes = (".ris",)

    sniff_any_suffix = True  # a .txt export is recognised by its first tag line

    def sniff(self, head: bytes) -> bool:
        return sniff_ris(head)

    def read(self, data: bytes, path: str, options: Options) -> list[Entry]:
        text = decode(data, path)
        records = split_records(text, path, options)
        return [build_entry(rec, path, options) for rec in records]


Record = list[tuple[str, str, int]]  # (tag, value, line)


def split_records(text: str, path: str, options: Options) -> list[Record]:
    """Tag lines grouped into records, with continuation lines joined."""
    diags = options.diagnostics
    records: list[Record] = []
    current: Record | None = None
    seen_tag = False
    for lineno, line in enumerate(text.split("\n"), 1):
        m = TAG_LINE.match(line)
        if m is None:
            stripped = line.strip()
            if not stripped:
                continue
            if current:
                tag, value, first = current[-1]
                current[-1] = (tag, f"{value} {stripped}" if value else stripped, first)
            elif seen_tag:
                diags.warn("text outside a record (no 'TY  - ' line before it) skipped", Origin(path, lineno, 1))
            continue
        seen_tag = True
        tag, value = m.group(1), (m.group(2) or "").strip()
        if tag == "TY":
            if current is not None:
                diags.warn(
                    f"record at line {current[0][2]} has no 'ER  - ' line; it ends here", Origin(path, lineno, 1)
                )
                records.append(current)
            current = [(tag, value, lineno)]
            continue
        if current is None:
            if tag != "ER":
                diags.warn(f"tag {tag} outside a record (no 'TY  - ' line before it) skipped", Origin(path, lineno, 1))
            continue
        if tag == "ER":
            records.append(current)
            current = None
            continue
        current.append((tag, value, lineno))
    if current is not None:
        diags.warn(f"record at line {current[0][2]} has no 'ER  - ' line at the end of the file", Origin(path, current[0][2], 1))
        records.append(current)
    if not records and text.strip():
        if re.match(r"\s*FN \S", text):
            raise InputError(
                "not RIS: this is Web of Science's tagged 'Plain text' format (FN/PT/AU ... ER/EF)",
                Origin(path, 1, 1), "export from Web of Science as 'RIS (other reference software)'",
            )
        raise InputError("not RIS: no 'TY  - ' line", Origin(path, 1, 1), "a record starts with 'TY  - JOUR' and ends with 'ER  - '")
    return records


def build_entry(rec: Record, path: str, options: Options) -> Entry:
    """One entry from one record's tag lines."""
    diags = options.diagnostics
    _, ty_raw, first_line = rec[0]
    where = Origin(path, first_line, 1)
    ty = ty_raw.strip().upper()
    fields: dict[str, str] = {}
    kept: dict[str, list[str]] = {}  # ris-<tag> values, in order

    def keep(tag: str, value: str) -> None:
        kept.setdefault(tag, []).append(value)

    kind = M.TYPE_TO_KIND.get(ty)
    if kind is None:
        kind = EntryKind.MISC
        diags.warn(f"unknown RIS type {ty_raw!r} read as misc (kept in ris-ty)", where)
    if ty and M.KIND_TO_TYPE.get(kind) != ty:
        fields["ris-ty"] = ty
    values: dict[str, list[tuple[str, int]]] = {}
    for tag, value, line in rec[1:]:
        if value:
            values.setdefault(tag, []).append((value, line))

    def first(tag: str) -> str:
        v = values.get(tag)
        return v[0][0] if v else ""

    people_tags = M.BOOK_PEOPLE_TAGS if kind is EntryKind.BOOK else M.PEOPLE_TAGS
    people: dict[str, list[Person]] = {}
    handled: set[str] = {"TY"}
    for tag, value, _line in rec[1:]:
        role = people_tags.get(tag) or ("serieseditor" if tag == M.OTHER_PEOPLE_TAG else None)
        if role and value:
            people.setdefault(role, []).append(ris_person(value))
            handled.add(tag)
    handled.update(t for t in ("AU", "A1", "A2", "A3", "A4", "ED"))

    # Single-valued tags: the first wins; a different later value is kept.
    for tag, value, line in rec[1:]:
        name = M.TAG_TO_FIELD.get(tag)
        if name is None or not value:
            continue
        handled.add(tag)
        if name == "key":
            if "key" not in fields:
                fields["key"] = value
            continue
        if name not in fields:
            fields[name] = value
        elif clean_text(fields[name]) != clean_text(value):
            diags.warn(f"second {name} ({tag}) kept in field ris-{tag.lower()}", Origin(path, line, 1))
            keep(tag, value)

    # Y2 (access date) in bibgen's ISO form when it is a plain date.
    if "urldate" in fields:
        parsed, complete = parse_ris_date(fields["urldate"])
        if complete and re.fullmatch(r"\d{4}", parsed.get("year", "")):
            fields["urldate"] = "-".join(
                [parsed["year"]] + [parsed[k].zfill(2) for k in ("month", "day") if k in parsed and parsed[k].isdigit()]
            )

    # The container family.
    family = M.PROCEEDINGS_TAGS if kind is EntryKind.INPROCEEDINGS else M.CONTAINER_TAGS
    if kind is EntryKind.BOOK:
        if "BT" in values and "title" not in fields:
            fields["title"] = first("BT")
            values["BT"] = values["BT"][1:]
        if "T2" in values and "series" not in fields:
            fields["series"] = first("T2")
            values["T2"] = values["T2"][1:]
    container = next((first(t) for t in family if first(t)), "")
    abbrev = next((first(t) for t in M.ABBREVIATION_TAGS if first(t) and first(t) != container), "")
    if container and abbrev and "JO" in values and first("JO") == abbrev and not any(first(t) for t in family[:-1]):
        container = abbrev  # only JO: it is the journal
        abbrev = ""
    if not container and abbrev:
        container, abbrev = abbrev, ""  # Nature & co. give only JA: the journal (Zotero does the same)
    if container:
        fields["container"] = container
    if abbrev:
        fields["shortjournal"] = abbrev
    event = first("T2") if kind is EntryKind.INPROCEEDINGS and first("C3") else ""
    if event and event != container:
        fields["eventtitle"] = event
    for tag in dict.fromkeys((*family, *M.ABBREVIATION_TAGS)):
        handled.add(tag)
        for value, _line in values.get(tag, []):
            if value not in (container, abbrev, event):
                keep(tag, value)

    # Dates: the year from PY/Y1, month and day from DA (or a slashed PY).
    dates: dict[str, str] = {}
    for tag in ("PY", "Y1", "DA"):
        for value, line in values.get(tag, []):
            handled.add(tag)
            parsed, complete = parse_ris_date(value)
            conflict = any(k in dates and dates[k] != v for k, v in parsed.items())
            if conflict or not complete:
                keep(tag, value)
            for k, v in parsed.items():
                dates.setdefault(k, v)
    fields.update({k: v for k, v in dates.items() if k not in fields})

    # Pages: SP-EP, or a range in SP; for books and theses SP is the page count.
    sp, ep = first("SP"), first("EP")
    handled.update(("SP", "EP"))
    if kind in (EntryKind.BOOK, EntryKind.THESIS) and sp and not ep and not _RANGE.match(sp):
        fields["pagetotal"] = sp
    elif sp:
        m = _RANGE.match(sp)
        if m:
            fields["pages"] = f"{m.group(1)}\u2013{m.group(2)}"
            if ep and ep != m.group(2):
                keep("EP", ep)
        elif ep and ep != sp:
            fields["pages"] = f"{sp}\u2013{ep}"
        else:
            fields["pages"] = sp
    elif ep:
        fields["pages"] = ep
    for tag in ("SP", "EP"):
        for value, _line in values.get(tag, [])[1:]:
            keep(tag, value)

    # SN: ISSN or ISBN by its shape (Zotero: ISSN for articles, ISBN otherwise).
    for value, _line in values.get("SN", []):
        handled.add("SN")
        for part in re.split(r"\s*;\s*|\s*\n\s*", value):
            bare = re.sub(r"\s*\(.*?\)\s*$", "", part).strip()
            if not bare:
                continue
            digits = len(re.sub(r"[^\dXx]", "", bare))
            is_issn = bool(_ISSN.match(bare)) or (
                kind in (EntryKind.ARTICLE, EntryKind.NEWS) and digits not in (10, 13)
            )
            name = "issn" if is_issn else "isbn"
            fields[name] = f"{fields[name]}; {part}" if name in fields else part

    # Keywords: one per KW line; a lone KW with ';' or line breaks holds several.
    words: list[str] = []
    for value, _line in values.get("KW", []):
        handled.add("KW")
        words.extend(w.strip() for w in re.split(r"[;\n]", value) if w.strip())
    if words:
        fields["keywords"] = "; ".join(dict.fromkeys(words))

    # URLs, files, notes, type of work.
    urls = [v for v, _ in values.get("UR", [])]
    handled.add("UR")
    if urls:
        fields["url"] = urls[0]
        doi_url = next((u for u in urls if _DOI_URL.match(u)), "")
        if doi_url and "doi" not in fields:
            fields["doi"] = _DOI_URL.match(doi_url).group(1)  # Scopus and WoS give the DOI only as a link
        for u in urls[1:]:
            keep("UR", u)
    files = [v for tag in M.FILE_TAGS for v, _ in values.get(tag, [])]
    handled.update(M.FILE_TAGS)
    if files:
        fields["file"] = "; ".join(files)
    notes = [v for v, _ in values.get("N1", [])]
    handled.add("N1")
    if notes:
        fields["note"] = "; ".join(notes)
    for value, _line in values.get("M3", []):
        handled.add("M3")
        if kind in M.TYPED_KINDS and "type" not in fields:
            fields["type"] = value
        elif _M3_DOI.match(value) and "doi" not in fields:
            fields["doi"] = _M3_DOI.match(value).group(1)  # EndNote and Mendeley put the DOI in M3
        else:
            keep("M3", value)

    # Everything else, verbatim.
    for tag, value, _line in rec[1:]:
        if tag not in handled and value:
            keep(tag, value)
    for tag, vals in kept.items():
        fields[f"ris-{tag.lower()}"] = "; ".join(vals)

    # arXiv: an unpublished work with an arXiv DOI or abs URL is a preprint.
    m = _ARXIV_DOI.match(fields.get("doi", "")) or _ARXIV_URL.match(fields.get("url", ""))
    if m and ty in _PREPRINT_TYPES:
        kind = EntryKind.PREPRINT
        fields["eprint"] = m.group(1)
        fields["eprinttype"] = "arxiv"
        if ty == "UNPB":
            fields.pop("ris-ty", None)
    # A last name "others" (or "et al.") marks the list as incomplete, as in BibTeX.
    partial = set()
    for role, ps in people.items():
        if len(ps) > 1 and ps[-1].literal.lower() in PARTIAL_MARKERS:
            ps.pop()
            partial.add(role)
    key = fields.pop("key", "")
    if "title" not in fields:
        diags.warn("record has no title (TI/T1)", where)
    return Entry(
        kind=kind,
        fields=Fields({k: v for k, v in fields.items()}),
        people={r: tuple(p for p in ps if p != Person()) for r, ps in people.items()},
        origin=where,
        key=key,
        partial=frozenset(partial),
    )
