"""The BibTeX reader's fast splitter gives what bibtexparser's splitter gives.

``read_bibtex`` splits well-formed files with bibgen's own splitter
(:mod:`bibgen.bibsplit`) and everything else with bibtexparser. Both paths
must read every file to the same entries and the same diagnostics; these tests
read each input both ways and compare.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bibgen.readers.bibtex as reader
from bibgen.pipeline import Options

ROOT = Path(__file__).resolve().parents[2]


def both_ways(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object, bool]:
    """(fast result, bibtexparser result, whether the fast path took the file)."""

    def run() -> object:
        options = Options()
        try:
            entries = reader.read_bibtex(text, "refs.bib", options)
        except Exception as exc:  # compared, not hidden: both paths must fail alike
            return ("error", type(exc).__name__, str(exc))
        diags = [(d.severity, d.message, d.origin) for d in options.diagnostics.items]
        return ([(e.key, e.kind, e.fields, e.people, e.origin, e.aliases, e.partial) for e in entries], diags)

    took = reader._split_fast(text) is not None
    fast = run()
    with monkeypatch.context() as m:
        m.setattr(reader, "_split_fast", lambda text: None)
        slow = run()
    return fast, slow, took


BIB_FILES = sorted(p for d in ("tests", "examples") for p in (ROOT / d).rglob("*.bib"))


@pytest.mark.parametrize("path", BIB_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_bib_file_in_the_repository_reads_the_same_both_ways(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow, _ = both_ways(path.read_text(encoding="utf-8", errors="replace"), monkeypatch)
    assert fast == slow


def test_the_fast_path_takes_escaped_braces_that_pair_up(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "@article{k1,\n  title = {Codes over $\\{0,1\\}^n$ and \\{sets\\}},\n  year = 2020,\n}\n"
    fast, slow, took = both_ways(text, monkeypatch)
    assert took and fast == slow


@pytest.mark.parametrize("text", ["@article{k1, title = {a \\{ } b \\}}}\n", "@article{k1, title = {a \\\\{b}}\n"])
def test_escaped_braces_that_do_not_pair_up_go_to_bibtexparser(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow, took = both_ways(text, monkeypatch)
    assert not took and fast == slow


def test_the_fast_path_takes_ordinary_files(monkeypatch: pytest.MonkeyPatch) -> None:
    text = '@string{acm = "ACM"}\n@article{k1,\n  title = {A {B} c},\n  journal = acm # " J",\n  year = 2020,\n}\n'
    fast, slow, took = both_ways(text, monkeypatch)
    assert took and fast == slow and fast[0][0][2]["container"] == "ACM J"


@pytest.mark.parametrize(
    "text",
    [
        "@article{a, title={X}}\n@article{a, title={Y}}\n",  # repeated key
        "@article{a, title={X}, title={Y}}\n",  # repeated field
        "@article{a, title={X}\n@article{b, title={Y}}\n",  # unclosed entry
        "mail me at someone@example.org\n@article{a, title={X}}\n",  # a stray @
        "@string{a b = {X}}\n@article{a, title=a}\n",  # an odd @string
    ],
)
def test_unusual_files_go_to_bibtexparser(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow, took = both_ways(text, monkeypatch)
    assert not took and fast == slow


_NAME = st.sampled_from(["title", "author", "journal", "year", "month", "note", "abstract", "doi", "Title", "ids"])
_WORD = st.text(st.sampled_from(list("abcXYZ 019-:,.\\'\"%@#={}()\n\té")), max_size=12)


@st.composite
def braced(draw: st.DrawFn, depth: int = 0) -> str:
    parts = draw(st.lists(st.one_of(_WORD.map(lambda w: w.replace("{", "").replace("}", "")),
                                    braced(depth + 1) if depth < 4 else st.just(""),
                                    # escaped braces: BibTeX counts them, bibtexparser skips them
                                    st.sampled_from(["\\{", "\\}", "$\\{0,1\\}^n$", "\\\\", "\\\\{"])), max_size=4))
    return "{" + "".join(parts) + "}"


_VALUE = st.one_of(
    braced(),
    _WORD.map(lambda w: '"' + w.replace('"', "").replace("{", "").replace("}", "") + '"'),
    st.sampled_from(["2020", "jan", "acm", "undefinedmacro", "12"]),
)


@st.composite
def bib_text(draw: st.DrawFn) -> str:
    out = []
    if draw(st.booleans()):
        out.append('@string{acm = "ACM"}\n')
    for i in range(draw(st.integers(0, 5))):
        fields = []
        for _ in range(draw(st.integers(0, 4))):
            value = draw(_VALUE)
            if draw(st.integers(0, 4)) == 0:
                value += " # " + draw(_VALUE)
            fields.append(f"{draw(_NAME)} ={draw(st.sampled_from([' ', '', '  ', chr(10)]))}{value}")
        key = draw(st.sampled_from([f"k{i}", "dup", "K0", ""]))
        sep = draw(st.sampled_from([",\n  ", ", ", ",% note\n"]))
        tail = draw(st.sampled_from(["", ",", ",\n"]))
        open_, close = draw(st.sampled_from([("{", "}"), ("(", ")")]))
        etype = draw(st.sampled_from(["article", "Book", "misc", "inproceedings", "comment", "preamble"]))
        out.append(f"@{etype}{open_}{key}{sep if fields else ''}{sep.join(fields)}{tail}{close}\n")
        if draw(st.integers(0, 5)) == 0:
            out.append(draw(_WORD) + "\n")
    return "".join(out)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(text=bib_text())
def test_generated_files_read_the_same_both_ways(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast, slow, _ = both_ways(text, monkeypatch)
    assert fast == slow


def _match_brace_by_loop(raw: str, i: int) -> int:
    """The reference: walk every unescaped brace from ``i``."""
    import re

    depth = 0
    for m in re.finditer(r"(?<!\\)[{}]", raw[i:] if i == 0 else raw):
        if m.start() < i:
            continue
        if m.group() == "{":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return m.start()
    return len(raw)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["{", "}", "\\", "a", "\\{", "\\}", "\\\\", " "]), max_size=14).map("".join), st.integers(0, 14))
def test_match_brace_agrees_with_a_brace_by_brace_walk(raw: str, i: int) -> None:
    i = min(i, len(raw))
    assert reader._match_brace(raw, i) == _match_brace_by_loop(raw, i)
