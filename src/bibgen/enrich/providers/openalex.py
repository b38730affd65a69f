"""OpenAlex's works API: look up by DOI, else a title search."""

from __future__ import annotations

from typing import Any

from bibgen.enrich.http import Fetcher, ProviderLimits
from bibgen.enrich.match import Candidate, Subject
from bibgen.enrich.providers import Found
from bibgen.enrich.providers.parsing import doi as clean_doi, expect, load_json, pages, person, text

NAME = "openalex"
LIMITS = ProviderLimits(interval=0.2)
API = "https://api.openalex.org/works"
KINDS = {"preprint": "preprint", "book": "book", "book-chapter": "incollection", "dissertation": "thesis", "report": "report"}


def _work(w: Any) -> Candidate:
    expect(isinstance(w, dict) and isinstance(w.get("id"), str), NAME, "a work without an id")
    ident = w["id"].rsplit("/", 1)[-1]
    authors = tuple(
        p for a in w.get("authorships") or [] if isinstance(a, dict) and (p := person((a.get("author") or {}).get("display_name")))
    )
    loc = w.get("primary_location") if isinstance(w.get("primary_location"), dict) else {}
    source = loc.get("source") if isinstance(loc.get("source"), dict) else {}
    biblio = w.get("biblio") if isinstance(w.get("biblio"), dict) else {}
    ids = w.get("ids") if isinstance(w.get("ids"), dict) else {}
    doi = clean_doi(w.get("doi"))
    return Candidate(
        provider=NAME,
        record_id=ident,
        title=text(w.get("title") or w.get("display_name")),
        authors=authors,
        year=text(w.get("publication_year")),
        date=text(w.get("publication_date")),
        container=text(source.get("display_name")),
        volume=text(biblio.get("volume")),
        number=text(biblio.get("issue")),
        pages=pages(biblio.get("first_page"), biblio.get("last_page")),
        doi=doi,
        url=f"https://doi.org/{doi}" if doi else text(loc.get("landing_page_url")),
        publisher=text(source.get("host_organization_name")),
        kind=KINDS.get(text(w.get("type")), ""),
        eprint=text(ids.get("arxiv")).rsplit("/", 1)[-1] if ids.get("arxiv") else "",
    )


def parse(body: bytes, content_type: str = "") -> list[Candidate]:
    """Candidates of ``/works/<id>`` or ``/works?search=`` answers."""
    data = load_json(body, NAME)
    expect(isinstance(data, dict), NAME, "not an object")
    if "results" in data:
        expect(isinstance(data["results"], list), NAME, "'results' is not a list")
        return [_work(w) for w in data["results"] if isinstance(w, dict) and (w.get("title") or w.get("display_name"))]
    return [_work(data)]


def lookup(fetcher: Fetcher, subject: Subject, contact: str = "") -> Found:
    polite = {"mailto": contact} if contact else {}
    if subject.doi:
        found, date = fetcher.get(NAME, f"{API}/doi:{subject.doi}", parse, secret=polite)
        return Found(tuple(found or ()), date, by_id=True)
    found, date = fetcher.get(NAME, API, parse, {"search": subject.title, "per-page": "10"}, secret=polite)
    return Found(tuple(found or ()), date)
