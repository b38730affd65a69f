"""The ``plain`` renderer: Unicode text, one reference per paragraph."""

from __future__ import annotations

from collections.abc import Sequence

from bibgen.mathtext import unicode_script
from bibgen.style.nodes import Dash, Link, Nbsp, Reference, Span, Text


def plain_text(nodes: Sequence[object]) -> str:
    """The text of a node tree, scripts as Unicode where they have a form."""
    out: list[str] = []
    for node in nodes:
        if isinstance(node, Text):
            out.append(node.text)
        elif isinstance(node, Dash):
            out.append("\u2013")
        elif isinstance(node, Nbsp):
            out.append("\u00a0")
        elif isinstance(node, (Span, Link)):
            inner = plain_text(node.children)
            if isinstance(node, Span) and node.role in ("sup", "sub"):
                inner = unicode_script(inner, node.role == "sup") or inner
            out.append(inner)
    return "".join(out)


class PlainRenderer:
    """Plain Unicode text: label, a space, the body; a blank line between references.

    Dashes print as ``–`` and non-breaking spaces as U+00A0; formatting roles
    and links leave only their text, except super- and subscripts, which
    become Unicode super- and subscript characters where every character has
    one (``CO<sub>2</sub>`` -> ``CO₂``).
    """

    name = "plain"

    def inline(self, nodes: Sequence[object]) -> str:
        """The text of one node tree."""
        return plain_text(nodes)  # type: ignore[arg-type]

    def render(self, references: Sequence[Reference], options: object) -> str:
        """The whole list; empty text for no references."""
        out = []
        for ref in references:
            label = plain_text(ref.label)
            body = plain_text(ref.body)
            out.append(f"{label} {body}" if label else body)
        return "".join(f"{p}\n\n" for p in out[:-1]) + (f"{out[-1]}\n" if out else "")
