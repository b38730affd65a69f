"""Renderers (registry ``bibgen.renderers``): references in, the text of one document out.

Every renderer escapes all text from the data for its target, so a title can
never become markup; links are made only for :func:`safe_url` addresses.
"""

from __future__ import annotations

import re
from urllib.parse import quote

_SCHEMES = ("http://", "https://")
_DOI = re.compile(r"^(?:doi:|https?://(?:dx\.)?doi\.org/)?(10\.\d{4,9}/\S+)$", re.IGNORECASE)


def safe_url(url: str) -> str | None:
    """An http(s) address to link to, or None for anything else (``javascript:``, ``data:``, …).

    ``doi:10.x/y`` and bare DOIs become ``https://doi.org/…``. Characters that
    could end an attribute, a Markdown destination or an autolink (spaces,
    quotes, angle brackets, parentheses, backslashes, backticks, controls) are
    percent-encoded.
    """
    url = url.strip()
    lower = url.lower()
    if not lower.startswith(_SCHEMES):
        m = _DOI.match(url)
        if not m:
            return None
        url = "https://doi.org/" + m.group(1)
    return quote(url, safe="/:?#[]@!$&*+,;=%-._~")
