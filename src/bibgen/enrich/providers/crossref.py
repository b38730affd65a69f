"""Crossref's REST API: look up by DOI, else a bibliographic query."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from bibgen.enrich.http import Fetcher, ProviderLimits
from bibgen.enrich.match import Candidate, Subject
from bibgen.enrich.providers import Found
from bibgen.enrich.providers.parsing import date_parts, doi as clean_doi, expect, load_json, person_parts, text

NAME = "crossref"
# The public pool allows a few requests a second; the polite pool (mailto) more.
LIMITS = ProviderLimits(interval=0.25)
API = "https://api.crossref.org/works"
KINDS = {
    "journal-article": "article",
    "proceedings-article": "inproceedings",
    "posted-content": "preprint",
    "book-chapter": "incollection",
    "book": "book",
    "monograph": "book",
    "report": "report",
    "dissertation": "thesis",
}


def _item(item: Any) -> Candidate:
    expect(isinstance(item, dict) and isinstance(item.get("DOI"), str), NAME, "a work without a DOI")
    people = tuple(
        p for a in item.get("author") or [] if isinstance(a, dict) and (p := person_parts(a.get("given"), a.get("family"), a.get("name")))
    )
    year, date = "", ""
    for key in ("issued", "published-print", "published-online", "published", "created"):
        year, date = date_parts((item.get(key) or {}).get("date-parts"))
        if year:
            break
    return Candidate(
        provider=NAME,
        record_id=clean_doi(item["DOI"]),
        title=text(item.get("title")),
        authors=people,
        year=year,
        date=date,
        container=text(item.get("container-title")),
        volume=text(item.get("volume")),
        number=text(item.get("issue")),
        pages=text(item.get("page")).replace("-", "--") if "--" not in text(item.get("page")) else text(item.get("page")),
        doi=clean_doi(item["DOI"]),
        url=f"https://doi.org/{clean_doi(item['DOI'])}",
        publisher=text(item.get("publisher")),
        kind=KINDS.get(text(item.get("type")), ""),
    )


def parse(body: bytes, content_type: str = "") -> list[Candidate]:
    """Candidates of a ``/works`` answer (one work or a list)."""
    data = load_json(body, NAME)
    expect(isinstance(data, dict) and data.get("status") == "ok" and isinstance(data.get("message"), dict), NAME, "no 'message'")
    msg = data["message"]
    if data.get("message-type") == "work-list":
        items = msg.get("items")
        expect(isinstance(items, list), NAME, "'items' is not a list")
        return [_item(i) for i in items if isinstance(i, dict) and i.get("title")]
    return [_item(msg)]


def lookup(fetcher: Fetcher, subject: Subject, contact: str = "") -> Found:
    polite = {"mailto": contact} if contact else {}
    if subject.doi:
        found, date = fetcher.get(NAME, f"{API}/{quote(subject.doi, safe='/')}", parse, secret=polite)
        return Found(tuple(found or ()), date, by_id=True)
    params = {"query.bibliographic": subject.title, "rows": "10"}
    if subject.surnames:
        params["query.author"] = " ".join(subject.surnames)
    found, date = fetcher.get(NAME, API, parse, params, secret=polite)
    return Found(tuple(found or ()), date)
