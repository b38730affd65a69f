"""bibgen: bibliographic seed records in, clean citation data out.

The public API::

    import bibgen
    entries = bibgen.read(["seeds/"])
    text = bibgen.export(["seeds/"], "bibtex")
"""

from bibgen.errors import BibgenError
from bibgen.model import Entry, EntryKind, Origin, Person
from bibgen.pipeline import Options, export, process, read, render

__all__ = [
    "BibgenError",
    "Entry",
    "EntryKind",
    "Options",
    "Origin",
    "Person",
    "export",
    "process",
    "read",
    "render",
]
__version__ = "0.1.0"
