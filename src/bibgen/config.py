"""Project configuration: ``[tool.bibgen]`` in the nearest ``pyproject.toml``, or ``bibgen.yaml``.

The search starts in the current folder and goes up to the filesystem root;
the first folder holding ``bibgen.yaml`` (or ``bibgen.yml``) or a
``pyproject.toml`` with a ``[tool.bibgen]`` table wins. A folder holding both
is an error, so nobody edits the file that is not read.

Keys (TOML and YAML spell them the same way)::

    sources         = ["seeds"]          # globs, relative to the config file
    key-pattern     = "[auth:lower][year][shorttitle(3)]"
    ascii           = false
    strict          = false
    not-duplicates  = [["Title A", "Title B"]]   # pairs the user says differ
    [bibtex]                             # .bib layout; each key is also a CLI option
    protect-case = "auto"                # auto | words | none
    omit = ["abstract"]                  # also: only-fields, field-order, sort = ["-year"],
    align = 14                           # indent, quotes, month-macros, wrap, journals
                                         # (keep|iso4|expand), journal-names, trailing-comma
    [[outputs]]                          # each: path (required), format, style,
    path = "references.bib"              # and for html: group-by (year|type|none), fragment
    format = "bibtex"
    [venues]                             # same shape as bibgen/data/venues.toml
    arxiv = { "Machine Learning" = "cs.LG" }
    [[venues.rule]]
    match = "NeurIPS"
    kind = "inproceedings"
    [enrich]                             # fill missing fields from the lock `bibgen enrich` writes
    providers = ["arxiv", "crossref"]    # also: lock, contact, overwrite, published, threshold,
    contact = "me@example.org"           # margin, concurrency, timeout (README: Enrichment)

Unknown or misspelled keys stop the run with a :class:`ConfigError` that names
the file, the line when it can be found, the key, and the closest valid key.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bibgen.errors import BibgenError, ConfigError
from bibgen.model import Origin

YAML_NAMES = ("bibgen.yaml", "bibgen.yml")
PYPROJECT = "pyproject.toml"
TOP_KEYS = ("sources", "outputs", "key-pattern", "ascii", "strict", "venues", "not-duplicates", "locale", "enrich", "bibtex", "merge-within-file")
# [bibtex]: the .bib layout (bibgen.layout.Layout); each key is also a command-line option.
BIBTEX_KEYS = {
    "protect-case": ("protect_case", str),
    "omit": ("omit", list),
    "only-fields": ("only_fields", list),
    "field-order": ("field_order", list),
    "sort": ("sort", list),
    "align": ("align", int),
    "indent": ("indent", str),
    "quotes": ("quotes", bool),
    "month-macros": ("month_macros", bool),
    "wrap": ("wrap", int),
    "journals": ("journals", str),
    "journal-names": ("journal_names", list),
    "trailing-comma": ("trailing_comma", bool),
}
OUTPUT_KEYS = ("path", "format", "style", "group-by", "fragment", "locale")
ENRICH_KEYS = ("providers", "lock", "contact", "overwrite", "published", "threshold", "margin", "concurrency", "timeout")
DEFAULT_SOURCES = ("seeds",)
_GLOB_CHARS = re.compile(r"[*?\[]")


@dataclass(frozen=True, slots=True)
class OutputSpec:
    """One file ``bibgen sync`` writes: its path (absolute), writer name and optional style."""

    path: Path
    format: str
    style: str | None = None
    origin: Origin | None = None
    group_by: str | None = None  # html page sections: year, type or none
    fragment: bool | None = None  # html: only the list, not a page
    locale: str | None = None  # CSL locale over the style's default-locale


@dataclass(frozen=True)
class Config:
    """A loaded configuration. ``path`` is None for the empty default configuration."""

    path: Path | None
    root: Path
    sources: tuple[str, ...] = DEFAULT_SOURCES
    outputs: tuple[OutputSpec, ...] = ()
    key_pattern: str | None = None
    ascii: bool | None = None
    strict: bool | None = None
    venues: Any = None  # bibgen.venues.VenueTable | None
    not_duplicates: frozenset[frozenset[str]] = frozenset()
    merge_within_file: bool = False
    locale: str | None = None  # CSL locale for formatted outputs (pt-BR, de-DE, ...)
    enrich: Any = None  # bibgen.enrich.stage.EnrichPolicy | None
    has_sources: bool = False
    raw: Mapping[str, Any] = field(default_factory=dict)
    layout: Mapping[str, Any] = field(default_factory=dict)  # Layout keyword arguments from [bibtex]

    def source_paths(self) -> list[Path]:
        """Files and folders the ``sources`` globs name, sorted and each once.

        A name without glob characters is kept even when missing, so that
        :func:`bibgen.pipeline.discover` reports it; a glob that matches
        nothing is simply empty.
        """
        found: dict[str, Path] = {}
        for pattern in self.sources:
            full = pattern if os.path.isabs(pattern) else os.path.join(self.root, pattern)
            if not _GLOB_CHARS.search(pattern):
                found.setdefault(os.path.normpath(full), Path(os.path.normpath(full)))
                continue
            for hit in glob.glob(full, recursive=True):
                norm = os.path.normpath(hit)
                found.setdefault(norm, Path(norm))
        return [found[k] for k in sorted(found)]

    def options(self, **overrides: Any) -> Any:
        """A :class:`bibgen.options.Options` from this configuration; non-None overrides win."""
        from bibgen.options import DedupePolicy
        from bibgen.keys import DEFAULT_PATTERN
        from bibgen.options import Options

        values: dict[str, Any] = {
            "key_pattern": self.key_pattern or DEFAULT_PATTERN,
            "ascii": bool(self.ascii),
            "strict": bool(self.strict),
            "venues": self.venues,
            "dedupe_policy": DedupePolicy(not_duplicates=self.not_duplicates, within_file=self.merge_within_file),
            "style_dirs": (str(self.root / "styles"),),
            "locale": self.locale,
            "enrich": self.enrich,
        }
        layout = dict(self.layout)
        layout.update(overrides.pop("layout", None) or {})
        if layout:
            from bibgen.layout import Layout

            values["layout"] = Layout(**layout)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return Options(**values)


def _locale_value(value: Any, where: Any) -> str | None:
    """A configured CSL locale, checked against the bundled locales (ConfigError naming the key)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError("'locale' must be a language tag such as pt-BR", where())
    from bibgen.style.lookup import check_locale

    try:
        return check_locale(value)
    except BibgenError as exc:
        raise ConfigError(exc.message, where(), exc.hint) from None


def find_config(start: str | os.PathLike[str] | None = None) -> Path | None:
    """The configuration file that applies to ``start`` (default: the current folder), or None."""
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        yaml_hits = [folder / n for n in YAML_NAMES if (folder / n).is_file()]
        pyproject = folder / PYPROJECT
        has_table = pyproject.is_file() and _has_tool_table(pyproject)
        if yaml_hits and has_table:
            raise ConfigError(
                f"both {yaml_hits[0].name} and [tool.bibgen] in {PYPROJECT} configure bibgen",
                Origin(str(yaml_hits[0]), 1, 1),
                "keep one of them",
            )
        if len(yaml_hits) > 1:
            raise ConfigError("both bibgen.yaml and bibgen.yml exist", Origin(str(yaml_hits[1]), 1, 1), "keep one")
        if yaml_hits:
            return yaml_hits[0]
        if has_table:
            return pyproject
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    # Cheap test first; a full parse only when the table might be there.
    if "bibgen" not in text:
        return False
    data = _load_toml(path, text)
    return isinstance(data.get("tool"), Mapping) and "bibgen" in data["tool"]


def _load_toml(path: Path, text: str) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+), column (\d+)", str(exc))
        if m:
            line, col = int(m.group(1)), int(m.group(2))
        elif "end of document" in str(exc):
            lines = text.split("\n")
            line, col = len(lines), len(lines[-1]) + 1
        else:
            line, col = 1, 1
        raise ConfigError(f"invalid TOML: {str(exc).split(' (at')[0]}", Origin(str(path), line, col)) from None


def load_config(start: str | os.PathLike[str] | None = None, path: str | os.PathLike[str] | None = None) -> Config:
    """The configuration for ``start`` (or the file ``path``); an empty one when there is none."""
    if path is None:
        found = find_config(start)
        if found is None:
            return Config(path=None, root=Path(start or os.getcwd()).resolve())
        path = found
    cfg_path = Path(path).resolve()
    try:
        text = cfg_path.read_text("utf-8")
    except FileNotFoundError:
        raise ConfigError("configuration file not found", Origin(str(path), 1, 1)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read configuration: {exc}", Origin(str(path), 1, 1)) from None
    if cfg_path.name == PYPROJECT or cfg_path.suffix == ".toml":
        data = _load_toml(cfg_path, text)
        table = data.get("tool", {}).get("bibgen") if cfg_path.name == PYPROJECT else data
        if table is None:
            raise ConfigError("no [tool.bibgen] table", Origin(str(cfg_path), 1, 1))
        locate = _TomlLocator(cfg_path, text, "tool.bibgen" if cfg_path.name == PYPROJECT else "")
    else:
        table, locate = _load_yaml(cfg_path, text)
    return parse_config(table, cfg_path, locate)


# ---------------------------------------------------------------- parsing


def parse_config(table: Any, cfg_path: Path, locate: Any = None) -> Config:
    """Validate a configuration table read from ``cfg_path``."""
    locate = locate or (lambda *keys: Origin(str(cfg_path), 1, 1))
    where = "[tool.bibgen]" if cfg_path.name == PYPROJECT else cfg_path.name
    if table is None:
        table = {}
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where} must be a table of settings", locate())
    _check_keys(table, TOP_KEYS, where, locate, ())
    root = cfg_path.parent

    def expect(key: str, value: Any, kind: type | tuple[type, ...], what: str) -> Any:
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            raise ConfigError(f"'{key}' must be {what}, not {type(value).__name__}", locate(key))
        return value

    sources = table.get("sources", list(DEFAULT_SOURCES))
    if isinstance(sources, str):
        sources = [sources]
    expect("sources", sources, list, "a list of globs")
    for s in sources:
        expect("sources", s, str, "a list of globs")

    outputs: list[OutputSpec] = []
    raw_outputs = table.get("outputs", [])
    if isinstance(raw_outputs, Mapping):
        raw_outputs = [raw_outputs]
    expect("outputs", raw_outputs, list, "a list of tables with path, format and style")
    seen: dict[Path, int] = {}
    for i, out in enumerate(raw_outputs):
        if isinstance(out, str):
            out = {"path": out}
        if not isinstance(out, Mapping):
            raise ConfigError(f"outputs[{i}] must be a table with path, format and style", locate("outputs", i))
        _check_keys(out, OUTPUT_KEYS, f"outputs[{i}]", locate, ("outputs", i))
        if "path" not in out:
            raise ConfigError(f"outputs[{i}] has no 'path'", locate("outputs", i))
        opath = expect("path", out["path"], str, "a file name")
        fmt = out.get("format")
        if fmt is None:
            fmt = "bibtex" if opath.lower().endswith(".bib") else ""
            if not fmt:
                raise ConfigError(f"outputs[{i}] needs a 'format' for {opath!r}", locate("outputs", i))
        expect("format", fmt, str, "a writer name")
        style = out.get("style")
        if style is not None:
            expect("style", style, str, "a style name")
        group_by = out.get("group-by")
        if group_by is not None:
            expect("group-by", group_by, str, "year, type or none")
            if group_by not in ("year", "type", "none"):
                raise ConfigError(f"'group-by' must be year, type or none, not {group_by!r}", locate("outputs", i, "group-by"))
        fragment = out.get("fragment")
        if fragment is not None:
            expect("fragment", fragment, bool, "true or false")
        out_locale = _locale_value(out.get("locale"), lambda: locate("outputs", i, "locale"))
        full = (root / opath).resolve()
        if full in seen:
            raise ConfigError(f"outputs[{i}] writes {opath!r} again (see outputs[{seen[full]}])", locate("outputs", i))
        seen[full] = i
        outputs.append(OutputSpec(full, fmt, style, locate("outputs", i), group_by, fragment, out_locale))

    key_pattern = table.get("key-pattern")
    if key_pattern is not None:
        expect("key-pattern", key_pattern, str, "a key pattern string")
        from bibgen.keys import compile_pattern

        try:
            compile_pattern(key_pattern)
        except BibgenError as exc:
            raise ConfigError(f"'key-pattern': {exc.message}", locate("key-pattern")) from None
    ascii_ = table.get("ascii")
    if ascii_ is not None:
        expect("ascii", ascii_, bool, "true or false")
    within = table.get("merge-within-file", False)
    expect("merge-within-file", within, bool, "true or false")
    strict = table.get("strict")
    if strict is not None:
        expect("strict", strict, bool, "true or false")
    locale = _locale_value(table.get("locale"), lambda: locate("locale"))

    venues = None
    if "venues" in table:
        data = expect("venues", table["venues"], Mapping, "a table with 'arxiv' and 'rule'")
        from bibgen.venues import VenueTable

        try:
            venues = VenueTable.from_data(data, f"{where} venues")
        except ConfigError as exc:
            raise ConfigError(exc.message, locate("venues"), _close_hint(exc.message, ("arxiv", "rule", "match", "kind", "name"))) from None

    pairs: set[frozenset[str]] = set()
    raw_pairs = table.get("not-duplicates", [])
    expect("not-duplicates", raw_pairs, list, "a list of [title, title] pairs")
    from bibgen.normalize import fold

    for i, pair in enumerate(raw_pairs):
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(t, str) and t.strip() for t in pair)):
            raise ConfigError(f"not-duplicates[{i}] must be a pair of two titles", locate("not-duplicates", i))
        pairs.add(frozenset(fold(t) for t in pair))

    layout: dict[str, Any] = {}
    if "bibtex" in table:
        data = expect("bibtex", table["bibtex"], Mapping, "a table of layout settings")
        _check_keys(data, tuple(BIBTEX_KEYS), f"{where} bibtex", locate, ("bibtex",))
        for key, value in data.items():
            attr, kind = BIBTEX_KEYS[key]
            if kind is list:
                expect(key, value, (list, str), "a list of field names")
                value = [value] if isinstance(value, str) else value
                for v in value:
                    expect(key, v, str, "a list of field names")
                value = tuple(value)
            else:
                expect(key, value, kind, {str: "a string", int: "a number", bool: "true or false"}[kind])
            layout[attr] = value
        from bibgen.layout import Layout

        try:
            Layout(**layout)
        except BibgenError as exc:
            raise ConfigError(f"bibtex: {exc.message}", locate("bibtex")) from None
    enrich = _parse_enrich(table.get("enrich"), root, locate) if "enrich" in table else None

    return Config(
        path=cfg_path,
        root=root,
        sources=tuple(sources),
        outputs=tuple(outputs),
        key_pattern=key_pattern,
        ascii=ascii_,
        strict=strict,
        venues=venues,
        not_duplicates=frozenset(pairs),
        merge_within_file=within,
        locale=locale,
        enrich=enrich,
        has_sources="sources" in table,
        raw=dict(table),
        layout=layout,
    )


def _parse_enrich(value: Any, root: Path, locate: Any) -> Any:
    """The ``enrich`` table (or ``enrich = true``) as an EnrichPolicy; ``false`` turns enrichment off."""
    from bibgen.enrich.lock import DEFAULT_NAME
    from bibgen.enrich.providers import names
    from bibgen.enrich.stage import OVERWRITABLE, EnrichPolicy

    if value is False:
        return None
    if value is True:
        value = {}
    if not isinstance(value, Mapping):
        raise ConfigError("'enrich' must be true, false or a table of settings", locate("enrich"))
    _check_keys(value, ENRICH_KEYS, "enrich", locate, ("enrich",))

    def where(key: str) -> Origin:
        return locate("enrich", key)

    kw: dict[str, Any] = {"lock": (root / DEFAULT_NAME).resolve()}
    if "providers" in value:
        provs = value["providers"]
        if isinstance(provs, str):
            provs = [provs]
        if not isinstance(provs, list) or not all(isinstance(p, str) for p in provs):
            raise ConfigError("'enrich.providers' must be a list of provider names", where("providers"))
        for p in provs:
            if p not in names():
                raise ConfigError(f"unknown provider '{p}' in 'enrich.providers'", where("providers"), "valid: " + ", ".join(names()))
        if len(set(provs)) != len(provs):
            raise ConfigError("'enrich.providers' names a provider twice", where("providers"))
        kw["providers"] = tuple(provs)
    if "lock" in value:
        if not isinstance(value["lock"], str) or not value["lock"].strip():
            raise ConfigError("'enrich.lock' must be a file name", where("lock"))
        kw["lock"] = (root / value["lock"]).resolve()
    if "contact" in value:
        if not isinstance(value["contact"], str) or ("@" not in value["contact"] and value["contact"]):
            raise ConfigError("'enrich.contact' must be an e-mail address", where("contact"))
        kw["contact"] = value["contact"].strip()
    if "overwrite" in value:
        ow = value["overwrite"]
        if not isinstance(ow, list) or not all(isinstance(f, str) for f in ow):
            raise ConfigError("'enrich.overwrite' must be a list of field names", where("overwrite"))
        for f in ow:
            if f not in OVERWRITABLE:
                raise ConfigError(f"'enrich.overwrite': '{f}' is not a field enrichment fills", where("overwrite"), "valid: " + ", ".join(OVERWRITABLE))
        kw["overwrite"] = frozenset(ow)
    if "published" in value:
        if not isinstance(value["published"], bool):
            raise ConfigError("'enrich.published' must be true or false", where("published"))
        kw["published"] = value["published"]
    for key, lo, hi in (("threshold", 0.5, 1.0), ("margin", 0.0, 0.5), ("timeout", 1.0, 600.0)):
        if key in value:
            v = value[key]
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not lo <= v <= hi:
                raise ConfigError(f"'enrich.{key}' must be a number from {lo:g} to {hi:g}", where(key))
            kw[key] = float(v)
    if "concurrency" in value:
        v = value["concurrency"]
        if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 16:
            raise ConfigError("'enrich.concurrency' must be a whole number from 1 to 16", where("concurrency"))
        kw["concurrency"] = v
    return EnrichPolicy(**kw)


def _close_hint(message: str, valid: tuple[str, ...]) -> str:
    m = re.search(r"unknown key '([^']+)'", message)
    if not m:
        return ""
    import difflib

    close = difflib.get_close_matches(m.group(1), valid, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def _check_keys(table: Mapping[str, Any], valid: tuple[str, ...], where: str, locate: Any, path: tuple[Any, ...]) -> None:
    for key in sorted(table, key=str):
        if key in valid:
            continue
        import difflib

        close = difflib.get_close_matches(str(key).replace("_", "-"), valid, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else "valid keys: " + ", ".join(valid)
        raise ConfigError(f"unknown key '{key}' in {where}", locate(*path, key), hint)


# ---------------------------------------------------------------- locations


class _TomlLocator:
    """Best-effort line of a key inside ``[tool.bibgen]``: tomllib reports no positions."""

    def __init__(self, path: Path, text: str, table: str) -> None:
        self.path_str = str(path)
        self.lines = text.split("\n")
        self.table = table

    def __call__(self, *keys: Any) -> Origin:
        names = [k for k in keys if isinstance(k, str)]
        start = 0
        if self.table:
            head = re.compile(r"^\s*\[\[?\s*" + re.escape(self.table) + r"(\s*\]|\.)")
            start = next((i for i, ln in enumerate(self.lines) if head.match(ln)), 0)
        for name in reversed(names):
            pat = re.compile(r"^(\s*)(?:\[\[?\s*[\w.\-\"]*\.)?[\"']?" + re.escape(name) + r"[\"']?\s*(=|\]|\.)")
            inline = re.compile(r"[{,\s][\"']?" + re.escape(name) + r"[\"']?\s*=")
            for i in range(start, len(self.lines)):
                m = pat.match(self.lines[i])
                if m:
                    return Origin(self.path_str, i + 1, len(m.group(1)) + 1)
            for i in range(start, len(self.lines)):
                m = inline.search(self.lines[i])
                if m:
                    return Origin(self.path_str, i + 1, m.start() + 2)
        return Origin(self.path_str, start + 1, 1)


def _load_yaml(path: Path, text: str) -> tuple[Any, Any]:
    import yaml

    class NoAliasLoader(yaml.SafeLoader):
        """Anchors and aliases refused: an alias bomb in a cloned repository's bibgen.yaml cannot hang anyone."""

        def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise yaml.MarkedYAMLError(None, None, "aliases (*name) are not allowed in bibgen.yaml", event.start_mark)
            return super().compose_node(parent, index)

    try:
        node = yaml.compose(text, Loader=NoAliasLoader)
        data = yaml.load(text, Loader=NoAliasLoader)
    except RecursionError:
        raise ConfigError("invalid YAML: nested too deeply", Origin(str(path), 1, 1)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"invalid YAML: {problem}", Origin(str(path), line, col)) from None
    marks: dict[tuple[Any, ...], tuple[int, int]] = {}

    def walk(n: Any, at: tuple[Any, ...]) -> None:
        if isinstance(n, yaml.MappingNode):
            for k, v in n.value:
                key = at + (k.value,)
                marks[key] = (k.start_mark.line + 1, k.start_mark.column + 1)
                walk(v, key)
        elif isinstance(n, yaml.SequenceNode):
            for i, v in enumerate(n.value):
                marks[at + (i,)] = (v.start_mark.line + 1, v.start_mark.column + 1)
                walk(v, at + (i,))

    if node is not None:
        try:
            walk(node, ())
        except RecursionError:
            raise ConfigError("invalid YAML: nested too deeply", Origin(str(path), 1, 1)) from None

    def locate(*keys: Any) -> Origin:
        for n in range(len(keys), 0, -1):
            if keys[:n] in marks:
                line, col = marks[keys[:n]]
                return Origin(str(path), line, col)
        return Origin(str(path), 1, 1)

    return data, locate
