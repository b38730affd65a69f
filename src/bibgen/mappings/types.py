"""The entry-type table: every BibTeX, biblatex and CSL 1.0.2 type, and its name in each dialect.

One row per type a reader can meet. A type read from a dialect is written
back under its own name to that dialect (identity); to another dialect it takes
the row's name there. The cross-dialect names follow the biblatex manual
(§2.1.1 regular types, §2.1.2 BibTeX aliases, §2.1.3 non-standard types), and
where it is silent, the mappings of Better BibTeX, citeproc-js and pandoc.
``kind`` is bibgen's neutral kind (what styles, keys and dedupe see).
The README's "Entry types" table is this table.

Read it top to bottom: ``(dialect, type, kind, bibtex, biblatex, csl)``.
"""

from __future__ import annotations

from collections.abc import Mapping
import re
from typing import NamedTuple

from bibgen.model import EntryKind

A, IP, PP, B, IC, R, T, O, N, M = (
    EntryKind.ARTICLE, EntryKind.INPROCEEDINGS, EntryKind.PREPRINT, EntryKind.BOOK, EntryKind.INCOLLECTION,
    EntryKind.REPORT, EntryKind.THESIS, EntryKind.ONLINE, EntryKind.NEWS, EntryKind.MISC,
)  # fmt: skip


class TypeRow(NamedTuple):
    """One type of one dialect and its names in every dialect."""

    dialect: str  # "bib" (BibTeX and biblatex share one namespace) or "csl"
    type: str
    kind: EntryKind
    bibtex: str
    biblatex: str
    csl: str


# fmt: off
ROWS: tuple[TypeRow, ...] = tuple(TypeRow(*r) for r in (
    # BibTeX standard types (btxdoc) and biblatex's BibTeX aliases (§2.1.2)
    ("bib", "article",        A,  "article",       "article",       "article-journal"),
    ("bib", "book",           B,  "book",          "book",          "book"),
    ("bib", "booklet",        M,  "booklet",       "booklet",       "pamphlet"),
    ("bib", "conference",     IP, "conference",    "inproceedings", "paper-conference"),
    ("bib", "inbook",         IC, "inbook",        "inbook",        "chapter"),
    ("bib", "incollection",   IC, "incollection",  "incollection",  "chapter"),
    ("bib", "inproceedings",  IP, "inproceedings", "inproceedings", "paper-conference"),
    ("bib", "manual",         M,  "manual",        "manual",        "book"),
    ("bib", "mastersthesis",  T,  "mastersthesis", "mastersthesis", "thesis"),
    ("bib", "misc",           M,  "misc",          "misc",          "document"),
    ("bib", "phdthesis",      T,  "phdthesis",     "phdthesis",     "thesis"),
    ("bib", "proceedings",    B,  "proceedings",   "proceedings",   "book"),
    ("bib", "techreport",     R,  "techreport",    "techreport",    "report"),
    ("bib", "unpublished",    M,  "unpublished",   "unpublished",   "manuscript"),
    ("bib", "electronic",     O,  "misc",          "online",        "webpage"),
    ("bib", "www",            O,  "misc",          "online",        "webpage"),
    # biblatex regular types (§2.1.1)
    ("bib", "bookinbook",     IC, "inbook",        "bookinbook",    "chapter"),
    ("bib", "collection",     B,  "book",          "collection",    "book"),
    ("bib", "dataset",        M,  "misc",          "dataset",       "dataset"),
    ("bib", "inreference",    IC, "incollection",  "inreference",   "entry-encyclopedia"),
    ("bib", "mvbook",         B,  "book",          "mvbook",        "book"),
    ("bib", "mvcollection",   B,  "book",          "mvcollection",  "book"),
    ("bib", "mvproceedings",  B,  "proceedings",   "mvproceedings", "book"),
    ("bib", "mvreference",    B,  "book",          "mvreference",   "book"),
    ("bib", "online",         O,  "misc",          "online",        "webpage"),
    ("bib", "patent",         M,  "misc",          "patent",        "patent"),
    ("bib", "periodical",     M,  "misc",          "periodical",    "periodical"),
    ("bib", "reference",      B,  "book",          "reference",     "book"),
    ("bib", "report",         R,  "techreport",    "report",        "report"),
    ("bib", "set",            M,  "misc",          "set",           "document"),
    ("bib", "software",       M,  "misc",          "software",      "software"),
    ("bib", "suppbook",       IC, "inbook",        "suppbook",      "chapter"),
    ("bib", "suppcollection", IC, "incollection",  "suppcollection", "chapter"),
    ("bib", "suppperiodical", A,  "article",       "suppperiodical", "article-journal"),
    ("bib", "thesis",         T,  "phdthesis",     "thesis",        "thesis"),
    ("bib", "xdata",          M,  "misc",          "xdata",         "document"),
    ("bib", "preprint",       PP, "misc",          "online",        "article"),
    # biblatex non-standard types (§2.1.3), supported by biber and many styles
    ("bib", "artwork",        M,  "misc",          "artwork",       "graphic"),
    ("bib", "audio",          M,  "misc",          "audio",         "song"),
    ("bib", "bibnote",        M,  "misc",          "bibnote",       "document"),
    ("bib", "commentary",     B,  "book",          "commentary",    "book"),
    ("bib", "image",          M,  "misc",          "image",         "graphic"),
    ("bib", "jurisdiction",   M,  "misc",          "jurisdiction",  "legal_case"),
    ("bib", "legislation",    M,  "misc",          "legislation",   "legislation"),
    ("bib", "legal",          M,  "misc",          "legal",         "treaty"),
    ("bib", "letter",         M,  "misc",          "letter",        "personal_communication"),
    ("bib", "movie",          M,  "misc",          "movie",         "motion_picture"),
    ("bib", "music",          M,  "misc",          "music",         "song"),
    ("bib", "performance",    M,  "misc",          "performance",   "performance"),
    ("bib", "review",         A,  "article",       "review",        "review"),
    ("bib", "standard",       R,  "techreport",    "standard",      "standard"),
    ("bib", "video",          M,  "misc",          "video",         "motion_picture"),
    # CSL 1.0.2 types
    ("csl", "article",                PP, "misc",          "online",        "article"),
    ("csl", "article-journal",        A,  "article",       "article",       "article-journal"),
    ("csl", "article-magazine",       A,  "article",       "article",       "article-magazine"),
    ("csl", "article-newspaper",      N,  "article",       "article",       "article-newspaper"),
    ("csl", "bill",                   M,  "misc",          "legislation",   "bill"),
    ("csl", "book",                   B,  "book",          "book",          "book"),
    ("csl", "broadcast",              M,  "misc",          "video",         "broadcast"),
    ("csl", "chapter",                IC, "incollection",  "incollection",  "chapter"),
    ("csl", "classic",                B,  "book",          "book",          "classic"),
    ("csl", "collection",             B,  "book",          "collection",    "collection"),
    ("csl", "dataset",                M,  "misc",          "dataset",       "dataset"),
    ("csl", "document",               M,  "misc",          "misc",          "document"),
    ("csl", "entry",                  IC, "incollection",  "inreference",   "entry"),
    ("csl", "entry-dictionary",       IC, "incollection",  "inreference",   "entry-dictionary"),
    ("csl", "entry-encyclopedia",     IC, "incollection",  "inreference",   "entry-encyclopedia"),
    ("csl", "event",                  M,  "misc",          "misc",          "event"),
    ("csl", "figure",                 M,  "misc",          "image",         "figure"),
    ("csl", "graphic",                M,  "misc",          "artwork",       "graphic"),
    ("csl", "hearing",                M,  "misc",          "jurisdiction",  "hearing"),
    ("csl", "interview",              M,  "misc",          "misc",          "interview"),
    ("csl", "legal_case",             M,  "misc",          "jurisdiction",  "legal_case"),
    ("csl", "legislation",            M,  "misc",          "legislation",   "legislation"),
    ("csl", "manuscript",             M,  "unpublished",   "unpublished",   "manuscript"),
    ("csl", "map",                    M,  "misc",          "misc",          "map"),
    ("csl", "motion_picture",         M,  "misc",          "movie",         "motion_picture"),
    ("csl", "musical_score",          M,  "misc",          "music",         "musical_score"),
    ("csl", "pamphlet",               M,  "booklet",       "booklet",       "pamphlet"),
    ("csl", "paper-conference",       IP, "inproceedings", "inproceedings", "paper-conference"),
    ("csl", "patent",                 M,  "misc",          "patent",        "patent"),
    ("csl", "performance",            M,  "misc",          "performance",   "performance"),
    ("csl", "periodical",             A,  "misc",          "periodical",    "periodical"),
    ("csl", "personal_communication", M,  "misc",          "letter",        "personal_communication"),
    ("csl", "post",                   O,  "misc",          "online",        "post"),
    ("csl", "post-weblog",            O,  "misc",          "online",        "post-weblog"),
    ("csl", "regulation",             M,  "misc",          "legislation",   "regulation"),
    ("csl", "report",                 R,  "techreport",    "report",        "report"),
    ("csl", "review",                 A,  "article",       "review",        "review"),
    ("csl", "review-book",            A,  "article",       "review",        "review-book"),
    ("csl", "software",               M,  "misc",          "software",      "software"),
    ("csl", "song",                   M,  "misc",          "audio",         "song"),
    ("csl", "speech",                 M,  "misc",          "misc",          "speech"),
    ("csl", "standard",               R,  "techreport",    "standard",      "standard"),
    ("csl", "thesis",                 T,  "phdthesis",     "thesis",        "thesis"),
    ("csl", "treaty",                 M,  "misc",          "legal",         "treaty"),
    ("csl", "webpage",                O,  "misc",          "online",        "webpage"),
))
# fmt: on

_BIB_NAME = re.compile(r"[a-z][a-z0-9_\-]*")
BY_TYPE: Mapping[tuple[str, str], TypeRow] = {(r.dialect, r.type): r for r in ROWS}
BIB_KINDS: Mapping[str, EntryKind] = {r.type: r.kind for r in ROWS if r.dialect == "bib"}
CSL_KINDS: Mapping[str, EntryKind] = {r.type: r.kind for r in ROWS if r.dialect == "csl"}
# Names each output dialect accepts as its own (identity when exported to it).
BIBTEX_TYPES = frozenset(
    "article book booklet conference inbook incollection inproceedings manual mastersthesis misc phdthesis "
    "proceedings techreport unpublished".split()
)
BIBLATEX_TYPES = frozenset(r.biblatex for r in ROWS) | frozenset(
    {"conference", "electronic", "mastersthesis", "phdthesis", "techreport", "www"}
)
CSL_TYPES = frozenset(r.type for r in ROWS if r.dialect == "csl")


def output_type(dialect: str, source_dialect: str, source_type: str) -> str:
    """The type to write in ``dialect`` (``bibtex``, ``biblatex``, ``csl``) for a type read from ``source_dialect``.

    Empty when the table has no row (then the writer goes by the entry's kind).
    """
    if source_dialect == "bib" and dialect == "bibtex" and source_type in BIBTEX_TYPES:
        return source_type
    if source_dialect == "bib" and dialect == "biblatex" and source_type in BIBLATEX_TYPES:
        return source_type
    if source_dialect == "csl" and dialect == "csl":
        return source_type if source_type in CSL_TYPES else ""
    row = BY_TYPE.get((source_dialect, source_type))
    if row is None:
        # A type no table knows (@customa, @letter-like house types): BibTeX and
        # biber treat it as misc but read it, so it is written back as it was.
        return source_type if source_dialect == "bib" and dialect != "csl" and _BIB_NAME.fullmatch(source_type) else ""
    return {"bibtex": row.bibtex, "biblatex": row.biblatex, "csl": row.csl}[dialect]


# biblatex field aliases (manual §2.2.5) and their BibTeX names: a field read under
# one dialect's name is written under the other's when the dialect changes.
BIBTEX_TO_BIBLATEX: Mapping[str, str] = {
    "journal": "journaltitle",
    "address": "location",
    "school": "institution",
    "annote": "annotation",
    "archiveprefix": "eprinttype",
    "primaryclass": "eprintclass",
}
BIBLATEX_TO_BIBTEX: Mapping[str, str] = {
    "journaltitle": "journal",
    "location": "address",
    "annotation": "annote",
    "eprinttype": "archiveprefix",
    "eprintclass": "primaryclass",
}


def field_name(dialect: str, name: str, btype: str) -> str:
    """The name a field read as ``name`` takes in ``dialect`` for an entry of output type ``btype``."""
    if dialect == "biblatex":
        return BIBTEX_TO_BIBLATEX.get(name, name)
    if name == "institution" and btype in ("phdthesis", "mastersthesis"):
        return "school"
    return BIBLATEX_TO_BIBTEX.get(name, name)
