"""Renderers (registry ``bibgen.renderers``): references in, the text of one document out.

Every renderer escapes all text from the data for its target, so a title can
never become markup; links are made only for :func:`safe_url` addresses.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import quote

from bibgen.style.nodes import Dash, Link, Nbsp, Node, Span, Text

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


class MarkupRenderer:
    """The one walk over a node tree that every markup renderer shares.

    Subclasses say how each kind of node is written: :meth:`escape` for data
    text, ``DASH`` and ``NBSP``, :meth:`span` for a formatting role and
    :meth:`link` for a link whose address passed :func:`safe_url` (a link to
    anything else prints as its text).
    """

    DASH = "\u2013"
    NBSP = "\u00a0"

    def escape(self, text: str) -> str:
        raise NotImplementedError

    def span(self, role: str, inner: str) -> str:
        return inner

    def link(self, url: str, node: Link, inner: str) -> str:
        return inner

    def inline(self, nodes: Sequence[Node]) -> str:
        """The markup of one node tree."""
        out: list[str] = []
        for node in nodes:
            if isinstance(node, Text):
                out.append(self.escape(node.text))
            elif isinstance(node, Dash):
                out.append(self.DASH)
            elif isinstance(node, Nbsp):
                out.append(self.NBSP)
            elif isinstance(node, Span):
                out.append(self.span(node.role, self.inline(node.children)))
            elif isinstance(node, Link):
                inner = self.inline(node.children)
                url = safe_url(node.url)
                out.append(inner if url is None else self.link(url, node, inner))
        return "".join(out)
