"""Rendering a loaded CSL style's bibliography: sorting, disambiguation, entries.

Given a :class:`~bibgen.style.csl.load.LoadedStyle` (the compiled layouts,
macros, sort keys and options) and CSL-JSON items, this module orders the
items by the style's sort keys, works out what the cites need to tell entries
apart (year-suffixes, added names and given names), renders each entry with
its layout and applies subsequent-author-substitute. It parses no XML and
changes nothing in the loaded style, so one style renders any number of
bibliographies, one call at a time or in parallel.
"""

from __future__ import annotations

from typing import Any

import bibgen.style.csl.runs as R
from bibgen.style.csl.context import Ctx
from bibgen.style.csl.dates import date_sort_key
from bibgen.style.csl.elements import Element, Group, collect_tagged, render_seq
from bibgen.style.csl.items import clean_item, note_fields
from bibgen.style.csl.load import LoadedStyle, SortKey
from bibgen.style.csl.names import NameSpec
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


def bibliography(style: LoadedStyle, items: list[dict]) -> list[Reference]:
    """References for CSL-JSON ``items``, in the style's bibliography order."""
    return _Bibliography(style).render(items)


class _Bibliography:
    """One bibliography being rendered: the style and what this call has worked out so far."""

    def __init__(self, style: LoadedStyle) -> None:
        self.style = style
        # The plain text of each entry's cite, rendered at most once per call.
        self._cites: dict[int, str] = {}
        self._full_given: frozenset[int] = frozenset()

    def _english(self, item: dict) -> bool:
        lang = item.get("language")
        if isinstance(lang, str) and lang.strip():
            return lang.strip().lower().startswith("en")
        return self.style.lang.lower().startswith("en")

    def _ctx(self, item: dict, shared: dict[int, tuple] | None = None) -> Ctx:
        if shared is None:
            ctx = Ctx(self.style, item, self._english(item))
            ctx.full_given = self._full_given
            return ctx
        info = shared.get(id(item))
        ctx = Ctx(self.style, item, self._english(item), info)
        ctx.full_given = self._full_given
        if info is None:
            shared[id(item)] = (ctx.present, ctx.dates, ctx.item)
        return ctx

    def _sort_value(self, key: SortKey, item: dict, number: int,
                    shared: dict[int, tuple] | None = None) -> tuple[int, Any] | None:
        ctx = self._ctx(item, shared)
        ctx.citation_number = number
        if key.variable:
            var = key.variable
            if var == "citation-number":
                return (0, number)
            if var == "citation-label":
                s = str(ctx.var(var))
                return (1, self.style.collate(s)) if s else None
            v = item.get(var)
            if v is None or v == "" or v == []:
                return None
            if var in NAME_VARIABLES and isinstance(v, list):
                spec = NameSpec(self.style.ctx_opts["bibliography"], None)
                ctx.sort_mode = True
                ctx.sort_names = (key.names_min, key.names_first, key.names_last)
                s = R.plain(spec.render_list(v, ctx))  # type: ignore[arg-type]
                return (1, self.style.collate(s)) if s else None
            if var in DATE_VARIABLES:
                s = date_sort_key(v)
                return (1, s) if s else None
            if var in NUMBER_VARIABLES and is_numeric(v):
                return (0, first_int(str(v)) or 0)
            s = R.plain(list(R.parse_rich(str(v))))
            return (1, self.style.collate(s)) if s.strip() else None
        ctx.sort_mode = True
        ctx.sort_names = (key.names_min, key.names_first, key.names_last)
        printed = ctx.counts[1]
        runs = render_seq(self.style.macro(key.macro or "", "bibliography"), ctx)
        s = R.plain(runs)
        if not s.strip() or ctx.counts[1] == printed:
            # A key macro that printed no variable (only a term such as
            # "n.d.") is an empty key, sorted last either way, as in citeproc-js.
            return None
        return (1, self.style.collate(s))

    def render(self, items: list[dict]) -> list[Reference]:
        originals = items
        items = [note_fields(clean_item(it)) for it in items]
        order = list(range(len(items)))
        shared: dict[int, tuple] = {}
        self._full_given = self._expanded_givens(items, shared)
        if self.style.sort_keys:
            order = self._sort(order, 0, items, shared)
        # Numbers follow the bibliography order, counting down when the first
        # key sorts by citation-number descending (citeproc-js, test-suite#62).
        numbers = {}
        n = len(order)
        for pos, i in enumerate(order):
            numbers[i] = n - pos if self.style.number_descending else pos + 1
        # The names each cite shows after disambiguate-add-names; they reach the
        # bibliography only when given names may be added too (citeproc-js
        # copies the cite's disambiguation into the bibliography's only then;
        # probed with citeproc-js 1.4.61).
        cite_names = self._added_names(items, order, numbers, shared) if self.style.add_names else {}
        added = cite_names if self.style.add_given else {}
        suffixes = (self._year_suffixes(items, order, numbers, shared, cite_names)
                    if self.style.year_suffix else {})
        refs: list[Reference] = []
        prev_names: str | None = None
        for i in order:
            item = items[i]
            ctx = self._ctx(item, shared)
            ctx.citation_number = numbers[i]
            original = originals[i]
            ctx.year_suffix = suffixes.get(i, "")
            ctx.disamb_names = added.get(i)
            if ctx.year_suffix and not self.style.explicit_year_suffix:
                ctx.implicit_ys = True
            tagged: list[tuple[Element, list[Run]]] = []
            collect_tagged(self.style.layout, ctx, tagged)
            pieces = [r for _, r in tagged]
            label_runs: list[Run] = []
            if self.style.second_field_align and len(pieces) > 1:
                label_runs = pieces[0]
                pieces = pieces[1:]
            body: list[Run] = []
            for p in pieces:
                R.append(body, p, ctx.piq)
            # citeproc-js drops a trailing space that a group's suffix leaves at
            # the end of an entry, but keeps one from a top-level text's suffix;
            # with second-field-align it writes either after the right-inline
            # div (plos: "Report No.: 53.</div>\n   </div>").
            last = tagged[-1][0] if tagged else None
            deco = getattr(last, "deco", None)
            at_end = isinstance(last, Group) or (bool(label_runs) and not self.style.layout_deco.suffix)
            trim = at_end and deco is not None and deco.suffix[-1:].isspace()
            trailing = ""
            while trim and (body and body[-1][0][-1:].isspace() or (body and not body[-1][0])):
                t, f, g = body[-1]
                stripped = t.rstrip()
                trailing = t[len(stripped):] + trailing
                if stripped:
                    body[-1] = (stripped, f, g)
                    break
                body.pop()
            if self.style.layout_deco.active:
                body = self.style.layout_deco.apply(body, ctx) if body else body
            if self.style.subsequent is not None:
                body, prev_names = self._substitute_author(body, prev_names)
                body = [r for r in body if r[0]]
            if self.style.subsequent is None:
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
        if len(order) < 2 or kidx >= len(self.style.sort_keys):
            return order
        key = self.style.sort_keys[kidx]
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
        # citeproc-js compares the names themselves, not how they are joined:
        # "Doe, J., et al." repeats "Doe, J.", and "A, B, et al." repeats "A and B".
        parts: list[str] = [""]
        for k in idx:
            t, _, g = body[k]
            if g & R.NAME_SEP:
                parts.append("")
            elif not g & R.ETAL:
                parts[-1] += t
        names = "\x00".join(p for p in parts if p)
        if prev is not None and names == prev:
            a, b = idx[0], idx[-1]
            fmt = body[a][1]
            if self.style.subsequent:
                absorbed = b + 1 < len(body) and body[b + 1][2] & R.ABSORBED
                sub = self.style.subsequent + ("." if absorbed else "")
                body = body[:a] + [(sub, fmt, 0)] + body[b + 1 :]
            else:
                body = body[:a] + body[b + 1 :]
                while body and body[0][0].strip() in (",", ".", "") and not body[0][0].strip():
                    body = body[1:]
        return body, names

    def _expanded_givens(self, items: list[dict], shared: dict[int, tuple]) -> frozenset[int]:
        """The names whose whole given name shows, because their initials are ambiguous.

        disambiguate-add-givenname tells apart different people a cite would
        show alike: a name that shares its family name and initials with a
        different person's gets its full given name, and citeproc-js prints
        (and sorts) it so in the bibliography too ("Tanaka, Ben" and "Tanaka,
        Björn" rather than two "Tanaka, B."). Under ``primary-name`` and
        ``all-names`` names are told apart across the document (the first
        name of each cite, or all it shows); under ``by-cite`` only among
        cites that would otherwise be identical (CSL 1.0.2, "Disambiguation").
        The ``*-with-initials`` rules never go beyond initials.
        """
        st = self.style
        if not st.add_given or st.given_rule.endswith("with-initials"):
            return frozenset()
        shown = {i: self._cite_names(item) for i, item in enumerate(items)}
        if st.given_rule != "by-cite":
            return _same_initials([n for i in sorted(shown) for n in shown[i]])
        # by-cite: only cites that show a family name given to different people can collide.
        families: dict[str, set[str]] = {}
        for names in shown.values():
            for n in names:
                families.setdefault(_family_key(n), set()).add(str(n["given"]))
        ambiguous = {f for f, givens in families.items() if len(givens) > 1}
        groups: dict[str, list[int]] = {}
        for i in sorted(shown):
            if any(_family_key(n) in ambiguous for n in shown[i]):
                ctx = self._ctx(items[i], shared)
                groups.setdefault(R.plain(render_seq(st.citation_layout, ctx)), []).append(i)
        out: set[int] = set()
        for members in groups.values():
            if len(members) > 1:
                out |= _same_initials([n for i in members for n in shown[i]])
        return frozenset(out)

    def _cite_names(self, item: dict) -> list[dict]:
        """The personal names (with given names) a cite of ``item`` shows."""
        st = self.style
        names = [n for n in (item.get("author") or item.get("editor") or item.get("translator") or [])
                 if isinstance(n, dict) and not n.get("literal") and n.get("family") and n.get("given")]
        if st.given_rule.startswith("primary-name"):
            return names[:1]
        etal_min, etal_first = st.cite_etal
        if etal_min is not None and etal_first is not None and len(names) >= etal_min:
            return names[:etal_first]
        return names

    def _name_signature(self, names: list, count: int | None = None) -> tuple:
        """What disambiguate-add-names/-givenname could reveal about a name list.

        Adding names reveals the family names up to ``count`` (as far as
        citeproc-js adds names, see :func:`_names_limit`; all when None) and
        whether more follow; adding given names reveals the first name's only
        under the primary-name rules, and only initials under the
        *-with-initials rules (CSL 1.0.2, "Disambiguation").
        """
        people = [n for n in names if isinstance(n, dict)]
        sig: list[object] = []
        if self.style.add_names:
            if count is not None and count < len(people):
                people = people[:count]
                sig.append(True)
            sig.append(tuple(n.get("literal") or n.get("family") for n in people))
        if self.style.add_given:
            if self.style.given_rule.startswith("primary-name"):
                shown = people[:1]
            elif self.style.add_names:
                shown = people
            else:
                # Only the names a cite shows can get their given names.
                etal_min, etal_first = self.style.cite_etal
                truncated = etal_min is not None and etal_first is not None and len(people) >= etal_min
                shown = people[:etal_first] if truncated else people
            initials = self.style.given_rule.endswith("with-initials")
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
        etal_min, etal_first = self.style.cite_etal
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
            # Only entries whose cites show the same names (and given names) can need
            # more; whether the rest of the cites (a year, a title) tells them apart
            # is for the rendered cites to say (MLA's cites have no year).
            buckets.setdefault(tuple(lists[i][:etal_first]), []).append(i)
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
                    out.update(_names_needed(group, lists, etal_first, _names_limit(group, lists, etal_first)))
        return out

    def _cite(self, i: int, items: list[dict], numbers: dict[int, int], shared: dict[int, tuple]) -> str:
        """The plain text of entry ``i``'s cite (before disambiguation), rendered once per call."""
        got = self._cites.get(i)
        if got is None:
            ctx = self._ctx(items[i], shared)
            ctx.citation_number = numbers[i]
            got = self._cites[i] = R.plain(render_seq(self.style.citation_layout, ctx))
        return got

    def _cite_name(self, name: dict, pos: int) -> object:
        """What a cite can show of the name at ``pos`` when disambiguating by names."""
        family = name.get("literal") or name.get("family")
        if not self.style.add_given or (pos and self.style.given_rule.startswith("primary-name")):
            return family
        given = str(name.get("given") or "")
        if self.style.given_rule.endswith("with-initials"):
            given = initialize(given, ". ", True, True)
        return (family, given)

    def _year_suffixes(self, items: list[dict], order: list[int], numbers: dict[int, int],
                       shared: dict[int, tuple], cite_names: dict[int, int]) -> dict[int, str]:
        """Year-suffixes ("2000a", "2000b") for entries whose cites would be identical.

        Only entries that share a first name (or title) and year can have the
        same cite, so only those are rendered with the citation layout.
        ``cite_names``: the names each cite shows after disambiguate-add-names,
        where that is more than its et-al shows.
        """
        etal_min, etal_first = self.style.cite_etal

        def shown(i: int, names: list) -> int | None:
            if i in cite_names:
                return cite_names[i]
            if etal_min is not None and etal_first is not None and len(names) >= etal_min:
                return etal_first
            return None

        buckets: dict[tuple, list[int]] = {}
        for i in order:
            item = items[i]
            names = item.get("author") or item.get("editor") or item.get("translator") or []
            if self.style.disamb_names:
                # Cites that names or given names can tell apart need no suffix.
                who: object = self._name_signature(names, shown(i, names)) or str(item.get("title"))
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
                if self.style.disamb_names:
                    names = item.get("author") or item.get("editor") or item.get("translator") or []
                    s += "\x00" + repr(self._name_signature(names, shown(i, names)))
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


def _family_key(name: dict) -> str:
    return " ".join(str(x) for x in (name.get("non-dropping-particle"), name.get("family")) if x)


def _same_initials(names: list[dict]) -> frozenset[int]:
    """The names (by id) of people who share family name and initials with a different person."""
    people: dict[str, dict[str, list[dict]]] = {}
    for n in names:
        people.setdefault(_family_key(n), {}).setdefault(str(n["given"]), []).append(n)
    out: set[int] = set()
    for givens in people.values():
        if len(givens) < 2:
            continue
        by_initials: dict[str, list[str]] = {}
        for given in givens:
            by_initials.setdefault(initialize(given, ". ", True, True), []).append(given)
        for same in by_initials.values():
            if len(same) > 1:
                out.update(id(n) for given in same for n in givens[given])
    return frozenset(out)


def _names_needed(group: list[int], lists: dict[int, list], first: int, limit: int | None = None) -> dict[int, int]:
    """How many names tell each entry of ``group`` apart, for those that need more than ``first``.

    Names are added one at a time, up to ``limit``; an entry is told apart
    once its names so far (and whether more follow, "et al.") differ from
    every other entry's. Entries still alike when names run out keep the
    count of the last step that told some entry apart (citeproc-js keeps its
    best disambiguation so far, ``betterbase``).
    """
    out: dict[int, int] = {}
    left = set(group)
    top = max(len(lists[i]) for i in group)
    if limit is not None:
        top = min(top, limit)
    progress = first
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
                progress = k
        if not left:
            break
    if limit is not None and progress > first:
        for i in left:
            out[i] = progress
    return out


def _names_limit(group: list[int], lists: dict[int, list], first: int) -> int:
    """How many names citeproc-js shows at most while telling a group of identical cites apart.

    It adds names one at a time (``Disambiguation.incrementDisambig``) until
    it has added as many as the group's first item has names, the items
    sorted by their name counts as JavaScript compares one-element arrays:
    as strings, so 10 comes before 5 (``Disambiguation.initVars``). Probed
    with citeproc-js 1.4.61: counts 11, 19, 20 stop at 11 names; 9, 19, 20
    go on to 19; 5, 10, 11, 19 stop at 11.
    """
    return first + min((len(lists[i]) for i in group), key=lambda n: (str(n), n))


def _first_year(value: object) -> object:
    if isinstance(value, dict):
        dp = value.get("date-parts")
        if isinstance(dp, list) and dp and isinstance(dp[0], list) and dp[0]:
            return str(dp[0][0])
        return value.get("raw") or value.get("literal")
    return value


def _suffix(n: int) -> str:
    letters = "abcdefghijklmnopqrstuvwxyz"
    if n < 26:
        return letters[n]
    return _suffix(n // 26 - 1) + letters[n % 26]
