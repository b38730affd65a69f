"""Rich text of a title-like value, from a .bib's LaTeX, as CSL-JSON's HTML-like markup.

CSL-JSON carries formatting inside strings (``<i>``, ``<b>``, ``<sup>``,
``<sub>``, ``<span style="font-variant:small-caps;">`` and
``<span class="nocase">``; citeproc-js "rich text" markup). A .bib says the
same with ``\\emph{...}``, ``\\textbf{...}``, ``\\textsc{...}``,
``\\textsuperscript{...}``, ``\\textsubscript{...}`` and case-protecting
braces. :func:`from_latex` reads the LaTeX source of a value into a small tree
of :class:`Span` and ``str`` leaves; :func:`sentence_case` re-cases its
unprotected words the way pandoc reads an English biblatex title (CSL expects
titles in sentence case, .bib files hold them in title case); :func:`to_csl`
writes the tree as CSL markup.

Inline math (``$...$``) becomes Unicode where :mod:`bibgen.mathtext` has a
faithful form and stays TeX otherwise; either way it is protected from case
changes. An escaped dollar (``\\$``) is a dollar sign, not math.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bibgen.latex import _group_end
from bibgen.latex import decode as decode_latex
from bibgen.mathtext import convert_math

# LaTeX command -> the span it opens (None: no markup, only its argument).
_COMMANDS: dict[str, str | None] = {
    "emph": "i", "textit": "i", "textsl": "i", "mkbibemph": "i", "mkbibitalic": "i",
    "textbf": "b", "mkbibbold": "b",
    "textsc": "sc",
    "textsuperscript": "sup", "mkbibsuperscript": "sup",
    "textsubscript": "sub", "mkbibsubscript": "sub",
    "textup": None, "textrm": None, "textnormal": None, "textmd": None, "textsf": None, "texttt": None,
    "NoCaseChange": "nocase", "nocase": "nocase",
}  # fmt: skip
# Declarations inside a group: ``{\em ...}``, ``{\itshape ...}``.
_DECLARATIONS: dict[str, str] = {
    "em": "i", "it": "i", "itshape": "i", "sl": "i", "slshape": "i",
    "bf": "b", "bfseries": "b", "sc": "sc", "scshape": "sc",
}  # fmt: skip
_OPEN = {
    "i": "<i>", "b": "<b>", "sup": "<sup>", "sub": "<sub>",
    "sc": '<span style="font-variant:small-caps;">', "nocase": '<span class="nocase">',
}  # fmt: skip
_CLOSE = {"i": "</i>", "b": "</b>", "sup": "</sup>", "sub": "</sub>", "sc": "</span>", "nocase": "</span>"}
_LETTERS = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True)
class Span:
    """Formatted text: ``tag`` is ``i``, ``b``, ``sc``, ``sup``, ``sub`` or ``nocase`` (case kept as written)."""

    tag: str
    children: tuple[Span | str, ...]


Node = Span | str


def from_latex(latex: str) -> tuple[Node, ...]:
    """The rich text of a BibTeX value's source (``@string`` macros already expanded)."""
    nodes = _parse(latex)
    return _trim(nodes)


def unbrace(raw: str) -> str:
    """A source value without the one pair of braces that delimits it (``{{A}} b`` stays whole)."""
    if raw.startswith("{") and _group_end(raw, 0) == len(raw) - 1:
        return raw[1:-1]
    return raw


def _parse(s: str) -> list[Node]:
    out: list[Node] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            text = decode_latex("".join(buf))
            if text:
                out.append(text)
            buf.clear()

    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if c == "\\":
            m = _LETTERS.match(s, i + 1)
            name = m.group(0) if m else ""
            j = m.end() if m else min(i + 2, n)
            if name in _COMMANDS:
                k = j
                while k < n and s[k] in " \t\n":
                    k += 1
                if k < n and s[k] == "{":
                    end = _close(s, k)
                    flush()
                    inner = _parse(s[k + 1 : end])
                    tag = _COMMANDS[name]
                    out.extend(inner if tag is None else [Span(tag, tuple(inner))])
                    i = end + 1
                    continue
            # Any other command (or an escape) with the brace arguments that follow it: decoded as text.
            while j < n and s[j] == "{":
                j = _close(s, j) + 1
            buf.append(s[i:j])
            i = j
        elif c == "{":
            end = _close(s, i)
            inner = s[i + 1 : end]
            m = re.match(r"\\([A-Za-z]+)\s*", inner)
            if m and m.group(1) in _DECLARATIONS:
                flush()
                out.append(Span(_DECLARATIONS[m.group(1)], tuple(_parse(inner[m.end() :]))))
            elif inner.startswith("\\") and not inner.startswith("\\{") and len(decode_latex(inner)) <= 2:
                buf.append(s[i : end + 1])  # a special character, {\'e} or {\ss}: part of its word
            else:
                flush()
                children = tuple(_parse(inner))
                if children:
                    out.append(Span("nocase", children))
            i = end + 1
        elif c == "$":
            end = _math_end(s, i)
            if end < 0:
                buf.append(s[i:])
                break
            flush()
            body = s[i + 1 : end]
            converted = convert_math(body) if body.strip() else None
            out.append(Span("nocase", (converted if converted is not None else f"${body}$",)))
            i = end + 1
        else:
            buf.append(c)
            i += 1
    flush()
    return out


def _close(s: str, i: int) -> int:
    end = _group_end(s, i)
    return end if end >= 0 else len(s) - 1


def _math_end(s: str, i: int) -> int:
    """The unescaped ``$`` closing math opened at ``i``; -1 when there is none."""
    j = i + 1
    while j < len(s):
        if s[j] == "\\":
            j += 2
            continue
        if s[j] == "$":
            return j if j > i + 1 else -1
        j += 1
    return -1


def _trim(nodes: list[Node]) -> tuple[Node, ...]:
    """Whitespace as the readers normalise it: single spaces, none at the ends."""
    flat = _respace(nodes)
    if flat and isinstance(flat[0], str):
        flat[0] = flat[0].lstrip()
    if flat and isinstance(flat[-1], str):
        flat[-1] = flat[-1].rstrip()
    return tuple(x for x in flat if x != "")


def _respace(nodes: list[Node] | tuple[Node, ...]) -> list[Node]:
    return [re.sub(r"\s+", " ", x) if isinstance(x, str) else Span(x.tag, tuple(_respace(x.children))) for x in nodes]


def plain(nodes: tuple[Node, ...] | list[Node]) -> str:
    """The text without markup."""
    return "".join(x if isinstance(x, str) else plain(x.children) for x in nodes)


def has_markup(nodes: tuple[Node, ...]) -> bool:
    return any(isinstance(x, Span) for x in nodes)


def to_csl(nodes: tuple[Node, ...] | list[Node]) -> str:
    """CSL-JSON rich-text markup.

    Text is written as it is: CSL-JSON has no escape for its own tags (citeproc-js
    and pandoc print ``&lt;`` as four characters), so a ``<i>`` typed in a title
    reads as markup there, as it does from any other source; other angle
    brackets (``<script>``) are text to every CSL processor.
    """
    out = []
    for x in nodes:
        if isinstance(x, str):
            out.append(x)
        else:
            out.append(_OPEN[x.tag] + to_csl(x.children) + _CLOSE[x.tag])
    return "".join(out)


# --- sentence case -----------------------------------------------------------------

_WORD = re.compile(r"\S+|\s+")
_SENTENCE_END = re.compile(r"[.:?!][\"'”’)\]]*$")


def _capitalized(part: str) -> bool:
    """An initial capital followed only by lower-case letters (``Boson``, ``A``), not ``BERT``/``iPhone``/``3D``."""
    letters = [ch for ch in part if ch.isalpha()]
    if not letters or not letters[0].isupper():
        return False
    if any(ch.isdigit() for ch in part):
        return False  # Word2vec, 3D: a letter-digit mix is a name
    return all(ch.islower() for ch in letters[1:])


def _lower_word(word: str, keep_first: bool = False) -> str:
    """``Sub-Character`` -> ``sub-character``; each hyphen part on its own (``Twenty-One`` first: ``Twenty-one``)."""
    parts = re.split(r"([-‐–—/'’])", word)
    out = []
    for k, p in enumerate(parts):
        keep = keep_first and not any(ch.isalnum() for ch in "".join(parts[:k]))
        out.append(p.lower() if _capitalized(p) and not keep else p)
    return "".join(out)


def sentence_case(nodes: tuple[Node, ...]) -> tuple[Node, ...]:
    """pandoc's reading of an English .bib title: capitalised words become lower case.

    Kept: the first word, the first word after ``:``, ``.``, ``?`` or ``!``,
    protected text (braces, math), and words that are all capitals, have an
    inner capital or mix letters and digits (``GPT-4``, ``iPhone``, ``3D``).
    """
    state = {"start": True}

    def walk(ns: tuple[Node, ...], protected: bool) -> tuple[Node, ...]:
        out: list[Node] = []
        for x in ns:
            if isinstance(x, Span):
                # Small capitals keep their case (pandoc leaves SmallCaps alone).
                out.append(Span(x.tag, walk(x.children, protected or x.tag in ("nocase", "sc"))))
                continue
            pieces = []
            for tok in _WORD.findall(x):
                if tok.isspace():
                    pieces.append(tok)
                    continue
                if not protected:
                    tok = _lower_word(tok, keep_first=state["start"])
                pieces.append(tok)
                if _SENTENCE_END.search(tok):
                    state["start"] = True
                elif any(ch.isalnum() for ch in tok):
                    state["start"] = False
            out.append("".join(pieces))
        return tuple(out)

    return walk(nodes, False)
