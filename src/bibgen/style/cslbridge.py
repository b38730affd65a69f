"""CSL styles as bibgen styles: entries -> CSL-JSON items -> bibgen's CSL processor -> references.

The processor is :class:`bibgen.style.csl.CslStyle`; it is imported only when
a CSL style formats something. Items come from
:func:`bibgen.writers.csljson.csl_item`; a partial author list ends with the
``{"literal": "others"}`` name, which the engine prints as the style's "et al."
(the CSL-JSON file marks it in ``custom`` instead, see :mod:`bibgen.mappings.csljson`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from bibgen.errors import UsageError
from bibgen.model import Entry
from bibgen.style.cslfiles import CslFile
from bibgen.style.nodes import Reference


def engine_available() -> bool:
    """Is bibgen's CSL processor part of this installation?"""
    from importlib.util import find_spec

    try:
        return find_spec("bibgen.style.csl") is not None
    except (ImportError, ValueError):
        return False


def _engine() -> Any:
    try:
        from bibgen.style.csl import CslStyle
    except ImportError as exc:
        raise UsageError(
            "CSL styles need bibgen's CSL processor (bibgen.style.csl), which this installation lacks",
            hint="use a built-in style: plain, unsrt, alpha or unsrtalpha",
        ) from exc
    return CslStyle


class CslFileStyle:
    """A style defined by a CSL file; loaded (parsed) on first use."""

    engine = "csl"

    def __init__(self, found: CslFile, locale: str | None = None) -> None:
        self.name = found.name
        self.title = found.title
        self.path = found.path
        self.locale = locale  # overrides the style's default-locale when set
        self._style: Any = None

    def _load(self) -> Any:
        if self._style is None:
            from bibgen.errors import BibgenError
            from bibgen.model import Origin

            engine = _engine()
            try:
                xml = self.path.read_text("utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise UsageError(f"cannot read CSL style: {exc}", Origin(str(self.path), 1, 1)) from None
            try:
                self._style = engine.from_string(xml, name=self.name, path=str(self.path), locale=self.locale)
            except BibgenError:
                raise
            except Exception as exc:  # a malformed style must not end in a traceback
                raise UsageError(f"invalid CSL style: {exc}", Origin(str(self.path), 1, 1)) from None
        return self._style

    def format(self, entries: Sequence[Entry]) -> list[Reference]:
        """References in the style's bibliography order, each with its entry and key."""
        from bibgen.writers.csljson import csl_item

        from bibgen.errors import BibgenError, InputError
        from bibgen.model import Origin

        style = self._load()
        by_key = {e.key: e for e in entries}
        try:
            refs = style.bibliography([csl_item(e) for e in entries])
        except BibgenError:
            raise
        except Exception as exc:  # a processor bug must be one line, not a traceback
            raise InputError(f"CSL style '{self.name}' failed: {type(exc).__name__}: {exc}", Origin(str(self.path), 1, 1)) from None
        out: list[Reference] = []
        for ref, entry in zip(refs, _match(refs, entries, by_key)):
            out.append(dataclasses.replace(ref, key=entry.key, entry=entry) if entry is not None else ref)
        return out


def _match(refs: Sequence[Reference], entries: Sequence[Entry], by_key: dict[str, Entry]) -> list[Entry | None]:
    """The entry of each reference: by key or item id when the processor set one, else by position."""
    ids = [r.entry.get("id") if isinstance(r.entry, dict) else r.key for r in refs]
    if all(i in by_key for i in ids):
        return [by_key[i] for i in ids]  # type: ignore[index]
    if len(refs) == len(entries):
        return list(entries)
    return [by_key.get(r.key) for r in refs]
