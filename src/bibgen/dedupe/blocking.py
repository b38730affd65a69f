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


# How a word is hashed for the block sums (a test swaps in one that collides).
_word_hash = hash


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
    # A block key (a set of words) is first stood for by the sum of its words'
    # hashes: a set's sum, and each sum with one word taken away, cost one
    # addition per word, where the keys themselves are a tuple per word. Most
    # sums meet no other title: the first title with a sum stays alone, and a
    # list is made only when a second one comes. Titles that share a sum are
    # then sorted by their real keys (_real_blocks), so a collision of sums
    # never makes a pair.
    hash_of = _word_hash
    first: dict[int, _Features] = {}
    shared: dict[int, list[_Features]] = {}
    for f in rep.values():
        words = set(f.sig)
        hashes = [hash_of(w) for w in words]
        total = sum(hashes)
        sums = [total - h for h in hashes] if len(words) >= FUZZY_MIN_WORDS else []
        sums.append(total)
        for k in sums:
            prev = first.setdefault(k, f)
            if prev is not f:
                members = shared.get(k)
                if members is None:
                    shared[k] = [prev, f]
                else:
                    members.append(f)
    pairs: set[tuple[int, int]] = set()
    for k, candidates in shared.items():
        for members in _real_blocks(k, candidates):
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


def _real_blocks(total: int, candidates: list[_Features]) -> list[list[_Features]]:
    """The blocks (of two or more titles, in the order given) of the keys among ``candidates`` whose hash sum is ``total``."""
    hash_of = _word_hash
    by_key: dict[tuple[str, ...], list[_Features]] = {}
    seen: set[int] = set()
    for f in candidates:
        if f.index in seen:
            continue  # (two of its own sums were equal)
        seen.add(f.index)
        # Which of its keys (_block_keys_of: the words, then each left out) have this sum?
        words = tuple(sorted(set(f.sig)))
        hashes = [hash_of(w) for w in words]
        whole = sum(hashes)
        if whole == total:
            by_key.setdefault(words, []).append(f)
        if len(words) >= FUZZY_MIN_WORDS:
            for i, h in enumerate(hashes):
                if whole - h == total:
                    by_key.setdefault(words[:i] + words[i + 1 :], []).append(f)
    return [members for members in by_key.values() if len(members) > 1]
