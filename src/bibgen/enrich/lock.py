"""The enrichment lock: what ``bibgen enrich`` decided for each work, with provenance.

The lock is a JSON file in the project (default ``bibgen-enrich.lock`` beside
the configuration), meant to be committed. It holds, for every work looked up,
the decision (matched, ambiguous, not-found), the values to fill and, for each
value, the provider, the provider's record id and the retrieval date. ``export``
and ``sync`` read only the lock — never the network, never the user cache — so
their output is the same on every machine and ``sync --check`` stays fast.

Records are found again by the work's folded title and the facts the lookup
used (known surnames, year, identifiers). When a source later gains a
co-author the exact facts change; the record still applies when the title is
the same and every surname the entry now knows is in the recorded author list.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bibgen.enrich.match import Subject
from bibgen.errors import ConfigError, InputError, UnreadableError
from bibgen.model import Origin, Person
from bibgen.normalize import title_key

VERSION = 1
DEFAULT_NAME = "bibgen-enrich.lock"


def subject_id(subject: Subject) -> str:
    """The lock's key for a subject: folded title, then a short hash of the other facts."""
    facts = json.dumps([list(subject.surnames), subject.year, subject.doi, subject.eprint])
    return f"{title_key(subject.title)[:60]}#{hashlib.blake2b(facts.encode(), digest_size=4).hexdigest()}"


def person_to_json(p: Person) -> dict[str, str]:
    return {k: v for k, v in (("family", p.family), ("given", p.given), ("particle", p.particle), ("suffix", p.suffix), ("literal", p.literal)) if v}


def person_from_json(d: Mapping[str, Any]) -> Person:
    """A Person from the lock (which a user may edit: anything but text is dropped)."""
    from bibgen.normalize import clean_text

    def part(k: str) -> str:
        v = d.get(k, "")
        return clean_text(v) if isinstance(v, str) else ""

    return Person(part("family"), part("given"), part("particle"), part("suffix"), part("literal"))


@dataclass
class Lock:
    """The lock file's records, keyed by :func:`subject_id`."""

    path: Path
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    _by_title: dict[str, list[str]] | None = None

    @classmethod
    def load(cls, path: Path) -> Lock:
        """The lock at ``path``; an empty one when the file does not exist."""
        try:
            text = path.read_text("utf-8")
        except FileNotFoundError:
            return cls(path)
        except (OSError, UnicodeDecodeError) as exc:
            raise UnreadableError(f"cannot read the enrichment lock: {exc}", Origin(str(path), 1, 1)) from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"invalid enrichment lock: {exc.msg}", Origin(str(path), exc.lineno, exc.colno)) from None
        if not isinstance(data, dict) or data.get("version") != VERSION or not isinstance(data.get("works"), dict):
            raise InputError(f"not a version-{VERSION} bibgen enrichment lock", Origin(str(path), 1, 1), "run 'bibgen enrich --refresh'")
        return cls(path, dict(data["works"]))

    def dump(self) -> str:
        """The file text: sorted, indented, one stable byte sequence for the same records."""
        data = {"version": VERSION, "works": {k: self.records[k] for k in sorted(self.records)}}
        return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n"

    def put(self, subject: Subject, record: dict[str, Any]) -> None:
        self.records[subject_id(subject)] = record
        self._by_title = None

    def titles(self) -> frozenset[str]:
        """The title part of every key: entries with other titles need no closer look."""
        return frozenset(k.split("#", 1)[0] for k in self.records)

    def find(self, subject: Subject) -> dict[str, Any] | None:
        """The record for ``subject``: the exact one, else one for the same title whose authors include the entry's."""
        exact = self.records.get(subject_id(subject))
        if exact is not None:
            return exact
        if self._by_title is None:
            index: dict[str, list[str]] = {}
            for k in sorted(self.records):
                index.setdefault(k.split("#", 1)[0], []).append(k)
            self._by_title = index
        for k in self._by_title.get(title_key(subject.title)[:60], ()):
            rec = self.records[k]
            if rec.get("status") != "matched" or rec.get("title_key") != title_key(subject.title):
                continue
            if subject.doi and rec.get("query", {}).get("doi") not in ("", subject.doi):
                continue
            known = set(rec.get("query", {}).get("surnames", ())) | set(rec.get("surnames", ()))
            if subject.surnames and set(subject.surnames) <= known:
                return rec
        return None


def check_lock_path(value: Any, where: Origin | None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError("'enrich.lock' must be a file name", where)
    return value


def names_of(people: Iterable[Person]) -> list[dict[str, str]]:
    return [person_to_json(p) for p in people]
