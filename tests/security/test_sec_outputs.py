"""Outputs that must not damage the system, and OS errors as one line (issue 20)."""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bibgen.errors import OutputError
from bibgen.output import write_atomic
from conftest import ROOT, SEEDS, run_cli

ONE_LINE = "\n"


def one_error_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert ": error: " in lines[0] and "Traceback" not in stderr, stderr
    return lines[0]


def test_fifo_output_is_refused_and_kept(tmp_path):
    fifo = tmp_path / "out.bib"
    os.mkfifo(fifo)
    run = run_cli("export", str(SEEDS), "-o", str(fifo), cwd=tmp_path)
    assert run.returncode == 4
    assert "is a FIFO" in one_error_line(run.stderr)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_device_output_is_refused_and_kept(tmp_path):
    # A private copy of /dev/null (root can make one): a regression must not replace the real one.
    device = tmp_path / "null"
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        device = Path("/dev/null")  # not root: the old bug could not replace it either
    run = run_cli("export", str(SEEDS), "-o", str(device), cwd=tmp_path)
    assert run.returncode == 4
    assert "is a device" in one_error_line(run.stderr)
    assert stat.S_ISCHR(os.lstat(device).st_mode)


def test_socket_and_folder_outputs_are_refused(tmp_path):
    sock_path = tmp_path / "s.bib"
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(sock_path))
        with pytest.raises(OutputError, match="is a socket"):
            write_atomic(sock_path, "x")
    finally:
        sock.close()
    assert stat.S_ISSOCK(os.lstat(sock_path).st_mode)
    with pytest.raises(OutputError, match="is a folder"):
        write_atomic(tmp_path, "x")


def test_symlinked_output_is_written_through_to_its_target(tmp_path):
    real_dir = tmp_path / "elsewhere"
    real_dir.mkdir()
    real = real_dir / "refs.bib"
    real.write_text("old\n")
    link = tmp_path / "link.bib"
    link.symlink_to(real)
    run = run_cli("export", str(SEEDS), "-o", str(link), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text().startswith("@")
    # the temp file lived beside the target, and nothing is left behind
    assert sorted(p.name for p in real_dir.iterdir()) == ["refs.bib"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere", "link.bib"]


def test_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "link.bib"
    link.symlink_to(tmp_path / "made.bib")
    write_atomic(link, "x\n")
    assert link.is_symlink() and (tmp_path / "made.bib").read_text() == "x\n"


def test_read_only_target_is_refused_unless_force(tmp_path):
    out = tmp_path / "refs.bib"
    out.write_text("precious\n")
    out.chmod(0o444)
    run = run_cli("export", str(SEEDS), "-o", str(out), cwd=tmp_path)
    assert run.returncode == 4
    assert "read-only" in one_error_line(run.stderr) and "--force" in run.stderr
    assert out.read_text() == "precious\n"
    forced = run_cli("export", str(SEEDS), "-o", str(out), "--force", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert out.read_text().startswith("@")
    assert stat.S_IMODE(out.stat().st_mode) == 0o444  # its mode is kept
    # Nothing to change: a read-only file that already holds the output is fine.
    assert run_cli("export", str(SEEDS), "-o", str(out), cwd=tmp_path).returncode == 0


def test_read_only_sync_target_is_refused_unless_force(tmp_path):
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "a.yaml").write_text("- {title: A work, year: 2020}\n")
    (tmp_path / "bibgen.yaml").write_text("sources: [seeds]\noutputs:\n  - {path: refs.bib, format: bibtex}\n")
    out = tmp_path / "refs.bib"
    out.write_text("")
    out.chmod(0o444)
    env = {"BIBGEN_CACHE_DIR": str(tmp_path / "cache")}
    run = run_cli("sync", cwd=tmp_path, env=env)
    assert run.returncode == 4 and "read-only" in one_error_line(run.stderr)
    assert out.read_text() == ""
    assert run_cli("sync", "--force", cwd=tmp_path, env=env).returncode == 0
    assert "title = {A work}" in out.read_text()


def test_stdout_full_disk_is_one_line_exit_4():
    with open("/dev/full", "w") as full:
        run = subprocess.run(
            [sys.executable, "-m", "bibgen", "export", str(SEEDS)], stdout=full, stderr=subprocess.PIPE, text=True, cwd=ROOT
        )
    assert run.returncode == 4
    assert one_error_line(run.stderr) == "bibgen: error: cannot write to stdout: no space left on device"


def test_stdout_closed_pipe_is_one_line_exit_4(tmp_path):
    # The reader closes before bibgen writes (as `head` does once it has its lines).
    src = tmp_path / "many.yaml"
    src.write_text("".join(f"- {{title: Work number {i} about things, year: 2020}}\n" for i in range(200)))
    proc = subprocess.Popen(
        [sys.executable, "-m", "bibgen", "export", str(src)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 4
    assert one_error_line(err) == "bibgen: error: cannot write to stdout: the reading end of the pipe was closed"


def test_unreadable_input_is_one_line(tmp_path, monkeypatch, capsys):
    """EACCES on a source (simulated: the tests run as root, which chmod 000 does not stop)."""
    from bibgen import cli

    src = tmp_path / "a.yaml"
    src.write_text("- {title: x}\n")
    real = Path.read_bytes

    def denied(self):  # type: ignore[no-untyped-def]
        if self == src:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    monkeypatch.setattr(sys, "argv", ["bibgen", "export", str(src)])
    with pytest.raises(SystemExit) as info:
        cli.main()
    assert info.value.code == 3
    assert one_error_line(capsys.readouterr().err) == f"{src}:1:1: error: cannot read: Permission denied"


def test_unlistable_source_folder_is_an_error_not_silence(tmp_path, monkeypatch):
    from bibgen.errors import InputError
    from bibgen.pipeline import Options, discover

    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.yaml").write_text("- {title: x}\n")
    real = os.scandir

    def scandir(path):  # type: ignore[no-untyped-def]
        if str(path).endswith("sub"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    with pytest.raises(InputError, match="cannot read folder: Permission denied"):
        discover([tmp_path], Options())


def test_unwritable_output_folder_is_one_line(tmp_path, monkeypatch, capsys):
    import tempfile

    from bibgen import cli

    def denied(*a, **k):  # type: ignore[no-untyped-def]
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    out = tmp_path / "refs.bib"
    monkeypatch.setattr(sys, "argv", ["bibgen", "export", str(SEEDS), "-o", str(out)])
    with pytest.raises(SystemExit) as info:
        cli.main()
    assert info.value.code == 4
    assert one_error_line(capsys.readouterr().err) == f"{out}:1:1: error: cannot write: Permission denied"


@pytest.mark.parametrize("old", [None, "", "ab", "abc\n", "abc\nd\u00e9f\n", "abc\nd\u00e9f\nmore\n", "xyz\nd\u00e9f\n"])
def test_pieces_are_written_and_compared_as_they_come(tmp_path, old):
    # bibgen export -o streams a writer's entries into the file (the whole text is
    # never in memory): the result, and whether anything was written, are those of
    # writing the joined text.
    out = tmp_path / "refs.bib"
    if old is not None:
        out.write_text(old, encoding="utf-8")
    inode = out.stat().st_ino if old is not None else None
    new = ["abc", "\n", "d\u00e9f", "\n"]
    written = write_atomic(out, iter(new))
    assert out.read_text(encoding="utf-8") == "abc\nd\u00e9f\n"
    assert written == (old != "abc\nd\u00e9f\n")
    if not written:
        assert out.stat().st_ino == inode  # untouched, not replaced by a copy
    assert sorted(p.name for p in tmp_path.iterdir()) == ["refs.bib"]  # no temporary file left


def test_an_error_while_pieces_are_made_leaves_the_target_as_it_was(tmp_path):
    out = tmp_path / "refs.bib"
    out.write_text("precious\n")

    def pieces():
        yield "@article{a,\n}\n"
        raise OutputError("a writer failed half-way", None)

    with pytest.raises(OutputError):
        write_atomic(out, pieces())
    assert out.read_text() == "precious\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["refs.bib"]


def test_export_to_a_file_equals_export_to_stdout(tmp_path):
    out = tmp_path / "refs.bib"
    to_file = run_cli("export", str(SEEDS), "-o", str(out), cwd=tmp_path)
    to_stdout = run_cli("export", str(SEEDS), cwd=tmp_path)
    assert to_file.returncode == to_stdout.returncode == 0, to_file.stderr
    assert out.read_text(encoding="utf-8") == to_stdout.stdout and to_stdout.stdout.count("@") > 10
