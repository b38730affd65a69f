"""The CSL-JSON items as the engine reads them: wrong-typed values left out, note fields added.

Items come from users' files and from bibgen's own mapping; before a style
sees them, :func:`clean_item` drops values of the wrong JSON type (rather than
crash the run) and :func:`note_fields` adds the ``var: value`` lines of a
Zotero-style ``note`` as variables, as citeproc-js does.
"""

from __future__ import annotations

import re

from bibgen.style.csl.values import DATE_VARIABLES, NAME_VARIABLES, NUMBER_VARIABLES

_NOTE_FIELD = re.compile(r"^\s*([a-z][a-z-]*[a-z])\s*:\s*(\S.*?)\s*$", re.M)
_KNOWN_VARIABLES = DATE_VARIABLES | NUMBER_VARIABLES | frozenset(
    "title container-title collection-title publisher publisher-place event event-place genre"
    " medium status original-title original-publisher original-publisher-place archive"
    " archive-place archive_location authority".split()
)


def clean_item(item: dict) -> dict:
    """The item with values of the wrong JSON type left out.

    Items come from users' files: a name list must hold name objects, a date
    must be an object or a string, and other variables strings or numbers.
    Anything else is ignored rather than crashing the run.
    """
    out: dict = {}
    for k, v in item.items():
        if k in NAME_VARIABLES:
            if not isinstance(v, list):
                continue
            if not all(isinstance(n, dict) for n in v):
                v = [n for n in v if isinstance(n, dict)]
        elif k in DATE_VARIABLES:
            if not isinstance(v, (dict, str)):
                continue
        elif isinstance(v, bool) or not isinstance(v, (str, int, float)):
            continue
        out[k] = v
    return out


def note_fields(item: dict) -> dict:
    """The item with ``var: value`` lines of its note added as variables.

    Zotero users keep fields CSL has but Zotero lacks in "Extra", exported as
    such lines in ``note``; citeproc-js reads them, so bibgen does too. Fields
    the item already has win.
    """
    note = item.get("note")
    if not isinstance(note, str) or ":" not in note:
        return item
    extra = {}
    for m in _NOTE_FIELD.finditer(note):
        key, value = m.group(1), m.group(2)
        if key in _KNOWN_VARIABLES and key not in item:
            extra[key] = {"raw": value} if key in DATE_VARIABLES else value
    return {**item, **extra} if extra else item
