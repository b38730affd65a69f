"""Reader for EndNote XML (``*.xml``): what EndNote ("XML" export) and Zotero ("EndNote XML") write.

Parsing is safe by construction: defusedxml's SAX parser with DTDs, entity
declarations and external references all refused (an EndNote export has
none), files over :data:`MAX_BYTES` refused before parsing, and nesting deeper
than :data:`MAX_DEPTH` refused while parsing. Records are built one at a time
with the line of their ``<record>`` tag.

Mapping (EndNote's element names; ``ref-type`` by its ``name`` attribute, else
its number):

======================================  ====================================
``contributors/authors/author``         authors (``Family, Given``; no comma:
                                        a corporate name)
``secondary-authors``                   editors (a book's series editors when
                                        it also has ``tertiary-authors``)
``translated-authors``                  translators
``titles/title``                        title
``titles/secondary-title``,             container (``periodical/full-title``
``periodical/full-title``               wins for articles)
``periodical/abbr-1``, ``alt-title``    shortjournal
``titles/tertiary-title``               series
``dates/year``, ``dates/pub-dates``     year, month, day
``pages``, ``volume``, ``number``,      pages, volume, number, edition,
``edition``, ``publisher``,             publisher, address, isbn/issn,
``pub-location``, ``isbn``              (ISSN by its shape)
``electronic-resource-num``             doi
``urls/related-urls/url``, ``pdf-urls`` url; file
``keywords/keyword``                    keywords
``abstract``, ``notes``, ``language``   abstract, note, language
``work-type``                           type (thesis or report type)
======================================  ====================================

Any other element with text (``custom1``, ``accession-num``, ``label``, ...) is
kept in ``endnote-<element>``; the bookkeeping of the exporting library
(``database``, ``source-app``, ``rec-number``, ``foreign-keys``) is not.
"""

from __future__ import annotations

import re
import xml.sax
from typing import TYPE_CHECKING, Any

from bibgen.errors import InputError
from bibgen.model import Entry, EntryKind, Fields, Origin, Person
from bibgen.normalize import clean_text, parse_name

if TYPE_CHECKING:
    from bibgen.options import Options

MAX_BYTES = 512 << 20  # far above any real library export (100k records is ~200 MiB)
MAX_DEPTH = 32
K = EntryKind
TYPE_NAMES = {
    "journal article": K.ARTICLE, "electronic article": K.ARTICLE, "magazine article": K.ARTICLE,
    "newspaper article": K.NEWS,
    "conference paper": K.INPROCEEDINGS, "conference proceedings": K.INPROCEEDINGS,
    "book": K.BOOK, "edited book": K.BOOK, "electronic book": K.BOOK,
    "book section": K.INCOLLECTION, "electronic book section": K.INCOLLECTION, "encyclopedia": K.INCOLLECTION,
    "dictionary": K.INCOLLECTION,
    "report": K.REPORT, "government document": K.REPORT, "standard": K.REPORT,
    "thesis": K.THESIS,
    "web page": K.ONLINE, "blog": K.ONLINE, "online database": K.ONLINE,
    "unpublished work": K.MISC, "manuscript": K.MISC, "generic": K.MISC,
}  # fmt: skip
TYPE_NUMBERS = {
    "17": K.ARTICLE, "43": K.ARTICLE, "19": K.ARTICLE, "23": K.NEWS, "47": K.INPROCEEDINGS, "10": K.INPROCEEDINGS,
    "6": K.BOOK, "28": K.BOOK, "44": K.BOOK, "5": K.INCOLLECTION, "60": K.INCOLLECTION, "27": K.REPORT,
    "46": K.REPORT, "32": K.THESIS, "12": K.ONLINE, "34": K.MISC, "36": K.MISC, "13": K.MISC,
}  # fmt: skip
SIMPLE = {
    "pages": "pages", "volume": "volume", "number": "number", "edition": "edition", "publisher": "publisher",
    "pub-location": "address", "electronic-resource-num": "doi", "abstract": "abstract", "notes": "note",
    "language": "language", "work-type": "type", "section": "endnote-section", "title": "title",
    "secondary-title": "container", "tertiary-title": "series", "short-title": "shorttitle",
    "full-title": "container", "abbr-1": "shortjournal", "alt-title": "shortjournal", "year": "year",
    "access-date": "urldate", "num-vols": "volumes",
}  # fmt: skip
_CANONICAL_NAMES = frozenset(
    {"journal article", "newspaper article", "conference paper", "book", "book section", "report", "thesis", "web page"}
)
SKIPPED = frozenset({"database", "source-app", "rec-number", "foreign-keys", "key", "ref-type"})
_ISSN = re.compile(r"^\d{4}-?\d{3}[\dXx]$")
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}  # fmt: skip
_SNIFF = re.compile(rb"<xml>\s*<records>|<records>\s*<record>", re.IGNORECASE)


class Node:
    """A minimal element: name, attributes, text, children, line."""

    __slots__ = ("name", "attrs", "text", "children", "line")

    def __init__(self, name: str, attrs: dict[str, str], line: int) -> None:
        self.name, self.attrs, self.line = name, attrs, line
        self.text: list[str] = []
        self.children: list[Node] = []

    def all_text(self) -> str:
        return "".join(self.text) + "".join(c.all_text() for c in self.children)

    def find(self, *path: str) -> list[Node]:
        nodes = [self]
        for name in path:
            nodes = [c for n in nodes for c in n.children if c.name == name]
        return nodes


class _Handler(xml.sax.ContentHandler):
    def __init__(self, on_record: Any) -> None:
        super().__init__()
        self.stack: list[Node] = []
        self.on_record = on_record
        self.locator: Any = None
        self.seen_root = ""

    def setDocumentLocator(self, locator: Any) -> None:  # noqa: N802 - SAX API
        self.locator = locator

    def startElement(self, name: str, attrs: Any) -> None:  # noqa: N802
        line = self.locator.getLineNumber() if self.locator else 1
        if not self.seen_root:
            self.seen_root = name
            if name not in ("xml", "records"):
                raise InputError(f"not EndNote XML: the root element is <{name}>, not <xml>", Origin("", line, 1))
        if len(self.stack) >= MAX_DEPTH:
            raise InputError(f"XML nested deeper than {MAX_DEPTH} elements", Origin("", line, 1))
        node = Node(name, dict(attrs.items()), line)
        if self.stack and (self.stack[-1].name != "records" or name != "record"):
            self.stack[-1].children.append(node)
        self.stack.append(node)

    def endElement(self, name: str) -> None:  # noqa: N802
        node = self.stack.pop()
        if name == "record":
            self.on_record(node)

    def characters(self, content: str) -> None:
        if self.stack and self.stack[-1].name != "records":
            self.stack[-1].text.append(content)


class EndnoteXmlReader:
    """Reads EndNote XML exports; see the module docstring."""

    name = "endnote-xml"
    suffixes = (".xml",)

    def sniff(self, head: bytes) -> bool:
        return bool(_SNIFF.search(head[:8192]))

    def read(self, data: bytes, path: str, options: Options) -> list[Entry]:
        from defusedxml import DefusedXmlException
        from defusedxml.sax import parseString

        if len(data) > MAX_BYTES:
            raise InputError(f"XML file larger than {MAX_BYTES >> 20} MiB", Origin(path, 1, 1))
        entries: list[Entry] = []
        handler = _Handler(lambda node: entries.append(record_entry(node, path, options)))
        try:
            parseString(data, handler, forbid_dtd=True, forbid_entities=True, forbid_external=True)
        except xml.sax.SAXParseException as exc:
            raise InputError(
                f"not valid XML: {exc.getMessage()}", Origin(path, exc.getLineNumber() or 1, (exc.getColumnNumber() or 0) + 1)
            ) from None
        except DefusedXmlException as exc:
            line = handler.locator.getLineNumber() if handler.locator else 1
            raise InputError(f"unsafe XML refused: {exc}", Origin(path, line or 1, 1)) from None
        except InputError as exc:
            raise InputError(exc.message, Origin(path, exc.origin.line if exc.origin else 1, 1)) from None
        except LookupError as exc:  # <?xml encoding="ATF-8"?>: expat asks Python for a codec it lacks
            raise InputError(f"not valid XML: {exc}", Origin(path, 1, 1), "EndNote exports are UTF-8") from None
        return entries


def _text(node: Node) -> str:
    return clean_text(node.all_text())


def person(text: str) -> Person:
    text = clean_text(text)
    return parse_name(text) if "," in text else Person(literal=text)


def record_entry(rec: Node, path: str, options: Options) -> Entry:
    """One entry from one ``<record>`` element."""
    where = Origin(path, rec.line, 1)
    ref = rec.find("ref-type")
    type_name = ref[0].attrs.get("name", "") if ref else ""
    type_number = _text(ref[0]) if ref else ""
    kind = TYPE_NAMES.get(type_name.lower()) or TYPE_NUMBERS.get(type_number)
    fields: dict[str, str] = {}
    kept: dict[str, list[str]] = {}
    if kind is None:
        kind = K.MISC
        if type_name or type_number:
            options.diagnostics.warn(f"EndNote type {type_name or type_number!r} read as misc", where)
    if type_name and (kind is K.MISC or type_name.lower() not in _CANONICAL_NAMES):
        fields["endnote-type"] = type_name  # the kind does not say it all (magazine, edited book, ...)
    people: dict[str, list[Person]] = {}
    contributors = rec.find("contributors")
    tertiary = bool(contributors and contributors[0].find("tertiary-authors", "author"))
    roles = {"authors": "author", "secondary-authors": "editor", "tertiary-authors": "serieseditor",
             "translated-authors": "translator", "subsidiary-authors": "endnote-subsidiary"}
    if kind is K.BOOK and tertiary:
        roles = {**roles, "secondary-authors": "serieseditor", "tertiary-authors": "editor"}
    for group in contributors[0].children if contributors else []:
        role = roles.get(group.name, f"endnote-{group.name}")
        for a in group.find("author"):
            p = person(a.all_text())
            if p != Person():
                people.setdefault(role, []).append(p)

    def put(name: str, value: str, element: str) -> None:
        if not value:
            return
        if name not in fields:
            fields[name] = value
        elif fields[name] != value:
            kept.setdefault(element, []).append(value)

    flat: list[Node] = []
    for child in rec.children:
        if child.name in ("titles", "periodical", "dates", "urls"):
            flat.extend(child.children)
        elif child.name not in ("contributors", "keywords"):
            flat.append(child)
    # Articles: the periodical's full title is the journal.
    if kind in (K.ARTICLE, K.NEWS):
        flat.sort(key=lambda n: 0 if n.name == "full-title" else 1)
    for node in flat:
        if node.name in SKIPPED:
            continue
        if node.name == "pub-dates":
            for d in node.find("date"):
                _date(_text(d), fields, kept)
            continue
        if node.name in ("related-urls", "pdf-urls", "text-urls", "web-urls", "image-urls"):
            for u in node.find("url"):
                value = _text(u)
                if node.name == "pdf-urls":
                    fields["file"] = f"{fields['file']}; {value}" if "file" in fields else value
                else:
                    put("url", value, "url")
            continue
        if node.name == "isbn":
            for part in re.split(r"\s*[;\r\n]\s*", node.all_text()):
                bare = re.sub(r"\s*\(.*?\)\s*$", "", part).strip()
                if bare:
                    name = "issn" if _ISSN.match(bare) or kind in (K.ARTICLE, K.NEWS) and len(re.sub(r"\D", "", bare)) not in (10, 13) else "isbn"
                    fields[name] = f"{fields[name]}; {part.strip()}" if name in fields else part.strip()
            continue
        name = SIMPLE.get(node.name, f"endnote-{node.name}")
        if name == "type" and kind not in (K.THESIS, K.REPORT):
            name = "endnote-work-type"
        value = _text(node)
        if name == "pages":
            m = re.fullmatch(r"\s*(\S+?)\s*(?:-+|\u2013)\s*(\S+)\s*", value)
            value = f"{m.group(1)}\u2013{m.group(2)}" if m else value
        if name == "doi":
            value = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", value, flags=re.IGNORECASE)
        put(name, value, node.name)
    words = [_text(k) for k in rec.find("keywords", "keyword")]
    words = [w for w in words if w]
    if len(words) == 1 and ("\n" in words[0] or ";" in words[0]):
        words = [w.strip() for w in re.split(r"[;\n]", rec.find("keywords", "keyword")[0].all_text()) if w.strip()]
    if words:
        fields["keywords"] = "; ".join(dict.fromkeys(words))
    for element, vals in kept.items():
        fields[f"endnote-{element}"] = "; ".join(vals)
    if "title" not in fields:
        options.diagnostics.warn("record has no title", where)
    return Entry(kind=kind, fields=Fields(fields), people={r: tuple(ps) for r, ps in people.items()}, origin=where)


def _date(text: str, fields: dict[str, str], kept: dict[str, list[str]]) -> None:
    """``pub-dates/date``: ``Jan 15``, ``2020-01-15``, ``01/15/2020`` -> month, day; else kept."""
    m = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?", text)
    words = text.replace(",", " ").split()
    if m:
        fields.setdefault("year", m.group(1))
        fields.setdefault("month", str(int(m.group(2))))
        if m.group(3):
            fields.setdefault("day", str(int(m.group(3))))
        return
    if words and words[0][:3].lower() in _MONTHS and words[0].isalpha() and len(words) <= 2 and "month" not in fields:
        fields["month"] = str(_MONTHS[words[0][:3].lower()])
        if len(words) == 2 and words[1].isdigit() and 1 <= int(words[1]) <= 31:
            fields["day"] = str(int(words[1]))
        elif len(words) == 2:
            kept.setdefault("pub-dates", []).append(text)
        return
    if text:
        kept.setdefault("pub-dates", []).append(text)
