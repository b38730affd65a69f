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


# citeproc-js's default trigraph: per count of names, letters of each name, then digits of the year.
_TRIGRAPH = ((4,), (2, 2), (2, 1, 1), (1, 1, 1, 1))
_TRIGRAPH_YEAR = 2
_LEADING_PARTICLE = re.compile(r"^([ '\u2019a-z]+\s+)")
_LEADING_ARTICLE = re.compile(r"^(a\s+|the\s+|an\s+)", re.I)
# citeproc-js's CSL.ROMANESQUE_NOT_REGEXP: what a label keeps of a name.
_NOT_ROMANESQUE = re.compile(
    "[^a-zA-Z\u0e01-\u0e5b\u00c0-\u017f\u0370-\u03ff\u0400-\u052f\u0590-\u05d4\u05d6-\u05ff"
    "\u1f00-\u1fff\u0600-\u06ff\u200c\u200d\u200e\u0218\u0219\u021a\u021b\u202a-\u202e]"
)
_LABEL_NAME_VARIABLES = (
    "author chair collection-editor compiler composer container-author contributor curator director"
    " editor editor-translator editorial-director executive-producer guest host illustrator interviewer"
    " narrator organizer original-author performer producer recipient reviewed-author script-writer"
    " series-creator translator commenter"
).split()
# citeproc-js's CSL.SKIP_WORDS, dropped from a title that makes a label.
_SKIP_WORDS = frozenset(
    "about above across afore after against al along alongside amid amidst among amongst anenst apropos apud"
    " around as aside astride at athwart atop barring before behind below beneath beside besides between beyond"
    " but by circa despite down during et except for forenenst from given in inside into lest like modulo near"
    " next notwithstanding of off on onto out over per plus pro qua sans since than through thru throughout"
    " thruout till to toward towards under underneath until unto up upon versus vs. v. vs v via vis-à-vis with"
    " within without or yet so and nor a an the de d' von van c ca".split()
)


def _label_case(s: str) -> str:
    return s[:1].upper() + s[1:].lower()


def citation_label(item: dict, reference_term: str | None) -> str:
    """The label citeproc-js generates for an item without one ("Doe65", "RoNo78").

    Letters of the first names' family names (4 of one, 2+2 of two, 2+1+1 of
    three, 1 of each of the first four), then the last two digits of the year
    ("00" without one); a title's first letters when there are no names.
    """
    label = ""
    spec = _TRIGRAPH[0]
    fallback = (reference_term or "reference").replace(".", "", 1)
    fallback = fallback[:1].upper() + fallback[1:]
    for var in _LABEL_NAME_VARIABLES:
        names = item.get(var)
        if not isinstance(names, list) or not names:
            continue
        spec = _TRIGRAPH[min(len(names), len(_TRIGRAPH)) - 1]
        name = fallback
        for n, size in zip(names, spec):
            if not isinstance(n, dict):
                break
            if n.get("family"):
                name = _LEADING_PARTICLE.sub("", str(n["family"]))
            elif n.get("literal"):
                name = str(n["literal"])
            name = _NOT_ROMANESQUE.sub("", _LEADING_ARTICLE.sub("", name, count=1))
            if not name:
                break
            label += _label_case(name[:size])
        break
    if not label and isinstance(item.get("title"), str):
        words = [w for w in item["title"].split() if w not in _SKIP_WORDS]
        label = _label_case("".join(words)[: _TRIGRAPH[0][0]])
    year = "0000"
    issued = item.get("issued")
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            year = str(parts[0][0])
    return label + year[-_TRIGRAPH_YEAR:]
