"""The progress bar: only on a terminal, only for long stages, rich imported only then."""

from __future__ import annotations

import io
import subprocess
import sys

from bibgen.progress import NoProgress, TerminalProgress, for_stream
from conftest import ROOT


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_no_bar_when_stderr_is_not_a_terminal() -> None:
    assert isinstance(for_stream(io.StringIO()), NoProgress)
    assert list(NoProgress().track([1, 2, 3], "reading")) == [1, 2, 3]


def test_bar_on_a_terminal_yields_every_item_and_draws() -> None:
    stream = FakeTerminal()
    progress = for_stream(stream)
    assert isinstance(progress, TerminalProgress)
    progress.delay = 0.0
    items = list(range(40))
    assert list(progress.track(items, "reading")) == items
    assert stream.getvalue()  # something was drawn (and cleared: the bar is transient)


def test_short_stage_on_a_terminal_draws_nothing() -> None:
    stream = FakeTerminal()
    assert list(TerminalProgress(stream, delay=60).track(list(range(40)), "reading")) == list(range(40))
    assert stream.getvalue() == ""


def test_export_without_terminal_never_imports_rich() -> None:
    code = (
        "import sys; sys.argv = ['bibgen', 'export', 'seeds']\n"
        "from bibgen import cli\n"
        "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
        "sys.stdout.flush(); print('RICH' if 'rich' in sys.modules else 'NO-RICH', file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.stderr.strip().splitlines()[-1] == "NO-RICH"
    assert "@" in proc.stdout
