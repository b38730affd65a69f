"""The console script's quick exit: what a command built is kept until os._exit, not freed on the way out."""

from __future__ import annotations

import gc
import subprocess
import sys
import weakref

import pytest

from bibgen import options


class _Built:
    pass


def test_nothing_is_kept_in_a_process_that_does_not_exit_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(options, "_KEPT_UNTIL_EXIT", None)
    built = _Built()
    ref = weakref.ref(built)
    options.keep_until_exit(built)
    del built
    gc.collect()
    assert ref() is None  # (a library user's objects are freed as usual)


def test_what_a_command_built_lives_until_the_quick_exit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(options, "_KEPT_UNTIL_EXIT", None)
    options.exit_at_once()
    built = _Built()
    ref = weakref.ref(built)
    options.keep_until_exit(built)
    del built
    gc.collect()
    assert ref() is not None


def test_the_console_script_still_writes_everything_and_exits_with_its_code(tmp_path) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "a.bib"
    src.write_text("@article{k1, title = {A Title}, author = {Doe, Jane}, year = {2020}}\n", encoding="utf-8")
    out = tmp_path / "out.bib"
    code = "import sys; from bibgen.entry import console; sys.argv = ['bibgen'] + sys.argv[1:]; console()"
    done = subprocess.run([sys.executable, "-c", code, "export", str(src), "-o", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "@article{k1," in out.read_text(encoding="utf-8") and "wrote 1 entry" in done.stderr
    bad = subprocess.run([sys.executable, "-c", code, "export", str(tmp_path / "missing.bib")], capture_output=True, text=True)
    assert bad.returncode == 2 and "no such file" in bad.stderr
