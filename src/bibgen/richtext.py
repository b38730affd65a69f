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
writes the tree as CSL markup. The other way, :func:`from_csl` reads CSL-JSON
markup into the same tree and :func:`to_latex` writes it as LaTeX for a .bib.

Inline math (``$...$``) becomes Unicode where :mod:`bibgen.mathtext` has a
faithful form and stays TeX otherwise; either way it is protected from case
changes. An escaped dollar (``\\$``) is a dollar sign, not math.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
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
_EMPTY = re.match("", "")
_ACCENTS = frozenset("'`^\"~=.")


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
            # Any other command (or an accent) with the brace arguments that follow it: decoded as text.
            # An escaped character (\% \& \#) takes none: "50\%{DNA}" keeps its protected group.
            # "\\textless{}" ends at its empty group: a brace group after it is the title's own.
            while j < n and s[j] == "{" and (name or s[i + 1 : i + 2] in _ACCENTS):
                empty = s.startswith("{}", j)
                j = _close(s, j) + 1
                if empty:
                    break
            buf.append(s[i:j])
            i = j
        elif c == "{":
            end = _close(s, i)
            inner = s[i + 1 : end]
            m = re.match(r"\\([A-Za-z]+)\s*", inner)
            if m and m.group(1) in _DECLARATIONS:
                flush()
                out.append(Span(_DECLARATIONS[m.group(1)], tuple(_parse(inner[m.end() :]))))
            elif (inner.startswith("\\") and not inner.startswith("\\{") and len(decode_latex(inner)) <= 2
                  and (_LETTERS.match(inner, 1) or _EMPTY).group(0) not in _COMMANDS):
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



# --- CSL-JSON markup in, LaTeX out ---------------------------------------------------

# The tags citeproc-js reads as markup (its flip-flop parser), each with the span it makes.
_CSL_TAG = re.compile(r'<(/?)(i|b|sup|sub|sc)>|<span class="(nocase|nodecor)">|<span style="font-variant:\s*small-caps;?">|</span>')
_CSL_ROLE = {"i": "i", "b": "b", "sup": "sup", "sub": "sub", "sc": "sc"}
_LATEX = {"i": "\\emph{", "b": "\\textbf{", "sc": "\\textsc{", "sup": "\\textsuperscript{", "sub": "\\textsubscript{"}


def from_csl(markup: str) -> tuple[Node, ...]:
    """The rich text of a CSL-JSON string with citeproc-js's markup.

    Only balanced tags are markup (an unclosed ``<i>`` or a ``<script>`` stays
    text, as in citeproc-js); ``<span class="nodecor">`` (formatting undone,
    never re-cased) reads as ``nocase``, the nearest a .bib can say.
    """
    if "<" not in markup:
        return (markup,) if markup else ()
    tokens: list[tuple[int, int, str, bool]] = []  # start, end, tag, closing
    for m in _CSL_TAG.finditer(markup):
        full = m.group(0)
        if m.group(2):
            tokens.append((m.start(), m.end(), _CSL_ROLE[m.group(2)], m.group(1) == "/"))
        elif full == "</span>":
            tokens.append((m.start(), m.end(), "span", True))
        else:
            tokens.append((m.start(), m.end(), "nocase" if m.group(3) else "sc", False))
    # Pair open and close tags with a stack (every <span ...> closes with </span>).
    stack: list[int] = []
    pairs: dict[int, int] = {}
    for idx, (_, _, tag, closing) in enumerate(tokens):
        if not closing:
            stack.append(idx)
            continue
        for k in range(len(stack) - 1, -1, -1):
            opened = tokens[stack[k]][2]
            if opened == tag or (tag == "span" and opened in ("nocase", "sc") and _is_span(markup, tokens[stack[k]])):
                pairs[stack[k]] = idx
                del stack[k:]
                break
    root: list[Node] = []
    levels: list[tuple[str, list[Node]]] = []
    closes: list[int] = []
    pos = 0

    def add(text: str) -> None:
        if text:
            (levels[-1][1] if levels else root).append(text)

    for idx, (start, end, tag, _closing) in enumerate(tokens):
        if closes and idx == closes[-1]:
            add(markup[pos:start])
            closes.pop()
            opened, children = levels.pop()
            if children:
                (levels[-1][1] if levels else root).append(Span(opened, tuple(children)))
            pos = end
        elif idx in pairs:
            add(markup[pos:start])
            levels.append((tag, []))
            closes.append(pairs[idx])
            pos = end
    add(markup[pos:])
    return tuple(root)


def _is_span(markup: str, token: tuple[int, int, str, bool]) -> bool:
    return markup.startswith("<span", token[0])


def to_latex(
    nodes: Sequence[Node],
    encode: Callable[[str], str],
    protect: Sequence[bool] = (),
) -> str:
    """LaTeX of rich text: ``\\emph{}``, ``\\textbf{}``, ``\\textsc{}``, ``\\textsuperscript{}``,
    ``\\textsubscript{}``, and braces for ``nocase`` (case protection).

    ``encode`` turns a piece of text into LaTeX (escaping). ``protect`` marks,
    per character of :func:`plain`, text outside ``nocase`` that is braced too
    (a writer's own case protection of words such as ``DNA``). A group that
    would start with a command is braced twice, so BibTeX does not read it as a
    special character whose letters it re-cases.
    """
    pos = 0

    def brace(inner: str) -> str:
        return "{{" + inner + "}}" if inner.startswith("\\") else "{" + inner + "}"

    def walk(ns: Sequence[Node], protected: bool) -> str:
        nonlocal pos
        out: list[str] = []
        for x in ns:
            if isinstance(x, str):
                start, pos = pos, pos + len(x)
                if protected or not protect:
                    out.append(encode(x))
                    continue
                k = 0
                while k < len(x):
                    flag = start + k < len(protect) and protect[start + k]
                    j = k
                    while j < len(x) and (start + j < len(protect) and protect[start + j]) == flag:
                        j += 1
                    piece = x[k:j]
                    # Braces only matter around letters ("{CO}2", not "{CO2}" split as "{CO}{2}").
                    out.append(brace(encode(piece)) if flag and any(c.isalpha() for c in piece) else encode(piece))
                    k = j
            elif x.tag == "nocase":
                inner = walk(x.children, True)
                out.append(inner if protected else brace(inner))
            else:
                out.append(_LATEX[x.tag] + walk(x.children, protected) + "}")
        return "".join(out)

    return walk(nodes, False)
