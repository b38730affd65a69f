"""``bibgen init``: a starter configuration and the pre-commit snippet.

With a ``pyproject.toml`` in the folder, a ``[tool.bibgen]`` table is appended
to it; otherwise ``bibgen.yaml`` is written. Nothing is ever overwritten: an
existing configuration is a ConfigError, and the write is atomic.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bibgen.config import PYPROJECT, YAML_NAMES, _has_tool_table
from bibgen.errors import ConfigError
from bibgen.model import Origin

STARTER_TOML = """
[tool.bibgen]
# Seed files and folders, relative to this file (globs allowed).
sources = [{sources_toml}]
# Citation key pattern (see the README for the syntax).
key-pattern = "[auth:lower][year][shorttitle(3)]"
# Files `bibgen sync` keeps up to date; format is a writer name.
outputs = [{{ path = "{output}", format = "bibtex" }}]
"""

STARTER_YAML = """\
# bibgen configuration (see the README, "Configuration").
# Seed files and folders, relative to this file (globs allowed).
sources:
{sources_yaml}
# Citation key pattern (see the README for the syntax).
key-pattern: "[auth:lower][year][shorttitle(3)]"
# Files `bibgen sync` keeps up to date; format is a writer name.
outputs:
  - path: {output}
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


OUTPUT = "references.bib"
# Folders never searched for sources.
_SKIP_DIRS = frozenset({"node_modules", "venv", "env", "build", "dist", "__pycache__", "site-packages"})


def detect_sources(folder: Path, output: str = OUTPUT) -> list[str]:
    """The sources of ``folder`` as a configuration lists them.

    The folders directly inside it that hold readable sources (``seeds/``,
    ``sources/``, ``bib/``, ...), and the readable files lying in it directly,
    except the output and bibgen's own configuration; ``seeds`` when there is
    nothing yet. Hidden folders and virtual environments are skipped.
    """
    from bibgen.config import YAML_NAMES
    from bibgen.registry import readers

    suffixes = set(readers.suffixes())
    found: list[str] = []
    for child in sorted(folder.iterdir(), key=lambda p: p.name):
        name = child.name
        if name.startswith(".") or name in _SKIP_DIRS:
            continue
        if child.is_dir():
            if (child / "pyvenv.cfg").exists():
                continue
            if any(_has_sources(child, suffixes)):
                found.append(name)
        elif child.is_file() and child.suffix.lower() in suffixes and name != output and name not in YAML_NAMES:
            if name in ("package.json", "package-lock.json", "tsconfig.json", "CITATION.cff"):
                continue
            found.append(name)
    return found or ["seeds"]


def _has_sources(folder: Path, suffixes: set[str]):  # type: ignore[no-untyped-def]
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS]
        for f in files:
            if Path(f).suffix.lower() in suffixes and not f.startswith("."):
                yield True
                return


def starter(kind: str, sources: list[str], output: str = OUTPUT) -> str:
    """The starter configuration text (``toml`` or ``yaml``) for these sources."""
    import json

    if kind == "toml":
        return STARTER_TOML.format(sources_toml=", ".join(json.dumps(s) for s in sources), output=output)
    return STARTER_YAML.format(sources_yaml="\n".join(f"  - {json.dumps(s)}" for s in sources), output=output)


def init_project(folder: Path, prefer_yaml: bool = False) -> Written:
    """Write a configuration for ``folder`` (its sources detected); never overwrite an existing one."""
    from bibgen.output import write_atomic

    sources = detect_sources(folder)

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
        write_atomic(pyproject, text + sep + starter("toml", sources))
        return Written(pyproject, f"[tool.bibgen] to {pyproject.name} (sources: {', '.join(sources)})")
    if pyproject.is_file() and _has_tool_table(pyproject):
        raise ConfigError("bibgen is already configured here ([tool.bibgen])", Origin(str(pyproject), 1, 1))
    target = folder / YAML_NAMES[0]
    write_atomic(target, starter("yaml", sources))
    return Written(target, f"{target.name} (sources: {', '.join(sources)})")
