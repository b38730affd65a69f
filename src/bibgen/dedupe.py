"""Find records of the same work across sources and merge them.

A wrong merge is worse than a missed one. Evidence, strongest first (the
README's "Deduplication" section says the same):

1. ``doi``: the same DOI, as the DOI Handbook defines it (case-insensitive,
   the whole suffix, SICI DOIs included; resolver prefixes stripped).
   arXiv's own DOIs (``10.48550/arXiv.…``) count as arXiv ids.
2. ``arxiv``: the same arXiv id, versions ignored, old-style ids included.
3. ``pmid``, ``isbn``: the same PubMed id; for two books the same ISBN.
4. ``title``: the same title key (accents folded, case, punctuation, dashes and
   spaces ignored; the numbers in the title must be the same numbers).
5. ``fuzzy``: nearly the same title where every differing word is a one-letter
   typo of the other, confirmed by a second signal.
6. ``edited`` (pin matching only): a pinned entry's title extended or edited,
   with the same first author and year.

Whether evidence may merge two clusters is decided in one place,
:func:`_refusal` (contradictions) and :func:`_why_not` (second signals), for
the dedupe and for pin matching alike; every refusal of a near pair is kept
with its reason (:class:`Refusal`, printed by ``bibgen duplicates``).

Candidates are found through hash blocks (identifier, title key, sorted title
words with one word left out), never all pairs, and a big bucket only tries
the clusters that could take a record, so cost grows linearly with the
number of records. Decisions are taken in an order that depends on the
records' content only, never on file names or input order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
import re
from itertools import islice

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from bibgen.errors import Diagnostics
from bibgen.options import DedupePolicy
from bibgen.model import Entry, EntryKind, Fields, Origin, Person
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
_STRENGTH = {name: i for i, name in enumerate(EVIDENCE)}

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
# A blocking bucket with more distinct works than this is compared by sorted
# neighbourhood (each title with the next few in sorted order) instead of all pairs.
_BLOCK_ALL_PAIRS = 24
_BLOCK_WINDOW = 6
# In a bucket bigger than _BLOCK_ALL_PAIRS a record tries at most this many
# earlier clusters (the nearest in content order): records that share a
# title, authors, year and venue but differ in DOI or pages are all distinct,
# and trying every earlier one would be quadratic.
_BUCKET_TRIES = 16
# At most this many refused near pairs are reported per record (a bucket of a
# thousand distinct works under one title would list a million pairs).
_REFUSALS_PER_RECORD = 4
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
# Suffixes of files whose keys the user wrote (most authoritative first): see merge().
_KEY_AUTHORITY = {".bib": 3, ".bibtex": 3, ".biblatex": 3, ".yaml": 2, ".yml": 2, ".json": 2}
# Prefixes that turn a word into its opposite: never a typo.
_NEGATIONS = ("non", "un", "in", "im", "ir", "il", "dis", "anti", "de", "semi", "self", "multi", "sub", "super", "re", "pre", "post")
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


@dataclass(frozen=True, slots=True)
class Link:
    """One merge decision: record ``b`` joined the cluster of record ``a``."""

    a: Origin
    b: Origin
    reason: str
    score: float = 1.0


@dataclass(frozen=True, slots=True, order=True)
class Refusal:
    """A near pair that was not merged: records ``a`` and ``b`` had ``evidence`` but ``reason`` says they differ."""

    a: Origin
    b: Origin
    evidence: str
    reason: str
    titles: tuple[str, str] = ("", "")


@dataclass(frozen=True, slots=True)
class Cluster:
    """Records merged into one entry: members in sorted-source order, why, and how sure.

    ``reason`` names every kind of evidence used (``doi``, ``arxiv``, ``title``,
    ``fuzzy``, joined by ``+``); ``score`` is the weakest link's score (1.0 for
    exact evidence, the title similarity for fuzzy links).
    """

    members: tuple[Origin, ...]
    reason: str
    score: float = 1.0
    titles: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    key: str = ""


@dataclass(frozen=True, slots=True)
class DedupeResult:
    entries: tuple[Entry, ...]
    clusters: tuple[Cluster, ...] = field(default_factory=tuple)
    refused: tuple[Refusal, ...] = field(default_factory=tuple)


# ---------------------------------------------------------------- features


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
        title = entry.title
        self.plain_key = title_key(title)
        self.numbers = title_numbers(title)
        self.tkey = self.plain_key + "#" + ".".join(self.numbers) if self.plain_key else ""
        self.tokens = title_tokens(title)
        self.sig = significant_tokens(title)
        self.doi, self.arxiv = identifiers(entry)
        unspaced = is_unspaced_script(title)
        # Without word spacing a title is one "word"; count its characters instead.
        self.short = len(self.plain_key) < UNSPACED_MIN_CHARS if unspaced else len(self.sig) < SHORT_TITLE_WORDS or len(self.plain_key) < 12
        self.fuzzy = (
            len(self.plain_key) >= FUZZY_MIN_CHARS
            and len(self.sig) >= FUZZY_MIN_WORDS
            and not unspaced
        )
        self.norm = " ".join(self.tokens)

    def __getattr__(self, name: str) -> object:
        # Only called for a slot not set yet: fill the lazy ones.
        entry = self.entry
        if name == "order":
            self.order = content_order(entry, self.plain_key)
        elif name == "markers":
            self.markers = title_markers(entry.title)
        elif name in ("year", "edition", "volume", "issue"):
            fields = entry.fields
            self.year = year_of(fields["year"]) if "year" in fields else None
            self.edition = normalize_number(fields["edition"]) if "edition" in fields else ""
            self.volume = normalize_number(fields["volume"]) if "volume" in fields else ""
            self.issue = normalize_number(fields["number"]) if "number" in fields else ""
        elif name in ("families", "complete"):
            self.families = frozenset(f for f in (person_family(p) for p in entry.authors) if f)
            self.complete = bool(self.families) and "author" not in entry.partial
        elif name == "abstract":
            abstract = entry.get("abstract")
            # Uncached: abstracts are unique, and would only fill the title caches.
            self.abstract = " ".join(title_tokens.__wrapped__(abstract[:600]))[:400] if abstract else ""
        elif name == "generic":
            self.generic = self.plain_key in GENERIC_TITLES and not self.numbers
        elif name in ("pmid", "isbn"):
            fields = entry.fields
            self.pmid = normalize_pmid(fields["pmid"]) if "pmid" in fields else ""
            # A chapter or paper carries its book's ISBN: only a whole book is named by one.
            isbn = fields.get("isbn", "")
            self.isbn = normalize_isbn(isbn) if isbn and entry.kind is EntryKind.BOOK else ""
        elif name == "pages":
            self.pages = first_page(entry.get("pages"))
        elif name == "kclass":
            self.kclass = _KIND_CLASS[entry.kind]
        elif name == "filekey":
            # (file, key, content) of a record whose key the user wrote; see _within_file.
            self.filekey = (entry.origin.path, entry.key.casefold(), self.order[:-1]) if entry.key else None
        elif name in ("givens", "first"):
            givens: dict[str, set[str]] = {}
            # Only a complete list says who the authors are: two author pages
            # of one work may belong to two people with one family name.
            for p in entry.authors if "author" not in entry.partial else ():
                fam = person_family(p)
                if fam:
                    givens.setdefault(fam, set()).add(fold(p.given).strip())
            self.givens = givens
            self.first = person_family(entry.authors[0]) if entry.authors else ""
        elif name in ("container", "preprint", "venue"):
            container = entry.get("container")
            self.container = title_key(container) if container else ""
            venue = entry.get("venue")  # the source line a page gave (``arXiv.org Sound``)
            self.venue = title_key(venue) if venue else ""
            self.preprint = entry.kind is EntryKind.PREPRINT or (bool(self.arxiv) and not container)
        else:
            raise AttributeError(name)
        return object.__getattribute__(self, name)


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


class _Group:
    """The running summary of one cluster: what any new member must agree with."""

    __slots__ = (
        "size", "dois", "arxivs", "years", "editions", "volumes", "issues", "titles", "families", "complete",
        "numbers", "_markers", "containers", "venues", "_members", "_abstracts", "preprint", "links",
        "_extra",
    )

    def __init__(self, f: _Features) -> None:
        self.size = 1
        self.dois = {f.doi} if f.doi else set()
        self.arxivs = {f.arxiv} if f.arxiv else set()
        self.years = {f.year} if f.year else set()
        self.editions = {f.edition} if f.edition else set()
        self.volumes = {f.volume} if f.volume else set()
        self.issues = {f.issue} if f.issue else set()
        self.titles = {f.plain_key} if f.plain_key else set()
        self.families = set(f.families)
        self.complete = set(f.families) if f.complete else set()
        self.numbers = {f.numbers} if f.plain_key else set()
        self._markers: set[tuple[str, ...]] | None = None  # only fuzzy matches compare them
        self.containers = {f.container} if f.container else set()
        self.venues = {f.venue} if f.venue else set()
        # Abstracts are normalised only when a short or fuzzy title asks for them.
        self._members = [f]
        self._abstracts: list[str] | None = None
        self.preprint = f.preprint
        self.links: list[Link] = []
        self._extra: dict[str, object] | None = None  # what only a rule check needs: see extra

    @property
    def extra(self) -> dict[str, object]:
        """Identifiers, pages, kind classes, given names and user keys of the members (made on first use)."""
        if self._extra is None:
            ms = self._members
            givens: dict[str, set[str]] = {}
            for m in ms:
                for fam, gs in m.givens.items():
                    givens.setdefault(fam, set()).update(gs)
            self._extra = {
                "pmids": {m.pmid for m in ms if m.pmid},
                "isbns": {m.isbn for m in ms if m.isbn},
                "pages": {m.pages for m in ms if m.pages},
                "kclasses": {m.kclass for m in ms if m.kclass},
                "givens": givens,
                "filekeys": [m.filekey for m in ms if m.filekey],
                "sigs": [m for m in ms if m.plain_key],
            }
        return self._extra

    def absorb(self, other: _Group) -> None:
        self.size += other.size
        for name in ("dois", "arxivs", "years", "editions", "volumes", "issues", "titles", "families",
                     "complete", "numbers", "containers", "venues"):
            getattr(self, name).update(getattr(other, name))
        self._members.extend(other._members)
        self._abstracts = None
        self._markers = None
        self.preprint = self.preprint or other.preprint
        self.links.extend(other.links)
        if self._extra is not None and other._extra is not None:
            mine, theirs = self._extra, other._extra
            for name in ("pmids", "isbns", "pages", "kclasses"):
                mine[name].update(theirs[name])  # type: ignore[attr-defined]
            for fam, gs in theirs["givens"].items():  # type: ignore[attr-defined]
                mine["givens"].setdefault(fam, set()).update(gs)  # type: ignore[attr-defined]
            mine["filekeys"].extend(theirs["filekeys"])  # type: ignore[attr-defined]
            mine["sigs"].extend(theirs["sigs"])  # type: ignore[attr-defined]
        else:
            self._extra = None


    @property
    def abstracts(self) -> list[str]:
        """The first four members' abstracts (normalised), in the order members joined."""
        if self._abstracts is None:
            self._abstracts = list(islice((m.abstract for m in self._members if m.abstract), 4))
        return self._abstracts

    @property
    def markers(self) -> set[tuple[str, ...]]:
        """Part, volume and edition markers of the members' titles."""
        if self._markers is None:
            self._markers = {m.markers for m in self._members if m.plain_key}
        return self._markers


def _disjoint(a: set[object], b: set[object]) -> bool:
    return bool(a) and bool(b) and a.isdisjoint(b)


def _years_ok(a: _Group, b: _Group) -> bool:
    if not a.years or not b.years:
        return True
    gap = min(abs(x - y) for x in a.years for y in b.years)
    return gap <= (4 if a.preprint or b.preprint else 1)


def _abstracts_agree(a: _Group, b: _Group) -> bool:
    return any(fuzz.ratio(x, y, score_cutoff=90) for x in a.abstracts for y in b.abstracts)


def _given_ok(x: str, y: str) -> bool:
    """Can two folded given names name one person? Initials match full names; ``alan`` and ``andrew`` do not.

    >>> _given_ok("a. m.", "alan"), _given_ok("alan", "andrew"), _given_ok("j.-p.", "jean-paul"), _given_ok("", "x")
    (True, False, True, True)
    """
    if not x or not y or x == y:
        return True
    px = [t for t in re.split(r"[\s.\-]+", x) if t]
    py = [t for t in re.split(r"[\s.\-]+", y) if t]
    for p, q in zip(px, py):
        if len(p) == 1 or len(q) == 1:
            if p[0] != q[0]:
                return False
        elif p != q and not (len(p) >= 3 and len(q) >= 3 and (p.startswith(q) or q.startswith(p))):
            return False
    return True


def _given_conflict(a: _Group, b: _Group) -> str:
    """The family name whose given names disagree on the two sides (``Alan`` against ``Andrew`` Rattle), else ``""``."""
    ga, gb = a.extra["givens"], b.extra["givens"]
    for fam in sorted(ga.keys() & gb.keys()):  # type: ignore[attr-defined]
        xs, ys = ga[fam], gb[fam]  # type: ignore[index]
        if not any(_given_ok(x, y) for x in xs for y in ys):
            return f"different given names: {sorted(xs)[0]} {fam} / {sorted(ys)[0]} {fam}"
    return ""


def _title_close(x: _Features, y: _Features) -> bool:
    """Do two titles name one work, as far as a shared identifier needs? (half the words, or 70% similar)."""
    sx, sy = set(x.sig or x.tokens), set(y.sig or y.tokens)
    if not sx or not sy:
        return True
    if len(sx & sy) * 2 >= min(len(sx), len(sy)):
        return True
    return fuzz.ratio(x.norm, y.norm, score_cutoff=70) > 0


def _titles_disagree(a: _Group, b: _Group) -> bool:
    """Does every title on one side clearly disagree with every title on the other?"""
    sa, sb = a.extra["sigs"][:4], b.extra["sigs"][:4]  # type: ignore[index]
    return bool(sa) and bool(sb) and not any(_title_close(x, y) for x in sa for y in sb)


def _within_file(a: _Group, b: _Group) -> bool:
    """Do the two sides hold records of one file under different keys that are not exact copies?"""
    fa, fb = a.extra["filekeys"], b.extra["filekeys"]
    if not fa or not fb:
        return False
    paths = {x[0] for x in fa} & {y[0] for y in fb}  # type: ignore[index]
    return any(
        x[0] == y[0] and x[1] != y[1] and x[2] != y[2]  # type: ignore[index]
        for x in fa if x[0] in paths for y in fb if y[0] in paths  # type: ignore[index]
    )


def _refusal(a: _Group, b: _Group, evidence: str, policy: DedupePolicy, pin: bool = False) -> str:
    """Why two clusters must not merge on ``evidence`` (a contradiction), else ``""``.

    The same-work rule, one place for the dedupe and for pin matching:

    - records of one file under different keys are different works unless
      exact copies (``within_file`` opts in to merging them);
    - a shared identifier merges unless another identifier conflicts, the
      titles clearly disagree or the years are more than 5 apart (then one
      identifier is probably wrong);
    - title evidence needs no conflicting identifier, edition, volume, number
      or first page, compatible years, the same publication class (article,
      proceedings paper, chapter, book, report, thesis; preprints and untyped
      records are versions of any), author lists that overlap (half of the
      shorter complete list) and given names that can be one person.

    ``pin`` (``b`` is an entry of the target file) leaves out the file, type
    and page rules: a pinned entry is a work as bibgen wrote it before, and
    the source may have corrected its type or pages.
    """
    if not pin and not policy.within_file and _within_file(a, b):
        return "same file, different keys"
    ea, eb = a.extra, b.extra
    if evidence in IDENTIFIERS:
        for name, xa, xb in (("DOI", a.dois, b.dois), ("arXiv id", a.arxivs, b.arxivs),
                             ("PMID", ea["pmids"], eb["pmids"]), ("ISBN", ea["isbns"], eb["isbns"])):
            if _disjoint(xa, xb):  # type: ignore[arg-type]
                return f"same {evidence}, different {name}s"
        if _titles_disagree(a, b):
            return f"same {evidence}, different titles: one of them is probably wrong"
        if a.years and b.years and min(abs(x - y) for x in a.years for y in b.years) > 5:
            return f"same {evidence}, years more than 5 apart"
        return ""
    if policy.distinct(a.titles, b.titles):
        return "declared distinct (not-duplicates)"
    for name, xa, xb in (("DOIs", a.dois, b.dois), ("arXiv ids", a.arxivs, b.arxivs),
                         ("PMIDs", ea["pmids"], eb["pmids"]), ("ISBNs", ea["isbns"], eb["isbns"]),
                         ("editions", a.editions, b.editions), ("volumes", a.volumes, b.volumes),
                         ("numbers", a.issues, b.issues)):
        if _disjoint(xa, xb):  # type: ignore[arg-type]
            return f"different {name}"
    if not pin:
        classes = ea["kclasses"] | eb["kclasses"]  # type: ignore[operator]
        if len(classes) > 1:
            return "different types: " + " / ".join(sorted(classes))
        if _disjoint(ea["pages"], eb["pages"]):  # type: ignore[arg-type]
            return "different pages"
    if not _years_ok(a, b):
        return "years too far apart"
    # A complete author list must share somebody with everyone named on the other side.
    if a.complete and b.families and a.complete.isdisjoint(b.families):
        return "different authors"
    if b.complete and a.families and b.complete.isdisjoint(a.families):
        return "different authors"
    if a.complete and b.complete and len(a.complete & b.complete) * 2 < min(len(a.complete), len(b.complete)):
        return "different authors"
    given = _given_conflict(a, b)
    if given:
        return given
    if evidence == "fuzzy" and (a.numbers != b.numbers or a.markers != b.markers):
        return "different numbers or parts in the titles"
    return ""


def _compatible(a: _Group, b: _Group, evidence: str, policy: DedupePolicy) -> bool:
    """May two clusters merge on ``evidence``? False on any contradiction (see :func:`_refusal`)."""
    return not _refusal(a, b, evidence, policy)


def _corroborated(a: _Group, b: _Group, strict: bool, generic: bool = False) -> bool:
    """A second signal: the same abstract, an author, venue or source line in common (or, unless strict, the year).

    When both sides carry abstracts, only the abstracts count: copies of one
    work scraped from different pages share the abstract, so two different
    abstracts say "different works" louder than a common family name, venue or
    year says "same" (``Introduction`` in *Nature*, by two people named Wang).
    Likewise two complete author lists must name the same families.

    A ``generic`` title (:data:`GENERIC_TITLES`: ``Editorial``, ``Reply``,
    ``Erratum``…) names a kind of text, not a work: journals print one in
    every issue and one person writes many. Without agreeing abstracts only
    the same complete author list in the same venue and year confirms it.
    """
    if a.abstracts and b.abstracts:
        # Both sides carry abstracts: they decide. A family name in common is
        # weak (Wang, Li, Smith), and copies of one work share the abstract.
        return _abstracts_agree(a, b)
    if generic:
        return bool(a.complete) and a.complete == b.complete and bool(a.years & b.years) and bool(
            a.containers & b.containers or a.venues & b.venues
        )
    if a.complete and b.complete and a.complete != b.complete:
        return False  # two complete author lists that differ: two works that share a name at most
    if not a.families.isdisjoint(b.families) or a.containers & b.containers or a.venues & b.venues:
        return True
    return not strict and bool(a.years & b.years)


def _may_merge(
    fa: _Features, fb: _Features, a: _Group, b: _Group, evidence: str, policy: DedupePolicy, pin: bool = False
) -> bool:
    """May two clusters (``a`` holding record ``fa``, ``b`` holding ``fb``) merge on ``evidence``? See :func:`_why_not`."""
    return not _why_not(fa, fb, a, b, evidence, policy, pin)


def _why_not(
    fa: _Features, fb: _Features, a: _Group, b: _Group, evidence: str, policy: DedupePolicy, pin: bool = False
) -> str:
    """Why two clusters may not merge on ``evidence``, else ``""``.

    No contradiction (:func:`_refusal`), and for a short title or a fuzzy
    match a second signal: the one rule for the dedupe and for matching
    pinned entries. With ``pin`` (``b`` is an entry of the target file) a
    generic title takes the ordinary short-title rule: the pinned entry is
    this work as bibgen wrote it before, often without the year and venue the
    generic rule asks for, and must keep its key.
    """
    why = _refusal(a, b, evidence, policy, pin)
    if why:
        return why
    if evidence == "title" and (fa.short or fb.short):
        if not _corroborated(a, b, False, not pin and (fa.generic or fb.generic)):
            return "short or generic title without a second signal (author, venue, year or abstract)"
    if evidence in ("fuzzy", "edited") and not _corroborated(a, b, True):
        return "similar title without a second signal (author, venue or abstract)"
    return ""


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


# ---------------------------------------------------------------- fuzzy titles


def _negation_pair(x: str, y: str) -> bool:
    short, long_ = (x, y) if len(x) <= len(y) else (y, x)
    return any(long_ == p + short for p in _NEGATIONS)


def _is_typo(x: str, y: str) -> bool:
    return (
        min(len(x), len(y)) >= 4
        and not x.isdigit()
        and not y.isdigit()
        and OSA.distance(x, y, score_cutoff=1) <= 1
        and not _negation_pair(x, y)
    )


def _typo_words(a: _Features, b: _Features) -> bool:
    """Does every significant word that differs pair up with a one-letter typo of it?

    A function word may be the misspelt one (``towads`` for ``towards``), so
    typo pairs are found among all differing words first; what is left over
    must be function words only (``for`` against ``of``).
    """
    ca, cb = Counter(a.tokens), Counter(b.tokens)
    da = sorted((ca - cb).elements())
    db = sorted((cb - ca).elements())
    typos = 0
    for x in list(da):
        match = next((y for y in db if _is_typo(x, y)), None)
        if match is not None:
            da.remove(x)
            db.remove(match)
            typos += 1
    if typos > 2:
        return False
    return all(t in FUNCTION_WORDS for t in da) and all(t in FUNCTION_WORDS for t in db) and len(da) == len(db)


def fuzzy_score(a: _Features, b: _Features, threshold: float) -> float:
    """The similarity of two titles if they may be one work by fuzzy rules, else 0."""
    if not (a.fuzzy and b.fuzzy) or a.numbers != b.numbers or a.markers != b.markers:
        return 0.0
    score = fuzz.ratio(a.norm, b.norm, score_cutoff=threshold * 100) / 100
    if not score or not _typo_words(a, b):
        return 0.0
    return round(score, 4)


def edited_score(a: _Features, b: _Features) -> float:
    """How sure it is that title ``b`` became title ``a`` by an edit (one extends the other, or 85% alike), else 0.

    Numbers and part markers must be equal (``Gemma`` never becomes ``Gemma 2``).
    """
    if a.numbers != b.numbers or a.markers != b.markers or not a.tokens or not b.tokens:
        return 0.0
    short, long_ = (a.tokens, b.tokens) if len(a.tokens) <= len(b.tokens) else (b.tokens, a.tokens)
    if len(short) >= 3 and long_[: len(short)] == short:
        return 0.85
    score = fuzz.ratio(a.norm, b.norm, score_cutoff=85)
    return round(score / 100, 4) if score else 0.0


def _block_keys(f: _Features) -> tuple[tuple[str, ...], ...]:
    return _block_keys_of(f.sig)


@lru_cache(maxsize=262144)
def _block_keys_of(sig: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The sorted distinct words, and each with one word left out.

    A title with one word left out meets the whole of a title that lacks that
    word: a typo in a function word (``wihtout``) makes it significant on one
    side only.
    """
    words = tuple(sorted(set(sig)))
    if len(words) < FUZZY_MIN_WORDS:
        return (words,)
    return (words, *(words[:i] + words[i + 1 :] for i in range(len(words))))


def _candidate_pairs(feats: Sequence[_Features], group_of: callable) -> set[tuple[int, int]]:  # type: ignore[valid-type]
    """Pairs of records (by index) in different clusters that share a blocking key."""
    # One representative per distinct title and cluster, the first in content
    # order (ties: input order), keeps buckets of exact duplicates cheap. Copies
    # of one title share every block, so choosing before blocking picks the same
    # representative a choice inside each block would, without blocking the copies.
    rep: dict[tuple[int, str], _Features] = {}
    for f in feats:
        if f.fuzzy:
            k = (group_of(f.index), f.norm)
            cur = rep.get(k)
            if cur is None or f.order < cur.order:
                rep[k] = f
    blocks: dict[tuple[str, ...], list[_Features]] = {}
    for f in rep.values():
        for k in _block_keys(f):
            blocks.setdefault(k, []).append(f)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) < 2:
            continue
        reps = sorted(members, key=lambda f: (f.order, f.index))
        if len(reps) <= _BLOCK_ALL_PAIRS:
            for i, x in enumerate(reps):
                for y in reps[i + 1 :]:
                    pairs.add((x.index, y.index) if x.order <= y.order else (y.index, x.index))
        else:
            reps.sort(key=lambda f: (f.norm, f.order))
            for i, x in enumerate(reps):
                for y in reps[i + 1 : i + 1 + _BLOCK_WINDOW]:
                    pairs.add((x.index, y.index) if x.order <= y.order else (y.index, x.index))
    return pairs


# ---------------------------------------------------------------- clustering


class _Clusters:
    def __init__(self, feats: Sequence[_Features], policy: DedupePolicy) -> None:
        self.feats = feats
        self.policy = policy
        self.parent = list(range(len(feats)))
        # Cluster summaries by root, made when a record first meets a candidate:
        # a record alone is its own root, so a late summary equals an early one.
        self.groups: dict[int, _Group] = {}
        # Near pairs refused, by record indices (first refusal of a pair wins): see refusals().
        self.refused: dict[tuple[int, int], tuple[str, str]] = {}
        self._refused_of: dict[int, int] = {}

    def group(self, root: int) -> _Group:
        g = self.groups.get(root)
        if g is None:
            g = self.groups[root] = _Group(self.feats[root])
        return g

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def try_union(self, i: int, j: int, evidence: str, score: float = 1.0) -> bool:
        ri, rj = self.find(i), self.find(j)
        if ri == rj:
            return False
        gi, gj = self.group(ri), self.group(rj)
        why = _why_not(self.feats[i], self.feats[j], gi, gj, evidence, self.policy)
        if why:
            later = max(i, j)
            n = self._refused_of.get(later, 0)
            if n < _REFUSALS_PER_RECORD:
                self._refused_of[later] = n + 1
                self.refused.setdefault((min(i, j), later), (evidence, why))
            return False
        if gi.size < gj.size:
            ri, rj, gi, gj = rj, ri, gj, gi
        self.parent[rj] = ri
        gi.absorb(gj)
        del self.groups[rj]
        gi.links.append(Link(self.feats[i].entry.origin, self.feats[j].entry.origin, evidence, score))
        return True

    def exact(self, evidence: str, key_of: callable) -> None:  # type: ignore[valid-type]
        index: dict[str, list[_Features]] = {}
        for f in self.feats:
            k = key_of(f)
            if k:
                index.setdefault(k, []).append(f)
        for k in sorted(index):
            members = index[k]
            if len(members) > 1:
                self._join_bucket(sorted(members, key=lambda f: f.order), evidence)

    def _join_bucket(self, members: list[_Features], evidence: str) -> None:
        """Each member joins the first earlier member's cluster that accepts it.

        Clusters are tried in the order of their first member. A big bucket
        (``Introduction`` a thousand times) would try every earlier cluster
        for every member; there a short title, which needs a second signal,
        only tries the clusters of members that share one (:func:`_signals`),
        so the cost stays linear and the decisions stay the same.
        """
        narrow = len(members) > _BLOCK_ALL_PAIRS
        first: dict[int, int] = {}  # live root of earlier members' clusters -> position of its first member
        holders: dict[tuple[str, object], list[int]] = {}  # second signal -> positions of members with it
        # Live roots of clusters without a DOI (without an arXiv id): on title
        # evidence a record with a DOI can only join one of those (a cluster
        # with another DOI is a contradiction, one with its DOI it met already),
        # so records that share everything but the DOI stay linear.
        no_doi: set[int] = set()
        no_arxiv: set[int] = set()
        by_id = narrow and evidence not in IDENTIFIERS
        recent: list[int] = []  # positions of the members that started a cluster, in order
        for n, f in enumerate(members):
            signals = _signals(f) if narrow else ()
            rf = self.find(f.index)
            if rf not in first:
                if narrow and f.short:
                    roots = {self.find(members[p].index) for s in signals for p in holders.get(s, ())}
                    if by_id and f.doi:
                        roots &= no_doi
                    if by_id and f.arxiv:
                        roots &= no_arxiv
                elif narrow:
                    # The nearest earlier clusters in content order, at most
                    # _BUCKET_TRIES, that do not contradict the record's identifiers.
                    roots = set()
                    for p in islice(reversed(recent), 4 * _BUCKET_TRIES):
                        r = self.find(members[p].index)
                        if first.get(r) != p or (by_id and ((f.doi and r not in no_doi) or (f.arxiv and r not in no_arxiv))):
                            continue
                        roots.add(r)
                        if len(roots) == _BUCKET_TRIES:
                            break
                else:
                    roots = set(first)
                tries = sorted(roots, key=first.__getitem__)
                for r in tries:
                    if self.try_union(members[first[r]].index, f.index, evidence):
                        root = self.find(f.index)
                        first[root] = first.pop(r)
                        if by_id:
                            g = self.group(root)
                            for ids, bucket in ((g.dois, no_doi), (g.arxivs, no_arxiv)):
                                had = r in bucket
                                bucket.discard(r)
                                if had and not ids:
                                    bucket.add(root)
                        break
                else:
                    first[rf] = n
                    recent.append(n)
                    if by_id:
                        g = self.group(rf)
                        if not g.dois:
                            no_doi.add(rf)
                        if not g.arxivs:
                            no_arxiv.add(rf)
            for s in signals:
                holders.setdefault(s, []).append(n)

    def fuzzy(self) -> None:
        pairs = _candidate_pairs(self.feats, self.find)
        scored = []
        feats = self.feats
        for i, j in pairs:
            if feats[i].tkey == feats[j].tkey:
                continue  # one title key: the exact pass decided (and fuzzy evidence is weaker)
            s = fuzzy_score(feats[i], feats[j], self.policy.threshold)
            if s:
                scored.append((-s, self.feats[i].order, self.feats[j].order, i, j))
        scored.sort()
        for neg, _, _, i, j in scored:
            self.try_union(i, j, "fuzzy", -neg)


def cluster(entries: Sequence[Entry], policy: DedupePolicy = DedupePolicy()) -> list[list[int]]:
    """Indices of ``entries`` grouped by work; groups and members in input order."""
    feats = [_Features(i, e) for i, e in enumerate(entries)]
    return _run(feats, policy)[0]


def _run(feats: Sequence[_Features], policy: DedupePolicy) -> tuple[list[list[int]], _Clusters]:
    c = _Clusters(feats, policy)
    c.exact("doi", lambda f: f.doi)
    c.exact("arxiv", lambda f: f.arxiv)
    c.exact("title", lambda f: f.tkey)
    if policy.fuzzy:
        c.fuzzy()
    groups: dict[int, list[int]] = {}
    for i in range(len(feats)):
        groups.setdefault(c.find(i), []).append(i)
    return sorted(groups.values()), c


def _refusals(feats: Sequence[_Features], c: _Clusters) -> tuple[Refusal, ...]:
    """The refused near pairs whose records did not end in one cluster anyway, sorted."""
    out = []
    for (i, j), (evidence, why) in c.refused.items():
        if c.find(i) != c.find(j):
            a, b = feats[i].entry, feats[j].entry
            if b.origin < a.origin:
                a, b = b, a
            out.append(Refusal(a.origin, b.origin, evidence, why, (a.title, b.title)))
    out.sort(key=lambda r: (r.a.path, r.a.line, r.a.column, r.b.path, r.b.line, r.b.column, r.evidence))
    return tuple(out)


def dedupe(entries: Sequence[Entry], diagnostics: Diagnostics, policy: DedupePolicy = DedupePolicy()) -> DedupeResult:
    """Merge records of the same work; ``entries`` must be in sorted-source order."""
    feats = [_Features(i, e) for i, e in enumerate(entries)]
    groups, state = _run(feats, policy)
    refused = _refusals(feats, state)
    for r in refused:
        if r.evidence in IDENTIFIERS:
            diagnostics.warn(f"not merged with the record at {r.a}: {r.reason} ({r.titles[0]!r} / {r.titles[1]!r})", r.b)
    out: list[Entry] = []
    clusters: list[Cluster] = []
    for idx in groups:
        members = [entries[i] for i in idx]
        if len(members) == 1:
            out.append(members[0])
            continue
        out.append(merge(members, diagnostics))
        links = tuple(sorted(state.group(state.find(idx[0])).links, key=lambda l: (l.b, l.a)))
        used = sorted({l.reason for l in links}, key=_STRENGTH.__getitem__)
        clusters.append(
            Cluster(
                members=tuple(m.origin for m in members),
                reason="+".join(used),
                score=min(l.score for l in links),
                titles=tuple(m.title for m in members),
                links=links,
            )
        )
    return DedupeResult(tuple(out), tuple(clusters), refused)


# ---------------------------------------------------------------- pinned keys


@dataclass(frozen=True, slots=True)
class PinMatch:
    """Entry ``entry`` (an index) is the same work as pinned entry ``pinned`` (an index)."""

    entry: int
    pinned: int
    reason: str
    score: float = 1.0


def member_records(merged: Sequence[Entry], records: Sequence[Entry]) -> dict[int, list[Entry]]:
    """For each merged entry made of several records: those records.

    A merged entry keeps one value of each field (the merge rules decide
    which, and renaming a file can change that); pin matching compares a
    pinned entry with what all the records say, as the dedupe did, so a pinned
    key does not depend on which record's identifier, year or title won.
    """
    by_origin = {r.origin: r for r in records}
    out: dict[int, list[Entry]] = {}
    for i, m in enumerate(merged):
        if len(m.origins) > 1:
            out[i] = [by_origin[o] for o in m.origins if o in by_origin]
    return out


def match_pinned(
    entries: Sequence[Entry],
    pinned: Sequence[Entry],
    policy: DedupePolicy = DedupePolicy(),
    members: Mapping[int, Sequence[Entry]] | None = None,
) -> list[PinMatch]:
    """Every (entry, pinned entry) pair that is one work by the same rules as :func:`dedupe`.

    Only pairs across the two lists are considered; the strongest evidence per
    pair is reported. ``members`` (from :func:`member_records`) gives the
    records an entry was merged from: their identifiers and title keys find
    pinned entries too, and what they say (years, types, author lists) is
    what a pinned entry must agree with. Sorted by entry, then evidence
    strength, score and pinned order.
    """
    if not entries or not pinned:
        return []
    ef = [_Features(i, e) for i, e in enumerate(entries)]
    pf = [_Features(i, e) for i, e in enumerate(pinned)]
    eg = [_Group(f) for f in ef]
    pg = [_Group(f) for f in pf]
    lookup: dict[int, list[_Features]] = {}
    for i, records in (members or {}).items():
        feats = [_Features(i, r) for r in records]
        for f in feats:
            eg[i].absorb(_Group(f))
        lookup[i] = [ef[i], *feats]
    found: dict[tuple[int, int], tuple[str, float]] = {}

    def consider(i: int, j: int, evidence: str, score: float = 1.0) -> None:
        if (i, j) in found:
            return
        if _may_merge(ef[i], pf[j], eg[i], pg[j], evidence, policy, pin=True):
            found[(i, j)] = (evidence, score)

    for evidence, attr in (("doi", "doi"), ("arxiv", "arxiv"), ("title", "tkey")):
        index: dict[str, list[int]] = {}
        for f in pf:
            k = getattr(f, attr)
            if k:
                index.setdefault(k, []).append(f.index)
        for f in ef:
            keys = {k for g in lookup.get(f.index, (f,)) if (k := getattr(g, attr))}
            for k in sorted(keys):
                for j in index.get(k, ()):
                    consider(f.index, j, evidence)
    if policy.fuzzy:
        blocks: dict[tuple[str, ...], list[int]] = {}
        for f in pf:
            if f.fuzzy:
                for k in _block_keys(f):
                    blocks.setdefault(k, []).append(f.index)
        for f in ef:
            if not f.fuzzy:
                continue
            cands = {j for k in _block_keys(f) for j in blocks.get(k, ())[:_BLOCK_ALL_PAIRS]}
            for j in sorted(cands):
                if (f.index, j) not in found:
                    s = fuzzy_score(f, pf[j], policy.threshold)
                    if s:
                        consider(f.index, j, "fuzzy", s)
    # A pinned entry nothing matched may be a title the user edited since
    # (extended, a typo fixed): the same first author and year, a title that
    # extends the other or is 85% the same, the same numbers and parts.
    done_e = {i for i, _ in found}
    done_p = {j for _, j in found}
    by_author: dict[tuple[str, object], list[int]] = {}
    for f in pf:
        if f.index not in done_p and f.first and f.year and f.plain_key:
            by_author.setdefault((f.first, f.year), []).append(f.index)
    for f in ef:
        if f.index in done_e or not (f.first and f.year and f.plain_key):
            continue
        for j in by_author.get((f.first, f.year), ())[:_BLOCK_ALL_PAIRS]:
            s = edited_score(f, pf[j])
            if s and not _why_not(f, pf[j], eg[f.index], pg[j], "edited", policy, pin=True):
                found[(f.index, j)] = ("edited", s)
    return sorted(
        (PinMatch(i, j, r, s) for (i, j), (r, s) in found.items()),
        key=lambda m: (m.entry, _STRENGTH[m.reason], -m.score, m.pinned),
    )


def pin_affinity(entry: Entry, pinned: Entry) -> tuple[int, ...]:
    """How closely an entry resembles a pinned entry it matches; higher is closer.

    Breaks ties between matches of equal evidence: when several works share a
    title (kept apart by author lists or identifiers), each pinned key goes to
    the entry that names the same people and values, not to whichever entry
    sorts first. Counts: the same author families in the same order, authors in
    common, the same title as written, then the same year, venue, DOI and arXiv id.
    """
    fa = [person_family(p) for p in entry.authors]
    fb = [person_family(p) for p in pinned.authors]
    shared = len(set(fa) & set(fb))
    same_values = sum(
        1 for name in ("year", "container", "doi", "eprint") if entry.get(name) and entry.get(name) == pinned.get(name)
    )
    return (int(fa == fb), shared - len(set(fa) ^ set(fb)), int(fold(entry.title) == fold(pinned.title)), same_values)


# ---------------------------------------------------------------- merging

# Higher wins when merged records disagree on the type: a published version
# beats a preprint, which beats an untyped record.
_KIND_RANK = {
    EntryKind.MISC: 0,
    EntryKind.ONLINE: 1,
    EntryKind.NEWS: 1,
    EntryKind.PREPRINT: 2,
    EntryKind.REPORT: 3,
    EntryKind.THESIS: 3,
    EntryKind.INCOLLECTION: 4,
    EntryKind.BOOK: 4,
    EntryKind.INPROCEEDINGS: 4,
    EntryKind.ARTICLE: 4,
}
# Fields that belong to the winning (published) version, taken together from
# the record whose kind wins; others fill them only where it has none.
_VENUE_FIELDS = ("container", "howpublished", "venue", "publisher", "volume", "number", "pages", "year", "month", "day", "doi")
# A date comes whole from one record: never the year of one version and the day of another.
_DATE_FIELDS = ("year", "month", "day")
# Fields that describe the preprint and are kept from whichever record has them.
_PREPRINT_FIELDS = ("eprint", "eprinttype", "eprintclass")


@lru_cache(maxsize=65536)  # the same people recur across a corpus
def person_id(p: Person) -> tuple[str, str]:
    """Who a person is for merging: folded family name and first initial."""
    if p.literal:
        return (fold(p.literal), "")
    return (fold(p.last), fold(p.given)[:1])


def merge_people(lists: Iterable[tuple[Person, ...]]) -> tuple[Person, ...]:
    """Union in first-seen order; a fuller given name replaces an initial."""
    out: list[Person] = []
    where: dict[tuple[str, str], int] = {}
    for people in lists:
        for p in people:
            pid = person_id(p)
            if pid in where:
                k = where[pid]
                if len(p.given) > len(out[k].given):
                    out[k] = p
                continue
            where[pid] = len(out)
            out.append(p)
    return tuple(out)


def merge(members: Sequence[Entry], diagnostics: Diagnostics) -> Entry:
    """One entry from records of one work, given in sorted-source order.

    Rules, in order:

    - the published kind wins (article, proceedings paper, book, … over report
      over preprint over web page or misc) and brings its venue, volume, pages,
      date and DOI; other records only fill what it lacks, except the date,
      which comes whole from one record (the published one when it has a year);
      a preprint's differing date becomes ``origdate``;
    - arXiv fields (``eprint``, ``eprinttype``, ``eprintclass``) are kept from
      whichever record has them; an arXiv DOI on a published entry becomes its eprint;
    - the title most records agree on wins (ties: the winning record's, then the earliest);
    - the longer abstract wins; keywords are united;
    - people: the lead's complete list (else the first complete one) as it is,
      with fuller given names from other records for the same people; only
      partial lists (author pages) are united (:func:`_merge_role`);
    - any other field: the earliest source wins, and when another source
      disagrees a warning names both sources;
    - the most authoritative key stays the key (a ``.bib`` key over a YAML or
      CSL-JSON id; among equals the earliest source), the others become aliases.
    """
    lead = max(members, key=lambda e: _KIND_RANK[e.kind])  # max keeps the first of equals
    fields: dict[str, str] = {}
    source: dict[str, Origin] = {}
    for name in _VENUE_FIELDS:
        if name in lead.fields:
            fields[name] = lead.fields[name]
            source[name] = lead.origin
    dated = lead if "year" in lead.fields else next((m for m in members if "year" in m.fields), None)
    if dated is not None and dated is not lead:
        for name in _DATE_FIELDS:
            if name in dated.fields:
                fields[name] = dated.fields[name]
                source[name] = dated.origin
    if dated is not None and lead.kind is not EntryKind.PREPRINT:
        pre = next((m for m in members if _KIND_RANK[m.kind] <= _KIND_RANK[EntryKind.PREPRINT] and m is not dated
                    and "year" in m.fields and ("eprint" in m.fields or m.kind is EntryKind.PREPRINT)), None)
        if pre is not None and _date_of(pre) != _date_of(dated) and "origdate" not in fields:
            fields["origdate"] = _date_of(pre)  # biblatex's origdate, CSL's original-date
    for m in members:
        for name, value in m.fields.items():
            if name == "title" or (name in _DATE_FIELDS and dated is not None):
                continue
            if name not in fields:
                fields[name] = value
                source[name] = m.origin
            elif name in _VENUE_FIELDS and source[name] == lead.origin and m is not lead:
                if _KIND_RANK[m.kind] == _KIND_RANK[lead.kind] and _differ(value, fields[name], name):
                    _conflict(diagnostics, name, fields[name], source[name], value, m.origin)
            elif name == "abstract":
                if len(value) > len(fields[name]):
                    fields[name] = value
                    source[name] = m.origin
            elif name in _PREPRINT_FIELDS or name in ("keywords", "url", "venue"):
                continue
            elif _differ(value, fields[name], name):
                _conflict(diagnostics, name, fields[name], source[name], value, m.origin)
    titles: dict[str, int] = {}  # counts in first-seen order (what Counter does, without its overhead)
    for m in members:
        if m.title:
            titles[m.title] = titles.get(m.title, 0) + 1
    if titles:
        best = max(titles.values())
        tied = [t for t in titles if titles[t] == best]
        fields["title"] = lead.title if lead.title in tied else next(m.title for m in members if m.title in tied)
    arxiv_doi = arxiv_from_doi(fields["doi"]) if "doi" in fields else ""
    if arxiv_doi and lead.kind is not EntryKind.PREPRINT:
        del fields["doi"]
        if "eprint" not in fields:
            fields["eprint"], fields["eprinttype"] = arxiv_doi, "arxiv"
    keywords = _merge_keywords(m.get("keywords") for m in members)
    if keywords:
        fields["keywords"] = keywords
    roles = sorted({r for m in members for r in m.people})
    people = {r: _merge_role(r, lead, members) for r in roles}
    partial = frozenset(r for r in roles if all(r in m.partial or r not in m.people for m in members))
    origins = tuple(sorted({o for m in members for o in m.origins}))
    keys = list(dict.fromkeys(a for m in members for a in (*((m.key,) if m.key else ()), *m.aliases)))
    # The most authoritative key survives: one written in a .bib, then a YAML or
    # CSL-JSON id; among equals the earliest source. The others stay as aliases.
    keyed = [m for m in members if m.key]
    key = max(keyed, key=_key_authority).key if keyed else ""
    return Entry(
        kind=lead.kind,
        fields=Fields(fields),
        people=people,
        origin=members[0].origin,
        key=key,
        partial=partial,
        origins=origins,
        aliases=tuple(k for k in keys if k != key),
        nocase=tuple(dict.fromkeys(n for m in members for n in m.nocase)),
    )


def _key_authority(e: Entry) -> int:
    path = e.origin.path
    return _KEY_AUTHORITY.get(path[path.rfind("."):].lower(), 1) if "." in path else 1


def _date_of(e: Entry) -> str:
    """``2019``, ``2019-10`` or ``2019-10-11`` from a record's year, month and day."""
    f = e.fields
    parts = [f.get("year", "")]
    month = normalize_number(f.get("month", "")) if f.get("month") else ""
    month = month if month.isdigit() else _MONTH_NUMBER.get(f.get("month", "").lower()[:3], "")
    if month:
        parts.append(month.zfill(2))
        day = f.get("day", "")
        if day.isdigit():
            parts.append(day.zfill(2))
    return "-".join(parts)


_MONTH_NUMBER = {m: str(i) for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


def _merge_role(role: str, lead: Entry, members: Sequence[Entry]) -> tuple[Person, ...]:
    """One list of people for ``role``: never a union of two complete lists.

    A complete list (one a .bib or YAML record gives) is the list: the lead's
    (the published version's) when it has one, else the earliest. Other lists
    only lend fuller given names to the same people (same family name and
    initial). Without a complete list the partial lists (author pages, each
    knowing some of the authors) are united in sorted-source order.
    """
    complete = [m for m in members if role in m.people and role not in m.partial]
    if not complete:
        return merge_people(m.people.get(role, ()) for m in members)
    base = lead if lead in complete else complete[0]
    out = list(base.people[role])
    where = {person_id(p): k for k, p in enumerate(out)}
    for m in members:
        for p in m.people.get(role, ()):
            k = where.get(person_id(p))
            if k is not None and len(p.given) > len(out[k].given) and _given_ok(fold(out[k].given), fold(p.given)):
                out[k] = p
    return tuple(out)


def _differ(a: str, b: str, name: str) -> bool:
    """Do two values of field ``name`` differ beyond case and accents (for a DOI: beyond its spelling)?

    Most merged values are equal: no folding then.
    """
    if a == b or fold(a) == fold(b):
        return False
    if name == "pages":
        from bibgen.validate import same_pages

        return not same_pages(a, b)  # 770-778 and 770--778 are one range
    return name != "doi" or normalize_doi(a) != normalize_doi(b)


def _conflict(diagnostics: Diagnostics, name: str, kept: str, kept_from: Origin, other: str, other_from: Origin) -> None:
    diagnostics.warn(f"conflicting {name}: kept {kept!r} from {kept_from}, not {other!r} from {other_from}", other_from)


def _merge_keywords(values: Iterable[str]) -> str:
    seen: dict[str, str] = {}
    for value in values:
        for kw in (value or "").split(";"):
            kw = kw.strip()
            if kw:
                seen.setdefault(fold(kw), kw)
    return "; ".join(seen.values())


# ---------------------------------------------------------------- reporting


def find_duplicates(
    entries: Sequence[Entry], policy: DedupePolicy = DedupePolicy(), diagnostics: Diagnostics | None = None
) -> tuple[Cluster, ...]:
    """The clusters of records that are one work (what ``bibgen duplicates`` reports)."""
    ordered = sorted(entries, key=lambda e: e.origin)
    return dedupe(ordered, diagnostics or Diagnostics(), policy).clusters


def format_clusters(clusters: Sequence[Cluster]) -> str:
    """A plain-text report: one block per cluster with its reason, score and members (file:line).

    >>> c = Cluster((Origin("a.txt", 3), Origin("b.txt", 9)), "title", 1.0, ("Gemma", "GEMMA"))
    >>> print(format_clusters([c]), end="")
    cluster 1: 2 records, reason title, score 1.00
      a.txt:3:1  Gemma
      b.txt:9:1  GEMMA
    """
    lines: list[str] = []
    for n, c in enumerate(clusters, 1):
        key = f", key {c.key}" if c.key else ""
        lines.append(f"cluster {n}: {len(c.members)} records, reason {c.reason}, score {c.score:.2f}{key}")
        titles = c.titles or ("",) * len(c.members)
        for origin, title in zip(c.members, titles):
            lines.append(f"  {origin}  {title}".rstrip())
    return "\n".join(lines) + ("\n" if lines else "")


def format_refusals(refused: Sequence[Refusal]) -> str:
    """A plain-text report of the near pairs that were not merged, each with its evidence and reason.

    >>> r = Refusal(Origin("a.bib", 3), Origin("b.bib", 9), "title", "different types: article / report", ("X", "X"))
    >>> print(format_refusals([r]), end="")
    not merged 1: same title, but different types: article / report
      a.bib:3:1  X
      b.bib:9:1  X
    """
    lines: list[str] = []
    for n, r in enumerate(refused, 1):
        why = r.reason if r.reason.startswith("same ") else f"same {r.evidence}, but {r.reason}"
        lines.append(f"not merged {n}: {why}")
        for origin, title in zip((r.a, r.b), r.titles):
            lines.append(f"  {origin}  {title}".rstrip())
    return "\n".join(lines) + ("\n" if lines else "")
