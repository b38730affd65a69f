"""The lookup cache: every provider response bibgen accepted, in one sqlite file.

Why not an HTTP cache (hishel)? These APIs send ``Cache-Control`` headers
meant for browsers (Crossref: none, arXiv: ``no-cache``), while bibgen wants a
response kept until ``--refresh``, served with no network at all under
``--offline``, and stored only *after* it parsed, so that a truncated or
malformed answer never poisons the cache. That is a table with one row per
request, which sqlite (in the standard library) gives with atomic writes.

The file lives in the user cache folder: ``$BIBGEN_CACHE_DIR`` when set (as for
the in-sync cache), else platformdirs' user cache dir for ``bibgen``.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    url TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    status INTEGER NOT NULL,
    content_type TEXT NOT NULL,
    body BLOB NOT NULL,
    retrieved TEXT NOT NULL
)
"""


def cache_dir() -> Path:
    """``$BIBGEN_CACHE_DIR``, else the platform's user cache folder for bibgen."""
    env = os.environ.get("BIBGEN_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("bibgen", appauthor=False))


def default_path() -> Path:
    return cache_dir() / "enrich.sqlite"


@dataclass(frozen=True, slots=True)
class CachedResponse:
    """A stored response: status 200 with a body, or 404 (the provider has no such record)."""

    url: str
    provider: str
    status: int
    content_type: str
    body: bytes
    retrieved: str  # ISO date (UTC) of the request


class ResponseCache:
    """A sqlite table of responses keyed by request URL (safe to share between threads)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_path()
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None

    def _conn(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(str(self.path), check_same_thread=False, timeout=30)
            db.execute(SCHEMA)
            db.commit()
            self._db = db
        return self._db

    def get(self, url: str) -> CachedResponse | None:
        if self._db is None and not self.path.exists():
            return None  # an offline run with no cache creates nothing
        with self._lock:
            row = self._conn().execute(
                "SELECT url, provider, status, content_type, body, retrieved FROM responses WHERE url = ?", (url,)
            ).fetchone()
        return CachedResponse(row[0], row[1], row[2], row[3], bytes(row[4]), row[5]) if row else None

    def put(self, response: CachedResponse) -> None:
        with self._lock:
            db = self._conn()
            with db:  # one transaction: the row is there whole or not at all
                db.execute(
                    "INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?, ?)",
                    (response.url, response.provider, response.status, response.content_type, response.body, response.retrieved),
                )

    def __len__(self) -> int:
        if self._db is None and not self.path.exists():
            return 0
        with self._lock:
            return int(self._conn().execute("SELECT COUNT(*) FROM responses").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None
