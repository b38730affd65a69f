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
        ch, non_ascii_only=True, replacement_latex_protection="braces-all", unknown_char_policy="keep",
        unknown_char_warning=False,  # (pylatexenc would log each such character on stderr; the fallback below handles it)
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


# The clusters _pdflatex_cluster may change: a character with combining marks, or one
# character pdflatex cannot print. Every other cluster is one safe character, kept;
# substituting only these is the per-cluster join below without a Python call per character.
_PDFLATEX_CLUSTER_RE = re.compile(r".[\u0300-\u036f]+|" + _PDFLATEX_UNSAFE.pattern, re.DOTALL)


def _pdflatex_sub(m: re.Match[str]) -> str:
    return _pdflatex_cluster(m.group(0))


_COMBINING_RE = re.compile(r"[\u0300-\u036f]")


def _to_pdflatex(text: str) -> str:
    """UTF-8 text pdflatex (T1) can print: characters it has no input mapping for as accent commands."""
    if text.isascii() or not _PDFLATEX_UNSAFE.search(text):
        return text
    if not _COMBINING_RE.search(text):
        # No combining mark (NFC text nearly always): every cluster to change is one unsafe
        # character, found by the class alone (the cluster pattern tries "." at every position).
        return _PDFLATEX_UNSAFE.sub(_pdflatex_sub, text)
    return _PDFLATEX_CLUSTER_RE.sub(_pdflatex_sub, text)


def _to_pdflatex_by_cluster(text: str) -> str:
    """:func:`_to_pdflatex` one cluster at a time (the reference the tests compare it with)."""
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
# A $ not after a backslash, to the next $. (The "$" comes before the lookbehind:
# a pattern that starts with a lookbehind is tried at every position of the text.)
_MATH_SPAN_RE = re.compile(r"\$(?<!\\\$)[^$]*\$")


def unknown_commands(latex: str) -> list[str]:
    """Commands in ``latex`` (outside math) that :func:`decode` does not know: it keeps them as written."""
    if "\\" not in latex:
        return []
    outside = _MATH_SPAN_RE.sub("", latex) if "$" in latex else latex
    names = {m.group(1) for m in _COMMAND_RE.finditer(outside)}
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
    text = _pylatexenc_text(latex)
    return latex if text is None else text


def _pylatexenc_text(latex: str) -> str | None:
    """pylatexenc's text of ``latex`` (bibgen's context, math verbatim); None where it fails."""
    return isolated(_walk_to_text, latex)


def _walk_to_text(latex: str) -> str:
    from pylatexenc.latexwalker import LatexWalker

    nodes = LatexWalker(latex, latex_context=_walker_context(), tolerant_parsing=True).get_latex_nodes()[0]
    return _decoder().nodelist_to_text(nodes)


def isolated(fn, *args):  # type: ignore[no-untyped-def]
    """``fn(*args)`` (a pylatexenc call), or None where it raises, run in a generator frame,
    so garbage cycles it leaves cannot pin our stack.

    pylatexenc raises assorted errors on malformed input; every caller then
    keeps the TeX as written, so the error is caught here, once.

    pylatexenc's walker keeps the end-of-input exception it caught (``do_read``
    returns it), so each call leaves a cycle: exception, traceback, frames.  A
    frame outliving its call links to its caller's frame, and so on down the
    stack: a reader's whole file text and bytes stay reachable from that
    garbage.  The pipeline runs with the cyclic collector off and freezes what
    is left (pipeline.bulk), so those would never be freed.  A generator's
    frame drops its link to the caller when it finishes, which ends the chain
    here: the garbage holds only pylatexenc's own small objects.
    """

    def frame():  # type: ignore[no-untyped-def]
        try:
            yield fn(*args)
        except Exception:  # noqa: BLE001  (see above)
            yield None

    return next(frame())


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


def _parser_context():  # type: ignore[no-untyped-def]
    # The context _decode_full parses with: bibgen's extra commands (\noopsort,
    # \url, ...) and an unknown command taking the braced group after it, so
    # both paths cut a value into the same pieces.
    return _walker_context()


# Commands whose argument is verbatim (a URL): never unwrapped and re-scanned.
_VERBATIM_ARG = frozenset(name for name, _args, text in _EXTRA_MACROS if text is None)


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
    if _argspec(name) != "{" or name in _VERBATIM_ARG or not _known_command(name):
        return None  # an unknown command is kept as written, its argument too
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


def _arguments_end(
    text: str, pos: int, argspec: str, letters: bool, math: bool = False
) -> tuple[int, list[tuple[int, int]]]:
    """(end of a command's arguments, their brace groups' inner spans); end -1 when not simple.

    ``pos`` is just after the command's name. A mandatory argument is a brace
    group, one letter or digit, or a command without arguments (``\\"\\i``);
    an optional one must be absent. In math (kept verbatim: only where it ends
    matters) any other character but ``$ % { } \\`` is one argument too, as
    pylatexenc reads it (``\\|x\\|_2``: the unknown ``\\|`` takes ``x``, then ``_``).
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
        elif c.isalnum() or (math and c not in "$%}\\"):
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
                end, groups = _arguments_end(text, m.end(), argspec, name.isalpha(), math=True)
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
    return _pylatexenc_text(token)  # parsed as _decode_full parses a whole value, so both paths agree


_BARE_SIGN = re.compile(r"([%#])(?<!\\[%#])")  # (the sign first: a leading lookbehind is tried at every position)


def escape_bare_signs(value: str) -> str:
    """``value`` with each ``%`` and ``#`` not already escaped written ``\\%``, ``\\#``.

    BibTeX copies a bare ``%`` or ``#`` as it is ("50% of patients"): the BibTeX
    reader reads it as that sign (in math too), not as a comment that would drop
    the rest of the line, and the BibTeX writer checks its escapes against it.
    """
    return _BARE_SIGN.sub(r"\\\1", value)
