"""The in-sync cache: confirm an unchanged project without running the pipeline.

After a sync that leaves every output in step (or a ``--check`` that finds
nothing to change), bibgen records a hash of

* its own files (version, names, sizes and mtimes of the package's files),
* the configuration file's bytes,
* every source file's bytes (the configured globs expanded again each time,
  so a new file is noticed), and
* every output's bytes, format and style.

``bibgen sync --check`` recomputes that hash first and exits 0 at once when it
matches. The record lives outside the project (``$BIBGEN_CACHE_DIR``, else
``$XDG_CACHE_HOME/bibgen``, else ``~/.cache/bibgen``), one small JSON file per
configuration file, so nothing machine-specific is ever committed; ``--no-cache``
skips it. Plugins installed from other packages are not part of the hash:
after upgrading one, run once with ``--no-cache``.

This module imports only the standard library (and bibgen's config finder), so
the check costs little more than the interpreter's start-up.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
from collections.abc import Sequence
from pathlib import Path

_GLOB_CHARS = re.compile(r"[*?\[]")
VERSION = 1


def cache_dir() -> Path:
    env = os.environ.get("BIBGEN_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return Path(xdg, "bibgen") if xdg else Path.home() / ".cache" / "bibgen"


def cache_file(config_path: Path) -> Path:
    ident = str(config_path).encode("utf-8", "surrogateescape")
    return cache_dir() / ("sync-" + hashlib.blake2b(ident, digest_size=12).hexdigest() + ".json")


def _code(h: "hashlib._Hash") -> None:
    pkg = Path(__file__).resolve().parent
    for root, dirs, files in os.walk(pkg):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".toml", ".json", ".yaml", ".csl", ".txt")):
                st = os.stat(os.path.join(root, name))
                rel = os.path.relpath(os.path.join(root, name), pkg)
                h.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))


def _file(h: "hashlib._Hash", path: Path | str) -> None:
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except (FileNotFoundError, NotADirectoryError):
        h.update(f"missing {path}\n".encode("utf-8", "surrogateescape"))
        return
    h.update(f"file {path} {len(data)}\n".encode("utf-8", "surrogateescape"))
    h.update(data)


def _sources(root: str, patterns: Sequence[str]) -> list[str]:
    found: set[str] = set()
    for pattern in patterns:
        full = pattern if os.path.isabs(pattern) else os.path.join(root, pattern)
        hits = glob.glob(full, recursive=True) if _GLOB_CHARS.search(pattern) else [full]
        found.update(os.path.normpath(h) for h in hits)
    out: list[str] = []
    for path in sorted(found):
        if os.path.isdir(path):
            from bibgen.walk import (
                walk_files,  # loops walked once, no links out (as discover does)
            )

            files, skipped = walk_files(path)
            out.extend(sorted(files))
            out.extend(f"link {s}" for s in skipped)
        else:
            out.append(path)
    return out


def stamp(config_path: Path, root: str, patterns: Sequence[str], outputs: Sequence[Sequence[str | None]], tag: str) -> str | None:
    """The hash described above, or None when a file cannot be read."""
    try:
        h = hashlib.blake2b(digest_size=16)
        h.update(f"v{VERSION} {tag}\n".encode())
        _code(h)
        _file(h, config_path)
        for path in _sources(root, patterns):
            _file(h, path)
        for path, fmt, style in outputs:
            h.update(f"output {fmt} {style}\n".encode())
            _file(h, str(path))
        return h.hexdigest()
    except OSError:
        return None


def record(config_path: Path, root: str, patterns: Sequence[str], outputs: Sequence[Sequence[str | None]], tag: str) -> None:
    """Remember that the project is in sync now (errors are ignored: this is only a cache)."""
    value = stamp(config_path, root, patterns, outputs, tag)
    if value is None:
        return
    data = {"stamp": value, "root": root, "sources": list(patterns), "outputs": [list(o) for o in outputs], "tag": tag}
    path = cache_file(config_path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data), "utf-8")
        os.replace(tmp, path)
    except OSError:
        pass


def forget(config_path: Path) -> None:
    try:
        cache_file(config_path).unlink()
    except OSError:
        pass


def is_in_sync(config_path: Path, tag: str = "plain") -> bool:
    """Does the record for ``config_path`` (made with ``tag``) still match the files on disk?"""
    try:
        data = json.loads(cache_file(config_path).read_text("utf-8"))
        if data.get("tag") != tag:
            return False
        value = stamp(config_path, data["root"], data["sources"], data["outputs"], tag)
    except (OSError, ValueError, KeyError, TypeError):
        return False
    return value is not None and value == data.get("stamp")


def cached_in_sync(start: str | os.PathLike[str] | None = None) -> bool:
    """True when ``bibgen sync --check`` (no other options) would find nothing to change."""
    from bibgen.config import find_config

    try:
        path = find_config(start)
    except Exception:
        return False
    return path is not None and is_in_sync(path)
