"""Polite HTTP for the providers: timeouts, retries, ``Retry-After``, rate limits and size limits.

Every request goes through :class:`Fetcher.get`, which

* answers from the :class:`~bibgen.enrich.cache.ResponseCache` unless
  ``refresh`` is set; under ``offline`` a request the cache cannot answer is
  :class:`OfflineMiss`, and the network is never touched;
* waits for the provider's rate limit (one request per ``interval`` seconds,
  shared by all threads);
* retries timeouts, connection errors, 429 and 5xx up to ``retries`` times,
  sleeping for ``Retry-After`` when the server sends one (and giving up when it
  asks for longer than ``max_wait``), else with exponential back-off;
* refuses a response larger than ``max_bytes`` or of the wrong content type;
* hands the body to the provider's parser and stores it in the cache only when
  the parser accepted it.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, TypeVar

import httpx

from bibgen.enrich.cache import CachedResponse, ResponseCache

T = TypeVar("T")
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


class FetchError(Exception):
    """A request that failed for good; the message is one line for the user."""


class OfflineMiss(FetchError):
    """``--offline`` and the cache has no answer for this request."""


class ResponseError(FetchError):
    """The response arrived but cannot be used (invalid JSON/XML, wrong type, too large)."""


@dataclass
class ProviderLimits:
    """Per-provider politeness: seconds between requests and the expected content type."""

    interval: float = 1.0
    content_types: tuple[str, ...] = ("application/json",)


@dataclass
class FetchSettings:
    """How hard to try; the defaults suit the public APIs."""

    timeout: float = 20.0
    retries: int = 3
    backoff: float = 1.0  # first retry wait without Retry-After; doubles each time
    max_wait: float = 120.0  # a Retry-After longer than this fails the request
    max_bytes: int = 8_000_000
    offline: bool = False
    refresh: bool = False
    user_agent: str = "bibgen"
    sleep: Callable[[float], None] = time.sleep


@dataclass
class _Gate:
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_at: float = 0.0


class Fetcher:
    """The one place bibgen talks to the network (see the module docstring)."""

    def __init__(
        self,
        cache: ResponseCache,
        settings: FetchSettings | None = None,
        transport: httpx.BaseTransport | None = None,
        limits: dict[str, ProviderLimits] | None = None,
    ) -> None:
        self.cache = cache
        self.settings = settings or FetchSettings()
        self.limits = limits or {}
        self._gates: dict[str, _Gate] = {}
        self._gates_lock = threading.Lock()
        self._client: httpx.Client | None = None
        self._transport = transport
        self.requests_made = 0

    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(
                timeout=httpx.Timeout(self.settings.timeout, connect=min(10.0, self.settings.timeout)),
                transport=self._transport,
                headers={"User-Agent": self.settings.user_agent},
                follow_redirects=True,
            )
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def _wait_turn(self, provider: str) -> None:
        interval = self.limits.get(provider, ProviderLimits()).interval
        with self._gates_lock:
            gate = self._gates.setdefault(provider, _Gate())
        with gate.lock:
            now = time.monotonic()
            if gate.next_at > now:
                self.settings.sleep(gate.next_at - now)
            gate.next_at = time.monotonic() + interval

    def get(
        self,
        provider: str,
        url: str,
        parse: Callable[[bytes, str], T],
        params: dict[str, Any] | None = None,
        secret: dict[str, Any] | None = None,
    ) -> tuple[T | None, str]:
        """The parsed response for ``url`` and its retrieval date; ``(None, date)`` for a 404.

        ``secret`` parameters (a contact address) are sent but are not part of
        the cache key, so changing the address keeps the cache.
        """
        full = str(httpx.URL(url, params=params)) if params else url
        if not self.settings.refresh:
            hit = self.cache.get(full)
            if hit is not None:
                if hit.status == 404:
                    return None, hit.retrieved
                try:
                    return parse(hit.body, hit.content_type), hit.retrieved
                except ResponseError:
                    pass  # written by an older parser: fetch again
        if self.settings.offline:
            raise OfflineMiss(f"{provider}: not in the cache (--offline)")
        sent = str(httpx.URL(full, params={**dict(httpx.URL(full).params), **secret})) if secret else full
        status, ctype, body = self._fetch(provider, sent)
        today = datetime.now(timezone.utc).date().isoformat()
        if status == 404:
            self.cache.put(CachedResponse(full, provider, 404, ctype, b"", today))
            return None, today
        value = parse(body, ctype)  # raises ResponseError: nothing is stored
        self.cache.put(CachedResponse(full, provider, 200, ctype, body, today))
        return value, today

    def _fetch(self, provider: str, url: str) -> tuple[int, str, bytes]:
        limits = self.limits.get(provider, ProviderLimits())
        settings = self.settings
        attempt = 0
        while True:
            self._wait_turn(provider)
            self.requests_made += 1
            wait: float | None = None
            problem = ""
            try:
                with self.client().stream("GET", url) as resp:
                    if resp.status_code in RETRY_STATUS:
                        problem = f"HTTP {resp.status_code}"
                        wait = _retry_after(resp.headers.get("retry-after"))
                        if wait is not None and wait > settings.max_wait:
                            raise FetchError(f"{provider}: HTTP {resp.status_code}, asked to wait {wait:.0f} s (more than {settings.max_wait:.0f} s); try again later")
                    elif resp.status_code == 404:
                        return 404, resp.headers.get("content-type", ""), b""
                    elif resp.status_code >= 400:
                        raise FetchError(f"{provider}: HTTP {resp.status_code} for {_short(url)}")
                    else:
                        ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
                        if ctype not in limits.content_types:
                            raise ResponseError(f"{provider}: unexpected content type '{ctype or 'none'}' (wanted {', '.join(limits.content_types)})")
                        declared = resp.headers.get("content-length")
                        if declared and declared.isdigit() and int(declared) > settings.max_bytes:
                            raise ResponseError(f"{provider}: response of {int(declared)} bytes is larger than the limit of {settings.max_bytes}")
                        chunks: list[bytes] = []
                        size = 0
                        for chunk in resp.iter_bytes():
                            size += len(chunk)
                            if size > settings.max_bytes:
                                raise ResponseError(f"{provider}: response larger than the limit of {settings.max_bytes} bytes")
                            chunks.append(chunk)
                        return resp.status_code, ctype, b"".join(chunks)
            except httpx.TimeoutException:
                problem = f"timed out after {settings.timeout:g} s"
            except httpx.TransportError as exc:
                problem = f"connection failed ({type(exc).__name__}: {exc})" if str(exc) else f"connection failed ({type(exc).__name__})"
            attempt += 1
            if attempt > settings.retries:
                raise FetchError(f"{provider}: {problem} (gave up after {attempt} attempts)")
            settings.sleep(wait if wait is not None else settings.backoff * 2 ** (attempt - 1))


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


def _short(url: str, n: int = 100) -> str:
    return url if len(url) <= n else url[: n - 1] + "…"
