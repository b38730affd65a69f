"""``bibgen init``: a starter configuration and the pre-commit snippet.

With a ``pyproject.toml`` in the folder, a ``[tool.bibgen]`` table is appended
to it; otherwise ``bibgen.yaml`` is written. Nothing is ever overwritten: an
existing configuration is a ConfigError, and the write is atomic.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bibgen.config import PYPROJECT, YAML_NAMES, _has_tool_table
from bibgen.errors import ConfigError
from bibgen.model import Origin

STARTER_TOML = """
[tool.bibgen]
# Seed files and folders, relative to this file (globs allowed).
sources = ["seeds"]
# Citation key pattern (see the README for the syntax).
key-pattern = "[auth:lower][year][shorttitle(3)]"
# Files `bibgen sync` keeps up to date; format is a writer name.
outputs = [{ path = "references.bib", format = "bibtex" }]
"""

STARTER_YAML = """\
# bibgen configuration (see the README, "Configuration").
# Seed files and folders, relative to this file (globs allowed).
sources:
  - seeds
# Citation key pattern (see the README for the syntax).
key-pattern: "[auth:lower][year][shorttitle(3)]"
# Files `bibgen sync` keeps up to date; format is a writer name.
outputs:
  - path: references.bib
    format: bibtex
"""

PRE_COMMIT_SNIPPET = """\
# .pre-commit-config.yaml: check that the .bib files are in sync on every commit.
repos:
  # With bibgen installed in the environment (pip install bibgen):
  - repo: local
    hooks:
      - id: bibgen-sync
        name: bibgen sync --check
        entry: bibgen sync --check
        language: system
        pass_filenames: false
        require_serial: true
  # Or let pre-commit install it from bibgen's repository (hook id bibgen-sync):
  # - repo: <bibgen repository URL>
  #   rev: <tag>
  #   hooks:
  #     - id: bibgen-sync
"""


@dataclass(frozen=True)
class Written:
    path: Path
    description: str
    snippet: str = PRE_COMMIT_SNIPPET


def init_project(folder: Path, prefer_yaml: bool = False) -> Written:
    """Write the starter configuration in ``folder``; never overwrite an existing one."""
    from bibgen.output import write_atomic

    for name in YAML_NAMES:
        if (folder / name).exists():
            raise ConfigError("bibgen is already configured here", Origin(str(folder / name), 1, 1))
    pyproject = folder / PYPROJECT
    if pyproject.is_file() and not prefer_yaml:
        if _has_tool_table(pyproject):
            raise ConfigError("bibgen is already configured here ([tool.bibgen])", Origin(str(pyproject), 1, 1))
        text = pyproject.read_text("utf-8")
        if "[tool.bibgen" in text:
            raise ConfigError("pyproject.toml already mentions [tool.bibgen]", Origin(str(pyproject), 1, 1))
        sep = "" if text.endswith("\n") or not text else "\n"
        write_atomic(pyproject, text + sep + STARTER_TOML)
        return Written(pyproject, f"[tool.bibgen] to {pyproject.name}")
    if pyproject.is_file() and _has_tool_table(pyproject):
        raise ConfigError("bibgen is already configured here ([tool.bibgen])", Origin(str(pyproject), 1, 1))
    target = folder / YAML_NAMES[0]
    write_atomic(target, STARTER_YAML)
    return Written(target, target.name)
