"""hayagriva (typst's bibliography YAML) <-> bibgen: the mapping in tables.

Sources: hayagriva's ``docs/file-format.md`` (types, fields, parents, serial
numbers) and ``src/interop.rs`` (its own biblatex mapping: which fields sit on
the parent).

Types
    Writing: :data:`KIND_TO_TYPE` gives the entry's type and, for works
    published inside another, the parent's type (an article in a periodical,
    a paper in proceedings, a chapter in a book). The container, its
    publisher, location, volume, issue and editors go on the parent, as
    hayagriva's docs and interop.rs put them. Reading: :data:`TYPE_TO_KIND`,
    where an ``article``'s parent decides (periodical -> article, proceedings
    or conference -> inproceedings, newspaper -> news, blog/web -> online). A
    type bibgen does not write for that kind (``anthology``, ``reference``,
    ``video`` ...) is kept in ``hayagriva-type`` (and a parent's in
    ``hayagriva-parent-type``) and written back.

Fields
    :data:`FIELDS` maps hayagriva field names to bibgen's; ``serial-number``
    (a string or a mapping) maps its keys through :data:`SERIALS`. What has no
    hayagriva field is written under its bibgen name (typst's hayagriva
    ignores unknown keys, bibgen reads them back), so nothing is lost either
    way.
"""

from __future__ import annotations

from collections.abc import Mapping

from bibgen.model import EntryKind

K = EntryKind

# kind -> (entry type, parent type or None)
KIND_TO_TYPE: Mapping[EntryKind, tuple[str, str | None]] = {
    K.ARTICLE: ("article", "periodical"),
    K.INPROCEEDINGS: ("article", "proceedings"),
    K.NEWS: ("article", "newspaper"),
    K.INCOLLECTION: ("chapter", "book"),
    K.PREPRINT: ("manuscript", None),  # "a written document submitted as a candidate for publication"
    K.BOOK: ("book", None),
    K.REPORT: ("report", None),
    K.THESIS: ("thesis", None),
    K.ONLINE: ("web", None),
    K.MISC: ("misc", None),
}

TYPE_TO_KIND: Mapping[str, EntryKind] = {
    "article": K.ARTICLE,
    "chapter": K.INCOLLECTION, "anthos": K.INCOLLECTION, "entry": K.INCOLLECTION,
    "book": K.BOOK, "anthology": K.BOOK, "reference": K.BOOK, "proceedings": K.BOOK,
    "report": K.REPORT,
    "thesis": K.THESIS,
    "web": K.ONLINE, "blog": K.ONLINE, "thread": K.ONLINE, "tweet": K.ONLINE, "repository": K.ONLINE,
    "newspaper": K.NEWS,
    "manuscript": K.PREPRINT, "misc": K.MISC, "periodical": K.MISC, "conference": K.MISC, "patent": K.MISC,
    "case": K.MISC, "legislation": K.MISC, "video": K.MISC, "audio": K.MISC, "scene": K.MISC,
    "artwork": K.MISC, "exhibition": K.MISC, "performance": K.MISC, "original": K.MISC,
}  # fmt: skip

# An article's parent type decides its kind.
ARTICLE_PARENT_KIND: Mapping[str, EntryKind] = {
    "periodical": K.ARTICLE,
    "proceedings": K.INPROCEEDINGS,
    "conference": K.INPROCEEDINGS,
    "newspaper": K.NEWS,
    "blog": K.ONLINE,
    "web": K.ONLINE,
}
# Default parent types (hayagriva's docs), for parents without a type.
DEFAULT_PARENT: Mapping[str, str] = {
    "article": "periodical", "chapter": "book", "entry": "reference", "anthos": "anthology", "web": "web",
    "scene": "video", "artwork": "exhibition", "legislation": "anthology", "tweet": "tweet", "video": "video",
    "audio": "audio",
}  # fmt: skip

# hayagriva field -> bibgen field (for the entry itself).
FIELDS: Mapping[str, str] = {
    "title": "title",
    "publisher": "publisher",
    "location": "address",
    "organization": "organization",
    "issue": "number",
    "volume": "volume",
    "volume-total": "volumes",
    "edition": "edition",
    "page-range": "pages",
    "page-total": "pagetotal",
    "time-range": "timerange",
    "runtime": "runtime",
    "language": "language",
    "archive": "archive",
    "archive-location": "archive_location",
    "call-number": "callnumber",
    "note": "note",
    "abstract": "abstract",
    "genre": "type",
    "doi": "doi",
    "isbn": "isbn",
    "issn": "issn",
}
# Fields the parent carries for a kind with a parent (interop.rs).
PARENT_FIELDS = ("publisher", "address", "volume", "number")
# Report and thesis: bibgen's publisher (institution, school) is hayagriva's organization.
ORGANIZATION_KINDS = frozenset({K.REPORT, K.THESIS})

# serial-number keys -> bibgen fields; ``arxiv`` is the eprint with eprinttype arxiv.
SERIALS: Mapping[str, str] = {
    "doi": "doi", "isbn": "isbn", "issn": "issn", "pmid": "pmid", "pmcid": "pmcid", "arxiv": "eprint",
    "serial": "serial",
}  # fmt: skip

# hayagriva's roles for ``affiliated`` (people other than authors and editors).
ROLES = frozenset({
    "translator", "afterword", "foreword", "introduction", "annotator", "commentator", "holder", "compiler",
    "founder", "collaborator", "organizer", "cast-member", "composer", "producer", "executive-producer",
    "writer", "cinematography", "director", "illustrator", "narrator",
})  # fmt: skip
# Fields hayagriva reads as numbers only: other text goes under the bibgen name.
NUMERIC = frozenset({"volume-total", "page-total"})
