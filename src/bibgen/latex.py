"""LaTeX text encoding: untrusted Unicode text in, safe BibTeX field text out, and back.

Encoding rules:

* Every LaTeX special outside math prints literally: ``\\ { } % & # _ ~ ^ $``
  and the OT1 traps ``< > |``; ligature pairs (``--``, ``''``, ````` ``, ``!```) are
  split with ``{}`` so they print as typed. The result always has balanced braces,
  so a value can neither end its field early nor run a command (``\\input``,
  ``\\write18`` and ``\\catcode`` print as text).
* ``$...$`` math is kept as math only when every command in it is on a list of
  harmless math commands and its braces balance; otherwise it is text.
* With ``protect_case``, words containing a capital letter or mixing letters and
  digits are wrapped in braces (``{BYOL}``, ``{AlphaCode}``), as is any math.
* With ``ascii=True`` non-ASCII characters become LaTeX accent commands
  (pylatexenc's table, which knows far more characters than a hand-written
  map); characters LaTeX has no command for are transliterated (unidecode).

Decoding (for .bib readers and round-trip tests) uses pylatexenc's latex2text
with the extra text symbols this module writes and math kept verbatim.
"""

from __future__ import annotations

import re
from functools import lru_cache

_TEXT_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "%": r"\%",
    "&": r"\&",
    "#": r"\#",
    "_": r"\_",
    "$": r"\$",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"\textless{}",
    ">": r"\textgreater{}",
    "|": r"\textbar{}",
}
# A ligature's first character gets "{}" after it: "---" -> "-{}-{}-".

_MATH_RE = re.compile(r"\$([^$]{1,1000})\$")
_MATH_COMMANDS = frozenset(
    """alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi
    pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta Lambda
    Xi Pi Sigma Upsilon Phi Psi Omega times cdot div pm mp leq geq le ge neq ne approx sim simeq
    cong equiv propto infty partial nabla sum prod int oint frac dfrac tfrac sqrt log ln exp sin cos
    tan min max arg argmin argmax lim sup inf det mathcal mathbf mathrm mathbb mathit mathsf mathtt
    mathscr boldsymbol text textrm textbf textit textsf texttt operatorname hat tilde bar vec dot
    ddot overline underline widehat widetilde left right big Big bigg Bigg ell ldots cdots dots
    vdots ddots in notin ni subset subseteq supset supseteq cup cap setminus forall exists nexists
    mid nmid parallel pm to gets rightarrow leftarrow Rightarrow Leftarrow leftrightarrow
    Leftrightarrow mapsto implies iff circ star ast bullet prime top bot perp emptyset varnothing
    ll gg lesssim gtrsim langle rangle lfloor rfloor lceil rceil lVert rVert Vert vert quad qquad
    land lor lnot neg wedge vee oplus otimes odot dagger hbar Re Im aleph binom choose mod bmod pmod
    displaystyle scriptstyle textstyle limits nolimits colon triangleq coloneqq""".split()
)
_MATH_COMMAND_RE = re.compile(r"\\([A-Za-z]+|.)")
_MATH_BAD_CHARS = re.compile(r"(?<!\\)[%#&~\n]|\\\\")
_SAFE_MATH_SYMBOLS = frozenset(",;:!{}|% _&#$")


@lru_cache(maxsize=4096)
def _safe_math(body: str) -> bool:
    if body.strip() == "" or _MATH_BAD_CHARS.search(body):
        return False
    for m in _MATH_COMMAND_RE.finditer(body):
        cmd = m.group(1)
        if cmd not in _MATH_COMMANDS and cmd not in _SAFE_MATH_SYMBOLS:
            return False
    depth = 0
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth < 0:
                return False
        i += 1
    return depth == 0 and not body.endswith("\\")


def split_math(text: str) -> list[tuple[bool, str]]:
    """``[(is_math, piece), …]``; math pieces keep their ``$`` delimiters."""
    if "$" not in text:
        return [(False, text)]
    out: list[tuple[bool, str]] = []
    pos = 0
    for m in _MATH_RE.finditer(text):
        if not _safe_math(m.group(1)):
            continue
        if m.start() > pos:
            out.append((False, text[pos : m.start()]))
        out.append((True, m.group(0)))
        pos = m.end()
    if pos < len(text) or not out:
        out.append((False, text[pos:]))
    return out


_ESCAPE_TABLE = str.maketrans(_TEXT_ESCAPES)
_LIGATURE_RE = re.compile(r"-(?=-)|'(?=')|`(?=`)|!(?=`)|\?(?=`)|,(?=,)")


_SPECIAL_CHARS = tuple(_TEXT_ESCAPES)
_SPECIAL_RE = re.compile("[" + re.escape("".join(_TEXT_ESCAPES)) + "]")


def _escape_one(m: re.Match[str]) -> str:
    return _TEXT_ESCAPES[m.group()]


def _escape_specials(text: str) -> str:
    # One pass does the one-character escapes; the ligature pass runs
    # only when a pair may be present. Neither escapes' output contains a ligature
    # pair. Most text needs neither, and one character-class search (or substring
    # tests) finds that out much faster than translate or the ligature regex.
    if _SPECIAL_RE.search(text):
        # Replacements longer than one character put str.translate on its slow,
        # per-character path; re.sub only works where a special is.
        text = _SPECIAL_RE.sub(_escape_one, text)
    if "--" in text or "''" in text or "`" in text or ",," in text:  # every pair but these ends in "`"
        text = _LIGATURE_RE.sub(lambda m: m.group(0) + "{}", text)
    return text


@lru_cache(maxsize=4096)
def _ascii_char(ch: str) -> str:
    from pylatexenc.latexencode import unicode_to_latex

    out = unicode_to_latex(
        ch, non_ascii_only=True, replacement_latex_protection="braces-all", unknown_char_policy="keep"
    )
    if out == ch or not out.isascii():
        from unidecode import unidecode

        out = _escape_specials(unidecode(ch))
    return out


def _to_ascii(text: str) -> str:
    if text.isascii():
        return text
    return "".join(c if c.isascii() else _ascii_char(c) for c in text)




_EDGE_PUNCT = re.compile(r"^([(\[\"'“‘]*)(.*?)([)\]\"'”’.,:;!?]*)$", re.DOTALL)


def _needs_protection(word: str) -> bool:
    if word.lower() != word:
        return True  # has a capital
    if word.isalpha() or word.isdigit():
        return False
    return bool(_DIGIT_RE.search(word)) and bool(_ALPHA_RE.search(word))


_DIGIT_RE = re.compile(r"\d")
_ALPHA_RE = re.compile(r"[^\W\d_]")


_WORDS_RE = re.compile(r"(\s+)")


@lru_cache(maxsize=131072)
def _protect_word(w: str, ascii: bool) -> str:
    """One word of a title, escaped, its core braced when it needs case protection."""
    m = _EDGE_PUNCT.match(w)
    head, core, tail = m.group(1), m.group(2), m.group(3)
    out = []
    for part, protect in ((head, False), (core, _needs_protection(core)), (tail, False)):
        if part:
            enc = _escape_specials(part)
            if ascii:
                enc = _to_ascii(enc)
            out.append("{" + enc + "}" if protect else enc)
    return "".join(out)


def encode(text: str, *, ascii: bool = False, protect_case: bool = False) -> str:
    """Field text for BibTeX/biblatex: safe, brace-balanced, printing ``text`` as written."""
    if not protect_case and "$" not in text:
        enc = _escape_specials(text)  # what the loop below does for one non-math piece
        return _to_ascii(enc) if ascii else enc
    out: list[str] = []
    for is_math, piece in split_math(text):
        if is_math:
            out.append("{" + piece + "}" if protect_case else piece)
            continue
        if protect_case:
            # Words at even places, the whitespace between them at odd ones
            # (the first and last word may be empty).
            words = _WORDS_RE.split(piece)
            words[::2] = [_protect_word(w, ascii) if w else w for w in words[::2]]
            out.append("".join(words))
        else:
            enc = _escape_specials(piece)
            out.append(_to_ascii(enc) if ascii else enc)
    return "".join(out)


@lru_cache(maxsize=1)
def _decoder():  # type: ignore[no-untyped-def]
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

    db = get_default_latex_context_db()
    db.add_context_category(
        "bibgen",
        prepend=True,
        macros=[
            MacroTextSpec("textless", "<"),
            MacroTextSpec("textgreater", ">"),
            MacroTextSpec("textbar", "|"),
            MacroTextSpec("textbraceleft", "{"),
            MacroTextSpec("textbraceright", "}"),
            MacroTextSpec("textasciicircum", "^"),
            MacroTextSpec("textasciitilde", "~"),
            MacroTextSpec("textbackslash", "\\"),
        ],
    )
    return LatexNodes2Text(latex_context=db, math_mode="verbatim", strict_latex_spaces=True)


_PLAIN_RE = re.compile(r"[\\{}$~%&#_^'`!?,-]")


def decode(latex: str) -> str:
    """Unicode text from LaTeX field text: accents resolved, braces dropped, math kept."""
    if not _PLAIN_RE.search(latex):
        return latex
    fast = _decode_simple(latex)
    if fast is not None:
        return fast
    return _decode_full(latex)


def _decode_full(latex: str) -> str:
    try:
        return _decoder().latex_to_text(latex)
    except Exception:  # pylatexenc raises assorted errors on malformed input
        return latex


# The fast path: a scanner over the LaTeX that .bib files are made of, which
# cuts a value into plain text, braces, comments, inline math and *atoms*: one
# command with its arguments (``\"o``, ``\c c``, ``{\ss}``, ``\emph{...}``,
# ``\url{...}``) or one of pylatexenc's specials (``~``, ``--``, ````, ``&``).
# Every atom is self-contained (its arguments are brace groups or a single
# letter), so pylatexenc decodes it alone exactly as in context; each distinct
# atom is decoded once (cached), and commands that only show their argument
# (``\emph``, ``\textit``; ``\url`` between ``<>``) are unwrapped here and
# their argument scanned in turn. Math is kept verbatim (pylatexenc's math_mode="verbatim") once the
# scanner has checked pylatexenc would end it at the same ``$``: braces
# balance, no ``%``, and every command's arguments lie inside it. Anything
# else (environments, \verb, optional arguments, display math, a blank line
# after a command, unbalanced braces, % in math or in an argument) sends the
# whole value to pylatexenc. Each value is scanned once, left to right, and
# every brace group once more at most, so time is linear in its length.
# tests/unit/test_latex.py checks with hypothesis that both paths agree;
# bench/realistic.py reports how often the slow path is taken.
# pylatexenc reads a command name as any run of letters, non-ASCII ones too
# (``\o中`` is one unknown command): such names are left to it.
# The first two alternatives are shortcuts for what abstracts are full of: a
# group of plain text ({GPU}: its text) and a braced one-letter accent ({\"o},
# {\'{e}}: one cached atom); the scanner would reach the same result token by token.
_TOKEN_RE = re.compile(
    r"""\{[^{}\\$%~&'`\-]*+\}|\{\\["'^`~=.](?:[A-Za-z]|\{[A-Za-z]\})\}"""
    r"""|\\(?:[^\W\d_]+|.|$)|[{}$%~&]|---?|``|''|[!?]`""",
    re.DOTALL,
)
_MATH_TOKEN_RE = re.compile(r"\\(?:[^\W\d_]+|.|$)|[{}$%]", re.DOTALL)
_BRACE_RE = re.compile(r"\\.|[{}]", re.DOTALL)
_SPACE_RE = re.compile(r"[ \t\r\n]*")
# Commands pylatexenc parses by rules of their own; the fast path leaves them to it.
_OWN_RULES = frozenset({"begin", "end", "verb", "(", ")", "[", "]", "item", "par"})


@lru_cache(maxsize=1)
def _parser_context():  # type: ignore[no-untyped-def]
    from pylatexenc.latexwalker import get_default_latex_context_db

    return get_default_latex_context_db()  # what latex_to_text parses with


@lru_cache(maxsize=None)
def _argspec(name: str) -> str | None:
    """pylatexenc's argument spec of a command ('' for none), None when it has a parser of its own."""
    if name in _OWN_RULES or not name.isascii():
        return None
    spec = _parser_context().get_macro_spec(name)
    if spec is None:
        return ""
    argspec = getattr(spec.args_parser, "argspec", None)
    if argspec is None or type(spec.args_parser).__name__ != "MacroStandardArgsParser":
        return None
    return argspec


@lru_cache(maxsize=None)
def _wrapper(name: str) -> tuple[str, str] | None:
    """(before, after) when a one-argument command's text is its argument's text between
    two fixed strings: ("", "") for \\emph or \\textit, ("<", ">") for \\url; else None."""
    if _argspec(name) != "{":
        return None
    probe = _decode_token("\\" + name + "{Qz}")
    at = -1 if probe is None else probe.find("Qz")
    if probe is None or at < 0:
        return None
    before, after = probe[:at], probe[at + 2 :]
    for text in ("", " a  b ", "x-y"):
        if _decode_token("\\" + name + "{" + text + "}") != before + text + after:
            return None
    return before, after


def _group_end(text: str, start: int) -> int:
    """Index of the brace closing the group opened at ``start``; -1 if none."""
    depth = 0
    for m in _BRACE_RE.finditer(text, start):
        c = m.group()
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return m.start()
    return -1


def _skip_space(text: str, pos: int) -> int:
    """``pos`` past spaces and at most one line break (a blank line is a paragraph: -1)."""
    end = _SPACE_RE.match(text, pos).end()  # type: ignore[union-attr]
    return -1 if text.count("\n", pos, end) > 1 else end


def _arguments_end(text: str, pos: int, argspec: str, letters: bool) -> tuple[int, list[tuple[int, int]]]:
    """(end of a command's arguments, their brace groups' inner spans); end -1 when not simple.

    ``pos`` is just after the command's name. A mandatory argument is a brace
    group, one letter or digit, or a command without arguments (``\\"\\i``);
    an optional one must be absent.
    """
    groups: list[tuple[int, int]] = []
    end = pos
    n = len(text)
    for a in argspec:
        k = _skip_space(text, end)
        if k < 0:
            return -1, groups
        if a in "*[":
            if k < n and text[k] == a:
                return -1, groups
            continue
        if a != "{" or k >= n:
            return -1, groups
        c = text[k]
        if c == "{":
            close = _group_end(text, k)
            if close < 0:
                return -1, groups
            groups.append((k + 1, close))
            end = close + 1
        elif c.isalnum():
            end = k + 1
        elif c == "\\":
            m = _TOKEN_RE.match(text, k)
            name = m.group()[1:]  # type: ignore[union-attr]
            if not name.isalpha() or _argspec(name) != "":
                return -1, groups
            end = _skip_space(text, m.end())  # type: ignore[union-attr]
            if end < 0:
                return -1, groups
        else:
            return -1, groups
    if not argspec and letters:
        end = _skip_space(text, end)  # TeX drops the spaces after a command word
    return end, groups


def _math_end(text: str, pos: int) -> int:
    """Index just past the ``$`` closing inline math opened before ``pos``; -1 if pylatexenc might disagree."""
    if text.startswith("$", pos):
        return -1  # $$ display math
    depth = 0
    for m in _MATH_TOKEN_RE.finditer(text, pos):
        tok = m.group()
        c = tok[0]
        if c == "$":
            return m.end() if depth == 0 else -1
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth < 0:
                return -1
        elif c == "%":
            return -1
        else:
            name = tok[1:]
            if not name:
                return -1
            argspec = _argspec(name)
            if argspec is None:
                return -1
            if argspec:
                end, groups = _arguments_end(text, m.end(), argspec, name.isalpha())
                if end < 0 or any("$" in text[a:b] for a, b in groups):
                    return -1
                if "$" in text[m.end() : end]:
                    return -1
    return -1


def _decode_simple(latex: str) -> str | None:
    """``latex`` decoded as pylatexenc would, or None where the fast path cannot be sure."""
    out: list[str] = []
    if _scan(latex, 0, len(latex), out):
        return "".join(out)
    return None


# Where a token can start. The token pattern itself is an alternation, which
# the regex engine tries at every position: finding the next candidate with
# one character class first is several times faster on long plain text.
_TOKEN_START_RE = re.compile(r"[\\{}$%~&`'!?-]")


def _scan(latex: str, pos: int, stop: int, out: list[str]) -> bool:
    depth = 0
    find = _TOKEN_START_RE.search
    match = _TOKEN_RE.match
    at = pos
    while True:
        if at < pos:
            at = pos  # past what a command, math or a comment took
        s = find(latex, at, stop)
        if s is None:
            out.append(latex[pos:stop])
            return depth == 0
        m = match(latex, s.start(), stop)
        if m is None:  # a lone - ' ` ! or ?: plain text
            at = s.start() + 1
            continue
        start = m.start()
        if start > pos:
            out.append(latex[pos:start])
        tok = m.group()
        pos = at = m.end()
        c = tok[0]
        if c == "{":
            if len(tok) == 1:
                depth += 1
            elif tok[1] == "\\":
                text = _decode_token(tok)  # a braced accent
                if text is None:
                    return False
                out.append(text)
            else:
                out.append(tok[1:-1])
        elif c == "}":
            depth -= 1
            if depth < 0:
                return False
        elif c == "\\":
            name = tok[1:]
            argspec = _argspec(name) if name else None
            if argspec is None:
                return False
            end, groups = _arguments_end(latex, pos, argspec, name.isalpha())
            if end < 0 or end > stop:
                return False
            for a, b in groups:
                if "%" in latex[a:b] or "$" in latex[a:b]:
                    return False
            wrap = _wrapper(name) if len(groups) == 1 else None
            if wrap is not None:
                a, b = groups[0]
                out.append(wrap[0])
                if not _scan(latex, a, b, out):
                    return False
                out.append(wrap[1])
            else:
                text = _decode_token(latex[start:end])
                if text is None:
                    return False
                out.append(text)
            pos = end
        elif c == "$":
            end = _math_end(latex, pos)
            if end < 0 or end > stop:
                return False
            out.append(latex[start:end])
            pos = end
        elif c == "%":
            nl = latex.find("\n", pos, stop)
            if nl < 0:
                pos = stop
            else:
                pos = _SPACE_RE.match(latex, nl + 1).end()  # type: ignore[union-attr]
                if latex.count("\n", nl, pos) > 1 or pos > stop:
                    return False
        else:
            text = _decode_token(tok)
            if text is None:
                return False
            out.append(text)


@lru_cache(maxsize=65536)
def _decode_token(token: str) -> str | None:
    """pylatexenc's text of one atom; None where pylatexenc fails on it (then it fails on
    the whole value too, and keeps that as written: the fast path must not guess)."""
    try:
        return _decoder().latex_to_text(token)
    except Exception:  # pylatexenc raises assorted errors on malformed input
        return None
