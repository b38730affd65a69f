"""No lost concurrent edits in ``bibgen sync`` (issue 20): a lock beside the target, a re-check before the rename.

The window is made deterministic with a hook (the edit happens inside the
running sync, after the target was read), never with timing.
"""

from __future__ import annotations

import fcntl
import os

import pytest

from bibgen import output
from bibgen.sync import write as syncing  # sync() and the plan() it calls
from bibgen.config import load_config
from bibgen.errors import OutputError

HAND = "@misc{handadded2024,\n  title = {Added by hand while sync ran},\n}\n"


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("BIBGEN_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "seeds").mkdir()
    # A large sync: 3,000 records.
    records = "".join(f"- {{title: Study number {i} of the large corpus, year: {1900 + i % 120}}}\n" for i in range(3000))
    (tmp_path / "seeds" / "many.yaml").write_text(records)
    (tmp_path / "bibgen.yaml").write_text("sources: [seeds]\noutputs:\n  - {path: refs.bib, format: bibtex}\n")
    config = load_config(path=tmp_path / "bibgen.yaml")
    syncing.sync(config, config.options(), use_cache=False)
    # A source change, so the next sync has something to write.
    with open(tmp_path / "seeds" / "many.yaml", "a") as fh:
        fh.write("- {title: One more study, year: 2024}\n")
    return tmp_path


def run_sync(root):  # type: ignore[no-untyped-def]
    config = load_config(path=root / "bibgen.yaml")
    return syncing.sync(config, config.options(), use_cache=False)


def test_edit_while_the_pipeline_runs_is_never_overwritten(project, monkeypatch):
    target = project / "refs.bib"
    real_plan = syncing.plan

    def plan_then_edit(*a, **k):  # type: ignore[no-untyped-def]
        result = real_plan(*a, **k)  # the target has been read; the pipeline has run
        with open(target, "a") as fh:  # an editor saves (editors take no lock)
            fh.write("\n" + HAND)
        return result

    monkeypatch.setattr(syncing, "plan", plan_then_edit)
    with pytest.raises(OutputError, match="changed while bibgen was syncing it") as info:
        run_sync(project)
    assert info.value.exit_code == 4
    assert "handadded2024" in target.read_text()
    assert "@misc{2024OneMoreStudy," not in target.read_text()
    monkeypatch.setattr(syncing, "plan", real_plan)
    run_sync(project)  # the next run keeps the hand entry and adds the new one
    text = target.read_text()
    assert "handadded2024" in text and "@misc{2024OneMoreStudy," in text
    assert not [p for p in project.iterdir() if p.name.endswith(".tmp")]


def test_edit_just_before_the_rename_is_never_overwritten(project, monkeypatch):
    target = project / "refs.bib"
    real_check = output.require_unchanged

    def edit_then_check(path, seen):  # type: ignore[no-untyped-def]
        with open(target, "a") as fh:
            fh.write("\n" + HAND)
        return real_check(path, seen)

    monkeypatch.setattr(output, "require_unchanged", edit_then_check)
    with pytest.raises(OutputError, match="changed while bibgen was syncing it"):
        run_sync(project)
    assert "handadded2024" in target.read_text()


def test_target_created_during_the_sync_is_not_overwritten(tmp_path, monkeypatch):
    monkeypatch.setenv("BIBGEN_CACHE_DIR", str(tmp_path / "cache"))
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "a.yaml").write_text("- {title: A work, year: 2020}\n")
    (tmp_path / "bibgen.yaml").write_text("sources: [seeds]\noutputs:\n  - {path: refs.json, format: csl-json}\n")
    real_plan = syncing.plan

    def plan_then_create(*a, **k):  # type: ignore[no-untyped-def]
        result = real_plan(*a, **k)
        (tmp_path / "refs.json").write_text("[]\n")
        return result

    monkeypatch.setattr(syncing, "plan", plan_then_create)
    with pytest.raises(OutputError, match="was created while bibgen was syncing it"):
        run_sync(tmp_path)
    assert (tmp_path / "refs.json").read_text() == "[]\n"


def test_a_second_sync_waits_for_the_lock(project, monkeypatch):
    lock_path = project / ".refs.bib.lock"
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT)
    before = (project / "refs.bib").read_text()
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another bibgen sync is writing refs.bib
        monkeypatch.setattr(output, "LOCK_TIMEOUT", 0.3)
        with pytest.raises(OutputError, match="another bibgen is syncing this target"):
            run_sync(project)
    finally:
        os.close(fd)
    assert (project / "refs.bib").read_text() == before
    run_sync(project)  # released: the next one goes ahead
    assert "@misc{2024OneMoreStudy," in (project / "refs.bib").read_text()
