"""YAML writer (``--format yaml``): the record schema the yaml reader reads.

Every record gets an explicit ``type`` (so the venue line is kept only as
text), fields the schema has no key for go under ``extra``, and the output
reads back to the same entries: YAML -> bibgen -> YAML is stable.
Deterministic: records sorted by key, keys in a fixed order.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml

from bibgen.model import Entry, EntryKind, Person
from bibgen.writers.biblatex import biblatex_date

if TYPE_CHECKING:
    from bibgen.options import Options

_HANDLED = frozenset(
    {"title", "container", "publisher", "volume", "number", "pages", "edition", "howpublished", "doi", "url",
     "abstract", "note", "keywords", "year", "month", "day", "eprint", "eprinttype", "eprintclass", "venue"}
)  # fmt: skip
_ORDER = ("venue", "container", "publisher", "volume", "number", "pages", "edition", "howpublished", "doi", "url")


def yaml_name(p: Person) -> str | dict[str, str]:
    """``Family, Given`` when that string reads back to the same name, else a mapping."""
    from bibgen.normalize import parse_name

    if p.literal:
        return {"literal": p.literal}
    if p.given and not p.suffix:
        text = f"{p.last}, {p.given}"
        if parse_name(text) == p:
            return text
    parts = {"family": p.family, "given": p.given, "particle": p.particle, "suffix": p.suffix}
    return {k: v for k, v in parts.items() if v}


# Kinds whose venue line the reader makes the container, and those it makes the publisher.
_VENUE_CONTAINER = frozenset({EntryKind.ARTICLE, EntryKind.INPROCEEDINGS, EntryKind.INCOLLECTION, EntryKind.NEWS,
                              EntryKind.MISC, EntryKind.ONLINE})  # fmt: skip
_VENUE_PUBLISHER = frozenset({EntryKind.BOOK, EntryKind.REPORT, EntryKind.THESIS})


def _venue_reads_back(entry: Entry) -> bool:
    """Is ``venue:`` read back as just the venue? The reader fills an absent container
    (or publisher) from the venue line; a .bib's ``venue`` is biblatex's event venue
    (Paris), no source line: both go under ``extra`` (read as the field itself)."""
    if entry.source is not None and entry.source.dialect == "bib" and entry.source.get("venue") is not None:
        return False
    if entry.kind is EntryKind.PREPRINT:
        return entry.source is None or entry.source.dialect != "bib"
    if entry.kind in _VENUE_CONTAINER:
        return bool(entry.fields.get("container"))
    if entry.kind in _VENUE_PUBLISHER:
        return bool(entry.fields.get("publisher"))
    return True


def yaml_record(entry: Entry) -> dict[str, Any]:
    """One record of the YAML schema."""
    f = entry.fields
    rec: dict[str, Any] = {}
    if entry.key:
        rec["key"] = entry.key
    rec["type"] = entry.kind.value
    if f.get("title"):
        rec["title"] = f["title"]
    for role, key in (("author", "authors"), ("editor", "editors"), ("translator", "translators")):
        people = entry.people.get(role, ())
        if people or role in entry.partial:
            names: list[Any] = [yaml_name(p) for p in people]
            if role in entry.partial:
                names.append("et al.")
            rec[key] = names
    year, month, day = f.get("year", ""), f.get("month", ""), f.get("day", "")
    extra: dict[str, str] = {}
    date = biblatex_date(year, month, day)
    if date and month:
        rec["date"] = date
    else:
        if year:
            rec["year"] = int(year) if year.isdigit() and str(int(year)) == year else year
        if month:
            extra["month"] = month
        if day:
            extra["day"] = day
    for name in _ORDER:
        if f.get(name):
            rec[name] = f[name]
    if "venue" in rec and not _venue_reads_back(entry):
        extra["venue"] = rec.pop("venue")
    if f.get("eprinttype") == "arxiv":
        if f.get("eprintclass"):
            rec["arxiv"] = {k: v for k, v in (("id", f.get("eprint", "")), ("eprintclass", f["eprintclass"])) if v}
        else:
            rec["arxiv"] = f.get("eprint", "")
    else:
        for name in ("eprinttype", "eprint", "eprintclass"):
            if f.get(name):
                extra[name] = f[name]
    if f.get("abstract"):
        rec["abstract"] = f["abstract"]
    if f.get("keywords"):
        rec["keywords"] = [k.strip() for k in f["keywords"].split(";") if k.strip()]
    if f.get("note"):
        rec["note"] = f["note"]
    if entry.aliases:
        rec["aliases"] = list(entry.aliases)
    for name, value in f.items():
        if name not in _HANDLED:
            extra[name] = value
    if extra:
        rec["extra"] = dict(sorted(extra.items()))
    return rec


class _Dumper(yaml.SafeDumper):
    """Block style; lists indented under their key; no anchors for repeated values."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


class YamlWriter:
    """The YAML record schema of :mod:`bibgen.readers.yaml`."""

    name = "yaml"
    suffixes = (".yaml", ".yml")

    def write(self, entries: list[Entry], options: Options) -> str:
        ordered = sorted(entries, key=lambda e: (e.key.casefold(), e.key))
        records = [yaml_record(e) for e in ordered]
        if not records:
            return "records: []\n"
        return yaml.dump(
            {"records": records},
            Dumper=_Dumper,
            allow_unicode=True,
            sort_keys=False,
            default_flow_style=False,
            width=88,
        )
