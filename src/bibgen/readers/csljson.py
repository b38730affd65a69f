"""Reader for CSL-JSON (``*.json``): an array of CSL items, checked against the schema.

The document is validated with the bundled CSL-JSON schema first; a problem
names the item's id and the path of the offending value (``[3].author[0]``)
and the line where that item starts. JSON syntax errors carry the line and
column Python's parser reports. The field mapping is documented in
:mod:`bibgen.mappings.csljson`.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from bibgen.mappings.csljson import CSL_TO_FIELD, OTHERS, RICH_TEXT, TYPE_TO_KIND, strip_markup, validator
from bibgen.errors import InputError
from bibgen.model import Entry, EntryKind, Fields, Origin, Person, SourceForm, SourceValue, people_signature
from bibgen.normalize import bare_doi, clean_text
from bibgen.readers import decode

if TYPE_CHECKING:
    from bibgen.options import Options

# CSL ``archive`` values that name an eprint archive (biblatex eprinttype).
EPRINT_ARCHIVES = frozenset({"arxiv", "pubmed", "pmcid", "jstor", "hdl", "googlebooks", "mrnumber", "zbl", "ssrn"})
_ARXIV_NUMBER = re.compile(r"^arxiv:\s*(\S+)$", re.IGNORECASE)
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_HANDLED = frozenset(
    {"id", "type", "citation-key", "issued", "accessed", "issue", "number", "archive", "archive_location", "season"}
)


def path_text(path: Any) -> str:
    """``[3].author[0].family`` from a jsonschema path."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def item_offsets(text: str) -> list[int]:
    """Character offsets where each top-level array element starts (for line numbers)."""
    dec = json.JSONDecoder()
    offsets: list[int] = []
    i = text.index("[") + 1
    n = len(text)
    while True:
        while i < n and text[i] in " \t\n\r,":
            i += 1
        if i >= n or text[i] == "]":
            return offsets
        offsets.append(i)
        _, i = dec.raw_decode(text, i)


class CslJsonReader:
    """Reads CSL-JSON arrays (pandoc, Zotero, Better BibTeX exports)."""

    name = "csl-json"
    suffixes = (".json",)

    def read(self, data: bytes, path: str, options: Options) -> list[Entry]:
        text = decode(data, path)
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON: {exc.msg}", Origin(path, exc.lineno, exc.colno)) from None
        except RecursionError:
            raise InputError("JSON nested too deeply", Origin(path, 1, 1)) from None
        if not isinstance(doc, list):
            raise InputError("not CSL-JSON: expected an array of items", Origin(path, 1, 1))
        offsets = item_offsets(text)

        def origin(i: int) -> Origin:
            if i >= len(offsets):
                return Origin(path, 1, 1)
            off = offsets[i]
            line = text.count("\n", 0, off) + 1
            return Origin(path, line, off - (text.rfind("\n", 0, off) + 1) + 1)

        errors = sorted(validator().iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path])
        if errors:
            err = _deepest(errors[0])
            where = list(err.absolute_path)
            idx = where[0] if where and isinstance(where[0], int) else 0
            item = doc[idx] if idx < len(doc) else None
            ident = item.get("id") if isinstance(item, dict) else None
            label = f"item {ident!r} " if ident is not None else ""
            more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
            raise InputError(
                f"{label}{path_text(where) or '[]'}: {err.message}{more}",
                origin(idx),
                "see the CSL-JSON schema: https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html",
            )
        return [self._entry(item, origin(i), options) for i, item in enumerate(doc)]

    def _entry(self, item: dict[str, Any], where: Origin, options: Options) -> Entry:
        ctype = item["type"]
        kind = TYPE_TO_KIND.get(ctype)
        if kind is None:
            kind = EntryKind.MISC
            options.diagnostics.note(f"CSL type '{ctype}' read as misc", where)
        fields: dict[str, str] = {}
        people: dict[str, tuple[Person, ...]] = {}
        partial: set[str] = set()
        custom = item.get("custom")
        if isinstance(custom, dict) and isinstance(custom.get("partial-name-lists"), list):
            partial.update(str(r) for r in custom["partial-name-lists"] if isinstance(item.get(r), list) and item[r])
        if isinstance(custom, dict) and isinstance(custom.get("arxiv-class"), str) and custom["arxiv-class"]:
            fields["eprintclass"] = custom["arxiv-class"]
        if isinstance(custom, dict) and isinstance(custom.get("arxiv-id"), str) and custom["arxiv-id"]:
            fields["eprint"], fields["eprinttype"] = custom["arxiv-id"], "arxiv"
        for var, value in item.items():
            if var in _HANDLED or var == "custom":
                continue
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                names = list(value)
                if names and names[-1].get("literal", "").strip().lower() == OTHERS and len(names[-1]) == 1:
                    names.pop()
                    partial.add(var)
                people[var] = tuple(_person(n) for n in names)
                if not people[var]:
                    del people[var]
                continue
            if isinstance(value, dict):
                text = _date_text(value)
                if text:
                    fields["urldate" if var == "accessed" else var.lower()] = text
                continue
            if isinstance(value, list):
                value = ", ".join(str(v) for v in value)
            # Field names are lower case in the model (PMID -> pmid); bibgen.safety checks them.
            fields[CSL_TO_FIELD.get(var, var.lower())] = strip_markup(str(value)) if var in RICH_TEXT else str(value)
        if "accessed" in item:
            text = _date_text(item["accessed"])
            if text:
                fields["urldate"] = text
        archive = str(item.get("archive", ""))
        if archive.lower() in EPRINT_ARCHIVES:
            fields["eprinttype"] = archive.lower()
            if item.get("archive_location"):
                fields["eprint"] = str(item["archive_location"])
        else:
            for var in ("archive", "archive_location"):
                if item.get(var):
                    fields[var] = str(item[var])
        number = str(item.get("number", ""))
        m = _ARXIV_NUMBER.match(number)
        if m:
            fields.setdefault("eprint", m.group(1))
            fields.setdefault("eprinttype", "arxiv")
        elif number:
            fields["number"] = number
        if item.get("issue") not in (None, ""):
            fields["number"] = str(item["issue"])
        if kind is EntryKind.PREPRINT and fields.get("eprinttype") == "arxiv" and fields.get("publisher", "").lower() == "arxiv":
            # Zotero's Repository of an arXiv preprint says what eprinttype says; CSL-JSON output
            # writes it back as read (it stays in the source form), .bib output as eprinttype.
            del fields["publisher"]
        fields.update(_date_fields(item.get("issued")))
        parts = (item.get("issued") or {}).get("date-parts") if isinstance(item.get("issued"), dict) else None
        if parts and len(parts) == 2 and all(parts):
            fields["date"] = "/".join(_iso(p) for p in parts)  # a range: kept whole, year from its start
        key = str(item.get("citation-key") or item["id"])
        entry = Entry(kind=kind, fields=Fields(fields), people=people, origin=where, key=key, partial=frozenset(partial))
        return entry.replace(source=SourceForm("csl", ctype, kind, _sources(item, entry)))


# The fields each CSL variable is read into, when it is not the one field CSL_TO_FIELD names.
_EPRINT_KEY = "archive|archive_location|eprint|eprinttype|number"
_DATE_KEY = "date|day|month|year"
_KEYS: dict[str, str] = {
    "issued": _DATE_KEY, "season": _DATE_KEY, "accessed": "urldate", "issue": "number", "number": _EPRINT_KEY,
    "archive": _EPRINT_KEY, "archive_location": _EPRINT_KEY, "citation-key": "@key",
    # bibgen's own keys in custom: an arXiv class and id (the partial-list roles are the names' own)
    "custom": "custom|eprint|eprintclass|eprinttype",
}  # fmt: skip


def source_key(var: str, value: Any) -> str:
    """The model part a CSL variable is read into: a field (``title``), fields joined by ``|``, or ``@role``."""
    if var in _KEYS:
        return _KEYS[var]
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return "@" + var
    return CSL_TO_FIELD.get(var, var.lower())


def signature(entry: Entry, key: str) -> str:
    """What ``key`` holds in ``entry`` now: a CSL variable is written as read while this is unchanged."""
    if key == "@key":
        return entry.key
    if key.startswith("@"):
        return people_signature(entry.people.get(key[1:], ()), key[1:] in entry.partial)
    if "|" not in key:
        return entry.fields.get(key, "")
    return repr(tuple(entry.fields.get(k, "") for k in key.split("|")))


def _cleaned(entry: Entry) -> Entry:
    """``entry`` as the pipeline's normalisation leaves it (NFC, tidy spaces, bare DOI)."""
    values = {k: clean_text(v) for k, v in entry.fields.items()}
    if "doi" in values:
        values["doi"] = bare_doi(values["doi"])
    people = {
        r: tuple(Person(*(clean_text(x) for x in (p.family, p.given, p.particle, p.suffix, p.literal))) for p in ps)
        for r, ps in entry.people.items()
    }
    return entry.replace(fields=Fields(values), people=people)


def _sources(item: dict[str, Any], entry: Entry) -> tuple[tuple[str, SourceValue], ...]:
    """Each CSL variable as written (JSON), under the model part it was read into and what that holds.

    What it holds is taken after normalisation: a value that only NFC or spacing
    changes (a CJK compatibility ideograph, U+2F800) is still written as read.
    """
    entry = _cleaned(entry)
    out = []
    for var, value in item.items():
        if var in ("id", "type"):
            continue
        key = source_key(var, value)
        raw = json.dumps(value, ensure_ascii=False, sort_keys=True)
        out.append((key, SourceValue(var, raw, signature(entry, key))))
    return tuple(sorted(out))


def _deepest(err: Any) -> Any:
    """The most specific error under an ``anyOf`` (name and date objects)."""
    while err.context:
        err = max(err.context, key=lambda e: len(e.absolute_path))
    return err


def _person(n: dict[str, Any]) -> Person:
    if n.get("literal"):
        return Person(literal=str(n["literal"]))
    particle = " ".join(str(n[k]) for k in ("dropping-particle", "non-dropping-particle") if n.get(k))
    return Person(
        family=str(n.get("family", "")), given=str(n.get("given", "")), particle=particle, suffix=str(n.get("suffix", ""))
    )


def _date_fields(date: Any) -> dict[str, str]:
    if not isinstance(date, dict):
        return {}
    parts = date.get("date-parts")
    if parts and parts[0]:
        first = [str(p).strip() for p in parts[0]]
        out = dict(zip(("year", "month", "day"), first))
        if date.get("season") and "month" not in out:
            out["month"] = str(date["season"])
        return {k: str(int(v)) if k != "year" and v.isdigit() else v for k, v in out.items() if v}
    text = str(date.get("literal") or date.get("raw") or "").strip()
    m = _DATE.match(text)
    if m:
        return {k: (str(int(v)) if k != "year" else v) for k, v in zip(("year", "month", "day"), m.groups()) if v}
    if text:
        words = text.split(" ")
        if len(words) <= 3 and words[0].isalnum():
            return dict(zip(("year", "month", "day"), words))
        return {"year": text}
    return {}


def _iso(parts: list[Any]) -> str:
    """``[2020, 3, 1]`` -> ``2020-03-01``."""
    out = [str(parts[0])] + [str(p).zfill(2) for p in parts[1:3]]
    return "-".join(out)


def _date_text(date: dict[str, Any]) -> str:
    f = _date_fields(date)
    if not f.get("year"):
        return ""
    parts = [f["year"]] + [v.zfill(2) for v in (f.get("month", ""), f.get("day", "")) if v.isdigit()]
    return "-".join(parts)
