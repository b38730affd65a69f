"""Split a .bib file into raw blocks, keeping every value exactly as written.

``bibgen sync`` compares a target file with what the sources generate field by
field, and keeps what a user typed byte for byte, so it needs the raw text of
each value (``{...}``, ``"..."``, numbers, macros and ``#`` concatenations) and
where it is, not a decoded value. Interpreting values is the BibTeX reader's
job (:mod:`bibgen.readers.bibtex`).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import NamedTuple

from bibgen.errors import InputError
from bibgen.model import Origin

_IDENT = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*")
_FIELD_NAME = re.compile(r"[^\s=,{}()\"#%']+")
_BARE = re.compile(r"[^\s,#{}()\"]+")
_BRACES = re.compile(r"[{}]")
_QUOTED = re.compile(r'[{}"]')
_SPACE = re.compile(r"(?:\s+|%[^\n]*(?:\n|$))+")
# The usual field, in one match: ", name = value" where the value is a brace
# group (up to three levels deep), a "..." without braces, or a bare word, and
# the entry goes on or closes after it. Anything else takes the general path.
_FAST_FIELD = re.compile(
    r""",\s*+([^\s=,{}()"#%']++)\s*+=\s*+"""
    r"""(\{(?:[^{}]++|\{(?:[^{}]++|\{[^{}]*+\})*+\})*+\}|"[^"{}]*+"|[^\s,#{}()"%]++)\s*+(?=[,})])"""
)
# What follows a value when a comma was forgotten: the next "name =".
_FIELD_START = re.compile(r"[^\s=,{}()\"#%']+\s*=")
# Braces, and line starts that begin a field or an entry (see _Parser._unclosed).
_STRUCTURE = re.compile(r"[{}]|(?<=\n)[ \t]*(?:@[A-Za-z]+[ \t]*[{(]|[A-Za-z][\w\-:.]*[ \t]*=)")
# Where parsing resumes after a broken block: the next line that starts with "@".
_SPACE_ONLY = re.compile(r"\s*")
_RESYNC = re.compile(r"\n[ \t]*@")
_KEY = {"}": re.compile(r"[^,\s}]*"), ")": re.compile(r"[^,\s)]*")}


class RawField(NamedTuple):
    """One ``name = value`` pair; ``value`` is the raw text after ``=``, trimmed.

    (A named tuple: a large file has a million of them, made fastest this way.)
    """

    name: str  # lower-case
    value: str
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class RawEntry:
    """An ``@type{key, ...}`` entry; ``text`` is its source from ``@`` to the closing delimiter."""

    type: str  # lower-case
    key: str
    fields: tuple[RawField, ...]
    text: str
    line: int

    def field_map(self) -> dict[str, RawField]:
        """Fields by name; the first of repeated names wins, as in BibTeX."""
        out: dict[str, RawField] = {}
        for f in self.fields:
            out.setdefault(f.name, f)
        return out


@dataclass(frozen=True, slots=True)
class RawBlock:
    """Anything else: ``@comment``, ``@preamble``, ``@string`` or text between entries."""

    kind: str  # "comment", "preamble", "string" or "text"
    text: str
    line: int
    body: str = ""  # for @comment: the text inside the delimiters


def _line_col(text: str, pos: int, newlines: list[int] | None = None) -> tuple[int, int]:
    if newlines is None:
        line = text.count("\n", 0, pos) + 1
        return line, pos - (text.rfind("\n", 0, pos) + 1) + 1
    line = bisect_right(newlines, pos - 1)
    start = newlines[line - 1] + 1 if line else 0
    return line + 1, pos - start + 1


class EntrySpan(NamedTuple):
    """An entry as :func:`split_bib` with ``spans`` gives it: its fields as ``(name, value)``
    pairs (no place of their own) and where its text is (``text[start:end]``), not a copy."""

    type: str  # lower-case
    key: str
    fields: tuple[tuple[str, str], ...]
    start: int
    end: int
    line: int


class _Parser:
    def __init__(self, text: str, path: str, spans: bool = False) -> None:
        self.text = text
        self.path = path
        self.pos = 0
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.faults: list[Fault] | None = None  # collecting (find_faults) instead of raising
        self.spans = spans  # entries as EntrySpan

    def line_col(self, pos: int) -> tuple[int, int]:
        return _line_col(self.text, pos, self.newlines)

    def error(self, message: str, pos: int | None = None) -> InputError:
        line, col = self.line_col(self.pos if pos is None else pos)
        return InputError(message, Origin(self.path, line, col))

    def skip_ws(self) -> None:
        # "%" comment lines inside an entry are not BibTeX, but biber and many
        # editors accept them, so they count as space.
        m = _SPACE.match(self.text, self.pos)
        if m:
            self.pos = m.end()

    def balanced(self, open_pos: int) -> int:
        """Position just after the brace group that opens at ``open_pos``.

        Like BibTeX, a backslash does not escape a brace: ``\\{`` counts.
        """
        depth = 0
        search = _BRACES.search
        m = search(self.text, open_pos)
        while m:
            if m.group(0) == "{":
                depth += 1
            else:
                depth -= 1
                if depth == 0:
                    return m.end()
            m = search(self.text, m.end())
        raise self.error("unbalanced braces: no closing '}'", open_pos)

    def quoted(self, open_pos: int) -> int:
        depth = 0
        search = _QUOTED.search
        m = search(self.text, open_pos + 1)
        while m:
            ch = m.group(0)
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            elif depth <= 0:
                return m.end()
            m = search(self.text, m.end())
        raise self.error('unterminated "..." value', open_pos)

    def value(self) -> str:
        start = self.pos
        while True:
            self.skip_ws()
            if self.pos >= len(self.text):
                raise self.error("file ends inside a field value")
            ch = self.text[self.pos]
            if ch == "{":
                self.pos = self.balanced(self.pos)
            elif ch == '"':
                self.pos = self.quoted(self.pos)
            else:
                m = _BARE.match(self.text, self.pos)
                if not m:
                    raise self.error(f"expected a field value, found {ch!r}")
                self.pos = m.end()
            self.skip_ws()
            if self.pos < len(self.text) and self.text[self.pos] == "#":
                self.pos += 1
                continue
            return self.text[start : self.pos].strip()

    def entry(self, at: int, etype: str, close: str) -> RawEntry | EntrySpan:
        text = self.text
        self.skip_ws()
        kstart = self.pos
        self.pos = _KEY[close].match(text, kstart).end()
        key = text[kstart : self.pos]
        self.skip_ws()
        fields: list = []  # RawField, or (name, value) with spans
        spans = self.spans
        fast = _FAST_FIELD.match
        count, rfind = text.count, text.rfind
        line, seen = self.line_col(self.pos)[0], self.pos  # line number at position ``seen``
        last: tuple[str, int, int] | None = None  # (name, start, end) of the last value, for diagnostics
        if not fields and text.startswith("=", self.pos) and key:
            raise self.error(f"entry @{etype} has no citation key: '{key}' is followed by '='", kstart)
        while True:
            m = fast(text, self.pos)
            if m:
                name, value = m.group(1, 2)
                if spans:
                    fields.append((name.lower(), value))
                else:
                    name_pos = m.start(1)
                    line += count("\n", seen, name_pos)
                    seen = name_pos
                    fields.append(RawField(name.lower(), value, line, name_pos - rfind("\n", 0, name_pos)))
                last = (name, m.start(2), m.end(2))
                self.pos = m.end()
                continue
            if self.pos >= len(text):
                raise self._unclosed(last) or self.error(f"entry '{key}' is not closed: no '{close}' ends it", at)
            ch = text[self.pos]
            if ch == close:
                self.pos += 1
                break
            if ch != ",":
                raise self._unclosed(last) or self._no_comma(last, key, close, ch)
            self.pos += 1
            self.skip_ws()
            if self.pos < len(text) and text[self.pos] == close:
                self.pos += 1
                break
            m = _FIELD_NAME.match(text, self.pos)
            if not m:
                if self.pos >= len(text):
                    raise self._unclosed(last) or self.error(f"entry '{key}' is not closed: no '{close}' ends it", at)
                raise self.error(f"expected a field name in entry '{key}', found {text[self.pos]!r}")
            name_pos = self.pos
            self.pos = m.end()
            self.skip_ws()
            if self.pos >= len(text) or text[self.pos] != "=":
                raise self.error(f"missing '=' after field name '{m.group(0)}'")
            self.pos += 1
            self.skip_ws()
            vstart = self.pos
            value = self.value()
            last = (m.group(0), vstart, vstart + len(value))
            if spans:
                fields.append((m.group(0).lower(), value))
            else:
                line, col = self.line_col(name_pos)
                fields.append(RawField(m.group(0).lower(), value, line, col))
        line, _ = self.line_col(at)
        if spans:
            return EntrySpan(etype, key, tuple(fields), at, self.pos, line)
        return RawEntry(etype, key, tuple(fields), text[at : self.pos], line)

    def _no_comma(self, last: tuple[str, int, int] | None, key: str, close: str, ch: str) -> InputError:
        """The error for a field value followed by something other than ',' or the closing delimiter."""
        if last is not None and _FIELD_START.match(self.text, self.pos):
            return self.error(f"missing comma after field '{last[0]}'", last[2])
        after = f" after field '{last[0]}'" if last else f" after the key of entry '{key}'"
        return self.error(f"expected ',' or '{close}'{after}, found {ch!r}")

    def _unclosed(self, last: tuple[str, int, int] | None) -> InputError | None:
        """An unclosed brace in the last value, found where it swallows the next field or entry.

        A '{' that is never closed makes the value run on, over the next
        fields, to some later '}': the error then shows up far from its cause.
        The value is scanned for the first line that starts a field
        (``name = ...`` after a line ending in ',') or an entry (``@type{``);
        the innermost brace still open there is the one that is not closed.
        """
        if last is None:
            return None
        name, start, end = last
        text = self.text
        opened: list[int] = []
        quote = start if text.startswith('"', start) else -1
        for m in _STRUCTURE.finditer(text, start, end):
            tok = m.group(0)
            if tok == "{":
                opened.append(m.start())
            elif tok == "}":
                if opened:
                    opened.pop()
            elif opened or quote >= 0:
                nl = m.start() - 1  # the newline before this line (the pattern's lookbehind)
                prev = text[text.rfind("\n", 0, nl) + 1 : nl].rstrip()
                if tok.lstrip().startswith("@") or prev.endswith((",", "}", '"')):
                    pos = opened[-1] if opened else quote
                    what = "'{'" if opened else "'\"'"
                    closer = "'}'" if opened else "'\"'"
                    line = self.line_col(m.end())[0]
                    return self.error(
                        f"unclosed {what} in field '{name}': no {closer} closes it before line {line}", pos
                    )
        return None

    def parse(self) -> list[RawEntry | RawBlock]:
        text = self.text
        out: list[RawEntry | RawBlock] = []
        n = len(text)
        free_start = 0
        while self.pos < n:
            at = text.find("@", self.pos)
            if at < 0:
                break
            m = _IDENT.match(text, at + 1)
            if not m:
                self.pos = at + 1
                continue
            j = m.end()
            while j < n and text[j].isspace():
                j += 1
            if j >= n or text[j] not in "{(":
                self.pos = at + 1
                continue
            free = text[free_start:at]
            if free.strip():
                out.append(RawBlock("text", free.strip("\n"), self.line_col(free_start)[0]))
            etype = m.group(0).lower()
            close = "}" if text[j] == "{" else ")"
            if self.faults is not None:
                try:
                    out.append(self.block(at, j, etype, close))
                except InputError as exc:
                    resume = _RESYNC.search(text, at + 1)
                    end = resume.start() + 1 if resume else n
                    key = _KEY[close].match(text, _SPACE_ONLY.match(text, j + 1).end()).group(0)
                    self.faults.append(Fault(exc, at, end, etype, key))
                    self.pos = end
            else:
                out.append(self.block(at, j, etype, close))
            free_start = self.pos
        rest = text[free_start:]
        if rest.strip():
            out.append(RawBlock("text", rest.strip("\n"), self.line_col(free_start)[0]))
        return out

    def block(self, at: int, j: int, etype: str, close: str) -> RawEntry | RawBlock:
        """The block whose ``@`` is at ``at`` and opening delimiter at ``j``."""
        text = self.text
        if etype in ("comment", "preamble", "string"):
            if close == "}":
                end = self.balanced(j)
            else:
                end = text.find(")", j)
                if end < 0:
                    raise self.error(f"@{etype} is not closed", at)
                end += 1
            self.pos = end
            return RawBlock(etype, text[at:end], self.line_col(at)[0], text[j + 1 : end - 1])
        self.pos = j + 1
        return self.entry(at, etype, close)


class Fault(NamedTuple):
    """A block that cannot be parsed: the error (exact place), and the text it spans."""

    error: InputError
    start: int  # offset of its "@"
    end: int  # offset where parsing resumed (the next line starting with "@"), or the end
    type: str
    key: str


def find_faults(text: str, path: str = "<string>") -> tuple[list[RawEntry | RawBlock], list[Fault]]:
    """Like :func:`split_bib`, but a broken block is recorded and skipped, not raised.

    After a fault, parsing resumes at the next line that starts with ``@``.
    """
    parser = _Parser(text, path)
    parser.faults = []
    blocks = parser.parse()
    return blocks, parser.faults


def split_bib(text: str, path: str = "<string>", spans: bool = False) -> list[RawEntry | RawBlock]:
    """Entries and other blocks of a .bib text, in file order; malformed text is an InputError.

    With ``spans`` each entry is an :class:`EntrySpan` (what the BibTeX reader
    needs: no place per field, no copy of the entry's text).

    >>> [b.key for b in split_bib("@misc{a, title = {X}}\\n@book{b,}") if isinstance(b, RawEntry)]
    ['a', 'b']
    """
    return _Parser(text, path, spans).parse()
