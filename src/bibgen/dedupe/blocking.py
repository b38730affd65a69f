"""Candidate pairs through hash blocks (identifier, title key, sorted title words with one left out), never all pairs, so cost grows linearly."""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter

from bibgen.dedupe.signals import FUZZY_MIN_WORDS, _Features, before, in_content_order

# A blocking bucket with more distinct works than this is compared by sorted
# neighbourhood (each title with the next few in sorted order) instead of all pairs.
_BLOCK_ALL_PAIRS = 24


_BLOCK_WINDOW = 6


def _block_keys(f: _Features) -> tuple[tuple[str, ...], ...]:
    return _block_keys_of(f.sig)


def _block_keys_of(sig: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The sorted distinct words, and each with one word left out.

    A title with one word left out meets the whole of a title that lacks that
    word: a typo in a function word (``wihtout``) makes it significant on one
    side only.
    """
    words = tuple(sorted(set(sig)))
    if len(words) < FUZZY_MIN_WORDS:
        return (words,)
    return (words, *[words[:i] + words[i + 1 :] for i in range(len(words))])


_INDEX = attrgetter("index")


def _candidate_pairs(feats: Sequence[_Features], group_of: callable) -> set[tuple[int, int]]:  # type: ignore[valid-type]
    """Pairs of records (by index) in different clusters that share a blocking key (:func:`_block_keys`)."""
    # One representative per distinct title and cluster, the first in content
    # order (ties: input order), keeps buckets of exact duplicates cheap. Copies
    # of one title share every block, so choosing before blocking picks the same
    # representative a choice inside each block would, without blocking the copies.
    rep: dict[tuple[int, str], _Features] = {}
    for f in feats:
        if f.fuzzy:
            k = (group_of(f.index), f.norm)
            cur = rep.get(k)
            if cur is None or before(f, cur):
                rep[k] = f
    # Most blocks hold one title: keep a block's first member alone and make a
    # list only when a second one comes (the pairs are a set, so the order in
    # which blocks are visited does not matter). The keys are tuples made here
    # and dropped with the stage (no cache outlives it). (Sums of word hashes
    # standing for the keys were tried: near-duplicate titles share most of
    # their sums, and a 100k .bib's dedupe took 2 s longer.)
    first: dict[tuple[str, ...], _Features] = {}
    shared: dict[tuple[str, ...], list[_Features]] = {}
    for f in rep.values():
        for k in _block_keys_of(f.sig):
            prev = first.setdefault(k, f)
            if prev is not f:
                members = shared.get(k)
                if members is None:
                    shared[k] = [prev, f]
                else:
                    members.append(f)
    pairs: set[tuple[int, int]] = set()
    two: set[tuple[int, int]] = set()  # pairs of two-member blocks seen: two near titles share most of their blocks
    for members in shared.values():
        if len(members) == 2:
            # What in_content_order of the two gives, without sorting: by index, then content order first.
            x, y = members
            if y.index < x.index:
                x, y = y, x
            k = (x.index, y.index)
            if k not in two:
                two.add(k)
                pairs.add((y.index, x.index) if before(y, x) else k)
            continue
        # By (order, index): stable in content order after sorting by index.
        reps = in_content_order(sorted(members, key=_INDEX))
        if len(reps) <= _BLOCK_ALL_PAIRS:
            for i, x in enumerate(reps):
                for y in reps[i + 1 :]:
                    pairs.add((x.index, y.index))  # x is earlier in content order
        else:
            reps.sort(key=lambda f: (f.norm, f.order))
            for i, x in enumerate(reps):
                for y in reps[i + 1 : i + 1 + _BLOCK_WINDOW]:
                    pairs.add((x.index, y.index) if x.order <= y.order else (y.index, x.index))
    return pairs

