"""The command line as users run it: output streams, exit codes, atomic -o."""

from __future__ import annotations

import os
import stat

import pytest

from conftest import ROOT, SEEDS, run_cli


def test_export_defaults_to_seeds_and_stdout(tmp_path):
    (tmp_path / "seeds").mkdir()
    for p in SEEDS.iterdir():
        (tmp_path / "seeds" / p.name).write_bytes(p.read_bytes())
    result = run_cli("export", "--format", "bibtex", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n@") + 1 == 11
    assert result.stderr == "bibgen: read 13 records from 2 files, merged 2, wrote 11 entries to stdout, 0 warnings\n"


def test_seed_export_has_eleven_entries_and_shared_works():
    result = run_cli("export", "--format", "bibtex", str(SEEDS))
    entries = result.stdout.split("\n@")
    assert len(entries) == 11
    shared = [e for e in entries if "Kavukcuoglu" in e and "Orbay" in e]
    assert len(shared) == 2
    assert all("and others}" in e for e in entries)


def test_output_file_is_written_atomically(tmp_path):
    out = tmp_path / "refs.bib"
    result = run_cli("export", str(SEEDS), "-o", str(out))
    assert result.returncode == 0 and result.stdout == ""
    first = out.read_text()
    assert first == run_cli("export", str(SEEDS)).stdout
    mtime = out.stat().st_mtime_ns
    assert run_cli("export", str(SEEDS), "-o", str(out)).returncode == 0
    assert out.stat().st_mtime_ns == mtime, "an unchanged output is not rewritten"
    assert [p.name for p in tmp_path.iterdir()] == ["refs.bib"], "no temp files left behind"


def test_failed_run_leaves_target_untouched(tmp_path):
    out = tmp_path / "refs.bib"
    out.write_text("% hand-made\n")
    bad = tmp_path / "bad.txt"
    bad.write_text("not a page\n")
    result = run_cli("export", str(SEEDS), str(bad), "-o", str(out))
    assert result.returncode == 3
    assert out.read_text() == "% hand-made\n"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["export", "--format", "nope"], 2, "unknown format 'nope'"),
        (["export", "--format", "bibtx"], 2, "did you mean 'bibtex'"),
        (["export", "does-not-exist"], 2, "no such file or folder"),
        (["export", "--key-pattern", "[bogus]"], 2, "unknown field 'bogus'"),
        (["export", "--no-such-option"], 2, "No such option"),
        (["frobnicate"], 2, "No such command"),
    ],
)
def test_usage_errors_exit_2(args, code, message):
    result = run_cli(*args)
    assert result.returncode == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_unwritable_output_exits_4(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    if os.geteuid() == 0:
        # root ignores permissions; a path under a regular file fails for everyone
        target = tmp_path / "file" / "refs.bib"
        (tmp_path / "file").write_text("")
    else:
        target = locked / "refs.bib"
    result = run_cli("export", str(SEEDS), "-o", str(target))
    assert result.returncode == 4
    assert "cannot write" in result.stderr and "Traceback" not in result.stderr


def test_warnings_go_to_stderr_and_strict_fails(tmp_path):
    page = tmp_path / "p.txt"
    page.write_text("Collaborating Authors\n\n\u00a0Doe, Jane\n\nA Title\n\nUnheard Of Aggregator\n")
    ok = run_cli("export", str(page))
    assert ok.returncode == 0 and "@misc{doeTitle," in ok.stdout
    assert ok.stderr.startswith(f"{page}:7:1: warning: unknown source line")
    strict = run_cli("export", "--strict", str(page))
    assert strict.returncode == 3 and strict.stdout == ""


def test_help_is_complete():
    result = run_cli("export", "--help")
    for option in ("--format", "--output", "--key-pattern", "--ascii", "--from", "--strict"):
        assert option in result.stdout


def test_same_output_under_any_hash_seed():
    outs = {run_cli("export", str(SEEDS), env={"PYTHONHASHSEED": str(s)}).stdout for s in (0, 1, 12345)}
    assert len(outs) == 1


def test_python_dash_m_and_console_script_agree():
    import shutil
    import subprocess

    exe = shutil.which("bibgen")
    if exe is None:
        pytest.skip("console script not on PATH")
    direct = subprocess.run([exe, "export", str(SEEDS)], capture_output=True, text=True, cwd=ROOT)
    assert direct.stdout == run_cli("export", str(SEEDS)).stdout
