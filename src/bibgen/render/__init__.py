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

    CSL ``display`` parts get lines of their own, as citeproc-js's text output
    gives them: a ``block`` starts a new line (``BREAK``) and an ``indent`` an
    indented one (``BREAK`` then ``INDENT``); what follows either goes on the
    next line, where citeproc-js's text output glues it on ("…N" + "v3" ->
    "Nv3") but its HTML, a ``div``, does not. A ``left-margin`` part is followed
    by a space and a ``right-inline`` one is inline. No break starts or ends a
    reference.
    """

    DASH = "\u2013"
    NBSP = "\u00a0"
    BREAK = "\n"
    INDENT = "    "

    def escape(self, text: str) -> str:
        raise NotImplementedError

    def span(self, role: str, inner: str) -> str:
        return inner

    def link(self, url: str, node: Link, inner: str) -> str:
        return inner

    def inline(self, nodes: Sequence[Node]) -> str:
        """The markup of one node tree."""
        return self._walk(nodes, [False, False])

    def _walk(self, nodes: Sequence[Node], state: list[bool]) -> str:
        # state: [something written so far, a line break owed to the next text]
        out: list[str] = []

        def put(piece: str) -> None:
            if not piece:
                return
            if state[1]:
                out.append(self.BREAK)
                state[1] = False
            out.append(piece)
            state[0] = True

        for node in nodes:
            if isinstance(node, Text):
                put(self.escape(node.text))
            elif isinstance(node, Dash):
                put(self.DASH)
            elif isinstance(node, Nbsp):
                put(self.NBSP)
            elif isinstance(node, (Span, Link)):
                # A break owed to what follows goes before this node's markup, not inside it.
                owed, state[1] = state[1], False
                before = state[0]
                display = isinstance(node, Span) and node.role in ("block", "indent")
                inner = self._walk(node.children, state)
                if not inner:
                    state[1] = owed
                    continue
                lead = inner.startswith(self.BREAK)  # a display part inside: its break goes out here
                if lead:
                    inner = inner[len(self.BREAK) :]
                if owed or lead or (display and before):
                    out.append(self.BREAK)
                if isinstance(node, Link):
                    url = safe_url(node.url)
                    out.append(inner if url is None else self.link(url, node, inner))
                elif display:
                    out.append(self.span(node.role, (self.INDENT if node.role == "indent" else "") + inner))
                    state[1] = True
                else:
                    out.append(self.span(node.role, inner) + (" " if node.role == "left-margin" else ""))
                state[0] = True
        return "".join(out)
