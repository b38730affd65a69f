"""Merge the records of one work into one entry: nothing is lost, conflicts are reported with both places, the best key and values win."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from operator import attrgetter

from bibgen.dedupe.rule import _given_ok
from bibgen.errors import Diagnostics
from bibgen.model import Entry, EntryKind, Fields, Origin, Person
from bibgen.normalize import (
    arxiv_from_doi,
    fold,
    normalize_doi,
    normalize_number,
)

# Suffixes of files whose keys the user wrote (most authoritative first): see merge().
_KEY_AUTHORITY = {".bib": 3, ".bibtex": 3, ".biblatex": 3, ".yaml": 2, ".yml": 2, ".json": 2}


# Higher wins when merged records disagree on the type: a published version
# beats a preprint, which beats an untyped record.
_KIND_RANK = {
    EntryKind.MISC: 0,
    EntryKind.ONLINE: 1,
    EntryKind.NEWS: 1,
    EntryKind.PREPRINT: 2,
    EntryKind.REPORT: 3,
    EntryKind.THESIS: 3,
    EntryKind.INCOLLECTION: 4,
    EntryKind.BOOK: 4,
    EntryKind.INPROCEEDINGS: 4,
    EntryKind.ARTICLE: 4,
}


# Fields that belong to the winning (published) version, taken together from
# the record whose kind wins; others fill them only where it has none.
_VENUE_FIELDS = ("container", "howpublished", "venue", "publisher", "volume", "number", "pages", "year", "month", "day", "doi")


# A date comes whole from one record: never the year of one version and the day of another.
_DATE_FIELDS = ("year", "month", "day")


# Fields that describe the preprint and are kept from whichever record has them.
_PREPRINT_FIELDS = ("eprint", "eprinttype", "eprintclass")


@lru_cache(maxsize=65536)  # the same people recur across a corpus
def person_id(p: Person) -> tuple[str, str]:
    """Who a person is for merging: folded family name and first initial."""
    if p.literal:
        return (fold(p.literal), "")
    return (fold(p.last), fold(p.given)[:1])


def merge_people(lists: Iterable[tuple[Person, ...]]) -> tuple[Person, ...]:
    """Union in first-seen order; a fuller given name replaces an initial."""
    out: list[Person] = []
    where: dict[tuple[str, str], int] = {}
    for people in lists:
        for p in people:
            pid = person_id(p)
            if pid in where:
                k = where[pid]
                if len(p.given) > len(out[k].given):
                    out[k] = p
                continue
            where[pid] = len(out)
            out.append(p)
    return tuple(out)


def merge(members: Sequence[Entry], diagnostics: Diagnostics) -> Entry:
    """One entry from records of one work, given in sorted-source order.

    Rules, in order:

    - the published kind wins (article, proceedings paper, book, … over report
      over preprint over web page or misc) and brings its venue, volume, pages,
      date and DOI; other records only fill what it lacks, except the date,
      which comes whole from one record (the published one when it has a year);
      a preprint's differing date becomes ``origdate``;
    - arXiv fields (``eprint``, ``eprinttype``, ``eprintclass``) are kept from
      whichever record has them; an arXiv DOI on a published entry becomes its eprint;
    - the title most records agree on wins (ties: the winning record's, then the earliest);
    - the longer abstract wins; keywords are united;
    - people: the lead's complete list (else the first complete one) as it is,
      with fuller given names from other records for the same people; only
      partial lists (author pages) are united (:func:`_merge_role`);
    - any other field: the earliest source wins, and when another source
      disagrees a warning names both sources;
    - the most authoritative key stays the key (a ``.bib`` key over a YAML or
      CSL-JSON id; among equals the earliest source), the others become aliases.
    """
    lead = members[0]
    lead_rank = _KIND_RANK[lead.kind]
    for m in members:  # the first of the highest rank, as max() would pick
        rank = _KIND_RANK[m.kind]
        if rank > lead_rank:
            lead, lead_rank = m, rank
    lead_origin = lead.origin
    fields: dict[str, str] = {}
    source: dict[str, Origin] = {}
    for name, value in lead.fields.items():
        if name in _VENUE_SET:
            fields[name] = value
            source[name] = lead_origin
    dated = lead if "year" in fields else next((m for m in members if "year" in m.fields), None)
    if dated is not None and dated is not lead:
        for name in _DATE_FIELDS:
            if name in dated.fields:
                fields[name] = dated.fields[name]
                source[name] = dated.origin
    if dated is not None and lead.kind is not EntryKind.PREPRINT:
        pre = next((m for m in members if _KIND_RANK[m.kind] <= _KIND_RANK[EntryKind.PREPRINT] and m is not dated
                    and "year" in m.fields and ("eprint" in m.fields or m.kind is EntryKind.PREPRINT)), None)
        if pre is not None and _date_of(pre) != _date_of(dated) and "origdate" not in fields:
            fields["origdate"] = _date_of(pre)  # biblatex's origdate, CSL's original-date
    dates_done = dated is not None
    titles: dict[str, int] = {}  # counts in first-seen order (what Counter does, without its overhead)
    keywords: list[str] = []
    for m in members:
        m_origin = m.origin
        for name, value in m.fields.items():
            if name == "title":
                titles[value] = titles.get(value, 0) + 1
                continue
            if dates_done and name in _DATE_FIELDS:
                continue
            if name == "keywords":
                keywords.append(value)
            kept = fields.get(name)
            if kept is None:
                fields[name] = value
                source[name] = m_origin
            elif name in _VENUE_SET and m is not lead and _same_origin(source[name], lead_origin):
                if _KIND_RANK[m.kind] == lead_rank and _differ(value, kept, name):
                    _conflict(diagnostics, name, kept, source[name], value, m_origin)
            elif name == "abstract":
                if len(value) > len(kept):
                    fields[name] = value
                    source[name] = m_origin
            elif name in _PREPRINT_FIELDS or name in ("keywords", "url", "venue"):
                continue
            elif _differ(value, kept, name):
                _conflict(diagnostics, name, kept, source[name], value, m_origin)
    if titles:
        best = max(titles.values())
        tied = [t for t in titles if titles[t] == best]
        lead_title = lead.fields.get("title", "")
        fields["title"] = lead_title if lead_title in tied else next(m.title for m in members if m.title in tied)
    arxiv_doi = arxiv_from_doi(fields["doi"]) if "doi" in fields else ""
    if arxiv_doi and lead.kind is not EntryKind.PREPRINT:
        del fields["doi"]
        if "eprint" not in fields:
            fields["eprint"], fields["eprinttype"] = arxiv_doi, "arxiv"
    merged_keywords = _merge_keywords(keywords) if keywords else ""
    if merged_keywords:
        fields["keywords"] = merged_keywords
    roles = sorted({r for m in members for r in m.people})
    people = {r: _merge_role(r, lead, members) for r in roles}
    partial = frozenset(r for r in roles if all(r in m.partial or r not in m.people for m in members))
    origins = _sorted_origins(members)
    if any(m.key or m.aliases for m in members):
        keys = list(dict.fromkeys(a for m in members for a in (*((m.key,) if m.key else ()), *m.aliases)))
        # The most authoritative key survives: one written in a .bib, then a YAML or
        # CSL-JSON id; among equals the earliest source. The others stay as aliases.
        keyed = [m for m in members if m.key]
        key = max(keyed, key=_key_authority).key if keyed else ""
        aliases = tuple(k for k in keys if k != key)
    else:
        key, aliases = "", ()
    nocase = tuple(dict.fromkeys(n for m in members for n in m.nocase)) if any(m.nocase for m in members) else ()
    return Entry(
        kind=lead.kind,
        fields=Fields(fields),
        people=people,
        origin=members[0].origin,
        key=key,
        partial=partial,
        origins=origins,
        aliases=aliases,
        nocase=nocase,
    )


_VENUE_SET = frozenset(_VENUE_FIELDS)


def _same_origin(a: Origin, b: Origin) -> bool:
    return a is b or a == b  # (identity first: Origin's == is a Python call)


_ORIGIN_KEY = attrgetter("path", "line", "column")  # what Origin's order compares, as a tuple (in C)


def _sorted_origins(members: Sequence[Entry]) -> tuple[Origin, ...]:
    """``tuple(sorted({o for m in members for o in m.origins}))``, comparing tuples in C instead of Origins in Python."""
    found = sorted((o for m in members for o in m.origins), key=_ORIGIN_KEY)  # stable: the first of equals leads
    out = [found[0]] if found else []
    last = _ORIGIN_KEY(found[0]) if found else None
    for o in found[1:]:
        k = _ORIGIN_KEY(o)
        if k != last:
            out.append(o)
            last = k
    return tuple(out)


def _key_authority(e: Entry) -> int:
    path = e.origin.path
    return _KEY_AUTHORITY.get(path[path.rfind("."):].lower(), 1) if "." in path else 1


def _date_of(e: Entry) -> str:
    """``2019``, ``2019-10`` or ``2019-10-11`` from a record's year, month and day."""
    f = e.fields
    parts = [f.get("year", "")]
    month = normalize_number(f.get("month", "")) if f.get("month") else ""
    month = month if month.isdigit() else _MONTH_NUMBER.get(f.get("month", "").lower()[:3], "")
    if month:
        parts.append(month.zfill(2))
        day = f.get("day", "")
        if day.isdigit():
            parts.append(day.zfill(2))
    return "-".join(parts)


_MONTH_NUMBER = {m: str(i) for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


def _merge_role(role: str, lead: Entry, members: Sequence[Entry]) -> tuple[Person, ...]:
    """One list of people for ``role``: never a union of two complete lists.

    A complete list (one a .bib or YAML record gives) is the list: the lead's
    (the published version's) when it has one, else the earliest. Other lists
    only lend fuller given names to the same people (same family name and
    initial). Without a complete list the partial lists (author pages, each
    knowing some of the authors) are united in sorted-source order.
    """
    complete = [m for m in members if role in m.people and role not in m.partial]
    if not complete:
        return merge_people(m.people.get(role, ()) for m in members)
    base = lead if lead in complete else complete[0]
    out = list(base.people[role])
    where = {person_id(p): k for k, p in enumerate(out)}
    for m in members:
        for p in m.people.get(role, ()):
            k = where.get(person_id(p))
            if k is not None and len(p.given) > len(out[k].given) and _given_ok(fold(out[k].given), fold(p.given)):
                out[k] = p
    return tuple(out)


def _differ(a: str, b: str, name: str) -> bool:
    """Do two values of field ``name`` differ beyond case and accents (for a DOI: beyond its spelling)?

    Most merged values are equal: no folding then.
    """
    if a == b or fold(a) == fold(b):
        return False
    if name == "pages":
        from bibgen.validate import same_pages

        return not same_pages(a, b)  # 770-778 and 770--778 are one range
    return name != "doi" or normalize_doi(a) != normalize_doi(b)


def _conflict(diagnostics: Diagnostics, name: str, kept: str, kept_from: Origin, other: str, other_from: Origin) -> None:
    diagnostics.warn(f"conflicting {name}: kept {kept!r} from {kept_from}, not {other!r} from {other_from}", other_from)


def _merge_keywords(values: Iterable[str]) -> str:
    seen: dict[str, str] = {}
    for value in values:
        for kw in (value or "").split(";"):
            kw = kw.strip()
            if kw:
                seen.setdefault(fold(kw), kw)
    return "; ".join(seen.values())
