"""``bibgen duplicates``: clusters and refusals as text."""

from __future__ import annotations

from collections.abc import Sequence

from bibgen.dedupe.cluster import dedupe
from bibgen.dedupe.result import Cluster, Refusal
from bibgen.errors import Diagnostics
from bibgen.model import Entry
from bibgen.options import DedupePolicy


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
