"""The styled intermediate form: a small tree of text nodes.

Styles build these; renderers (plain, Markdown, HTML, LaTeX) turn them into
markup. Text in a node is plain Unicode and means itself: renderers escape it
for their target, so data can never inject markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol, Union, runtime_checkable


@dataclass(frozen=True, slots=True)
class Text:
    """Literal text."""

    text: str


@dataclass(frozen=True, slots=True)
class Dash:
    """An en dash between the ends of a range (pages, years)."""


@dataclass(frozen=True, slots=True)
class Nbsp:
    """A non-breaking space."""


@dataclass(frozen=True, slots=True)
class Span:
    """Children with one formatting role.

    ``role`` is one of ``emph`` (italics), ``strong`` (bold), ``smallcaps``,
    ``sup``, ``sub``, ``underline``, ``nocase`` (protected from case change; no
    visible effect), ``nodecor`` (CSL-JSON's ``<span class="nodecor">``: none of
    the formatting around it applies), ``block``, ``left-margin``,
    ``right-inline``, ``indent`` (a CSL ``display`` part: its own line or
    column where the output has them) or ``plain`` (grouping only).
    """

    role: str
    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Link:
    """Children that link to ``url`` (a DOI or URL)."""

    url: str
    children: tuple[Node, ...]


Node = Union[Text, Dash, Nbsp, Span, Link]
ROLES = frozenset({"emph", "strong", "smallcaps", "sup", "sub", "underline", "nocase", "nodecor", "block",
                   "left-margin", "right-inline", "indent", "plain"})


@dataclass(frozen=True, slots=True)
class Reference:
    """One formatted bibliography entry.

    ``label`` is what a numeric or alphabetic style prints before the body
    (``[1]``, ``[Vas17]``); empty for author-date styles. ``key`` is the
    entry's citation key, ``entry`` the entry itself (renderers may use its
    fields, for instance to group by year or to offer a BibTeX block).
    """

    key: str
    body: tuple[Node, ...]
    label: tuple[Node, ...] = ()
    entry: object | None = field(default=None, compare=False)
    # White space a group's suffix left at the very end, dropped from the body;
    # citeproc-js's HTML writes it after the right-inline block of a labelled entry.
    trailing: str = field(default="", compare=False)


@runtime_checkable
class Style(Protocol):
    """Turns entries into references, in the style's own bibliography order."""

    name: str

    def format(self, entries: Sequence[object]) -> list[Reference]: ...


@runtime_checkable
class Renderer(Protocol):
    """Turns references into the text of one document."""

    name: str

    def render(self, references: Sequence[Reference], options: object) -> str: ...


def text(*parts: str | Node) -> tuple[Node, ...]:
    """Nodes from strings and nodes (strings become :class:`Text`)."""
    return tuple(Text(p) if isinstance(p, str) else p for p in parts)


def walk(nodes: Iterable[Node]) -> Iterator[Node]:
    """Every node, depth first, children after their parent."""
    for node in nodes:
        yield node
        if isinstance(node, (Span, Link)):
            yield from walk(node.children)


def plain_text(nodes: Iterable[Node]) -> str:
    """The text of a tree without any formatting (dash as ``–``, nbsp as U+00A0)."""
    out: list[str] = []
    for node in walk(nodes):
        if isinstance(node, Text):
            out.append(node.text)
        elif isinstance(node, Dash):
            out.append("\u2013")
        elif isinstance(node, Nbsp):
            out.append("\u00a0")
    return "".join(out)
