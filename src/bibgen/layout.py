"""How the BibTeX/biblatex writers lay out a file: the options of ``--omit``, ``--sort`` & co.

The reference is bibtex-tidy's option list; the defaults are bibgen's
canonical layout (sorted by key, one field per line, two-space indent,
braces, month macros, no wrapping), so a default run is unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

from bibgen.caseprotect import MODES
from bibgen.errors import UsageError

SORT_KEYS = ("key", "year", "author", "type", "none")
JOURNAL_MODES = ("keep", "iso4", "expand")


@dataclass(frozen=True, slots=True)
class Layout:
    """Layout and content choices of a .bib output."""

    protect_case: str = "auto"  # auto, words or none (bibgen.caseprotect)
    omit: tuple[str, ...] = ()  # fields never written
    only_fields: tuple[str, ...] = ()  # when set: only these fields are written
    field_order: tuple[str, ...] = ()  # these first, in this order; the rest in the canonical order
    sort: tuple[str, ...] = ("key",)  # sort keys, '-' prefix for descending; ("none",) keeps input order
    align: int = 0  # pad field names so '=' lines up at this column (0: one space)
    indent: str = "  "
    quotes: bool = False  # "value" instead of {value}
    month_macros: bool = True  # month = jan (else month = {1})
    wrap: int = 0  # wrap values longer than this many columns (0: never)
    journals: str = "keep"  # keep, iso4 (abbreviate) or expand (the reverse, from known abbreviations)
    trailing_comma: bool = True
    journal_names: tuple[str, ...] = ()  # full names --expand-journals also knows (config journal-names)

    def __post_init__(self) -> None:
        if self.protect_case not in MODES:
            raise UsageError(f"protect-case must be one of {', '.join(MODES)}, not '{self.protect_case}'")
        for s in self.sort:
            if s.lstrip("-") not in SORT_KEYS:
                raise UsageError(f"sort key '{s}' is not one of {', '.join(SORT_KEYS)} (a leading '-' sorts descending)")
        if self.journals not in JOURNAL_MODES:
            raise UsageError(f"journals must be one of {', '.join(JOURNAL_MODES)}, not '{self.journals}'")
        if self.align < 0 or self.wrap < 0:
            raise UsageError("align and wrap must be 0 or positive")
        object.__setattr__(self, "omit", tuple(f.lower() for f in self.omit))
        object.__setattr__(self, "only_fields", tuple(f.lower() for f in self.only_fields))
        object.__setattr__(self, "field_order", tuple(f.lower() for f in self.field_order))

    def keeps(self, name: str) -> bool:
        """Is field ``name`` written?"""
        if name in self.omit:
            return False
        return not self.only_fields or name in self.only_fields


def split_list(value: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """``"a,b c"`` or ``["a", "b"]`` as a tuple of names."""
    if value is None:
        return ()
    items = value if isinstance(value, (list, tuple)) else [value]
    out: list[str] = []
    for item in items:
        out.extend(p for p in item.replace(",", " ").split() if p)
    return tuple(out)
