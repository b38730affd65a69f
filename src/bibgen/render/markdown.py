"""The ``markdown`` renderer: CommonMark, with every character from the data escaped.

Every character from the data that Markdown (CommonMark, GFM or pandoc's
dialect) could read as markup is backslash-escaped: ``\\ ` * _ { } [ ] < > #
! | ~ ^ $ @ &``. So ``*``, ``_``, ``[``, ``<``, backticks, ``&`` and ``!`` in a
title can start neither emphasis, a link, an image, raw HTML nor an entity, and
``$…$``, ``^…^``, ``~…~`` and ``@key`` are not pandoc math, super/subscript or
citations. A paragraph that would start a list or heading (``-``, ``+``,
``1.``) gets its first character escaped too. Emphasis is ``*…*``, strong ``**…**``, superscript and subscript
``<sup>``/``<sub>``; links are ``<url>`` when the text is the address, else
``[text](url)``, only for :func:`bibgen.render.safe_url` addresses.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bibgen.render import MarkupRenderer
from bibgen.style.nodes import Link, Reference, plain_text

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#!|~^$@&])")
_BLOCK_START = re.compile(r"^(\d{1,9})([.)])|^([-+=])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def escape(text: str) -> str:
    """Markdown source that shows ``text`` literally."""
    text = _CONTROL.sub("", text).replace("\n", " ").replace("\r", " ")
    return _SPECIAL.sub(r"\\\1", text)


def block_safe(paragraph: str) -> str:
    """``paragraph`` with a leading ``-``, ``+``, ``=`` or ``1.`` escaped so it stays a paragraph."""
    return _BLOCK_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}" if m.group(1) else f"\\{m.group(3)}", paragraph)


def _wrap(marker: str, inner: str) -> str:
    # Emphasis delimiters must touch non-space text: keep edge spaces outside.
    stripped = inner.strip(" ")
    if not stripped:
        return inner
    lead = inner[: len(inner) - len(inner.lstrip(" "))]
    trail = inner[len(inner.rstrip(" ")) :]
    return f"{lead}{marker}{stripped}{marker}{trail}"


class MarkdownRenderer(MarkupRenderer):
    """Markdown: one paragraph per reference, label (escaped, ``\\[1\\]``) first."""

    name = "markdown"
    # A hard line break (CommonMark, pandoc) and an indent that a paragraph keeps.
    BREAK = "\\\n"
    INDENT = "\u00a0" * 4

    def escape(self, text: str) -> str:
        return escape(text)

    def span(self, role: str, inner: str) -> str:
        if role == "emph":
            return _wrap("*", inner)
        if role == "strong":
            return _wrap("**", inner)
        if role in ("sup", "sub"):
            return f"<{role}>{inner}</{role}>"
        return inner

    def link(self, url: str, node: Link, inner: str) -> str:
        """``<url>`` when the text is the address, else ``[text](url)``."""
        if plain_text(node.children).strip() == node.url.strip():
            return f"<{url}>"
        return f"[{inner}]({url})"

    def render(self, references: Sequence[Reference], options: object) -> str:
        """The whole list, paragraphs separated by blank lines."""
        paras = []
        for ref in references:
            label = self.inline(ref.label)
            body = self.inline(ref.body)
            para = f"{label} {body}" if label else body
            # Every line of a display block stays in the paragraph (no list or heading starts there).
            paras.append("\n".join(block_safe(line) for line in para.split("\n")))
        return "\n\n".join(paras) + ("\n" if paras else "")
