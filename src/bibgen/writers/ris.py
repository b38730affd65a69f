"""RIS writer (``--format ris``): the tables are in :mod:`bibgen.mappings.ris`.

One record per entry, sorted by key; LF line ends (Zotero, EndNote, Mendeley
and rispy all read them, and text tools keep them intact); ``ID`` carries the citation key so a re-import keeps it.
Tags in a fixed order. A field RIS has no tag for is not written, and the run
says so in one note listing the field names and how many entries had them. Line breaks
inside values become spaces: a RIS value is one line.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from bibgen.mappings import ris as M
from bibgen.model import Entry, EntryKind, Person

if TYPE_CHECKING:
    from bibgen.options import Options

EOL = "\n"
# Fields written by the rules below (not through FIELD_TO_TAG), or internal to bibgen.
_SPECIAL = frozenset(
    {"title", "container", "year", "month", "day", "pages", "pagetotal", "keywords", "url", "file", "note", "ris-ty",
     "eprint", "eprinttype", "venue"}
)  # fmt: skip
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/", re.IGNORECASE)


def ris_name(p: Person) -> str:
    """``Family, Given[, Suffix]`` (particle first); a literal name as written."""
    if p.literal:
        return p.literal
    out = p.last
    if p.given or p.suffix:
        out += f", {p.given}"
    if p.suffix:
        out += f", {p.suffix}"
    return out


def _one_line(value: str) -> str:
    return " ".join(value.split())


class RisWriter:
    """RIS as Zotero, EndNote and Mendeley import it."""

    name = "ris"
    suffixes = (".ris",)

    def write(self, entries: list[Entry], options: Options) -> str:
        ordered = sorted(entries, key=lambda e: (e.key.casefold(), e.key))
        unwritten: Counter[str] = Counter()
        out = [self.record(e, unwritten) for e in ordered]
        if unwritten:
            listing = ", ".join(f"{name} ({count})" for name, count in sorted(unwritten.items()))
            options.diagnostics.note(f"RIS has no tag for these fields (entries); not written: {listing}")
        return "".join(out) if out else EOL

    def record(self, entry: Entry, unwritten: Counter[str]) -> str:
        f = entry.fields
        kind = entry.kind
        lines: list[tuple[str, str]] = []

        def add(tag: str, value: str) -> None:
            value = _one_line(value)
            if value:
                lines.append((tag, value))

        ty = f.get("ris-ty", "")
        if not (ty and (M.TYPE_TO_KIND.get(ty, EntryKind.MISC) is kind)):
            ty = M.KIND_TO_TYPE[kind]
        add("TY", ty)
        add("ID", entry.key)
        roles = M.BOOK_ROLE_TO_TAG if kind is EntryKind.BOOK else M.ROLE_TO_TAG
        for role in ("author", "editor", "serieseditor", "translator"):
            for p in entry.people.get(role, ()):
                add(roles[role], ris_name(p))
            if role in entry.partial and entry.people.get(role):
                add(roles[role], "others")  # incomplete list: bibgen's (and BibTeX's) marker
        for role in sorted(set(entry.people) - set(roles)):
            unwritten[f"{role} (people)"] += 1
        add("TI", f.get("title", ""))
        container = f.get("container", "")
        if container:
            if kind is EntryKind.INPROCEEDINGS and f.get("eventtitle"):
                add("C3", container)  # Zotero: C3 proceedings title, T2 conference name
            elif kind is EntryKind.BOOK:
                add("BT", container)
            else:
                add("T2", container)
        if f.get("year"):
            add("PY", f["year"])
            month, day = f.get("month", ""), f.get("day", "")
            if month.isdigit():
                add("DA", f"{f['year']}/{int(month):02d}/{int(day):02d}/" if day.isdigit() else f"{f['year']}/{int(month):02d}//")
            elif month:
                add("DA", f"{f['year']}///{month}")
        pages = f.get("pages", "")
        if pages:
            parts = re.split(r"\s*(?:\u2013|\u2014|-+)\s*", pages)
            if len(parts) == 2 and all(parts):
                add("SP", parts[0])
                add("EP", parts[1])
            else:
                add("SP", pages)
                if kind in (EntryKind.BOOK, EntryKind.THESIS):
                    add("EP", pages)  # a lone SP is a book's page count: SP = EP says "this page"
        if f.get("pagetotal"):
            if pages:
                unwritten["pagetotal"] += 1
            else:
                add("SP", f["pagetotal"])
        iso = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", f.get("urldate", ""))
        if iso:
            add("Y2", f"{iso.group(1)}/{iso.group(2)}/{iso.group(3) or ''}/")
        for name, value in f.items():
            if name == "urldate" and iso:
                continue
            tag = M.FIELD_TO_TAG.get(name)
            if tag is None or name in _SPECIAL:
                continue
            if name == "type" and kind not in M.TYPED_KINDS:
                unwritten["type"] += 1
                continue
            if name == "eventtitle" and kind is not EntryKind.INPROCEEDINGS:
                unwritten["eventtitle"] += 1
                continue
            add(tag, value)
        for word in f.get("keywords", "").split(";"):
            add("KW", word.strip())
        if f.get("url"):
            add("UR", f["url"])
        elif f.get("eprinttype") == "arxiv" and f.get("eprint"):
            add("UR", f"https://arxiv.org/abs/{f['eprint']}")  # read back as the arXiv id
        if f.get("eprint") and not (f.get("eprinttype") == "arxiv" and _ARXIV_URL.search(f.get("url", "arxiv.org/abs/"))):
            unwritten["eprint"] += 1
        for path in f.get("file", "").split(";"):
            add("L1", path.strip())
        if f.get("note"):
            add("N1", f["note"])
        for name, value in f.items():
            if name.startswith("ris-") and name != "ris-ty":
                tag = name[4:].upper()
                if re.fullmatch(r"[A-Z][A-Z0-9]", tag):
                    for v in value.split("; "):
                        add(tag, v)
                    continue
                unwritten[name] += 1
            elif name not in M.FIELD_TO_TAG and name not in _SPECIAL and name != "eprintclass":
                unwritten[name] += 1
        if f.get("eprintclass"):
            unwritten["eprintclass"] += 1
        return "".join(f"{tag}  - {value}{EOL}" for tag, value in lines) + f"ER  - {EOL}{EOL}"
