"""The ``html`` renderer: an HTML fragment, everything from the data escaped.

Text is escaped with :func:`html.escape` (quotes included); links are made only
for :func:`bibgen.render.safe_url` addresses and carry ``rel="noopener"``. A
``<script>`` or ``<img onerror>`` in a title stays text.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from bibgen.render import MarkupRenderer
from bibgen.style.nodes import Link, Reference

_TAGS = {
    "emph": ("<i>", "</i>"),
    "strong": ("<b>", "</b>"),
    "sup": ("<sup>", "</sup>"),
    "sub": ("<sub>", "</sub>"),
    "smallcaps": ('<span class="smallcaps">', "</span>"),
    "underline": ('<span class="underline">', "</span>"),
    # CSL display parts: citeproc-js's class names, on a line of their own (<br>) where they are blocks.
    "block": ('<span class="csl-block">', "</span>"),
    "indent": ('<span class="csl-indent">', "</span>"),
    "left-margin": ('<span class="csl-left-margin">', "</span>"),
    "right-inline": ('<span class="csl-right-inline">', "</span>"),
}


class HtmlRenderer(MarkupRenderer):
    """An HTML list: ``<ul class="bibliography">`` with one ``<li>`` per reference."""

    name = "html"

    DASH = "&ndash;"
    NBSP = "&nbsp;"
    BREAK = "<br>"
    INDENT = "&nbsp;" * 4

    def escape(self, text: str) -> str:
        return escape(text)

    def span(self, role: str, inner: str) -> str:
        start, end = _TAGS.get(role, ("", ""))
        return start + inner + end

    def link(self, url: str, node: Link, inner: str) -> str:
        return f'<a href="{escape(url)}" rel="noopener">{inner}</a>'

    def item(self, ref: Reference) -> str:
        """The ``<li>`` of one reference (label in ``<span class="label">``)."""
        label = self.inline(ref.label)
        head = f'<span class="label">{label}</span> ' if label else ""
        return f'<li id="{escape("ref-" + ref.key)}">{head}<span class="body">{self.inline(ref.body)}</span></li>'

    def render(self, references: Sequence[Reference], options: object) -> str:
        """The list as a fragment to paste into a page."""
        items = "".join(self.item(r) + "\n" for r in references)
        return f'<ul class="bibliography">\n{items}</ul>\n'
