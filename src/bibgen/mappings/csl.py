"""biblatex/BibTeX fields -> CSL 1.0.2 variables: the table the CSL-JSON writer reads for a .bib entry.

The rows follow pandoc's biblatex reader (``Text.Pandoc.Citeproc.BibTeX``),
which is also what citeproc-js users get through Better BibTeX's CSL export,
so that ``bibgen export --format csl-json`` of a .bib and ``pandoc
--citeproc`` of the same .bib print the same references. The neutral fields
bibgen shares across formats (``title``, ``container``, ``publisher`` ...)
are in :data:`bibgen.mappings.csljson.FIELD_TO_CSL`; this table holds the names a .bib
keeps as they are.

Read it top to bottom: ``field -> CSL variable``.
"""

from __future__ import annotations

from collections.abc import Mapping

# fmt: off
BIB_FIELD_TO_CSL: Mapping[str, str] = {
    "shortjournal":   "container-title-short",
    "journalabbrev":  "container-title-short",   # BibTeX/JabRef spelling
    "shorttitle":     "title-short",
    "eid":            "number",                  # an article number (e123, 135): CSL's number of an article
    "pagetotal":      "number-of-pages",
    "volumes":        "number-of-volumes",
    "chapter":        "chapter-number",
    "version":        "version",
    "eventtitle":     "event-title",
    "venue":          "event-place",
    "origtitle":      "original-title",
    "origpublisher":  "original-publisher",
    "origlocation":   "original-publisher-place",
    "pmid":           "PMID",
    "pmcid":          "PMCID",
    "library":        "call-number",
    "annotation":     "annote",
    "annote":         "annote",
    "pubstate":       "status",
    "langid":         "language",
    "hyphenation":    "language",
}
# fmt: on

# Rows that hold only for a .bib: other readers use ``venue`` for the raw source
# line (author pages), and ``langid`` names are babel's.
BIB_ONLY = frozenset({"venue", "langid", "hyphenation"})

# Title fields pandoc turns from title case into sentence case when the entry
# is English (langid/hyphenation empty or English): its ``getTitle`` fields.
# Journal names (journaltitle, journal, shortjournal) are never re-cased.
SENTENCE_CASED = frozenset(
    {"title", "subtitle", "titleaddon", "booktitle", "maintitle", "series", "shorttitle", "eventtitle", "origtitle"}
)

# babel/polyglossia language names (biblatex ``langid``) -> IETF tags, as pandoc's toIETF
# maps them; a value that already is a tag (``de``, ``en-GB``) is kept.
LANGID_TO_IETF: Mapping[str, str] = {
    "english": "en-US", "american": "en-US", "usenglish": "en-US", "british": "en-GB", "ukenglish": "en-GB",
    "canadian": "en-CA", "australian": "en-AU", "newzealand": "en-NZ",
    "german": "de-DE", "ngerman": "de-DE", "austrian": "de-AT", "naustrian": "de-AT", "swissgerman": "de-CH",
    "nswissgerman": "de-CH", "french": "fr-FR", "francais": "fr-FR", "canadien": "fr-CA", "acadian": "fr-CA",
    "spanish": "es-ES", "mexican": "es-MX", "italian": "it-IT", "portuguese": "pt-PT", "portuges": "pt-PT",
    "brazil": "pt-BR", "brazilian": "pt-BR", "dutch": "nl-NL", "russian": "ru-RU", "ukrainian": "uk-UA",
    "polish": "pl-PL", "czech": "cs-CZ", "slovak": "sk-SK", "slovene": "sl-SI", "croatian": "hr-HR",
    "serbian": "sr-RS", "bulgarian": "bg-BG", "romanian": "ro-RO", "hungarian": "hu-HU", "magyar": "hu-HU",
    "swedish": "sv-SE", "danish": "da-DK", "norsk": "nb-NO", "norwegian": "nb-NO", "nynorsk": "nn-NO",
    "finnish": "fi-FI", "icelandic": "is-IS", "estonian": "et-EE", "latvian": "lv-LV", "lithuanian": "lt-LT",
    "greek": "el-GR", "turkish": "tr-TR", "hebrew": "he-IL", "arabic": "ar", "persian": "fa-IR",
    "japanese": "ja-JP", "chinese": "zh-CN", "korean": "ko-KR", "vietnamese": "vi-VN", "thai": "th-TH",
    "catalan": "ca-AD", "basque": "eu", "galician": "gl-ES", "latin": "la", "irish": "ga-IE", "welsh": "cy-GB",
    "afrikaans": "af-ZA", "indonesian": "id-ID", "malay": "ms-MY", "hindi": "hi-IN",
}  # fmt: skip


def ietf_language(value: str) -> str:
    """A ``langid`` as an IETF tag (``ngerman`` -> ``de-DE``); unknown names are kept as written."""
    key = value.strip()
    return LANGID_TO_IETF.get(key.casefold(), key)
