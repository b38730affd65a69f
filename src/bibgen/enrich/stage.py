"""The enrichment stage: look works up (``bibgen enrich``) and fill entries from the lock (every export).

Two halves, so that only one of them ever touches the network:

* :func:`lookup` asks the providers, in order, about every entry, decides with
  :func:`bibgen.enrich.match.decide`, and records the decisions and the values
  to fill in the :class:`~bibgen.enrich.lock.Lock`;
* :func:`apply_lock` fills entries from the lock — a pure function of the
  entries and the lock file, run by ``export`` and ``sync``.

Only missing fields are filled; a field the user wrote is replaced only when
``overwrite`` names it. A list of authors known to be partial (an author page
knows one author of many) is replaced by the full list only when every known
author is in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bibgen.enrich import match
from bibgen.enrich.lock import Lock, names_of, person_from_json, subject_id
from bibgen.enrich.match import Candidate, Score, Subject
from bibgen.enrich.providers import DEFAULT_ORDER, Found, provider
from bibgen.errors import Diagnostics
from bibgen.model import Entry, EntryKind, Fields
from bibgen.normalize import arxiv_from_doi, bare_doi, clean_text, person_family, title_key

if TYPE_CHECKING:  # httpx is imported only by a lookup, never by export or sync
    from bibgen.enrich.http import Fetcher

# Fields a lookup may fill, in the order --explain lists them.
FILL_FIELDS = ("year", "eprint", "eprinttype", "eprintclass", "doi", "container", "volume", "number", "pages", "publisher", "url")
OVERWRITABLE = FILL_FIELDS + ("author",)
# Fields that belong to one version of a work (preprint or published), not to the work.
VERSION_FIELDS = frozenset({"container", "volume", "number", "pages", "doi", "publisher", "url", "year"})


@dataclass(frozen=True)
class EnrichPolicy:
    """The ``enrich:`` configuration."""

    lock: Path
    providers: tuple[str, ...] = DEFAULT_ORDER
    contact: str = ""
    overwrite: frozenset[str] = frozenset()
    published: bool = False  # fill a preprint's published version (journal, DOI, pages)
    threshold: float = match.THRESHOLD
    margin: float = match.MARGIN
    concurrency: int = 4
    timeout: float = 20.0


@dataclass
class Summary:
    """Counts for the end-of-run line, and the failures to report."""

    looked_up: int = 0
    filled: int = 0
    unchanged: int = 0
    ambiguous: int = 0
    not_found: int = 0
    failed: int = 0
    messages: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"bibgen: enrich: {self.looked_up} looked up, {self.filled} filled, {self.unchanged} already complete, "
            f"{self.ambiguous} ambiguous, {self.not_found} not found, {self.failed} failed"
        )


def is_preprint(entry: Entry) -> bool:
    venue = (entry.get("venue") + " " + entry.get("container")).lower()
    return entry.kind is EntryKind.PREPRINT or entry.get("eprinttype").lower() == "arxiv" or "arxiv" in venue


def _is_preprint_record(c: Candidate) -> bool:
    return c.kind == "preprint" or (bool(c.eprint) and not c.container)


def _wanted(entry: Entry, policy: EnrichPolicy) -> set[str]:
    """The fields a lookup could still fill for ``entry``."""
    want = {f for f in FILL_FIELDS if not entry.get(f) or f in policy.overwrite}
    if not entry.people.get("author") or "author" in entry.partial or "author" in policy.overwrite:
        want.add("author")
    if entry.get("eprint"):
        want -= {"eprint", "eprinttype"}
    if is_preprint(entry) and not policy.published:
        # A preprint keeps its own version: the published version's journal fields are not wanted,
        # so once arXiv has answered the other providers are spared.
        want -= VERSION_FIELDS - {"year", "url"}
    return want


def _values(c: Candidate) -> dict[str, str]:
    v = {
        "year": c.year,
        "doi": c.doi,
        "container": c.container,
        "volume": c.volume,
        "number": c.number,
        "pages": c.pages,
        "publisher": c.publisher,
        "url": c.url,
    }
    eprint = c.eprint
    if c.doi and (from_doi := arxiv_from_doi(c.doi)):
        # arXiv's own DOI (10.48550/arXiv.…) names the preprint: an eprint, not a DOI, as in dedupe's merge.
        del v["doi"]
        eprint = eprint or from_doi
    if eprint:
        v.update(eprint=eprint, eprinttype="arxiv", eprintclass=c.eprintclass)
    return {k: x for k, x in v.items() if x}


def _conflicts(primary: Candidate, other: Candidate) -> str:
    """Why ``other`` (accepted by a later provider) cannot be the same version as ``primary``."""
    if primary.doi and other.doi and primary.doi.lower() != other.doi.lower() and not other.doi.lower().startswith("10.48550/"):
        if not primary.doi.lower().startswith("10.48550/"):
            return f"DOI {other.doi} differs from {primary.doi}"
    if primary.eprint and other.eprint and primary.eprint != other.eprint:
        return f"arXiv id {other.eprint} differs from {primary.eprint}"
    return ""


def _score_json(s: Score) -> dict[str, Any]:
    return {"provider": s.candidate.provider, "record": s.candidate.record_id, "title": s.candidate.title,
            "score": s.total, "parts": dict(sorted(s.parts.items())), **({"veto": s.veto} if s.veto else {})}


class _Run:
    def __init__(self, fetcher: Fetcher, policy: EnrichPolicy) -> None:
        from bibgen.enrich.http import FetchError

        self.fetcher = fetcher
        self.policy = policy
        self.errors = FetchError

    def one(self, entry: Entry) -> tuple[str, dict[str, Any] | None, list[str]]:
        """(status, lock record or None, failure messages) for one entry."""
        subject = match.subject_of(entry)
        want = _wanted(entry, self.policy)
        if not want:
            return "complete", None, []
        if not subject.folded_title:
            return "not-found", None, []  # nothing to search by (and no record: nothing was decided)
        preprint = is_preprint(entry)
        accepted: list[tuple[str, Score, str]] = []  # provider, score, retrieved
        ambiguous: list[Score] = []
        reasons: list[str] = []
        failures: list[str] = []
        filled: dict[str, dict[str, str]] = {}
        authors: dict[str, Any] | None = None
        kind: dict[str, str] | None = None
        for name in self.policy.providers:
            if not (want - set(filled) - ({"author"} if authors else set())):
                break  # nothing left to fill: spare the other providers
            mod = provider(name)
            try:
                found: Found = mod.lookup(self.fetcher, subject, self.policy.contact)
            except self.errors as exc:
                failures.append(str(exc))
                continue
            decision = match.decide(subject, found.candidates, self.policy.threshold, self.policy.margin)
            if decision.status == "ambiguous":
                ambiguous.extend(decision.scores[:3])
                reasons.append(f"{name}: {decision.reason}")
                continue
            if decision.best is None:
                if decision.reason:
                    reasons.append(f"{name}: {decision.reason}")
                continue
            best = decision.best
            cand = best.candidate
            if accepted and (why := _conflicts(accepted[0][1].candidate, cand)):
                reasons.append(f"{name}: not used ({why})")
                continue
            accepted.append((name, best, found.retrieved))
            cands = [(cand, found.retrieved)]
            if self.policy.published and _is_preprint_record(cand) and cand.published_doi:
                published = self._published(subject, cand.published_doi, failures)
                if published is not None:
                    cands.insert(0, published)
            for c, retrieved in cands:
                version_ok = not (preprint and not self.policy.published and not _is_preprint_record(c))
                prov = {"provider": c.provider, "record": c.record_id, "retrieved": retrieved}
                for f, value in _values(c).items():
                    if f in want and f not in filled and (version_ok or f not in VERSION_FIELDS):
                        filled[f] = {"value": value, **prov}
                if "author" in want and authors is None and c.authors:
                    known = subject.surnames
                    if not known or match.author_overlap(known, c.authors) == 1.0:
                        authors = {"value": names_of(c.authors), **prov}
                if kind is None and self.policy.published and c.kind and c.kind != "preprint" and preprint:
                    kind = {"value": c.kind, **prov}
        if accepted:
            name, best, retrieved = accepted[0]
            record: dict[str, Any] = {
                "status": "matched",
                "title": entry.title,
                "title_key": title_key(entry.title),
                "query": _query(subject),
                "match": {**_score_json(best), "retrieved": retrieved},
                "fields": dict(sorted(filled.items())),
            }
            if len(accepted) > 1:
                record["also"] = [{**_score_json(s), "retrieved": r} for _, s, r in accepted[1:]]
            if authors is not None:
                record["author"] = authors
                record["surnames"] = sorted({s for p in authors["value"] if (s := person_family(person_from_json(p)))})
            if kind is not None:
                record["kind"] = kind
            if reasons:
                record["notes"] = reasons
            status = "filled" if (filled or authors or kind) else "unchanged"
            return status, record, failures
        if failures:
            return "failed", None, failures
        status = "ambiguous" if ambiguous else "not-found"
        record = {"status": status, "title": entry.title, "title_key": title_key(entry.title), "query": _query(subject),
                  "candidates": [_score_json(s) for s in ambiguous], "notes": reasons}
        return status, record, failures

    def _published(self, subject: Subject, doi: str, failures: list[str]) -> tuple[Candidate, str] | None:
        """The published version a preprint names, from Crossref, when its title agrees."""
        mod = provider("crossref")
        try:
            found = mod.lookup(self.fetcher, replace(subject, doi=doi.lower(), year=None), self.policy.contact)
        except self.errors as exc:
            failures.append(str(exc))
            return None
        for c in found.candidates:
            s = match.score(replace(subject, year=None), c)
            if not s.veto and s.parts.get("title", 0) >= match.MIN_TITLE:
                return c, found.retrieved
        return None


def _query(subject: Subject) -> dict[str, Any]:
    return {"surnames": list(subject.surnames), "year": subject.year, "doi": subject.doi, "eprint": subject.eprint}


def lookup(
    entries: Sequence[Entry],
    policy: EnrichPolicy,
    fetcher: Fetcher,
    lock: Lock,
    progress: Any = None,
) -> Summary:
    """Look every entry up and record the decisions in ``lock`` (not written here)."""
    summary = Summary()
    run = _Run(fetcher, policy)
    results: list[Any] = [None] * len(entries)

    def work(i: int) -> int:
        results[i] = run.one(entries[i])
        return i

    indices = list(range(len(entries)))
    with ThreadPoolExecutor(max_workers=max(1, policy.concurrency)) as pool:
        futures = pool.map(work, indices)
        iterator = progress.track(indices, "looking up") if progress is not None else indices
        for _ in iterator:
            next(futures)
    for entry, (status, record, failures) in zip(entries, results):
        if status == "complete":  # nothing a lookup could fill: no request made
            summary.unchanged += 1
            continue
        summary.looked_up += 1
        summary.messages.extend(f"{entry.origin}: {m}" for m in failures)
        if status == "failed":
            summary.failed += 1
            continue  # keep whatever the lock said before: a failure is no decision
        setattr(summary, status.replace("-", "_"), getattr(summary, status.replace("-", "_")) + 1)
        if record is not None:
            lock.put(match.subject_of(entry), record)
    return summary


def apply_lock(entries: Sequence[Entry], policy: EnrichPolicy, diagnostics: Diagnostics | None = None) -> list[Entry]:
    """Entries with the fields the lock recorded filled in (only missing ones, unless ``overwrite``)."""
    lock = Lock.load(policy.lock)
    if not lock.records:
        return list(entries)
    titles = lock.titles()
    return [
        _fill(e, lock.find(match.subject_of(e)), policy) if title_key(e.title)[:60] in titles else e
        for e in entries
    ]


def _fill(entry: Entry, record: dict[str, Any] | None, policy: EnrichPolicy) -> Entry:
    if record is None or record.get("status") != "matched":
        return entry
    changes: dict[str, str] = {}
    for name, info in sorted(record.get("fields", {}).items()):
        if name not in FILL_FIELDS or not isinstance(info, dict) or not isinstance(info.get("value"), str):
            continue
        value = clean_text(info["value"])
        if name == "doi":
            value = bare_doi(value)
        if value and (not entry.get(name) or name in policy.overwrite):
            changes[name] = value
    if "eprint" in changes and entry.get("eprint") and "eprint" not in policy.overwrite:
        changes.pop("eprinttype", None)
    people = entry.people
    partial = entry.partial
    author = record.get("author")
    if isinstance(author, dict) and isinstance(author.get("value"), list):
        full = tuple(q for p in author["value"] if isinstance(p, dict) and ((q := person_from_json(p)).family or q.literal))
        known = entry.people.get("author", ())
        if full and (not known or "author" in entry.partial or "author" in policy.overwrite):
            if not known or "author" in policy.overwrite or match.author_overlap(
                [s for p in known if (s := person_family(p))], full
            ) == 1.0:
                people = {**entry.people, "author": full}
                partial = entry.partial - {"author"}
    kind = entry.kind
    if isinstance(record.get("kind"), dict) and policy.published:
        try:
            kind = EntryKind(record["kind"]["value"])
        except ValueError:
            pass
    if not changes and people is entry.people and kind is entry.kind:
        return entry
    fields = dict(entry.fields)
    fields.update(changes)
    return entry.replace(fields=Fields(fields), people=people, partial=partial, kind=kind)


def explain(entry: Entry, policy: EnrichPolicy) -> str:
    """What the lock says about ``entry``: the decision, each filled field and its provenance."""
    lock = Lock.load(policy.lock)
    subject = match.subject_of(entry)
    record = lock.find(subject)
    head = f"{entry.key}: {entry.title} ({entry.origin})"
    if record is None:
        return f"{head}\n  not looked up yet (run 'bibgen enrich'); lock: {policy.lock}\n"
    lines = [head, f"  lock: {policy.lock} [{subject_id(subject)}]"]
    status = record.get("status")
    if status == "matched":
        m = record.get("match", {})
        lines.append(f"  matched {m.get('provider')} {m.get('record')} (retrieved {m.get('retrieved')}), score {m.get('score')} {m.get('parts')}")
        for a in record.get("also", []):
            lines.append(f"  also    {a.get('provider')} {a.get('record')} (retrieved {a.get('retrieved')}), score {a.get('score')}")
        order = {f: i for i, f in enumerate(FILL_FIELDS)}
        for name, info in sorted(record.get("fields", {}).items(), key=lambda kv: order.get(kv[0], 99)):
            used = "filled" if (not entry.get(name) or entry.get(name) == info.get("value")) else "kept yours"
            lines.append(f"  {name} = {info.get('value')}  [{info.get('provider')} {info.get('record')}, {info.get('retrieved')}; {used}]")
        author = record.get("author")
        if author:
            n = len(author.get("value", []))
            lines.append(f"  author = {n} names  [{author.get('provider')} {author.get('record')}, {author.get('retrieved')}]")
        if record.get("kind"):
            k = record["kind"]
            lines.append(f"  type = {k.get('value')}  [{k.get('provider')} {k.get('record')}, {k.get('retrieved')}]")
    else:
        lines.append(f"  {status}: left as it is")
        for c in record.get("candidates", []):
            lines.append(f"  candidate {c.get('provider')} {c.get('record')}: {c.get('title')} — score {c.get('score')}")
    for note in record.get("notes", []):
        lines.append(f"  note: {note}")
    return "\n".join(lines) + "\n"
