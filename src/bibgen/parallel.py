"""Share a large job between the cores: parts run in forked processes, results come back in order.

:func:`fork_map` gives exactly ``[work(p) for p in parts]``, with the same
diagnostics in the same order. The first part runs here while each other part
runs in a child made with ``os.fork`` (the child sees this process's memory as
it was, so nothing is sent to it); a child sends back its result and the
diagnostics it added, pickled. A child that fails in any way — an error in the
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
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

from bibgen.errors import Diagnostics

S = TypeVar("S")
T = TypeVar("T")


def jobs() -> int:
    """How many processes a large job may use: the usable cores, at most ``BIBGEN_JOBS``."""
    if not hasattr(os, "fork") or sys.platform == "emscripten":
        return 1
    if threading.active_count() > 1:
        return 1  # a fork copies only this thread: a lock another one holds would stay locked in the child
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    cap = os.environ.get("BIBGEN_JOBS", "").strip()
    if cap.isdigit() and int(cap) > 0:
        cores = min(cores, int(cap))
    return max(1, min(cores, 8))


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


def fork_map(work: Callable[[S], T], parts: Sequence[S], diagnostics: Diagnostics) -> list[T]:
    """``[work(p) for p in parts]``: every part but the first in a forked child (see the module text)."""
    if len(parts) <= 1 or jobs() <= 1:
        return [work(p) for p in parts]
    children: list[tuple[int, int] | None] = []  # (pid, read end of its pipe); None: fork failed
    try:
        for part in parts[1:]:
            children.append(_spawn(work, part, diagnostics))
        results = [work(parts[0])]
        for i, part in enumerate(parts[1:]):
            child, children[i] = children[i], None
            sent = _collect(child) if child is not None else None
            if sent is None:
                results.append(work(part))  # the plain loop's result, error or diagnostics
                continue
            value, items, skipped = sent
            diagnostics.items.extend(items)
            diagnostics.skipped.extend(skipped)
            results.append(value)
        return results
    finally:
        for child in children:
            if child is not None:
                _discard(child)


def _spawn(work: Callable[[S], T], part: S, diagnostics: Diagnostics) -> tuple[int, int] | None:
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid:
        os.close(write_end)
        return pid, read_end
    # The child: never returns into the caller's code, never flushes its buffers.
    status = 1
    try:
        os.close(read_end)
        items, skipped = len(diagnostics.items), len(diagnostics.skipped)
        value = work(part)
        data = pickle.dumps((value, diagnostics.items[items:], diagnostics.skipped[skipped:]), pickle.HIGHEST_PROTOCOL)
        view = memoryview(data)
        while view:
            view = view[os.write(write_end, view):]
        status = 0
    except BaseException:  # noqa: BLE001  (the parent redoes this part and sees the error itself)
        pass
    finally:
        os._exit(status)


def _collect(child: tuple[int, int]) -> tuple[object, list, list] | None:  # type: ignore[type-arg]
    """What a child sent, once it exited cleanly; None if it did not."""
    pid, read_end = child
    try:
        with os.fdopen(read_end, "rb") as pipe:
            data = pipe.read()
    except OSError:
        data = b""
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return None
    if not data or not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        return None
    try:
        sent = pickle.loads(data)
    except Exception:  # noqa: BLE001
        return None
    return sent  # type: ignore[no-any-return]


def _discard(child: tuple[int, int]) -> None:
    """Stop a child whose result is not wanted (the parent's own part raised)."""
    import signal

    pid, read_end = child
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
    try:
        os.close(read_end)
    except OSError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
