"""Reader for hayagriva YAML (typst's bibliography format, ``*.yml``/``*.yaml`` by content).

A hayagriva file is one mapping of citation keys to entries; bibgen's own YAML
records are a list or ``records:``, so the two are told apart by content
(:func:`sniff_hayagriva`), and ``--from hayagriva`` forces it. Loading is as
safe as the yaml reader's: ``yaml.compose`` with aliases refused, every scalar
read as the text written. The mapping is :mod:`bibgen.mappings.hayagriva`:

* ``parent`` gives the container (its ``title``), and the publisher,
  location, volume, issue and editors when the entry has none itself; a
  parent's parent gives the series. A second parent and deeper levels are
  reported and not kept.
* ``serial-number`` (string or mapping), ``url`` (string or ``{value, date}``),
  ``title`` (string or ``{value, shorthand, ...}``), people as strings
  (``Family, Given, Suffix``; no comma: one name) or mappings (``name``,
  ``given-name``, ``prefix``, ``suffix``), ``affiliated`` roles.
* a key hayagriva does not define is kept as the bibgen field of that name
  (lists of text joined with ``; ``), which is how the hayagriva writer
  stores what hayagriva has no field for.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bibgen.errors import InputError
from bibgen.mappings import hayagriva as M
from bibgen.model import Entry, EntryKind, Fields, Origin, Person
from bibgen.normalize import parse_name
from bibgen.readers import decode
from bibgen.readers.yaml import NodeParser, _Loader

if TYPE_CHECKING:
    from bibgen.options import Options

_FIRST_KEY = re.compile(rb"^(?![#\s-])([^:#\n]+?):[ \t]*(?:#.*)?$", re.MULTILINE)
_DATE = re.compile(r"^(-?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_RANGE = re.compile(r"^\s*([^\s-]+)\s*-\s*([^\s-]+)\s*$")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_PERSON_KEYS = frozenset({"name", "given-name", "prefix", "suffix", "alias"})


def sniff_hayagriva(head: bytes) -> bool:
    """Is the first YAML line a top-level ``key:`` opening a mapping (not bibgen's ``records:``)?"""
    text = head[:8192]
    if text.startswith(b"\xef\xbb\xbf"):
        text = text[3:]
    for line in text.split(b"\n"):
        stripped = line.strip()
        if not stripped or stripped.startswith(b"#") or stripped == b"---" or stripped.startswith(b"%"):
            continue
        m = _FIRST_KEY.match(line.rstrip(b"\r"))
        return bool(m) and m.group(1).strip().strip("\"'".encode()) != b"records"
    return False


def compose(text: str) -> Node | None:
    """The YAML node tree, with libyaml when PyYAML has it (10x faster), refusing aliases either way.

    libyaml's composer cannot be told to refuse aliases, so the tree is walked
    once and a node reached twice (an alias, or an alias cycle) is refused:
    alias bombs never expand.
    """
    loader_cls = getattr(yaml, "CSafeLoader", None)
    if loader_cls is None:
        return yaml.compose(text, Loader=_Loader)
    loader = loader_cls(text)
    try:
        root = loader.get_single_node()
    finally:
        loader.dispose()
    seen: set[int] = set()
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise yaml.MarkedYAMLError(None, None, "aliases (*name) are not allowed in bibgen sources", node.start_mark)
        seen.add(id(node))
        if isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, MappingNode):
            for k, v in node.value:
                stack.extend((k, v))
    return root


class HayagrivaReader:
    """Reads hayagriva YAML; see the module docstring."""

    name = "hayagriva"
    suffixes = (".yml", ".yaml")

    def sniff(self, head: bytes) -> bool:
        return sniff_hayagriva(head)

    def read(self, data: bytes, path: str, options: Options) -> list[Entry]:
        text = decode(data, path)
        try:
            root = compose(text)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            where = Origin(path, mark.line + 1, mark.column + 1) if mark else Origin(path)
            raise InputError(f"not valid YAML: {exc.problem or exc.context}", where) from None
        except yaml.YAMLError as exc:
            raise InputError(f"not valid YAML: {exc}", Origin(path)) from None
        if root is None:
            return []
        parser = _Parser(path, options)
        if not isinstance(root, MappingNode):
            raise parser.fail(root, "not hayagriva: the top level must map citation keys to entries")
        entries = []
        for key, node in parser.pairs(root, "top level"):
            entries.append(parser.entry(key, node))
        return entries


class _Parser(NodeParser):
    def warn(self, node: Node, message: str) -> None:
        self.options.diagnostics.warn(message, self.origin(node))

    def pairs(self, node: MappingNode, what: str) -> list[tuple[str, Node]]:
        out: list[tuple[str, Node]] = []
        seen: set[str] = set()
        for k, v in node.value:
            if not isinstance(k, ScalarNode):
                raise self.fail(k, f"{what}: keys must be plain text")
            if k.value in seen:
                raise self.fail(k, f"{what}: duplicate key '{k.value}'")
            seen.add(k.value)
            out.append((k.value, v))
        return out

    def text(self, node: Node, what: str) -> str:
        if isinstance(node, ScalarNode):
            return "" if node.style is None and node.value in _NULLS else node.value.strip()
        if isinstance(node, SequenceNode) and all(isinstance(n, ScalarNode) for n in node.value):
            return "; ".join(v for v in (self.text(n, what) for n in node.value) if v)
        raise self.fail(node, f"'{what}' must be text")

    def formattable(self, node: Node, what: str, fields: dict[str, str], name: str) -> str:
        """A formattable string: text, or ``{value, verbatim, shorthand, ...}`` (extras kept)."""
        if not isinstance(node, MappingNode):
            return self.text(node, what)
        parts = dict(self.pairs(node, what))
        if "value" not in parts:
            raise self.fail(node, f"'{what}' needs a 'value'")
        for sub, vnode in parts.items():
            if sub == "value":
                continue
            target = "shorttitle" if (name == "title" and sub == "shorthand") else f"hayagriva-{name}-{sub}"
            fields[target] = self.text(vnode, f"{what}.{sub}")
        return self.text(parts["value"], f"{what}.value")

    def people(self, node: Node, what: str) -> list[Person]:
        items = node.value if isinstance(node, SequenceNode) else [node]
        out = []
        for item in items:
            if isinstance(item, MappingNode):
                parts = {}
                for k, v in self.pairs(item, what):
                    if k not in _PERSON_KEYS:
                        raise self.fail(item, f"unknown name part '{k}' in {what}")
                    parts[k] = self.text(v, f"{what}.{k}")
                if "name" not in parts:
                    raise self.fail(item, f"a person in {what} needs 'name'")
                if parts.get("alias"):
                    self.warn(item, f"alias {parts['alias']!r} of {parts['name']} is not kept")
                out.append(Person(family=parts["name"], given=parts.get("given-name", ""),
                                  particle=parts.get("prefix", ""), suffix=parts.get("suffix", "")))
                continue
            t = self.text(item, what)
            if not t:
                continue
            if "," not in t:
                out.append(Person(literal=t))
            else:
                parts = [p.strip() for p in t.split(",")]
                p = parse_name(f"{parts[0]}, {parts[1]}")
                out.append(Person(family=p.family, given=p.given, particle=p.particle,
                                  suffix=", ".join(x for x in parts[2:] if x)))
        return out

    def entry(self, key: str, node: Node) -> Entry:
        if not isinstance(node, MappingNode):
            raise self.fail(node, f"entry '{key}' must be a mapping of fields")
        fields: dict[str, str] = {}
        people: dict[str, list[Person]] = {}
        items = dict(self.pairs(node, f"entry '{key}'"))
        htype = self.text(items["type"], "type").lower() if "type" in items else "misc"
        parent_type = None
        parents = items.get("parent")
        parent_nodes: list[Node] = []
        if parents is not None:
            parent_nodes = list(parents.value) if isinstance(parents, SequenceNode) else [parents]
            for extra in parent_nodes[1:]:
                self.warn(extra, "only the first parent is read; this one is not kept")
            parent_nodes = parent_nodes[:1]
            if parent_nodes and not isinstance(parent_nodes[0], MappingNode):
                raise self.fail(parent_nodes[0], "a parent must be a mapping of fields")
        if parent_nodes:
            pitems = dict(self.pairs(parent_nodes[0], "parent"))
            parent_type = (self.text(pitems["type"], "parent.type").lower() if "type" in pitems
                           else M.DEFAULT_PARENT.get(htype, "misc"))
        self.fields(items, fields, people, key)
        if parent_nodes:
            self.parent(parent_nodes[0], fields, people)
        # The kind: an article's parent decides.
        if htype == "article":
            if parent_type is None:
                kind = EntryKind.ARTICLE  # hayagriva's default parent of an article is a periodical
            else:
                kind = M.ARTICLE_PARENT_KIND.get(parent_type, EntryKind.ARTICLE)
        elif htype in M.TYPE_TO_KIND:
            kind = M.TYPE_TO_KIND[htype]
        else:
            kind = EntryKind.MISC
            self.warn(items.get("type", node), f"unknown hayagriva type '{htype}' read as misc")
        canon_type, canon_parent = M.KIND_TO_TYPE[kind]
        if htype != canon_type:
            fields["hayagriva-type"] = htype
        if parent_type is not None and parent_type != (canon_parent or M.DEFAULT_PARENT.get(htype, "misc")):
            fields["hayagriva-parent-type"] = parent_type
        if kind in M.ORGANIZATION_KINDS and "organization" in fields and "publisher" not in fields:
            fields["publisher"] = fields.pop("organization")
        partial = set()
        for role, ps in people.items():
            if len(ps) > 1 and ps[-1].literal.lower() in ("others", "et al.", "et al"):
                ps.pop()
                partial.add(role)
        if "title" not in fields:
            self.warn(node, f"entry '{key}' has no title")
        return Entry(kind=kind, fields=Fields(fields), people={r: tuple(p) for r, p in people.items()},
                     origin=self.origin(node), key=key, partial=frozenset(partial))

    def fields(self, items: dict[str, Node], fields: dict[str, str], people: dict[str, list[Person]], key: str) -> None:
        for name, vnode in items.items():
            if name in ("type", "parent"):
                continue
            if name in ("author", "editor"):
                ps = self.people(vnode, name)
                if ps:
                    people[name] = ps
            elif name == "affiliated":
                groups = vnode.value if isinstance(vnode, SequenceNode) else [vnode]
                for g in groups:
                    if not isinstance(g, MappingNode):
                        raise self.fail(g, "affiliated: each item needs 'role' and 'names'")
                    gi = dict(self.pairs(g, "affiliated"))
                    if "role" not in gi or "names" not in gi:
                        raise self.fail(g, "affiliated: each item needs 'role' and 'names'")
                    people.setdefault(self.text(gi["role"], "role").lower(), []).extend(self.people(gi["names"], "affiliated"))
            elif name == "date":
                self.date(vnode, fields)
            elif name == "url":
                if isinstance(vnode, MappingNode):
                    ui = dict(self.pairs(vnode, "url"))
                    if "value" not in ui:
                        raise self.fail(vnode, "'url' needs a 'value'")
                    fields["url"] = self.text(ui["value"], "url.value")
                    if "date" in ui:
                        fields["urldate"] = self.text(ui["date"], "url.date")
                else:
                    fields["url"] = self.text(vnode, "url")
            elif name == "serial-number":
                self.serials(vnode, fields)
            elif name == "page-range":
                pages = self.text(vnode, name)
                m = _RANGE.match(pages)
                fields["pages"] = f"{m.group(1)}\u2013{m.group(2)}" if m else pages
            elif name in M.FIELDS:
                target = M.FIELDS[name]
                value = self.formattable(vnode, name, fields, target)
                if value:
                    fields[target] = value
            elif _person_list(vnode):
                ps = self.people(vnode, name)  # people under a role hayagriva does not have
                if ps:
                    people[name] = ps
            elif isinstance(vnode, MappingNode):
                self.warn(vnode, f"field '{name}' of entry '{key}' is a mapping bibgen cannot keep")
            else:
                value = self.text(vnode, name)
                if value:
                    fields[name] = value

    def date(self, node: Node, fields: dict[str, str]) -> None:
        t = self.text(node, "date")
        m = _DATE.match(t)
        if not m:
            self.warn(node, f"date {t!r} is not YYYY, YYYY-MM or YYYY-MM-DD; kept as the year")
            if t:
                fields["year"] = t
            return
        fields["year"] = m.group(1)
        if m.group(2):
            fields["month"] = str(int(m.group(2)))
        if m.group(3):
            fields["day"] = str(int(m.group(3)))

    def serials(self, node: Node, fields: dict[str, str]) -> None:
        if not isinstance(node, MappingNode):
            t = self.text(node, "serial-number")
            if t:
                fields["serial"] = t
            return
        for k, v in self.pairs(node, "serial-number"):
            value = self.text(v, f"serial-number.{k}")
            if not value:
                continue
            name = M.SERIALS.get(k.lower())
            if name == "eprint":
                fields["eprint"], fields["eprinttype"] = value, "arxiv"
            elif name:
                fields[name] = value
            elif "eprint" not in fields:
                fields["eprint"], fields["eprinttype"] = value, k.lower()
            else:
                fields[f"serial-{k.lower()}"] = value

    def parent(self, node: MappingNode, fields: dict[str, str], people: dict[str, list[Person]]) -> None:
        pf: dict[str, str] = {}
        pp: dict[str, list[Person]] = {}
        items = dict(self.pairs(node, "parent"))
        grand = items.pop("parent", None)
        items.pop("type", None)
        self.fields(items, pf, pp, "parent")
        if "title" in pf:
            fields.setdefault("container", pf.pop("title"))
        if grand is not None:
            gnodes = list(grand.value) if isinstance(grand, SequenceNode) else [grand]
            if gnodes and isinstance(gnodes[0], MappingNode):
                gi = dict(self.pairs(gnodes[0], "parent.parent"))
                if "title" in gi:
                    fields.setdefault("series", self.text(gi["title"], "parent.parent.title"))
                if set(gi) - {"title", "type"} or len(gnodes) > 1:
                    self.warn(gnodes[0], "only the title of a parent's parent is kept (as the series)")
        for name, value in pf.items():
            if name in fields:
                if fields[name] != value:
                    fields[f"parent-{name}"] = value
            else:
                fields[name] = value
        for role, ps in pp.items():
            if role == "author":
                people.setdefault("bookauthor", ps)
            else:
                people.setdefault(role, ps)


def _person_list(node: Node) -> bool:
    """A list of ``{name: ...}`` mappings: how the writer stores people of a role hayagriva lacks."""
    return (
        isinstance(node, SequenceNode)
        and bool(node.value)
        and all(isinstance(n, MappingNode) and any(k.value == "name" for k, _ in n.value) for n in node.value)
    )
