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


def _escape_specials(text: str) -> str:
    # str.translate does the one-character escapes in C; the ligature pass runs
    # only when a pair is present. Neither escapes' output contains a ligature pair.
    # Most text needs neither, and one-character `in` tests find that out several
    # times faster than translate or a regex search.
    if any(c in text for c in _SPECIAL_CHARS):
        text = text.translate(_ESCAPE_TABLE)
    if ("-" in text or "'" in text or "`" in text) and _LIGATURE_RE.search(text):  # every pair ends in one of these
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
    return "".join(_accent_cluster(m.group(0)) or _cluster_ascii(m.group(0)) for m in _CLUSTER_RE.finditer(text))


def _is_mark(ch: str) -> bool:
    """A combining mark with no letter before it: kept as it is (no command prints it alone)."""
    import unicodedata

    return bool(unicodedata.combining(ch))


@lru_cache(maxsize=4096)
def _cluster_ascii(cluster: str) -> str:
    import unicodedata

    if _is_mark(cluster[0]):
        return cluster

    d = unicodedata.normalize("NFD", cluster)
    if len(d) > 1 and d[0].isascii() and d[0].isalpha() and all(unicodedata.combining(c) for c in d[1:]):
        out = unicodedata.normalize("NFC", cluster)
        if len(out) == 1:
            latex = _ascii_char(out)
            if unicodedata.normalize("NFD", _decode_token(latex)) == d:
                return latex
        return out  # a diacritic LaTeX has no command for (Vietnamese hook above): kept, never dropped
    return "".join(c if c.isascii() else _ascii_char(c) for c in cluster)


# The characters pdflatex's UTF-8 input (inputenc, the default since 2018) sets up
# with \usepackage[T1]{fontenc}: those declared in TeX Live's t1enc.dfu,
# ts1enc.dfu, ot1enc.dfu and omsenc.dfu (always loaded), as code point ranges.
_PDFLATEX_CHARS = (
    "00A0-0125 0128-0137 0139-013E 0141-0148 014A-0165 0168-017E 0192 01C4-01D4 01E2-01E3 01E6-01EB "
    "01F0 01F4-01F5 0218-021B 0232-0233 0237 02C7 02D8-02D9 02DB 02DD 0E3F 1E02-1E03 1E0D 1E1E-1E21 "
    "1E25 1E30-1E31 1E37 1E43 1E45 1E47 1E5B 1E63 1E6D 1E8E-1E91 1E9E 1EF2-1EF3 200C 2010-2016 "
    "2018-201A 201C-201E 2020-2022 2030-2031 2039-203B 203D 2044 204E 2052 20A1 20A4 20A6 20A9 "
    "20AB-20AC 20B1 2103 2116-2117 211E 2120 2122 2126-2127 212E 2190-2193 2329-232A 2422-2423 25E6 "
    "25EF 266A 27E8-27E9 3008-3009 FB00-FB06 FEFF "
)
_PDFLATEX_UNSAFE = re.compile(
    "[^\\x00-\\x7f"
    + "".join(
        (chr(int(a, 16)) + "-" + chr(int(b, 16))) if b else chr(int(a, 16))
        for a, _, b in (r.partition("-") for r in _PDFLATEX_CHARS.split())
    ).replace("\\", "\\\\").replace("]", "\\]").replace("^", "\\^")
    + "]"
)
# A base character with its combining marks: one cluster.
_CLUSTER_RE = re.compile(r".[\u0300-\u036f]*", re.DOTALL)
# Combining marks T1 has accent commands for; the rest have none (Vietnamese hook above).
_ACCENTS = {
    "\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0304": "=", "\u0306": "u",
    "\u0307": ".", "\u0308": '"', "\u030a": "r", "\u030b": "H", "\u030c": "v", "\u0327": "c",
    "\u0328": "k", "\u0323": "d", "\u0331": "b", "\u0361": "t",
}  # fmt: skip


@lru_cache(maxsize=4096)
def _accent_cluster(cluster: str) -> str | None:
    """A letter with accents as LaTeX accent commands (``ễ`` -> ``{\\~{\\^{e}}}``), None if T1 has none."""
    import unicodedata

    d = unicodedata.normalize("NFD", cluster)
    base, marks = d[0], d[1:]
    if not marks or not base.isascii() or any(m not in _ACCENTS for m in marks):
        return None
    out = base
    for m in marks:
        out = f"\\{_ACCENTS[m]}{{{out}}}"
    return "{" + out + "}"


@lru_cache(maxsize=4096)
def _pdflatex_cluster(cluster: str) -> str:
    if len(cluster) == 1 and not _PDFLATEX_UNSAFE.match(cluster):
        return cluster
    accent = _accent_cluster(cluster)
    if accent is not None:
        return accent
    if len(cluster) == 1 and not _is_mark(cluster):
        math = _ascii_char(cluster)
        if math.lstrip("{").startswith("\\ensuremath") and _decode_token(math) == cluster:
            return math  # Greek letters and math symbols: compile in any encoding
    return cluster  # a script T1 cannot print (CJK, Cyrillic): kept, the document must set it up


def pdflatex_text(text: str) -> str:
    """LaTeX ``text`` with the characters pdflatex (UTF-8 input, T1) cannot print written as accent commands."""
    return _to_pdflatex(text)


def _to_pdflatex(text: str) -> str:
    """UTF-8 text pdflatex (T1) can print: characters it has no input mapping for as accent commands."""
    if text.isascii() or not _PDFLATEX_UNSAFE.search(text):
        return text
    return "".join(_pdflatex_cluster(m.group(0)) for m in _CLUSTER_RE.finditer(text))




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
            enc = _to_ascii(enc) if ascii else _to_pdflatex(enc)
            out.append("{" + enc + "}" if protect else enc)
    return "".join(out)


def encode(text: str, *, ascii: bool = False, protect_case: bool = False) -> str:
    """Field text for BibTeX/biblatex: safe, brace-balanced, printing ``text`` as written."""
    if not protect_case and "$" not in text:
        enc = _escape_specials(text)  # what the loop below does for one non-math piece
        return _to_ascii(enc) if ascii else _to_pdflatex(enc)
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
            out.append(_to_ascii(enc) if ascii else _to_pdflatex(enc))
    return "".join(out)


def _keep_source(n, l2tobj):  # type: ignore[no-untyped-def]
    """A command without a text rule: its arguments' text when the parser knows them
    (``\\texttt{x}`` -> ``x``, pylatexenc's rule), else the command as written
    (``\\CSTUG``), never silently dropped."""
    args = n.nodeargd.argnlist if n.nodeargd is not None else None
    if args and any(a is not None for a in args) and _walker_knows(n.macroname):
        return "".join(l2tobj.node_to_text(a) for a in args if a is not None)
    return n.latex_verbatim()


def _first_arg_verbatim(n):  # type: ignore[no-untyped-def]
    """``\\url{a~b}`` -> ``a~b``: a URL's characters mean themselves."""
    args = n.nodeargd.argnlist if n.nodeargd else None
    if not args or args[0] is None:
        return ""
    text = args[0].latex_verbatim()
    return text[1:-1] if text.startswith("{") and text.endswith("}") else text


# Commands bibgen's decoder knows beyond pylatexenc's defaults: (name, argument spec, text).
# Text None: the first argument, verbatim; "%s": the argument rendered.
_EXTRA_MACROS = (
    ("textless", "", "<"), ("textgreater", "", ">"), ("textbar", "", "|"),
    ("textbraceleft", "", "{"), ("textbraceright", "", "}"),
    ("textasciicircum", "", "^"), ("textasciitilde", "", "~"), ("textbackslash", "", "\\"),
    ("mbox", "{", "%s"), ("hbox", "{", "%s"), ("text", "{", "%s"), ("textnormal", "{", "%s"),
    ("textup", "{", "%s"), ("textmd", "{", "%s"), ("NoCaseChange", "{", "%s"), ("MakeUppercase", "{", "%s"),
    ("LaTeX", "", "LaTeX"), ("TeX", "", "TeX"), ("LaTeXe", "", "LaTeX2e"), ("BibTeX", "", "BibTeX"),
    ("XeTeX", "", "XeTeX"), ("LuaTeX", "", "LuaTeX"), ("pdfTeX", "", "pdfTeX"), ("ConTeXt", "", "ConTeXt"),
    ("noopsort", "{", ""), ("SortNoop", "{", ""), ("relax", "", ""), ("protect", "", ""),
    ("url", "{", None), ("path", "{", None), ("nolinkurl", "{", None), ("href", "{{", "%s"),
    ("textsuperscript", "{", "%s"), ("textsubscript", "{", "%s"), ("mkbibemph", "{", "%s"),
    ("mkbibitalic", "{", "%s"), ("mkbibbold", "{", "%s"), ("mkbibquote", "{", "\u201c%s\u201d"),
    ("enquote", "{", "\u201c%s\u201d"), ("hyphen", "", "-"), ("nopp", "", ""), ("addcomma", "", ","),
)  # fmt: skip


# The journal macros of aas_macros.sty (AAS/ADS exports write ``journal = {\\apj}``),
# decoded to the abbreviations that file defines.
AAS_MACROS = {
    "aj": "AJ", "actaa": "Acta Astron.", "araa": "ARA&A", "apj": "ApJ", "apjl": "ApJL", "apjs": "ApJS",
    "ao": "Appl. Opt.", "apss": "Ap&SS", "aap": "A&A", "aapr": "A&A Rev.", "aaps": "A&AS", "azh": "AZh",
    "baas": "BAAS", "bac": "Bull. astr. Inst. Czechosl.", "caa": "Chinese Astron. Astrophys.",
    "cjaa": "Chinese J. Astron. Astrophys.", "icarus": "Icarus", "jcap": "J. Cosmology Astropart. Phys.",
    "jrasc": "JRASC", "memras": "MmRAS", "mnras": "MNRAS", "na": "New A", "nar": "New A Rev.",
    "pra": "Phys. Rev. A", "prb": "Phys. Rev. B", "prc": "Phys. Rev. C", "prd": "Phys. Rev. D",
    "pre": "Phys. Rev. E", "prl": "Phys. Rev. Lett.", "pasa": "PASA", "pasp": "PASP", "pasj": "PASJ",
    "rmxaa": "Rev. Mexicana Astron. Astrofis.", "qjras": "QJRAS", "skytel": "S&T", "solphys": "Sol. Phys.",
    "sovast": "Soviet Ast.", "ssr": "Space Sci. Rev.", "zap": "ZAp", "nat": "Nature", "iaucirc": "IAU Circ.",
    "aplett": "Astrophys. Lett.", "apspr": "Astrophys. Space Phys. Res.", "bain": "Bull. Astron. Inst. Netherlands",
    "fcp": "Fund. Cosmic Phys.", "gca": "Geochim. Cosmochim. Acta", "grl": "Geophys. Res. Lett.",
    "jcp": "J. Chem. Phys.", "jgr": "J. Geophys. Res.", "jqsrt": "J. Quant. Spec. Radiat. Transf.",
    "memsai": "Mem. Soc. Astron. Italiana", "nphysa": "Nucl. Phys. A", "physrep": "Phys. Rep.",
    "physscr": "Phys. Scr", "planss": "Planet. Space Sci.", "procspie": "Proc. SPIE", "psj": "PSJ",
}  # fmt: skip


@lru_cache(maxsize=1)
def _decoder():  # type: ignore[no-untyped-def]
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, SpecialsTextSpec, get_default_latex_context_db

    db = get_default_latex_context_db()
    specs = []
    for name, _args, text in _EXTRA_MACROS:
        if text is None:
            specs.append(MacroTextSpec(name, simplify_repl=_first_arg_verbatim))
        elif name == "href":
            specs.append(MacroTextSpec(name, simplify_repl="%(2)s"))
        else:
            specs.append(MacroTextSpec(name, simplify_repl=text))
    specs.extend(MacroTextSpec(name, text) for name, text in AAS_MACROS.items())
    # A bare "&" means an ampersand in a title ("Cats & Dogs"), not a table cell.
    db.add_context_category("bibgen", prepend=True, macros=specs, specials=[SpecialsTextSpec("&", "&")])
    db.set_unknown_macro_spec(MacroTextSpec("", simplify_repl=_keep_source))
    return LatexNodes2Text(latex_context=db, math_mode="verbatim", strict_latex_spaces=True)


@lru_cache(maxsize=1)
def _walker_context():  # type: ignore[no-untyped-def]
    from pylatexenc import latexwalker, macrospec

    db = latexwalker.get_default_latex_context_db()
    db.add_context_category(
        "bibgen", prepend=True, macros=[macrospec.MacroSpec(name, args) for name, args, _ in _EXTRA_MACROS]
    )
    known = {s.macroname for s in db.iter_macro_specs()}
    # Commands with a text rule but no parsing rule take no argument.
    text_only = sorted({s.macroname for s in _decoder().latex_context.iter_macro_specs()} - known)
    db.add_context_category("bibgen-text", macros=[macrospec.MacroSpec(name, "") for name in text_only])
    _KNOWN_TO_WALKER.update(known, text_only)
    # An unknown command takes the braced group after it, so "\\CSTUG{}" or
    # "\\textfoo{th}" is kept whole, as written.
    db.set_unknown_macro_spec(macrospec.MacroSpec("", "{"))
    return db


_KNOWN_TO_WALKER: set[str] = set()


def _walker_knows(name: str) -> bool:
    _walker_context()
    return name in _KNOWN_TO_WALKER


_COMMAND_RE = re.compile(r"\\([A-Za-z@]+)")
_MATH_SPAN_RE = re.compile(r"(?<!\\)\$[^$]*\$")


def unknown_commands(latex: str) -> list[str]:
    """Commands in ``latex`` (outside math) that :func:`decode` does not know: it keeps them as written."""
    if "\\" not in latex:
        return []
    names = {m.group(1) for m in _COMMAND_RE.finditer(_MATH_SPAN_RE.sub("", latex))}
    return sorted(n for n in names if not _known_command(n))


@lru_cache(maxsize=4096)
def _known_command(name: str) -> bool:
    db = _decoder().latex_context
    if db.get_macro_spec(name) is not db.unknown_macro_spec:
        return True
    if not _walker_knows(name):
        return False
    spec = _walker_context().get_macro_spec(name)
    return spec is not None and "{" in str(getattr(spec.args_parser, "argspec", ""))


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
        from pylatexenc.latexwalker import LatexWalker

        nodes = LatexWalker(latex, latex_context=_walker_context(), tolerant_parsing=True).get_latex_nodes()[0]
        return _decoder().nodelist_to_text(nodes)
    except Exception:  # pylatexenc raises assorted errors on malformed input
        return latex


# The LaTeX that .bib files are mostly made of, decoded without pylatexenc's
# parser (which costs about a millisecond per value): protective braces,
# accents on one letter (\"o, {\'e}, \c{c}, \H o), letters such as {\o} and
# \ss{}, escaped specials, ~, dashes and inline math. Each accent or letter
# is decoded once by pylatexenc itself, so the result is pylatexenc's; any
# other construct (a command with arguments, %, &, #, quotes pairs, ...) sends the
# whole value to pylatexenc. In math, a command must be a known symbol or have
# its argument in braces (pylatexenc reads $\textbf$ as a command swallowing
# what follows). tests/unit/test_latex.py checks both agree.
_SIMPLE_RE = re.compile(
    r"""\\(?:["'^`~=.](?:[A-Za-z]|\{[A-Za-z]\})"""  # \"o \'{e}
    r"""|[cvHukrdbt](?:\ [A-Za-z]|\{[A-Za-z]\})"""  # \c c \v{c}
    r"""|(?:aa|AA|ae|AE|oe|OE|ss|o|O|l|L|i|j)(?:\{\})?(?![^\W\d_]|\s)"""  # {\o} \ss{}
    r"""|[&%#_$\{\}])"""  # \& \%
    r"""|\$(?:[^$\\{}]|\\(?:(?:alpha|beta|gamma|delta|epsilon|varepsilon|zeta|eta|theta|iota|kappa|lambda|mu|nu|xi|pi|rho|sigma|tau|phi|varphi|chi|psi|omega|Gamma|Delta|Theta|Lambda|Pi|Sigma|Phi|Psi|Omega|ell|infty|log|ln|exp|min|max|sum|prod|cdot|times|pm|leq|geq|neq|approx|sim|to|partial|nabla|ldots|cdots)(?![A-Za-z])|[A-Za-z]+(?=\{))|\\[^A-Za-z$]|\{(?:[^$\\{}]|\\(?:(?:alpha|beta|gamma|delta|epsilon|varepsilon|zeta|eta|theta|iota|kappa|lambda|mu|nu|xi|pi|rho|sigma|tau|phi|varphi|chi|psi|omega|Gamma|Delta|Theta|Lambda|Pi|Sigma|Phi|Psi|Omega|ell|infty|log|ln|exp|min|max|sum|prod|cdot|times|pm|leq|geq|neq|approx|sim|to|partial|nabla|ldots|cdots)(?![A-Za-z])|[A-Za-z]+(?=\{))|\\[^A-Za-z$])*\})*\$"""  # $\ell_{1}$
    r"""|[{}]|~|-{1,3}""",
)
# Outside the tokens above: anything pylatexenc treats specially.
_SIMPLE_BAD_GAP = re.compile(r"[\\$%&#_^]|``|''|[!?]`|,,")


def _decode_simple(latex: str) -> str | None:
    if "----" in latex or "$$" in latex:
        return None
    out: list[str] = []
    pos = 0
    depth = 0
    bad = _SIMPLE_BAD_GAP.search
    for m in _SIMPLE_RE.finditer(latex):
        start = m.start()
        if start > pos:
            gap = latex[pos:start]
            if bad(gap):
                return None  # a construct the pattern does not know
            out.append(gap)
        tok = m.group()
        c = tok[0]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth < 0:
                return None
        elif c == "~":
            out.append("\u00a0")
        elif c == "-":
            out.append(("-", "\u2013", "\u2014")[len(tok) - 1])
        elif c == "$":
            out.append(tok)
        else:
            out.append(_decode_token(tok))
        pos = m.end()
    rest = latex[pos:]
    if depth or bad(rest):
        return None
    out.append(rest)
    return "".join(out)


@lru_cache(maxsize=4096)
def _decode_token(token: str) -> str:
    return _decode_full(token)
