"""Serialize references the way citeproc-js writes an HTML bibliography.

Used to compare bibgen's CSL engine with the CSL test suite and with
citeproc-js itself; user-facing HTML comes from the html renderer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

from bibgen.style.nodes import Dash, Link, Nbsp, Node, Reference, Span, Text

_OPEN = {
    "emph": ("<i>", "</i>"),
    "strong": ("<b>", "</b>"),
    "smallcaps": ('<span style="font-variant:small-caps;">', "</span>"),
    "sup": ("<sup>", "</sup>"),
    "sub": ("<sub>", "</sub>"),
    "underline": ('<span style="text-decoration:underline;">', "</span>"),
}


# Superscript letters and digits citeproc-js's HTML output writes as <sup>x</sup>
# (CSL.SUPERSCRIPTS), e.g. the French ordinal "1ᵉʳ".
_SUPERSCRIPTS = (
    "\u00aa\u00b2\u00b3\u00b9\u00ba\u02b0-\u02b8\u02e0-\u02e4\u1d2c-\u1d2e\u1d30-\u1d3a"
    "\u1d3c-\u1d4d\u1d4f-\u1d61\u2070\u2071\u2074-\u207f\u2120\u2122\u3192-\u319f\u02c0\u02c1"
)
_SUPER_RE = re.compile(f"[{_SUPERSCRIPTS}]")


def _super(m: re.Match[str]) -> str:
    c = m.group(0)
    dec = unicodedata.decomposition(c).split()
    if dec and dec[0] == "<super>":
        return "<sup>" + "".join(chr(int(h, 16)) for h in dec[1:]) + "</sup>"
    return c


_TWO_SPACES = re.compile(r"\s\s")


def _escape(text: str) -> str:
    # citeproc-js writes numeric character references for these three.
    text = text.replace("&", "&#38;").replace("<", "&#60;").replace(">", "&#62;")
    if "  " in text or ("\u00a0" in text and _TWO_SPACES.search(text)):
        text = _TWO_SPACES.sub("\u00a0 ", text)  # citeproc-js: /\s\s/g -> NBSP + space
    return _SUPER_RE.sub(_super, text) if _SUPER_RE.search(text) else text


# citeproc-js flips a style inside the same style back to normal ("flip-flop").
_NORMAL = {
    "emph": '<span style="font-style:normal;">',
    "strong": '<span style="font-weight:normal;">',
    "smallcaps": '<span style="font-variant:normal;">',
}


# citeproc-js's divs for CSL display parts: (opening, closing).
_DIVS = {
    "block": ('\n\n    <div class="csl-block">', "</div>\n"),
    "left-margin": ('\n    <div class="csl-left-margin">', "</div>"),
    "right-inline": ('<div class="csl-right-inline">', "</div>\n  "),
    "indent": ('<div class="csl-indent">', "</div>\n  "),
}


def _html(nodes: Iterable[Node], out: list[str], active: frozenset[str] = frozenset(), divs: bool = True) -> None:
    for n in nodes:
        if isinstance(n, Text):
            out.append(_escape(n.text))
        elif isinstance(n, Dash):
            out.append("\u2013")
        elif isinstance(n, Nbsp):
            out.append("\u00a0")
        elif isinstance(n, Span):
            tags = _OPEN.get(n.role)
            if n.role == "nodecor":
                # Data marked nodecor: every formatting around it flips back to normal.
                flipped = [r for r in ("emph", "strong", "smallcaps") if r in active]
                out.extend(_NORMAL[r] for r in flipped)
                _html(n.children, out, active - set(flipped), divs)
                out.append("</span>" * len(flipped))
            elif n.role in _DIVS:
                # A display part: its div, except inside the divs of a
                # second-field-align entry, which are the entry's own.
                if divs:
                    out.append(_DIVS[n.role][0])
                _html(n.children, out, active, divs)
                if divs:
                    out.append(_DIVS[n.role][1])
            elif n.role == "plain":
                # A grouping span: formatting outside it is the style's, not
                # the data's, so nothing inside flips back to normal.
                _html(n.children, out, frozenset(), divs)
            elif n.role in active and n.role in _NORMAL:
                out.append(_NORMAL[n.role])
                _html(n.children, out, active - {n.role}, divs)
                out.append("</span>")
            elif tags:
                out.append(tags[0])
                _html(n.children, out, active | {n.role}, divs)
                out.append(tags[1])
            else:
                _html(n.children, out, active, divs)
        elif isinstance(n, Link):
            _html(n.children, out, active, divs)


def nodes_html(nodes: Iterable[Node], divs: bool = True) -> str:
    """The citeproc-js HTML of a node sequence (no wrapping element); ``divs`` for display parts' divs."""
    out: list[str] = []
    _html(nodes, out, frozenset(), divs)
    return "".join(out)


def to_citeproc_html(refs: Sequence[Reference]) -> str:
    """A ``csl-bib-body`` div as citeproc-js's ``makeBibliography`` writes it."""
    lines = ['<div class="csl-bib-body">']
    for r in refs:
        if r.label:
            lines.append('  <div class="csl-entry">')
            lines.append(
                f'    <div class="csl-left-margin">{nodes_html(r.label, False)}</div>'
                f'<div class="csl-right-inline">{nodes_html(r.body, False)}</div>'
            )
            lines.append(f"{r.trailing}  </div>")
        else:
            lines.append(f'  <div class="csl-entry">{nodes_html(r.body)}</div>')
    lines.append("</div>")
    return "\n".join(lines)
