"""Pin matching: which pinned entry (a key from an existing .bib) is the same work as a merged entry, by the same rule as the dedupe."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bibgen.dedupe import blocking, rule
from bibgen.dedupe.blocking import _block_keys
from bibgen.dedupe.rule import _Group, _may_merge, edited_score, fuzzy_score
from bibgen.dedupe.signals import STRENGTH, _Features
from bibgen.model import Entry
from bibgen.normalize import (
    fold,
    person_family,
)
from bibgen.options import DedupePolicy


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
    lookup: dict[int, list[_Features]] = {}
    for i, records in (members or {}).items():
        lookup[i] = [ef[i], *(_Features(i, r) for r in records)]
    # Cluster summaries, made when an entry or a pinned entry first meets a
    # candidate (most never do): an entry's holds its merged records too.
    eg: dict[int, _Group] = {}
    pg: dict[int, _Group] = {}

    def egroup(i: int) -> _Group:
        g = eg.get(i)
        if g is None:
            g = eg[i] = _Group(ef[i])
            for f in lookup.get(i, ())[1:]:
                g.absorb(_Group(f))
        return g

    def pgroup(j: int) -> _Group:
        g = pg.get(j)
        if g is None:
            g = pg[j] = _Group(pf[j])
        return g

    found: dict[tuple[int, int], tuple[str, float]] = {}

    def consider(i: int, j: int, evidence: str, score: float = 1.0) -> None:
        if (i, j) in found:
            return
        if _may_merge(ef[i], pf[j], egroup(i), pgroup(j), evidence, policy, pin=True):
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
            cands = {j for k in _block_keys(f) for j in blocks.get(k, ())[:blocking._BLOCK_ALL_PAIRS]}
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
        for j in by_author.get((f.first, f.year), ())[:blocking._BLOCK_ALL_PAIRS]:
            s = edited_score(f, pf[j])
            if s and not rule._why_not(f, pf[j], egroup(f.index), pgroup(j), "edited", policy, pin=True):
                found[(f.index, j)] = ("edited", s)
    return sorted(
        (PinMatch(i, j, r, s) for (i, j), (r, s) in found.items()),
        key=lambda m: (m.entry, STRENGTH[m.reason], -m.score, m.pinned),
    )


def pin_affinity(entry: Entry, pinned: Entry) -> tuple[int, ...]:
    """How closely an entry resembles a pinned entry it matches; higher is closer.

    Breaks ties between matches of equal evidence: when several works share a
    title (kept apart by author lists or identifiers), each pinned key goes to
    the entry that names the same people and values, not to whichever entry
    sorts first. Counts: the same author families in the same order, authors in
    common, the same title as written, then the year, venue, DOI and arXiv id: +1 each one
    both have alike, -1 each one only one has or that differs; then all other fields alike.
    """
    fa = [person_family(p) for p in entry.authors]
    fb = [person_family(p) for p in pinned.authors]
    shared = len(set(fa) & set(fb))
    # A value both have alike counts for, one only one side has (or a different one) against;
    # one neither has is neutral, so a record without a venue is closer to a pin without one.
    same_values = sum(
        (1 if a == b else -1) if a or b else 0
        for a, b in ((entry.get(name), pinned.get(name)) for name in ("year", "container", "doi", "eprint"))
    )
    # Last, every other field the same way: a pin's own record is then closer to it than any
    # other record is, unless the two records agree on everything (and so look the same).
    names = (set(entry.fields) | set(pinned.fields)) - {"title", "year", "container", "doi", "eprint"}
    rest = sum(1 if entry.fields.get(n) == pinned.fields.get(n) else -1 for n in names)
    return (int(fa == fb), shared - len(set(fa) ^ set(fb)), int(fold(entry.title) == fold(pinned.title)), same_values, rest)
