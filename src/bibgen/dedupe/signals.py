"""The signals of one record that the same-work rule compares: identifiers, title keys and numbers, names, year, venue, pages."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from operator import attrgetter

from bibgen.model import Entry, EntryKind
from bibgen.normalize import (
    FUNCTION_WORDS,
    arxiv_from_doi,
    fold,
    is_unspaced_script,
    normalize_arxiv,
    normalize_doi,
    normalize_isbn,
    normalize_number,
    normalize_pmid,
    person_family,
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
    is computed up front. What a cluster summary needs (years, numbers, names,
    venue, registry ids, pages, kind) is filled in one go the first time any of
    it is asked for (:meth:`_fill_rule`), since most records never meet a
    candidate and every one that does needs all of it; the content order, the
    title markers, the abstract and the file key each on their own first use.
    """

    __slots__ = (
        "index", "entry", "tkey", "plain_key", "tokens", "sig", "numbers", "markers", "doi", "arxiv",
        "year", "edition", "volume", "issue", "families", "complete", "abstract", "container",
        "preprint", "fuzzy", "short", "norm", "order", "venue", "generic",
        "pmid", "isbn", "pages", "kclass", "filekey", "givens", "first", "head",
    )

    def __init__(self, index: int, entry: Entry) -> None:
        self.index = index
        self.entry = entry
        (self.plain_key, self.numbers, self.tkey, self.tokens, self.sig, self.short, self.fuzzy,
         self.norm) = _title_signals(entry.fields.get("title", ""))
        names = entry.fields.keys()
        if "doi" in names or "eprint" in names or "url" in names:
            self.doi, self.arxiv = identifiers(entry)
        else:  # most scraped records: nothing to normalise (what identifiers() says first)
            self.doi = self.arxiv = ""

    def __getattr__(self, name: str) -> object:
        # Only called for a slot not set yet: fill the lazy ones (one dict
        # look-up instead of a chain of name comparisons).
        fill = _LAZY.get(name)
        if fill is None:
            raise AttributeError(name)
        fill(self)
        return object.__getattribute__(self, name)

    def _fill_order(self) -> None:
        self.order = self.head + _order_tail(self.entry)

    def _fill_head(self) -> None:
        self.head = _order_head(self.entry, self.plain_key)

    def _fill_markers(self) -> None:
        self.markers = title_markers(self.entry.title)

    def _fill_rule(self) -> None:
        """Everything a cluster summary (rule._Group) reads, in one pass over the record."""
        entry = self.entry
        kind = entry.kind
        get = entry.fields.get
        numbered = not entry.fields.keys().isdisjoint(_NUMBERED)  # (most scraped records have none of them)
        year = get("year") if numbered else None
        self.year = year_of(year) if year is not None else None
        if numbered:
            edition, volume, issue = get("edition"), get("volume"), get("number")
            self.edition = normalize_number(edition) if edition is not None else ""
            self.volume = normalize_number(volume) if volume is not None else ""
            self.issue = normalize_number(issue) if issue is not None else ""
            pmid = get("pmid")
            self.pmid = normalize_pmid(pmid) if pmid is not None else ""
            # A chapter or paper carries its book's ISBN: only a whole book is named by one.
            isbn = get("isbn", "")
            self.isbn = normalize_isbn(isbn) if isbn and kind is EntryKind.BOOK else ""
            self.pages = first_page(get("pages"))
        else:
            self.edition = self.volume = self.issue = self.pmid = self.isbn = self.pages = ""
        authors = entry.people.get("author", ())
        names = [person_family(p) for p in authors]
        self.families = families = frozenset([f for f in names if f])
        partial = "author" in entry.partial
        self.complete = bool(families) and not partial
        # The distinct given names of each family name, as tuples (a set per
        # author would cost four times the memory, for one name nearly always).
        givens: dict[str, tuple[str, ...]] = {}
        # Only a complete list says who the authors are: two author pages
        # of one work may belong to two people with one family name.
        if not partial:
            for p, fam in zip(authors, names):
                if fam:
                    given = fold(p.given).strip()
                    have = givens.get(fam)
                    if have is None:
                        givens[fam] = (given,)
                    elif given not in have:
                        givens[fam] = have + (given,)
        self.givens = givens
        self.first = names[0] if names else ""
        self.kclass = _KIND_CLASS[kind]
        container = get("container", "")
        self.container = title_key(container) if container else ""
        venue = get("venue", "")  # the source line a page gave (``arXiv.org Sound``)
        self.venue = title_key(venue) if venue else ""
        self.preprint = kind is EntryKind.PREPRINT or (bool(self.arxiv) and not container)
        self.generic = self.plain_key in GENERIC_TITLES and not self.numbers

    def _fill_abstract(self) -> None:
        abstract = self.entry.get("abstract")
        # Uncached: abstracts are unique, and would only fill the title caches.
        self.abstract = " ".join(title_tokens.__wrapped__(abstract[:600]))[:400] if abstract else ""

    def _fill_filekey(self) -> None:
        # (file, key, content) of a record whose key the user wrote; see _within_file.
        entry = self.entry
        self.filekey = (entry.origin.path, entry.key.casefold(), self.order[:-1]) if entry.key else None


# The fields whose values _fill_rule normalises to numbers, ids or a first page.
_NUMBERED = frozenset({"year", "edition", "volume", "number", "pmid", "isbn", "pages"})


# The lazy slots of _Features and the method that fills each (with its siblings).
_LAZY = {
    "order": _Features._fill_order,
    "head": _Features._fill_head,
    "markers": _Features._fill_markers,
    **dict.fromkeys(
        ("year", "edition", "volume", "issue", "families", "complete", "givens", "first", "pmid", "isbn", "pages",
         "kclass", "container", "venue", "preprint", "generic"),
        _Features._fill_rule,
    ),
    "abstract": _Features._fill_abstract,
    "filekey": _Features._fill_filekey,
}


def forget_titles() -> None:
    """Drop the per-title memo that building features fills: it serves one stage, and
    kept alive it would hold every title's tokens through the stages after it."""
    _title_signals.cache_clear()


@lru_cache(maxsize=262144)  # one work's title recurs on each page that lists it
def _title_signals(title: str) -> tuple[str, tuple[str, ...], str, tuple[str, ...], tuple[str, ...], bool, bool, str]:
    """(plain key, numbers, title key, tokens, significant tokens, short, fuzzy, normalised words) of a title."""
    tokens = title_tokens(title)
    # title_key(title), significant_tokens(title) and is_unspaced_script(title)
    # from what is at hand: the title key is the tokens run together (both cut
    # the folded title at the same characters, [\W_]+, one dropping them, the
    # other splitting there), and an ASCII title is in no unspaced script.
    plain_key = "".join(tokens)
    numbers = title_numbers(title)
    tkey = plain_key + "#" + ".".join(numbers) if plain_key else ""
    sig = tuple([t for t in tokens if t not in FUNCTION_WORDS]) or tokens
    unspaced = not title.isascii() and is_unspaced_script(title)
    # Without word spacing a title is one "word"; count its characters instead.
    short = len(plain_key) < UNSPACED_MIN_CHARS if unspaced else len(sig) < SHORT_TITLE_WORDS or len(plain_key) < 12
    fuzzy = len(plain_key) >= FUZZY_MIN_CHARS and len(sig) >= FUZZY_MIN_WORDS and not unspaced
    return plain_key, numbers, tkey, tokens, sig, short, fuzzy, " ".join(tokens)


def identifiers(entry: Entry) -> tuple[str, str]:
    """The entry's normalised (DOI, arXiv id); an arXiv DOI or URL counts as the arXiv id."""
    names = entry.fields.keys()  # a dict view: ``in`` on it is one C call, on Fields a Python one
    if "doi" not in names and "eprint" not in names and "url" not in names:
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
    return _order_head(entry, key) + _order_tail(entry)


def _order_head(entry: Entry, key: str | None) -> tuple[object, ...]:
    """The first part of :func:`content_order` (title key, title, kind, fields): cheap, and it decides most comparisons."""
    fields = entry.fields
    title = fields.get("title", "")
    return (
        title_key(title) if key is None else key,
        title,
        _KIND_VALUE[entry.kind],  # (an enum's .value is a Python-level property)
        # Sorted by name; a value not decoded yet is decoded only if a comparison reaches it.
        tuple(fields.stored_items()),
    )


def _order_tail(entry: Entry) -> tuple[object, ...]:
    """The rest of :func:`content_order`: people, partial roles, key."""
    return (
        tuple([(r, tuple([p.sort_form() for p in ps])) for r, ps in sorted(entry.people.items())]),
        tuple(sorted(entry.partial)),
        entry.key,
    )


_HEAD = attrgetter("head")
_ORDER = attrgetter("order")


def in_content_order(feats: Iterable[_Features]) -> list[_Features]:
    """``sorted(feats, key=order)``: heads compared first, whole orders made only for records whose heads are equal."""
    out = sorted(feats, key=_HEAD)
    n = len(out)
    i = 0
    while i < n - 1:
        head = out[i].head
        j = i + 1
        while j < n and out[j].head == head:
            j += 1
        if j - i > 1:
            out[i:j] = sorted(out[i:j], key=_ORDER)
        i = j
    return out


def before(f: _Features, g: _Features) -> bool:
    """``f.order < g.order``, made whole only when the heads are equal."""
    hf, hg = f.head, g.head
    if hf != hg:
        return hf < hg
    return f.order < g.order


_KIND_VALUE = {kind: kind.value for kind in EntryKind}


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
