"""The public face of the CSL engine: :class:`CslStyle` loads a style once and renders bibliographies.

Loading is :mod:`.load` (XML, macros, locale, options), rendering is
:mod:`.render` (sorting, disambiguation, entries); this module only joins the
two behind the small API the rest of bibgen uses.
"""

from __future__ import annotations

import gc
from pathlib import Path

from bibgen.errors import InputError
from bibgen.model import Origin
from bibgen.style.csl.collation import base_key as _collate  # noqa: F401 - the name tests import
from bibgen.style.csl.load import LoadedStyle
from bibgen.style.csl.render import bibliography as render_bibliography
from bibgen.style.nodes import Reference

__all__ = ["CslStyle"]


class CslStyle:
    """A compiled CSL 1.0.2 style that formats bibliographies.

    Parse once with :meth:`from_path` or :meth:`from_string`, then call
    :meth:`bibliography` for any number of item lists.
    """

    def __init__(self, engine: LoadedStyle, name: str) -> None:
        self._engine = engine
        self.name = name
        self.title = engine.title

    @classmethod
    def from_string(cls, xml_text: str, name: str = "", path: str = "<style>", locale: str | None = None) -> CslStyle:
        """Compile a style from its XML text; errors are :class:`~bibgen.errors.InputError`.

        ``locale`` (a language tag such as ``pt-BR``) overrides the style's ``default-locale``.
        """
        try:
            engine = LoadedStyle(xml_text, path, locale)
        except RecursionError:
            # A hostile or broken style nested thousands of levels deep.
            raise InputError("the CSL style nests elements too deeply", Origin(path)) from None
        if not name:
            name = engine.id.rstrip("/").rsplit("/", 1)[-1] or "csl"
        if engine.bib_el is None:
            raise InputError("the style has no <bibliography>", engine.tree.origin(engine.root))
        return cls(engine, name)

    @classmethod
    def from_path(cls, path: str | Path) -> CslStyle:
        """Compile the style in the file at ``path`` (named after the file's stem)."""
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise InputError(f"cannot read CSL style: {e}", Origin(str(p))) from None
        return cls.from_string(text, name=p.stem, path=str(p))

    def bibliography(self, items: list[dict]) -> list[Reference]:
        """References for CSL-JSON ``items``, in the style's bibliography order."""
        # Rendering allocates many small acyclic objects; the cyclic collector
        # would rescan the growing heap again and again (a third of the time on
        # 10,000 entries), so it is paused for the call and restored after.
        enabled = gc.isenabled()
        gc.disable()
        try:
            return render_bibliography(self._engine, list(items))
        finally:
            if enabled:
                gc.enable()
