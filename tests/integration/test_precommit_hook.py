"""The bibgen-sync pre-commit hook, installed by the real pre-commit from a committed copy of this project."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS, require_program

pytestmark = pytest.mark.integration

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.org",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.org",
}


def git(repo: Path, *args: str) -> str:
    out = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, env={**os.environ, **GIT_ENV}, check=True)
    return out.stdout


def committed_copy_of_this_project(dest: Path) -> Path:
    """This project's files (tracked and new, not ignored) as a fresh one-commit git repository."""
    listed = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode().split("\0")
    for name in filter(None, listed):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    git(dest, "commit", "-qm", "bibgen under test")
    return dest


def pre_commit() -> list[str]:
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("pre-commit is required on CI (it is in the test extra)")
        pytest.skip("pre-commit not installed")
    return [sys.executable, "-m", "pre_commit"]


def test_hook_fails_when_a_seed_changed_and_passes_after_sync(tmp_path: Path) -> None:
    require_program("git")
    cmd = pre_commit()
    hook_repo = committed_copy_of_this_project(tmp_path / "bibgen")
    assert (hook_repo / ".pre-commit-hooks.yaml").is_file()

    paper = tmp_path / "paper"
    shutil.copytree(SEEDS, paper / "seeds")
    (paper / "bibgen.yaml").write_text("sources: [seeds]\noutputs: [{path: refs.bib, format: bibtex}]\n")
    env = {**os.environ, **GIT_ENV, "BIBGEN_CACHE_DIR": str(tmp_path / "cache"), "PRE_COMMIT_HOME": str(tmp_path / "pc")}
    sync = subprocess.run([sys.executable, "-m", "bibgen", "sync"], cwd=paper, env=env, capture_output=True, text=True)
    assert sync.returncode == 0, sync.stderr
    git(paper, "init", "-q")
    git(paper, "add", "-A")
    git(paper, "commit", "-qm", "paper")

    def hook() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*cmd, "try-repo", str(hook_repo), "bibgen-sync", "--all-files"],
            cwd=paper,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )

    ok = hook()
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "bibgen sync --check" in ok.stdout and "Passed" in ok.stdout

    page = paper / "seeds" / "003_63f33c0482b94aee.txt"
    page.write_text(page.read_text().replace("Stop Regressing", "Stop Regressing Today"))
    failed = hook()
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Failed" in failed.stdout
    assert "+  title = {Stop Regressing Today:" in failed.stdout
    assert "refs.bib would change" in failed.stdout

    sync = subprocess.run([sys.executable, "-m", "bibgen", "sync"], cwd=paper, env=env, capture_output=True, text=True)
    assert sync.returncode == 0, sync.stderr
    again = hook()
    assert again.returncode == 0, again.stdout + again.stderr


UNTIDY = """% my references
@string{nat = {Nature}}

@Article{silver2016,
    Title={Mastering the game of {Go}},
  journal=nat, year=2016,
        AUTHOR = "Silver, David"}

@comment{keep me}
@misc{a, title = {Zeta}}
"""


def test_tidy_hook_fails_on_an_untidy_bib_and_passes_once_fixed(tmp_path: Path) -> None:
    require_program("git")
    cmd = pre_commit()
    hook_repo = committed_copy_of_this_project(tmp_path / "bibgen")
    paper = tmp_path / "paper"
    paper.mkdir()
    (paper / "refs.bib").write_text(UNTIDY)
    env = {**os.environ, **GIT_ENV, "BIBGEN_CACHE_DIR": str(tmp_path / "cache"), "PRE_COMMIT_HOME": str(tmp_path / "pc")}
    git(paper, "init", "-q")
    git(paper, "add", "-A")
    git(paper, "commit", "-qm", "paper")

    def hook() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*cmd, "try-repo", str(hook_repo), "bibgen-tidy", "--all-files"],
            cwd=paper, env=env, capture_output=True, text=True, timeout=900,
        )

    failed = hook()
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "Failed" in failed.stdout and "files were modified by this hook" in failed.stdout
    tidy = (paper / "refs.bib").read_text()
    # Layout changed; every value, the comment, the macro and the entry order kept.
    assert tidy == (
        "% my references\n\n@string{nat = {Nature}}\n\n@article{silver2016,\n  author = {Silver, David},\n"
        "  title = {Mastering the game of {Go}},\n  journal = nat,\n  year = 2016,\n}\n\n"
        "@comment{keep me}\n\n@misc{a,\n  title = {Zeta},\n}\n"
    )
    git(paper, "add", "-A")
    git(paper, "commit", "-qm", "tidy")
    again = hook()
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Passed" in again.stdout
