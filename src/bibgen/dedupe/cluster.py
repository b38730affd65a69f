"""The dedupe stage: cluster records by the strongest evidence first, in an order that depends on content only, then merge each cluster."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import islice
from operator import attrgetter

from bibgen.dedupe import blocking, rule
from bibgen.dedupe.blocking import _candidate_pairs
from bibgen.dedupe.merge import merge
from bibgen.dedupe.result import Cluster, DedupeResult, Link, Refusal
from bibgen.dedupe.rule import _Group, fuzzy_score
from bibgen.dedupe.signals import (
    IDENTIFIERS,
    STRENGTH,
    _Features,
    _signals,
    _title_signals,
    in_content_order,
)
from bibgen.errors import Diagnostics
from bibgen.model import Entry
from bibgen.options import DedupePolicy

# In a bucket bigger than blocking._BLOCK_ALL_PAIRS a record tries at most this many
# earlier clusters (the nearest in content order): records that share a
# title, authors, year and venue but differ in DOI or pages are all distinct,
# and trying every earlier one would be quadratic.
_BUCKET_TRIES = 16


# At most this many refused near pairs are reported per record (a bucket of a
# thousand distinct works under one title would list a million pairs).
_REFUSALS_PER_RECORD = 4


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
        if ri == i and rj == j and self._one_file_two_keys(i, j):
            # Two records alone, of one file under different keys: the rule's first
            # refusal (rule._within_file), told without making their summaries.
            why = "same file, different keys"
        else:
            gi, gj = self.group(ri), self.group(rj)
            why = rule._why_not(self.feats[i], self.feats[j], gi, gj, evidence, self.policy)
        if why:
            later = max(i, j)
            n = self._refused_of.get(later, 0)
            if n < _REFUSALS_PER_RECORD:
                self._refused_of[later] = n + 1
                self.refused.setdefault((min(i, j), later), (evidence, why))
            return False
        gi, gj = self.groups[ri], self.groups[rj]
        if gi.size < gj.size:
            ri, rj, gi, gj = rj, ri, gj, gi
        self.parent[rj] = ri
        gi.absorb(gj)
        del self.groups[rj]
        gi.links.append(Link(self.feats[i].entry.origin, self.feats[j].entry.origin, evidence, score))
        return True

    def _one_file_two_keys(self, i: int, j: int) -> bool:
        """rule._within_file for two records each alone in its cluster (roots ``i`` and ``j``)."""
        if self.policy.within_file:
            return False
        fi, fj = self.feats[i], self.feats[j]
        if not (fi.entry.key and fj.entry.key):
            return False
        for root in (i, j):
            g = self.groups.get(root)
            if g is not None and g.size != 1:  # (not alone after all: the rule decides)
                return False
        # filekey is (path, folded key, order without the key); two contents differ when
        # their heads do (the usual case), else when the rest of their orders does.
        if fi.entry.origin.path != fj.entry.origin.path or fi.entry.key.casefold() == fj.entry.key.casefold():
            return False
        return fi.head != fj.head or fi.order[:-1] != fj.order[:-1]

    def exact(self, evidence: str, key_of: callable) -> None:  # type: ignore[valid-type]
        index: dict[str, list[_Features]] = {}
        for f, k in zip(self.feats, map(key_of, self.feats)):
            if k:
                members = index.get(k)
                if members is None:
                    index[k] = [f]
                else:
                    members.append(f)
        # Buckets in key order (a cluster can span buckets, so the order matters); one record alone decides nothing.
        for k in sorted(k for k, members in index.items() if len(members) > 1):
            members = in_content_order(index[k])
            if (evidence == "title" and len(members) <= blocking._BLOCK_ALL_PAIRS and self._alone(members)
                    and rule._joins_all(members, self.policy)):
                self._join_first(members, evidence)
            else:
                self._join_bucket(members, evidence)

    def _alone(self, members: list[_Features]) -> bool:
        """Is each record alone in its cluster?"""
        parent, groups = self.parent, self.groups
        for f in members:
            i = f.index
            if parent[i] != i:
                return False
            g = groups.get(i)
            if g is not None and g.size != 1:
                return False
        return True

    def _join_first(self, members: list[_Features], evidence: str) -> None:
        """What _join_bucket does when the rule can refuse nothing (rule._joins_all) and each record is alone:
        every record joins the first one's cluster, in order, without a summary of its own."""
        head = members[0]
        root = head.index
        g = self.group(root)
        origin = head.entry.origin
        for f in members[1:]:
            j = f.index
            self.parent[j] = root
            own = self.groups.pop(j, None)  # (a summary made for a check that was refused)
            if own is None:
                g.add(f)
            else:
                g.absorb(own)
            g.links.append(Link(origin, f.entry.origin, evidence, 1.0))

    def _join_bucket(self, members: list[_Features], evidence: str) -> None:
        """Each member joins the first earlier member's cluster that accepts it.

        Clusters are tried in the order of their first member. A big bucket
        (``Introduction`` a thousand times) would try every earlier cluster
        for every member; there a short title, which needs a second signal,
        only tries the clusters of members that share one (:func:`_signals`),
        so the cost stays linear and the decisions stay the same.
        """
        narrow = len(members) > blocking._BLOCK_ALL_PAIRS
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
    c.exact("doi", attrgetter("doi"))
    c.exact("arxiv", attrgetter("arxiv"))
    c.exact("title", attrgetter("tkey"))
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


def _link_order(link: Link) -> tuple[object, ...]:
    """Links by (b, a), as Origins order them, compared as one tuple (Origin's own order is a Python call)."""
    a, b = link.a, link.b
    return (b.path, b.line, b.column, a.path, a.line, a.column)


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
        if len(idx) == 1:
            out.append(entries[idx[0]])
            continue
        members = [entries[i] for i in idx]
        out.append(merge(members, diagnostics))
        found = state.group(state.find(idx[0])).links
        if len(found) == 1:  # most clusters: two records, one link
            links = (found[0],)
            reason, score = found[0].reason, found[0].score
        else:
            links = tuple(sorted(found, key=_link_order))
            reason = "+".join(sorted({l.reason for l in links}, key=STRENGTH.__getitem__))
            score = min(l.score for l in links)
        clusters.append(
            Cluster(
                members=tuple(m.origin for m in members),
                reason=reason,
                score=score,
                titles=tuple(m.fields.get("title", "") for m in members),
                links=links,
            )
        )
    # The per-title signals are only a memo for this run: dropped here, they do
    # not outlive the stage (the writer's peak would hold every title's tokens).
    _title_signals.cache_clear()
    return DedupeResult(tuple(out), tuple(clusters), refused)
