"""Progress on stderr for long runs: a rich bar when stderr is a terminal, nothing otherwise.

``rich`` is imported only when a bar is actually shown (a stage still running
after :data:`DELAY` seconds on a terminal), so short runs and
``bibgen sync --check`` never pay for the import.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from typing import Any, ContextManager, Protocol, TextIO, TypeVar

T = TypeVar("T")

# A stage shorter than this shows nothing.
DELAY = 0.5


class Progress(Protocol):
    """Reports how far a stage has got over a known number of items."""

    def track(self, items: Sequence[T], what: str) -> Iterator[T]: ...

    def stage(self, what: str) -> ContextManager[None]: ...


# The name of a spinner's timer thread until it fires (bibgen.parallel.jobs).
IDLE_TIMER = "bibgen-progress-timer"


class NoProgress:
    """Reports nothing (stderr is not a terminal, or the caller wants silence)."""

    def track(self, items: Sequence[T], what: str) -> Iterator[T]:
        return iter(items)

    def stage(self, what: str) -> ContextManager[None]:
        return nullcontext()


class TerminalProgress:
    """A rich progress bar on ``stream``, shown once a stage has run for ``delay`` seconds."""

    def __init__(self, stream: TextIO, delay: float = DELAY) -> None:
        self.stream = stream
        self.delay = delay

    def track(self, items: Sequence[T], what: str) -> Iterator[T]:
        start = time.monotonic()
        total = len(items)
        bar: Any = None
        task: Any = None
        try:
            for n, item in enumerate(items, 1):
                yield item
                if bar is None:
                    if self.delay >= 0 and n % 8 == 0 and time.monotonic() - start >= self.delay:
                        try:
                            bar, task = self._start(what, total)
                        except ImportError:  # rich missing: run on without a bar
                            self.delay = -1.0
                            continue
                        bar.update(task, completed=n)
                else:
                    bar.update(task, completed=n)
        finally:
            if bar is not None:
                bar.stop()

    @contextmanager
    def stage(self, what: str) -> Iterator[None]:
        """A spinner for a stage without countable steps (dedupe, writing), shown after ``delay`` seconds."""
        shown: list[Any] = []
        lock = threading.Lock()
        done = False

        def show() -> None:
            threading.current_thread().name = "bibgen-progress"  # no longer idle: bibgen.parallel does not fork now
            with lock:
                if done:
                    return
                try:
                    from rich.console import Console

                    status = Console(file=self.stream).status(what + " ...")
                    status.start()
                    shown.append(status)
                except ImportError:
                    pass

        timer = threading.Timer(max(self.delay, 0.0), show)
        timer.daemon = True
        timer.name = IDLE_TIMER  # waiting, holding no lock: bibgen.parallel may fork beside it
        timer.start()
        try:
            yield
        finally:
            timer.cancel()
            with lock:
                done = True
                for status in shown:
                    status.stop()

    def _start(self, what: str, total: int) -> tuple[Any, Any]:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn, TimeRemainingColumn

        bar = Bar(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
            console=Console(file=self.stream), transient=True,
        )
        bar.start()
        return bar, bar.add_task(what, total=total)


def for_stream(stream: TextIO | None = None) -> Progress:
    """A bar for ``stream`` (default stderr) when it is a terminal, else :class:`NoProgress`."""
    stream = sys.stderr if stream is None else stream
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    return TerminalProgress(stream) if tty else NoProgress()
