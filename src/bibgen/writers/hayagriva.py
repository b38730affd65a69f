"""hayagriva writer (``--format hayagriva``): YAML that typst's ``#bibliography`` reads.

The tables are in :mod:`bibgen.mappings.hayagriva`. Entries are sorted by key,
fields in a fixed order; works inside another get a ``parent`` carrying the
container, publisher, location, volume, issue and (for chapters and papers)
the editors. Identifiers go in ``serial-number`` (``doi``, ``isbn``, ``issn``,
``arxiv``, ``pmid``, ...). A value hayagriva cannot parse (a year such as
``2020a``, a non-numeric page total) and any field hayagriva has no name for
is written under bibgen's field name: typst ignores such keys and bibgen's
hayagriva reader reads them back, so hayagriva -> bibgen -> hayagriva is
stable and nothing is dropped.

The writer claims no file suffix: ``-o refs.yml`` stays bibgen's own YAML
records; ask for this format with ``--format hayagriva``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import yaml

from bibgen.mappings import hayagriva as M
from bibgen.model import Entry, EntryKind, Person
from bibgen.normalize import parse_name

if TYPE_CHECKING:
    from bibgen.options import Options

_INT = re.compile(r"^[1-9]\d*$")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$|^\d{4}-\d{2}$|^\d{4}$")
_REVERSE = {v: k for k, v in M.FIELDS.items()}
# Handled by the rules below, or bibgen-internal.
_SPECIAL = frozenset(
    {"title", "shorttitle", "container", "year", "month", "day", "pages", "url", "urldate", "doi", "isbn", "issn",
     "pmid", "pmcid", "eprint", "eprinttype", "serial", "keywords", "hayagriva-type", "hayagriva-parent-type",
     "series"}
)  # fmt: skip


def hayagriva_name(p: Person) -> str | dict[str, str]:
    """``Family, Given[, Suffix]`` when that reads back the same (hayagriva's own rule), else a mapping."""
    if p.literal:
        return p.literal if "," not in p.literal else {"name": p.literal}
    if p.given and "," not in (p.family + p.given + p.particle + p.suffix):
        text = f"{p.last}, {p.given}" + (f", {p.suffix}" if p.suffix else "")
        base = parse_name(f"{p.last}, {p.given}")
        if (base.family, base.given, base.particle) == (p.family, p.given, p.particle):
            return text
    out = {"name": p.family, "given-name": p.given, "prefix": p.particle, "suffix": p.suffix}
    return {k: v for k, v in out.items() if v} or {"name": ""}


def _names(people: tuple[Person, ...], partial: bool = False) -> Any:
    names = [hayagriva_name(p) for p in people]
    if partial:
        names.append("others")  # incomplete list: the last name "others", as bibgen writes CSL-JSON
    return names[0] if len(names) == 1 else names


def _number(value: str) -> Any:
    return int(value) if _INT.match(value) and len(value) < 10 else value


def _type_for(entry: Entry) -> tuple[str, str | None]:
    canon, parent = M.KIND_TO_TYPE[entry.kind]
    kept = entry.fields.get("hayagriva-type", "").lower()
    article_kinds = {EntryKind.ARTICLE, *M.ARTICLE_PARENT_KIND.values()}
    if kept and (M.TYPE_TO_KIND.get(kept) is entry.kind or (kept == "article" and entry.kind in article_kinds)):
        canon = kept
    kept_parent = entry.fields.get("hayagriva-parent-type", "").lower()
    if kept_parent and (canon != "article" or M.ARTICLE_PARENT_KIND.get(kept_parent, EntryKind.ARTICLE) is entry.kind):
        parent = kept_parent
    return canon, parent


def hayagriva_entry(entry: Entry) -> dict[str, Any]:
    """One hayagriva entry (without its key)."""
    f = entry.fields
    kind = entry.kind
    htype, ptype = _type_for(entry)
    out: dict[str, Any] = {"type": htype}
    extra: dict[str, Any] = {}
    title = f.get("title", "")
    title_subs = {k[len("hayagriva-title-"):]: v for k, v in f.items() if k.startswith("hayagriva-title-")}
    if title and (f.get("shorttitle") or title_subs):
        out["title"] = {"value": title, **({"shorthand": f["shorttitle"]} if f.get("shorttitle") else {}), **title_subs}
    elif title:
        out["title"] = title
    elif f.get("shorttitle"):
        extra["shorttitle"] = f["shorttitle"]
    on_parent = set(M.PARENT_FIELDS) if (ptype and kind is not EntryKind.PREPRINT) else set()
    editors_on_parent = kind in (EntryKind.INCOLLECTION, EntryKind.INPROCEEDINGS) and bool(ptype)
    if entry.people.get("author"):
        out["author"] = _names(entry.people["author"], "author" in entry.partial)
    if entry.people.get("editor") and not editors_on_parent:
        out["editor"] = _names(entry.people["editor"], "editor" in entry.partial)
    year, month, day = f.get("year", ""), f.get("month", ""), f.get("day", "")
    if re.fullmatch(r"\d{4}", year):
        date = year
        if month.isdigit() and 1 <= int(month) <= 12:
            date += f"-{int(month):02d}"
            if day.isdigit() and 1 <= int(day) <= 31:
                date += f"-{int(day):02d}"
            elif day:
                extra["day"] = day
        else:
            if month:
                extra["month"] = month
            if day:
                extra["day"] = day
        out["date"] = date
    else:
        for name, value in (("year", year), ("month", month), ("day", day)):
            if value:
                extra[name] = value
    affiliated = []
    for role in sorted(entry.people):
        if role in ("author", "editor"):
            continue
        if role == "bookauthor" and ptype:
            continue
        if role in M.ROLES:
            affiliated.append({"role": role, "names": _names(entry.people[role])})
        else:
            extra[role] = [_as_mapping(hayagriva_name(p)) for p in entry.people[role]]
    if affiliated:
        out["affiliated"] = affiliated
    if f.get("pages"):
        out["page-range"] = _number(f["pages"])
    for name, value in f.items():
        if name in _SPECIAL or name in on_parent or name.startswith("hayagriva-"):
            continue
        hname = _REVERSE.get(name)
        if kind in M.ORGANIZATION_KINDS and name == "publisher":
            hname = "organization"
        elif kind in M.ORGANIZATION_KINDS and name == "organization":
            hname = None
        if hname is None or (hname in M.NUMERIC and not _INT.match(value)):
            extra[name] = value
            continue
        subs = {k[len(f"hayagriva-{name}-"):]: v for k, v in f.items() if k.startswith(f"hayagriva-{name}-")}
        out[hname] = {"value": value, **subs} if subs else _number(value) if hname in ("volume", "issue", "edition", "page-total", "volume-total") else value
    serial: dict[str, str] = {}
    for name in ("doi", "isbn", "issn", "pmid", "pmcid", "serial"):
        if f.get(name):
            serial[name] = f[name]
    if f.get("eprint"):
        serial[f.get("eprinttype") or "eprint"] = f["eprint"]
    elif f.get("eprinttype"):
        extra["eprinttype"] = f["eprinttype"]
    if serial:
        out["serial-number"] = serial
    if f.get("url"):
        if f.get("urldate") and _ISO.match(f["urldate"]):
            out["url"] = {"value": f["url"], "date": f["urldate"]}
        else:
            out["url"] = f["url"]
            if f.get("urldate"):
                extra["urldate"] = f["urldate"]
    elif f.get("urldate"):
        extra["urldate"] = f["urldate"]
    if f.get("keywords"):
        extra["keywords"] = [k.strip() for k in f["keywords"].split(";") if k.strip()]
    parent: dict[str, Any] = {}
    # A typed parent is always written: it is what makes an article a paper, a news item or a journal article.
    if f.get("container") or ptype:
        parent["type"] = ptype or M.DEFAULT_PARENT.get(htype, "misc")
        if f.get("container"):
            parent["title"] = f["container"]
        if editors_on_parent and entry.people.get("editor"):
            parent["editor"] = _names(entry.people["editor"], "editor" in entry.partial)
        if ptype and entry.people.get("bookauthor"):
            parent["author"] = _names(entry.people["bookauthor"])
        for name in M.PARENT_FIELDS:
            if name in on_parent and f.get(name):
                parent[_REVERSE[name]] = _number(f[name]) if name in ("volume", "number") else f[name]
    if f.get("series"):
        if parent:
            parent["parent"] = {"title": f["series"]}
        else:
            extra["series"] = f["series"]
    if parent:
        out["parent"] = parent
    for name in sorted(extra):
        if name not in out:
            out[name] = extra[name]
    return out


def _as_mapping(name: str | dict[str, str]) -> dict[str, str]:
    if isinstance(name, dict):
        return name
    p = parse_name(name) if "," in name else Person(literal=name)
    if p.literal:
        return {"name": p.literal}
    out = {"name": p.family, "given-name": p.given, "prefix": p.particle, "suffix": p.suffix}
    return {k: v for k, v in out.items() if v}


class HayagrivaWriter:
    """hayagriva YAML for typst's ``#bibliography("refs.yml")``."""

    name = "hayagriva"
    suffixes: tuple[str, ...] = ()

    def write(self, entries: list[Entry], options: Options) -> str:
        ordered = sorted(entries, key=lambda e: (e.key.casefold(), e.key))
        doc = {e.key: hayagriva_entry(e) for e in ordered}
        if not doc:
            return "{}\n"
        return yaml.dump(doc, Dumper=_dumper(), allow_unicode=True, sort_keys=False, default_flow_style=False, width=88)


def _dumper() -> type:
    """libyaml's emitter when PyYAML has it (10x faster on big libraries), else the pure-Python one."""
    # Both emitters write block sequences unindented under their key, so the
    # output is the same with and without libyaml.
    base = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

    class _NoAliasDumper(base):  # type: ignore[misc, valid-type]
        def ignore_aliases(self, data: Any) -> bool:
            return True

    return _NoAliasDumper
