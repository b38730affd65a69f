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


class _Parser:
    def __init__(self, text: str, path: str) -> None:
        self.text = text
        self.path = path
        self.pos = 0
        self.newlines = [m.start() for m in re.finditer("\n", text)]

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

    def entry(self, at: int, etype: str, close: str) -> RawEntry:
        text = self.text
        self.skip_ws()
        kstart = self.pos
        self.pos = _KEY[close].match(text, kstart).end()
        key = text[kstart : self.pos]
        self.skip_ws()
        fields: list[RawField] = []
        fast = _FAST_FIELD.match
        count, rfind = text.count, text.rfind
        line, seen = self.line_col(self.pos)[0], self.pos  # line number at position ``seen``
        while True:
            m = fast(text, self.pos)
            if m:
                name_pos = m.start(1)
                line += count("\n", seen, name_pos)
                seen = name_pos
                fields.append(RawField(m.group(1).lower(), m.group(2), line, name_pos - rfind("\n", 0, name_pos)))
                self.pos = m.end()
                continue
            if self.pos >= len(text):
                raise self.error(f"entry '{key}' is not closed", at)
            ch = text[self.pos]
            if ch == close:
                self.pos += 1
                break
            if ch != ",":
                raise self.error(f"expected ',' or '{close}' in entry '{key}', found {ch!r}")
            self.pos += 1
            self.skip_ws()
            if self.pos < len(text) and text[self.pos] == close:
                self.pos += 1
                break
            m = _FIELD_NAME.match(text, self.pos)
            if not m:
                if self.pos >= len(text):
                    raise self.error(f"entry '{key}' is not closed", at)
                raise self.error(f"expected a field name in entry '{key}', found {text[self.pos]!r}")
            name_pos = self.pos
            self.pos = m.end()
            self.skip_ws()
            if self.pos >= len(text) or text[self.pos] != "=":
                raise self.error(f"expected '=' after field name '{m.group(0)}'")
            self.pos += 1
            value = self.value()
            line, col = self.line_col(name_pos)
            fields.append(RawField(m.group(0).lower(), value, line, col))
        line, _ = self.line_col(at)
        return RawEntry(etype, key, tuple(fields), text[at : self.pos], line)

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
            if etype in ("comment", "preamble", "string"):
                if close == "}":
                    end = self.balanced(j)
                else:
                    end = text.find(")", j)
                    if end < 0:
                        raise self.error(f"@{etype} is not closed", at)
                    end += 1
                out.append(RawBlock(etype, text[at:end], self.line_col(at)[0], text[j + 1 : end - 1]))
                self.pos = end
            else:
                self.pos = j + 1
                out.append(self.entry(at, etype, close))
            free_start = self.pos
        rest = text[free_start:]
        if rest.strip():
            out.append(RawBlock("text", rest.strip("\n"), self.line_col(free_start)[0]))
        return out


def split_bib(text: str, path: str = "<string>") -> list[RawEntry | RawBlock]:
    """Entries and other blocks of a .bib text, in file order; malformed text is an InputError.

    >>> [b.key for b in split_bib("@misc{a, title = {X}}\\n@book{b,}") if isinstance(b, RawEntry)]
    ['a', 'b']
    """
    return _Parser(text, path).parse()
