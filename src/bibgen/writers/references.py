"""Formatted reference lists: ``--format text``, ``markdown`` and ``html``.

Each writer asks the style (``Options.style``, see :mod:`bibgen.style.lookup`)
for references and a renderer (registry ``bibgen.renderers``) for their text.
Entries are handed to the style sorted by key, so unsorted styles (``unsrt``,
numeric CSL styles) list them in key order and output never depends on input
order. ``html`` writes a standalone page (:mod:`bibgen.render.page`) unless
``Options.html_fragment`` asks for just the list.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from bibgen.model import Entry

if TYPE_CHECKING:
    from bibgen.options import Options
    from bibgen.style.nodes import Reference


def format_references(entries: Sequence[Entry], options: Options) -> list[Reference]:
    """The references of ``entries`` in ``options.style`` (entries go to the style sorted by key)."""
    from bibgen.style.lookup import find_style

    style = find_style(getattr(options, "style", None), getattr(options, "style_dirs", ()), getattr(options, "locale", None))
    ordered = sorted(entries, key=lambda e: (e.key.casefold(), e.key))
    return list(style.format(ordered))


class ReferencesWriter:
    """A formatted reference list rendered by the renderer ``renderer``."""

    name = ""
    suffixes: tuple[str, ...] = ()
    renderer = ""

    def write(self, entries: list[Entry], options: Options) -> str:
        """The rendered list of ``entries``."""
        from bibgen.registry import renderers

        return renderers.get(self.renderer).render(format_references(entries, options), options)


class TextWriter(ReferencesWriter):
    """Plain Unicode text, one reference per paragraph."""

    name = "text"
    suffixes = (".txt",)
    renderer = "plain"


class MarkdownWriter(ReferencesWriter):
    """Markdown, one reference per paragraph, data escaped."""

    name = "markdown"
    suffixes = (".md",)
    renderer = "markdown"


class HtmlWriter(ReferencesWriter):
    """A standalone, searchable HTML page (or with ``html_fragment`` just the ``<ul>``)."""

    name = "html"
    suffixes = (".html", ".htm")
    renderer = "html"

    def write(self, entries: list[Entry], options: Options) -> str:
        """The page (or the fragment)."""
        if getattr(options, "html_fragment", False):
            return super().write(entries, options)
        from bibgen.render.page import render_page

        return render_page(format_references(entries, options), options)
