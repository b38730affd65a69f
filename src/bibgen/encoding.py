"""Which text encoding a source is in, and its bytes as UTF-8 for the readers.

Readers work on UTF-8 (:func:`bibgen.readers.decode`). Before them, a
source's bytes are transcoded when the file says (or the user says) it is in
another encoding, in this order:

1. a byte-order mark: UTF-8, UTF-16 (LE/BE) or UTF-32 (LE/BE);
2. an ``% Encoding: NAME`` line at the top of the file, as JabRef writes it
   (``% Encoding: windows-1252``, ``% Encoding: ISO8859_1``, ``% Encoding: UTF-8``);
3. an Emacs/Vim coding cookie in a comment on one of the first two lines
   (``% -*- coding: latin-9 -*-``, ``% vim: set fileencoding=cp1252``), as
   PEP 263 reads it for Python and biber's own test files use it;
4. ``--encoding NAME`` (any codec Python knows: latin-1, cp1252, utf-16, …);
5. otherwise UTF-8.

Lines and columns survive the transcoding (each character stays one
character), so every diagnostic still names the right place. Bytes the
chosen encoding cannot decode are an :class:`InputError` at their line and
column. Output is always UTF-8 (or ASCII with ``--ascii``).
"""

from __future__ import annotations

import codecs
import re

from bibgen.errors import InputError, UsageError
from bibgen.model import Origin

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# JabRef's header: "% Encoding: windows-1252" on one of the first lines.
_HEADER = re.compile(rb"\A(?:[ \t]*(?:%[^\n]*)?\r?\n){0,4}?[ \t]*%[ \t]*Encoding:[ \t]*([A-Za-z0-9_.:\-]+)[ \t]*\r?$", re.M)
# An editor's coding cookie (PEP 263's pattern) in a "%" comment on line 1 or 2.
_COOKIE = re.compile(rb"\A(?:[^\n]*\n)?[ \t]*%[^\n]*?coding[:=][ \t]*([-\w.]+)")
# Java charset names JabRef has written that Python spells differently.
_ALIASES = {"iso8859_1": "latin-1", "iso8859_15": "iso8859-15", "cp1252": "cp1252", "utf8": "utf-8", "macroman": "mac-roman"}


def check_encoding(name: str) -> str:
    """The codec name Python uses for ``name``; an unknown one is a UsageError."""
    try:
        return codecs.lookup(_ALIASES.get(name.lower(), name)).name
    except LookupError:
        raise UsageError(f"unknown encoding '{name}'", hint="e.g. utf-8, latin-1, windows-1252, utf-16") from None


def sniff(data: bytes, fallback: str | None = None) -> tuple[str, int, str]:
    """(codec, bytes to skip, why) for ``data``."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, len(bom), "byte-order mark"
    m = _HEADER.match(data[:4096])
    if m:
        try:
            return check_encoding(m.group(1).decode("ascii")), 0, "% Encoding: header"
        except UsageError:
            pass  # an unknown name in the header: fall through to --encoding / UTF-8
    m = _COOKIE.match(data[:1024])
    if m:
        # Emacs appends the line-end convention ("latin-9-unix"); "latin-9" is Emacs' latin9.
        name = re.sub(r"-(?:unix|dos|mac)$", "", m.group(1).decode("ascii"))
        name = {"latin-9": "latin9", "latin-0": "latin9"}.get(name.lower(), name)
        try:
            return check_encoding(name), 0, "coding: cookie"
        except UsageError:
            pass
    if fallback:
        return check_encoding(fallback), 0, "--encoding"
    return "utf-8", 0, ""


def to_utf8(data: bytes, path: str, fallback: str | None = None) -> bytes:
    """``data`` as UTF-8 bytes (unchanged when it already is UTF-8 without a BOM)."""
    codec, skip, why = sniff(data, fallback)
    if codec == "utf-8":
        return data[skip:] if skip else data
    body = data[skip:]
    try:
        text = body.decode(codec)
    except UnicodeDecodeError as exc:
        good = body[: exc.start].decode(codec, errors="replace")
        line = good.count("\n") + 1
        col = len(good) - (good.rfind("\n") + 1) + 1
        raise InputError(
            f"not valid {codec} ({why}): byte 0x{body[exc.start]:02x} cannot be decoded",
            Origin(path, line, col),
            "pass the right --encoding, or save the file as UTF-8",
        ) from None
    return text.encode("utf-8", errors="surrogatepass")
