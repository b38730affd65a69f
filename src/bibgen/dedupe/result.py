"""What the dedupe stage returns: clusters of records of one work, the links that joined them, and the refusals of near pairs."""

from __future__ import annotations

from dataclasses import dataclass, field

from bibgen.model import Entry, Origin


@dataclass(frozen=True, slots=True)
class Link:
    """One merge decision: record ``b`` joined the cluster of record ``a``."""

    a: Origin
    b: Origin
    reason: str
    score: float = 1.0


@dataclass(frozen=True, slots=True, order=True)
class Refusal:
    """A near pair that was not merged: records ``a`` and ``b`` had ``evidence`` but ``reason`` says they differ."""

    a: Origin
    b: Origin
    evidence: str
    reason: str
    titles: tuple[str, str] = ("", "")


@dataclass(frozen=True, slots=True)
class Cluster:
    """Records merged into one entry: members in sorted-source order, why, and how sure.

    ``reason`` names every kind of evidence used (``doi``, ``arxiv``, ``title``,
    ``fuzzy``, joined by ``+``); ``score`` is the weakest link's score (1.0 for
    exact evidence, the title similarity for fuzzy links).
    """

    members: tuple[Origin, ...]
    reason: str
    score: float = 1.0
    titles: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    key: str = ""


@dataclass(frozen=True, slots=True)
class DedupeResult:
    entries: tuple[Entry, ...]
    clusters: tuple[Cluster, ...] = field(default_factory=tuple)
    refused: tuple[Refusal, ...] = field(default_factory=tuple)
