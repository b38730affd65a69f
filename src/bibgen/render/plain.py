"""The ``plain`` renderer: Unicode text, one reference per paragraph."""

from __future__ import annotations

from collections.abc import Sequence

from bibgen.mathtext import unicode_script
from bibgen.render import MarkupRenderer
from bibgen.style.nodes import Node, Reference


def plain_text(nodes: Sequence[Node]) -> str:
    """The text of a node tree, scripts as Unicode where they have a form, display parts on their lines."""
    return _PLAIN.inline(nodes)


class PlainRenderer(MarkupRenderer):
    """Plain Unicode text: label, a space, the body; a blank line between references.

    Dashes print as ``–`` and non-breaking spaces as U+00A0; formatting roles
    and links leave only their text, except super- and subscripts, which
    become Unicode super- and subscript characters where every character has
    one (``CO<sub>2</sub>`` -> ``CO₂``). A CSL ``display="block"`` part is a
    line of its own, an ``indent`` one is indented by four spaces
    (:class:`~bibgen.render.MarkupRenderer`).
    """

    name = "plain"

    def escape(self, text: str) -> str:
        return text

    def span(self, role: str, inner: str) -> str:
        if role in ("sup", "sub"):
            return unicode_script(inner, role == "sup") or inner
        return inner

    def render(self, references: Sequence[Reference], options: object) -> str:
        """The whole list; empty text for no references."""
        out = []
        for ref in references:
            label = plain_text(ref.label)
            body = plain_text(ref.body)
            out.append(f"{label} {body}" if label else body)
        return "".join(f"{p}\n\n" for p in out[:-1]) + (f"{out[-1]}\n" if out else "")


_PLAIN = PlainRenderer()
