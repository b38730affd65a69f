"""The caret excerpt printed under an error: the source line and a ``^`` under the column.

::

    refs.bib:14:11: error: unclosed '{' in field 'title': no '}' closes it before line 15
       14 |   title = {Unclosed brace,
          |           ^

The first line stays the one ``path:line:col: error: message`` line editors
jump to; the excerpt lines start with spaces, so tools that read the first
line are not disturbed. The line is read again from the file (decoded as the
reader decoded it), control characters are shown as ``?`` so hostile input
cannot drive the terminal, and a long line is cut to a window around the
column.
"""

from __future__ import annotations

from bibgen.model import Origin

WIDTH = 100  # characters of the line shown around the column
MAX_BYTES = 64 << 20  # larger files get no excerpt (not worth reading again)


def excerpt(origin: Origin | None) -> list[str]:
    """The excerpt lines for ``origin`` (none when the file or line cannot be read)."""
    if origin is None or not origin.path or origin.line < 1:
        return []
    line = _source_line(origin.path, origin.line)
    if line is None:
        return []
    col = max(origin.column, 1)
    start = 0
    if len(line) > WIDTH:
        start = max(0, min(col - 1 - WIDTH // 2, len(line) - WIDTH))
        line = line[start : start + WIDTH]
    shown = "".join("?" if (ord(ch) < 32 or 127 <= ord(ch) < 160) and ch != "\t" else ch for ch in line).replace("\t", " ")
    prefix = "..." if start else ""
    number = str(origin.line)
    pad = " " * len(number)
    caret = " " * (len(prefix) + max(col - 1 - start, 0)) + "^"
    return [f"  {number} | {prefix}{shown}".rstrip(), f"  {pad} | {caret}"]


def _source_line(path: str, lineno: int) -> str | None:
    from bibgen.encoding import to_utf8

    import os
    import stat

    try:
        # Only a regular file: opening a FIFO or a device named in an error (an
        # output bibgen refused to write) would block or read forever.
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        with open(path, "rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except (OSError, ValueError):
        return None
    if len(data) > MAX_BYTES:
        return None
    try:
        data = to_utf8(data, path)
    except Exception:  # the error being shown may be this very decoding problem
        pass
    text = data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    if lineno > len(lines):
        return None
    return lines[lineno - 1]
