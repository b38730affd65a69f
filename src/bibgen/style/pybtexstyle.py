"""The built-in styles ``plain``, ``unsrt``, ``alpha`` and ``unsrtalpha``: pybtex's formatting styles.

Entries become pybtex ``Entry``/``Person`` objects with the fields bibgen's own
BibTeX writer would write, pybtex's ``format_entries`` formats them, and the
rich text it returns (``Text``, ``String``, ``Tag``, ``HRef``, ``Protected``,
``Symbol``) is converted node by node into :mod:`bibgen.style.nodes`. Nothing is
rendered to LaTeX and parsed again.

pybtex reads every non-raw field value as LaTeX (``Text.from_latex``: accent
commands, ``$``, braces). So that data means itself, the characters LaTeX would
interpret (``\\ { } $``) are swapped for private-use stand-ins before pybtex sees
them and swapped back in the converted nodes; the only braces pybtex sees are
the case protection bibgen's BibTeX writer would add (``{BYOL}``), which keep
pybtex's sentence-casing of titles away from acronyms and names, as bibtex does.

A partial author list (``Entry.partial``) gets pybtex's ``others`` person, which
its styles print as "and others" (alpha labels get a ``+``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bibgen.errors import InputError
from bibgen.model import Entry, Person
from bibgen.style.nodes import Dash, Link, Nbsp, Node, Reference, Span, Text

# Characters pybtex's LaTeX reading (latexcodec's "ulatex", then braces) would
# interpret, and their private-use stand-ins: "%" starts a comment, "~" is a
# tie, and the first character of a ligature pair ("--", "''", "``", ",,",
# "!`", "?`") would merge with the next.
_STANDINS = {
    "\\": "\ue0b0", "{": "\ue0b1", "}": "\ue0b2", "$": "\ue0b3", "%": "\ue0b4", "~": "\ue0b5",
    "-": "\ue0b6", "'": "\ue0b7", "`": "\ue0b8", ",": "\ue0b9", "!": "\ue0ba", "?": "\ue0bb",
}
_HIDE = str.maketrans({k: _STANDINS[k] for k in "\\{}$%~"})
_LIGATURE = re.compile(r"-(?=-)|'(?=')|`(?=`)|,(?=,)|!(?=`)|\?(?=`)")
_SHOW = str.maketrans({v: k for k, v in _STANDINS.items()})
# Data that already holds a stand-in would change meaning on the way back.
_SCRUB = str.maketrans({v: "\ufffd" for v in _STANDINS.values()})
_TAG_ROLES = {"em": "emph", "i": "emph", "b": "strong", "strong": "strong", "tt": "plain", "sup": "sup", "sub": "sub"}
_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
# Fields pybtex reads raw (no LaTeX): URLs and identifiers.
_RAW = frozenset({"url", "doi", "eprint", "pubmed", "isbn", "ids"})
_TITLE_FIELDS = frozenset({"title", "booktitle", "journal", "series"})
_WORD = re.compile(r"(\s+)")


def hide(text: str) -> str:
    """``text`` with LaTeX-significant characters swapped for stand-ins pybtex leaves alone."""
    text = text.translate(_SCRUB).translate(_HIDE)
    return _LIGATURE.sub(lambda m: _STANDINS[m.group(0)], text) if _LIGATURE.search(text) else text


def show(text: str) -> str:
    """The inverse of :func:`hide`."""
    return text.translate(_SHOW)


def protect_words(text: str) -> str:
    """Title text for pybtex: words the BibTeX writer brace-protects get braces here too."""
    from bibgen.latex import _EDGE_PUNCT, _needs_protection

    out: list[str] = []
    for word in _WORD.split(text):
        if not word or word.isspace():
            out.append(word)
            continue
        m = _EDGE_PUNCT.match(word)
        head, core, tail = m.group(1), m.group(2), m.group(3)
        core_h = hide(core)
        out.append(hide(head) + ("{" + core_h + "}" if core and _needs_protection(core) else core_h) + hide(tail))
    return "".join(out)


def pybtex_person(p: Person) -> Any:
    """A pybtex ``Person`` with bibgen's name parts (a corporate name is all last names)."""
    from pybtex.database import Person as PybtexPerson

    if p.literal:
        # All last names, no first/von parsing: prints as written; alpha labels
        # take the initials ("World Health Organization" -> WHO19).
        return PybtexPerson(last=hide(p.literal))
    given = p.given.split()
    return PybtexPerson(
        first=hide(given[0]) if given else "",
        middle=hide(" ".join(given[1:])),
        prelast=hide(p.particle),
        last=hide(p.family),
        lineage=hide(p.suffix),
    )


def pybtex_entry(entry: Entry) -> Any:
    """A pybtex ``Entry`` holding the fields bibgen's BibTeX writer would write for ``entry``."""
    from pybtex.database import Entry as PybtexEntry
    from pybtex.database import Person as PybtexPerson

    from bibgen.writers.bibtex import BibtexWriter

    btype, raw = BibtexWriter().entry_type_and_fields(entry)
    if btype == "phdthesis" and "master" in raw.get("type", "").lower():
        btype = "mastersthesis"
        raw.pop("type")
    fields: dict[str, str] = {}
    for name, value in raw.items():
        if not value:
            continue
        if name in _RAW:
            fields[name] = value
        elif name == "pages":
            # pybtex's dashify turns "-" into an en dash symbol; other characters are hidden.
            fields[name] = "-".join(hide(p) for p in re.split(r"\s*[\u2013\u2014-]+\s*", value))
        elif name == "month" and value.isdigit() and 1 <= int(value) <= 12:
            fields[name] = _MONTHS[int(value) - 1]
        elif name in _TITLE_FIELDS:
            fields[name] = protect_words(value)
        else:
            fields[name] = hide(value)
    persons: dict[str, list[Any]] = {}
    for role in ("author", "editor"):
        people = entry.people.get(role, ())
        if people:
            persons[role] = [pybtex_person(p) for p in people]
            if role in entry.partial:
                persons[role].append(PybtexPerson("others"))
    out = PybtexEntry(btype, fields=fields, persons=persons)
    out.key = entry.key
    return out


def to_nodes(rich: Any) -> tuple[Node, ...]:
    """bibgen nodes for a piece of pybtex rich text."""
    from pybtex import richtext

    if isinstance(rich, str):
        return (Text(show(rich)),) if rich else ()
    if isinstance(rich, richtext.String):
        return (Text(show(rich.value)),) if rich.value else ()
    if isinstance(rich, richtext.Symbol):
        if rich.name == "ndash":
            return (Dash(),)
        if rich.name == "nbsp":
            return (Nbsp(),)
        return (Text(" "),)  # newblock and anything newer: a space between blocks
    children = tuple(n for part in rich.parts for n in to_nodes(part))
    if isinstance(rich, richtext.HRef):
        return (Link(rich.url, children),) if children else ()
    if isinstance(rich, richtext.Tag):
        return (Span(_TAG_ROLES.get(rich.name, "plain"), children),) if children else ()
    if isinstance(rich, richtext.Protected):
        return (Span("nocase", children),) if children else ()
    return children


def merge_text(nodes: Sequence[Node]) -> tuple[Node, ...]:
    """Adjacent :class:`Text` nodes joined, recursively (pybtex splits text at every join)."""
    out: list[Node] = []
    for node in nodes:
        if isinstance(node, Span):
            node = Span(node.role, merge_text(node.children))
        elif isinstance(node, Link):
            node = Link(node.url, merge_text(node.children))
        if out and isinstance(node, Text) and isinstance(out[-1], Text):
            out[-1] = Text(out[-1].text + node.text)
        else:
            out.append(node)
    return tuple(out)


def _format_entries(style: Any, entries: list[Any]) -> Any:
    """pybtex's ``format_entries``, except that an entry lacking a field its type requires
    (an article without a journal) is formatted as ``misc`` instead of failing."""
    from pybtex.database import Entry as PybtexEntry
    from pybtex.exceptions import PybtexError
    from pybtex.style.template import FieldIsMissing

    try:
        ordered = style.sort(entries)
        labels = list(style.format_labels(ordered))
    except PybtexError as exc:
        raise InputError(f"pybtex cannot sort or label these entries: {exc}") from None
    for label, entry in zip(labels, ordered):
        try:
            yield style.format_entry(label, entry)
        except FieldIsMissing:
            fallback = PybtexEntry("misc", fields=entry.fields, persons=entry.persons)
            fallback.key = entry.key
            yield style.format_entry(label, fallback)
        except PybtexError as exc:
            raise InputError(f"pybtex cannot format entry '{entry.key}': {exc}") from None


class PybtexStyle:
    """A pybtex formatting style (``pybtex.style.formatting`` plugin ``name``)."""

    name = ""
    title = ""
    engine = "pybtex"

    def format(self, entries: Sequence[Entry]) -> list[Reference]:
        """References in the style's order, labelled ``[1]`` or ``[Vas17]``."""
        from pybtex.plugin import find_plugin

        style = find_plugin("pybtex.style.formatting", self.name)()
        by_key = {e.key: e for e in entries}
        out: list[Reference] = []
        for formatted in _format_entries(style, [pybtex_entry(e) for e in entries]):
            label = show(str(formatted.label))
            out.append(
                Reference(
                    key=formatted.key,
                    body=merge_text(to_nodes(formatted.text)),
                    label=(Text(f"[{label}]"),),
                    entry=by_key.get(formatted.key),
                )
            )
        return out


class PlainStyle(PybtexStyle):
    """BibTeX ``plain``: numbered, sorted by author, year and title."""

    name = "plain"
    title = "BibTeX plain (numbered, sorted by author)"


class UnsrtStyle(PybtexStyle):
    """BibTeX ``unsrt``: numbered, in the order given (bibgen gives key order)."""

    name = "unsrt"
    title = "BibTeX unsrt (numbered, unsorted)"


class AlphaStyle(PybtexStyle):
    """BibTeX ``alpha``: author-year labels such as ``[Vas17]``, sorted by author."""

    name = "alpha"
    title = "BibTeX alpha (author-year labels, sorted)"


class UnsrtAlphaStyle(PybtexStyle):
    """pybtex ``unsrtalpha``: alpha labels in the order given."""

    name = "unsrtalpha"
    title = "BibTeX unsrtalpha (author-year labels, unsorted)"
