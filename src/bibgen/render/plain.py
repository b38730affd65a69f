"""The ``plain`` renderer: Unicode text, one reference per paragraph."""

from __future__ import annotations

from collections.abc import Sequence

from bibgen.style.nodes import Reference, plain_text


class PlainRenderer:
    """Plain Unicode text: label, a space, the body; a blank line between references.

    Dashes print as ``–`` and non-breaking spaces as U+00A0; formatting roles
    and links leave only their text.
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
