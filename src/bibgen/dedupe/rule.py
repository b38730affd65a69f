"""The same-work rule, in one place: may two groups of records merge on a piece of evidence, and if not, why not.

:func:`_refusal` finds contradictions (different identifiers, years, numbers
in the title, given names...), :func:`_why_not` asks for a second signal
where the evidence alone is weak; fuzzy titles count only as one-letter typos
(:func:`fuzzy_score`). The dedupe and pin matching both decide here.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from itertools import islice

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from bibgen.dedupe.result import Link
from bibgen.dedupe.signals import IDENTIFIERS, _Features
from bibgen.normalize import (
    FUNCTION_WORDS,
)
from bibgen.options import DedupePolicy

# Prefixes that turn a word into its opposite: never a typo.
_NEGATIONS = ("non", "un", "in", "im", "ir", "il", "dis", "anti", "de", "semi", "self", "multi", "sub", "super", "re", "pre", "post")


class _Group:
    """The running summary of one cluster: what any new member must agree with.

    Made for a record when it first meets a candidate (nearly always to be
    checked at once), so everything a rule check reads is made here; only the
    abstracts, title markers and user keys, which few checks read, wait for
    their first use.
    """

    __slots__ = (
        "size", "dois", "arxivs", "years", "editions", "volumes", "issues", "titles", "families", "complete",
        "numbers", "_markers", "containers", "venues", "_members", "_abstracts", "preprint", "links",
        "pmids", "isbns", "pages", "kclasses", "givens", "sigs", "keyed", "_filekeys", "_own_givens",
    )

    def __init__(self, f: _Features) -> None:
        year = f.year  # (fills all of the record's rule features at once: signals._Features._fill_rule)
        self.size = 1
        self.dois = {f.doi} if f.doi else _NONE
        self.arxivs = {f.arxiv} if f.arxiv else _NONE
        self.years = {year} if year else _NONE
        self.editions = {f.edition} if f.edition else _NONE
        self.volumes = {f.volume} if f.volume else _NONE
        self.issues = {f.issue} if f.issue else _NONE
        plain_key = f.plain_key
        self.titles = {plain_key} if plain_key else _NONE
        self.numbers = {f.numbers} if plain_key else _NONE
        self.sigs = [f] if plain_key else []
        families = f.families
        self.families = families  # (a frozenset: shared until absorb/add makes a new one)
        self.complete = families if f.complete else _NONE
        self._markers: set[tuple[str, ...]] | None = None  # only fuzzy matches compare them
        self.containers = {f.container} if f.container else _NONE
        self.venues = {f.venue} if f.venue else _NONE
        self.pmids = {f.pmid} if f.pmid else _NONE
        self.isbns = {f.isbn} if f.isbn else _NONE
        self.pages = {f.pages} if f.pages else _NONE
        self.kclasses = {f.kclass} if f.kclass else _NONE
        givens = f.givens
        self.givens = givens  # the record's own, shared until a member is added (then copied: _own_givens)
        # Abstracts are normalised only when a short or fuzzy title asks for them.
        self._members = [f]
        self._abstracts: list[str] | None = None
        self.preprint = f.preprint
        self.links: list[Link] = []
        # Does any member carry a key the user wrote? Only then are filekeys made (see _within_file).
        self.keyed = bool(f.entry.key)
        self._filekeys: list[tuple[str, str, tuple[object, ...]]] | None = None
        self._own_givens = False

    @property
    def extra(self) -> dict[str, object]:
        """Identifiers, pages, kind classes, given names and titled members, by name (for tests and debugging)."""
        return {
            "pmids": self.pmids, "isbns": self.isbns, "pages": self.pages, "kclasses": self.kclasses,
            "givens": {fam: set(gs) for fam, gs in self.givens.items()}, "sigs": self.sigs,
        }

    @property
    def filekeys(self) -> list[tuple[str, str, tuple[object, ...]]]:
        """``(file, folded key, content)`` of the members whose key the user wrote (made on first use)."""
        if self._filekeys is None:
            self._filekeys = [m.filekey for m in self._members if m.entry.key and m.filekey]
        return self._filekeys

    def absorb(self, other: _Group) -> None:
        self.size += other.size
        self.dois |= other.dois
        self.arxivs |= other.arxivs
        self.years |= other.years
        self.editions |= other.editions
        self.volumes |= other.volumes
        self.issues |= other.issues
        self.titles |= other.titles
        self.families |= other.families
        self.complete |= other.complete
        self.numbers |= other.numbers
        self.containers |= other.containers
        self.venues |= other.venues
        self.pmids |= other.pmids
        self.isbns |= other.isbns
        self.pages |= other.pages
        self.kclasses |= other.kclasses
        if other.givens:
            _add_givens(self._givens_to_change(), other.givens)
        self.sigs.extend(other.sigs)
        self._members.extend(other._members)
        self._abstracts = None
        self._markers = None
        self.preprint = self.preprint or other.preprint
        self.links.extend(other.links)
        self.keyed = self.keyed or other.keyed
        if self._filekeys is not None and other._filekeys is not None:
            self._filekeys.extend(other._filekeys)
        else:
            self._filekeys = None

    def add(self, f: _Features) -> None:
        """``self.absorb(_Group(f))`` for a record alone in its cluster, without making its summary."""
        year = f.year  # (fills the record's rule features)
        self.size += 1
        if f.doi:
            self.dois = _plus(self.dois, f.doi)
        if f.arxiv:
            self.arxivs = _plus(self.arxivs, f.arxiv)
        if year:
            self.years = _plus(self.years, year)
        if f.edition:
            self.editions = _plus(self.editions, f.edition)
        if f.volume:
            self.volumes = _plus(self.volumes, f.volume)
        if f.issue:
            self.issues = _plus(self.issues, f.issue)
        if f.plain_key:
            self.titles = _plus(self.titles, f.plain_key)
            self.numbers = _plus(self.numbers, f.numbers)
            self.sigs.append(f)
        self.families |= f.families
        if f.complete:
            self.complete |= f.families
        if f.container:
            self.containers = _plus(self.containers, f.container)
        if f.venue:
            self.venues = _plus(self.venues, f.venue)
        if f.pmid:
            self.pmids = _plus(self.pmids, f.pmid)
        if f.isbn:
            self.isbns = _plus(self.isbns, f.isbn)
        if f.pages:
            self.pages = _plus(self.pages, f.pages)
        if f.kclass:
            self.kclasses = _plus(self.kclasses, f.kclass)
        if f.givens:
            _add_givens(self._givens_to_change(), f.givens)
        self._members.append(f)
        self._abstracts = None
        self._markers = None
        self.preprint = self.preprint or f.preprint
        self.keyed = self.keyed or bool(f.entry.key)
        self._filekeys = None  # (absorb drops them when the other side has not made its own)

    def _givens_to_change(self) -> dict[str, set[str]]:
        """This cluster's given names, copied from its first record's the first time they change."""
        if not self._own_givens:
            self.givens = {fam: set(gs) for fam, gs in self.givens.items()}
            self._own_givens = True
        return self.givens

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


# What a summary holds for a property none of its members has: one shared
# empty set (a cluster summary has a score of them, and most stay empty). The
# sets are never changed in place while shared: ``|=`` on a frozenset makes a
# new one, and _plus makes a set of the cluster's own.
_NONE: frozenset = frozenset()


def _plus(values: AbstractSet[object], value: object) -> set[object]:
    """``values`` with ``value`` added: in place when it is a set of this summary's own."""
    if type(values) is set:
        values.add(value)
        return values
    return {value, *values}


def _add_givens(givens: dict[str, set[str]], more: Mapping[str, Iterable[str]]) -> None:
    """Given names per family name: ``more``'s added to ``givens`` (each family's set copied, never shared)."""
    for fam, gs in more.items():
        mine = givens.get(fam)
        if mine is None:
            givens[fam] = set(gs)
        else:
            mine.update(gs)


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
    ga, gb = a.givens, b.givens
    if not ga or not gb:
        return ""
    for fam in sorted(ga.keys() & gb.keys()):
        xs, ys = ga[fam], gb[fam]
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
    sa, sb = a.sigs[:4], b.sigs[:4]
    return bool(sa) and bool(sb) and not any(_title_close(x, y) for x in sa for y in sb)


def _within_file(a: _Group, b: _Group) -> bool:
    """Do the two sides hold records of one file under different keys that are not exact copies?"""
    if not (a.keyed and b.keyed):
        return False
    fa, fb = a.filekeys, b.filekeys
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
    if evidence in IDENTIFIERS:
        for name, xa, xb in (("DOI", a.dois, b.dois), ("arXiv id", a.arxivs, b.arxivs),
                             ("PMID", a.pmids, b.pmids), ("ISBN", a.isbns, b.isbns)):
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
                         ("PMIDs", a.pmids, b.pmids), ("ISBNs", a.isbns, b.isbns),
                         ("editions", a.editions, b.editions), ("volumes", a.volumes, b.volumes),
                         ("numbers", a.issues, b.issues)):
        if _disjoint(xa, xb):  # type: ignore[arg-type]
            return f"different {name}"
    if not pin:
        classes = a.kclasses | b.kclasses
        if len(classes) > 1:
            return "different types: " + " / ".join(sorted(classes))
        if _disjoint(a.pages, b.pages):
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


def _joins_all(members: Sequence[_Features], policy: DedupePolicy) -> bool:
    """Is there nothing in these records (of one title key) that :func:`_why_not` could refuse on title evidence?

    A sufficient condition, checked record by record: no declared
    not-duplicates, no user key (the one-file rule), no short title (which
    needs a second signal), no complete author list (the author and
    given-name rules read only complete lists), and at most one value among
    all the records for each identifier, edition, volume, number, first page,
    kind class and year. Then any two groups of these records agree on
    everything the rule compares, so each record, alone in its cluster, joins
    the first one's cluster at its first try (:meth:`_Clusters._join_bucket`
    takes this shortcut).
    """
    if policy.not_duplicates:
        return False
    first: list[object] | None = None
    for f in members:
        if f.short or f.entry.key or f.complete:
            return False
        values = (f.doi, f.arxiv, f.pmid, f.isbn, f.edition, f.volume, f.issue, f.pages, f.kclass, f.year)
        if first is None:
            first = list(values)
            continue
        for n, v in enumerate(values):
            if v:
                seen = first[n]
                if not seen:
                    first[n] = v
                elif seen != v:
                    return False
    return True


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
    if not (a.fuzzy and b.fuzzy) or a.numbers != b.numbers:
        return 0.0
    # (The similarity first: it is one C call, and most pairs fail it before
    # their markers, made in Python on first use, are asked for.)
    score = fuzz.ratio(a.norm, b.norm, score_cutoff=threshold * 100) / 100
    if not score or a.markers != b.markers or not _typo_words(a, b):
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
