"""The providers, one module each, in the default order of :data:`DEFAULT_ORDER`.

A provider module has ``NAME``, ``LIMITS`` (:class:`~bibgen.enrich.http.ProviderLimits`)
and ``lookup(fetcher, subject, contact) -> Found``: candidates for the work by
identifier when the entry has one the provider knows, else by a bibliographic
search. Parsers raise :class:`~bibgen.enrich.http.ResponseError` for anything
that is not the documented response shape, so nothing malformed is cached.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

from bibgen.enrich.match import Candidate

DEFAULT_ORDER = ("arxiv", "crossref", "dblp", "openalex", "semanticscholar")
_MODULES = {
    "arxiv": "bibgen.enrich.providers.arxiv",
    "crossref": "bibgen.enrich.providers.crossref",
    "dblp": "bibgen.enrich.providers.dblp",
    "openalex": "bibgen.enrich.providers.openalex",
    "semanticscholar": "bibgen.enrich.providers.semanticscholar",
}


@dataclass(frozen=True, slots=True)
class Found:
    """What one provider returned for one entry: candidates, the retrieval date, and whether by identifier."""

    candidates: tuple[Candidate, ...]
    retrieved: str
    by_id: bool = False


def provider(name: str) -> ModuleType:
    """The module of provider ``name``."""
    return importlib.import_module(_MODULES[name])


def names() -> tuple[str, ...]:
    return tuple(_MODULES)
