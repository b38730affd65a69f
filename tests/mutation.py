"""Byte mutations for the fuzz tests: hypothesis draws the operations, this applies them.

``ops`` are ``(kind, position, value)`` triples: 0 overwrites a byte, 1 cuts a
run, 2 inserts a repeated byte, 3 copies a run to where it starts (so a brace,
an ``@`` or a quote doubles). The bounds keep a mutated file near its size.
"""

from __future__ import annotations


def mutate(data: bytes, ops: list[tuple[int, int, int]], *, cut: int = 64, repeat: int = 8, copy: int | None = None) -> bytes:
    """``data`` with ``ops`` applied in order; ``copy=None`` copies up to ``value + 1`` bytes, else up to ``value % copy + 1``."""
    buf = bytearray(data)
    for kind, pos, value in ops:
        if not buf:
            buf.append(value)
            continue
        pos %= len(buf)
        if kind == 0:
            buf[pos] = value
        elif kind == 1:
            del buf[pos : pos + 1 + value % cut]
        elif kind == 2:
            buf[pos:pos] = bytes([value]) * (1 + value % repeat)
        else:
            n = 1 + (value if copy is None else value % copy)
            buf[pos:pos] = buf[pos : pos + n]
    return bytes(buf)
