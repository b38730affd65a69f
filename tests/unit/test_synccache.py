"""The in-sync cache behind the fast `bibgen sync --check`: any change to an input or output invalidates it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bibgen.config import load_config
from bibgen.sync import sync
from bibgen.sync.cache import cache_file, cached_in_sync

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("BIBGEN_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "p"
    shutil.copytree(SEEDS, root / "seeds")
    (root / "bibgen.yaml").write_text("sources: ['seeds/*.txt']\noutputs: [{path: refs.bib, format: bibtex}]\n")
    return root


def do_sync(root: Path, **kw) -> None:  # type: ignore[no-untyped-def]
    config = load_config(root)
    sync(config, config.options(), **kw)


def test_recorded_after_sync_and_kept_while_nothing_changes(project: Path) -> None:
    assert not cached_in_sync(project)
    do_sync(project)
    assert cached_in_sync(project)
    assert cached_in_sync(project / "seeds")  # found from a subfolder, like the config
    assert cache_file(project / "bibgen.yaml").is_file()


@pytest.mark.parametrize(
    "change",
    [
        lambda p: (p / "seeds" / "003_63f33c0482b94aee.txt").write_text("changed"),
        lambda p: (p / "seeds" / "004_new.txt").write_text("a new file the glob matches"),
        lambda p: (p / "seeds" / "003_63f33c0482b94aee.txt").unlink(),
        lambda p: (p / "refs.bib").write_text((p / "refs.bib").read_text() + "\n% note\n"),
        lambda p: (p / "refs.bib").unlink(),
        lambda p: (p / "bibgen.yaml").write_text((p / "bibgen.yaml").read_text() + "ascii: true\n"),
    ],
    ids=["seed-edited", "seed-added", "seed-removed", "output-edited", "output-removed", "config-edited"],
)
def test_any_change_invalidates(project: Path, change) -> None:  # type: ignore[no-untyped-def]
    do_sync(project)
    change(project)
    assert not cached_in_sync(project)


def test_runs_with_other_options_do_not_count_as_plain_check(project: Path) -> None:
    do_sync(project, prune=True)
    assert not cached_in_sync(project)
    do_sync(project, check=True)
    assert cached_in_sync(project)


def test_check_that_finds_changes_records_nothing(project: Path) -> None:
    do_sync(project, check=True)
    assert not cached_in_sync(project)
    assert not (project / "refs.bib").exists()
