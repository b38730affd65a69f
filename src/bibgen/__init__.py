"""bibgen: bibliographic seed records in, clean citation data out.

The public API::

    import bibgen
    entries = bibgen.read(["seeds/"])
    text = bibgen.export(["seeds/"], "bibtex")
"""

from typing import TYPE_CHECKING, Any

from bibgen.errors import BibgenError
from bibgen.model import Entry, EntryKind, Origin, Person

if TYPE_CHECKING:
    from bibgen.pipeline import Options, export, format_references, process, read, render

# The pipeline is imported on first use, so commands that do not need it (the
# in-sync fast path of `bibgen sync --check`) start quickly.
_PIPELINE = frozenset({"Options", "export", "format_references", "process", "read", "render"})


def __getattr__(name: str) -> Any:
    if name in _PIPELINE:
        from bibgen import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'bibgen' has no attribute {name!r}")


__all__ = [
    "BibgenError",
    "Entry",
    "EntryKind",
    "Options",
    "Origin",
    "Person",
    "export",
    "format_references",
    "process",
    "read",
    "render",
]
__version__ = "0.1.0"
