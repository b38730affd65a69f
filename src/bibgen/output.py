"""Atomic writes: a temp file in the target's folder, fsync, then rename over the target."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from bibgen.errors import OutputError
from bibgen.model import Origin


def write_atomic(path: str | os.PathLike[str], text: str) -> bool:
    """Write ``text`` to ``path`` unless it already holds exactly that; True when written.

    A crash or kill at any point leaves either the old file or the new one, never
    a truncated mix.
    """
    target = Path(path)
    data = text.encode("utf-8")
    try:
        if target.is_file() and _holds(target, data):
            return False
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror}", Origin(str(target), 1, 1)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise OutputError(f"cannot write: {exc.strerror}", Origin(str(target), 1, 1)) from None
    return True


def _holds(target: Path, data: bytes) -> bool:
    """Does ``target`` hold exactly ``data``? Compared in chunks, never a second copy in memory."""
    if target.stat().st_size != len(data):
        return False
    view = memoryview(data)
    pos = 0
    with open(target, "rb") as fh:
        while chunk := fh.read(1 << 20):
            if view[pos : pos + len(chunk)] != chunk:
                return False
            pos += len(chunk)
    return pos == len(data)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
