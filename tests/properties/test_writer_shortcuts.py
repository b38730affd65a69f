"""The BibTeX writer's shortcuts (issue 21) give exactly what their plain forms give.

Each plain form below is the code as it was before the shortcut, kept here as the reference.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bibgen import latex
from bibgen.layout import Layout
from bibgen.mappings.types import field_name
from bibgen.model import EntryKind
from bibgen.options import Options
from bibgen.readers.bibtex import BibtexReader
from bibgen.writers import bibtex as bw
from bibgen.writers.biblatex import BiblatexWriter

_CHARS = st.sampled_from(list("\\&%#{}$ a\u00e9\u0151\u4e2d\u03b1\u0301e"))
_TEXT = st.lists(_CHARS, max_size=40).map("".join)


@settings(max_examples=800, deadline=None)
@given(_TEXT)
@example(r"{50\% of \\% and {a#b}} \u0151")
def test_source_text_prechecks_agree_with_the_plain_form(raw: str) -> None:
    assert bw.BibtexWriter.source_text(raw) == latex.pdflatex_text(bw._compilable(raw))


def _format_fields_plain(btype: str, key: str, values: list[tuple[str, str]], layout: Layout) -> str:
    lines = [f"@{btype}{{{key},"]
    rank = bw.field_rank(layout)
    pairs = sorted(values, key=lambda nv: rank(nv[0]))
    for i, (name, value) in enumerate(pairs):
        label = name.ljust(layout.align) if layout.align else name
        prefix = f"{layout.indent}{label} = "
        if layout.wrap and len(prefix) + len(value) > layout.wrap and name not in bw.VERBATIM:
            value = bw._wrap(value, len(prefix), layout.wrap)
        comma = "," if layout.trailing_comma or i < len(pairs) - 1 else ""
        lines.append(f"{prefix}{value}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


_NAMES = st.sampled_from(["title", "author", "year", "zzz", "abstract", "note", "aaa", "doi", "x-y", "url"])
_LAYOUTS = st.builds(
    Layout,
    field_order=st.lists(_NAMES, max_size=4).map(tuple),
    align=st.sampled_from([0, 12]),
    wrap=st.sampled_from([0, 20]),
    trailing_comma=st.booleans(),
    indent=st.sampled_from(["  ", "\t"]),
)


@settings(max_examples=600, deadline=None)
@given(st.lists(st.tuples(_NAMES, st.text("ab {}", max_size=30)), max_size=12), _LAYOUTS)
@example([("year", "1"), ("title", "a"), ("title", "b")], Layout(field_order=("title", "year", "title")))
def test_format_fields_agrees_with_the_plain_form(values: list[tuple[str, str]], layout: Layout) -> None:
    assert bw.format_fields("article", "k", values, layout) == _format_fields_plain("article", "k", values, layout)


def _faithful_plain(entry, dialect, btype, out):  # type: ignore[no-untyped-def]
    src = entry.source
    if src is None or src.kind is not entry.kind:
        return btype, out
    mapped = bw.output_type(dialect, src.dialect, src.type)
    if mapped:
        btype = mapped
    if src.dialect != "bib":
        return btype, out
    renamed: dict[str, str] = {}
    first = [n for n, v in out.items() if isinstance(v, bw.SourceText) and field_name(dialect, v.source.name, btype) == v.source.name]
    for name, value in [(n, out[n]) for n in first] + [(n, v) for n, v in out.items() if n not in first]:
        if isinstance(value, bw.SourceText):
            moved = False
            for target in (field_name(dialect, value.source.name, btype), value.source.name):
                if target == name:
                    break
                if target not in out and target not in renamed:
                    renamed[target] = value
                    moved = True
                    break
            if moved:
                continue
        renamed.setdefault(name, value)
    if (entry.kind in (EntryKind.REPORT, EntryKind.THESIS) or btype in bw._SUBTYPED) and "type" in renamed:
        if not isinstance(renamed["type"], bw.SourceText) and src.get("type") is None:
            del renamed["type"]
    return btype, renamed


_CORPUS = sorted((Path(__file__).parent.parent / "data" / "bibcorpus").glob("*.bib"))


@pytest.mark.parametrize("path", _CORPUS, ids=lambda p: p.name)
def test_faithful_agrees_with_the_plain_form_on_the_corpus(path: Path) -> None:
    options = Options()
    try:
        entries = BibtexReader().read(path.read_bytes(), str(path), options)
    except Exception:  # (a file the reader refuses has nothing to write)
        pytest.skip("not readable")
    for writer in (bw.BibtexWriter(), BiblatexWriter()):
        for e in entries:
            f = bw.source_fields(e)
            btype, out = writer._generic_type_and_fields(e, f)
            got = bw.faithful(e, writer.dialect, btype, dict(out))
            want = _faithful_plain(e, writer.dialect, btype, dict(out))
            assert got[0] == want[0]
            assert got[1] == want[1]  # same names, same values
            assert {n: type(v) for n, v in got[1].items()} == {n: type(v) for n, v in want[1].items()}
