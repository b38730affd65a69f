"""Reader for scraped "Collaborating Authors" pages (``*.txt``).

A page looks like this (``␣`` is a no-break space)::

    Goto                                  <- navigation, ignored
    Collaborating Authors                 <- the heading that marks a page
    ␣Kavukcuoglu, Koray                   <- the page's author
    Gemma 3 Technical Report              <- title
    arXiv.org Artificial Intelligence     <- source line
    We introduce Gemma 3, ...             <- abstract (optional)

Parts are paragraphs: runs of non-blank lines separated by blank lines. Records
are usually separated by two blank lines and parts by one, but scraped pages
are not that tidy, so a paragraph after a source line counts as the abstract
unless it is itself followed by something that reads as a source line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bibgen.errors import InputError
from bibgen.model import Entry, Fields, Origin
from bibgen.normalize import clean_text, parse_name
from bibgen.readers import MAX_LINE_BYTES, decode

if TYPE_CHECKING:
    from bibgen.options import Options

HEADING = "collaborating authors"
# A source line is short and has no sentence punctuation at its end.
_MAX_SOURCE_LEN = 160
_SENTENCE_END = re.compile(r"[.!?]\s*$")


@dataclass(frozen=True, slots=True)
class Paragraph:
    line: int  # 1-based line of its first line
    text: str
    gap: int  # blank lines before it


def paragraphs(lines: list[str], start: int) -> list[Paragraph]:
    """Paragraphs of ``lines[start:]`` with the blank-line gap before each."""
    out: list[Paragraph] = []
    buf: list[str] = []
    first = 0
    gap = 0
    for i in range(start, len(lines)):
        raw = lines[i]
        if raw.strip() and (raw.isascii() or clean_text(raw)):
            if not buf:
                first = i
            buf.append(raw)
            continue
        if buf:
            out.append(Paragraph(first + 1, clean_text(" ".join(buf)), gap))
            buf, gap = [], 0
        gap += 1
    if buf:
        out.append(Paragraph(first + 1, clean_text(" ".join(buf)), gap))
    return out


class AuthorPageReader:
    """Reads scraped author pages; every record becomes one preprint/article/... entry."""

    name = "authorpage"
    suffixes = (".txt",)
    # Every text it returns went through clean_text (paragraphs, names split on
    # single spaces and commas, the venue table's constants), so the pipeline's
    # normalize_entry would change nothing.
    normalized = True

    def read(self, data: bytes, path: str, options: Options) -> list[Entry]:
        text = decode(data, path, max_line=MAX_LINE_BYTES)
        lines = text.split("\n")
        heading = next((i for i, ln in enumerate(lines) if clean_text(ln).casefold() == HEADING), None)
        if heading is None:
            first = next((i for i, ln in enumerate(lines) if ln.strip()), 0)
            raise InputError(
                "not an author page: no 'Collaborating Authors' heading",
                Origin(path, first + 1, 1),
                "author pages start with that heading, then the author's name",
            )
        paras = paragraphs(lines, heading + 1)
        if not paras:
            raise InputError("author page names no author after its heading", Origin(path, heading + 1, 1))
        author_para, records = paras[0], paras[1:]
        author = parse_name(author_para.text)
        if not author.family and not author.literal:
            raise InputError("cannot read the page author's name", Origin(path, author_para.line, 1))
        if len(author_para.text) > 120 or len(author_para.text.split()) > 10:
            raise InputError(
                f"expected the page author's name, found {author_para.text[:40]!r}",
                Origin(path, author_para.line, 1),
            )
        entries: list[Entry] = []
        table = options.venue_table
        i = 0
        n = len(records)
        while i < n:
            title = records[i]
            if i + 1 >= n:
                raise InputError(
                    "record has a title but no source line",
                    Origin(path, title.line, 1),
                    "each record is a title, a source line such as 'arXiv.org Machine Learning', and an optional abstract",
                )
            source = records[i + 1]
            if not looks_like_source(source.text):
                raise InputError(
                    f"expected a source line after the title, found {source.text[:40]!r}…",
                    Origin(path, source.line, 1),
                )
            abstract = ""
            i += 2
            if i < n and not self._starts_record(records, i):
                abstract = records[i].text
                i += 1
            venue = table.classify(source.text)
            origin = Origin(path, title.line, 1)
            if not venue.known:
                options.diagnostics.warn(
                    f"unknown source line {source.text!r}; entry typed {venue.kind.value}",
                    Origin(path, source.line, 1),
                    "add a rule to the venue table in your configuration",
                )
            fields = dict(venue.fields)
            fields["title"] = strip_title_period(title.text)
            if abstract:
                fields["abstract"] = abstract
            entries.append(
                Entry(
                    kind=venue.kind,
                    fields=Fields(fields),
                    people={"author": (author,)},
                    origin=origin,
                    partial=frozenset({"author"}),
                )
            )
        return entries

    @staticmethod
    def _starts_record(records: list[Paragraph], i: int) -> bool:
        """Is paragraph ``i`` (after a source line) a title rather than an abstract?"""
        nxt = records[i + 1] if i + 1 < len(records) else None
        if nxt is None:
            # A lone trailing paragraph is an abstract: a title needs a source after it.
            return False
        if not looks_like_source(nxt.text):
            return False
        # Both readings are possible: "abstract, title" or "title, source".
        # The next paragraph reads as a source; a title is short and unpunctuated.
        return not looks_like_abstract(records[i].text) or nxt.gap < records[i].gap


def looks_like_source(text: str) -> bool:
    """A source line is short and does not end like a sentence."""
    return len(text) <= _MAX_SOURCE_LEN and not _SENTENCE_END.search(text)


def looks_like_abstract(text: str) -> bool:
    """Abstracts are long or end in sentence punctuation; titles rarely are either."""
    return len(text) > 300 or bool(_SENTENCE_END.search(text))



def strip_title_period(title: str) -> str:
    """Drop one trailing full stop a scraper left on a title (styles add their own); keep ``...``."""
    if title.endswith(".") and not title.endswith("..") and len(title) > 1:
        return title[:-1].rstrip()
    return title
