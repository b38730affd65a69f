"""Reader for hand-written YAML records (``*.yaml``, ``*.yml``).

The schema (documented in the README, example in ``examples/records.yaml``)::

    records:                      # or the list of records at the top level
      - key: oord2016wavenet      # optional citation key
        type: article             # optional: an entry kind (article, inproceedings,
                                  # preprint, book, incollection, report, thesis,
                                  # online, news, misc)
        title: "WaveNet: A Generative Model for Raw Audio"
        authors:                  # "Family, Given" strings or mappings
          - van den Oord, Aäron
          - {family: Dieleman, given: Sander}
          - {literal: DeepMind}   # a corporate name
          - et al.                # last item: the list is incomplete ("others" too)
        editors: [...]            # same form as authors
        translators: [...]        # same form as authors
        year: 2016                # or date: 2016-09-12 (YYYY, YYYY-MM or YYYY-MM-DD)
        venue: arXiv.org Sound    # a source line, classified like author pages
                                  # (with type given: the container)
        container: ...            # journal / proceedings / collection title
        publisher, volume, number, pages, edition, howpublished, doi, url: ...
        arxiv: 1609.03499         # or {id: 1609.03499, eprintclass: cs.SD}
        abstract, note: ...
        keywords: [speech, audio] # or one string, ";"-separated
        aliases: [oldkey]         # earlier citation keys
        extra: {address: London}  # any other field, by its (BibTeX) name

Loading is safe by construction: only ``yaml.compose`` with PyYAML's
SafeLoader (no Python objects), anchors and aliases are refused (so alias
bombs cannot expand), and every scalar is read as the text written (``1.10``
stays ``1.10``, ``no`` stays ``no``). Unknown keys, duplicate keys and wrong
shapes are errors naming the file and line.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bibgen.errors import InputError
from bibgen.model import Entry, EntryKind, Fields, Origin, Person
from bibgen.normalize import parse_name
from bibgen.readers import decode

if TYPE_CHECKING:
    from bibgen.options import Options

TEXT_KEYS = (
    "title", "container", "publisher", "volume", "number", "pages", "edition", "howpublished",
    "doi", "url", "abstract", "note",
)  # fmt: skip
RECORD_KEYS = frozenset(
    {*TEXT_KEYS, "key", "type", "authors", "editors", "translators", "year", "date", "venue", "arxiv", "keywords", "aliases", "extra"}
)
NAME_KEYS = frozenset({"family", "given", "particle", "suffix", "literal"})
ARXIV_KEYS = frozenset({"id", "eprintclass"})
PARTIAL_MARKERS = frozenset({"et al.", "et al", "others", "and others"})
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
# Kinds whose venue is their container (journal, proceedings, book, newspaper).
_CONTAINER_KINDS = frozenset(
    {EntryKind.ARTICLE, EntryKind.INPROCEEDINGS, EntryKind.INCOLLECTION, EntryKind.NEWS, EntryKind.MISC, EntryKind.ONLINE}
)
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
class _Loader(yaml.SafeLoader):
    """SafeLoader that refuses aliases: no node is ever shared or expanded."""

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(None, None, "aliases (*name) are not allowed in bibgen records", event.start_mark)
        return super().compose_node(parent, index)


class YamlReader:
    """Reads YAML records; see the module docstring for the schema."""

    name = "yaml"
    suffixes = (".yaml", ".yml")

    def read(self, data: bytes, path: str, options: Options) -> list[Entry]:
        text = decode(data, path)
        try:
            root = yaml.compose(text, Loader=_Loader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = Origin(path, mark.line + 1, mark.column + 1) if mark else Origin(path)
            raise InputError(f"not valid YAML: {exc.problem or exc.context}", where) from None
        except yaml.YAMLError as exc:
            raise InputError(f"not valid YAML: {exc}", Origin(path)) from None
        except RecursionError:
            raise InputError("YAML nested too deeply", Origin(path, 1, 1)) from None
        try:
            return RecordsParser(path, options).records(root)
        except RecursionError:
            raise InputError("YAML nested too deeply", Origin(path, 1, 1)) from None


class NodeParser:
    """Base of the YAML parsers (records, hayagriva): the file and options, and node marks for every error."""

    def __init__(self, path: str, options: Options) -> None:
        self.path = path
        self.options = options

    def origin(self, node: Node) -> Origin:
        return Origin(self.path, node.start_mark.line + 1, node.start_mark.column + 1)

    def fail(self, node: Node, message: str, hint: str = "") -> InputError:
        return InputError(message, self.origin(node), hint)


class RecordsParser(NodeParser):
    """Turns composed YAML nodes into entries, with node marks for every error."""

    # -- shapes

    def mapping(self, node: Node, what: str) -> dict[str, tuple[ScalarNode, Node]]:
        if not isinstance(node, MappingNode):
            raise self.fail(node, f"{what} must be a mapping (key: value)")
        out: dict[str, tuple[ScalarNode, Node]] = {}
        for k, v in node.value:
            if not isinstance(k, ScalarNode):
                raise self.fail(k, f"{what}: keys must be plain text")
            if k.value in out:
                raise self.fail(k, f"{what}: duplicate key '{k.value}'")
            out[k.value] = (k, v)
        return out

    def text(self, node: Node, what: str) -> str | None:
        if not isinstance(node, ScalarNode):
            raise self.fail(node, f"'{what}' must be text, not a {'list' if isinstance(node, SequenceNode) else 'mapping'}")
        if node.style is None and node.value in _NULLS:
            return None
        return node.value

    def texts(self, node: Node, what: str) -> list[tuple[Node, str]]:
        """A list of scalars, or one scalar as a one-item list."""
        if isinstance(node, SequenceNode):
            out = []
            for item in node.value:
                t = self.text(item, what)
                if t is not None:
                    out.append((item, t))
            return out
        t = self.text(node, what)
        return [] if t is None else [(node, t)]

    # -- records

    def records(self, root: Node | None) -> list[Entry]:
        if root is None:
            return []
        if isinstance(root, MappingNode):
            top = self.mapping(root, "top level")
            for name, (knode, _) in top.items():
                if name != "records":
                    raise self.fail(knode, f"unknown top-level key '{name}'", "the top level is a list of records or 'records:'")
            if "records" not in top:
                return []
            root = top["records"][1]
            if isinstance(root, ScalarNode) and root.value in _NULLS:
                return []
        if not isinstance(root, SequenceNode):
            raise self.fail(root, "expected a list of records")
        return [self.record(n) for n in root.value]

    def record(self, node: Node) -> Entry:
        items = self.mapping(node, "record")
        for name, (knode, _) in items.items():
            if name not in RECORD_KEYS:
                known = ", ".join(sorted(RECORD_KEYS))
                raise self.fail(knode, f"unknown key '{name}' in record", f"known keys: {known}")
        where = self.origin(node)
        values = {name: v for name, (_, v) in items.items()}

        kind: EntryKind | None = None
        fields: dict[str, str] = {}
        if "type" in values:
            t = self.text(values["type"], "type")
            if t is not None:
                try:
                    kind = EntryKind(t.strip().lower())
                except ValueError:
                    kinds = ", ".join(k.value for k in EntryKind)
                    raise self.fail(values["type"], f"unknown type '{t}'", f"one of: {kinds}") from None
        venue = self.text(values["venue"], "venue") if "venue" in values else None
        if venue:
            if kind is None:
                v = self.options.venue_table.classify(venue)
                kind = v.kind
                fields.update(v.fields)
                if not v.known:
                    self.options.diagnostics.warn(
                        f"unknown venue {venue!r}; entry typed {v.kind.value}",
                        self.origin(values["venue"]),
                        "give 'type:' or add a rule to the venue table in your configuration",
                    )
            else:
                # An explicit type decides the kind; the venue still says where it appeared.
                v = self.options.venue_table.classify(venue)
                if v.kind is EntryKind.PREPRINT or kind is EntryKind.PREPRINT:
                    for k, val in v.fields.items():
                        fields.setdefault(k, val)
                if kind in _CONTAINER_KINDS and "container" not in values:
                    fields["container"] = v.fields.get("container", venue) if v.kind is kind else venue
                elif kind in (EntryKind.BOOK, EntryKind.REPORT, EntryKind.THESIS) and "publisher" not in values:
                    fields["publisher"] = venue  # the press, institution or school
            fields["venue"] = venue
        if kind is None:
            kind = EntryKind.MISC

        for name in TEXT_KEYS:
            if name in values:
                t = self.text(values[name], name)
                if t is not None:
                    fields[name] = t
        if "title" not in fields:
            # a warning, as in every other reader: a .bib entry without one exported to YAML reads back
            self.options.diagnostics.warn("record has no title", self.origin(node))
        if "year" in values and "date" in values:
            raise self.fail(items["date"][0], "give either 'year' or 'date', not both")
        if "year" in values:
            t = self.text(values["year"], "year")
            if t is not None:
                fields["year"] = t
        if "date" in values:
            t = self.text(values["date"], "date")
            if t is not None:
                m = _DATE.match(t.strip())
                if not m:
                    raise self.fail(values["date"], f"date {t!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
                for part, value in zip(("year", "month", "day"), m.groups()):
                    if value:
                        fields[part] = value if part == "year" else str(int(value))
        if "arxiv" in values:
            self.arxiv(values["arxiv"], fields)
        if "keywords" in values:
            words = [w.strip() for _, t in self.texts(values["keywords"], "keywords") for w in t.split(";")]
            if any(words):
                fields["keywords"] = "; ".join(w for w in words if w)
        aliases: tuple[str, ...] = ()
        if "aliases" in values:
            aliases = tuple(t.strip() for _, t in self.texts(values["aliases"], "aliases") if t.strip())
        if "extra" in values:
            for name, (knode, vnode) in self.mapping(values["extra"], "extra").items():
                field = name.strip().lower()
                if field in fields or field in ("author", "editor", "translator"):
                    raise self.fail(knode, f"'extra' cannot set '{name}': the record sets it already or has a key for it")
                t = self.text(vnode, f"extra.{name}")
                if t is not None:
                    fields[field] = t
        people: dict[str, tuple[Person, ...]] = {}
        partial: set[str] = set()
        for key, role in (("authors", "author"), ("editors", "editor"), ("translators", "translator")):
            if key in values:
                ps, is_partial = self.people(values[key], key)
                if ps:
                    people[role] = ps
                if is_partial:
                    partial.add(role)
        key = ""
        if "key" in values:
            key = (self.text(values["key"], "key") or "").strip()
        return Entry(
            kind=kind,
            fields=Fields(fields),
            people=people,
            origin=where,
            key=key,
            partial=frozenset(partial),
            aliases=aliases,
        )

    def arxiv(self, node: Node, fields: dict[str, str]) -> None:
        fields["eprinttype"] = "arxiv"
        if isinstance(node, MappingNode):
            items = self.mapping(node, "arxiv")
            for name, (knode, vnode) in items.items():
                if name not in ARXIV_KEYS:
                    raise self.fail(knode, f"unknown key '{name}' in arxiv", "known keys: eprintclass, id")
                t = self.text(vnode, f"arxiv.{name}")
                if t:
                    fields["eprint" if name == "id" else name] = t.strip()
            return
        t = self.text(node, "arxiv")
        if t:
            fields["eprint"] = t.strip()

    def people(self, node: Node, what: str) -> tuple[tuple[Person, ...], bool]:
        if not isinstance(node, SequenceNode):
            node_list = [node]
        else:
            node_list = list(node.value)
        out: list[Person] = []
        partial = False
        for i, item in enumerate(node_list):
            if isinstance(item, MappingNode):
                parts = {}
                for name, (knode, vnode) in self.mapping(item, what).items():
                    if name not in NAME_KEYS:
                        raise self.fail(knode, f"unknown name part '{name}'", "known: family, given, literal, particle, suffix")
                    parts[name] = self.text(vnode, f"{what}.{name}") or ""
                if parts.get("literal") and len([v for v in parts.values() if v]) > 1:
                    raise self.fail(item, "a literal name has no other parts")
                person = Person(**parts)
                if person == Person():
                    raise self.fail(item, "empty name")
                out.append(person)
                continue
            t = self.text(item, what)
            if t is None or not t.strip():
                continue
            if t.strip().lower() in PARTIAL_MARKERS:
                if i != len(node_list) - 1:
                    raise self.fail(item, f"'{t.strip()}' must be the last item of {what}")
                partial = True
                continue
            out.append(parse_name(t))
        return tuple(out), partial
