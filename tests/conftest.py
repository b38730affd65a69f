"""Shared fixtures: seed paths, a CLI runner, and --update-golden."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property tests: CI runs a fixed, derandomized profile, so whether a run passes
# never depends on a random seed; local runs are random, so they keep finding new
# cases (each one found becomes an explicit @example). HYPOTHESIS_PROFILE picks a
# profile by name and wins over CI. A test's own @settings (max_examples, ...)
# still applies on top of the profile.
settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    print_blob=True,
    deadline=None,
    max_examples=100,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", print_blob=True, deadline=None, max_examples=100)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """``HYPOTHESIS_MAX_EXAMPLES=N``: every property test runs N examples (long local runs)."""
    wanted = os.environ.get("HYPOTHESIS_MAX_EXAMPLES")
    if not wanted:
        return
    for item in items:
        test = getattr(item, "obj", None)
        own = getattr(test, "_hypothesis_internal_use_settings", None)
        if own is not None:
            test._hypothesis_internal_use_settings = settings(own, max_examples=int(wanted))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files instead of comparing")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def seed(name: str = "") -> Path:
    """Path of a bundled seed file (or the seeds folder)."""
    return SEEDS / name if name else SEEDS


def require_program(name: str) -> str:
    """The program's path; skip when missing locally, fail when missing on CI."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is required on CI but not installed")
        pytest.skip(f"{name} not installed")
    return path


def run_cli(*args: str, cwd: Path | None = None, input: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real console entry point as users do (``python -m bibgen``)."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "bibgen", *args],
        cwd=cwd or ROOT,
        input=input,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=300,
    )


def assert_golden(actual: str, path: Path, update: bool) -> None:
    """Compare with a golden file, showing a unified diff; ``--update-golden`` rewrites it."""
    if update or not path.exists():
        if not update and os.environ.get("CI"):
            pytest.fail(f"golden file {path} is missing")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        if not update:
            pytest.fail(f"golden file {path} was missing and has been written; review and commit it")
        return
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        import difflib

        diff = "".join(
            difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), str(path), "actual")
        )
        pytest.fail(f"output differs from {path}:\n{diff}")
