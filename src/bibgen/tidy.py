"""``bibgen tidy``: reformat a user's .bib in place, like bibtex-tidy, losing nothing.

Only the layout changes: entry and field names are lower-cased, fields are
re-indented, ordered (``--field-order``), aligned (``--align``), delimited with
braces or quotes (``--quotes``), and whitespace runs inside values become one
space (``--wrap`` re-breaks long values). Every value keeps its source text:
LaTeX commands, the user's case-protecting braces, ``@string`` macros and
``#`` concatenations are written back as typed. Comments, ``@preamble``,
``@string`` and ``@comment`` blocks stay where they are, and entries keep
their order unless ``--sort`` asks for one (``Layout.sort`` is ``("none",)``
for tidy unless the user sorts); then the non-entry blocks come
first, in their order (a macro must precede its use), followed by the sorted
entries. What the options ask to change is changed: ``--omit``/``--only-fields``
drop fields, ``--month-macros`` writes ``month = jun`` for ``{June}`` or
``{6}``, ``--abbreviate-journals``/``--expand-journals`` rewrite plain journal
names. The result is idempotent: tidying a tidy file changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bibgen.bibsplit import RawBlock, RawEntry, split_bib
from bibgen.layout import Layout
from bibgen.writers.bibtex import VERBATIM, _MONTHS, format_fields, journal_name

_MONTH_NAMES = (
    "january february march april may june july august september october november december".split()
)
_SPACES = re.compile(r"\s+")
_PLAIN = re.compile(r"^[^\\{}$%&#_~^]*$")  # text without LaTeX: safe to abbreviate or expand


@dataclass(frozen=True, slots=True)
class TidyResult:
    """A file before and after tidying."""

    path: Path
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new


def tidy_text(text: str, path: str, layout: Layout) -> str:
    """The tidy form of .bib ``text`` (``path`` names it in errors)."""
    blocks = split_bib(text, path)
    entries = [b for b in blocks if isinstance(b, RawEntry)]
    others = [b for b in blocks if not isinstance(b, RawEntry)]
    if layout.sort != ("none",):
        ordered: list[RawEntry | RawBlock] = [*others, *_sort(entries, layout)]
    else:
        ordered = list(blocks)
    out = [_block(b, layout) for b in ordered]
    return "\n".join(out).rstrip("\n") + "\n" if out else ""


def _block(b: RawEntry | RawBlock, layout: Layout) -> str:
    if isinstance(b, RawBlock):
        return b.text.strip("\n") + "\n"
    # A repeated field is kept too (BibTeX reads the first; the order of the two stays).
    values = [(f.name, _value(f.name, f.value, layout)) for f in b.fields if layout.keeps(f.name)]
    return format_fields(b.type, b.key, values, layout)


_BRACE = re.compile(r"(?<!\\)[{}]")


def _single_group(raw: str) -> str | None:
    """The inside of ``{...}`` or ``"..."`` when ``raw`` is exactly one such group."""
    if len(raw) < 2:
        return None
    if raw[0] == "{" and raw[-1] == "}":
        if raw.count("{") == 1 and raw.count("}") == 1:
            return raw[1:-1]  # most values: no inner braces
        depth = 0
        last = len(raw) - 1
        for m in _BRACE.finditer(raw):
            depth += 1 if m.group(0) == "{" else -1
            if depth == 0 and m.start() != last:
                return None  # "{a} # {b}": the first group closes early
        return raw[1:-1]
    if raw[0] == '"' and raw[-1] == '"':
        inner = raw[1:-1]
        if '"' not in inner:
            return inner
        depth = 0
        for c in inner:
            depth += (c == "{") - (c == "}")
            if c == '"' and depth == 0:
                return None
        return inner
    return None


def _value(name: str, raw: str, layout: Layout) -> str:
    inner = _single_group(raw)
    if inner is None:
        # A number, a macro or a concatenation: as written (whitespace runs aside).
        if name == "month" and layout.month_macros:
            month = _month(raw)
            if month:
                return month
        return raw if raw.isdigit() else _SPACES.sub(" ", raw)
    if name not in VERBATIM and ("  " in inner or "\n" in inner or "\t" in inner or "\r" in inner or inner[:1].isspace() or inner[-1:].isspace()):
        inner = _SPACES.sub(" ", inner).strip()
    if name == "month" and layout.month_macros:
        month = _month(inner)
        if month:
            return month
    if name in ("journal", "journaltitle") and layout.journals != "keep" and _PLAIN.match(inner):
        inner = journal_name(inner, layout)
    if layout.quotes:
        return '"' + _quote_safe(inner) + '"'
    return "{" + inner + "}"


def _quote_safe(inner: str) -> str:
    """A double quote at brace level zero would end a quoted value: brace it."""
    out = []
    depth = 0
    for c in inner:
        if c == '"' and depth == 0:
            out.append('{"}')
            continue
        depth += (c == "{") - (c == "}")
        out.append(c)
    return "".join(out)


def _month(text: str) -> str:
    t = text.strip().strip("{}").strip().lower().rstrip(".")
    if t.isdigit() and 1 <= int(t) <= 12:
        return _MONTHS[int(t) - 1]
    if t in _MONTHS:
        return t
    if t in _MONTH_NAMES:
        return _MONTHS[_MONTH_NAMES.index(t)]
    return ""


def _sort(entries: list[RawEntry], layout: Layout) -> list[RawEntry]:
    out = sorted(entries, key=lambda e: (e.key.casefold(), e.key))
    for spec in reversed(layout.sort):
        name = spec.lstrip("-")
        desc = spec.startswith("-")
        if name in ("key", "none"):
            if desc:
                out.reverse()
            continue
        out.sort(key=lambda e, n=name: _sort_value(e, n), reverse=desc)
    return out


def _sort_value(e: RawEntry, name: str) -> tuple:  # type: ignore[type-arg]
    fields = e.field_map()
    if name == "type":
        return (e.type,)
    if name == "year":
        raw = fields.get("year") or fields.get("date")
        m = re.search(r"\d{4}", raw.value) if raw else None
        return (int(m.group(0)),) if m else (0,)
    raw = fields.get("author") or fields.get("editor")
    if raw is None:
        return ("",)
    from bibgen.latex import decode
    from bibgen.readers.bibtex import parse_people

    inner = _single_group(raw.value)
    people, _ = parse_people(" ".join((inner if inner is not None else raw.value).split()))
    return tuple(decode(p.sort_form()).casefold() for p in people)


def tidy_file(path: Path, layout: Layout) -> TidyResult:
    """Read and tidy one file (nothing is written here)."""
    from bibgen.errors import UnreadableError
    from bibgen.model import Origin
    from bibgen.readers import decode

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableError(f"cannot read: {exc.strerror}", Origin(str(path), 1, 1)) from None
    text = decode(data, str(path))
    return TidyResult(path, text, tidy_text(text, str(path), layout))


def diff(result: TidyResult) -> str:
    """A unified diff from the file to its tidy form (empty when equal)."""
    import difflib

    if not result.changed:
        return ""
    import os

    try:
        name = os.path.relpath(result.path)
    except ValueError:  # pragma: no cover - another drive on Windows
        name = str(result.path)
    lines = difflib.unified_diff(
        result.old.splitlines(keepends=True), result.new.splitlines(keepends=True), f"a/{name}", f"b/{name}"
    )
    return "".join(ln if ln.endswith("\n") else ln + "\n\\ No newline at end of file\n" for ln in lines)
