"""Hostile inputs: each gives a clear error or safe output, never a traceback."""

from __future__ import annotations

import os

import pytest

from bibgen.pipeline import Options, discover, read
from conftest import run_cli

PAGE = "Collaborating Authors\n\n\u00a0Doe, Jane\n\nA Title\n\narXiv.org Robotics\n\nAn abstract.\n"


def test_huge_line_is_refused_with_location(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:
        fh.write(PAGE.encode())
        fh.write(b"x" * (64 << 20))  # 64 MiB on one line: the same code path as 1 GB
        fh.write(b"\n")
    result = run_cli("export", str(path))
    assert result.returncode == 3
    assert result.stderr.startswith(f"{path}:10:1: error: line 10 is longer than 1 MiB; this is not an author page")
    assert result.stdout == ""


def test_symlink_loop_is_walked_once(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "p.txt").write_text(PAGE)
    os.symlink(tmp_path, tmp_path / "a" / "loop")
    files = discover([tmp_path], Options())
    assert [p.name for p in files] == ["p.txt"]
    assert len(read([tmp_path])) == 1


def test_output_path_that_is_a_source_is_refused(tmp_path):
    page = tmp_path / "p.txt"
    page.write_text(PAGE)
    result = run_cli("export", str(tmp_path), "-o", str(page))
    assert result.returncode == 2
    assert "also one of the sources" in result.stderr
    assert page.read_text() == PAGE


@pytest.mark.parametrize("link", ["symlink", "hardlink"])
def test_output_path_that_is_a_link_to_a_source_is_refused(tmp_path, link):
    page = tmp_path / "src" / "p.txt"
    page.parent.mkdir()
    page.write_text(PAGE)
    out = tmp_path / "out.txt"
    (os.symlink if link == "symlink" else os.link)(page, out)
    result = run_cli("export", str(tmp_path / "src"), "-o", str(out))
    assert result.returncode == 2 and "also one of the sources" in result.stderr
    assert page.read_text() == PAGE
    # A new output file, or one that is another file, is no source.
    fresh = run_cli("export", str(tmp_path / "src"), "-o", str(tmp_path / "new.bib"))
    assert fresh.returncode == 0, fresh.stderr
    assert run_cli("export", str(tmp_path / "src"), "-o", str(tmp_path / "new.bib")).returncode == 0


@pytest.mark.parametrize("field", ["title", "source", "abstract", "author"])
@pytest.mark.parametrize(
    "payload",
    [r"\input{/etc/passwd}", r"\immediate\write18{touch /tmp/x}", r"\catcode`\%=11", "}{", r"\def\x{\x}\x", "@misc{evil,"],
)
def test_latex_injection_in_every_field_is_neutralised(field, payload, tmp_path):
    import bibtexparser

    parts = {"title": "A Title", "source": "arXiv.org Robotics", "abstract": "An abstract.", "author": "Doe, Jane"}
    parts[field] = f"{parts[field]} {payload}" if field != "author" else f"Doe {payload}, Jane"
    page = tmp_path / "p.txt"
    page.write_text(
        f"Collaborating Authors\n\n\u00a0{parts['author']}\n\n{parts['title']}\n\n{parts['source']}\n\n{parts['abstract']}\n"
    )
    result = run_cli("export", str(page))
    assert result.returncode == 0, result.stderr
    bib = result.stdout
    library = bibtexparser.parse_string(bib)
    assert len(library.entries) == 1 and not library.failed_blocks
    import re

    commands = set(re.findall(r"\\([A-Za-z]+)", bib))
    assert commands <= {"textbackslash", "textbraceleft", "textbraceright", "textasciitilde", "textasciicircum", "textless", "textgreater", "textbar"}


def test_errors_never_traceback_on_directory_with_bad_files(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"\xff\xfe\x00garbage")
    result = run_cli("export", str(tmp_path))
    assert result.returncode == 3 and "Traceback" not in result.stderr and result.stdout == ""

