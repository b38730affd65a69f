"""Cited keys from .aux and .tex files, and selecting the cited entries."""

from __future__ import annotations

from pathlib import Path

import pytest

from bibgen.citations import Citations, parse_aux, parse_tex, read_citations, select_cited
from bibgen.errors import Diagnostics, UsageError
from bibgen.model import Entry, EntryKind, Fields


def cited(text: str) -> list[tuple[str, int, int]]:
    return [(c.key, c.origin.line, c.origin.column) for c in parse_tex(text, "p.tex").items]


@pytest.mark.parametrize(
    ("tex", "keys"),
    [
        (r"\cite{a}", ["a"]),
        (r"\citep{a, b,c}", ["a", "b", "c"]),
        (r"\citet[p.~3]{a}", ["a"]),
        (r"\citep[see][chap.~2]{a}", ["a"]),
        (r"\parencite{a} \textcite{b} \autocite{c} \footcite{d}", ["a", "b", "c", "d"]),
        (r"\Textcite{a} \Parencite*{b} \citet*{c} \citeauthor{d} \citeyearpar{e}", ["a", "b", "c", "d", "e"]),
        (r"\cites[x]{a}[y][z]{b}{c} after {d}", ["a", "b", "c"]),
        (r"\autocites(pre)(post)[1]{a}[2]{b}", ["a", "b"]),
        (r"\nocite{*}", ["*"]),
        (r"\cite" + "\n  [p. 2]\n  {a}", ["a"]),
        (r"\citation{a} \bibcite{b}{1} \citesomething", []),
        (r"100\% \cite{a} % \cite{commented}", ["a"]),
        (r"\\% \cite{afterescapedbackslash}", []),
        ("\\begin{verbatim}\n\\cite{v}\n\\end{verbatim}\n\\cite{a}", ["a"]),
        (r"\mycite{a} \excite{b}", []),
    ],
)
def test_tex_commands(tex: str, keys: list[str]) -> None:
    assert [k for k, _, _ in cited(tex)] == keys


def test_tex_positions_are_per_key() -> None:
    assert cited("x\n\\cite{alpha,\n  beta}") == [("alpha", 2, 7), ("beta", 3, 3)]


def test_aux_natbib_and_biblatex() -> None:
    aux = "\\relax\n\\citation{a,b}\n\\abx@aux@cite{0}{c}\n\\abx@aux@cite{d}\n\\bibcite{a}{1}\n\\citation{*}\n"
    result = parse_aux(aux, "p.aux")
    assert [(c.key, c.origin.line) for c in result.items] == [("a", 2), ("b", 2), ("c", 3), ("d", 4), ("*", 6)]
    assert result.everything


def test_read_citations_follows_input_and_include(tmp_path: Path) -> None:
    (tmp_path / "main.tex").write_text("\\input{sec/one}\n\\include{two}\n\\cite{m}\n\\input{missing}\n")
    (tmp_path / "sec").mkdir()
    (tmp_path / "sec" / "one.tex").write_text("\\cite{o}\n\\input{../main}\n")
    (tmp_path / "two.tex").write_text("x \\citep{t}\n")
    result = read_citations([tmp_path / "main.tex"])
    assert [(c.key, Path(c.origin.path).name, c.origin.line) for c in result.items] == [
        ("m", "main.tex", 3),
        ("o", "one.tex", 1),
        ("t", "two.tex", 1),
    ]


def test_read_citations_rejects_other_files(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("\\cite{a}")
    with pytest.raises(UsageError, match="reads .aux and .tex"):
        read_citations([tmp_path / "notes.md"])
    with pytest.raises(UsageError, match="no such file"):
        read_citations([tmp_path / "nope.aux"])


def entry(key: str, aliases: tuple[str, ...] = ()) -> Entry:
    return Entry(EntryKind.MISC, Fields(title=key.upper()), key=key, aliases=aliases)


def test_select_cited_resolves_aliases_and_reports_missing() -> None:
    entries = [entry("a"), entry("b", aliases=("old",)), entry("c")]
    cites = parse_tex("\\cite{c,old}\n\\cite{nope}\n\\cite{c}", "p.tex")
    diags = Diagnostics()
    sel = select_cited(entries, cites, diags)
    assert [e.key for e in sel.entries] == ["b", "c"]
    assert [(m.key, m.origin.line) for m in sel.missing] == [("nope", 2)]
    assert [d.message for d in diags.items] == ["'old' was merged into 'b'; cite 'b'"]
    assert diags.items[0].origin.line == 1


def test_nocite_star_selects_everything() -> None:
    entries = [entry("a"), entry("b")]
    sel = select_cited(entries, parse_aux("\\citation{*}\n\\citation{zz}\n", "p.aux"), Diagnostics())
    assert [e.key for e in sel.entries] == ["a", "b"]
    assert [m.key for m in sel.missing] == ["zz"]


def test_empty_citations_select_nothing() -> None:
    assert select_cited([entry("a")], Citations(), Diagnostics()).entries == ()
