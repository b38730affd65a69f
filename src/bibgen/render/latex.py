"""The ``latex`` renderer: a ``thebibliography`` environment, text escaped with :func:`bibgen.latex.encode`.

Links need ``hyperref`` (``\\href``) and are made only for
:func:`bibgen.render.safe_url` addresses, with the characters that would break
``\\href`` escaped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bibgen.latex import encode
from bibgen.render import MarkupRenderer
from bibgen.style.nodes import Link, Reference, plain_text

_COMMANDS = {
    "emph": "\\emph{",
    "strong": "\\textbf{",
    "smallcaps": "\\textsc{",
    "sup": "\\textsuperscript{",
    "sub": "\\textsubscript{",
    "underline": "\\underline{",
    "nocase": "{",
}


_SAFE_KEY = re.compile(r"[A-Za-z0-9:._+/-]+")


def _key(key: str) -> str:
    # bibgen's keys are plain; anything else is escaped so it cannot run a command.
    return key if _SAFE_KEY.fullmatch(key) else encode(key)


def _href_url(url: str) -> str:
    return url.replace("\\", "%5C").replace("{", "%7B").replace("}", "%7D").replace("%", "\\%").replace("#", "\\#")


class LatexRenderer(MarkupRenderer):
    """LaTeX: ``\\bibitem[label]{key} body`` per reference."""

    name = "latex"

    DASH = "--"
    NBSP = "~"
    BREAK = "\\newline "
    INDENT = "\\hspace*{2em}"

    def escape(self, text: str) -> str:
        return encode(text)

    def span(self, role: str, inner: str) -> str:
        start = _COMMANDS.get(role)
        return start + inner + "}" if start else inner

    def link(self, url: str, node: Link, inner: str) -> str:
        return f"\\href{{{_href_url(url)}}}{{{inner}}}"

    def render(self, references: Sequence[Reference], options: object) -> str:
        """The whole ``thebibliography`` environment."""
        widest = max((plain_text(r.label).strip("[]") for r in references), key=len, default="9") or "9"
        lines = [f"\\begin{{thebibliography}}{{{encode(widest)}}}"]
        for ref in references:
            label = plain_text(ref.label).strip()
            opt = f"[{encode(label.strip('[]'))}]" if label and not label.strip("[]").isdigit() else ""
            lines.append(f"\\bibitem{opt}{{{_key(ref.key)}}} {self.inline(ref.body)}")
        lines.append("\\end{thebibliography}")
        return "\n".join(lines) + "\n"
