"""Safe, atomic writes: a temp file in the target's folder, fsync, then rename over the target.

Rules (README, "Security"):

* An output is a regular file or absent. A device, FIFO, socket or folder is
  refused (:class:`OutputError`, exit code 4): renaming over ``/dev/full`` or
  a FIFO would replace it with a regular file.
* A symbolic link is written *through*: the link stays, its final target is
  replaced atomically (the temp file lives in the target's folder, so the
  rename never crosses file systems), and a dangling link creates its target.
* A read-only target (no write permission bit, or not writable by this user)
  is refused unless ``force``; its mode is kept when forced.
* :func:`write_stdout` writes data to stdout; a full disk, a closed pipe or
  any other OS error there is one line on stderr (``bibgen: error: cannot
  write to stdout: ...``) and exit code 4.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from bibgen.errors import OutputError
from bibgen.model import Origin


def resolve_output(path: str | os.PathLike[str], force: bool = False) -> Path:
    """The file a write to ``path`` replaces (symlinks followed); refuses what must not be replaced."""
    given = Path(path)
    where = Origin(str(given), 1, 1)
    real = Path(os.path.realpath(given)) if given.is_symlink() else given
    try:
        st = os.stat(real)
    except FileNotFoundError:
        if not real.parent.is_dir():
            raise OutputError(f"cannot write: folder {real.parent} does not exist", where) from None
        return real
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror}", where) from None
    if not stat.S_ISREG(st.st_mode):
        what = (
            "a folder" if stat.S_ISDIR(st.st_mode)
            else "a FIFO" if stat.S_ISFIFO(st.st_mode)
            else "a socket" if stat.S_ISSOCK(st.st_mode)
            else "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
            else "not a regular file"
        )  # fmt: skip
        raise OutputError(f"refusing to write: {real} is {what}, not a regular file", where)
    if not force:
        require_writable(real, where)
    return real


def require_writable(real: Path, where: Origin) -> None:
    """An OutputError for a read-only file (no write bit, or not writable by this user); absent is fine."""
    try:
        st = os.stat(real)
    except OSError:
        return
    if not st.st_mode & 0o222 or not os.access(real, os.W_OK):
        raise OutputError(f"refusing to write: {real} is read-only", where, "use --force to replace it")


def write_atomic(path: str | os.PathLike[str], text: str | Iterable[str], force: bool = False, before_replace=None) -> bool:  # type: ignore[no-untyped-def]
    """Write ``text`` to ``path`` unless it already holds exactly that; True when written.

    ``text`` is a string, or its pieces (say, a writer's entries as they are
    formatted): those go to the temporary file one by one, compared with the
    file already there as they go, so the whole text is never in memory. An
    error while the pieces are made leaves the target as it was.

    A crash or kill at any point leaves either the old file or the new one, never
    a truncated mix. ``before_replace`` (if given) runs just before the rename,
    with the temp file complete; it may raise to stop the write (sync re-checks
    the target there).
    """
    target = resolve_output(path, force=True)  # the kind of file first; read-only only matters for a change
    where = Origin(str(path), 1, 1)
    whole = isinstance(text, str)
    if whole:
        data = text.encode("utf-8")
        try:
            if target.is_file() and _holds(target, data):
                return False
        except OSError as exc:
            raise OutputError(f"cannot write: {exc.strerror}", where) from None
        pieces: Iterable[bytes] = (data,)
    else:
        pieces = (t.encode("utf-8") for t in text)
    try:
        if whole and not force:
            require_writable(target, where)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    except OSError as exc:
        if whole:
            raise OutputError(f"cannot write: {exc.strerror}", where) from None
        # (no temporary file here: the pieces are joined, and an unchanged target needs none)
        return write_atomic(path, "".join(text), force, before_replace)
    try:
        try:
            with os.fdopen(fd, "wb") as fh:
                # A whole text was compared above; pieces are compared as they are written.
                if _write_comparing(fh, pieces, None if whole else target):
                    os.unlink(tmp)
                    return False
                if not whole and not force:
                    require_writable(target, where)
                fh.flush()
                os.fsync(fh.fileno())
            if target.exists():
                os.chmod(tmp, target.stat().st_mode & 0o7777)
            else:
                os.chmod(tmp, 0o666 & ~_umask())
            if before_replace is not None:
                before_replace()
            os.replace(tmp, target)
        except OSError as exc:
            raise OutputError(f"cannot write: {exc.strerror}", where) from None
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return True


def _write_comparing(fh: BinaryIO, pieces: Iterable[bytes], target: Path | None) -> bool:
    """Write ``pieces`` to ``fh``; True when ``target`` (if given, and a file) holds exactly those bytes."""
    try:
        old = open(target, "rb") if target is not None and target.is_file() else None
    except OSError:
        old = None
    same = old is not None
    try:
        for piece in pieces:
            fh.write(piece)
            if same:
                same = old.read(len(piece)) == piece  # type: ignore[union-attr]
        return same and not old.read(1)  # type: ignore[union-attr]
    finally:
        if old is not None:
            old.close()


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


def write_stdout(text: str) -> None:
    """Write data to stdout and flush it; an OS error there (full disk, closed pipe) is an OutputError."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as exc:
        raise stdout_error(exc) from None


def stdout_error(exc: OSError) -> OutputError:
    """The one-line error for an OS error on stdout (exit code 4).

    stdout is pointed at /dev/null afterwards, so the interpreter's final
    flush cannot print a traceback.
    """
    reason = {
        errno.EPIPE: "the reading end of the pipe was closed",
        errno.ENOSPC: "no space left on device",
    }.get(exc.errno or 0, exc.strerror or str(exc))
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass
    return OutputError(f"cannot write to stdout: {reason}")


def os_error(exc: OSError) -> int:
    """One line for an OS error that reached the command line, and its exit code.

    Without a file name it is about stdout (4); with one it is a file bibgen
    could not open or read (3: outputs are reported as OutputErrors before
    they get here).
    """
    if exc.filename is None:
        err = stdout_error(exc)
        print(err, file=sys.stderr)
        return err.exit_code
    print(f"{exc.filename}:1:1: error: cannot access: {exc.strerror or exc}", file=sys.stderr)
    return 3


# ---------------------------------------------------------------- sync: lock and re-check

LOCK_TIMEOUT = 30.0  # seconds a sync waits for another one writing the same target


def snapshot(path: str | os.PathLike[str], data: bytes | None = None) -> tuple[int, int, str] | None:
    """``(size, mtime_ns, hash)`` of the file at ``path`` (None when it does not exist).

    ``data`` is what was just read from it (else it is read now). The stat is
    taken first: a write between the stat and the read changes the mtime, so
    a later :func:`require_unchanged` errs on the safe side.
    """
    import hashlib

    try:
        st = os.stat(path)
        if data is None:
            with open(path, "rb") as fh:
                data = fh.read()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise OutputError(f"cannot read: {exc.strerror}", Origin(str(path), 1, 1)) from None
    return (st.st_size, st.st_mtime_ns, hashlib.blake2b(data, digest_size=16).hexdigest())


def require_unchanged(path: str | os.PathLike[str], seen: tuple[int, int, str] | None) -> None:
    """An OutputError when ``path`` no longer is what :func:`snapshot` saw: never overwrite newer content."""
    now = snapshot(path)
    if now == seen:
        return
    what = "was created" if seen is None else "was deleted" if now is None else "changed"
    raise OutputError(
        f"{what} while bibgen was syncing it (edited by hand or by another program); not overwritten",
        Origin(str(path), 1, 1),
        "run 'bibgen sync' again: it keeps the new edits",
    )


class TargetLock:
    """An exclusive ``fcntl.flock`` on ``.<name>.lock`` beside a target (after symlinks), held while syncing it.

    The file is removed when the sync ends (a killed run leaves it behind,
    unlocked and harmless).
    """

    def __init__(self, path: str | os.PathLike[str], timeout: float | None = None) -> None:
        real = Path(os.path.realpath(path))
        self.path = real.with_name(f".{real.name}.lock")
        self.timeout = LOCK_TIMEOUT if timeout is None else timeout
        self.fd: int | None = None

    def __enter__(self) -> TargetLock:
        import fcntl
        import time

        where = Origin(str(self.path), 1, 1)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o666 & ~_umask())
            except OSError as exc:
                raise OutputError(f"cannot create the lock file: {exc.strerror}", where) from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                if time.monotonic() >= deadline:
                    raise OutputError(
                        f"another bibgen is syncing this target (waited {self.timeout:g} s)", where,
                        "wait for it to finish, then run 'bibgen sync' again",
                    ) from None
                time.sleep(0.05)
                continue
            except OSError:
                self.fd = fd  # a file system without locks: the re-check before the rename still guards
                return self
            # The holder before us removes the file as it finishes: a lock on a removed file is no lock.
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path, follow_symlinks=False).st_ino
            except OSError:
                same = False
            if same:
                self.fd = fd
                return self
            os.close(fd)

    def __exit__(self, *exc: object) -> None:
        if self.fd is not None:
            try:
                os.unlink(self.path)  # still holding the lock: waiters notice (see __enter__)
            except OSError:
                pass
            os.close(self.fd)
            self.fd = None


def display_path(path: Path, root: Path | None) -> str:
    """``path`` relative to ``root`` (else the working folder), as messages show it."""
    base = root or Path.cwd()
    try:
        return os.path.relpath(path, base)
    except ValueError:  # pragma: no cover - other drive on Windows
        return str(path)
