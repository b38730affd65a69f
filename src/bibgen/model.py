"""The one small value type every stage passes around: :class:`Entry`.

Field values are plain Unicode text (NFC, single-spaced). Inline math keeps its
``$...$`` delimiters; every other character means itself, so writers decide how
to escape it for their target format.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from dataclasses import fields as dataclass_fields
from typing import Any, NamedTuple


@dataclass(frozen=True, slots=True, order=True)
class Origin:
    """Where a record came from: a path and 1-based line and column."""

    path: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"

    # Pickled as its constructor call: several times cheaper than the slots
    # dataclass's state protocol (bibgen.parallel sends entries between processes).
    def __reduce__(self) -> tuple[Any, ...]:
        return (Origin, (self.path, self.line, self.column))


class EntryKind(str, enum.Enum):
    """The work's type, independent of any output format."""

    ARTICLE = "article"
    INPROCEEDINGS = "inproceedings"
    PREPRINT = "preprint"
    BOOK = "book"
    INCOLLECTION = "incollection"
    REPORT = "report"
    THESIS = "thesis"
    ONLINE = "online"
    NEWS = "news"
    MISC = "misc"

    def __str__(self) -> str:  # pragma: no cover - cosmetic
        return self.value


class Pending:
    """A field value not decoded yet: its source (``raw``) and the function that makes its text.

    A reader stores one where decoding costs more than most runs need: a
    long abstract read from BibTeX is usually written back as it was read
    (its source form) and never looked at as text. :class:`Fields` decodes it
    the first time its text is asked for (``fields["abstract"]``, ``get``,
    ``items()``, ``values()``, equality, hashing) and keeps the text from then
    on. Compared with text or with another Pending, it behaves like its text,
    so sort keys built from :meth:`Fields.stored_items` decode only the
    values a comparison reaches.
    """

    __slots__ = ("raw", "decode", "_text")

    def __init__(self, raw: str, decode: Callable[[str], str]) -> None:
        self.raw = raw
        self.decode = decode  # a module-level function (pickled by name)
        self._text: str | None = None

    def text(self) -> str:
        t = self._text
        if t is None:
            t = self._text = self.decode(self.raw)
        return t

    def __reduce__(self) -> tuple[Any, ...]:
        return (Pending, (self.raw, self.decode))

    def __repr__(self) -> str:
        return f"Pending({self.raw!r})"

    def __str__(self) -> str:
        return self.text()

    def __hash__(self) -> int:
        return hash(self.text())

    def __eq__(self, other: object) -> bool:
        if other is self:
            return True
        if type(other) is Pending:
            return self.raw == other.raw and self.decode is other.decode or self.text() == other.text()
        if isinstance(other, str):
            return self.text() == other
        return NotImplemented

    def __lt__(self, other: object) -> bool:
        return self.text() < text_of(other)  # type: ignore[operator]

    def __le__(self, other: object) -> bool:
        return self.text() <= text_of(other)  # type: ignore[operator]

    def __gt__(self, other: object) -> bool:
        return self.text() > text_of(other)  # type: ignore[operator]

    def __ge__(self, other: object) -> bool:
        return self.text() >= text_of(other)  # type: ignore[operator]


def text_of(value: object) -> object:
    """A stored field value's text (a :class:`Pending` decoded); anything else as it is."""
    return value.text() if type(value) is Pending else value


class Fields(Mapping[str, str]):
    """A read-only, hashable, picklable mapping of field name to text.

    A value may be stored as a :class:`Pending` (not decoded yet): every way
    of reading a value gives its text, decoded on first use;
    :meth:`stored_items` and :meth:`stored` give what is stored, undecoded.
    """

    __slots__ = ("_data", "_hash", "_lazy")

    def __init__(self, data: Mapping[str, str] | None = None, /, **kw: str) -> None:
        self._hash: int | None = None
        if type(data) is Fields:
            if not kw:
                self._data = data._data  # sorted, no empty values; only ever changed by decoding a Pending in place
                self._lazy = data._lazy
                return
            merged = dict(data._data)  # (stored values: nothing decoded)
        elif isinstance(data, Mapping):
            merged = dict(data.items())  # (items: C speed for a dict; dict(mapping) calls __getitem__ per key)
        else:
            merged = dict(data or {})
        merged.update(kw)
        self._data = {k: v for k, v in sorted(merged.items()) if type(v) is Pending or (v is not None and v != "")}
        self._lazy = Pending in map(type, self._data.values())

    def __getitem__(self, key: str) -> str:
        v = self._data[key]
        if type(v) is Pending:
            v = self._decode(key, v)
            if not v:
                raise KeyError(key)
        return v

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    # The Mapping mixins go through __getitem__ and exceptions; these are the hot path.
    def __contains__(self, key: object) -> bool:
        return key in self._data

    def get(self, key: str, default: Any = None) -> Any:
        v = self._data.get(key, default)
        if type(v) is Pending:
            v = self._decode(key, v) or default
        return v

    def items(self):  # type: ignore[no-untyped-def]
        if self._lazy:
            self._decode_all()
        return self._data.items()

    def keys(self):  # type: ignore[no-untyped-def]
        return self._data.keys()

    def values(self):  # type: ignore[no-untyped-def]
        if self._lazy:
            self._decode_all()
        return self._data.values()

    def stored_items(self):  # type: ignore[no-untyped-def]
        """``items()`` without decoding: a :class:`Pending` stays one (it compares like its text)."""
        return self._data.items()

    def stored(self, key: str) -> str | Pending | None:
        """The value of ``key`` as stored (maybe a :class:`Pending`), or None."""
        return self._data.get(key)

    def _decode(self, key: str, value: Pending) -> str:
        text = value.text()
        # The dict may be shared with other Fields (copies, replace): the same value for all of them.
        if self._data.get(key) is value:
            if text:
                self._data[key] = text
            else:
                del self._data[key]  # nothing left once decoded: no empty values, as for any other
        return text

    def _decode_all(self) -> None:
        data = self._data
        for k, v in list(data.items()):
            if type(v) is Pending:
                self._decode(k, v)
        self._lazy = False

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(tuple(self.items()))
        return self._hash

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Fields):
            if self._lazy:
                self._decode_all()
            if other._lazy:
                other._decode_all()
            return self._data == other._data
        if isinstance(other, Mapping):
            return dict(self.items()) == dict(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"Fields({self._data!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_sorted_fields, (self._data,))

    def set(self, **changes: str | None) -> Fields:
        """Return a copy with ``changes`` applied; a value of None removes the field."""
        data = dict(self._data)
        for k, v in changes.items():
            if v is None or v == "":
                data.pop(k, None)
            else:
                data[k] = v
        return Fields(data)


def _sorted_fields(data: dict[str, str]) -> Fields:
    """A pickled :class:`Fields` back: its data is already sorted and clean."""
    out = Fields.__new__(Fields)
    out._data = data
    out._hash = None
    out._lazy = Pending in map(type, data.values())
    return out


@dataclass(frozen=True, slots=True, order=True)
class Person:
    """A personal or corporate name, split the way BibTeX and CSL split it.

    ``literal`` holds a corporate or otherwise unsplittable name; the other
    parts are then empty.
    """

    family: str = ""
    given: str = ""
    particle: str = ""
    suffix: str = ""
    literal: str = ""

    def __reduce__(self) -> tuple[Any, ...]:
        return (Person, (self.family, self.given, self.particle, self.suffix, self.literal))

    @property
    def last(self) -> str:
        """Family name with its particle, as it is cited ("van den Oord")."""
        if self.literal:
            return self.literal
        return f"{self.particle} {self.family}".strip()

    def display(self) -> str:
        """``Given particle Family, Suffix`` in reading order."""
        if self.literal:
            return self.literal
        out = " ".join(p for p in (self.given, self.particle, self.family) if p)
        return f"{out}, {self.suffix}" if self.suffix else out

    def sort_form(self) -> str:
        """``particle Family, Suffix, Given`` in BibTeX's order."""
        if self.literal:
            return self.literal
        head = self.last
        parts = [head]
        if self.suffix:
            parts.append(self.suffix)
        if self.given:
            parts.append(self.given)
        return ", ".join(parts)


People = Mapping[str, tuple[Person, ...]]


class SourceValue(NamedTuple):
    """One field as the input wrote it, beside the text bibgen decoded from it.

    ``name`` is the input's field name (``organization``, ``journaltitle``),
    ``raw`` its LaTeX source (``@string`` macros expanded, ``#`` joined,
    whitespace normalised, outer delimiters removed), ``text`` the neutral
    field's value as the reader stored it. A writer uses ``raw`` only while the
    entry still holds ``text``: a value bibgen changed is rendered again.
    """

    name: str
    raw: str
    text: str


def people_signature(people: tuple[Person, ...], partial: bool) -> str:
    """A text that changes whenever a name list does: a role's :attr:`SourceValue.text`.

    Equal for two lists exactly when their names and ``partial`` are equal: the
    flag, then every part of every name between unit separators (U+001F). A
    part holding that separator itself makes it the repr of both instead.
    """
    parts = [x for p in people for x in (p.family, p.given, p.particle, p.suffix, p.literal)]
    sig = "\x1f".join(parts)
    if sig.count("\x1f") != max(len(parts) - 1, 0):
        return "r" + repr((tuple(people), partial))
    return ("+" if partial else "-") + sig


class SourceForm:
    """What a BibTeX/biblatex (or CSL-JSON) record said, kept so same-dialect output can say it again.

    ``dialect`` is ``bibtex`` (BibTeX and biblatex files) or ``csl``; ``type`` the
    entry type as written (``manual``, ``legal_case``) and ``kind`` the kind the
    reader gave it (the type is only honoured while the entry keeps that kind);
    ``fields`` maps a neutral field name (or a role, ``author``) to its
    :class:`SourceValue`; ``preamble`` holds the file's ``@preamble`` texts.

    Immutable, compared and hashed by those five values. One that comes back
    from another process (pickled) holds its sources as one flat tuple of
    strings until ``fields`` is first read: most entries are merged and keyed
    without it, and only a writer of the same dialect reads it.
    """

    __slots__ = ("dialect", "type", "kind", "_fields", "_flat", "preamble")
    dialect: str
    type: str
    kind: EntryKind
    preamble: tuple[str, ...]

    def __init__(
        self,
        dialect: str,
        type: str,
        kind: EntryKind,
        fields: tuple[tuple[str, SourceValue], ...] = (),
        preamble: tuple[str, ...] = (),
    ) -> None:
        init = object.__setattr__
        init(self, "dialect", dialect)
        init(self, "type", type)
        init(self, "kind", kind)
        init(self, "_fields", tuple(fields))
        init(self, "_flat", None)
        init(self, "preamble", tuple(preamble))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"SourceForm is immutable: cannot set {name!r}")

    __delattr__ = __setattr__  # type: ignore[assignment]

    @property
    def fields(self) -> tuple[tuple[str, SourceValue], ...]:
        got = self._fields
        if got is None:
            it = iter(self._flat)  # type: ignore[arg-type]
            make = SourceValue._make
            got = tuple([(n, make((a, b, c))) for n, a, b, c in zip(it, it, it, it)])
            object.__setattr__(self, "_fields", got)
            object.__setattr__(self, "_flat", None)
        return got

    def _values(self) -> tuple[object, ...]:
        return (self.dialect, self.type, self.kind, self.fields, self.preamble)

    def __eq__(self, other: object) -> bool:
        if type(other) is not SourceForm:
            return NotImplemented
        return other is self or self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __repr__(self) -> str:
        return (f"SourceForm(dialect={self.dialect!r}, type={self.type!r}, kind={self.kind!r}, "
                f"fields={self.fields!r}, preamble={self.preamble!r})")

    def __reduce__(self) -> tuple[Any, ...]:
        # The sources as one flat tuple of strings: pickling ten SourceValue tuples per
        # entry (each through namedtuple's __getnewargs__) took twice as long.
        flat = self._flat
        if flat is None:
            items: list[object] = []
            for name, sv in self._fields:  # type: ignore[union-attr]
                items += (name, *sv)
            flat = tuple(items)
        return (_source_form, (self.dialect, self.type, self.kind, flat, self.preamble))

    def get(self, name: str) -> SourceValue | None:
        """The source of neutral field (or role) ``name``, if the input had one."""
        for k, v in self.fields:
            if k == name:
                return v
        return None

    def unchanged(self, name: str, text: str) -> SourceValue | None:
        """The source of ``name`` when the entry still holds the text read from it."""
        sv = self.get(name)
        return sv if sv is not None and sv.text == text else None


def _source_form(dialect: str, type: str, kind: EntryKind, flat: tuple[Any, ...], preamble: tuple[str, ...]) -> SourceForm:
    """A :class:`SourceForm` of ``flat`` (name, then a SourceValue's three strings, per field, sorted):
    a pickled one back (see its ``__reduce__``), or a reader's; its pairs are made when first read."""
    out = SourceForm.__new__(SourceForm)
    init = object.__setattr__
    init(out, "dialect", dialect)
    init(out, "type", type)
    init(out, "kind", kind)
    init(out, "_fields", None)
    init(out, "_flat", flat)
    init(out, "preamble", preamble)
    return out


@dataclass(frozen=True, slots=True)
class Entry:
    """One bibliographic work.

    ``fields`` uses bibgen's neutral names: ``title``, ``container`` (journal,
    proceedings or other venue), ``publisher``, ``year``, ``month``, ``day``,
    ``volume``, ``number``, ``pages``, ``doi``, ``url``, ``eprint``,
    ``eprinttype`` (``arxiv``), ``eprintclass``, ``abstract``, ``keywords``
    (``;``-separated), ``note``, ``edition``, ``howpublished``, ``venue`` (the
    raw source line). ``partial`` names the roles whose list is known to be
    incomplete: an author page knows one author of many. ``origins`` lists every
    record merged into this one; ``origin`` is the first of them. ``source``
    is what a BibTeX/CSL input said (:class:`SourceForm`), for faithful output.
    """

    kind: EntryKind
    fields: Fields
    people: Mapping[str, tuple[Person, ...]] = field(default_factory=dict)
    origin: Origin = Origin("<unknown>")
    key: str = ""
    partial: frozenset[str] = frozenset()
    origins: tuple[Origin, ...] = ()
    aliases: tuple[str, ...] = ()
    # Case protection a .bib source wrote: (text, its (piece, protected) chunks)
    # per title-like value, so a writer keeps it as written (bibgen.caseprotect).
    nocase: tuple[tuple[str, tuple[tuple[str, bool], ...]], ...] = ()
    source: SourceForm | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.fields, Fields):
            object.__setattr__(self, "fields", Fields(self.fields))
        if type(self.people) is not _FrozenPeople:  # else it comes from another Entry (replace): as made here
            people = {role: tuple(ps) for role, ps in sorted(self.people.items()) if ps}
            object.__setattr__(self, "people", _FrozenPeople(people))
        if not self.origins:
            object.__setattr__(self, "origins", (self.origin,))

    def __reduce__(self) -> tuple[Any, ...]:
        return (Entry, tuple(getattr(self, name) for name in _ENTRY_SLOTS))

    def get(self, name: str, default: str = "") -> str:
        """A field's text, or ``default`` when absent."""
        return self.fields.get(name, default)

    @property
    def title(self) -> str:
        return self.fields.get("title", "")

    @property
    def authors(self) -> tuple[Person, ...]:
        return self.people.get("author", ())

    def replace(self, **changes: Any) -> Entry:
        """``dataclasses.replace`` under a shorter name."""
        return replace(self, **changes)


class _FrozenPeople(dict):  # type: ignore[type-arg]
    """A dict that refuses mutation, so Entry.people is effectively read-only."""

    def _blocked(self, *a: Any, **k: Any) -> None:
        raise TypeError("Entry.people is read-only; use Entry.replace(people=...)")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _blocked  # type: ignore[assignment]

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(self.items()))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_FrozenPeople, (dict(self),))


_ENTRY_SLOTS = tuple(f.name for f in dataclass_fields(Entry))


flat_source_form = _source_form
