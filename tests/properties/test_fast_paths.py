"""Each fast path bibgen takes for speed gives exactly what its plain, slower form gives."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bibgen import latex
from bibgen.writers import bibtex as bibtex_writer

# Characters around the rules: backslashes, the specials, braces, math, combining
# marks, characters pdflatex prints (é) and those it cannot (ő, 中, α, U+0301 alone).
_CHARS = st.sampled_from(list("\\&%#{}$ a\u00e9\u0151\u4e2d\u03b1\u0301\u0308\u0323e\n"))
_TEXT = st.lists(_CHARS, max_size=40).map("".join)


def _compilable_by_char(expr: str) -> str:
    """The character loop of writers.bibtex._compilable, without its shortcut."""
    out: list[str] = []
    depth = 0
    prev = ""
    math = False
    for ch in expr:
        if ch == "{" and prev != "\\":
            depth += 1
        elif ch == "}" and prev != "\\":
            depth -= 1
        elif ch == "$" and prev != "\\":
            math = not math
        if depth > 0 and ch in "&%#" and prev != "\\" and not (math and ch == "&"):
            out.append("\\" + ch)
        else:
            out.append(ch)
        prev = "" if prev == "\\" and ch == "\\" else ch
    return "".join(out)


@settings(max_examples=800, deadline=None)
@given(_TEXT)
@example(r"{50\% of \\% and \\\& {a#b}}")
@example(r"{\%}")
def test_compilable_shortcut_agrees_with_the_loop(expr: str) -> None:
    assert bibtex_writer._compilable(expr) == _compilable_by_char(expr)


@settings(max_examples=800, deadline=None)
@given(_TEXT)
@example("\u0301a\u0301\u0308 \u0151 \u4e2d\u00e9e\u0323")
def test_pdflatex_substitution_agrees_with_cluster_walk(text: str) -> None:
    assert latex._to_pdflatex(text) == latex._to_pdflatex_by_cluster(text)
