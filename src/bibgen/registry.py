"""One generic Registry: lookup by name or file suffix, loaded lazily from entry points.

Built-in readers, writers, styles and renderers register through the same
entry-point groups (``bibgen.readers``, ``bibgen.writers``, ``bibgen.styles``,
``bibgen.renderers``) that third-party packages use. Loading an entry point
imports its module, so nothing is imported until a name is asked for.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

from bibgen.errors import UsageError

T = TypeVar("T")


@runtime_checkable
class Reader(Protocol):
    """Turns one file's bytes into entries. ``suffixes`` are lower-case, with the dot."""

    name: str
    suffixes: tuple[str, ...]

    def read(self, data: bytes, path: str, ctx: Any) -> list[Any]: ...


@runtime_checkable
class Writer(Protocol):
    """Turns entries into the text of one output file."""

    name: str
    suffixes: tuple[str, ...]

    def write(self, entries: list[Any], options: Any) -> str: ...


class Registry(Generic[T]):
    """Plugins of one kind, keyed by a short hyphenated name and by file suffix."""

    def __init__(self, group: str, label: str) -> None:
        self.group = group
        self.label = label  # what users call a plugin of this kind, in messages
        self._loaded: dict[str, T] = {}
        self._entry_points: dict[str, Any] | None = None

    def _eps(self) -> dict[str, Any]:
        if self._entry_points is None:
            from importlib.metadata import entry_points

            self._entry_points = {ep.name: ep for ep in entry_points(group=self.group)}
        return self._entry_points

    def register(self, name: str, plugin: T) -> None:
        """Add a plugin by hand (tests, or programs embedding bibgen)."""
        self._loaded[name] = plugin

    def names(self) -> list[str]:
        return sorted(set(self._eps()) | set(self._loaded))

    def get(self, name: str) -> T:
        """The plugin called ``name``; a UsageError lists the known names otherwise."""
        if name in self._loaded:
            return self._loaded[name]
        ep = self._eps().get(name)
        if ep is None:
            from bibgen.suggest import hint as did_you_mean

            known = ", ".join(self.names()) or "none"
            hint = did_you_mean(name, self.names())
            raise UsageError(f"unknown {self.label} '{name}' (known: {known})", hint=hint)
        obj = ep.load()
        plugin = obj() if isinstance(obj, type) else obj
        self._loaded[name] = plugin
        return plugin

    def all(self) -> list[T]:
        return [self.get(n) for n in self.names()]

    def for_suffix(self, suffix: str) -> T | None:
        """The plugin that claims a file suffix such as ``.bib``, or None."""
        suffix = suffix.lower()
        for plugin in self.all():
            if suffix in getattr(plugin, "suffixes", ()):
                return plugin
        return None

    def suffixes(self) -> Iterable[str]:
        for plugin in self.all():
            yield from getattr(plugin, "suffixes", ())


readers: Registry[Reader] = Registry("bibgen.readers", "reader")
writers: Registry[Writer] = Registry("bibgen.writers", "format")
styles: Registry[Any] = Registry("bibgen.styles", "style")
renderers: Registry[Any] = Registry("bibgen.renderers", "renderer")
