"""The state one entry is rendered with, and what rendering may ask of the compiled style.

This is the ground floor of the engine's rendering side: :class:`Ctx` (one per
entry, never shared), :class:`StyleError` (a problem found while compiling,
with its element) and :class:`CompiledStyle`, the few attributes of a loaded
style that elements read while rendering. Elements, names and dates import
this module; the loader (:mod:`.load`) provides a ``CompiledStyle``, so no
arrow runs back up from the elements to the loader.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any, Protocol

from bibgen.style.csl.items import citation_label
from bibgen.style.csl.locale import Locale
from bibgen.style.csl.values import DATE_VARIABLES, parse_date

# CSL 1.0.2 derives page-first from page ("299-312" -> "299", "xi-xvii" -> "xi").
_PAGE_FIRST = re.compile(r"\s*([A-Za-z]*\d+[A-Za-z]*|[ivxlcdmIVXLCDM]+)")


class SourceTree(Protocol):
    """The parsed style XML, as far as rendering needs it: where an element is."""

    def origin(self, el: ET.Element | None) -> Any: ...


class CompiledStyle(Protocol):
    """What elements read of the compiled style while rendering an entry."""

    lang: str
    locale: Locale
    page_range_format: str | None
    macro_xml: dict[str, ET.Element]
    tree: SourceTree

    def macro(self, name: str, ctxname: str) -> list[Any]:
        """The compiled children of macro ``name`` for ``ctxname`` (compiled on first use)."""
        ...


class Ctx:
    """Per-entry rendering state (never shared between entries)."""

    __slots__ = (
        "item", "loc", "counts", "suppressed", "record", "sort_mode", "names_marked",
        "piq", "english", "citation_number", "year_suffix", "sort_names", "engine", "implicit_ys",
        "present", "type", "dates", "disamb_names", "calls", "budget", "full_given",
    )

    def __init__(self, engine: CompiledStyle, item: dict, english: bool,
                 shared: tuple[set[str], dict[str, Any], dict] | None = None) -> None:
        self.engine = engine
        self.item = item
        self.calls = 0  # macro calls rendered for this entry (MacroCall: bounded)
        self.budget = 0  # the text one entry may render (set on first use, MacroCall)
        self.loc: Locale = engine.locale
        self.counts = [0, 0]
        self.suppressed: set[str] = set()
        self.record: set[str] | None = None
        self.sort_mode = False
        self.names_marked = False
        self.piq = engine.locale.punctuation_in_quote
        self.english = english
        self.citation_number = 0
        self.year_suffix = ""
        self.implicit_ys = False
        # Names the entry's cites show after disambiguate-add-names (None: no change).
        self.disamb_names: int | None = None
        # Names (by id of their CSL-JSON object) that disambiguate-add-givenname
        # shows with their whole given name, not initials.
        self.full_given: frozenset[int] = frozenset()
        self.sort_names: tuple[int | None, int | None, bool | None] | None = None
        self.type = item.get("type")
        if shared is not None:
            self.present, self.dates, self.item = shared
            return
        self.dates: dict[str, Any] = {}
        # Non-empty variables, computed once so cs:choose tests are set lookups.
        present = set()
        for k, v in item.items():
            if v is None or v == "" or v == [] or v == {}:
                continue
            if k in DATE_VARIABLES and self.date(k) is None:
                continue
            present.add(k)
        if "page" in present and "page-first" not in present:
            # CSL 1.0.2 derives page-first from page ("299-312" -> "299").
            first = _PAGE_FIRST.match(str(item["page"]))
            if first:
                self.item = item = {**item, "page-first": first.group(1)}
                present.add("page-first")
        self.present = present

    def date(self, name: str) -> Any:
        """The parsed date variable ``name`` (cached for the entry), or None."""
        try:
            return self.dates[name]
        except KeyError:
            d = self.dates[name] = parse_date(self.item.get(name))
            return d

    def var(self, name: str) -> Any:
        if name in self.suppressed:
            return None
        if self.record is not None:
            self.record.add(name)
        if name == "citation-label":
            # The item's own label or citeproc-js's generated one, with the entry's year-suffix.
            own = self.item.get(name) if name in self.present else None
            return (str(own) if own else citation_label(self.item, self.loc.term("reference", "short"))) + self.year_suffix
        if name in self.present:
            return self.item[name]
        if name == "citation-number":
            return str(self.citation_number) if self.citation_number else None
        if name == "year-suffix":
            return self.year_suffix or None
        return None



class StyleError(Exception):
    """A problem in the style, with the element it concerns."""

    def __init__(self, message: str, el: ET.Element | None) -> None:
        super().__init__(message)
        self.el = el


