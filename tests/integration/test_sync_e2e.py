"""bibgen sync end to end, in temporary git repositories, through the real command line."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bibgen.bibsplit import RawEntry, split_bib
from conftest import SEEDS, require_program

pytestmark = pytest.mark.integration

CONFIG = """\
sources: ["seeds/*.txt"]
outputs:
  - path: refs.bib
    format: bibtex
"""

PAGE = "Goto\n\nCollaborating Authors\n\n\u00a0{author}\n\n\n{records}"
RECORD = "{title}\n\narXiv.org Machine Learning\n\n{abstract}\n\n\n"


def bibgen(repo: Path, *args: str, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BIBGEN_CACHE_DIR": str(cache)}
    return subprocess.run(
        [sys.executable, "-m", "bibgen", *args], cwd=repo, capture_output=True, text=True, env=env, timeout=300
    )


def git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    out = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, env=env, check=True)
    return out.stdout


def entries(path: Path) -> dict[str, RawEntry]:
    return {b.key: b for b in split_bib(path.read_text(), str(path)) if isinstance(b, RawEntry)}


def title(entry: RawEntry) -> str:
    return entry.field_map()["title"].value


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    require_program("git")
    root = tmp_path / "paper"
    shutil.copytree(SEEDS, root / "seeds")
    (root / "bibgen.yaml").write_text(CONFIG)
    git(root, "init", "-q")
    return root


def test_sync_keeps_keys_and_hand_edits_across_source_changes(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = bibgen(repo, "sync", cache=cache)
    assert first.returncode == 0, first.stderr
    bib = repo / "refs.bib"
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "first sync")
    original = entries(bib)
    original_titles = {k: title(e) for k, e in original.items()}

    # 1. A seed file that sorts first, by another author, sharing two works and adding one.
    (repo / "seeds" / "000_aaa.txt").write_text(
        PAGE.format(
            author="Abbeel, Pieter",
            records=RECORD.format(title="Gemma 3 Technical Report", abstract="Short abstract.")
            + RECORD.format(title="Capabilities of Gemini Models in Medicine", abstract="Another one.")
            + RECORD.format(title="A Brand New Paper on Robots", abstract="New."),
        )
    )
    # 2. A title edited in its source.
    page = repo / "seeds" / "000_946b4e9e47dcb52c.txt"
    page.write_text(page.read_text().replace("The StreetLearn Environment and Dataset", "The StreetLearn Environment and Data Set"))
    check = bibgen(repo, "sync", "--check", cache=cache)
    assert check.returncode == 1
    assert "+  title = {A Brand New Paper on Robots}," in check.stdout
    assert bib.read_text() == git(repo, "show", "HEAD:refs.bib")  # --check wrote nothing

    # 3. A hand entry and a hand field in the .bib.
    text = bib.read_text()
    text = text.replace(
        "@misc{kavukcuogluGemini15,\n", "@misc{kavukcuogluGemini15,\n  doi = {10.48550/arXiv.2403.05530},\n"
    )
    text = "@book{knuth1984,\n  author = {Knuth, Donald E.},\n  title = {The {\\TeX}book},\n  year = {1984},\n}\n\n" + text
    bib.write_text(text)

    second = bibgen(repo, "sync", cache=cache)
    assert second.returncode == 0, second.stderr
    after = entries(bib)
    # Every old key is still there and still names the same work.
    assert set(original) <= set(after)
    for key, old_title in original_titles.items():
        if "StreetLearn" in old_title:
            assert title(after[key]) == "{The {StreetLearn} Environment and Data Set}"
        else:
            assert title(after[key]) == old_title
    assert not [k for k in after if k.startswith("abbeel") and "Robots" not in title(after[k])]
    assert not [k for k in after if "DataSet" in k]
    assert "Abbeel" in after["kavukcuogluGemma3Technical"].field_map()["author"].value
    # Hand work is kept, and reported.
    assert "knuth1984" in after
    assert after["kavukcuogluGemini15"].field_map()["doi"].value == "{10.48550/arXiv.2403.05530}"
    assert "'knuth1984' is not produced by any source; kept" in second.stderr
    # In sync now, and a further run changes nothing.
    assert bibgen(repo, "sync", "--check", "--no-cache", cache=cache).returncode == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "second sync")
    third = bibgen(repo, "sync", "--no-cache", cache=cache)
    assert third.returncode == 0
    assert git(repo, "status", "--porcelain") == ""

    # 4. A hand edit of a generated value survives a later sync and is reported each time.
    bib.write_text(bib.read_text().replace("{Gemma 3 Technical Report}", "{Gemma 3: Technical Report}"))
    fourth = bibgen(repo, "sync", cache=cache)
    assert "keeping hand-edited field 'title'" in fourth.stderr
    assert title(entries(bib)["kavukcuogluGemma3Technical"]) == "{Gemma 3: Technical Report}"
    assert bibgen(repo, "sync", "--check", "--no-cache", cache=cache).returncode == 0

    # 5. --prune removes what no source produces.
    pruned = bibgen(repo, "sync", "--prune", cache=cache)
    assert pruned.returncode == 0
    assert "knuth1984" not in entries(bib)


# ---------------------------------------------------------------- killed half-way


def big_project(root: Path, n: int, variant: str) -> None:
    rng = random.Random(7)
    words = "neural graph learning robust sparse attention model vision data causal kernel memory planning".split()
    seeds = root / "seeds"
    seeds.mkdir(parents=True, exist_ok=True)
    per = 100
    for f in range(n // per):
        records = "".join(
            RECORD.format(
                title=" ".join(rng.choice(words) for _ in range(5)).capitalize() + f" {f}-{i}",
                abstract=f"{variant} " + " ".join(rng.choice(words) for _ in range(60)) + ".",
            )
            for i in range(per)
        )
        (seeds / f"page{f:03d}.txt").write_text(PAGE.format(author=f"Writer{f:03d}, Ann", records=records))
    (root / "bibgen.yaml").write_text(CONFIG)


def test_killed_sync_leaves_old_or_new_file_never_a_truncated_one(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    project = tmp_path / "big"
    big_project(project, 2000, "Old")
    assert bibgen(project, "sync", cache=cache).returncode == 0
    old = (project / "refs.bib").read_bytes()
    big_project(project, 2000, "New")
    expected_dir = tmp_path / "expected"
    shutil.copytree(project, expected_dir)
    assert bibgen(expected_dir, "sync", cache=cache).returncode == 0
    new = (expected_dir / "refs.bib").read_bytes()
    assert new != old and len(new) > 1_000_000

    env = {**os.environ, "BIBGEN_CACHE_DIR": str(cache)}
    cmd = [sys.executable, "-m", "bibgen", "sync", "--no-cache"]
    killed_during_write = 0
    outcomes = set()
    rng = random.Random(3)
    for attempt in range(12):
        (project / "refs.bib").write_bytes(old)
        proc = subprocess.Popen(cmd, cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if attempt % 2 == 0:
            # Kill the moment the temporary file appears: mid-write.
            deadline = time.monotonic() + 120
            while proc.poll() is None and time.monotonic() < deadline:
                if any(n.endswith(".tmp") for n in os.listdir(project)):
                    proc.send_signal(signal.SIGKILL)
                    killed_during_write += 1
                    break
        else:
            time.sleep(rng.uniform(0.0, 2.5))  # anywhere in the run
            proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=120)
        data = (project / "refs.bib").read_bytes()
        assert data in (old, new), f"attempt {attempt}: target is neither old nor new ({len(data)} bytes)"
        outcomes.add("new" if data == new else "old")
        names = os.listdir(project)
        assert [n for n in names if n.endswith(".bib")] == ["refs.bib"]
        # A killed run may leave its temp file and its (unlocked) lock file, nothing else.
        leftovers = [n for n in names if n not in ("refs.bib", "seeds", "bibgen.yaml", ".refs.bib.lock")]
        assert all(n.startswith(".refs.bib.") and n.endswith(".tmp") for n in leftovers)
    assert killed_during_write >= 1
    final = bibgen(project, "sync", cache=cache)
    assert final.returncode == 0, final.stderr
    assert (project / "refs.bib").read_bytes() == new
    assert bibgen(project, "sync", "--check", cache=cache).returncode == 0


# ---------------------------------------------------------------- --watch


def test_watch_resyncs_when_a_source_changes(repo: Path, tmp_path: Path) -> None:
    pytest.importorskip("watchfiles")
    env = {**os.environ, "BIBGEN_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "bibgen", "sync", "--watch"],
        cwd=repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    bib = repo / "refs.bib"
    try:
        deadline = time.monotonic() + 60
        while not bib.exists() and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
        assert bib.exists(), proc.stderr.read() if proc.poll() is not None else "no first sync"
        time.sleep(0.5)
        page = repo / "seeds" / "003_63f33c0482b94aee.txt"
        page.write_text(page.read_text().replace("Stop Regressing", "Stop Regressing Please"))
        deadline = time.monotonic() + 60
        while "Please" not in bib.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "Stop Regressing Please:" in bib.read_text()
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def test_watch_without_watchfiles_is_a_clear_usage_error(repo: Path, tmp_path: Path) -> None:
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "watchfiles.py").write_text("raise ImportError('not installed')\n")
    env = {**os.environ, "BIBGEN_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(shadow)}
    out = subprocess.run(
        [sys.executable, "-m", "bibgen", "sync", "--watch"], cwd=repo, env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 2
    assert "--watch needs the watchfiles package" in out.stderr
    assert "pip install 'bibgen[watch]'" in out.stderr
