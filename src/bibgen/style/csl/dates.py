"""``cs:date``: localized and style-defined dates, ranges, seasons and literals."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import bibgen.style.csl.runs as R
from bibgen.style.csl.context import Ctx
from bibgen.style.csl.elements import Deco, Element, rich
from bibgen.style.csl.locale import NS, Locale
from bibgen.style.csl.runs import DASH, NO_FMT, Run
from bibgen.style.csl.values import DateValue, parse_date

_LEVEL = {"year": 0, "month": 1, "day": 2}


class DatePart:
    """One compiled ``cs:date-part``."""

    __slots__ = ("name", "form", "deco", "range_delim", "idx", "prefix", "suffix", "strip")

    def __init__(self, name: str, attrs: dict[str, str], el: ET.Element) -> None:
        self.name = name
        self.idx = _LEVEL.get(name, 0)
        default = {"year": "long", "month": "long", "day": "numeric"}.get(name, "long")
        self.form = attrs.get("form", default)
        self.range_delim = attrs.get("range-delimiter", "\u2013")
        # Affixes are applied by the date, so ranges can drop them at the seam.
        inner = ET.Element(el.tag, {k: v for k, v in attrs.items() if k not in ("prefix", "suffix")})
        self.deco = Deco(inner)
        self.prefix = attrs.get("prefix", "")
        self.suffix = attrs.get("suffix", "")
        self.strip = attrs.get("strip-periods") == "true"

    def text(self, d: tuple[int, int, int], season: int, loc: Locale) -> str:
        y, m, day = d
        if self.name == "year":
            if not y:
                return ""
            if self.form == "short":
                return f"{abs(y) % 100:02d}"
            if y < 0:
                return f"{-y}{loc.term('bc') or 'BC'}"
            if y < 1000:
                return f"{y}{loc.term('ad') or 'AD'}"
            return str(y)
        if self.name == "month":
            if not m:
                if isinstance(season, str):
                    return season  # a season given by name, as citeproc-js prints it
                if season and self.form in ("long", "short"):
                    return loc.term(f"season-{season:02d}") or ""
                if season:
                    return loc.term(f"season-{season:02d}") or ""
                return ""
            if self.form == "numeric":
                return str(m)
            if self.form == "numeric-leading-zeros":
                return f"{m:02d}"
            t = loc.term(f"month-{m:02d}", "short" if self.form == "short" else "long") or str(m)
            return t.replace(".", "") if self.strip else t
        if self.name == "day":
            if not day or not m:
                return ""
            if self.form == "numeric-leading-zeros":
                return f"{day:02d}"
            if self.form == "ordinal":
                if loc.limit_day_ordinals and day != 1:
                    return str(day)
                return f"{day}{loc.ordinal(day)}"
            return str(day)
        return ""


class Date(Element):
    """A compiled ``cs:date``."""

    __slots__ = ("variable", "dparts", "delimiter")

    def __init__(self, el: ET.Element, loc: Locale) -> None:
        self.variable = el.get("variable", "")
        form = el.get("form")
        own = {p.get("name", ""): dict(p.attrib) for p in el.findall(NS + "date-part")}
        parts: list[DatePart] = []
        if form:
            wanted = el.get("date-parts", "year-month-day").split("-")
            attrs, specs = loc.dates.get(form, ({}, []))
            for spec in specs:
                if spec.name not in wanted:
                    continue
                a = dict(spec.attrs)
                for k, v in own.get(spec.name, {}).items():
                    if k not in ("prefix", "suffix", "name"):
                        a[k] = v
                parts.append(DatePart(spec.name, a, el))
            self.delimiter = attrs.get("delimiter", "")
            # The locale's date affixes are outside of the style's.
            outer = dict(el.attrib)
            self.deco = Deco(ET.Element(el.tag, outer))
        else:
            for p in el.findall(NS + "date-part"):
                parts.append(DatePart(p.get("name", ""), dict(p.attrib), el))
            self.delimiter = el.get("delimiter", "")
            self.deco = Deco(el)
        self.dparts = parts

    def render(self, ctx: Ctx) -> list[Run]:
        ctx.counts[0] += 1
        raw = ctx.var(self.variable)
        if raw is None:
            return []
        d = ctx.date(self.variable)
        if d is None:
            return []
        ctx.counts[1] += 1
        if ctx.sort_mode:
            # Only the parts this date shows take part in a macro's sort key.
            return [(_sort_key(d, {p.name for p in self.dparts}), NO_FMT, 0)]
        if d.start is None:
            # citeproc-js prints a literal date in place of the year, with the
            # year part's affixes and formatting, and not at all from a date
            # without a year part (ABNT's day-month date, then its year).
            year = next((p for p in self.dparts if p.name == "year"), None)
            if year is None:
                ctx.counts[1] -= 1
                return []
            out: list[Run] = [(year.prefix, NO_FMT, 0)] if year.prefix else []
            R.append(out, year.deco.apply(rich(d.literal), ctx))
            if year.suffix:
                R.append(out, [(year.suffix, NO_FMT, 0)])
            return self.deco.apply(out, ctx)
        loc = ctx.loc
        if d.end is None:
            out = self._render_one(d.start, d.season_text or d.season, ctx, loc, self.dparts)
        else:
            out = self._render_range(d, ctx, loc)
        if not out:
            return []
        if d.season_name and not d.start[1] and all(p.name == "month" for p in self.dparts):
            # citeproc-js prints a season given by name as plain text: it does
            # not make the enclosing group print (chicago "90 (Winter)").
            ctx.counts[1] -= 1
            out = [(t, f, g | R.NOT_CONTENT) for t, f, g in out]
        return self.deco.apply(out, ctx)

    def _piece(self, part: DatePart, d: tuple[int, int, int], season: int, ctx: Ctx,
               loc: Locale) -> list[Run]:
        t = part.text(d, season, loc)
        if not t:
            return []
        if part.name == "year" and ctx.implicit_ys and self.variable == "issued":
            # Styles that never print year-suffix get it after the first issued year.
            t += ctx.year_suffix
            ctx.implicit_ys = False
        return part.deco.apply([(t, NO_FMT, 0)], ctx)

    def _render_one(self, d: tuple[int, int, int], season: int, ctx: Ctx, loc: Locale,
                    parts: list[DatePart], strip_last_suffix: bool = False,
                    strip_first_prefix: bool = False) -> list[Run]:
        pieces: list[tuple[DatePart, list[Run]]] = []
        for p in parts:
            r = self._piece(p, d, season, ctx, loc)
            if r:
                pieces.append((p, r))
        out: list[Run] = []
        for i, (p, r) in enumerate(pieces):
            if i and self.delimiter:
                R.append(out, [(self.delimiter, NO_FMT, 0)])
            pre = "" if (strip_first_prefix and i == 0) else p.prefix
            suf = "" if (strip_last_suffix and i == len(pieces) - 1) else p.suffix
            if pre:
                R.append(out, [(pre, NO_FMT, 0)])
            R.append(out, r)
            if suf:
                R.append(out, [(suf, NO_FMT, 0)])
        return out

    def _render_range(self, d: DateValue, ctx: Ctx, loc: Locale) -> list[Run]:
        a, b = d.start, d.end
        assert a is not None and b is not None
        shown = [p for p in self.dparts if p.name in _LEVEL]
        names = {p.name for p in shown}
        diff = None
        for lvl, name in enumerate(("year", "month", "day")):
            if name in names and a[lvl] != b[lvl]:
                diff = lvl
                break
        if diff is None:
            return self._render_one(a, d.season_text or d.season, ctx, loc, self.dparts)
        idx = [i for i, p in enumerate(self.dparts) if p.name in _LEVEL and p.idx >= diff]
        if not idx:
            return self._render_one(a, d.season_text or d.season, ctx, loc, self.dparts)
        i, j = idx[0], idx[-1]
        delim_part = next(p for p in self.dparts if p.idx == diff and p.name in _LEVEL)
        before, seg, after = self.dparts[:i], self.dparts[i : j + 1], self.dparts[j + 1 :]
        out = self._render_one(a, d.season_text or d.season, ctx, loc, before) if before else []
        if out and self.delimiter:
            R.append(out, [(self.delimiter, NO_FMT, 0)])
        R.append(out, self._render_one(a, d.season_text or d.season, ctx, loc, seg, strip_last_suffix=True))
        R.append(out, [(delim_part.range_delim, NO_FMT, DASH if delim_part.range_delim == "\u2013" else 0)])
        R.append(out, self._render_one(b, 0, ctx, loc, seg, strip_first_prefix=True))
        if after:
            if self.delimiter:
                R.append(out, [(self.delimiter, NO_FMT, 0)])
            R.append(out, self._render_one(a, d.season_text or d.season, ctx, loc, after))
        return out


def _sort_key(d: DateValue, shown: set[str] | None = None) -> str:
    if d.start is None:
        return ""

    def one(t: tuple[int, int, int]) -> str:
        y, m, day = t
        if shown is not None:
            m = m if "month" in shown else 0
            day = day if "day" in shown else 0
        return f"{y + 5000:05d}{m:02d}{day:02d}"

    key = one(d.start)
    if d.end:
        key += "-" + one(d.end)
    return key


def date_sort_key(value: object) -> str:
    """The sort string of a date variable (empty when there is no date)."""
    d = parse_date(value)
    return _sort_key(d) if d else ""
