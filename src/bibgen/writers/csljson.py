"""CSL-JSON writer (``--format csl-json``): the mapping is documented in :mod:`bibgen.mappings.csljson`.

Output is deterministic: items sorted by id, keys sorted, two-space indent,
UTF-8 (no ``\\u`` escapes), one trailing newline. Every item is valid against
the bundled CSL-JSON schema.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from bibgen.mappings.csljson import ARCHIVES, DATE_FIELDS, FIELD_TO_CSL, ISSUE_KINDS, KIND_TO_TYPE, OTHERS, RICH_TEXT, ROLES, schema
from bibgen.dates import csl_date
from bibgen.mappings.types import output_type
from bibgen.latex import split_math
from bibgen.mathtext import convert_math
from bibgen.model import Entry, EntryKind, Fields, Person
from bibgen.mappings.csl import BIB_FIELD_TO_CSL, BIB_ONLY, SENTENCE_CASED, ietf_language
from bibgen import richtext
from bibgen.caseprotect import is_english
from bibgen.preprint import arxiv_url

if TYPE_CHECKING:
    from bibgen.options import Options

_INT = re.compile(r"^\d{1,4}$")


def csl_name(p: Person) -> dict[str, str]:
    """A CSL name object; corporate names are ``literal``."""
    if p.literal:
        return {"literal": p.literal}
    out = {"family": p.family, "given": p.given, "non-dropping-particle": p.particle, "suffix": p.suffix}
    return {k: v for k, v in out.items() if v}


PARTIAL_KEY = "partial-name-lists"


def csl_item(entry: Entry, partial: str = "others") -> dict[str, Any]:
    """One CSL-JSON item for ``entry``; ``partial`` says how an incomplete name list is marked.

    ``others`` (for bibgen's CSL engine and pandoc, which print it as "et al."):
    the list ends with the name ``{"literal": "others"}``. ``custom`` (the
    CSL-JSON file, read by citeproc-js and Zotero too, which would print
    "others" as a name): the list holds only the known names and the item's
    ``custom`` object lists the roles, ``{"partial-name-lists": ["author"]}``.

    An entry read from CSL-JSON gets back every variable it was read from, as it
    was written (markup, particles, seasons, ``number`` beside ``issue``), as
    long as the model part that variable went to still holds what was read;
    the rest is written from the model.
    """
    return mark_partial(_item(entry), partial)


def mark_partial(item: dict[str, Any], how: str) -> dict[str, Any]:
    """``item`` with its incomplete name lists marked the way ``how`` (``others``/``custom``) says."""
    custom = item.get("custom") if isinstance(item.get("custom"), dict) else {}
    roles = set(custom.get(PARTIAL_KEY, ())) if isinstance(custom.get(PARTIAL_KEY), list) else set()
    for var, value in item.items():
        if isinstance(value, list) and value and isinstance(value[-1], dict) and value[-1] == {"literal": OTHERS}:
            roles.add(var)
    if not roles:
        return item
    out = dict(item)
    rest = {k: v for k, v in custom.items() if k != PARTIAL_KEY}
    for role in sorted(roles):
        names = [n for n in out.get(role, []) if n != {"literal": OTHERS}]
        if how == "others":
            names.append({"literal": OTHERS})
        if names:
            out[role] = names
    if how == "custom":
        rest[PARTIAL_KEY] = sorted(roles)
    if rest:
        out["custom"] = rest
    else:
        out.pop("custom", None)
    return out


def _item(entry: Entry) -> dict[str, Any]:
    src = entry.source
    if src is None or src.dialect != "csl" or not src.fields:
        return _model_item(entry)
    from bibgen.readers.csljson import signature

    kept = [(key, sv) for key, sv in src.fields if signature(entry, key) == sv.text]
    if not kept:
        return _model_item(entry)
    drop_fields = {k for key, _ in kept if not key.startswith("@") for k in key.split("|")}
    drop_roles = {key[1:] for key, _ in kept if key.startswith("@") and key != "@key"}
    rest = entry.replace(
        fields=Fields({k: v for k, v in entry.fields.items() if k not in drop_fields}),
        people={r: p for r, p in entry.people.items() if r not in drop_roles},
        partial=entry.partial - drop_roles,
    )
    item = _model_item(rest)
    for _key, sv in kept:
        item[sv.name] = json.loads(sv.raw)
    return item


def _model_item(entry: Entry) -> dict[str, Any]:
    """The CSL-JSON item written from the model alone."""
    f = entry.fields
    ctype = KIND_TO_TYPE[entry.kind]
    src = entry.source
    if src is not None and src.kind is entry.kind:
        ctype = output_type("csl", src.dialect, src.type) or ctype
        if src.dialect == "bib":
            ctype = _bib_subtype(entry, ctype)
    item: dict[str, Any] = {"id": entry.key, "type": ctype}
    free = _free_variables()
    bib = src if src is not None and src.dialect == "bib" else None
    english = bib is not None and is_english(f.get("langid") or f.get("hyphenation") or f.get("language", ""))
    for name, value in f.items():
        target = FIELD_TO_CSL.get(name)
        if not target and (bib is not None or name not in BIB_ONLY):
            target = BIB_FIELD_TO_CSL.get(name)
            if target in item or (target == "language" and "language" in f and name != "language"):
                continue
            if target == "language":
                value = ietf_language(value)
        if target and value:
            rich = _bib_rich(bib, name, value, english) if bib is not None and target in RICH_TEXT else None
            item[target] = rich if rich is not None else protect_math(value) if target in RICH_TEXT else value
        elif name in DATE_FIELDS and name != "date":
            date = csl_date(value)
            if date is not None:
                item[DATE_FIELDS[name]] = date
        elif name in free and value and name not in item:
            item[name] = value  # a CSL variable read from CSL-JSON, kept under its own name
    if bib is not None:
        _bib_extras(entry, bib, item)
    if f.get("number"):
        item["issue" if entry.kind in ISSUE_KINDS else "number"] = f["number"]
    eprinttype = f.get("eprinttype", "")
    if eprinttype == "arxiv" and f.get("eprint"):
        _arxiv(entry, item)
    elif eprinttype:
        item["archive"] = ARCHIVES.get(eprinttype, eprinttype)
    date = csl_date(f["date"]) if "date" in f else None
    if date is None or "date-parts" not in date:
        # An open range: its known end as date-parts (what styles print), the range in "raw" (EDTF).
        raw = date.get("raw") if date else None
        date = issued(f.get("year", ""), f.get("month", ""), f.get("day", ""))
        if date is not None and raw:
            date["raw"] = raw
    if date:
        item["issued"] = date
    orig = f.get("origdate", "").split("-")
    if orig[0]:
        odate = issued(orig[0], orig[1] if len(orig) > 1 else "", orig[2] if len(orig) > 2 else "")
        if odate:
            item["original-date"] = odate
    for role in ROLES:
        people = entry.people.get(role, ())
        if people:
            names = [csl_name(p) for p in people]
            if bib is not None:
                names = _bib_particles(entry, bib, role, names)
            if role in entry.partial:
                names.append({"literal": OTHERS})
            item[role] = names
    return item


def _bib_subtype(entry: Entry, ctype: str) -> str:
    """The CSL type of a .bib entry where its kind or ``entrysubtype`` says more than its entry type.

    An ``@online``/``@misc`` arXiv preprint is an ``article`` (what Zotero and
    pandoc write); ``@article`` with ``entrysubtype = {newspaper}`` or
    ``{magazine}`` is ``article-newspaper``/``article-magazine``.
    """
    if entry.kind is EntryKind.PREPRINT:
        return "article"
    if ctype == "article-journal":
        if entry.kind is EntryKind.NEWS:
            return "article-newspaper"
        if entry.fields.get("entrysubtype", "").strip().lower() == "magazine":
            return "article-magazine"
    return ctype


_USEPREFIX = re.compile(r"\buseprefix\s*(?:=\s*(true|false))?", re.IGNORECASE)


def _useprefix(text: str) -> bool | None:
    """What a biblatex ``options``/name says about ``useprefix``; None when it says nothing."""
    m = None
    for m in _USEPREFIX.finditer(text):
        pass
    return None if m is None else (m.group(1) or "true").lower() == "true"


def _split_names(raw: str) -> list[str]:
    """A BibTeX name list's source split on its top-level ``and``."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(raw):
        c = raw[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif depth == 0 and raw[i : i + 5].lower() == " and " :
            parts.append(raw[start:i])
            start = i + 5
            i += 4
        i += 1
    parts.append(raw[start:])
    return [p.strip() for p in parts]


def _bib_particles(entry: Entry, src: Any, role: str, names: list[dict[str, str]]) -> list[dict[str, str]]:
    """biblatex's reading of name particles: ``von`` is dropped (``Neumann, John von``) unless ``useprefix``.

    ``useprefix=true`` in the entry's ``options`` or in an extended name
    (``family=Gogh, prefix=Van, useprefix=true``) keeps it in front of the family
    name: CSL's non-dropping particle. This is how biber and pandoc read a .bib.
    """
    default = _useprefix(entry.fields.get("options", "")) or False
    sv = src.get(role)
    raws = _split_names(richtext.unbrace(sv.raw)) if sv is not None else []
    if len(raws) != len(names):
        raws = [""] * len(names)
    out = []
    for n, raw in zip(names, raws):
        if "non-dropping-particle" in n and not n["non-dropping-particle"].endswith(("'", "’")):
            # (a particle glued by an apostrophe, d'Alembert, is one word of the family name to biblatex)
            own = _useprefix(raw) if "=" in raw else None
            if not (default if own is None else own):
                n = {("dropping-particle" if k == "non-dropping-particle" else k): v for k, v in n.items()}
        out.append(n)
    return out


def _arxiv(entry: Entry, item: dict[str, Any]) -> None:
    """An arXiv e-print as Zotero writes it in CSL-JSON.

    A preprint is ``type: article`` with ``publisher: arXiv`` and ``number:
    arXiv:<id>`` (Zotero's Repository and Archive ID); no ``archive`` or
    ``archive_location``, which styles print as a second copy of the id
    (``(arXiv:1706.03762). arXiv (1706.03762).``). Any entry gets the abstract
    page as its URL when it has none, as pandoc does for ``eprinttype =
    arxiv``; the id of a work that is not a preprint (a journal article's
    e-print) is kept in ``custom.arxiv-id``. The subject class (``primaryClass``), which styles would print
    where the archive belongs, is kept in ``custom.arxiv-class``.
    """
    eprint = entry.fields["eprint"]
    item.pop("archive_location", None)
    cls = item.pop("archive_collection", None)
    if cls:
        item.setdefault("custom", {})["arxiv-class"] = cls
    if entry.kind is EntryKind.PREPRINT:
        item.setdefault("number", eprint if eprint.lower().startswith("arxiv:") else f"arXiv:{eprint}")
        item.setdefault("publisher", "arXiv")
    else:
        item.setdefault("custom", {})["arxiv-id"] = eprint  # a published work's e-print: no style prints it
    item.setdefault("URL", arxiv_url(eprint))


def _bib_extras(entry: Entry, src: Any, item: dict[str, Any]) -> None:
    """What pandoc's biblatex reader adds from a .bib's entry type: a PhD thesis's genre, a patent's jurisdiction."""
    if entry.kind is EntryKind.THESIS and "genre" not in item:
        said = src.get("type")
        if src.type == "phdthesis" or (said is not None and richtext.unbrace(said.raw).strip().lower() == "phdthesis"):
            item["genre"] = "PhD thesis"
    if item["type"] == "patent" and "publisher-place" in item:
        item["jurisdiction"] = item.pop("publisher-place")  # biblatex @patent's location is where it is granted


def _bib_rich(src: Any, name: str, value: str, english: bool) -> str | None:
    """The CSL markup of a .bib title-like field still holding what its source said, else None.

    Braces become ``nocase`` spans, ``\\emph``/``\\textbf``/... their tags, math Unicode;
    an English title is put in sentence case as pandoc reads it (:mod:`bibgen.richtext`).
    """
    sv = src.unchanged(name, value)
    if sv is None:
        return None
    nodes = richtext.from_latex(richtext.unbrace(sv.raw))
    if english and sv.name in SENTENCE_CASED:
        nodes = richtext.sentence_case(nodes)
    return richtext.to_csl(nodes)


@lru_cache(maxsize=1)
def _free_variables() -> frozenset[str]:
    """CSL string variables a field may carry under its own name (not mapped, not set by the writer)."""
    props = schema()["items"]["properties"]
    taken = {"id", "type", "number", "issue", "archive", "citation-key", *FIELD_TO_CSL.values(), *ROLES}
    return frozenset(k for k, v in props.items() if k not in taken and "string" in str(v.get("type", "")))


def protect_math(text: str) -> str:
    """``$...$`` math as Unicode where it has a faithful form (``$\\alpha$`` -> ``α``), else kept as TeX.

    Either way it is wrapped in ``<span class="nocase">`` so styles do not change its case
    (see :mod:`bibgen.mathtext`).
    """
    pieces = split_math(text)
    out = []
    for is_math, p in pieces:
        if is_math:
            converted = convert_math(p[1:-1]) if p.startswith("$") and p.endswith("$") and len(p) > 2 else None
            out.append(f'<span class="nocase">{converted if converted is not None else p}</span>')
        else:
            out.append(p)
    return "".join(out)


def issued(year: str, month: str, day: str) -> dict[str, Any] | None:
    """``{"date-parts": [[y, m, d]]}`` from numeric parts, else ``{"literal": ...}``."""
    if not year:
        return None
    if not _INT.match(year):
        text = " ".join(p for p in (year, month, day) if p)
        return {"literal": text}
    parts: list[int] = [int(year)]
    if month and _INT.match(month) and 1 <= int(month) <= 12:
        parts.append(int(month))
        if day and _INT.match(day) and 1 <= int(day) <= 31:
            parts.append(int(day))
    elif month:
        return {"date-parts": [parts], "season": month}
    return {"date-parts": [parts]}


def dump(items: list[dict[str, Any]]) -> str:
    """The canonical text of a CSL-JSON document."""
    return json.dumps(items, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


class CslJsonWriter:
    """CSL-JSON, as read by pandoc --citeproc, citeproc-js and Zotero."""

    name = "csl-json"
    suffixes = (".json",)

    def write(self, entries: list[Entry], options: Options) -> str:
        # CSL has no aliases: each alias gets a copy of the item under its own id,
        # so pandoc and citeproc-js resolve every key that merged into the entry.
        items = []
        for e in entries:
            item = csl_item(e, partial="custom")
            items.append(item)
            items.extend({**item, "id": a} for a in e.aliases)
        items.sort(key=lambda it: (str(it["id"]).casefold(), str(it["id"])))
        return dump(items)
