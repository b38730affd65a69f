"""Is a provider's record the same work as an entry? Scores, vetoes and the accept rule.

A candidate is scored on four kinds of evidence, each in [0, 1]:

* title: rapidfuzz ``ratio`` of the folded titles (punctuation and case
  ignored). A plain ratio, not a token-set ratio: "Gemma" must not match
  "Gemma 2: Improving Open Language Models".
* authors: the share of the entry's known surnames found among the record's.
* year: 1 for the same year, 0.6 one year apart (preprint and proceedings).
* venue: rapidfuzz ``token_set_ratio`` of the folded venue names.

The total is the weighted mean of the evidence both sides have
(:data:`WEIGHTS`). Some differences veto a candidate outright, whatever the
total: a title below :data:`MIN_TITLE`, different numbers or part markers in
the titles (Gemma 2 / Gemma 3, Part I / Part II), no author in common (or no
authors on the record when the entry has some), years
two or more apart, and short or generic titles ("Deep Learning",
"Introduction") without both an author in common and a second agreeing signal
(year or venue). An entry with neither authors nor year needs a long title that
matches almost exactly.

:func:`decide` accepts the best candidate only when its total reaches
``threshold`` and is at least ``margin`` ahead of the best candidate that is a
different record; otherwise the entry stays as it is and the candidates are
recorded (ambiguous) or it is "not found".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from bibgen.model import Entry, Person
from bibgen.normalize import (
    bare_doi,
    fold,
    normalize_arxiv,
    person_family,
    significant_tokens,
    title_markers,
    title_numbers,
    title_tokens,
    year_of,
)

WEIGHTS = {"title": 0.55, "authors": 0.25, "year": 0.12, "venue": 0.08}
MIN_TITLE = 0.85
THRESHOLD = 0.88
MARGIN = 0.08
GENERIC_TITLES = frozenset(
    """introduction preface foreword editorial conclusion conclusions index contents reply response discussion
    erratum corrigendum correction comment commentary abstracts obituary acknowledgements acknowledgments
    overview summary keynote tutorial review bookreview frontmatter backmatter""".split()
)
SHORT_TITLE_WORDS = 3  # fewer significant words than this: a short title (needs more evidence)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One record a provider returned, in bibgen's neutral field names."""

    provider: str
    record_id: str
    title: str
    authors: tuple[Person, ...] = ()
    year: str = ""
    date: str = ""  # ISO yyyy-mm-dd or yyyy-mm when known
    container: str = ""
    volume: str = ""
    number: str = ""
    pages: str = ""
    doi: str = ""
    url: str = ""
    eprint: str = ""  # arXiv id without version
    eprintclass: str = ""
    publisher: str = ""
    kind: str = ""  # an EntryKind value when the provider says what the work is
    published_doi: str = ""  # a preprint's published version (arXiv's <arxiv:doi>)
    journal_ref: str = ""


@dataclass(frozen=True, slots=True)
class Subject:
    """What an entry says about its work, folded once for matching."""

    title: str
    surnames: tuple[str, ...] = ()
    year: int | None = None
    venue: str = ""
    doi: str = ""
    eprint: str = ""

    @property
    def folded_title(self) -> str:
        return " ".join(title_tokens(self.title))


def subject_of(entry: Entry) -> Subject:
    """The matching view of an entry."""
    surnames = tuple(sorted({s for p in entry.people.get("author", ()) if (s := person_family(p))}))
    eprint = ""
    if entry.get("eprint") and entry.get("eprinttype", "arxiv").lower() in ("arxiv", ""):
        eprint = normalize_arxiv(entry.get("eprint"))
    return Subject(
        title=entry.title,
        surnames=surnames,
        year=year_of(entry.get("year") or entry.get("date")),
        venue=entry.get("container") or entry.get("venue"),
        doi=bare_doi(entry.get("doi")).lower() if entry.get("doi") else "",
        eprint=eprint,
    )


@dataclass(frozen=True, slots=True)
class Score:
    """The evidence for one candidate; ``veto`` says why it can never be accepted."""

    candidate: Candidate
    total: float
    parts: dict[str, float] = field(default_factory=dict)
    veto: str = ""

    def describe(self) -> str:
        parts = ", ".join(f"{k} {v:.2f}" for k, v in self.parts.items())
        return f"{self.total:.2f} ({parts})" + (f"; rejected: {self.veto}" if self.veto else "")


def _folded(title: str) -> str:
    return " ".join(title_tokens(title))


def _surnames(people: Sequence[Person]) -> set[str]:
    return {s for p in people if (s := person_family(p))}


def _same_surname(a: str, b: str) -> bool:
    return a == b or (min(len(a), len(b)) >= 5 and fuzz.ratio(a, b) >= 90)


def author_overlap(known: Sequence[str], people: Sequence[Person]) -> float:
    """Share of ``known`` surnames that appear among ``people``."""
    theirs = _surnames(people)
    if not known:
        return 0.0
    hits = sum(1 for s in known if s in theirs or any(_same_surname(s, t) for t in theirs))
    return hits / len(known)


def is_generic(title: str) -> bool:
    """A title that many unrelated works share ("Introduction", "Deep Learning")."""
    words = significant_tokens(title)
    return len(words) < SHORT_TITLE_WORDS or "".join(words) in GENERIC_TITLES


def score(subject: Subject, cand: Candidate) -> Score:
    """Score one candidate against ``subject`` (see the module docstring)."""
    parts: dict[str, float] = {}
    ours, theirs = subject.folded_title, _folded(cand.title)
    parts["title"] = fuzz.ratio(ours, theirs) / 100 if ours and theirs else 0.0
    # An identifier the entry carries and the record shares settles identity, not the title alone.
    same_id = bool(
        (subject.doi and cand.doi and subject.doi == cand.doi.lower())
        or (subject.eprint and cand.eprint and subject.eprint == cand.eprint)
    )
    veto = ""
    if parts["title"] < MIN_TITLE:
        veto = f"title similarity {parts['title']:.2f} is below {MIN_TITLE}"
    elif title_numbers(subject.title) != title_numbers(cand.title) or title_markers(subject.title) != title_markers(cand.title):
        veto = "the titles carry different numbers or part markers"
    if subject.surnames:
        parts["authors"] = author_overlap(subject.surnames, cand.authors) if cand.authors else 0.0
        if cand.authors and parts["authors"] == 0.0 and not veto:
            veto = "no author in common"
        if not cand.authors:
            del parts["authors"]
            if not veto and not same_id:
                veto = "the record lists no authors to compare"
    cy = year_of(cand.year or cand.date)
    if subject.year is not None and cy is not None:
        gap = abs(subject.year - cy)
        parts["year"] = 1.0 if gap == 0 else 0.6 if gap == 1 else 0.0
        if gap >= 2 and not veto:
            veto = f"years differ by {gap}"
    if subject.venue and cand.container:
        parts["venue"] = fuzz.token_set_ratio(fold(subject.venue), fold(cand.container)) / 100
    if not veto and not same_id:
        if is_generic(subject.title):
            corroborated = parts.get("authors", 0.0) > 0 and (parts.get("year", 0.0) > 0 or parts.get("venue", 0.0) >= 0.7)
            if not corroborated:
                veto = "a short or generic title needs an author in common and a matching year or venue"
        elif not subject.surnames and subject.year is None:
            if parts["title"] < 0.97 or len(significant_tokens(subject.title)) < 6:
                veto = "without authors or year only a long, exactly matching title is trusted"
    weight = sum(WEIGHTS[k] for k in parts)
    total = sum(WEIGHTS[k] * v for k, v in parts.items()) / weight if weight else 0.0
    if same_id and not veto:
        total = max(total, 1.0)
    return Score(cand, round(total, 4), {k: round(v, 4) for k, v in parts.items()}, veto)


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome for one entry and one provider: ``status`` is matched, ambiguous or not-found."""

    status: str
    best: Score | None
    scores: tuple[Score, ...] = ()
    reason: str = ""


def _identity(c: Candidate) -> str:
    return c.doi.lower() or (f"arxiv:{c.eprint}" if c.eprint else "") or f"{c.provider}:{c.record_id}"


def decide(subject: Subject, candidates: Sequence[Candidate], threshold: float = THRESHOLD, margin: float = MARGIN) -> Decision:
    """Accept the best candidate only when it clears ``threshold`` and leads the runner-up by ``margin``."""
    scores = sorted((score(subject, c) for c in candidates), key=lambda s: (-s.total if not s.veto else 1.0, s.candidate.record_id))
    viable = [s for s in scores if not s.veto]
    if not viable:
        closest = max(scores, key=lambda s: s.parts.get("title", 0.0), default=None)
        return Decision("not-found", None, tuple(scores), "no candidate" if closest is None else closest.veto)
    best = viable[0]
    if best.total < threshold:
        return Decision("ambiguous" if best.total >= threshold - 0.15 else "not-found", None, tuple(scores),
                        f"best score {best.total:.2f} is below {threshold}")
    rivals = [s for s in viable[1:] if _identity(s.candidate) != _identity(best.candidate)]
    if rivals and best.total - rivals[0].total < margin:
        return Decision("ambiguous", None, tuple(scores),
                        f"{best.total:.2f} is not clearly ahead of {rivals[0].total:.2f} ({rivals[0].candidate.title})")
    return Decision("matched", best, tuple(scores))
