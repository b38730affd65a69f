"""Find records of the same work across sources and merge them.

Identity, strongest first: a normalised DOI, a normalised arXiv id, then the
exact title key (folded case and accents, punctuation/dashes/spaces dropped,
digits kept). Records sharing any of these keys form one cluster (union-find),
so cost grows linearly: no all-pairs comparison.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bibgen.errors import Diagnostics
from bibgen.model import Entry, EntryKind, Fields, Origin, Person
from bibgen.normalize import fold, normalize_arxiv, normalize_doi, title_key, title_numbers


@dataclass(frozen=True, slots=True)
class Cluster:
    """Records merged into one entry, with the reason."""

    members: tuple[Origin, ...]
    reason: str
    score: float = 1.0


@dataclass(frozen=True, slots=True)
class DedupeResult:
    entries: tuple[Entry, ...]
    clusters: tuple[Cluster, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class DedupePolicy:
    """``not_duplicates`` holds pairs of folded titles the user says differ."""

    not_duplicates: frozenset[frozenset[str]] = frozenset()


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # The smaller index stays the root: earlier sources lead.
            if rb < ra:
                ra, rb = rb, ra
            self.parent[rb] = ra


def identity_keys(entry: Entry) -> list[tuple[str, str]]:
    """The (kind, value) identity keys of an entry, strongest first."""
    keys: list[tuple[str, str]] = []
    doi = normalize_doi(entry.get("doi"))
    if doi:
        keys.append(("doi", doi))
    if entry.get("eprinttype", "arxiv") == "arxiv" and entry.get("eprint"):
        arxiv = normalize_arxiv(entry.get("eprint"))
        if arxiv:
            keys.append(("arxiv", arxiv))
    tk = title_key(entry.title)
    if tk:
        # Numbers are part of the key twice over: "Gemini 1.5" vs "Gemini 15".
        keys.append(("title", tk + "#" + ".".join(title_numbers(entry.title))))
    return keys


def dedupe(entries: Sequence[Entry], diagnostics: Diagnostics, policy: DedupePolicy = DedupePolicy()) -> DedupeResult:
    """Merge records of the same work; ``entries`` must be in sorted-source order."""
    uf = _UnionFind(len(entries))
    first_with: dict[tuple[str, str], int] = {}
    reasons: dict[int, str] = {}
    for i, entry in enumerate(entries):
        for ident in identity_keys(entry):
            j = first_with.setdefault(ident, i)
            if j != i and not _declared_distinct(policy, entries[i], entries[j]):
                if uf.find(i) != uf.find(j):
                    reasons.setdefault(i, ident[0])
                uf.union(i, j)
    groups: dict[int, list[int]] = {}
    for i in range(len(entries)):
        groups.setdefault(uf.find(i), []).append(i)
    out: list[Entry] = []
    clusters: list[Cluster] = []
    for root in sorted(groups):
        idx = groups[root]
        members = [entries[i] for i in idx]
        if len(members) == 1:
            out.append(members[0])
            continue
        out.append(merge(members, diagnostics))
        reason = ", ".join(sorted({reasons[i] for i in idx if i in reasons}))
        clusters.append(Cluster(tuple(o for m in members for o in m.origins), f"same {reason}"))
    return DedupeResult(tuple(out), tuple(clusters))


def _declared_distinct(policy: DedupePolicy, a: Entry, b: Entry) -> bool:
    if not policy.not_duplicates:
        return False
    return frozenset({fold(a.title), fold(b.title)}) in policy.not_duplicates


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
# Fields that belong to the winning venue, taken together from the record whose kind wins.
_VENUE_FIELDS = ("container", "howpublished", "venue", "publisher", "volume", "number", "pages")
# Fields that describe the preprint and are kept from whichever record has them.
_PREPRINT_FIELDS = ("eprint", "eprinttype", "eprintclass")


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
    """One entry from records of one work, in sorted-source order.

    Rules: the published kind wins (and brings its venue fields); arXiv fields
    are kept; the longer abstract wins; for any other field the earliest
    source wins, with a warning naming both sources when they disagree.
    """
    lead = max(members, key=lambda e: _KIND_RANK[e.kind])  # max keeps the first of equals
    fields: dict[str, str] = {}
    source: dict[str, Origin] = {}
    for name in _VENUE_FIELDS:
        if name in lead.fields:
            fields[name] = lead.fields[name]
            source[name] = lead.origin
    for m in members:
        for name, value in m.fields.items():
            if name in _VENUE_FIELDS:
                continue
            if name not in fields:
                fields[name] = value
                source[name] = m.origin
            elif name == "abstract":
                if len(value) > len(fields[name]):
                    fields[name] = value
                    source[name] = m.origin
            elif name in _PREPRINT_FIELDS or name == "keywords":
                continue
            elif fold(value) != fold(fields[name]) and name != "title":
                diagnostics.warn(
                    f"conflicting {name}: kept {fields[name]!r} from {source[name]}, not {value!r}",
                    m.origin,
                )
    keywords = _merge_keywords(m.get("keywords") for m in members)
    if keywords:
        fields["keywords"] = keywords
    roles = sorted({r for m in members for r in m.people})
    people = {r: merge_people(m.people.get(r, ()) for m in members) for r in roles}
    partial = frozenset(r for r in roles if all(r in m.partial or r not in m.people for m in members))
    origins = tuple(sorted({o for m in members for o in m.origins}))
    aliases = tuple(dict.fromkeys(a for m in members for a in (*((m.key,) if m.key else ()), *m.aliases)))
    return Entry(
        kind=lead.kind,
        fields=Fields(fields),
        people=people,
        origin=origins[0],
        key="",
        partial=partial,
        origins=origins,
        aliases=aliases,
    )


def _merge_keywords(values: Iterable[str]) -> str:
    seen: dict[str, str] = {}
    for value in values:
        for kw in (value or "").split(";"):
            kw = kw.strip()
            if kw:
                seen.setdefault(fold(kw), kw)
    return "; ".join(seen.values())
