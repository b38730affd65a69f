"""Issue 17, through the installed console script (``bibgen`` next to this Python), as users run it."""

from __future__ import annotations

import os
import pty
import re
import select
import shutil
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

import pytest

from conftest import SEEDS

GOOD = "@article{{g{0},\n  title = {{Good paper number {0}}},\n  author = {{Author{0}, Ann}},\n  year = 2020,\n}}\n\n"


def exe() -> str:
    path = Path(sys.executable).parent / "bibgen"
    if not path.exists():
        found = shutil.which("bibgen")
        if found is None:
            if os.environ.get("CI"):
                pytest.fail("the bibgen console script is not installed next to this Python")
            pytest.skip("bibgen console script not installed")
        return found
    return str(path)


def bibgen(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    full = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    full.update(env or {})
    return subprocess.run([exe(), *args], cwd=cwd, env=full, capture_output=True, timeout=300)


def out(p: subprocess.CompletedProcess[bytes]) -> str:
    return p.stdout.decode("utf-8")


def err(p: subprocess.CompletedProcess[bytes]) -> str:
    return p.stderr.decode("utf-8")


def on_tty(*args: str, cwd: Path, env: dict[str, str] | None = None) -> tuple[int, str]:
    """Run with stderr on a pseudo-terminal; (exit code, what the terminal got)."""
    master, slave = pty.openpty()
    full = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    full.update(env or {})
    proc = subprocess.Popen([exe(), *args], cwd=cwd, env=full, stdout=subprocess.DEVNULL, stderr=slave, stdin=subprocess.DEVNULL)
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    proc.wait(timeout=60)
    os.close(master)
    return proc.returncode, b"".join(chunks).decode("utf-8", "replace")


# ---------------------------------------------------------------- set-up basics


def test_version() -> None:
    p = bibgen("--version")
    assert p.returncode == 0
    assert out(p) == f"bibgen {version('bibgen')}\n"


def test_shell_completion_script() -> None:
    p = bibgen("--show-completion", "bash")
    assert p.returncode == 0, err(p)
    assert "_BIBGEN_COMPLETE" in out(p) and "complete" in out(p)


def test_summary_line_quiet_and_verbose(tmp_path: Path) -> None:
    normal = bibgen("export", str(SEEDS))
    assert normal.returncode == 0
    assert err(normal) == "bibgen: read 13 records from 2 files, merged 2, wrote 11 entries to stdout, 0 warnings\n"
    for args in (["-q", "export", str(SEEDS)], ["export", "-q", str(SEEDS)]):
        quiet = bibgen(*args)
        assert quiet.returncode == 0 and err(quiet) == "" and out(quiet) == out(normal)
    verbose = bibgen("export", "-v", str(SEEDS))
    assert re.fullmatch(r"bibgen: read 13 records .* 0 warnings \[read [\d.]+ s, dedupe [\d.]+ s, write [\d.]+ s\]\n", err(verbose))
    assert bibgen("-q", "-v", "export", str(SEEDS)).returncode == 2


def test_quiet_still_prints_errors(tmp_path: Path) -> None:
    (tmp_path / "a.bib").write_text("@misc{a,\n  title = {x\n")
    p = bibgen("export", "-q", str(tmp_path / "a.bib"))
    assert p.returncode == 3 and ": error: " in err(p)


def test_colour_on_a_terminal_unless_no_color(tmp_path: Path) -> None:
    (tmp_path / "w.bib").write_text("@misc{w,\n  title = {T},\n  year = {20x1},\n}\n")
    code, shown = on_tty("export", "w.bib", cwd=tmp_path)
    assert code == 0 and "\x1b[" in shown and "warning" in shown
    for args, env in ((["--no-color", "export", "w.bib"], {}), (["export", "--no-color", "w.bib"], {}), (["export", "w.bib"], {"NO_COLOR": "1"})):
        code, shown = on_tty(*args, cwd=tmp_path, env=env)
        assert code == 0 and "\x1b[" not in shown and "w.bib:1:1: warning: year '20x1'" in shown, args


def test_progress_bar_on_a_terminal_for_a_long_run(tmp_path: Path) -> None:
    # Enough entries that reading and merging run well over the bar's delay on any machine.
    (tmp_path / "big.bib").write_text("".join(GOOD.format(i) for i in range(30000)))
    code, shown = on_tty("export", "big.bib", "-o", "out.bib", cwd=tmp_path)
    assert code == 0
    assert re.search(r"reading|merging duplicates|writing", shown), shown[-2000:]
    assert "wrote 30000 entries to out.bib" in shown
    piped = bibgen("export", "big.bib", "-o", "out2.bib", cwd=tmp_path)
    assert err(piped) == "bibgen: read 30000 records from 1 file, merged 0, wrote 30000 entries to out2.bib, 0 warnings\n"


@pytest.mark.parametrize(
    ("args", "first"),
    [
        (["export", "-f", "text", "--style", "chicago"], "chicago-author-date"),
        (["export", "-f", "text", "--style", "ieeee"], "ieee"),
        (["export", "-f", "text", "--style", "aap"], "apa"),
        (["export", "--format", "bibtx"], "bibtex"),
        (["export", "--format", "csl"], "csl-json"),
        (["export", "--from", "bibtx"], "bibtex"),
    ],
)
def test_did_you_mean_ranks_by_closeness_prefix_first(args: list[str], first: str, tmp_path: Path) -> None:
    p = bibgen(*args, str(SEEDS), cwd=tmp_path)
    assert p.returncode == 2
    m = re.search(r"did you mean '([^']+)'", err(p))
    assert m and m.group(1) == first, err(p)


# ---------------------------------------------------------------- one configuration


def project(tmp_path: Path, folder: str = "sources") -> Path:
    shutil.copytree(SEEDS, tmp_path / folder, ignore=shutil.ignore_patterns("*.bib", "*.json", "*.yaml", "*.yml"))
    return tmp_path


def test_init_writes_the_sources_the_folder_has(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / ".venv").mkdir()
    p = bibgen("init", cwd=root)
    assert p.returncode == 0, err(p)
    text = (root / "bibgen.yaml").read_text()
    assert '- "sources"' in text and "seeds" not in text
    assert "sources: sources" in err(p)
    assert bibgen("init", cwd=root).returncode == 2  # never overwrites


def test_init_in_a_pyproject_and_with_loose_bib_files(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "paper"\n')
    (tmp_path / "mine.bib").write_text(GOOD.format(1))
    (tmp_path / "bib").mkdir()
    (tmp_path / "bib" / "more.bib").write_text(GOOD.format(2))
    assert bibgen("init", cwd=tmp_path).returncode == 0
    assert 'sources = ["bib", "mine.bib"]' in (tmp_path / "pyproject.toml").read_text()
    p = bibgen("export", cwd=tmp_path)
    assert p.returncode == 0 and "read 2 records from 2 files" in err(p)


def test_every_command_uses_the_configuration(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert bibgen("init", cwd=root).returncode == 0
    sub = root / "sub"
    sub.mkdir()
    for args in (["export"], ["duplicates"], ["sync", "--check"], ["styles"]):
        p = bibgen(*args, cwd=sub)  # found by walking up
        assert p.returncode in (0, 1), (args, err(p))
        assert "no such file" not in err(p)
    dup = bibgen("duplicates", cwd=sub)
    assert "Gemma 3 Technical Report" in out(dup) and "read 13 records from 2 files" in err(dup)
    # --config from anywhere, the same for every command
    elsewhere = tmp_path.parent
    for args in (["export"], ["duplicates"]):
        p = bibgen(*args, "--config", str(root / "bibgen.yaml"), cwd=elsewhere)
        assert p.returncode == 0 and "read 13 records from 2 files" in err(p), err(p)


def test_the_config_file_is_never_a_source(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert bibgen("init", cwd=root).returncode == 0
    p = bibgen("export", ".", cwd=root)
    assert p.returncode == 0, err(p)
    assert "bibgen.yaml" not in err(p) and "read 13 records from 2 files" in err(p)
    named = bibgen("export", "bibgen.yaml", cwd=root)
    assert named.returncode == 2 and "configuration file, not a source" in err(named)


# ---------------------------------------------------------------- no silent skips, exact errors


def broken_file(tmp_path: Path) -> Path:
    body = "".join(GOOD.format(i) for i in range(6))  # 36 lines
    bad = "@article{bad,\n  author = {Doe, Jane},\n  title = {Unclosed {brace} here,\n  year = 2021,\n}\n\n"
    path = tmp_path / "refs.bib"
    path.write_text(body + "@comment{x}\n\n" + bad + "".join(GOOD.format(i) for i in range(6, 9)))
    return path  # the unclosed brace is on line 41, column 11


def test_unclosed_brace_is_an_error_where_it_opens_and_nothing_is_written(tmp_path: Path) -> None:
    path = broken_file(tmp_path)
    p = bibgen("export", str(path), "-o", str(tmp_path / "out.bib"))
    assert p.returncode == 3
    lines = err(p).splitlines()
    assert lines[0].startswith(f"{path}:41:11: error: unclosed '{{' in field 'title'")
    assert lines[1] == "  41 |   title = {Unclosed {brace} here,"
    assert lines[2] == "     |           ^"
    assert not (tmp_path / "out.bib").exists()
    assert out(p) == ""


def test_keep_going_skips_and_says_how_many_and_where(tmp_path: Path) -> None:
    path = broken_file(tmp_path)
    p = bibgen("export", "--keep-going", str(path))
    assert p.returncode == 0
    assert out(p).count("@article{") == 9
    assert f"{path}:41:11: warning: unclosed '{{' in field 'title'" in err(p)
    assert re.search(rf"skipped 1 \({re.escape(str(path))}:41:11\)", err(p)), err(p)


@pytest.mark.parametrize(
    ("entry", "where", "message"),
    [
        ("@article{a,\n  title = {X}\n  year = 2020,\n}\n", (2, 14), "missing comma after field 'title'"),
        ('@article{a,\n  title = "X,\n  year = 2020,\n}\n', (2, 11), 'unterminated "..." value'),
        ("@article{a,\n  title = {X},\n  year 2020,\n}\n", (3, 8), "missing '=' after field name 'year'"),
        ("@article{title = {X}}\n", (1, 10), "has no citation key"),
        ("@article{a,\n  title = {X},\n  note = {open\n", (3, 10), "unbalanced braces"),
    ],
)
def test_error_messages_say_what_is_wrong_where(tmp_path: Path, entry: str, where: tuple[int, int], message: str) -> None:
    path = tmp_path / "x.bib"
    path.write_text(GOOD.format(0) + entry)
    p = bibgen("export", str(path))
    assert p.returncode == 3
    first = err(p).splitlines()[0]
    line, col = where
    assert first.startswith(f"{path}:{line + 6}:{col}: error: "), first
    assert message in first
    assert "undefined macro" not in err(p)


# ---------------------------------------------------------------- validation


def test_impossible_values_warn_and_fail_under_strict(tmp_path: Path) -> None:
    path = tmp_path / "v.bib"
    path.write_text(
        "@article{v,\n  title = {T},\n  year = {20x1},\n  month = {13},\n  author = {B and},\n"
        "  pages = {778--770},\n  doi = {doi:not-a-doi},\n  isbn = {978-3-16-148410-1},\n}\n"
        "@book{ok,\n  title = {Fine},\n  year = {2020a},\n  month = 12,\n  author = {A and B},\n"
        "  pages = {1234--56},\n  doi = {https://doi.org/10.1000/xyz},\n  isbn = {978-3-16-148410-0},\n}\n"
    )
    p = bibgen("export", str(path))
    assert p.returncode == 0
    warnings = [l for l in err(p).splitlines() if ": warning: " in l]
    assert all(l.startswith(f"{path}:1:1: ") for l in warnings), warnings
    text = "\n".join(warnings)
    for needle in ("year '20x1'", "month '13'", "empty name", "doi 'doi:not-a-doi'", "isbn '978-3-16-148410-1'", "pages '778"):
        assert needle in text, needle
    assert len(warnings) == 6
    strict = bibgen("export", "--strict", str(path))
    assert strict.returncode == 3 and out(strict) == ""


def test_equivalent_values_are_no_conflict(tmp_path: Path) -> None:
    (tmp_path / "a.bib").write_text("@article{a,\n  title = {Same Work Here Again},\n  author = {Doe, J.},\n  year = 2020,\n"
                                    "  pages = {770-778},\n  doi = {doi:10.1000/abc},\n}\n")
    (tmp_path / "b.bib").write_text("@article{b,\n  title = {Same Work Here Again},\n  author = {Doe, J.},\n  year = 2020,\n"
                                    "  pages = {770--778},\n  doi = {https://doi.org/10.1000/abc},\n}\n")
    p = bibgen("export", str(tmp_path))
    assert p.returncode == 0
    assert "conflicting" not in err(p) and "merged 1" in err(p) and "0 warnings" in err(p)
    (tmp_path / "b.bib").write_text((tmp_path / "b.bib").read_text().replace("770--778", "770--779"))
    assert "conflicting pages" in err(bibgen("export", str(tmp_path)))


# ---------------------------------------------------------------- encodings


def test_encodings_bom_jabref_header_and_flag(tmp_path: Path) -> None:
    entry = "@article{{k{0},\n  title = {{Café Müller {0}}},\n  author = {{Gödel, Kurt}},\n  year = 1931,\n}}\n"
    (tmp_path / "u16.bib").write_bytes(b"\xff\xfe" + entry.format(1).encode("utf-16-le"))
    (tmp_path / "u16be.bib").write_bytes(b"\xfe\xff" + entry.format(2).encode("utf-16-be"))
    (tmp_path / "u8bom.bib").write_bytes(b"\xef\xbb\xbf" + entry.format(3).encode())
    (tmp_path / "jabref.bib").write_bytes(("% Encoding: windows-1252\n\n" + entry.format(4).replace("Café", "Café – “q”")).encode("cp1252"))
    latin = tmp_path / "latin"
    latin.mkdir()
    (latin / "l.bib").write_bytes(entry.format(5).encode("latin-1"))
    p = bibgen("export", str(tmp_path / "u16.bib"), str(tmp_path / "u16be.bib"), str(tmp_path / "u8bom.bib"), str(tmp_path / "jabref.bib"))
    assert p.returncode == 0, err(p)
    text = out(p)  # decodes as UTF-8 (out() would raise otherwise)
    assert text.count("Gödel, Kurt") == 4 and "Café – “q” Müller 4" in text
    refused = bibgen("export", str(latin))
    assert refused.returncode == 3 and "l.bib:2:15: error: not valid UTF-8" in err(refused)
    ok = bibgen("export", "--encoding", "latin-1", str(latin), env={"LC_ALL": "C", "LANG": "C", "PYTHONIOENCODING": "ascii"})
    assert ok.returncode == 0, err(ok)
    assert "Café Müller 5" in out(ok)  # UTF-8 whatever the locale
    ascii_ = bibgen("export", "--ascii", "--encoding", "latin-1", str(latin))
    assert ascii_.stdout.isascii() and ("G{\\\"o}del" in out(ascii_) or "G{\\\"{o}}del" in out(ascii_))
    assert bibgen("export", "--encoding", "klingon", str(latin)).returncode == 2


def test_undecodable_byte_in_declared_encoding_is_located(tmp_path: Path) -> None:
    (tmp_path / "j.bib").write_bytes(b"% Encoding: windows-1252\n@misc{a,\n  title = {x\x81y},\n}\n")
    p = bibgen("export", str(tmp_path / "j.bib"))
    assert p.returncode == 3
    assert err(p).startswith(f"{tmp_path / 'j.bib'}:3:13: error: not valid cp1252")
