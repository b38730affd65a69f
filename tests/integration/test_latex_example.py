"""examples/latex-project: in sync as committed, compiles with pdflatex + bibtex, cited-by export, pre-commit config."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bibgen.bibsplit import RawEntry, split_bib
from bibgen.citations import read_citations
from conftest import ROOT, SEEDS, require_program

pytestmark = pytest.mark.integration
EXAMPLE = ROOT / "examples" / "latex-project"


def bibgen(cwd: Path, *args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BIBGEN_CACHE_DIR": str(cache)}
    return subprocess.run([sys.executable, "-m", "bibgen", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=300)


def keys(path: Path) -> set[str]:
    return {b.key for b in split_bib(path.read_text()) if isinstance(b, RawEntry)}


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    """The example and the seeds it reads, in the same relative layout, without the synced .bib."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    dest = tmp_path / "examples" / "latex-project"
    shutil.copytree(EXAMPLE, dest)
    (dest / "references.bib").unlink()
    return dest


def test_committed_bib_is_in_sync(tmp_path: Path) -> None:
    result = bibgen(EXAMPLE, "sync", "--check", "--no-cache", cache=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_paper_cites_only_generated_keys() -> None:
    cited = set(read_citations([EXAMPLE / "paper.tex"]).keys())
    assert len(cited) >= 5
    assert cited <= keys(EXAMPLE / "references.bib")


def latex(folder: Path, *cmd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(cmd), cwd=folder, capture_output=True, text=True, timeout=180, errors="replace")


def test_synced_bib_compiles_with_no_undefined_citations(copy: Path, tmp_path: Path) -> None:
    require_program("pdflatex")
    require_program("bibtex")
    sync = bibgen(copy, "sync", cache=tmp_path / "cache")
    assert sync.returncode == 0, sync.stderr
    assert (copy / "references.bib").read_text() == (EXAMPLE / "references.bib").read_text()
    run = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "paper.tex"]
    assert latex(copy, *run).returncode == 0
    bib = latex(copy, "bibtex", "paper")
    assert bib.returncode == 0, bib.stdout
    for _ in range(2):
        last = latex(copy, *run)
        assert last.returncode == 0, last.stdout[-2000:]
    log = (copy / "paper.log").read_text(errors="replace")
    blg = (copy / "paper.blg").read_text(errors="replace")
    assert not re.findall(r"Citation `[^']*' on page \d+ undefined", log)
    assert "There were undefined" not in log
    assert "I didn't find a database entry" not in blg
    cited = set(read_citations([copy / "paper.tex"]).keys())
    assert (copy / "paper.bbl").read_text().count("\\bibitem") == len(cited)

    # Only the cited entries, through the .aux LaTeX wrote.
    export = bibgen(copy, "export", "--cited-by", "paper.aux", "-o", "cited.bib", cache=tmp_path / "cache")
    assert export.returncode == 0, export.stderr
    assert keys(copy / "cited.bib") == cited


def test_cited_key_without_entry_is_reported_with_location(copy: Path, tmp_path: Path) -> None:
    assert bibgen(copy, "sync", cache=tmp_path / "cache").returncode == 0
    tex = copy / "paper.tex"
    lines = tex.read_text().split("\n")
    at = lines.index("\\begin{document}") + 1
    lines.insert(at, "Also \\cite[p.~1]{kavukcuogluGemini15,noSuchKey2024}.")
    tex.write_text("\n".join(lines))
    result = bibgen(copy, "export", "--cited-by", "paper.tex", cache=tmp_path / "cache")
    assert result.returncode == 1
    column = lines[at].index("noSuchKey2024") + 1
    assert f"paper.tex:{at + 1}:{column}: error: no entry has key 'noSuchKey2024'" in result.stderr
    # The entries that do exist are still written.
    written = {b.key for b in split_bib(result.stdout) if isinstance(b, RawEntry)}
    assert "kavukcuogluGemini15" in written and "noSuchKey2024" not in written


def test_example_pre_commit_config_runs(copy: Path, tmp_path: Path) -> None:
    require_program("git")
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("pre-commit is required on CI")
        pytest.skip("pre-commit not installed")
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "BIBGEN_CACHE_DIR": str(tmp_path / "cache"),
        "PRE_COMMIT_HOME": str(tmp_path / "pc"),
        # language: system runs the bibgen installed next to this Python.
        "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""),
    }
    # The paper folder is the repository; the seeds it reads lie outside it.
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "paper"]):
        subprocess.run(["git", *args], cwd=copy, env=env, check=True, capture_output=True)

    def run_hook() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "run", "--all-files"], cwd=copy, env=env, capture_output=True, text=True, timeout=300
        )

    if shutil.which("bibgen", path=env["PATH"]) is None:
        pytest.skip("bibgen console script not installed next to this Python")
    missing = run_hook()  # references.bib was removed: out of sync
    assert missing.returncode == 1, missing.stdout
    assert bibgen(copy, "sync", cache=tmp_path / "cache").returncode == 0
    ok = run_hook()
    assert ok.returncode == 0, ok.stdout + ok.stderr
