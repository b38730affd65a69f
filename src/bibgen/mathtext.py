"""Inline TeX math as Unicode text, for outputs that cannot typeset it.

Formatted references (text, Markdown, HTML) and CSL-JSON cannot show
``$\\alpha$``: pandoc and citeproc-js print the dollars and backslashes. This
module turns the math of a value into plain Unicode where that is faithful
(``$\\alpha$-synuclein`` -> ``α-synuclein``, ``$O(n \\log n)$`` -> ``O(n log n)``,
``$x^2$`` -> ``x²``, ``$\\mathbb{R}^n$`` -> ``ℝⁿ``) and keeps the TeX source
otherwise: a command pylatexenc does not know, a superscript or subscript with
no Unicode form, or anything structural (``\\left``, environments, ``&``).

pylatexenc's math tables decide the symbols (``latex2text`` in ``text`` math
mode); bibgen adds what they lack for titles: the space after function names
(``\\log n``), Unicode super- and subscripts, and ``\\operatorname``/``\\rm``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bibgen.latex import isolated

_CMD = re.compile(r"\\([A-Za-z]+)|\\(.)")
_FUNCTIONS = (
    "arccos arcsin arctan arg cos cosh cot coth csc deg det dim exp gcd hom inf ker lg lim liminf limsup "
    "ln log max min Pr sec sin sinh sup tan tanh"
).split()
_FUNC_SPACE = re.compile(r"\\(" + "|".join(sorted(_FUNCTIONS, key=len, reverse=True)) + r")(?![A-Za-z])\s*(?=[A-Za-z0-9\\])")
# Binary operators and relations keep the spaces written around them ("a \cdot b" -> "a · b").
_OPERATORS = (
    "cdot times pm mp div le leq ge geq neq ne approx sim simeq cong equiv propto to rightarrow leftarrow "
    "Rightarrow Leftarrow leftrightarrow mapsto implies iff in notin ni subset subseteq supset supseteq cup cap "
    "setminus wedge vee oplus otimes ll gg mid parallel perp ast star circ bullet"
).split()
_OP_SPACE = re.compile(r"\\(" + "|".join(sorted(_OPERATORS, key=len, reverse=True)) + r")(?![A-Za-z])(\s+)")
_ROMAN = re.compile(r"\\operatorname\*?\{([^{}]*)\}|\{\\(?:rm|mathrm|textrm)\s+([^{}]*)\}")
_SCRIPT = re.compile(r"([\^_])(?:\{([^{}]*)\}|(\\[A-Za-z]+|[^\s{}\\]))")
_SUPER = dict(zip("0123456789+-=()niaeoxhjklmprstuvwy", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵃᵉᵒˣʰʲᵏˡᵐᵖʳˢᵗᵘᵛʷʸ"))
_SUB = dict(zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ"))
_SUPER.update({"′": "′", "*": "*", "T": "ᵀ", "\\prime": "′", "\\top": "ᵀ", "\\ast": "*", "\\star": "⋆"})
_SUB.update({"\\alpha": "ₐ", "\\beta": "ᵦ", "\\gamma": "ᵧ", "\\rho": "ᵨ", "\\phi": "ᵩ", "\\chi": "ᵪ"})
# Structure that plain text cannot carry: kept as TeX.
_STRUCTURAL = frozenset({"left", "right", "begin", "end", "over", "atop", "choose", "label", "ref", "eqref", "tag",
                         "newcommand", "def", "input", "include", "write", "immediate", "csname", "catcode"})


@dataclass(frozen=True, slots=True)
class MathText:
    """The text of a value with its math converted; ``kept`` lists the math left as TeX."""

    text: str
    kept: tuple[str, ...] = ()


def math_to_text(text: str) -> MathText:
    """``text`` with each ``$...$`` that has a faithful Unicode form replaced by it.

    Math is found as everywhere in bibgen (:func:`bibgen.latex.split_math`):
    a lone ``$`` or a dollar amount is text, not math.
    """
    if "$" not in text:
        return MathText(text)
    from bibgen.latex import split_math

    kept: list[str] = []
    out: list[str] = []
    for is_math, piece in split_math(text):
        converted = convert_math(piece[1:-1]) if is_math and len(piece) > 2 else None
        if is_math and converted is None:
            kept.append(piece)
        out.append(converted if converted is not None else piece)
    return MathText("".join(out), tuple(kept))


@lru_cache(maxsize=4096)
def convert_math(tex: str) -> str | None:
    """The Unicode text of one math formula (without its dollars), or None when it has none."""
    if "&" in tex or "%" in tex or "\\\\" in tex or len(tex) > 500:
        return None
    db = _db()
    for m in _CMD.finditer(tex):
        name = m.group(1)
        if name is None:
            continue
        if name in _STRUCTURAL or (db.get_macro_spec(name) is None and name not in ("operatorname", "rm", "prime", "top")):
            return None
    src = _ROMAN.sub(lambda m: "\\text{" + (m.group(1) if m.group(1) is not None else m.group(2)) + "}", tex)
    src = _FUNC_SPACE.sub(lambda m: "\\" + m.group(1) + "\\ ", src)
    src = _OP_SPACE.sub(lambda m: "\\" + m.group(1) + "{} ", src)
    scripts_ok = True

    def script(m: re.Match[str]) -> str:
        nonlocal scripts_ok
        table = _SUPER if m.group(1) == "^" else _SUB
        body = m.group(2) if m.group(2) is not None else m.group(3)
        out = _scripted(body, table)
        if out is None:
            scripts_ok = False
            return m.group(0)
        return "\\text{" + out + "}" if out else ""

    src = _SCRIPT.sub(script, src)
    if not scripts_ok:
        return None
    text = isolated(_converter().latex_to_text, src)  # None: pylatexenc failed, the TeX stays
    if text is None:
        return None
    if "\\" in text or "{" in text or "}" in text or "^" in text or "_" in text:
        return None
    return " ".join(text.split()) if "\n" in text else text


def _scripted(body: str, table: dict[str, str]) -> str | None:
    """A super- or subscript body in Unicode, or None when a character has no such form."""
    out: list[str] = []
    for tok in re.findall(r"\\[A-Za-z]+|\S", body.replace(" ", "")):
        ch = table.get(tok)
        if ch is None:
            return None
        out.append(ch)
    return "".join(out)


@lru_cache(maxsize=1)
def _db():  # type: ignore[no-untyped-def]
    from pylatexenc.latex2text import get_default_latex_context_db

    return get_default_latex_context_db()


@lru_cache(maxsize=1)
def _converter():  # type: ignore[no-untyped-def]
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="text", strict_latex_spaces=False)


def unicode_script(text: str, superscript: bool) -> str | None:
    """``text`` in Unicode super- or subscript letters (``2`` -> ``₂``); None when a character has none."""
    table = _SUPER if superscript else _SUB
    if not text or any(ch not in table for ch in text):
        return None
    return "".join(table[ch] for ch in text)
