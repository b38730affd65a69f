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

    def __init__(self, group: str, label: str, declared: dict[str, dict[str, Any]] | None = None) -> None:
        self.group = group
        self.label = label  # what users call a plugin of this kind, in messages
        self._loaded: dict[str, T] = {}
        self._entry_points: dict[str, Any] | None = None
        # Class attributes of bibgen's own plugins, by entry point ("module:Class"):
        # asking which reader claims ".bib" then imports that reader only.
        self._declared = declared or {}

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

    def attribute(self, name: str, attr: str, default: Any = None) -> Any:
        """``getattr(self.get(name), attr, default)``, without loading a built-in plugin that declares it."""
        if name not in self._loaded:
            ep = self._eps().get(name)
            declared = self._declared.get(ep.value) if ep is not None else None
            if declared is not None and attr in declared:
                return declared[attr]
        return getattr(self.get(name), attr, default)

    def having(self, attr: str, test: Any) -> list[T]:
        """The plugins, in name order, whose ``attr`` passes ``test``; only those are loaded (if declared)."""
        return [self.get(n) for n in self.names() if test(self.attribute(n, attr))]

    def for_suffix(self, suffix: str) -> T | None:
        """The plugin that claims a file suffix such as ``.bib``, or None."""
        suffix = suffix.lower()
        for n in self.names():
            if suffix in (self.attribute(n, "suffixes") or ()):
                return self.get(n)
        return None

    def suffixes(self) -> Iterable[str]:
        for n in self.names():
            yield from self.attribute(n, "suffixes") or ()


# What bibgen's own readers and writers say about the files they take, as their
# classes say it (tests/unit/test_registry.py checks both agree).
_READERS = {
    "bibgen.readers.authorpage:AuthorPageReader": {"suffixes": (".txt",), "sniff_any_suffix": False},
    "bibgen.readers.bibtex:BibtexReader": {"suffixes": (".bib",), "sniff_any_suffix": False},
    "bibgen.readers.csljson:CslJsonReader": {"suffixes": (".json",), "sniff_any_suffix": False},
    "bibgen.readers.endnotexml:EndnoteXmlReader": {"suffixes": (".xml",), "sniff_any_suffix": False},
    "bibgen.readers.hayagriva:HayagrivaReader": {"suffixes": (".yml", ".yaml"), "sniff_any_suffix": False},
    "bibgen.readers.medline:MedlineReader": {"suffixes": (".nbib", ".medline"), "sniff_any_suffix": True},
    "bibgen.readers.ris:RisReader": {"suffixes": (".ris",), "sniff_any_suffix": True},
    "bibgen.readers.yaml:YamlReader": {"suffixes": (".yaml", ".yml"), "sniff_any_suffix": False},
}
_WRITERS = {
    "bibgen.writers.bibtex:BibtexWriter": {"suffixes": (".bib",)},
    "bibgen.writers.csljson:CslJsonWriter": {"suffixes": (".json",)},
    "bibgen.writers.yaml:YamlWriter": {"suffixes": (".yaml", ".yml")},
    "bibgen.writers.biblatex:BiblatexWriter": {"suffixes": ()},
    "bibgen.writers.hayagriva:HayagrivaWriter": {"suffixes": ()},
    "bibgen.writers.ris:RisWriter": {"suffixes": (".ris",)},
    "bibgen.writers.references:TextWriter": {"suffixes": (".txt",)},
    "bibgen.writers.references:MarkdownWriter": {"suffixes": (".md",)},
    "bibgen.writers.references:HtmlWriter": {"suffixes": (".html", ".htm")},
}

readers: Registry[Reader] = Registry("bibgen.readers", "reader", _READERS)
writers: Registry[Writer] = Registry("bibgen.writers", "format", _WRITERS)
styles: Registry[Any] = Registry("bibgen.styles", "style")
renderers: Registry[Any] = Registry("bibgen.renderers", "renderer")
