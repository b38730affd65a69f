"""The signals of one record that the same-work rule compares: identifiers, title keys and numbers, names, year, venue, pages."""

from __future__ import annotations

from functools import lru_cache

from bibgen.model import Entry, EntryKind
from bibgen.normalize import (
    arxiv_from_doi,
    fold,
    is_unspaced_script,
    normalize_arxiv,
    normalize_doi,
    normalize_isbn,
    normalize_number,
    normalize_pmid,
    person_family,
    significant_tokens,
    title_key,
    title_markers,
    title_numbers,
    title_tokens,
    year_of,
)

EVIDENCE = ("doi", "arxiv", "pmid", "isbn", "title", "fuzzy", "edited")


# Evidence that is a shared registry identifier: it ties works the title rules would keep apart.
IDENTIFIERS = frozenset({"doi", "arxiv", "pmid", "isbn"})


# Rank of each kind of evidence, strongest first (0 = doi): for sorting matches and links.
STRENGTH = {name: i for i, name in enumerate(EVIDENCE)}


# Fuzzy matching only looks at titles at least this long (title key characters)
# with at least this many significant words: in short titles one letter is a
# word, and in three (``Iumkal Technical Report``, ``Iumfal Technical Report``)
# the one changed letter is often the name.
FUZZY_MIN_CHARS = 20


FUZZY_MIN_WORDS = 4


# Fewer significant words than this (or a title key under 12 characters) is a
# short title, which needs a second signal even for an exact match.
SHORT_TITLE_WORDS = 3


# Titles in scripts without word spacing shorter than this need a second signal, like short titles.
UNSPACED_MIN_CHARS = 6


# Entry kinds by what they are as a publication; two different non-empty
# classes are different works unless an identifier ties them. Preprints, web
# pages and untyped records are versions of whatever they match.
_KIND_CLASS = {
    EntryKind.ARTICLE: "article",
    EntryKind.NEWS: "article",
    EntryKind.INPROCEEDINGS: "inproceedings",
    EntryKind.INCOLLECTION: "incollection",
    EntryKind.BOOK: "book",
    EntryKind.REPORT: "report",
    EntryKind.THESIS: "thesis",
    EntryKind.PREPRINT: "",
    EntryKind.ONLINE: "",
    EntryKind.MISC: "",
}


# Titles that name a kind of text rather than a work (front and back matter,
# notices, replies), as title keys: many different works carry them, so the
# title alone is never evidence (see _corroborated). Bibliographic matchers
# (Crossref's, DedupEndNote) treat such titles the same way.
GENERIC_TITLES = frozenset(title_key(t) for t in (
    "Abstract", "Abstracts", "Acknowledgments", "Acknowledgements", "Addendum", "Afterword", "Announcement",
    "Announcements", "Appendix", "Author Index", "Back Matter", "Bibliography", "Book Review", "Book Reviews",
    "Comment", "Commentary", "Comments", "Conclusion", "Conclusions", "Contents", "Contributors", "Correction",
    "Corrigendum", "Cover", "Discussion", "Editorial", "Editorial Board", "Editor's Note", "Editors' Note",
    "Epilogue", "Errata", "Erratum", "Foreword", "Front Matter", "Guest Editorial", "In Memoriam", "Index",
    "Introduction", "Invited Talk", "Keynote", "Letter to the Editor", "Letters", "Letters to the Editor",
    "Masthead", "News", "Notes", "Obituary", "Overview", "Panel Discussion", "Perspective", "Perspectives",
    "Postscript", "Preface", "Prologue", "References", "Rejoinder", "Reply", "Response", "Retraction",
    "Review", "Reviewers", "Subject Index", "Summary", "Table of Contents", "Title Page", "Tutorial",
))


class _Features:
    """What matching needs to know about one record, computed once.

    What every record needs (title keys, identifiers, the fuzzy blocking words)
    is computed up front; the rest (what a cluster summary and the content
    order need) on first use, since most records never meet a candidate.
    """

    __slots__ = (
        "index", "entry", "tkey", "plain_key", "tokens", "sig", "numbers", "markers", "doi", "arxiv",
        "year", "edition", "volume", "issue", "families", "complete", "abstract", "container",
        "preprint", "fuzzy", "short", "norm", "order", "venue", "generic",
        "pmid", "isbn", "pages", "kclass", "filekey", "givens", "first",
    )

    def __init__(self, index: int, entry: Entry) -> None:
        self.index = index
        self.entry = entry
        (self.plain_key, self.numbers, self.tkey, self.tokens, self.sig, self.short, self.fuzzy,
         self.norm) = _title_signals(entry.title)
        self.doi, self.arxiv = identifiers(entry)

    def __getattr__(self, name: str) -> object:
        # Only called for a slot not set yet: fill the lazy ones (one dict
        # look-up instead of a chain of name comparisons: this runs for every
        # record that meets a candidate, several times).
        fill = _LAZY.get(name)
        if fill is None:
            raise AttributeError(name)
        fill(self)
        return object.__getattribute__(self, name)

    def _fill_order(self) -> None:
        self.order = content_order(self.entry, self.plain_key)

    def _fill_markers(self) -> None:
        self.markers = title_markers(self.entry.title)

    def _fill_numbers(self) -> None:
        fields = self.entry.fields
        self.year = year_of(fields["year"]) if "year" in fields else None
        self.edition = normalize_number(fields["edition"]) if "edition" in fields else ""
        self.volume = normalize_number(fields["volume"]) if "volume" in fields else ""
        self.issue = normalize_number(fields["number"]) if "number" in fields else ""

    def _fill_families(self) -> None:
        entry = self.entry
        self.families = frozenset(f for f in (person_family(p) for p in entry.authors) if f)
        self.complete = bool(self.families) and "author" not in entry.partial

    def _fill_abstract(self) -> None:
        abstract = self.entry.get("abstract")
        # Uncached: abstracts are unique, and would only fill the title caches.
        self.abstract = " ".join(title_tokens.__wrapped__(abstract[:600]))[:400] if abstract else ""

    def _fill_generic(self) -> None:
        self.generic = self.plain_key in GENERIC_TITLES and not self.numbers

    def _fill_registry(self) -> None:
        entry = self.entry
        fields = entry.fields
        self.pmid = normalize_pmid(fields["pmid"]) if "pmid" in fields else ""
        # A chapter or paper carries its book's ISBN: only a whole book is named by one.
        isbn = fields.get("isbn", "")
        self.isbn = normalize_isbn(isbn) if isbn and entry.kind is EntryKind.BOOK else ""

    def _fill_pages(self) -> None:
        self.pages = first_page(self.entry.get("pages"))

    def _fill_kclass(self) -> None:
        self.kclass = _KIND_CLASS[self.entry.kind]

    def _fill_filekey(self) -> None:
        # (file, key, content) of a record whose key the user wrote; see _within_file.
        entry = self.entry
        self.filekey = (entry.origin.path, entry.key.casefold(), self.order[:-1]) if entry.key else None

    def _fill_givens(self) -> None:
        entry = self.entry
        givens: dict[str, set[str]] = {}
        # Only a complete list says who the authors are: two author pages
        # of one work may belong to two people with one family name.
        for p in entry.authors if "author" not in entry.partial else ():
            fam = person_family(p)
            if fam:
                givens.setdefault(fam, set()).add(fold(p.given).strip())
        self.givens = givens
        self.first = person_family(entry.authors[0]) if entry.authors else ""

    def _fill_container(self) -> None:
        entry = self.entry
        container = entry.get("container")
        self.container = title_key(container) if container else ""
        venue = entry.get("venue")  # the source line a page gave (``arXiv.org Sound``)
        self.venue = title_key(venue) if venue else ""
        self.preprint = entry.kind is EntryKind.PREPRINT or (bool(self.arxiv) and not container)


# The lazy slots of _Features and the method that fills each (with its siblings).
_LAZY = {
    "order": _Features._fill_order,
    "markers": _Features._fill_markers,
    **dict.fromkeys(("year", "edition", "volume", "issue"), _Features._fill_numbers),
    **dict.fromkeys(("families", "complete"), _Features._fill_families),
    "abstract": _Features._fill_abstract,
    "generic": _Features._fill_generic,
    **dict.fromkeys(("pmid", "isbn"), _Features._fill_registry),
    "pages": _Features._fill_pages,
    "kclass": _Features._fill_kclass,
    "filekey": _Features._fill_filekey,
    **dict.fromkeys(("givens", "first"), _Features._fill_givens),
    **dict.fromkeys(("container", "preprint", "venue"), _Features._fill_container),
}


def forget_titles() -> None:
    """Drop the per-title memo that building features fills: it serves one stage, and
    kept alive it would hold every title's tokens through the stages after it."""
    _title_signals.cache_clear()


@lru_cache(maxsize=262144)  # one work's title recurs on each page that lists it
def _title_signals(title: str) -> tuple[str, tuple[str, ...], str, tuple[str, ...], tuple[str, ...], bool, bool, str]:
    """(plain key, numbers, title key, tokens, significant tokens, short, fuzzy, normalised words) of a title."""
    plain_key = title_key(title)
    numbers = title_numbers(title)
    tkey = plain_key + "#" + ".".join(numbers) if plain_key else ""
    tokens = title_tokens(title)
    sig = significant_tokens(title)
    unspaced = is_unspaced_script(title)
    # Without word spacing a title is one "word"; count its characters instead.
    short = len(plain_key) < UNSPACED_MIN_CHARS if unspaced else len(sig) < SHORT_TITLE_WORDS or len(plain_key) < 12
    fuzzy = len(plain_key) >= FUZZY_MIN_CHARS and len(sig) >= FUZZY_MIN_WORDS and not unspaced
    return plain_key, numbers, tkey, tokens, sig, short, fuzzy, " ".join(tokens)


def identifiers(entry: Entry) -> tuple[str, str]:
    """The entry's normalised (DOI, arXiv id); an arXiv DOI or URL counts as the arXiv id."""
    fields = entry.fields
    if "doi" not in fields and "eprint" not in fields and "url" not in fields:
        return "", ""  # most scraped records: nothing to normalise
    doi = normalize_doi(entry.get("doi"))
    arxiv = ""
    if doi:
        arxiv = arxiv_from_doi(doi)
        if arxiv:
            doi = ""
    eprint = entry.get("eprint")
    if eprint and entry.get("eprinttype", "arxiv").casefold() in ("arxiv", "arxiv.org"):
        arxiv = normalize_arxiv(eprint) or arxiv
    url = entry.get("url")
    if not arxiv and url and "arxiv.org/" in url.casefold():
        arxiv = normalize_arxiv(url.split("arxiv.org/", 1)[1])
    return doi, arxiv


def first_page(pages: str | None) -> str:
    """The first page of a ``pages`` value, folded (``pp. 391--400`` -> ``391``), else ``""``.

    >>> first_page("pp. 391--400"), first_page("e1002"), first_page("")
    ('391', 'e1002', '')
    """
    if not pages:
        return ""
    text = fold(pages).replace("pp.", "").replace("p.", "").strip()
    for dash in ("\u2013", "\u2014", "\u2212", "--", "-", ","):
        text = text.split(dash, 1)[0]
    return text.strip().lstrip("0") or text.strip()


def content_order(entry: Entry, key: str | None = None) -> tuple[object, ...]:
    """A total sort key that depends on the record's content only, never on its file or place.

    ``key`` is the entry's title key when the caller has it already.
    """
    return (
        title_key(entry.title) if key is None else key,
        entry.title,
        entry.kind.value,
        tuple(entry.fields.items()),  # Fields keeps its items sorted by name
        tuple((r, tuple(p.sort_form() for p in ps)) for r, ps in sorted(entry.people.items())),
        tuple(sorted(entry.partial)),
        entry.key,
    )


def _signals(f: _Features) -> list[tuple[str, object]]:
    """What a record could share with a cluster that corroborates a short title (see :func:`_corroborated`).

    An abstract is represented by two pieces, one counted from its start
    (past the opening, which often restates the title: ``We study ...``) and
    its last 32 characters: one typo, inserted or deleted letter spoils at
    most one of them. A generic title is only corroborated by abstracts or a
    complete author list.
    """
    out: list[tuple[str, object]] = []
    a = f.abstract
    if a:
        out.append(("abstract", a[64:96] if len(a) > 160 else a[:32]))
        out.append(("abstract", a[-32:]))
    if f.generic:
        return out + [("family", name) for name in f.families] if f.complete else out
    out.extend(("family", name) for name in f.families)
    if f.container:
        out.append(("container", f.container))
    if f.venue:
        out.append(("venue", f.venue))
    if f.year:
        out.append(("year", f.year))
    return out
