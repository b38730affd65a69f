"""Faults from a local fake API server (127.0.0.1, threaded http.server): each ends with a clear
message, the other entries still filled correctly, and nothing bad in the cache."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from bibgen.enrich.cache import ResponseCache
from bibgen.enrich.http import FetchSettings, Fetcher, ProviderLimits
from bibgen.enrich.lock import Lock
from bibgen.enrich.stage import EnrichPolicy, apply_lock, lookup
from tests.unit.test_enrich import body, entry

GOOD_DOI = "10.1371/journal.pone.0033693"
GOOD_TITLE = "Methylphenidate Exposure Induces Dopamine Neuron Loss and Activation of Microglia in the Basal Ganglia of Mice"
GOOD = body("crossref-work-10.1371-journal.pone.0033693.json")
ARXIV = body("arxiv-id-1605.08386.json")


class Handler(BaseHTTPRequestHandler):
    calls: dict[str, int] = {}

    def log_message(self, *args):  # keep test output quiet
        pass

    def send(self, status: int, data: bytes, ctype: str = "application/json", extra: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # noqa: N802
        path = self.path.split("?")[0]
        fault = path.rsplit("/", 1)[-1]
        n = Handler.calls[fault] = Handler.calls.get(fault, 0) + 1
        if "/api/query" in path:  # arXiv: the fault is in the id_list
            if "search_query=" in self.path:
                return self.send(200, b"<feed xmlns='http://www.w3.org/2005/Atom'><entry><id>", "application/atom+xml")
            return self.send(200, ARXIV, "application/atom+xml")
        if path.endswith(GOOD_DOI.split("/")[1]):
            return self.send(200, GOOD)
        if fault == "timeout":
            time.sleep(1.5)
            try:
                return self.send(200, GOOD)
            except (BrokenPipeError, ConnectionResetError):
                return None
        if fault == "ratelimited":
            if n == 1:
                return self.send(429, b"slow down", "text/plain", {"Retry-After": "2"})
            return self.send(200, GOOD.replace(GOOD_DOI.encode(), b"10.9999/ratelimited"))
        if fault == "toolong":
            return self.send(429, b"", "text/plain", {"Retry-After": "3600"})
        if fault == "error500":
            return self.send(500, b"Internal Server Error", "text/plain")
        if fault == "truncated":
            return self.send(200, GOOD[: len(GOOD) // 2])
        if fault == "html":
            return self.send(200, b"<html><body>maintenance</body></html>", "text/html")
        if fault == "huge":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()  # no Content-Length: the size is only known while reading
            try:
                for _ in range(200):
                    self.wfile.write(b" " * 65536)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return None
        return self.send(404, b'{"message":"not found"}')


@pytest.fixture(scope="module")
def server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv.server_address[1]
    srv.shutdown()
    srv.server_close()


class ToLocal(httpx.BaseTransport):
    """Send every request to the fake server instead of the provider's host."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.inner = httpx.HTTPTransport()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(scheme="http", host="127.0.0.1", port=self.port)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


CASES = {
    "timeout": "timed out after 0.5 s",
    "toolong": "asked to wait 3600 s",
    "error500": "HTTP 500 (gave up after 3 attempts)",
    "truncated": "invalid JSON",
    "html": "unexpected content type 'text/html'",
    "huge": "larger than the limit of 1000000 bytes",
}


def run(tmp_path: Path, port: int, fault_doi: str):
    waits: list[float] = []
    cache = ResponseCache(tmp_path / "cache.sqlite")
    settings = FetchSettings(timeout=0.5, retries=2, backoff=0.01, max_wait=60, max_bytes=1_000_000, sleep=waits.append)
    f = Fetcher(cache, settings, ToLocal(port), {"crossref": ProviderLimits(0.0), "arxiv": ProviderLimits(0.0, ("application/atom+xml",))})
    pol = EnrichPolicy(lock=tmp_path / "lock.json", providers=("crossref",), concurrency=2)
    good = entry(GOOD_TITLE, ["Sadasivan, Shankar"], line=1, doi=GOOD_DOI)
    bad = entry(GOOD_TITLE + " Again", ["Sadasivan, Shankar"], line=2, doi=fault_doi)
    lock = Lock(pol.lock)
    try:
        summary = lookup([good, bad], pol, f, lock)
    finally:
        f.close()
    pol.lock.write_text(lock.dump(), "utf-8")
    return summary, cache, waits, apply_lock([good, bad], pol), [good, bad]


@pytest.mark.parametrize("fault", sorted(CASES))
def test_fault_is_reported_and_not_cached(tmp_path, server, fault):
    summary, cache, waits, (good, bad), originals = run(tmp_path, server, f"10.9999/{fault}")
    assert (summary.filled, summary.failed) == (1, 1), summary
    [message] = summary.messages
    assert message.startswith("src.txt:2:1: crossref: ") and CASES[fault] in message
    assert "\n" not in message
    # The good entry is complete and correct; the failed one is untouched.
    assert (good.get("container"), good.get("pages"), good.get("year")) == ("PLoS ONE", "e33693", "2012")
    assert bad == originals[1]
    # Only the good response is cached: no poisoned entry for the fault.
    assert len(cache) == 1 and cache.get(f"https://api.crossref.org/works/10.9999/{fault}") is None
    if fault == "toolong":
        assert waits == []  # refused at once, no hour-long sleep


def test_retry_after_is_honoured(tmp_path, server):
    summary, cache, waits, (good, bad), _ = run(tmp_path, server, "10.9999/ratelimited")
    assert summary.failed == 0 and summary.filled == 2
    assert 2.0 in waits  # the server's Retry-After, not the back-off
    assert bad.get("doi") == "10.9999/ratelimited" and bad.get("container") == "PLoS ONE"


def test_invalid_xml_from_arxiv(tmp_path, server):
    cache = ResponseCache(tmp_path / "cache.sqlite")
    f = Fetcher(cache, FetchSettings(timeout=2, sleep=lambda s: None), ToLocal(server), {"arxiv": ProviderLimits(0.0, ("application/atom+xml",))})
    pol = EnrichPolicy(lock=tmp_path / "lock.json", providers=("arxiv",))
    bad = entry("Heat-bath random walks with Markov bases", ["Windisch, Tobias"])  # a title search: invalid XML
    good = entry("Heat-bath random walks with Markov bases", ["Stanley, Caprice"], line=3, eprint="1605.08386", eprinttype="arxiv")
    s = lookup([bad, good], pol, f, Lock(pol.lock))
    f.close()
    assert s.failed == 1 and s.filled == 1
    assert any("arxiv: invalid XML" in m for m in s.messages)
    assert len(cache) == 1
