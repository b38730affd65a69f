"""Compiled CSL rendering elements.

A style is compiled once (by :mod:`.load`) into a tree of small objects;
rendering an entry calls ``render(ctx)`` on them and gets a list of runs (see
:mod:`.runs`). The XML is never walked per entry. This module holds the
decoration (affixes, formatting, quotes) and the elements other than
``cs:names`` (:mod:`.names`) and ``cs:date`` (:mod:`.dates`).
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from typing import Any, Callable

import bibgen.style.csl.runs as R
from bibgen.style.csl.context import CompiledStyle, Ctx, StyleError
from bibgen.style.csl.runs import CLOSE_QUOTE, DASH, NO_FMT, OPEN_QUOTE, SINGLE, Run
from bibgen.style.csl.values import (
    LEADING_RANGE,
    first_int,
    is_numeric,
    is_plural,
    page_range,
)

NAME_OPTIONS = (
    "and delimiter-precedes-et-al delimiter-precedes-last et-al-min et-al-use-first"
    " et-al-use-last initialize initialize-with name-as-sort-order sort-separator form"
    " name-delimiter names-delimiter"
).split()


# ---------------------------------------------------------------- decoration

_FMT_ATTRS = {
    ("font-style", "italic"): "emph",
    ("font-style", "oblique"): "emph",
    ("font-weight", "bold"): "strong",
    ("font-variant", "small-caps"): "smallcaps",
    ("vertical-align", "sup"): "sup",
    ("vertical-align", "sub"): "sub",
    ("text-decoration", "underline"): "underline",
}


# CSL display values and the node roles they become.
_DISPLAY_ROLES = {"block": "block", "left-margin": "left-margin", "right-inline": "right-inline", "indent": "indent"}
# Tells one display part's runs from the next one's (the number never reaches the output).
_DISPLAY_SEQ = itertools.count()


class Deco:
    """Affixes, formatting, quotes, text-case and strip-periods of one element."""

    __slots__ = ("prefix", "suffix", "roles", "quotes", "case", "strip", "active", "plain_roles")

    def __init__(self, el: ET.Element, allow_case: bool = True) -> None:
        a = el.attrib
        self.prefix = a.get("prefix", "")
        self.suffix = a.get("suffix", "")
        roles = []
        for attr in ("font-style", "font-weight", "font-variant", "vertical-align", "text-decoration"):
            r = _FMT_ATTRS.get((attr, a.get(attr, "")))
            if r:
                roles.append(r)
        display = a.get("display")
        if display in _DISPLAY_ROLES:
            # A part of its own (citeproc-js <div class="csl-block">...), outside the element's formatting.
            roles.insert(0, _DISPLAY_ROLES[display])
        self.roles = tuple(roles)
        # The roles of a text with no Latin, Greek, Cyrillic, ... letter or
        # digit: citeproc-js drops font-style there (CJK is never italicised).
        self.plain_roles = self.roles
        if a.get("font-style") in ("italic", "oblique"):
            self.plain_roles = tuple(r for r in roles if r != "emph")
        self.quotes = a.get("quotes") == "true"
        self.case = a.get("text-case") if allow_case else None
        self.strip = a.get("strip-periods") == "true"
        self.active = bool(self.prefix or self.suffix or self.roles or self.quotes or self.case or self.strip)

    def apply(self, runs: list[Run], ctx: Ctx, leaf: bool = False) -> list[Run]:
        """``runs`` decorated; ``leaf`` for the output of one cs:text (a variable, term or value)."""
        if not self.active or not runs:
            return runs
        if self.strip:
            runs = [(t.replace(".", ""), f, g) for t, f, g in runs]
        if self.case and not ctx.sort_mode:
            runs = R.text_case(runs, self.case, ctx.english)
        if self.quotes:
            runs = quote(runs, ctx)
        if self.roles:
            roles = self.roles
            if leaf and roles is not self.plain_roles and not _ROMANESQUE.search(R.plain(runs)):
                roles = self.plain_roles
            if roles:
                if roles[0] in _DISPLAY_ROLES:
                    # Each display part is its own block: two adjacent block groups are two divs.
                    roles = (f"{roles[0]}\x00{next(_DISPLAY_SEQ)}", *roles[1:])
                runs = [(t, roles + f, g) for t, f, g in runs]
        if self.prefix or self.suffix:
            out: list[Run] = [(self.prefix, NO_FMT, 0)] if self.prefix else []
            R.append(out, runs, ctx.piq)
            if self.suffix:
                R.append(out, [(self.suffix, NO_FMT, 0)], ctx.piq)
            return out
        return runs


# citeproc-js's CSL.ROMANESQUE_REGEXP.
_ROMANESQUE = re.compile(
    "[-0-9a-zA-Z\u0e01-\u0e5b\u00c0-\u017f\u0370-\u03ff\u0400-\u052f\u0590-\u05d4\u05d6-\u05ff"
    "\u1f00-\u1fff\u0600-\u06ff\u200c\u200d\u200e\u0218\u0219\u021a\u021b\u202a-\u202e]"
)


def quote(runs: list[Run], ctx: Ctx) -> list[Run]:
    """Wrap runs in the locale's quotes, turning quotes inside into inner quotes."""
    loc = ctx.loc
    oq = loc.term("open-quote") or "\u201c"
    cq = loc.term("close-quote") or "\u201d"
    oiq = loc.term("open-inner-quote") or "\u2018"
    ciq = loc.term("close-inner-quote") or "\u2019"
    inner = []
    for t, f, g in runs:
        # Outer-style quotes inside become inner ones; inner ones stay (citeproc-js).
        if g & SINGLE:
            pass
        elif g & OPEN_QUOTE:
            if t in (oq, "\u201c"):
                t = oiq
        elif g & CLOSE_QUOTE:
            if t in (cq, "\u201d"):
                t = ciq
        inner.append((t, f, g))
    # Terminal punctuation already inside the value stays inside the quotes.
    return [(oq, NO_FMT, OPEN_QUOTE)] + inner + [(cq, NO_FMT, CLOSE_QUOTE)]


def rich(value: Any) -> list[Run]:
    if not isinstance(value, str):
        value = str(value)
    return list(R.parse_rich(value))


# ---------------------------------------------------------------- elements

class Element:
    """A compiled rendering element."""

    __slots__ = ("deco",)
    is_choose = False

    def render(self, ctx: Ctx) -> list[Run]:  # pragma: no cover - interface
        raise NotImplementedError

    def parts(self, ctx: Ctx) -> list[list[Run]]:
        """Output pieces as a parent group's delimiter sees them."""
        pieces: list[list[Run]] = []
        collect([self], ctx, pieces)
        return pieces


def collect(children: list[Element], ctx: Ctx, pieces: list[list[Run]]) -> None:
    """Append the non-empty outputs of ``children`` to ``pieces``.

    The chosen branch of a cs:choose contributes its children one by one, so
    an enclosing group puts its delimiter between them (as citeproc-js does).
    """
    for c in children:
        if c.is_choose:
            branch = c.pick(ctx)  # type: ignore[attr-defined]
            if len(branch) == 1 and not branch[0].is_choose:
                r = branch[0].render(ctx)
                if r:
                    pieces.append(r)
            elif branch:
                collect(branch, ctx, pieces)
        else:
            r = c.render(ctx)
            if r:
                pieces.append(r)


def collect_tagged(children: list[Element], ctx: Ctx, pieces: list[tuple[Element, list[Run]]]) -> None:
    """Like :func:`collect`, keeping the element that produced each piece."""
    for c in children:
        if c.is_choose:
            collect_tagged(c.pick(ctx), ctx, pieces)  # type: ignore[attr-defined]
        else:
            r = c.render(ctx)
            if r:
                pieces.append((c, r))


def render_seq(children: list[Element], ctx: Ctx) -> list[Run]:
    pieces: list[list[Run]] = []
    collect(children, ctx, pieces)
    if len(pieces) == 1:
        return pieces[0]
    out: list[Run] = []
    piq = ctx.piq
    for p in pieces:
        R.append(out, p, piq)
    return out


class Value(Element):
    __slots__ = ("value",)

    def __init__(self, el: ET.Element) -> None:
        self.deco = Deco(el)
        self.value = [(el.get("value", ""), NO_FMT, 0)]

    def render(self, ctx: Ctx) -> list[Run]:
        return self.deco.apply(list(self.value), ctx)


class Term(Element):
    __slots__ = ("name", "form", "plural")

    def __init__(self, el: ET.Element) -> None:
        self.deco = Deco(el)
        self.name = el.get("term", "")
        self.form = el.get("form", "long")
        self.plural = el.get("plural") == "true"

    def render(self, ctx: Ctx) -> list[Run]:
        t = ctx.loc.term(self.name, self.form, self.plural)
        if not t:
            return []
        deco = self.deco
        return deco.apply([(t, NO_FMT, 0)], ctx) if deco.active else [(t, NO_FMT, 0)]


_NUM_RANGE = re.compile(r"^\s*(\d+)\s*-\s*(\d+)\s*$")

_SHORT_ALIASES = {
    "title": ("title-short", "shortTitle"),
    "container-title": ("container-title-short", "journalAbbreviation"),
}


_URL_PATH = re.compile(r"^(.*\.[^/\n]+)/.*")
_URL_SCHEME = re.compile(r"https?://")


class Variable(Element):
    __slots__ = ("name", "short", "kind", "engine")

    def __init__(self, el: ET.Element, engine: CompiledStyle) -> None:
        self.deco = Deco(el)
        self.name = el.get("variable", "")
        self.short = el.get("form") == "short"
        self.engine = engine
        if self.name in ("page", "locator"):
            self.kind = 1
        elif self.name in ("URL", "DOI"):
            self.kind = 2
        elif self.name in ("issue", "volume", "number", "edition", "chapter-number", "collection-number"):
            self.kind = 3
        else:
            self.kind = 0

    def render(self, ctx: Ctx) -> list[Run]:
        if self.name == "year-suffix" and not ctx.year_suffix:
            # An absent year-suffix does not suppress its group ("n.d." + suffix), as in citeproc-js.
            return []
        ctx.counts[0] += 1
        v = None
        if self.short:
            for alt in (self.name + "-short",) + _SHORT_ALIASES.get(self.name, ()):
                v = ctx.var(alt)
                if v is not None:
                    break
        if v is None:
            v = ctx.var(self.name)
        if v is None or isinstance(v, (list, dict)):
            return []
        ctx.counts[1] += 1
        if self.kind == 1:
            out = page_runs(str(v), ctx)
        elif self.kind == 2:
            s = str(v)
            url = s if self.name == "URL" or s.startswith("http") else "https://doi.org/" + s
            if self.short and self.name == "URL" and ctx.var("URL-short") is None:
                # citeproc-js's short URL: up to the host, without the scheme for www hosts.
                s = _URL_PATH.sub(r"\1", s, count=1)
                if "//www." in s:
                    s = _URL_SCHEME.sub("", s, count=1)
            out = [(s, ("link\x00" + url,), 0)]
        elif self.kind == 3 and isinstance(v, str) and "-" in v and _NUM_RANGE.match(v):
            # citeproc-js prints a numeric range in a number variable with the
            # locale's range delimiter (en dash by default).
            out = [(_NUM_RANGE.sub(lambda m: m.group(1) + self._range_delimiter(ctx) + m.group(2), v), NO_FMT, 0)]
        elif self.kind == 3 and isinstance(v, str) and "-" in v and (m := LEADING_RANGE.match(v)) and (
            not self.engine.page_range_format and int(m.group(1)) > int(m.group(2))
        ):
            # "800-57 Part 1 Rev. 5": citeproc-js takes 800-57 for a range when, without a
            # page-range-format, its end is smaller than its start (it would be expanded).
            out = rich(f"{m.group(1)}{self._range_delimiter(ctx)}{m.group(2)}{v[m.end():]}")
        else:
            out = rich(v)
        deco = self.deco
        return deco.apply(out, ctx, True) if deco.active else out


    def _range_delimiter(self, ctx: Ctx) -> str:
        """The dash of a numeric range in this number variable (citeproc-js ``fixupRangeDelimiter``).

        issue, volume, number and edition take the locale's page-range-delimiter,
        collection-number its year-range-delimiter; either defaults to an en dash.
        """
        if self.name in ("issue", "volume", "number", "edition"):
            return ctx.loc.term("page-range-delimiter") or "\u2013"
        if self.name == "collection-number":
            return ctx.loc.term("year-range-delimiter") or "\u2013"
        return "\u2013"


def page_runs(value: str, ctx: Ctx) -> list[Run]:
    eng = ctx.engine
    delim = ctx.loc.term("page-range-delimiter") or "\u2013"
    return [
        (t, NO_FMT, DASH if is_delim else 0)
        for t, is_delim in page_range(value, eng.page_range_format, delim)
    ]


# Real styles call a few hundred macros per entry; a hostile one may call billions.
MAX_MACRO_CALLS_PER_ENTRY = 100_000
# ...and print each variable about once: an entry renders at most 64 KiB plus
# 16 times the text of its data.
MAX_OUTPUT_FLOOR = 64 * 1024
MAX_OUTPUT_FACTOR = 16


class MacroCall(Element):
    __slots__ = ("macro", "engine", "ctxname", "children")

    def __init__(self, el: ET.Element, engine: CompiledStyle, ctxname: str) -> None:
        self.deco = Deco(el)
        self.macro = el.get("macro", "")
        self.engine = engine
        self.ctxname = ctxname
        self.children: list[Element] | None = None
        if self.macro not in engine.macro_xml:
            raise StyleError(f"unknown macro {self.macro!r}", el)

    def render(self, ctx: Ctx) -> list[Run]:
        ctx.calls += 1
        if ctx.calls > MAX_MACRO_CALLS_PER_ENTRY:
            from bibgen.errors import InputError

            raise InputError(
                f"rendering one entry takes more than {MAX_MACRO_CALLS_PER_ENTRY:,} macro calls (at {self.macro!r})",
                self.engine.tree.origin(self.engine.macro_xml[self.macro]),
            )
        children = self.children
        if children is None:
            # Compiled on first use: macros may call each other in any order.
            children = self.children = self.engine.macro(self.macro, self.ctxname)
        counts = ctx.counts
        c0, r0 = counts
        out = render_seq(children, ctx)
        if not out:
            return out
        # citeproc-js expands a macro as a group ("Macro group is treated as a
        # real node"): one that tried variables and printed none is suppressed,
        # terms and values with it (elsevier-harvard's "[WWW Document]").
        if counts[0] > c0 and counts[1] == r0:
            return []
        # Bounded output: a style that repeats a long variable thousands of times.
        size = 0
        for run in out:
            size += len(run[0])
        if size > MAX_OUTPUT_FLOOR:
            if not ctx.budget:
                ctx.budget = MAX_OUTPUT_FLOOR + MAX_OUTPUT_FACTOR * sum(len(str(v)) for v in ctx.item.values())
            if size > ctx.budget:
                from bibgen.errors import InputError

                raise InputError(
                    f"macro {self.macro!r} renders {size:,} characters for one entry, "
                    f"more than {MAX_OUTPUT_FACTOR} times the entry's data",
                    self.engine.tree.origin(self.engine.macro_xml[self.macro]),
                )
        # Like a nested group, a macro that printed (even only a term) counts as
        # content for the enclosing group, as in citeproc-js (chicago "Preprint").
        if not out[0][2] & R.NOT_CONTENT or not all(g & R.NOT_CONTENT for t, _, g in out if t):
            ctx.counts[1] += 1
        deco = self.deco
        return deco.apply(out, ctx) if deco.active else out


class Number(Element):
    __slots__ = ("name", "form")

    def __init__(self, el: ET.Element) -> None:
        self.deco = Deco(el)
        self.name = el.get("variable", "")
        self.form = el.get("form", "numeric")

    def render(self, ctx: Ctx) -> list[Run]:
        ctx.counts[0] += 1
        v = ctx.var(self.name)
        if v is None or isinstance(v, (list, dict)):
            return []
        ctx.counts[1] += 1
        s = str(v)
        if not is_numeric(s):
            return self.deco.apply(rich(s), ctx)
        if ctx.sort_mode:
            n = first_int(s) or 0
            return [(f"{n:08d}", NO_FMT, 0)]
        form = self.form
        loc = ctx.loc

        def fmt(m: re.Match[str]) -> str:
            n = int(m.group(0))
            if form == "ordinal":
                return f"{n}{loc.ordinal(n)}"
            if form == "long-ordinal":
                return loc.long_ordinal(n)
            if form == "roman":
                return _roman(n)
            return m.group(0)

        # A number already ordinal ("2nd") is not given a second suffix (citeproc-js).
        s = re.sub(r"\d+" if form == "numeric" or form == "roman" else r"\d+(?![A-Za-z])", fmt, s)
        s = re.sub(r"\s*[-\u2013]\s*", "\u2013", s)
        s = re.sub(r"\s*,\s*", ", ", s)
        s = re.sub(r"\s*&\s*", " & ", s)
        return self.deco.apply([(s, NO_FMT, 0)], ctx)


def _roman(n: int) -> str:
    if n <= 0 or n >= 4000:
        return str(n)
    vals = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
            (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = []
    for v, s in vals:
        while n >= v:
            out.append(s)
            n -= v
    return "".join(out)


_LABEL_TERMS = {"number-of-pages": "page", "page-first": "page", "number-of-volumes": "volume"}


class Label(Element):
    __slots__ = ("name", "form", "plural")

    def __init__(self, el: ET.Element) -> None:
        self.deco = Deco(el)
        self.name = el.get("variable", "")
        self.form = el.get("form", "long")
        self.plural = el.get("plural", "contextual")

    def render(self, ctx: Ctx) -> list[Run]:
        if ctx.sort_mode:
            return []
        v = ctx.var(self.name)
        if v is None:
            return []
        s = str(v)
        if self.plural == "always":
            plural = True
        elif self.plural == "never":
            plural = False
        elif self.name in ("number-of-pages", "number-of-volumes"):
            n = first_int(s)
            plural = n is not None and n > 1
        else:
            plural = is_plural(s)
        loc = ctx.loc
        t = loc.term(self.name, self.form, plural)
        if t is None and self.name in _LABEL_TERMS:
            t = loc.term(_LABEL_TERMS[self.name], self.form, plural)
        if not t:
            return []
        return self.deco.apply([(t, NO_FMT, 0)], ctx)


class Group(Element):
    __slots__ = ("children", "delimiter")

    def __init__(self, el: ET.Element, children: list[Element]) -> None:
        self.deco = Deco(el)
        self.children = children
        self.delimiter = el.get("delimiter", "")

    def render(self, ctx: Ctx) -> list[Run]:
        counts = ctx.counts
        c0, r0 = counts
        pieces: list[list[Run]] = []
        collect(self.children, ctx, pieces)
        if counts[0] > c0 and counts[1] == r0:
            return []
        out = R.join(pieces, self.delimiter, ctx.piq)
        if not out:
            return []
        # As in citeproc-js, a nested group that printed counts as content for
        # the enclosing group's suppression test (e.g. IEEE's "[Online]").
        counts[1] += 1
        deco = self.deco
        return deco.apply(out, ctx) if deco.active else out


# ---------------------------------------------------------------- choose

def _has_var(ctx: Ctx, name: str) -> bool:
    if name == "citation-number":
        return bool(ctx.citation_number)
    if name == "year-suffix":
        return bool(ctx.year_suffix)
    if name in ("locator", "first-reference-note-number", "citation-label"):
        return False
    return name in ctx.present



_SPECIAL_VARS = frozenset({"citation-number", "year-suffix", "locator", "first-reference-note-number",
                           "citation-label"})


class Condition:
    """A compiled ``cs:if``/``cs:else-if`` test (type and variable tests are set lookups)."""

    __slots__ = ("types", "vars", "others", "match", "ntypes")

    def __init__(self, el: ET.Element) -> None:
        self.match = el.get("match", "all")
        a = el.attrib
        types = a.get("type", "").split()
        self.types = frozenset(types)
        self.ntypes = len(types)
        others: list[Callable[[Ctx], bool]] = []
        plain_vars = []
        for v in a.get("variable", "").split():
            if v in _SPECIAL_VARS:
                others.append(lambda ctx, v=v: _has_var(ctx, v))
            else:
                plain_vars.append(v)
        self.vars = tuple(plain_vars)
        for v in a.get("is-numeric", "").split():
            others.append(lambda ctx, v=v: _has_var(ctx, v) and is_numeric(ctx.item.get(v, "")) if v != "citation-number" else True)
        for v in a.get("is-uncertain-date", "").split():
            others.append(lambda ctx, v=v: bool((ctx.date(v) or _NODATE).circa))
        for _ in a.get("locator", "").split():
            others.append(lambda ctx: False)
        for _ in a.get("position", "").split():
            others.append(lambda ctx: False)
        for v in a.get("disambiguate", "").split():
            others.append(lambda ctx, v=v: v == "false")
        self.others = others

    def __call__(self, ctx: Ctx) -> bool:
        # As in citeproc-js, conditions test the item: a variable already
        # printed by a cs:substitute still counts as present.
        present = ctx.present
        if self.match == "all":
            # The types of one attribute are one test that any of them passes,
            # whatever the match (citeproc-js: "ALWAYS composed as an any match").
            if self.ntypes and ctx.type not in self.types:
                return False
            for v in self.vars:
                if v not in present:
                    return False
            for t in self.others:
                if not t(ctx):
                    return False
            return True
        hit = False
        if self.ntypes and ctx.type in self.types:
            hit = True
        else:
            for v in self.vars:
                if v in present:
                    hit = True
                    break
            else:
                for t in self.others:
                    if t(ctx):
                        hit = True
                        break
        return hit if self.match == "any" else not hit


class _NoDate:
    circa = False


_NODATE = _NoDate()


class Choose(Element):
    __slots__ = ("branches", "by_type", "default")
    is_choose = True

    def __init__(self, branches: list[tuple[Condition | None, list[Element]]]) -> None:
        self.branches = branches
        # A choose that only tests the item type (the common case in large
        # styles) becomes one dict lookup per entry.
        self.by_type: dict[str, list[Element]] | None = None
        self.default: list[Element] = []
        by_type: dict[str, list[Element]] = {}
        for cond, children in branches:
            if cond is None:
                self.default = children
                break
            if cond.vars or cond.others or not cond.ntypes or not (
                cond.match == "any" or (cond.match == "all" and cond.ntypes == 1)
            ):
                return
            for t in cond.types:
                by_type.setdefault(t, children)
        self.by_type = by_type

    def pick(self, ctx: Ctx) -> list[Element]:
        """The children of the first branch whose condition holds."""
        by_type = self.by_type
        if by_type is not None:
            return by_type.get(ctx.type, self.default)  # type: ignore[arg-type]
        for cond, children in self.branches:
            if cond is None or cond(ctx):
                return children
        return []

    _branch = pick

    def render(self, ctx: Ctx) -> list[Run]:
        return render_seq(self._branch(ctx), ctx)
