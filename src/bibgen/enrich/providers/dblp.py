"""DBLP's publication search (JSON)."""

from __future__ import annotations

import re
from typing import Any

from bibgen.enrich.http import Fetcher, ProviderLimits
from bibgen.enrich.match import Candidate, Subject
from bibgen.enrich.providers import Found
from bibgen.enrich.providers.parsing import doi as clean_doi, expect, load_json, person, text

NAME = "dblp"
LIMITS = ProviderLimits(interval=1.0)
API = "https://dblp.org/search/publ/api"
KINDS = {
    "Journal Articles": "article",
    "Conference and Workshop Papers": "inproceedings",
    "Parts in Books or Collections": "incollection",
    "Books and Theses": "book",
    "Informal and Other Publications": "misc",
}
_HOMONYM = re.compile(r"\s+\d{4}$")  # "H. Bast 0001": dblp's number for namesakes


def _authors(info: dict[str, Any]) -> tuple:
    raw = (info.get("authors") or {}).get("author") if isinstance(info.get("authors"), dict) else None
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raw = [raw]
    out = []
    for a in raw:
        name = a.get("text") if isinstance(a, dict) else a
        p = person(_HOMONYM.sub("", text(name)))
        if p:
            out.append(p)
    return tuple(out)


def _hit(hit: Any) -> Candidate | None:
    if not isinstance(hit, dict) or not isinstance(hit.get("info"), dict):
        return None
    info = hit["info"]
    key = text(info.get("key"))
    title = text(info.get("title")).rstrip(".")
    if not key or not title:
        return None
    venue, volume = text(info.get("venue")), text(info.get("volume"))
    eprint, kind = "", KINDS.get(text(info.get("type")), "")
    if venue == "CoRR" and volume.startswith("abs/"):
        eprint, venue, volume, kind = volume[4:], "", "", "preprint"
    return Candidate(
        provider=NAME,
        record_id=key,
        title=title,
        authors=_authors(info),
        year=text(info.get("year")),
        container=venue,
        volume=volume,
        number=text(info.get("number")),
        pages=text(info.get("pages")).replace("-", "--") if "--" not in text(info.get("pages")) else text(info.get("pages")),
        doi=clean_doi(info.get("doi")),
        url=text(info.get("ee")) or text(info.get("url")),
        eprint=eprint,
        kind=kind,
    )


def parse(body: bytes, content_type: str = "") -> list[Candidate]:
    """Candidates of a ``/search/publ/api?format=json`` answer."""
    data = load_json(body, NAME)
    expect(isinstance(data, dict) and isinstance(data.get("result"), dict), NAME, "no 'result'")
    hits = data["result"].get("hits")
    expect(isinstance(hits, dict), NAME, "no 'hits'")
    raw = hits.get("hit", [])
    if isinstance(raw, dict):
        raw = [raw]
    expect(isinstance(raw, list), NAME, "'hit' is not a list")
    return [c for h in raw if (c := _hit(h)) is not None]


def lookup(fetcher: Fetcher, subject: Subject, contact: str = "") -> Found:
    query = subject.title if not subject.surnames else f"{subject.title} {subject.surnames[0]}"
    found, date = fetcher.get(NAME, API, parse, {"q": query, "format": "json", "h": "10"})
    return Found(tuple(found or ()), date)
