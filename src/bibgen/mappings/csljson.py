"""CSL-JSON vocabulary shared by the csl-json reader and writer.

Mapping between bibgen's neutral model and CSL-JSON (schema v1.0.1, bundled as
``data/csl-data.json``):

=====================  ==============================================
bibgen                 CSL-JSON
=====================  ==============================================
key                    ``id``
kind                   ``type`` (see :data:`KIND_TO_TYPE`)
title                  ``title``
container              ``container-title``
publisher              ``publisher`` (report institution, thesis school)
address                ``publisher-place``
volume / pages         ``volume`` / ``page``
number                 ``issue`` for articles and papers, else ``number``
edition, note          ``edition``, ``note``
abstract               ``abstract``
keywords               ``keyword`` (kept ``;``-separated)
doi / url              ``DOI`` / ``URL``
year, month, day       ``issued.date-parts`` ``[[y, m, d]]`` (integers)
howpublished           ``medium``
type (thesis type)     ``genre``
eprinttype             ``archive`` (``arXiv`` for ``arxiv``)
eprint                 ``archive_location``; preprints also get
                       ``number = "arXiv:<id>"`` as Zotero writes it
eprintclass            ``archive_collection`` (arXiv: ``custom.arxiv-class``)
shortjournal           ``container-title-short``
other .bib fields      :data:`bibgen.mappings.csl.BIB_FIELD_TO_CSL`
=====================  ==============================================

Names: ``family``, ``given``, ``non-dropping-particle`` (bibgen's particle is
part of the cited name, "van den Oord"), ``suffix``; corporate names are
``literal``.

Partial name lists (BibTeX's ``and others``): CSL has no marker for them
(citation-style-language/schema#34 is still open), so each output gets one its
consumers handle. The CSL-JSON file holds only the known names and lists the
roles in the item's ``custom`` object, ``"custom": {"partial-name-lists":
["author"]}``: citeproc-js and Zotero would print a ``{"literal": "others"}``
name as the author "others"; pandoc, citeproc-js and Zotero all ignore
``custom`` and print the known names (a style's et-al rule still applies).
bibgen's own CSL engine (formatted references) gets the list ending with
``{"literal": "others"}`` and prints the style's "et al." term, as pandoc
does for that marker. The reader accepts both forms.

Math (``$...$``) in titles is wrapped in ``<span class="nocase">`` so that
styles do not change its case. Titles of a .bib are written as CSL rich text
(:mod:`bibgen.richtext`; English titles in sentence case, as pandoc reads
them); a CSL-JSON item is written back variable by variable as it was read
while the model still holds what was read from it (markup included).

Fields CSL-JSON has no variable for (and ``venue``, bibgen's raw source line)
are not written: the schema forbids extra properties.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from typing import Any

from bibgen import richtext
from bibgen.mappings.types import CSL_KINDS
from bibgen.model import EntryKind

KIND_TO_TYPE: Mapping[EntryKind, str] = {
    EntryKind.ARTICLE: "article-journal",
    EntryKind.INPROCEEDINGS: "paper-conference",
    # CSL 1.0.1 has no "preprint"; Zotero exports preprints as "article".
    EntryKind.PREPRINT: "article",
    EntryKind.BOOK: "book",
    EntryKind.INCOLLECTION: "chapter",
    EntryKind.REPORT: "report",
    EntryKind.THESIS: "thesis",
    EntryKind.ONLINE: "webpage",
    EntryKind.NEWS: "article-newspaper",
    EntryKind.MISC: "document",
}
# Every CSL 1.0.2 type and its kind: the one type table, bibgen.mappings.types.
TYPE_TO_KIND: Mapping[str, EntryKind] = CSL_KINDS
# neutral field -> CSL variable, for plain string fields.
FIELD_TO_CSL: Mapping[str, str] = {
    "title": "title",
    "container": "container-title",
    "publisher": "publisher",
    "address": "publisher-place",
    "volume": "volume",
    "pages": "page",
    "edition": "edition",
    "note": "note",
    "abstract": "abstract",
    "keywords": "keyword",
    "doi": "DOI",
    "url": "URL",
    "howpublished": "medium",
    "type": "genre",
    "eprintclass": "archive_collection",
    "eprint": "archive_location",
    "language": "language",
    "isbn": "ISBN",
    "issn": "ISSN",
    "series": "collection-title",
    "shorttitle": "title-short",
    "shortjournal": "container-title-short",  # biblatex's name, so .bib output says shortjournal
}
CSL_TO_FIELD: Mapping[str, str] = {v: k for k, v in FIELD_TO_CSL.items()}
# Date fields (biblatex names, and CSL's own read from CSL-JSON) -> CSL date variable.
DATE_FIELDS: Mapping[str, str] = {
    "date": "issued",
    "urldate": "accessed",
    "eventdate": "event-date",
    "origdate": "original-date",
    "event-date": "event-date",
    "original-date": "original-date",
    "submitted": "submitted",
    "available-date": "available-date",
}
# Kinds whose ``number`` is an issue number rather than a report/document number.
ISSUE_KINDS = frozenset({EntryKind.ARTICLE, EntryKind.INPROCEEDINGS, EntryKind.NEWS})
ROLES = ("author", "editor", "translator")
ARCHIVES: Mapping[str, str] = {"arxiv": "arXiv"}
OTHERS = "others"
# Variables whose ``$...$`` math is protected from case changes with CSL's
# ``<span class="nocase">`` markup (honoured by citeproc-js and pandoc).
RICH_TEXT = frozenset({"title", "container-title", "collection-title", "title-short"})


def strip_markup(text: str) -> str:
    """Plain text of a CSL rich-text value: the markup citeproc-js reads (balanced tags) removed.

    An unbalanced or unknown tag is text, as citeproc-js prints it (:func:`bibgen.richtext.from_csl`).
    """
    return richtext.plain(richtext.from_csl(text)) if "<" in text else text


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The bundled CSL-JSON input schema (v1.0.1)."""
    text = resources.files("bibgen").joinpath("data/csl-data.json").read_text("utf-8")
    return json.loads(text)


@lru_cache(maxsize=1)
def validator():  # type: ignore[no-untyped-def]
    """A jsonschema validator for a whole CSL-JSON document."""
    import jsonschema

    cls = jsonschema.validators.validator_for(schema())
    return cls(schema())
