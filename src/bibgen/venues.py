"""Venue -> entry type, driven by the data table ``data/venues.toml``.

Users add rules and arXiv subjects through configuration; theirs are tried first.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from bibgen.errors import ConfigError
from bibgen.model import EntryKind

_ARXIV_LINE = re.compile(r"^arxiv(?:\.org)?(?:\s+e-?prints?)?\s*(.*)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Venue:
    """What a source line says about a work: its kind and fields."""

    kind: EntryKind
    fields: Mapping[str, str]
    known: bool = True


@dataclass(frozen=True)
class VenueTable:
    """arXiv subjects and ordered regular-expression rules."""

    arxiv: Mapping[str, str]
    rules: Sequence[tuple[re.Pattern[str], EntryKind, str]] = field(default_factory=tuple)

    @classmethod
    def from_data(cls, data: Mapping[str, Any], where: str = "venues") -> VenueTable:
        arxiv = data.get("arxiv", {})
        if not isinstance(arxiv, Mapping):
            raise ConfigError(f"{where}: 'arxiv' must be a table of subject = category")
        rules = []
        for i, rule in enumerate(data.get("rule", ())):
            unknown = set(rule) - {"match", "kind", "name"}
            if unknown:
                raise ConfigError(f"{where}: rule {i + 1}: unknown key '{sorted(unknown)[0]}'")
            try:
                pattern = re.compile(rule["match"], re.IGNORECASE)
                kind = EntryKind(rule["kind"])
            except KeyError as exc:
                raise ConfigError(f"{where}: rule {i + 1}: missing key {exc}") from None
            except re.error as exc:
                raise ConfigError(f"{where}: rule {i + 1}: bad pattern: {exc}") from None
            except ValueError:
                kinds = ", ".join(k.value for k in EntryKind)
                raise ConfigError(f"{where}: rule {i + 1}: kind must be one of {kinds}") from None
            rules.append((pattern, kind, rule.get("name", "")))
        unknown = set(data) - {"arxiv", "rule"}
        if unknown:
            raise ConfigError(f"{where}: unknown key '{sorted(unknown)[0]}'")
        return cls({k.casefold(): v for k, v in arxiv.items()}, tuple(rules))

    def extended(self, user: VenueTable) -> VenueTable:
        """This table with ``user``'s subjects and rules taking precedence."""
        return VenueTable({**self.arxiv, **user.arxiv}, tuple(user.rules) + tuple(self.rules))

    def classify(self, line: str) -> Venue:
        """The venue a source line names; unknown lines become ``misc`` with ``known=False``."""
        m = _ARXIV_LINE.match(line)
        if m:
            subject = m.group(1).strip()
            fields = {"eprinttype": "arxiv", "venue": line}
            category = self.arxiv.get(subject.casefold(), "")
            if category:
                fields["eprintclass"] = category
            return Venue(EntryKind.PREPRINT, fields, known=bool(category) or not subject)
        for pattern, kind, name in self.rules:
            if pattern.search(line):
                return Venue(kind, {"container": name or line, "venue": line})
        return Venue(EntryKind.MISC, {"howpublished": line, "venue": line}, known=False)


@lru_cache(maxsize=1)
def builtin_table() -> VenueTable:
    """The table shipped with bibgen."""
    text = resources.files("bibgen").joinpath("data/venues.toml").read_text("utf-8")
    return VenueTable.from_data(tomllib.loads(text), "bibgen/data/venues.toml")
