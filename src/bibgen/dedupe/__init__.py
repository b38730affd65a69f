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

The package, one job per module: :mod:`~bibgen.dedupe.signals` (what a record
offers: identifiers, title keys, names, year, venue), :mod:`~bibgen.dedupe.rule`
(the same-work rule), :mod:`~bibgen.dedupe.blocking` (candidate pairs),
:mod:`~bibgen.dedupe.cluster` (the stage), :mod:`~bibgen.dedupe.merge` (one
entry from a cluster), :mod:`~bibgen.dedupe.pins` (pinned keys),
:mod:`~bibgen.dedupe.report` (``bibgen duplicates``) and
:mod:`~bibgen.dedupe.result` (the result types).
"""

from __future__ import annotations

from bibgen.dedupe.cluster import cluster, dedupe
from bibgen.dedupe.merge import merge, merge_people, person_id
from bibgen.dedupe.pins import PinMatch, match_pinned, member_records, pin_affinity
from bibgen.dedupe.report import find_duplicates, format_clusters, format_refusals
from bibgen.dedupe.result import Cluster, DedupeResult, Link, Refusal
from bibgen.dedupe.rule import edited_score, fuzzy_score
from bibgen.dedupe.signals import (
    EVIDENCE,
    FUZZY_MIN_CHARS,
    FUZZY_MIN_WORDS,
    GENERIC_TITLES,
    IDENTIFIERS,
    SHORT_TITLE_WORDS,
    UNSPACED_MIN_CHARS,
    content_order,
    first_page,
    identifiers,
)
from bibgen.options import DedupePolicy  # re-exported: bibgen.dedupe.DedupePolicy

__all__ = ['Cluster', 'DedupePolicy', 'DedupeResult', 'EVIDENCE', 'FUZZY_MIN_CHARS', 'FUZZY_MIN_WORDS', 'GENERIC_TITLES', 'IDENTIFIERS', 'Link', 'PinMatch', 'Refusal', 'SHORT_TITLE_WORDS', 'UNSPACED_MIN_CHARS', 'cluster', 'content_order', 'dedupe', 'edited_score', 'find_duplicates', 'first_page', 'format_clusters', 'format_refusals', 'fuzzy_score', 'identifiers', 'match_pinned', 'member_records', 'merge', 'merge_people', 'person_id', 'pin_affinity']
