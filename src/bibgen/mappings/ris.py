"""RIS <-> bibgen: the whole mapping in tables, read top to bottom.

Sources: the RIS specification (Research Information Systems, 2011 tag list),
Zotero's RIS translator (``zotero/translators`` ``RIS.js``: its export type map
is what Zotero writes, its import maps add what EndNote, Mendeley, Web of
Science and Scopus write) and citation-js ``plugin-ris``.

Types
    :data:`TYPE_TO_KIND` reads every TY of the spec. Writing uses
    :data:`KIND_TO_TYPE` (Zotero's export types: ``CONF``, ``ELEC``, ...). A TY
    that is not the one bibgen would write for its kind (``MGZN``, ``EJOUR``,
    ``CPAPER``, ...) is kept in the field ``ris-ty`` and written back, so
    RIS -> bibgen -> RIS keeps the type.

Fields
    :data:`TAG_TO_FIELD` maps single-valued tags; the first value wins and a
    different second value is kept in ``ris-<tag>`` with a warning. People,
    dates, pages, the container family (``T2``/``JF``/``JO``/``JA``/``J2``/``BT``/
    ``C3``), ``SN``, ``KW`` and ``L1`` have rules of their own in the reader.
    Every other tag is kept verbatim in the field ``ris-<tag>`` (lower case,
    repeated values joined with ``; ``) and written back under its tag.
"""

from __future__ import annotations

from collections.abc import Mapping

from bibgen.model import EntryKind

K = EntryKind

TYPE_TO_KIND: Mapping[str, EntryKind] = {
    # journal and magazine articles
    "JOUR": K.ARTICLE, "JFULL": K.ARTICLE, "EJOUR": K.ARTICLE, "MGZN": K.ARTICLE, "ABST": K.ARTICLE,
    "INPR": K.ARTICLE,
    "NEWS": K.NEWS,
    # conference papers (Zotero writes CONF; EndNote writes CPAPER for a paper, CONF for proceedings)
    "CONF": K.INPROCEEDINGS, "CPAPER": K.INPROCEEDINGS,
    # books and parts of books
    "BOOK": K.BOOK, "EBOOK": K.BOOK, "EDBOOK": K.BOOK, "SER": K.BOOK, "CTLG": K.BOOK, "ANCIENT": K.BOOK,
    "CLSWK": K.BOOK,
    "CHAP": K.INCOLLECTION, "ECHAP": K.INCOLLECTION, "DICT": K.INCOLLECTION, "ENCYC": K.INCOLLECTION,
    # reports and theses
    "RPRT": K.REPORT, "GOVDOC": K.REPORT, "STAND": K.REPORT,
    "THES": K.THESIS,
    # web
    "ELEC": K.ONLINE, "WEB": K.ONLINE, "BLOG": K.ONLINE, "ICOMM": K.ONLINE,
    # everything else the spec lists (Zotero: artwork, bill, case, film, map, patent, ...)
    "UNPB": K.MISC, "UNPD": K.MISC, "MANSCPT": K.MISC, "GEN": K.MISC, "PAMP": K.MISC, "PCOMM": K.MISC,
    "ART": K.MISC, "ADVS": K.MISC, "AGGR": K.MISC, "BILL": K.MISC, "CASE": K.MISC, "CHART": K.MISC,
    "COMP": K.MISC, "DATA": K.MISC, "DBASE": K.MISC, "EQUA": K.MISC, "FIGURE": K.MISC, "GRANT": K.MISC,
    "GRNT": K.MISC, "HEAR": K.MISC, "LEGAL": K.MISC, "MAP": K.MISC, "MPCT": K.MISC, "MULTI": K.MISC,
    "MUSIC": K.MISC, "PAT": K.MISC, "SLIDE": K.MISC, "SOUND": K.MISC, "STAT": K.MISC, "UNBILL": K.MISC,
    "VIDEO": K.MISC,
}  # fmt: skip

KIND_TO_TYPE: Mapping[EntryKind, str] = {
    K.ARTICLE: "JOUR",
    K.INPROCEEDINGS: "CONF",
    K.PREPRINT: "UNPB",  # RIS has no preprint type; read back as a preprint when it carries an arXiv id
    K.BOOK: "BOOK",
    K.INCOLLECTION: "CHAP",
    K.REPORT: "RPRT",
    K.THESIS: "THES",
    K.ONLINE: "ELEC",
    K.NEWS: "NEWS",
    K.MISC: "GEN",
}

# Single-valued tags with one meaning for every type.
TAG_TO_FIELD: Mapping[str, str] = {
    "TI": "title", "T1": "title", "CT": "title",
    "VL": "volume",
    "IS": "number", "CP": "number",
    "DO": "doi",
    "AB": "abstract", "N2": "abstract",
    "PB": "publisher",
    "CY": "address", "PP": "address",
    "ET": "edition",
    "LA": "language",
    "T3": "series",
    "ST": "shorttitle",
    "Y2": "urldate",
    "NV": "volumes",
    "ID": "key",
}  # fmt: skip

# Field -> tag when writing (the reader's first choice for each field).
FIELD_TO_TAG: Mapping[str, str] = {
    "title": "TI", "volume": "VL", "number": "IS", "doi": "DO", "abstract": "AB", "publisher": "PB",
    "address": "CY", "edition": "ET", "language": "LA", "series": "T3", "shorttitle": "ST",
    "urldate": "Y2", "volumes": "NV", "isbn": "SN", "issn": "SN", "shortjournal": "J2", "eventtitle": "T2",
    "type": "M3",
}  # fmt: skip

# People: tag -> role. A2 is an editor, but a book's A2 is its series editor and
# its editors are A3 (Zotero's table); A4 is the translator.
PEOPLE_TAGS: Mapping[str, str] = {"AU": "author", "A1": "author", "ED": "editor", "A2": "editor", "A4": "translator"}
BOOK_PEOPLE_TAGS: Mapping[str, str] = {**PEOPLE_TAGS, "A2": "serieseditor", "A3": "editor"}
OTHER_PEOPLE_TAG = "A3"  # role "serieseditor" for every other type
ROLE_TO_TAG: Mapping[str, str] = {"author": "AU", "editor": "A2", "translator": "A4", "serieseditor": "A3"}
BOOK_ROLE_TO_TAG: Mapping[str, str] = {"author": "AU", "editor": "A3", "translator": "A4", "serieseditor": "A2"}

# The container family: the full title comes from the first tag present,
# the abbreviation from the first of ABBREVIATION_TAGS.
CONTAINER_TAGS = ("T2", "JF", "BT", "JO")
PROCEEDINGS_TAGS = ("C3", "T2", "BT", "JF", "JO")  # conference papers: C3 is the proceedings title
ABBREVIATION_TAGS = ("J2", "JA", "JO")
# Tags for M3 (type of work) that carry a thesis or report type.
TYPED_KINDS = frozenset({K.THESIS, K.REPORT})
# Dates: PY/Y1 give the year (or ``YYYY/MM/DD/other``); DA the full date.
DATE_TAGS = ("DA", "PY", "Y1")
FILE_TAGS = ("L1",)  # attached files, kept ``;``-separated in ``file``
