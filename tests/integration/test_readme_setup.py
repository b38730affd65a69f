"""The README's two set-up commands, run in a copy of the project with a fresh venv.

The venv is made by ``scripts/setup.sh`` from the interpreter the running venv
was made from (the system Python), never from the test environment itself. The
test works offline: pip gets ``--no-index --no-deps --no-build-isolation``
(through the documented ``BIBGEN_PIP_ARGS``), and bibgen's dependencies come
from the system site-packages (the venv is made with --system-site-packages) or,
where the system Python lacks them (a stock Debian whose dependencies live in the
test environment's venv), from that venv's site-packages added by a ``.pth`` file.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from conftest import ROOT, require_program

pytestmark = pytest.mark.integration


def readme_commands() -> list[str]:
    """The shell commands of the README's first code block (comments removed)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", text, re.S)
    assert block, "README has no sh block"
    return [re.sub(r"\s+#.*$", "", line).strip() for line in block.group(1).splitlines() if line.strip()]


def copy_project(dest: Path) -> Path:
    files: list[str] | None = None
    if shutil.which("git") and (ROOT / ".git").exists():
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT, capture_output=True, check=True,
        ).stdout.decode()
        files = [f for f in listed.split("\0") if f and (ROOT / f).is_file()]
    if files is None:
        shutil.copytree(ROOT, dest, ignore=shutil.ignore_patterns(".git", ".venv", "__pycache__", "*.egg-info", "out"))
        return dest
    for name in files:
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    return dest


def system_python() -> str:
    return getattr(sys, "_base_executable", None) or sys.executable


KEEP_OUT = ("pip", "setuptools", "_distutils_hack", "pkg_resources", "distutils-precedence", "bibgen", "__editable__")


def lend_test_packages(dest: Path) -> Path:
    """A folder of links to the test venv's packages, for PYTHONPATH.

    Offline, the fresh venv has no other way to get the dependencies the system
    Python lacks, nor `wheel`, which its setuptools (< 70.1) needs to build
    without build isolation. pip, setuptools and bibgen itself stay out, so the
    fresh venv uses its own.
    """
    dest.mkdir()
    if sys.prefix != sys.base_prefix:
        for item in Path(sysconfig.get_path("purelib")).iterdir():
            name = item.name.lower().replace("_", "-")
            if item.suffix == ".pth" or any(name.startswith(k.replace("_", "-")) for k in KEEP_OUT):
                continue
            (dest / item.name).symlink_to(item)
    return dest


def clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME"}}
    here = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p and p != here)
    env.update(
        PYTHON=system_python(),
        PYTHONPATH=str(lend_test_packages(tmp_path / "lent")),
        PIP_NO_INDEX="1",
        BIBGEN_PIP_ARGS="--no-deps --no-build-isolation",
        BIBGEN_SKIP_APT="1",
        BIBGEN_CACHE_DIR=str(tmp_path / "cache"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def sh(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL)


def test_readme_commands_set_up_a_fresh_venv_from_the_system_python(tmp_path: Path) -> None:
    require_program("bash")
    setup, tests = readme_commands()[:2]
    assert setup.startswith("bash scripts/setup.sh && .venv/bin/bibgen export"), setup
    assert tests == "bash scripts/test.sh", tests

    project = copy_project(tmp_path / "project")
    env = clean_env(tmp_path)
    venv = project / ".venv"
    assert not venv.exists()

    # The README's first command, verbatim: makes .venv from the system Python,
    # installs bibgen into it and runs the main job on seeds/.
    main = sh(setup, project, env)
    assert main.returncode == 0, main.stderr
    assert len(re.findall(r"^@", main.stdout, re.M)) == 11, main.stdout
    assert "@misc{kavukcuogluBootstrapYourOwn," in main.stdout
    assert "include-system-site-packages = true" in (venv / "pyvenv.cfg").read_text()
    facts = subprocess.run(
        [str(venv / "bin/python"), "-c", "import sys, bibgen; print(sys.base_prefix); print(bibgen.__file__)"],
        capture_output=True, text=True, check=True, env=env,
    ).stdout.split("\n")
    assert Path(facts[0]).resolve() == Path(sys.base_prefix).resolve()
    assert Path(facts[1]).resolve().is_relative_to(project.resolve()), facts[1]

    # The README's second command: the test extra into the same venv (reused),
    # pytest from it, the venv's programs first on PATH. A probe test reports
    # what it runs with.
    (project / "tests" / "test_zz_probe.py").write_text(
        "import shutil, sys\n"
        "def test_probe():\n"
        "    print('PROBE', sys.prefix, shutil.which('bibgen'), shutil.which('python3'))\n"
    )
    run = sh(f"{tests} -q -s -p no:cacheprovider tests/test_zz_probe.py", project, env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 passed" in run.stdout
    line = next(l for l in run.stdout.splitlines() if l.startswith("PROBE"))
    prefix, bibgen_exe, python3 = line.split()[1:]
    assert Path(prefix).resolve() == venv.resolve()
    assert Path(bibgen_exe).parent.resolve() == (venv / "bin").resolve()
    assert Path(python3).parent.resolve() == (venv / "bin").resolve()
