"""Readers turn a file's bytes into entries; shared decoding lives here."""

from __future__ import annotations

from bibgen.errors import InputError
from bibgen.model import Origin

import re

# An author page is scraped text: no real line of one is anywhere near 1 MiB,
# so the author-page reader refuses longer lines (``max_line``). The other
# formats have no line limit (bibgen writes a 45,000-author list on one line,
# minified CSL-JSON is one line); every file has a total size limit instead.
MAX_LINE_BYTES = 1 << 20
_LONG_LINE = re.compile(rb"[^\n]{%d}" % (MAX_LINE_BYTES + 1))


def max_input_bytes() -> int:
    """The largest source file read (``$BIBGEN_MAX_INPUT_SIZE``, default 2 GiB)."""
    from bibgen.safety import _env_size

    return _env_size("BIBGEN_MAX_INPUT_SIZE", 2 << 30)


def decode(data: bytes, path: str, max_line: int | None = None) -> str:
    """UTF-8 text with a leading BOM dropped and CRLF/CR turned into LF.

    Invalid UTF-8, NUL bytes, a file over :func:`max_input_bytes` and (with
    ``max_line``) a line longer than that are InputErrors naming the line and column.
    """
    limit = max_input_bytes()
    if len(data) > limit:
        raise InputError(
            f"file is larger than {limit:,} bytes", Origin(path, 1, 1), "raise $BIBGEN_MAX_INPUT_SIZE to read it"
        )
    # The line-length check splits in C first; the regex (slow on big files) only finds the culprit.
    if max_line is not None and len(data) > max_line and max(map(len, data.split(b"\n"))) > max_line:
        m = re.compile(rb"[^\n]{%d}" % (max_line + 1)).search(data)
        if m:
            line = data.count(b"\n", 0, m.start()) + 1
            raise InputError(
                f"line {line} is longer than {max_line // (1 << 20)} MiB; this is not an author page",
                Origin(path, line, 1),
            )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x})", Origin(path, line, col),
            "save the file as UTF-8, or name its encoding with --encoding",
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        raise InputError("NUL byte in text file", Origin(path, line, nul - text.rfind("\n", 0, nul)))
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


# Suffixes that say nothing about the format: RIS and MEDLINE exports often come as .txt.
GENERIC_SUFFIXES = frozenset({"", ".txt"})
SNIFF_BYTES = 8192


def choose_reader(suffix: str, head: bytes):  # type: ignore[no-untyped-def]
    """The reader for a file with this suffix and these first bytes, or None.

    Readers that claim the suffix come first. When several claim it (``.yml``:
    hayagriva and bibgen's YAML records) the first whose ``sniff(head)`` says
    yes wins, else the one without a ``sniff`` (the suffix's default). For a
    suffix that names no format (``.txt``, none) a reader that recognises the
    content (RIS, MEDLINE) wins over the suffix's reader.
    """
    from bibgen.registry import readers

    suffix = suffix.lower()
    head = head[:SNIFF_BYTES]
    claiming = readers.having("suffixes", lambda s: suffix in (s or ()))
    if suffix in GENERIC_SUFFIXES or not claiming:
        # Only formats whose first line is unmistakable (``TY  -``, ``PMID-``) override a suffix.
        for r in readers.having("sniff_any_suffix", bool):
            if r.sniff(head):
                return r
    if len(claiming) > 1:
        for r in claiming:
            if callable(getattr(r, "sniff", None)) and r.sniff(head):
                return r
        defaults = [r for r in claiming if not callable(getattr(r, "sniff", None))]
        return (defaults or claiming)[0]
    return claiming[0] if claiming else None
