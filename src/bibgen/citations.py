"""Which keys a LaTeX document cites: from ``.aux`` files and from ``.tex`` sources.

``.aux`` files (written by LaTeX) hold ``\\citation{a,b}`` lines (BibTeX,
natbib) or ``\\abx@aux@cite{0}{a}`` lines (biblatex; older versions omit the
refsection argument). ``.tex`` files are scanned for the citation commands of
LaTeX, natbib and biblatex: ``\\cite``, ``\\citep``, ``\\citet`` (and the other
``\\cite...`` forms, starred and capitalised), ``\\parencite``, ``\\textcite``,
``\\autocite``, ``\\footcite``, ``\\smartcite``, ``\\supercite``,
``\\fullcite``, ``\\nocite``, with optional ``[...]`` arguments, several
comma-separated keys, and the multi-cite forms (``\\cites[..]{a}[..]{b}``).
``%`` comments and ``verbatim``/``comment`` environments are skipped, and
``\\input``/``\\include`` are followed. ``\\nocite{*}`` (``\\citation{*}``)
means every entry.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bibgen.errors import Diagnostics, UnreadableError, UsageError
from bibgen.model import Entry, Origin

ALL = "*"

_CITE_CMD = re.compile(
    r"\\(?P<cmd>(?:[Cc]ite[a-zA-Z]*|[Pp]arencites?|[Tt]extcites?|[Aa]utocites?|[Ff]ootcites?(?:text)?"
    r"|[Ss]martcites?|[Ss]upercites?|[Ff]ullcite|nocite))(?![a-zA-Z@])\*?"
)
_AUX_CITATION = re.compile(r"\\citation\{([^}]*)\}")
_AUX_BIBLATEX = re.compile(r"\\abx@aux@cite(?:\{[^}]*\})?\{([^}]*)\}")
_INPUT = re.compile(r"\\(?:input|include|subfile)\s*\{([^}]*)\}")
_SKIP_ENV = re.compile(r"\\begin\{(verbatim\*?|comment|lstlisting|minted)\}")


@dataclass(frozen=True, slots=True)
class Citation:
    """One cited key and where it is cited."""

    key: str
    origin: Origin


@dataclass
class Citations:
    """Cited keys in first-cited order; ``everything`` after ``\\nocite{*}``."""

    items: list[Citation] = field(default_factory=list)
    everything: bool = False

    def keys(self) -> list[str]:
        return list(dict.fromkeys(c.key for c in self.items))

    def first(self) -> dict[str, Citation]:
        out: dict[str, Citation] = {}
        for c in self.items:
            out.setdefault(c.key, c)
        return out


def _strip_comments(line: str) -> str:
    """A line without its ``%`` comment (``\\%`` is a literal percent sign)."""
    i = 0
    while True:
        j = line.find("%", i)
        if j < 0:
            return line
        k = j - 1
        slashes = 0
        while k >= 0 and line[k] == "\\":
            slashes += 1
            k -= 1
        if slashes % 2 == 0:
            return line[:j]
        i = j + 1


def _add(out: Citations, raw: str, path: str, text: str, pos: int, newlines: Sequence[int]) -> None:
    from bisect import bisect_right

    offset = 0
    for part in raw.split(","):
        key = part.strip()
        at = pos + offset + (len(part) - len(part.lstrip()))
        offset += len(part) + 1
        if not key:
            continue
        line = bisect_right(newlines, at - 1)
        col = at - (newlines[line - 1] + 1 if line else 0) + 1
        origin = Origin(path, line + 1, col)
        if key == ALL:
            out.everything = True
        out.items.append(Citation(key, origin))


def parse_aux(text: str, path: str, out: Citations | None = None) -> Citations:
    """Citations of one ``.aux`` file (``\\citation`` and biblatex's ``\\abx@aux@cite``)."""
    out = out if out is not None else Citations()
    newlines = [m.start() for m in re.finditer("\n", text)]
    for rx in (_AUX_CITATION, _AUX_BIBLATEX):
        for m in rx.finditer(text):
            _add(out, m.group(1), path, text, m.start(1), newlines)
    out.items.sort(key=lambda c: (c.origin.line, c.origin.column))
    return out


def _tex_source(text: str) -> str:
    """``text`` with comments and verbatim-like environments blanked out, offsets kept."""
    lines = text.split("\n")
    cleaned = []
    skipping: str | None = None
    for line in lines:
        if skipping:
            end = f"\\end{{{skipping}}}"
            if end in line:
                idx = line.index(end) + len(end)
                cleaned.append((" " * idx + _strip_comments(line[idx:])).ljust(len(line)))
                skipping = None
            else:
                cleaned.append(" " * len(line))
            continue
        body = _strip_comments(line)
        m = _SKIP_ENV.search(body)
        if m:
            end = f"\\end{{{m.group(1)}}}"
            rest = body[m.end():]
            if end in rest:
                cleaned.append(body)
                continue
            skipping = m.group(1)
            body = body[: m.end()]
        cleaned.append(body.ljust(len(line)))
    return "\n".join(cleaned)


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i] in " \t\n":
        i += 1
    return i


def _group(text: str, i: int, open_: str, close: str) -> int | None:
    """End (exclusive) of the group opening at ``i``, or None when not closed."""
    depth = 0
    for j in range(i, len(text)):
        ch = text[j]
        if ch == open_:
            depth += 1
        elif ch == close:
            depth -= 1
            if depth == 0:
                return j + 1
    return None


def parse_tex(text: str, path: str, out: Citations | None = None) -> Citations:
    """Citations of one ``.tex`` file (without following ``\\input``)."""
    out = out if out is not None else Citations()
    src = _tex_source(text)
    newlines = [m.start() for m in re.finditer("\n", src)]
    for m in _CITE_CMD.finditer(src):
        cmd = m.group("cmd")
        multi = cmd.lower().endswith("cites")
        i = m.end()
        while True:
            i = _skip_space(src, i)
            # Optional (...) multi-cite pre/post notes and [...] arguments.
            while i < len(src) and src[i] in "[(":
                end = _group(src, i, src[i], "]" if src[i] == "[" else ")")
                if end is None:
                    break
                i = _skip_space(src, end)
            if i >= len(src) or src[i] != "{":
                break
            end = _group(src, i, "{", "}")
            if end is None:
                break
            _add(out, src[i + 1 : end - 1], path, src, i + 1, newlines)
            i = end
            if not multi:
                break
    return out


def read_citations(paths: Iterable[str | os.PathLike[str]]) -> Citations:
    """Citations of every ``.aux`` and ``.tex`` file named, following ``\\input`` in .tex files."""
    out = Citations()
    seen: set[Path] = set()

    def visit(path: Path, origin: Origin | None) -> None:
        real = path.resolve()
        if real in seen:
            return
        seen.add(real)
        try:
            text = path.read_bytes().decode("utf-8", errors="replace")
        except FileNotFoundError:
            if origin is None:
                raise UsageError(f"{path}: no such file") from None
            return  # an \input of a generated or missing file: LaTeX will complain
        except OSError as exc:
            raise UnreadableError(f"cannot read: {exc.strerror}", Origin(str(path), 1, 1)) from None
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        suffix = path.suffix.lower()
        if suffix == ".aux":
            parse_aux(text, str(path), out)
            for m in re.finditer(r"\\@input\{([^}]*)\}", text):
                visit(path.parent / m.group(1), Origin(str(path), 1, 1))
            return
        if suffix not in (".tex", ".ltx", ".sty", ".cls") and origin is None:
            raise UsageError(f"{path}: --cited-by reads .aux and .tex files")
        parse_tex(text, str(path), out)
        src = _tex_source(text)
        for m in _INPUT.finditer(src):
            name = m.group(1).strip()
            child = path.parent / name
            if not child.suffix:
                child = child.with_suffix(".tex")
            visit(child, Origin(str(path), 1, 1))

    for p in paths:
        visit(Path(p), None)
    return out


@dataclass(frozen=True)
class Selection:
    """The entries a document cites, and the cited keys no entry has."""

    entries: tuple[Entry, ...]
    missing: tuple[Citation, ...]


def select_cited(entries: Sequence[Entry], cites: Citations, diagnostics: Diagnostics) -> Selection:
    """Entries cited in ``cites``; an old key (an alias after a merge) resolves with a warning."""
    if cites.everything:
        chosen = list(entries)
    else:
        chosen = []
    by_key = {e.key: e for e in entries}
    by_alias: dict[str, Entry] = {}
    for e in entries:
        for a in e.aliases:
            by_alias.setdefault(a, e)
    picked: dict[str, Entry] = {e.key: e for e in chosen}
    missing: list[Citation] = []
    for key, cite in cites.first().items():
        if key == ALL:
            continue
        if key in by_key:
            picked.setdefault(key, by_key[key])
        elif key in by_alias:
            e = by_alias[key]
            picked.setdefault(e.key, e)
            diagnostics.warn(f"'{key}' was merged into '{e.key}'; cite '{e.key}'", cite.origin)
        else:
            missing.append(cite)
    order = {e.key: i for i, e in enumerate(entries)}
    return Selection(tuple(sorted(picked.values(), key=lambda e: order[e.key])), tuple(missing))
