"""Readers turn a file's bytes into entries; shared decoding lives here."""

from __future__ import annotations

from bibgen.errors import InputError
from bibgen.model import Origin

import re

# No real bibliographic line is anywhere near this long; refusing such lines
# keeps a hostile 1 GB line from turning into gigabytes of working memory.
MAX_LINE_BYTES = 1 << 20
_LONG_LINE = re.compile(rb"[^\n]{%d}" % (MAX_LINE_BYTES + 1))


def decode(data: bytes, path: str) -> str:
    """UTF-8 text with a leading BOM dropped and CRLF/CR turned into LF.

    Invalid UTF-8 and NUL bytes are InputErrors naming the line and column.
    """
    # The line-length check splits in C first; the regex (slow on big files) only finds the culprit.
    if len(data) > MAX_LINE_BYTES and max(map(len, data.split(b"\n"))) > MAX_LINE_BYTES:
        m = _LONG_LINE.search(data)
        if m:
            line = data.count(b"\n", 0, m.start()) + 1
            raise InputError(
                f"line {line} is longer than {MAX_LINE_BYTES // (1 << 20)} MiB; this is not a bibliography source",
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
            "save the file as UTF-8",
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
    claiming = [r for r in readers.all() if suffix in getattr(r, "suffixes", ())]
    # Only formats whose first line is unmistakable (``TY  -``, ``PMID-``) override a suffix.
    sniffers = [r for r in readers.all() if getattr(r, "sniff_any_suffix", False)]
    if suffix in GENERIC_SUFFIXES or not claiming:
        for r in sniffers:
            if r.sniff(head):
                return r
    if len(claiming) > 1:
        for r in claiming:
            if callable(getattr(r, "sniff", None)) and r.sniff(head):
                return r
        defaults = [r for r in claiming if not callable(getattr(r, "sniff", None))]
        return (defaults or claiming)[0]
    return claiming[0] if claiming else None
