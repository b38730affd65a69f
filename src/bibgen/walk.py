"""The one folder walk (sources in :func:`bibgen.pipeline.discover` and the sync cache).

Standard library only: the sync cache's fast path imports it.

* Names starting with ``.`` are skipped; entries come in sorted order.
* A folder already visited (the same device and inode, e.g. through a
  symbolic-link loop) is not entered again, so a loop cannot hang a run.
* A symbolic link whose target lies outside the folder being walked (after
  resolving every link) is not followed: a cloned repository cannot make
  bibgen read ``~/.ssh`` or walk ``/``. Such links are returned so the caller
  can say so; naming the target itself as a source reads it.
"""

from __future__ import annotations

import os


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def walk_files(folder: str | os.PathLike[str], onerror=None) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def]
    """``(files, skipped_links)`` under ``folder``; ``onerror(OSError)`` for folders that cannot be listed."""
    top = os.fspath(folder)
    root = os.path.realpath(top)
    files: list[str] = []
    skipped: list[str] = []
    seen: set[tuple[int, int]] = set()
    stack = [top]
    while stack:
        current = stack.pop()
        try:
            st = os.stat(current)
            if (st.st_dev, st.st_ino) in seen:
                continue
            seen.add((st.st_dev, st.st_ino))
            with os.scandir(current) as it:
                items = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            if onerror is not None:
                onerror(exc)
            continue
        subdirs = []
        for item in items:
            if item.name.startswith("."):
                continue
            path = os.path.join(current, item.name)
            try:
                if item.is_symlink():
                    real = os.path.realpath(path)
                    if not _inside(real, root):
                        skipped.append(path)
                        continue
                is_dir = item.is_dir()  # follows links (inside the folder)
            except OSError:
                continue
            if is_dir:
                subdirs.append(path)
            else:
                files.append(path)
        stack.extend(reversed(subdirs))
    return files, skipped
