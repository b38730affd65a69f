"""BibLaTeX writer (``--format biblatex``): the BibTeX layout with biblatex's data model.

Differences from :class:`~bibgen.writers.bibtex.BibtexWriter`, following the
biblatex manual and what biber handles natively:

* ``date = {YYYY[-MM[-DD]]}`` instead of ``year``/``month`` (a year that is not
  a number stays in ``year``);
* ``journaltitle`` for articles, ``booktitle`` for papers and chapters,
  ``location`` for ``address``, ``institution`` for reports and theses (with
  ``type = {techreport}``/``{phdthesis}``/``{mathesis}``);
* arXiv preprints are ``@online`` with ``eprint``, ``eprinttype = {arxiv}``
  and ``eprintclass``: the standard styles print "arXiv: 2401.00001 [cs.LG]"
  and link it, and ``@online`` is what biblatex documents for works that are
  only published online; a published work keeps its own type and its eprint
  fields;
* ``keywords`` comma-separated (biblatex's separator);
* ``ids`` carries aliases; a partial author list ends in ``and others``.
"""

from __future__ import annotations

import re

from bibgen.model import Entry, EntryKind
from bibgen.preprint import arxiv_url, arxiv_year_month
from bibgen.writers.bibtex import _INTERNAL, BibtexWriter, SourceText, arxiv_eprint, move, place

_THESIS_TYPES = {"master's thesis": "mathesis", "masters thesis": "mathesis", "phd thesis": "phdthesis"}
_TYPES = {
    EntryKind.ARTICLE: "article",
    EntryKind.INPROCEEDINGS: "inproceedings",
    EntryKind.INCOLLECTION: "incollection",
    EntryKind.BOOK: "book",
    EntryKind.REPORT: "report",
    EntryKind.THESIS: "thesis",
    EntryKind.PREPRINT: "online",
    EntryKind.ONLINE: "online",
    EntryKind.NEWS: "article",
    EntryKind.MISC: "misc",
}


def biblatex_date(year: str, month: str, day: str) -> str:
    """``YYYY[-MM[-DD]]`` when every part is numeric, else ``""``."""
    if not (year.isdigit() and len(year) == 4):
        return ""
    if not month:
        return str(year)
    if not (month.isdigit() and 1 <= int(month) <= 12):
        return ""
    out = f"{year}-{int(month):02d}"
    if day:
        if not (day.isdigit() and 1 <= int(day) <= 31):
            return ""
        out += f"-{int(day):02d}"
    return out


class BiblatexWriter(BibtexWriter):
    """BibLaTeX for biber."""

    name = "biblatex"
    # .bib files default to the bibtex writer; biblatex is chosen by name.
    suffixes: tuple[str, ...] = ()
    dialect = "biblatex"
    alias_copies = False  # biber resolves ``ids``

    @staticmethod
    def verbatim(value: str) -> str:
        """biber reads URL, DOI and eprint fields verbatim: ``%`` stays as is, only
        braces, backslashes and spaces (which would end or break the field) are
        percent-encoded."""
        return re.sub(r"[{}\\\s]", lambda m: "%{:02X}".format(ord(m.group(0))), value)

    def _generic_type_and_fields(self, entry: Entry, f: dict[str, str]) -> tuple[str, dict[str, str]]:
        container = f.get("container", "")
        out: dict[str, str] = {k: v for k, v in f.items() if k not in _INTERNAL}
        kind = entry.kind
        btype = _TYPES[kind]
        if kind in (EntryKind.ARTICLE, EntryKind.NEWS):
            place(out, "journaltitle", container)
            if kind is EntryKind.NEWS:
                out.setdefault("entrysubtype", "newspaper")
        elif kind in (EntryKind.INPROCEEDINGS, EntryKind.INCOLLECTION):
            place(out, "booktitle", container)
        elif kind is EntryKind.BOOK:
            if container and "publisher" not in out:
                out["publisher"] = container
        elif kind in (EntryKind.REPORT, EntryKind.THESIS):
            move(out, "publisher", "institution", container)
            default = "techreport" if kind is EntryKind.REPORT else "phdthesis"
            if not isinstance(out.get("type"), SourceText):
                out["type"] = _THESIS_TYPES.get(out.get("type", "").casefold(), out.get("type", "")) or default
        elif container:
            # @misc and @online: the venue is where it was published (beside the
            # entry's own howpublished, the container keeps the name it was read from).
            place(out, "howpublished", container)
        if "address" in out and "location" not in out:
            out["location"] = out.pop("address")
        if "keywords" in out:
            words = [k.strip() for k in out["keywords"].split(";") if k.strip()]
            if not isinstance(out["keywords"], SourceText):
                # biblatex separates keywords with commas; a keyword with a comma keeps ";".
                out["keywords"] = "; ".join(words) if any("," in w for w in words) else ", ".join(words)
        eprinttype = f.get("eprinttype", "")
        if eprinttype:
            out["eprinttype"] = eprinttype
        if f.get("eprintclass"):
            out["eprintclass"] = f["eprintclass"]
        year, month, day = f.get("year", ""), f.get("month", ""), f.get("day", "")
        # Parts the input wrote as fields of their own (year, month) are written so again.
        own = {p: v for p, v in (("year", year), ("month", month), ("day", day)) if isinstance(v, SourceText)}
        date = "" if "date" in out or own else biblatex_date(year, month, day)
        if "date" in out or own:
            # a range, datetime, season or uncertain date: biblatex reads it as written
            out.update(own)
            if "date" not in out:
                out.update({p: v for p, v in (("year", year), ("month", month), ("day", day)) if v})
        elif date:
            out["date"] = date
        else:
            if year:
                out["year"] = year
            if month:
                out["month"] = month
            if day:
                out["day"] = day
        had_date = "date" in out
        self.preprint_fields(entry, out)
        if "date" in out and not had_date:
            # a date derived from the arXiv identifier says what year and month would
            out.pop("year", None)
            out.pop("month", None)
        if entry.aliases:
            out["ids"] = ",".join(entry.aliases)
        return btype, out

    def preprint_fields(self, entry: Entry, out: dict[str, str]) -> None:
        """``eprint``/``eprinttype``/``eprintclass`` (what biblatex prints as
        "arXiv: ID [class]"), a URL, and a date from the identifier when none is known."""
        f = entry.fields
        eprint = arxiv_eprint(f)
        if not eprint:
            return
        out["eprinttype"] = "arxiv"
        year, month = arxiv_year_month(eprint)
        if year and not f.get("year"):
            out["date"] = biblatex_date(year, month, "")
        if not f.get("url") and entry.kind in (EntryKind.PREPRINT, EntryKind.MISC, EntryKind.ONLINE):
            out["url"] = arxiv_url(eprint)
