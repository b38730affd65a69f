"""Semantic Scholar's Graph API: look up by DOI or arXiv id, else a title search."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from bibgen.enrich.http import Fetcher, ProviderLimits
from bibgen.enrich.match import Candidate, Subject
from bibgen.enrich.providers import Found
from bibgen.enrich.providers.parsing import doi as clean_doi, expect, load_json, person, text

NAME = "semanticscholar"
# Without an API key the shared pool is small: one request a second at most.
LIMITS = ProviderLimits(interval=1.0)
API = "https://api.semanticscholar.org/graph/v1/paper"
FIELDS = "title,authors,year,venue,journal,externalIds,publicationDate,url,publicationTypes"


def _paper(p: Any) -> Candidate | None:
    if not isinstance(p, dict):
        return None  # the batch endpoint answers null for an unknown id
    expect(isinstance(p.get("paperId"), str), NAME, "a paper without paperId")
    ext = p.get("externalIds") if isinstance(p.get("externalIds"), dict) else {}
    journal = p.get("journal") if isinstance(p.get("journal"), dict) else {}
    doi = clean_doi(ext.get("DOI"))
    page = text(journal.get("pages")).replace(" ", "")
    if "-" in page and "--" not in page:
        page = page.replace("-", "--")
    return Candidate(
        provider=NAME,
        record_id=p["paperId"],
        title=text(p.get("title")),
        authors=tuple(q for a in p.get("authors") or [] if isinstance(a, dict) and (q := person(a.get("name")))),
        year=text(p.get("year")),
        date=text(p.get("publicationDate")),
        container=text(journal.get("name")) or text(p.get("venue")),
        volume=text(journal.get("volume")),
        pages=page,
        doi=doi,
        eprint=text(ext.get("ArXiv")),
        url=f"https://doi.org/{doi}" if doi else text(p.get("url")),
    )


def parse(body: bytes, content_type: str = "") -> list[Candidate]:
    """Candidates of a paper, a batch (list) or a search (``data``) answer."""
    data = load_json(body, NAME)
    if isinstance(data, list):
        return [c for p in data if (c := _paper(p)) is not None]
    expect(isinstance(data, dict), NAME, "not an object")
    if "data" in data:
        expect(isinstance(data["data"], list), NAME, "'data' is not a list")
        return [c for p in data["data"] if (c := _paper(p)) is not None and c.title]
    c = _paper(data)
    return [c] if c else []


def lookup(fetcher: Fetcher, subject: Subject, contact: str = "") -> Found:
    if subject.doi or subject.eprint:
        ident = f"DOI:{subject.doi}" if subject.doi else f"ARXIV:{subject.eprint}"
        found, date = fetcher.get(NAME, f"{API}/{quote(ident, safe=':/')}", parse, {"fields": FIELDS})
        return Found(tuple(found or ()), date, by_id=True)
    found, date = fetcher.get(NAME, f"{API}/search", parse, {"query": subject.title, "fields": FIELDS, "limit": "10"})
    return Found(tuple(found or ()), date)
