"""``cs:names`` and ``cs:name``: name lists with et-al, particles and initials."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import bibgen.style.csl.runs as R
from bibgen.style.csl.context import Ctx
from bibgen.style.csl.elements import Deco, Element, Label, rich
from bibgen.style.csl.locale import NS
from bibgen.style.csl.runs import NAMES, NO_FMT, Run
from bibgen.style.csl.values import NameParts, initialize, name_parts


def _int_opt(v: str | None) -> int | None:
    if v is None or v == "":
        return None
    try:
        return int(v)
    except ValueError:
        return None


class NameSpec:
    """A compiled ``cs:name`` with its inherited options."""

    __slots__ = (
        "and_", "delimiter", "dp_etal", "dp_last", "etal_min", "etal_first", "etal_last",
        "init", "init_with", "nas", "sort_sep", "form", "given_deco", "family_deco", "deco",
        "demote", "hyphen", "_etal", "name_deco",
    )

    def __init__(self, opts: dict[str, str], el: ET.Element | None) -> None:
        o = dict(opts)
        if el is not None:
            o.update(el.attrib)
        self.and_ = o.get("and")
        self.delimiter = o.get("delimiter", o.get("name-delimiter", ", "))
        self.dp_etal = o.get("delimiter-precedes-et-al", "contextual")
        self.dp_last = o.get("delimiter-precedes-last", "contextual")
        self.etal_min = _int_opt(o.get("et-al-min"))
        self.etal_first = _int_opt(o.get("et-al-use-first"))
        self.etal_last = o.get("et-al-use-last") == "true"
        self.init = o.get("initialize", "true") != "false"
        self.init_with = o.get("initialize-with")
        self.nas = o.get("name-as-sort-order")
        self.sort_sep = o.get("sort-separator", ", ")
        self.form = o.get("form", "long")
        self.demote = o.get("demote-non-dropping-particle", "display-and-sort")
        self.hyphen = o.get("initialize-with-hyphen", "true") != "false"
        self.given_deco = self.family_deco = None
        self._etal: tuple[str, Deco | None] | None = None
        # cs:name's affixes go around the whole list; its formatting goes on each
        # name (and, after et-al truncation, on the list with "et al." too), as
        # citeproc-js renders them.
        self.deco = None
        self.name_deco = None
        if el is not None:
            aff = Deco(el)
            if aff.prefix or aff.suffix:
                aff.roles = aff.plain_roles = ()
                aff.quotes = aff.strip = False
                aff.case = None
                self.deco = aff
            per = Deco(el)
            per.prefix = per.suffix = ""
            per.active = bool(per.roles or per.quotes or per.case or per.strip)
            self.name_deco = per if per.active else None
        if el is not None:
            for p in el.findall(NS + "name-part"):
                if p.get("name") == "given":
                    self.given_deco = Deco(p)
                elif p.get("name") == "family":
                    self.family_deco = Deco(p)

    # -- one name

    def render_name(self, name: dict, inverted: bool, ctx: Ctx) -> list[Run]:
        p = name_parts(name)
        if p.literal:
            # citeproc-js formats an institution's name as a family name (ABNT: upper case).
            return self._part(p.literal, self.family_deco, ctx) if not ctx.sort_mode else rich(p.literal)
        if ctx.sort_mode:
            if self.form == "short":
                fam = p.family if self.demote != "never" or not p.ndp else f"{p.ndp} {p.family}"
                return [(fam, NO_FMT, 0)]
            if self.init_with is not None and p.given and not p.cjk and id(name) not in ctx.full_given:
                given = _initialize(p.given, self.init_with, self.init, self.hyphen)
                p = NameParts(p.family, given, p.ndp, p.dp, p.suffix, p.comma_suffix, p.literal, p.cjk)
            return [(self.sort_key(p), NO_FMT, 0)]
        family = p.family
        given = p.given
        if self.init_with is not None and given and not p.cjk and id(name) not in ctx.full_given:
            given = _initialize(given, self.init_with, self.init, self.hyphen)
            if p.suffix and "." not in self.init_with:
                # citeproc-js drops the period of "Jr." when initials have none (AMA "King ML Jr").
                p = NameParts(p.family, p.given, p.ndp, p.dp, p.suffix.replace(".", ""), p.comma_suffix,
                              p.literal, p.cjk)
        if not family:
            return self._part(given, self.given_deco, ctx)
        fam_runs = self._part(family, self.family_deco, ctx)
        if self.form == "short":
            if p.ndp:
                return self._family(p.ndp, family, ctx)
            return fam_runs
        if p.cjk:
            return fam_runs + self._part(given, self.given_deco, ctx)
        giv = given
        if inverted:
            sep = self.sort_sep
            if self.demote != "display-and-sort":
                head = self._family(p.ndp, family, ctx) if p.ndp else fam_runs
                tail_runs = self._part(giv, self.given_deco, ctx) if giv else []
                if p.dp:
                    tail_runs = tail_runs + [((" " if tail_runs else "") + p.dp, NO_FMT, 0)]
            else:
                head = fam_runs
                tail_runs = self._part(giv, self.given_deco, ctx) if giv else []
                extra = " ".join(x for x in (p.dp, p.ndp) if x).replace("'", "\u2019")
                if extra:
                    tail_runs = tail_runs + [((" " if tail_runs else "") + extra, NO_FMT, 0)]
            out = list(head)
            if tail_runs:
                out.append((sep, NO_FMT, 0))
                out.extend(tail_runs)
            if p.suffix:
                out.append((sep + p.suffix, NO_FMT, 0))
            return out
        out = self._part(giv, self.given_deco, ctx) if giv else []
        if p.dp:
            out = out + [((" " if out else "") + p.dp, NO_FMT, 0)]
        last = self._family(p.ndp, family, ctx) if p.ndp else fam_runs
        # An elided dropping particle ("d'") joins the family name without a space.
        if out and not (p.dp and p.dp.endswith(("'", "\u2019", "-")) and not p.ndp):
            out.append((_particle_space(ctx) if p.dp else " ", NO_FMT, 0))
        out.extend(last)
        if p.suffix:
            out.append(((", " if p.comma_suffix else " ") + p.suffix, NO_FMT, 0))
        return out

    def _family(self, ndp: str, family: str, ctx: Ctx) -> list[Run]:
        """The family name with its non-dropping particle, both under the family name-part's formatting."""
        runs = _join_particle(ndp, rich(family), _particle_space(ctx))
        return self.family_deco.apply(runs, ctx) if self.family_deco is not None else runs

    def _part(self, text: str, deco: Deco | None, ctx: Ctx) -> list[Run]:
        runs = rich(text)
        return deco.apply(runs, ctx) if deco is not None else runs

    def sort_key(self, p: NameParts) -> str:
        if p.literal:
            return p.literal
        if self.demote == "never":
            fam = " ".join(x for x in (p.ndp, p.family) if x)
            rest = [p.dp, p.given, p.suffix]
        else:
            fam = p.family
            rest = [p.dp, p.ndp, p.given, p.suffix]
        return " ".join(x for x in [fam] + rest if x)

    # -- a list

    def render_list(self, names: list[dict], ctx: Ctx, count: bool = False) -> list[Run] | int:
        force_etal = False
        if names and names[-1].get("literal") == "others" and not names[-1].get("family"):
            names = names[:-1]
            force_etal = True
        n = len(names)
        etal_min, etal_first, etal_last = self.etal_min, self.etal_first, self.etal_last
        if ctx.sort_mode and ctx.sort_names is not None:
            smin, sfirst, slast = ctx.sort_names
            etal_min = smin if smin is not None else etal_min
            etal_first = sfirst if sfirst is not None else etal_first
            etal_last = slast if slast is not None else etal_last
        shown = names
        etal = force_etal
        if etal_last and etal_min is not None and etal_first is not None and n >= etal_min and not ctx.sort_mode:
            # citeproc-js shows at most et-al-min - 2 names before "… last"
            # (_imposeNameConstraints): et-al-min 3 gives "A … Z" whatever et-al-use-first says.
            etal_first = max(1, min(etal_first, etal_min - 2))
        dn = ctx.disamb_names
        if dn is not None and not ctx.names_marked and not ctx.sort_mode and (etal_first is None or dn > etal_first):
            # The first names of an entry show as many names as its cites needed
            # (disambiguate-add-names), as in citeproc-js's bibliography.
            if etal_min is not None and n >= etal_min and etal_last:
                # The same cap on the names a cite added.
                dn = min(dn, max(etal_min - 2, 1))
            if etal_min is not None and n >= etal_min and dn < n:
                shown = names[:dn]
                etal = True
        elif etal_min is not None and etal_first is not None and n >= etal_min and etal_first < n:
            shown = names[:etal_first]
            etal = True
        if count:
            return len(shown)
        if not shown:
            return []
        k = len(shown)
        nas = self.nas if not ctx.sort_mode else "all"
        rendered = [
            self.render_name(nm, nas == "all" or (nas == "first" and i == 0), ctx)
            for i, nm in enumerate(shown)
        ]
        per = self.name_deco if not ctx.sort_mode else None
        if per is not None:
            rendered = [per.apply(r, ctx) for r in rendered]
        if ctx.sort_mode:
            if etal and etal_last and n > k + 1 and not force_etal:
                rendered.append(self.render_name(names[-1], True, ctx))
            return [(" ".join(R.plain(r) for r in rendered), NO_FMT, 0)]
        delim = self.delimiter
        out: list[Run] = []
        use_last = etal and etal_last and n > k + 1 and not force_etal
        for i, r in enumerate(rendered):
            if i:
                if i == k - 1 and self.and_ and not etal:
                    term = ctx.loc.term("and") if self.and_ == "text" else "&"
                    dpl = self.dp_last
                    inverted_prev = (nas == "all" or (nas == "first" and i - 1 == 0)) and not shown[i - 1].get("literal")
                    if shown[i].get("literal") and not shown[i - 1].get("literal"):
                        # citeproc-js joins a final institution to personal names as
                        # its own group: a delimiter only after two or more persons.
                        use = k > 2
                    else:
                        use = (
                            dpl == "always"
                            or (dpl == "contextual" and k > 2)
                            or (dpl == "after-inverted-name" and inverted_prev)
                        )
                    sep = (delim if use else " ") + f"{term} "
                    out.append((sep, NO_FMT, R.NAME_SEP))
                else:
                    out.append((delim, NO_FMT, R.NAME_SEP))
            out.extend(r)
        if use_last:
            # citeproc-js: " … " after a single name, "<delimiter>… " after several.
            out.append(((delim if k > 1 else " ") + "\u2026 ", NO_FMT, R.NAME_SEP))
            last_name = self.render_name(names[-1], nas == "all", ctx)
            out.extend(per.apply(last_name, ctx) if per is not None else last_name)
        elif etal:
            et = self._etal_runs(ctx)
            if et:
                dpe = self.dp_etal
                inverted_last = (nas == "all" or (nas == "first" and k == 1)) and not shown[-1].get("literal")
                use = (
                    dpe == "always"
                    or (dpe == "contextual" and k > 1)
                    or (dpe == "after-inverted-name" and inverted_last)
                )
                sep = delim if use else " "
                if sep == " " and not _STARTS_ROMANESQUE.match(R.plain(et)):
                    # citeproc-js joins a CJK et-al term ("等") without the space.
                    sep = ""
                tail = [(sep, NO_FMT, 0)] + et
                R.append(out, [(t, f, g | R.ETAL) for t, f, g in tail], ctx.piq)
                if per is not None:
                    # The list's formatting wraps names that already carry it;
                    # citeproc-js nests them without flipping the inner ones
                    # back to normal (din-1505-2: small caps in small caps), so
                    # a "plain" span between them stops the flip-flop.
                    out = per.apply([(t, ("plain",) + f, g) for t, f, g in out], ctx)
        if self.deco is not None:
            out = self.deco.apply(out, ctx)
        return out

    def _etal_runs(self, ctx: Ctx) -> list[Run]:
        t = ctx.loc.term(self._etal[0]) if self._etal else ctx.loc.term("et-al")
        if not t:
            return []
        runs: list[Run] = [(t, NO_FMT, 0)]
        if self._etal and self._etal[1] is not None:
            runs = self._etal[1].apply(runs, ctx)
        return runs


NameSpecWithEtal = NameSpec


# Languages whose particles are tied to the family name by a no-break space
# (citeproc-js, ``CSL.NameOutput.prototype._renderPersonalName``: fr, ru, cs).
_NBSP_PARTICLE_LANGS = frozenset({"fr", "ru", "cs"})


def _particle_space(ctx: Ctx) -> str:
    """The space between a particle and the family name: no-break in French, Russian, Czech styles."""
    return "\u00a0" if ctx.engine.lang[:2].lower() in _NBSP_PARTICLE_LANGS else " "


def _join_particle(ndp: str, fam: list[Run], space: str = " ") -> list[Run]:
    ndp = ndp.replace("'", "\u2019")
    sep = "" if ndp.endswith(("\u2019", "-")) else space
    return [(ndp + sep, NO_FMT, 0)] + fam


class Names(Element):
    """A compiled ``cs:names``."""

    __slots__ = ("variables", "spec", "label", "label_after", "substitute", "delimiter", "count")

    def __init__(self, el: ET.Element, variables: list[str], spec: NameSpecWithEtal,
                 label: Label | None, label_after: bool, substitute: list[Element],
                 delimiter: str) -> None:
        self.deco = Deco(el)
        self.variables = variables
        self.spec = spec
        self.label = label
        self.label_after = label_after
        self.substitute = substitute
        self.delimiter = delimiter
        self.count = spec.form == "count"

    def render(self, ctx: Ctx) -> list[Run]:
        lists: list[tuple[str, list[dict]]] = []
        ctx.counts[0] += 1
        for v in self.variables:
            names = ctx.var(v)
            # A list that is only the partial-list marker has no names to print.
            if isinstance(names, list) and names and not (
                len(names) == 1 and isinstance(names[0], dict) and names[0].get("literal") == "others"
            ):
                lists.append((v, names))
        if (
            len(lists) >= 2
            and {lists[0][0], lists[1][0]} == {"editor", "translator"}
            and lists[0][1] == lists[1][1]
        ):
            lists = [("editortranslator", lists[0][1])] + lists[2:]
        if not lists:
            return self._substitute(ctx)
        ctx.counts[1] += 1
        if self.count:
            total = sum(self.spec.render_list(ns, ctx, count=True) for _, ns in lists)  # type: ignore[misc]
            return self.deco.apply([(str(total), NO_FMT, 0)], ctx) if total else []
        parts: list[list[Run]] = []
        for var, names in lists:
            body = self.spec.render_list(names, ctx)
            if not body:
                continue
            assert isinstance(body, list)
            if not ctx.sort_mode and not ctx.names_marked:
                body = [(t, f, g | NAMES) for t, f, g in body]
            if self.label is not None and not ctx.sort_mode:
                lab = self._label(var, names, ctx)
                if lab:
                    body = body + lab if self.label_after else lab + body
            parts.append(body)
        if not parts:
            return []
        if ctx.record is not None:
            # Inside cs:substitute a variable, once printed, is suppressed at
            # once, even later in the same substitute (citeproc-js).
            ctx.suppressed.update(v for v, _ in lists)
            if lists and lists[0][0] == "editortranslator":
                ctx.suppressed.update(("editor", "translator"))
        ctx.names_marked = True
        return self.deco.apply(R.join(parts, self.delimiter, ctx.piq), ctx)

    def _label(self, var: str, names: list[dict], ctx: Ctx) -> list[Run]:
        lab = self.label
        assert lab is not None
        n = len(names)
        if names and names[-1].get("literal") == "others":
            n = max(n, 2)
        plural = lab.plural == "always" or (lab.plural == "contextual" and n > 1)
        t = ctx.loc.term(var, lab.form, plural)
        if not t:
            return []
        return lab.deco.apply([(t, NO_FMT, 0)], ctx)

    def _substitute(self, ctx: Ctx) -> list[Run]:
        for sub in self.substitute:
            saved = ctx.record
            ctx.record = set()
            c = list(ctx.counts)
            out = sub.render(ctx)
            used = ctx.record
            ctx.record = saved
            if saved is not None:
                saved.update(used)
            if not R.is_empty(out):
                ctx.suppressed.update(used)
                ctx.counts[1] += 1
                out = self.deco.apply(out, ctx)
                if not ctx.sort_mode and not ctx.names_marked:
                    out = [(t, f, g | NAMES) for t, f, g in out]
                    ctx.names_marked = True
                return out
            ctx.counts[:] = [c[0] + (ctx.counts[0] - c[0]), c[1]]
        return []


# citeproc-js's CSL.STARTSWITH_ROMANESQUE_REGEXP.
_STARTS_ROMANESQUE = re.compile(
    "[&a-zA-Z\u0e01-\u0e5b\u00c0-\u017f\u0370-\u03ff\u0400-\u052f\u0590-\u05d4\u05d6-\u05ff"
    "\u1f00-\u1fff\u0600-\u06ff\u200c\u200d\u200e\u0218\u0219\u021a\u021b\u202a-\u202e]"
)
_ROLE_TAGS = {"emph": ("<i>", "</i>"), "strong": ("<b>", "</b>"), "smallcaps": ("<sc>", "</sc>"),
              "sup": ("<sup>", "</sup>"), "sub": ("<sub>", "</sub>"),
              "nocase": ('<span class="nocase">', "</span>")}


def _initialize(given: str, with_: str, initialize_all: bool, hyphen: bool) -> str:
    """:func:`initialize`, keeping markup of the data on the initials it shortens.

    ``<b>John</b> Quiggly`` -> ``<b>J.</b> Q.``: each initial (with its
    terminator) takes the formatting of the first letter of its word, as in
    citeproc-js.
    """
    if "<" not in given:
        return initialize(given, with_, initialize_all, hyphen)
    runs = R.parse_rich(given)
    if all(not f for _, f, _ in runs):
        return initialize(given, with_, initialize_all, hyphen)
    plain = "".join(t for t, _, _ in runs)
    roles: list[tuple[str, ...]] = []
    for t, f, _ in runs:
        roles.extend([f] * len(t))
    out = initialize(plain, with_, initialize_all, hyphen)
    # Each word's first letter, in order, marks where its piece of the output starts.
    starts = [m.start() for m in re.finditer(r"(?:^|(?<=[\s\-\u2013]))\S", plain)]
    pieces: list[str] = []
    cursor = 0
    for start in starts:
        at = out.find(plain[start], cursor)
        if at < 0:
            break
        # The initial (or the word, when kept whole), then its terminator: "J." of "J.Q.".
        end = at + 1
        while end < len(out) and out[end].isalpha():
            end += 1
        while end < len(out) and not (out[end].isspace() or out[end].isalpha() or out[end] in "-\u2013"):
            end += 1
        tags = [_ROLE_TAGS[r] for r in roles[start] if r in _ROLE_TAGS]
        # The separator before an initial goes inside its formatting ("J.<i> Q.</i>", citeproc-js).
        pieces.append("".join(o for o, _ in tags) + out[cursor:end] + "".join(c for _, c in reversed(tags)))
        cursor = end
    return "".join(pieces) + out[cursor:]
