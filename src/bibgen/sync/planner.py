"""What syncing would write: every configured output rendered from the pipeline's keyed entries.

:func:`plan` reads the .bib targets (:func:`bibgen.pin.read_target`), runs the
pipeline with their keys pinned (:func:`bibgen.pipeline.keyed_entries`),
renders each output and, for a .bib target, merges it with the file's hand
edits (:func:`bibgen.sync.merge.merge_target`). Nothing is written here.
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bibgen.errors import ConfigError, UnreadableError, UsageError
from bibgen.model import Entry, Origin
from bibgen.output import display_path
from bibgen.pin import is_bib_format, read_target
from bibgen.pipeline import discover_sources, keyed_entries, render
from bibgen.sync.merge import merge_target

if TYPE_CHECKING:
    from bibgen.config import Config, OutputSpec
    from bibgen.options import Options


@dataclass(frozen=True, slots=True)
class TargetChange:
    """One output file: its text before (None when missing) and after the sync."""

    path: Path
    old: str | None
    new: str
    seen: tuple[int, int, str] | None = None  # bibgen.output.snapshot when ``old`` was read

    @property
    def changed(self) -> bool:
        return self.old != self.new

    def diff(self, root: Path | None = None) -> str:
        """A unified diff from the current file to the synced one (empty when equal)."""
        if not self.changed:
            return ""
        name = display_path(self.path, root)
        old = (self.old or "").splitlines(keepends=True)
        new = self.new.splitlines(keepends=True)
        lines = difflib.unified_diff(old, new, f"a/{name}" if self.old is not None else "/dev/null", f"b/{name}")
        out = []
        for ln in lines:
            out.append(ln if ln.endswith("\n") else ln + "\n\\ No newline at end of file\n")
        return "".join(out)


@dataclass(frozen=True)
class SyncResult:
    """What a sync did or (with ``check``) would do."""

    changes: tuple[TargetChange, ...]
    entries: tuple[Entry, ...] = ()

    @property
    def changed(self) -> bool:
        return any(c.changed for c in self.changes)

    def diff(self, root: Path | None = None) -> str:
        return "".join(c.diff(root) for c in self.changes)




def _options_for(spec: OutputSpec, options: Options) -> Options:
    """Options for one output: its style, and for html its grouping and fragment setting."""
    changes = {
        name: value
        for name, value in (("style", spec.style), ("group_by", spec.group_by), ("html_fragment", spec.fragment), ("locale", spec.locale))
        if value is not None
    }
    if not changes:
        return options
    names = {f.name for f in dataclasses.fields(options)}
    for name in changes:
        if name not in names:
            raise ConfigError(f"output {spec.path.name}: '{name}' is not supported by this bibgen", spec.origin)
    return dataclasses.replace(options, **changes)


def plan(config: Config, options: Options, *, prune: bool = False) -> SyncResult:
    """What syncing would write to every configured output, without writing anything."""
    from bibgen.registry import writers

    if not config.outputs:
        raise ConfigError(
            "no outputs configured",
            Origin(str(config.path), 1, 1) if config.path else None,
            "add outputs = [{path = \"references.bib\", format = \"bibtex\"}] (run 'bibgen init')",
        )
    for spec in config.outputs:
        try:
            writers.get(spec.format)
            if spec.style is not None:
                from bibgen.style.lookup import find_style

                find_style(spec.style, options.style_dirs, spec.locale or options.locale)
        except UsageError as exc:
            raise ConfigError(exc.message, spec.origin, exc.hint) from None
    paths = discover_sources(config, options, None, [s.path for s in config.outputs])
    bib_specs = [s for s in config.outputs if is_bib_format(s.format)]
    targets = {s.path: read_target(s.path, options, s.format) for s in bib_specs}
    entries = keyed_entries(config, options, list(targets.values()), sources=paths)
    changes: list[TargetChange] = []
    for spec in config.outputs:
        text = render(entries, spec.format, _options_for(spec, options))
        if spec.path in targets:
            target = targets[spec.path]
            new = merge_target(text, target, options.diagnostics, prune=prune, fmt=spec.format, layout=options.layout)
            changes.append(TargetChange(spec.path, target.text, new, target.seen))
        else:
            from bibgen.output import snapshot

            seen = None
            try:
                data = spec.path.read_bytes()
                seen = snapshot(spec.path, data)
                old = data.decode("utf-8")
            except (FileNotFoundError, NotADirectoryError, UnicodeDecodeError):
                old = None
            except OSError as exc:
                raise UnreadableError(f"cannot read: {exc.strerror}", Origin(str(spec.path), 1, 1)) from None
            changes.append(TargetChange(spec.path, old, text, seen))
    return SyncResult(tuple(changes), tuple(entries))
