"""Share a large job between the cores: parts run in forked processes, results come back in order.

:func:`fork_map` gives exactly ``[work(p) for p in parts]``, with the same
diagnostics in the same order. The first part runs here while each other part
runs in a child made with ``os.fork`` (the child sees this process's memory as
it was, so nothing is sent to it); a child sends back its result and the
diagnostics it added, pickled into a temporary file. A child that fails in any way — an error in the
input, ``--strict``, a crash, a result that does not pickle — is not trusted:
its part is run again here, in order, so errors and their order are those of
the plain loop (the work must therefore have no effect outside its result and
``diagnostics``).

Forking is used only where it exists (POSIX), with more than one core
available, while this process runs one thread, and when the caller judges the
job large enough; ``BIBGEN_JOBS=1`` turns it off (``BIBGEN_JOBS=N`` caps the
processes at N).
"""

from __future__ import annotations

import os
import pickle
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, BinaryIO, TypeVar

from bibgen.errors import Diagnostics
from bibgen.progress import IDLE_TIMER

S = TypeVar("S")
T = TypeVar("T")


def jobs() -> int:
    """How many processes a large job may use: the usable cores, at most ``BIBGEN_JOBS``."""
    if not hasattr(os, "fork") or sys.platform == "emscripten":
        return 1
    if any(t is not threading.current_thread() and t.name != IDLE_TIMER for t in threading.enumerate()):
        # A fork copies only this thread: a lock another one holds would stay
        # locked in the child. (A progress spinner's timer that has not fired
        # holds none; once it fires it is renamed and forking stops.)
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    cap = os.environ.get("BIBGEN_JOBS", "").strip()
    if cap.isdigit() and int(cap) > 0:
        cores = min(cores, int(cap))
    return max(1, min(cores, 8))


# Above this size a forked child costs more than it saves when it touches much
# of the parent's memory (each page it or the parent writes to, even a reference
# count, is copied): 100k realistic .bib entries (3.3 GiB) are written faster in
# one process, 62k author-page entries (0.85 GiB) in two (bench/perf.py).
SHARED_HEAP_LIMIT = 2 << 30


def heap_is_small(limit: int = SHARED_HEAP_LIMIT) -> bool:
    """Is this process's memory (resident set) under ``limit`` bytes?"""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") < limit
    except (OSError, ValueError, IndexError):
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB (Linux), bytes (macOS)
        return peak * (1 if sys.platform == "darwin" else 1024) < limit


def chunks(weights: Sequence[float], n: int, lead: float = 1.0) -> list[range]:
    """``n`` (or fewer) contiguous, non-empty index ranges of about equal total weight.

    The first range (the part :func:`fork_map` runs in this process) gets
    ``lead`` times the weight of each other one: a child pays for what it sends
    back and for the memory pages it touches (copy on write).
    """
    total = sum(weights)
    if n <= 1 or len(weights) <= 1 or total <= 0:
        return [range(len(weights))]
    share = total / (lead + n - 1)
    out: list[range] = []
    start = 0
    acc = 0.0
    for i, w in enumerate(weights):
        acc += w
        if len(out) < n - 1 and i + 1 < len(weights) and acc >= share * (lead + len(out)):
            out.append(range(start, i + 1))
            start = i + 1
    out.append(range(start, len(weights)))
    return out


def fork_map(
    work: Callable[[S], T],
    parts: Sequence[S],
    diagnostics: Diagnostics,
    then: Callable[[T], object] | None = None,
    late: list[tuple[int, _Child]] | None = None,
) -> list[T]:
    """``[work(p) for p in parts]``: every part but the first in a forked child (see the module text).

    With ``then`` (and ``late``), a child that sent its result goes on with
    ``then(result)``, and ``(i, child)`` is appended to ``late`` for the result
    of part ``i``: :func:`collect` gives what ``then`` made, or the caller
    calls :func:`discard`. (A part done here has no such child.)
    """
    if len(parts) <= 1 or jobs() <= 1:
        return [work(p) for p in parts]
    children: list[_Child | None] = []  # None: no child for that part (fork failed)
    try:
        for part in parts[1:]:
            children.append(spawn(work, part, diagnostics, then if late is not None else None))
        results = [work(parts[0])]
        for i, part in enumerate(parts[1:]):
            child, children[i] = children[i], None
            sent = collect(child) if child is not None else None
            if sent is None:
                if child is not None and child.late is not None:
                    discard(child)  # (it failed before sending: it is ending or has ended)
                results.append(work(part))  # the plain loop's result, error or diagnostics
                continue
            value, items, skipped = sent
            diagnostics.items.extend(items)
            diagnostics.skipped.extend(skipped)
            results.append(value)
            if child.late is not None:  # it goes on with then: the caller collects or discards it
                late.append((i + 1, child))  # type: ignore[union-attr]
        return results
    finally:
        for child in children:
            if child is not None:
                discard(child)


class Handover:
    """``then`` and ``late`` for a :func:`fork_map` that reads entries (:func:`early_texts`),
    and :meth:`take`, which hands the children that go on to their owner."""

    __slots__ = ("then", "late", "_adopt")

    def __init__(self, then: Callable[[Any], object] | None, adopt: Callable[[Any, _Child], None] | None) -> None:
        self.then = then
        self.late: list[tuple[int, _Child]] | None = [] if then is not None else None
        self._adopt = adopt

    def take(self, entries_of: Callable[[int], Any]) -> None:
        """Give each child in ``late`` to the owner, with the entries (of part ``i``) it formats."""
        while self.late:
            i, child = self.late.pop(0)
            self._adopt(entries_of(i), child)  # type: ignore[misc]


@contextmanager
def early_texts(options: Any) -> Iterator[Handover]:
    """A :class:`Handover` for a :func:`fork_map` that reads entries: a reading child goes on
    formatting what it read for the writer that will write them (``options.early``, see
    :func:`bibgen.pipeline.keyed_entries`), when there is one. The caller :meth:`~Handover.take` s
    the late children it keeps; those left when the block ends are stopped."""
    hook = getattr(options.early, "in_reader", None)
    then = hook() if hook is not None else None
    handover = Handover(then, getattr(options.early, "adopt", None) if then is not None else None)
    try:
        yield handover
    finally:
        for _, child in handover.late or ():
            discard(child)


class _Child:
    __slots__ = ("pid", "out", "status", "then", "ready", "late")

    def __init__(self, pid: int, out: BinaryIO, ready: int = -1, late: BinaryIO | None = None) -> None:
        self.pid = pid
        # An unnamed temporary file the child pickles its result into: the parent
        # reads it back with pickle.load, so neither process holds the whole pickle
        # in memory (a pipe would also make the child wait for the parent).
        self.out = out
        self.status: int | None = None  # its wait status, once :func:`finished` saw it end
        # A child that goes on (spawn's then): a pipe it writes one byte to when its
        # first result is in ``out`` (the end of the pipe, unwritten: it failed), and
        # the file for what then makes. ``then`` holds while that is still to come.
        self.then = late is not None
        self.ready = ready
        self.late = late


def finished(child: _Child) -> bool:
    """Has the child ended (without waiting for it)? :func:`collect` is still to be called."""
    if child.status is None:
        try:
            pid, status = os.waitpid(child.pid, os.WNOHANG)
        except ChildProcessError:
            return True  # (collect finds out)
        if pid == 0:
            return False
        child.status = status
    return True


def spawn(
    work: Callable[[S], T], part: S, diagnostics: Diagnostics, then: Callable[[T], object] | None = None
) -> _Child | None:
    """``work(part)`` started in a forked child; None if no child could be made.

    :func:`collect` gives what it sent, :func:`discard` stops it; one of them
    must be called. (The child's diagnostics come back beside its result.)
    With ``then``, the child goes on with ``then(result)`` once it has sent the
    result: a second :func:`collect` gives what that made (no diagnostics), as
    the first did the result, without waiting for ``then``.
    """
    files: list[BinaryIO] = []
    ready = (-1, -1)
    try:
        files.append(tempfile.TemporaryFile())
        if then is not None:
            files.append(tempfile.TemporaryFile())
            ready = os.pipe()
        pid = os.fork()
    except OSError:
        for f in files:
            f.close()
        for fd in ready:
            if fd >= 0:
                os.close(fd)
        return None
    if pid:
        if then is None:
            return _Child(pid, files[0])
        os.close(ready[1])  # (before any other child is made: the pipe ends when this child does)
        return _Child(pid, files[0], ready[0], files[1])
    # The child: never returns into the caller's code, never flushes the parent's buffers.
    status = 1
    try:
        items, skipped = len(diagnostics.items), len(diagnostics.skipped)
        value = work(part)
        pickle.dump((value, diagnostics.items[items:], diagnostics.skipped[skipped:]), files[0], pickle.HIGHEST_PROTOCOL)
        files[0].flush()
        if then is not None:
            os.close(ready[0])
            os.write(ready[1], b"1")  # (the pipe stays open until this child ends: see wait_ended)
            pickle.dump((then(value), [], []), files[1], pickle.HIGHEST_PROTOCOL)
            files[1].flush()
        status = 0
    except BaseException:  # noqa: BLE001  (the parent redoes this part and sees the error itself)
        pass
    finally:
        os._exit(status)


def collect(child: _Child) -> tuple[object, list, list] | None:  # type: ignore[type-arg]
    """What a child sent, once it exited cleanly; None if it did not.

    A child that goes on (spawn's ``then``): its result as soon as it is sent,
    then, at the next call, what ``then`` made, once the child exited cleanly.
    """
    if child.then:
        child.then = False
        try:
            signalled = os.read(child.ready, 1) == b"1"
        except OSError:
            signalled = False
        if not signalled:
            os.close(child.ready)
            child.ready = -1
        try:
            if signalled:
                child.out.seek(0)
                return pickle.load(child.out)  # type: ignore[no-any-return]
        except Exception:  # noqa: BLE001  (a broken result: the part is done again here)
            pass
        finally:
            child.out.close()
            child.out = child.late  # type: ignore[assignment]
        return None
    _close_ready(child)
    status = child.status
    if status is None:
        try:
            _, status = os.waitpid(child.pid, 0)
        except ChildProcessError:
            child.status = 0  # (gone: nothing to stop any more)
            child.out.close()
            return None
        child.status = status  # (waited for: discard must not signal the pid again)
    try:
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
            return None
        child.out.seek(0)
        return pickle.load(child.out)  # type: ignore[no-any-return]
    except Exception:  # noqa: BLE001  (a broken result: the part is done again here)
        return None
    finally:
        child.out.close()


def discard(child: _Child) -> None:
    """Stop a child whose result is not wanted (the parent's own part raised)."""
    import signal

    if child.status is None:  # (else it has ended and been waited for)
        try:
            os.kill(child.pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            os.waitpid(child.pid, 0)
        except ChildProcessError:
            pass
    child.out.close()
    _close_ready(child)
    if child.then:
        child.then = False
        child.late.close()  # type: ignore[union-attr]


def _close_ready(child: _Child) -> None:
    if child.ready >= 0:
        os.close(child.ready)
        child.ready = -1


def wait_ended(children: Sequence[_Child]) -> None:
    """In a process forked after ``children`` sent their first result (spawn's ``then``): wait
    until they have ended, so that this one does not take a core from them.

    Their pipes are open in this process (inherited); each child holds its end
    until it ends, and the parent has read the one byte it wrote, so a read
    here returns nothing exactly when the child is gone.
    """
    for child in children:
        if child.ready >= 0:
            try:
                while os.read(child.ready, 1):
                    pass
            except OSError:
                pass

