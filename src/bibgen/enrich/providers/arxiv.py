"""arXiv's API (Atom feed): look up by arXiv id, else search by title."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from bibgen.enrich.http import Fetcher, ProviderLimits, ResponseError
from bibgen.enrich.match import Candidate, Subject
from bibgen.enrich.providers import Found
from bibgen.enrich.providers.parsing import doi as clean_doi, person, text
from bibgen.normalize import title_tokens

NAME = "arxiv"
# arXiv asks for no more than one request every three seconds.
LIMITS = ProviderLimits(interval=3.0, content_types=("application/atom+xml", "application/xml", "text/xml"))
API = "https://export.arxiv.org/api/query"
_NS = {"a": "http://www.w3.org/2005/Atom", "arxiv": "http://arxiv.org/schemas/atom", "os": "http://a9.com/-/spec/opensearch/1.1/"}
_VERSION = re.compile(r"v\d+$")


def parse(body: bytes, content_type: str = "") -> list[Candidate]:
    """Candidates of an arXiv Atom feed."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise ResponseError(f"arxiv: invalid XML ({exc})") from None
    if root.tag != "{http://www.w3.org/2005/Atom}feed":
        raise ResponseError("arxiv: unexpected response (not an Atom feed)")
    out = []
    for e in root.findall("a:entry", _NS):
        ident = text(e.findtext("a:id", "", _NS))
        if "/api/errors" in ident:
            continue  # arXiv answers a malformed id with an error entry: no such record
        m = re.search(r"arxiv\.org/abs/(.+)$", ident)
        if not m:
            raise ResponseError("arxiv: unexpected response (entry without an abs id)")
        eprint = _VERSION.sub("", m.group(1))
        published = text(e.findtext("a:published", "", _NS))
        authors = tuple(p for a in e.findall("a:author", _NS) if (p := person(a.findtext("a:name", "", _NS))))
        primary = e.find("arxiv:primary_category", _NS)
        out.append(
            Candidate(
                provider=NAME,
                record_id=eprint,
                title=text(e.findtext("a:title", "", _NS)),
                authors=authors,
                year=published[:4],
                date=published[:10],
                eprint=eprint,
                eprintclass=primary.get("term", "") if primary is not None else "",
                url=f"https://arxiv.org/abs/{eprint}",
                kind="preprint",
                published_doi=clean_doi(e.findtext("arxiv:doi", "", _NS)),
                journal_ref=text(e.findtext("arxiv:journal_ref", "", _NS)),
            )
        )
    return out


def _title_query(title: str) -> str:
    words = [w for w in title_tokens(title) if w.isascii()]
    return " AND ".join(f"ti:{w}" for w in words[:12])


def lookup(fetcher: Fetcher, subject: Subject, contact: str = "") -> Found:
    if subject.eprint:
        found, date = fetcher.get(NAME, API, parse, {"id_list": subject.eprint, "max_results": "1"})
        return Found(tuple(found or ()), date, by_id=True)
    query = _title_query(subject.title)
    if not query:
        return Found((), "")
    found, date = fetcher.get(NAME, API, parse, {"search_query": query, "max_results": "10"})
    return Found(tuple(found or ()), date)
