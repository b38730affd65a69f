"""CSL locales: terms, localized date formats and options, merged with a style's overrides."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

NS = "{http://purl.org/net/xbiblio/csl}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# Fallback order of term forms (CSL 1.0.2, "Terms").
_FORM_FALLBACK = {
    "long": ("long",),
    "short": ("short", "long"),
    "verb": ("verb", "long"),
    "verb-short": ("verb-short", "verb", "long"),
    "symbol": ("symbol", "short", "long"),
}

_LOCALES = resources.files("bibgen") / "data" / "locales"


@lru_cache(maxsize=1)
def _locale_files() -> tuple[str, ...]:
    """The languages of the bundled locale files (every official CSL locale)."""
    return tuple(sorted(p.name[len("locales-") : -len(".xml")] for p in _LOCALES.iterdir() if p.name.startswith("locales-") and p.name.endswith(".xml")))


@lru_cache(maxsize=1)
def _primary_dialects() -> dict[str, str]:
    """Language -> its primary dialect (``pt`` -> ``pt-PT``), from the CSL repository's ``locales.json``."""
    import json

    return dict(json.loads((_LOCALES / "locales.json").read_text(encoding="utf-8"))["primary-dialects"])


@dataclass
class DatePartSpec:
    """One ``cs:date-part`` of a localized date format."""

    name: str
    attrs: dict[str, str]


@dataclass
class Locale:
    """Merged terms, date formats and options for one language."""

    lang: str = "en-US"
    # (name, form) -> (singular, plural); ordinals also keyed with their "match".
    terms: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    ordinal_match: dict[str, str] = field(default_factory=dict)
    dates: dict[str, tuple[dict[str, str], list[DatePartSpec]]] = field(default_factory=dict)
    punctuation_in_quote: bool = False
    limit_day_ordinals: bool = False

    def term(self, name: str, form: str = "long", plural: bool = False) -> str | None:
        """The term text, falling back through CSL's form order; None if undefined."""
        for f in _FORM_FALLBACK.get(form, ("long",)):
            v = self.terms.get((name, f))
            if v is not None:
                return v[1] if plural else v[0]
        return None

    def merge(self, el: ET.Element) -> None:
        """Apply a ``cs:locale`` element (from a locale file or a style) on top."""
        for child in el:
            tag = child.tag.removeprefix(NS)
            if tag == "terms":
                for t in child:
                    if t.tag != NS + "term":
                        continue
                    name = t.get("name", "")
                    form = t.get("form", "long")
                    single = t.find(NS + "single")
                    multiple = t.find(NS + "multiple")
                    if single is not None or multiple is not None:
                        s = (single.text or "") if single is not None else ""
                        m = (multiple.text or "") if multiple is not None else s
                    else:
                        s = m = t.text or ""
                    # Text broken over lines is layout of the XML, not of the term
                    # (`<term name="note">\n  </term>` is empty), as in citeproc-js.
                    if "\n" in s:
                        s = s.strip()
                    if "\n" in m:
                        m = m.strip()
                    # citeproc-js prints a straight apostrophe of a term as a
                    # typographic one (fr "Disponible à l’adresse").
                    s = s.replace("'", "\u2019")
                    m = m.replace("'", "\u2019")
                    if name.startswith("ordinal"):
                        # A style that defines the generic "ordinal" term replaces the
                        # whole set; ordinal-01... alone are added on top (citeproc-js
                        # wipes the locale's ordinals only when the style has "ordinal":
                        # apa-tr's ordinal-01..04 leave the Turkish "6." alone).
                        if (
                            not getattr(self, "_ordinals_reset", False)
                            and el.get("_style") == "1"
                            and _defines_generic_ordinal(child)
                        ):
                            for k in [k for k in self.terms if k[0].startswith("ordinal")]:
                                del self.terms[k]
                            self._ordinals_reset = True  # type: ignore[attr-defined]
                        self.ordinal_match[name] = t.get("match", "")
                    self.terms[(name, form)] = (s, m)
            elif tag == "date":
                parts = [
                    DatePartSpec(p.get("name", ""), dict(p.attrib))
                    for p in child
                    if p.tag == NS + "date-part"
                ]
                self.dates[child.get("form", "text")] = (dict(child.attrib), parts)
            elif tag == "style-options":
                if "punctuation-in-quote" in child.attrib:
                    self.punctuation_in_quote = child.get("punctuation-in-quote") == "true"
                if "limit-day-ordinals-to-day-1" in child.attrib:
                    self.limit_day_ordinals = child.get("limit-day-ordinals-to-day-1") == "true"

    def ordinal(self, n: int) -> str:
        """The ordinal suffix for ``n`` (CSL 1.0.2 matching rules)."""
        two = n % 100
        key = f"ordinal-{two:02d}"
        if two >= 10 and (key, "long") in self.terms:
            match = self.ordinal_match.get(key) or "last-two-digits"
            if match != "whole-number" or n == two:
                return self.terms[(key, "long")][0]
        one = n % 10
        key = f"ordinal-{one:02d}"
        if (key, "long") in self.terms:
            match = self.ordinal_match.get(key) or "last-digit"
            if (
                match == "last-digit"
                or (match == "last-two-digits" and two == one)
                or (match == "whole-number" and n == one)
            ):
                return self.terms[(key, "long")][0]
        return self.term("ordinal") or ""

    def long_ordinal(self, n: int) -> str:
        """The spelled-out ordinal (1-10), else the numeric ordinal."""
        key = f"long-ordinal-{n:02d}"
        if 1 <= n <= 10 and (key, "long") in self.terms:
            return self.terms[(key, "long")][0]
        return f"{n}{self.ordinal(n)}"

    def copy(self) -> Locale:
        return Locale(
            self.lang,
            dict(self.terms),
            dict(self.ordinal_match),
            dict(self.dates),
            self.punctuation_in_quote,
            self.limit_day_ordinals,
        )


def _safe_parse(text: str) -> ET.Element:
    return ET.fromstring(text)


def _parse_file(lang: str) -> ET.Element:
    return _safe_parse((_LOCALES / f"locales-{lang}.xml").read_text(encoding="utf-8"))


def _defines_ordinals(el: ET.Element) -> bool:
    return any(t.get("name", "").startswith("ordinal") for t in el.iter(NS + "term"))


@lru_cache(maxsize=64)
def _file_locale(lang: str) -> Locale:
    """The locale files for ``lang`` layered as CSL 1.0.2 (and citeproc-js) fall back.

    Lowest first: ``en-US``, the language's primary dialect (``de-DE`` under
    ``de-AT``), the exact dialect. A layer that defines ordinals replaces the
    ordinals below it, so an English suffix never survives under another language.
    """
    layers = ["en-US"]
    primary = _primary_dialects().get(lang.split("-")[0])
    if primary and primary in _locale_files():
        layers.append(primary)
    layers.append(lang)
    loc = Locale(lang)
    done: list[str] = []
    for layer in layers:
        if layer in done:
            continue
        el = _parse_file(layer)
        if done and _defines_ordinals(el):
            for k in [k for k in loc.terms if k[0].startswith("ordinal")]:
                del loc.terms[k]
            loc.ordinal_match.clear()
        loc.merge(el)
        done.append(layer)
    return loc


def resolve_lang(lang: str | None) -> str:
    """The bundled locale file for a language tag: the exact dialect, else the language's primary dialect, else en-US.

    Tags are matched case-insensitively (``pt-br`` finds ``pt-BR``); a bare
    language (``de``) or an unknown dialect (``de-LU``) takes the primary dialect
    from the CSL repository's ``locales.json``, then any dialect of that language.
    """
    if not lang:
        return "en-US"
    files = _locale_files()
    by_fold = {f.lower(): f for f in files}
    tag = lang.replace("_", "-").strip()
    if tag.lower() in by_fold:
        return by_fold[tag.lower()]
    primary = tag.split("-")[0].lower()
    dialect = _primary_dialects().get(primary)
    if dialect in files:
        return dialect  # type: ignore[return-value]
    for cand in files:
        if cand.split("-")[0].lower() == primary:
            return cand
    return "en-US"


def available_locales() -> tuple[str, ...]:
    """Every bundled locale (for ``--locale`` and ``bibgen styles --locales``)."""
    return _locale_files()


def load_locale(lang: str | None, style_locales: list[ET.Element]) -> Locale:
    """The bundled locale for ``lang`` with the style's ``cs:locale`` overrides applied.

    Precedence (lowest first): locale file, style locale without ``xml:lang``,
    style locale for the primary language, style locale for the exact language.
    """
    full = lang or "en-US"
    loc = _file_locale(resolve_lang(full)).copy()
    loc.lang = full
    primary = full.split("-")[0]
    ranked: list[tuple[int, ET.Element]] = []
    for el in style_locales:
        lg = el.get(XML_LANG)
        if not lg:
            ranked.append((0, el))
        elif lg == full:
            ranked.append((2, el))
        elif lg == primary:
            ranked.append((1, el))
    for _, el in sorted(ranked, key=lambda p: p[0]):
        el.set("_style", "1")
        loc.merge(el)
    return loc


def _defines_generic_ordinal(terms: ET.Element) -> bool:
    """Whether a ``cs:terms`` element defines the generic ``ordinal`` term."""
    return any(t.get("name") == "ordinal" for t in terms.iter(NS + "term"))
