"""Merge a freshly rendered .bib with its target file, keeping what the user wrote by hand.

A hand-added entry or field stays; a generated value edited by hand keeps the
edit (told from a change in the sources by the target's fingerprint block,
:mod:`bibgen.pin`); ``@string``/``@preamble``/``@comment`` blocks stay, moved
to the top; ``prune`` removes entries no source produces.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bibgen.bibsplit import RawBlock, RawEntry, RawField, split_bib
from bibgen.errors import Diagnostics
from bibgen.model import Origin
from bibgen.pin import Target, fingerprint, format_state


def _rank_table(fmt: str) -> dict[str, int]:
    try:
        from bibgen.writers.bibtex import FIELD_ORDER
    except ImportError:  # pragma: no cover
        return {}
    return {name: i for i, name in enumerate(FIELD_ORDER)}


def _render_entry(etype: str, key: str, fields: Sequence[tuple[str, str]], layout=None) -> str:  # type: ignore[no-untyped-def]
    """One merged entry, indented and aligned as the writer's ``layout`` says (bibgen.layout)."""
    indent, align, trailing = ("  ", 0, True) if layout is None else (layout.indent, layout.align, layout.trailing_comma)
    lines = [f"@{etype}{{{key},"]
    for i, (name, value) in enumerate(fields):
        comma = "," if trailing or i < len(fields) - 1 else ""
        lines.append(f"{indent}{name.ljust(align) if align else name} = {value}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _short(raw: str, n: int = 60) -> str:
    flat = " ".join(raw.split())
    return flat if len(flat) <= n else flat[: n - 1] + "…"


def merge_target(
    generated: str,
    target: Target,
    diagnostics: Diagnostics,
    *,
    prune: bool = False,
    fmt: str = "bibtex",
    layout=None,  # type: ignore[no-untyped-def]
) -> str:
    """The text of a .bib target: ``generated`` with the hand edits in ``target`` kept."""
    path = str(target.path)
    gen_blocks = split_bib(generated, f"<{fmt} writer>")
    gen = {b.key: b for b in gen_blocks if isinstance(b, RawEntry)}
    aliases: dict[str, str] = {}
    for g in gen.values():
        ids = g.field_map().get("ids")
        if ids:
            for a in re.split(r"[,\s]+", ids.value.strip("{}\" ")):
                if a and a not in gen:
                    aliases[a] = g.key
    rank = _rank_table(fmt)
    if layout is not None and layout.field_order:  # --field-order / field-order: these first
        rank = {**rank, **{n: i - len(layout.field_order) for i, n in enumerate(layout.field_order)}}
    tmap: dict[str, RawEntry] = {}
    dupes: list[RawEntry] = []
    for t in target.raw_entries:
        if t.key in tmap:
            diagnostics.warn(f"duplicate key '{t.key}' (first at line {tmap[t.key].line}); kept as it is", Origin(path, t.line, 1))
            dupes.append(t)
        else:
            tmap[t.key] = t
    # Hand-added fields of entries merged into another one move to the survivor.
    moved: dict[str, list[RawField]] = {}
    out: dict[str, str] = {}
    state: dict[str, tuple[str, dict[str, str]]] = {}
    for key, t in sorted(tmap.items()):
        if key in gen:
            continue
        if key in aliases:
            base = target.state.get(key, ("", {}))[1]
            hand = [f for f in t.fields if f.name not in base and f.name not in ("ids",)]
            moved.setdefault(aliases[key], []).extend(hand)
            diagnostics.note(f"'{key}' is the same work as '{aliases[key]}'; merged (old key kept in ids)", Origin(path, t.line, 1))
            continue
        how = "was generated but no source produces it now" if key in target.state else "is not produced by any source"
        if prune:
            diagnostics.note(f"'{key}' {how}; removed (--prune)", Origin(path, t.line, 1))
            continue
        diagnostics.note(f"'{key}' {how}; kept (--prune removes it)", Origin(path, t.line, 1))
        out[key] = t.text.strip() + "\n"
        if key in target.state:
            state[key] = target.state[key]
    for key, g in gen.items():
        t = tmap.get(key)
        base_type, base = target.state.get(key, ("", None)) if key in target.state else ("", None)
        gfields = [(f.name, f.value) for f in g.fields]
        state[key] = (g.type, {n: fingerprint(v) for n, v in gfields})
        extra = moved.get(key, [])
        if t is None:
            if base is not None:
                diagnostics.note(f"'{key}' was deleted from the target by hand but the sources still produce it; added back", Origin(path, 1, 1))
            if not extra:
                out[key] = g.text.strip() + "\n"
                continue
            t = RawEntry(g.type, key, (), "", 1)
        out[key] = _merge_entry(g, gfields, t, extra, base_type, base, rank, diagnostics, path, layout)
    for t in dupes:
        out.setdefault(f"{t.key}\x00{t.line}", t.text.strip() + "\n")
    parts: list[str] = []
    for b in target.blocks:
        if isinstance(b, RawBlock):
            parts.append(b.text.strip("\n") + "\n")
    for key in sorted(out, key=lambda k: (k.casefold(), k)):
        parts.append(out[key])
    if state:
        parts.append(format_state(state))
    return "\n".join(parts)


def _merge_entry(
    g: RawEntry,
    gfields: list[tuple[str, str]],
    t: RawEntry,
    extra: list[RawField],
    base_type: str,
    base: dict[str, str] | None,
    rank: dict[str, int],
    diagnostics: Diagnostics,
    path: str,
    layout=None,  # type: ignore[no-untyped-def]
) -> str:
    key = g.key
    tf = t.field_map()
    for f in extra:
        tf.setdefault(f.name, f)
    etype = g.type
    if t.type != g.type and t.text:
        if base is not None and base_type == t.type:
            pass  # the sources changed the type; the user did not
        else:
            etype = t.type
            _report(diagnostics, base is not None and base_type != g.type, key, "entry type", t.type, g.type, Origin(path, t.line, 1))
    fields: list[tuple[str, str]] = []
    gnames = set()
    for name, graw in gfields:
        gnames.add(name)
        f = tf.get(name)
        if f is None:
            if base is not None and name in base:
                diagnostics.note(f"'{key}': field '{name}' was deleted by hand; not adding it back", Origin(path, t.line, 1))
                continue
            fields.append((name, graw))
            continue
        if " ".join(f.value.split()) == " ".join(graw.split()):
            fields.append((name, graw))
        elif base is not None and base.get(name) == fingerprint(f.value):
            fields.append((name, graw))  # unchanged since generated: the sources' new value wins
        else:
            fields.append((name, f.value))
            conflict = base is not None and name in base and base[name] != fingerprint(graw)
            _report(diagnostics, conflict, key, f"field '{name}'", f.value, graw, Origin(path, f.line, f.column))
    for name, f in tf.items():
        if name in gnames:
            continue
        if base is not None and name in base and base[name] == fingerprint(f.value):
            continue  # generated before, no longer produced, not edited: drop it
        if base is not None and name in base:
            diagnostics.note(f"'{key}': field '{name}' is no longer generated but was edited by hand; kept", Origin(path, f.line, f.column))
        fields.append((name, f.value))
    order = {n: i for i, (n, _) in enumerate(fields)}
    fields.sort(key=lambda nv: (rank.get(nv[0], len(rank)), nv[0] if nv[0] not in rank else "", order[nv[0]]))
    return _render_entry(etype, key, fields, layout)


def _report(diagnostics: Diagnostics, conflict: bool, key: str, what: str, kept: str, source: str, origin: Origin) -> None:
    if conflict:
        diagnostics.warn(
            f"'{key}': {what} was edited by hand and has changed in the sources; keeping the hand edit",
            origin,
            f"sources now say {_short(source)}",
        )
    else:
        diagnostics.note(f"'{key}': keeping hand-edited {what} {_short(kept)} (sources say {_short(source)})", origin)
