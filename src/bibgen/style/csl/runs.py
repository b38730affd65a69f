"""Runs: the flat form CSL output takes while an entry is being rendered.

A run is a tuple ``(text, fmt, flag)``. ``fmt`` is a tuple of formatting roles
(outermost first, roles as in :mod:`bibgen.style.nodes`, links as
``"link\\x00<url>"``) and ``flag`` a bit set (:data:`OPEN_QUOTE`, ...). A flat
list makes the boundary work CSL needs cheap: collapsing punctuation where an
affix meets a value, moving a comma inside closing quotes, and case changes that
skip ``nocase`` text. :func:`to_nodes` rebuilds the tree at the end.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bibgen.style.nodes import Dash, Link, Nbsp, Node, Span, Text

Run = tuple[str, tuple[str, ...], int]

OPEN_QUOTE = 1
CLOSE_QUOTE = 2
DASH = 4
NAMES = 8  # produced by the first cs:names of an entry (subsequent-author-substitute)
SINGLE = 16  # a single quote from the data: never flipped to double quotes
ABSORBED = 32  # empty marker: a period here merged into the names before it
ETAL = 64  # the et-al part of a name list (not compared by subsequent-author-substitute)
NOT_CONTENT = 128  # printed, but not a variable's value for group suppression (a named season)
NAME_SEP = 256  # a delimiter, "and" or ellipsis between names (subsequent-author-substitute compares the names only)

NO_FMT: tuple[str, ...] = ()
PUNCT = ".,;:!?"


def append(out: list[Run], runs: list[Run], punct_in_quote: bool = False) -> None:
    """Append ``runs`` to ``out``, merging punctuation and spaces at the seam.

    Mirrors what citeproc-js does when an affix or delimiter meets rendered
    text: no doubled periods or spaces, ``?`` or ``!`` absorb a following
    period, and (with ``punct_in_quote``) a period or comma after a closing
    quote moves inside it.
    """
    if not runs:
        return
    if not out:
        out.extend(runs)
        return
    first = runs[0]
    ftext = first[0]
    if not ftext:
        out.extend(runs)
        return
    c = ftext[0]
    if c in PUNCT or c == " ":
        # Find the last non-empty run of out.
        i = len(out) - 1
        while i >= 0 and not out[i][0]:
            i -= 1
        if i >= 0:
            last = out[i]
            if punct_in_quote and last[2] & CLOSE_QUOTE and c in ".,":
                # Move the punctuation inside the quotes: find the text before the quote.
                j = i - 1
                while j >= 0 and (not out[j][0] or out[j][2] & CLOSE_QUOTE):
                    j -= 1
                if j >= 0:
                    inner = out[j]
                    q = inner[0][-1]
                    if not (q in PUNCT and (q == c or (c == "." and q in "!?.,;:"))):
                        out.insert(j + 1, (c, out[j + 1][1], 0))
                        i += 1
                    elif c == "." and q == ",":
                        out[j] = (inner[0][:-1] + ".", inner[1], inner[2])
                    ftext = ftext[1:]
                    runs = [(ftext, first[1], first[2])] + runs[1:]
                    if ftext:
                        c = ftext[0]
                    else:
                        out.extend(runs)
                        return
            last = out[i]
            if not punct_in_quote and last[2] & CLOSE_QUOTE and c == ".":
                # "‘Ends.’" + "." stays "‘Ends.’" (citeproc-js; "‘Why?’." keeps its period).
                j = i - 1
                while j >= 0 and (not out[j][0] or out[j][2] & CLOSE_QUOTE):
                    j -= 1
                if j >= 0 and out[j][0].endswith("."):
                    ftext = ftext[1:]
                    runs = [(ftext, first[1], first[2])] + runs[1:]
                    if not ftext:
                        out.extend(runs[1:])
                        return
                    c = ftext[0]
                    if c not in PUNCT and c != " ":
                        out.extend(runs)
                        return
            q = last[0][-1]
            drop = False
            if c == " " and q == " ":
                drop = True
            elif c in PUNCT and q in PUNCT:
                merged = q if q == c else _MERGE[(q, c)]
                if len(merged) == 1:
                    drop = True
                    if merged != q:
                        out[i] = (last[0][:-1] + merged, last[1], last[2])
            if drop:
                if c == "." and out[i][2] & NAMES:
                    # Kept for subsequent-author-substitute: "———." keeps the period.
                    out.append(("", NO_FMT, ABSORBED))
                ftext = ftext[1:]
                if ftext or len(runs) > 1:
                    runs = [(ftext, first[1], first[2])] + runs[1:]
                else:
                    return
    out.extend(runs)


# citeproc-js's table for punctuation meeting at a seam (CSL.Output.Queue.adjust,
# LtoR_MAP): left char, right char -> what is printed.
_MERGE = {
    ("!", "."): "!", ("!", "?"): "!?", ("!", ":"): "!", ("!", ","): "!,", ("!", ";"): "!;",
    ("?", "!"): "?!", ("?", "."): "?", ("?", ":"): "?", ("?", ","): "?,", ("?", ";"): "?;",
    (".", "!"): ".!", (".", "?"): ".?", (".", ":"): ".:", (".", ","): ".,", (".", ";"): ".;",
    (":", "!"): "!", (":", "?"): "?", (":", "."): ":", (":", ","): ":,", (":", ";"): ":;",
    (",", "!"): ",!", (",", "?"): ",?", (",", ":"): ",:", (",", "."): ",.", (",", ";"): ",;",
    (";", "!"): "!", (";", "?"): "?", (";", ":"): ";", (";", ","): ";,", (";", "."): ";",
}


def join(parts: list[list[Run]], delimiter: str, punct_in_quote: bool) -> list[Run]:
    """Non-empty ``parts`` joined by ``delimiter`` (with punctuation merging)."""
    if len(parts) == 1:
        return parts[0]
    out: list[Run] = []
    first = True
    for p in parts:
        if not p:
            continue
        if not first and delimiter:
            append(out, [(delimiter, NO_FMT, 0)], punct_in_quote)
        append(out, p, punct_in_quote)
        first = False
    return out


def plain(runs: list[Run]) -> str:
    """The text of runs, without formatting."""
    return "".join(r[0] for r in runs)


def is_empty(runs: list[Run]) -> bool:
    return not any(r[0] for r in runs)


# ---------------------------------------------------------------- rich text

_TAG = re.compile(
    r'<(/?)(i|b|sup|sub|sc|span)(?:\s+(?:class="nocase"|class="nodecor"|style="font-variant:\s*small-caps;?"))?\s*>'
)
_TAG_ROLE = {"i": "emph", "b": "strong", "sup": "sup", "sub": "sub", "sc": "smallcaps"}


@lru_cache(maxsize=65536)
def parse_rich(value: str) -> tuple[Run, ...]:
    """Runs for a field value with CSL's small HTML-like markup.

    Only ``<i> <b> <sup> <sub> <sc>``, ``<span class="nocase">``,
    ``<span class="nodecor">`` and ``<span style="font-variant:small-caps;">`` are markup, and only when they
    are balanced; anything else (``<script>``, ``&amp;``) stays literal text.
    Straight apostrophes become typographic ones, as citeproc-js does.
    """
    if "<" not in value:
        if _has_quote(value):
            return tuple(_quotes([(value, NO_FMT, 0)]))
        return ((value, NO_FMT, 0),)
    tokens: list[tuple[int, int, str, bool, str]] = []  # start, end, name, closing, role
    for m in _TAG.finditer(value):
        closing = m.group(1) == "/"
        name = m.group(2)
        full = m.group(0)
        if name == "span":
            if closing:
                role = ""
            elif "nocase" in full:
                role = "nocase"
            elif "nodecor" in full:
                # Back to normal inside the style's formatting, and never re-cased (citeproc-js).
                role = "nodecor+nocase"
            elif "small-caps" in full:
                role = "smallcaps"
            else:
                continue
        else:
            if not closing and full != f"<{name}>":
                continue
            role = _TAG_ROLE[name]
        tokens.append((m.start(), m.end(), name, closing, role))
    # Match open and close tags with a stack; unmatched ones stay text.
    stack: list[int] = []
    pairs: dict[int, int] = {}
    for idx, (_, _, name, closing, _) in enumerate(tokens):
        if not closing:
            stack.append(idx)
        else:
            for k in range(len(stack) - 1, -1, -1):
                if tokens[stack[k]][2] == name:
                    pairs[stack[k]] = idx
                    pairs[idx] = stack[k]
                    del stack[k:]
                    break
    out: list[Run] = []
    fmt: list[str] = []
    widths: list[int] = []
    pos = 0
    for idx, (start, end, _, closing, role) in enumerate(tokens):
        if idx not in pairs:
            continue
        if start > pos:
            out.append((value[pos:start], tuple(fmt), 0))
        if closing:
            del fmt[len(fmt) - widths.pop():]
        else:
            parts = role.split("+")
            fmt.extend(parts)
            widths.append(len(parts))
        pos = end
    if pos < len(value):
        out.append((value[pos:], tuple(fmt), 0))
    if _has_quote(value):
        out = _quotes(out)
    return tuple(out) if out else (("", NO_FMT, 0),)


def _has_quote(value: str) -> bool:
    return "'" in value or '"' in value or "\u2018" in value or "\u201c" in value


def _quotes(runs: list[Run]) -> list[Run]:
    """Quotes in data (straight or typographic) become flagged quote runs.

    Double quotes flip to the locale's inner quotes when a style quotes the
    value; single quotes stay single. Both take part in moving punctuation
    inside quotes. An apostrophe inside a word becomes U+2019.
    """
    out: list[Run] = []
    open_double = open_single = False
    prev = " "
    for t, f, g in runs:
        if not _has_quote(t) and "\u2019" not in t and "\u201d" not in t:
            out.append((t, f, g))
            prev = t[-1:] or prev
            continue
        buf: list[str] = []
        n = len(t)

        def flush() -> None:
            if buf:
                out.append(("".join(buf), f, g))
                buf.clear()

        for i, ch in enumerate(t):
            if ch == '"' or ch == "\u201c" or ch == "\u201d":
                opening = ch == "\u201c" or (ch == '"' and not open_double)
                flush()
                if opening:
                    out.append(("\u201c", f, OPEN_QUOTE))
                    open_double = True
                else:
                    out.append(("\u201d", f, CLOSE_QUOTE))
                    open_double = False
            elif ch == "'" or ch == "\u2018" or ch == "\u2019":
                nxt = t[i + 1] if i + 1 < n else " "
                if ch != "\u2018" and prev.isalnum() and nxt.isalnum():
                    buf.append("\u2019")
                elif ch == "\u2018" or (ch == "'" and not prev.isalnum() and prev not in ".,!?" and nxt.isalnum()):
                    flush()
                    out.append(("\u2018", f, OPEN_QUOTE | SINGLE))
                    open_single = True
                elif open_single and (prev.isalnum() or prev in ".,!?"):
                    flush()
                    out.append(("\u2019", f, CLOSE_QUOTE | SINGLE))
                    open_single = False
                else:
                    buf.append("\u2019")
            else:
                buf.append(ch)
            prev = ch
        flush()
    return out


# ---------------------------------------------------------------- text case

# citeproc-js's list (CSL.SKIP_WORDS, single words), so title case agrees with Zotero.
STOP_WORDS = frozenset(
    "about above across afore after against al along alongside amid amidst among amongst anenst"
    " apropos apud around as aside astride at athwart atop barring before behind below beneath"
    " beside besides between beyond but by circa despite down during et except for forenenst from"
    " given in inside into lest like modulo near next notwithstanding of off on onto out over per"
    " plus pro qua sans since than through thru throughout thruout till to toward towards under"
    " underneath until unto up upon versus vs. v. vs v via vis-à-vis with within without or yet so"
    " and nor a an the de d' von van c ca".split()
)
_WORD = re.compile(r"[^\s\-\u2013\u2014/]+")


def _chars(runs: list[Run]) -> tuple[str, list[bool]]:
    text = []
    prot: list[bool] = []
    for t, f, _ in runs:
        text.append(t)
        p = "nocase" in f
        prot.extend([p] * len(t))
    return "".join(text), prot


def _rebuild(runs: list[Run], ops: list[int], s: str) -> list[Run]:
    out: list[Run] = []
    pos = 0
    for t, f, g in runs:
        n = len(t)
        if "nocase" in f:
            out.append((t, f, g))
        else:
            buf = []
            for k in range(n):
                ch = s[pos + k]
                op = ops[pos + k]
                buf.append(ch.upper() if op == 1 else ch.lower() if op == 2 else ch)
            out.append(("".join(buf), f, g))
        pos += n
    return out


def text_case(runs: list[Run], case: str, english: bool = True) -> list[Run]:
    """Apply a CSL ``text-case`` to runs, leaving ``nocase`` text alone."""
    if case == "lowercase":
        return [(t if "nocase" in f else t.lower(), f, g) for t, f, g in runs]
    if case == "uppercase":
        return [(t if "nocase" in f else t.upper(), f, g) for t, f, g in runs]
    s, prot = _chars(runs)
    if not s:
        return runs
    ops = [0] * len(s)
    if case == "capitalize-first":
        for m in _WORD.finditer(s):
            if m.group(0).islower():
                _cap_first(s, m.start(), m.end(), ops, prot)
            break
    elif case == "capitalize-all":
        for m in _WORD.finditer(s):
            if m.group(0).islower():
                _cap_first(s, m.start(), m.end(), ops, prot)
    elif case == "sentence":
        # citeproc-js's sentence case, in every language: the first word's first
        # letter in capitals, every later word in lower case (nocase text kept).
        first = True
        for m in _WORD.finditer(s):
            if first:
                _cap_first(s, m.start(), m.end(), ops, prot)
                first = False
            else:
                for k in range(m.start(), m.end()):
                    ops[k] = 2
    elif case == "title":
        if not english:
            return runs
        # citeproc-js leaves words in capitals alone, even in an all-caps title.
        all_upper = False
        words = list(_WORD.finditer(s))
        n = len(words)
        after_colon = False
        for i, m in enumerate(words):
            w = m.group(0)
            a, b = m.start(), m.end()
            core = w.strip("\"'“”‘’([{.,;:!?)]}")
            if all_upper:
                for k in range(a, b):
                    ops[k] = 2
                lower_word = True
            else:
                lower_word = core == core.lower()
            # citeproc-js capitalizes a last stop word only if it is longer than one letter.
            first_or_last = i == 0 or (i == n - 1 and len(core) > 1) or after_colon
            if core.lower() in STOP_WORDS and not first_or_last and (lower_word or all_upper):
                if all_upper:
                    pass
            elif lower_word and (len(w) > 1 or first_or_last or s[b : b + 1] == "-"):
                # citeproc-js leaves a one-letter word alone ("for n < 100"),
                # unless it is first, after a colon, or before a hyphen.
                _cap_first(s, a, b, ops, prot)
            after_colon = w.endswith((":", "?", "!"))
    return _rebuild(runs, ops, s)


_OPENERS = "\"'\u201c\u2018(["


def _cap_first(s: str, a: int, b: int, ops: list[int], prot: list[bool]) -> None:
    # Only a word that starts with a letter (after an opening quote or bracket)
    # is capitalized: not "37th", "_id" or "\\emph", as in citeproc-js.
    for k in range(a, b):
        c = s[k]
        if c.isalpha():
            # citeproc-js does not upper-case a lone Greek letter, a symbol in
            # a science title ("α-synuclein", "γ-rays").
            if "\u0370" <= c <= "\u03ff" and not (k + 1 < len(s) and s[k + 1].isalpha()):
                return
            if not prot[k]:
                ops[k] = 1
            return
        if c not in _OPENERS:
            return


# ---------------------------------------------------------------- nodes

def to_nodes(runs: list[Run]) -> tuple[Node, ...]:
    """The node tree for runs: shared formatting prefixes become nested spans."""
    merged: list[Run] = []
    for r in runs:
        if not r[0]:
            continue
        if merged and merged[-1][1] == r[1] and not (r[2] & DASH) and not (merged[-1][2] & DASH):
            merged[-1] = (merged[-1][0] + r[0], r[1], 0)
        else:
            merged.append(r)
    return _build(merged, 0)


def _build(runs: list[Run], depth: int) -> tuple[Node, ...]:
    out: list[Node] = []
    i = 0
    n = len(runs)
    while i < n:
        t, f, g = runs[i]
        if len(f) <= depth:
            if g & DASH and t == "\u2013":
                out.append(Dash())
            else:
                out.extend(_text_nodes(t))
            i += 1
            continue
        role = f[depth]
        j = i + 1
        while j < n and len(runs[j][1]) > depth and runs[j][1][depth] == role:
            j += 1
        children = _build(runs[i:j], depth + 1)
        if role.startswith("link\x00"):
            out.append(Link(role[5:], children))
        else:
            out.append(Span(role.partition("\x00")[0], children))  # a display part's own number dropped
        i = j
    return tuple(out)


def _text_nodes(t: str) -> list[Node]:
    if "\u00a0" not in t:
        return [Text(t)]
    out: list[Node] = []
    for k, part in enumerate(t.split("\u00a0")):
        if k:
            out.append(Nbsp())
        if part:
            out.append(Text(part))
    return out
