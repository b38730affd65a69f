"""Each fast path bibgen takes for speed gives exactly what its plain, slower form gives."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bibgen import latex
from bibgen.model import Person, people_signature
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
    math = display = False
    i = 0
    while i < len(expr):
        ch = expr[i]
        if ch == "$" and prev != "\\" and expr[i : i + 2] == "$$" and (display or not math):
            display = math = not display  # $$...$$: display math, one token
            out.append("$$")
            prev = "$"
            i += 2
            continue
        i += 1
        if ch == "{" and prev != "\\":
            depth += 1
        elif ch == "}" and prev != "\\":
            depth -= 1
        elif ch == "$" and prev != "\\" and not display:
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
@example("{$$&}")  # display math keeps its &
@example("{a $$ & $$ & $x$ &}")
def test_compilable_shortcut_agrees_with_the_loop(expr: str) -> None:
    assert bibtex_writer._compilable(expr) == bibtex_writer._as_the_decoder_reads(expr, _compilable_by_char(expr))


@settings(max_examples=800, deadline=None)
@given(_TEXT)
@example("\u0301a\u0301\u0308 \u0151 \u4e2d\u00e9e\u0323")
def test_pdflatex_substitution_agrees_with_cluster_walk(text: str) -> None:
    assert latex._to_pdflatex(text) == latex._to_pdflatex_by_cluster(text)


_NAME_CHARS = st.sampled_from(list("ab A{}\\~,\t\n\u00a0\u2003\x1f\x85\u200b") + ["and", " and ", "AND", "others"])


def _split_names_by_char(value: str) -> tuple[tuple[str, ...], bool]:
    """readers.bibtex.split_names with its character loop for every value (no shortcut)."""
    names: list[str] = []
    current: list[str] = []
    depth = 0
    word: list[str] = []
    for ch in value:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch.isspace() and depth <= 0:
            if word:
                current.append("".join(word))
                word.clear()
            continue
        word.append(ch)
    if word:
        current.append("".join(word))
    for w in current:
        if w.lower() == "and":
            names.append("")
        elif names:
            names[-1] = f"{names[-1]} {w}".strip()
        else:
            names.append(w)
    if not current:
        return (), False
    if current[0].lower() == "and":
        names.insert(0, "")
    cleaned = tuple(n for n in names if n)
    return cleaned, len(cleaned) != len(names)


@settings(max_examples=800, deadline=None)
@given(st.lists(_NAME_CHARS, max_size=25).map("".join))
@example("Ann Lee and\u00a0Bo\u2003Chu and  and {A and B}")
@example("and Ann and {Bo and ")  # a leading "and"; an unclosed brace keeps the last word's white space
def test_split_names_shortcut_agrees_with_the_loop(value: str) -> None:
    from bibgen.readers.bibtex import split_names

    assert split_names.__wrapped__(value) == _split_names_by_char(value)


# Name lists whose braces pair up: groups inside words, groups holding white space
# or "and", nested up to four levels (deeper than the regex path takes).
_BRACED_WORDS = st.sampled_from(
    ["Ann", "and", "AND", "others", "Lef{\\`e}vre", "{\\'{e}}", "{A and B}", "{ spaced }", "{{x}}", "{{{deep}}}",
     "{{{{deeper and}}}}", "O{\\\"u}z", "{}", "a{b}c{d e}f", "{and}", "x\u00a0y", "{\u2003}"]
)
_GAPS = st.sampled_from([" ", "  ", "\t", "\n", "\u00a0", "\u2003", " and ", "\x85"])


@settings(max_examples=800, deadline=None)
@given(st.lists(st.tuples(_BRACED_WORDS, _GAPS), max_size=14).map(lambda ws: "".join(w + g for w, g in ws)))
@example("Lef{\\`e}vre, K. and {DeepMind Team} and {{{{x y}}}} and Ann")
@example("{a}} and {b")  # balanced counts, a group closed before it opens
def test_split_names_fast_paths_agree_with_the_loop_on_balanced_braces(value: str) -> None:
    from bibgen.readers.bibtex import _split_names_loop, split_names

    assert split_names.__wrapped__(value) == _split_names_by_char(value) == _split_names_loop(value)


_PART = st.lists(st.sampled_from(list("a'\"\\é\n\x1f") + ["O'Neil", ""]), max_size=3).map("".join)
_PEOPLE = st.lists(st.builds(Person, _PART, _PART, _PART, _PART, _PART), max_size=3).map(tuple)


@settings(max_examples=1000, deadline=None)
@given(_PEOPLE, st.booleans(), _PEOPLE, st.booleans())
@example((Person("a\x1fb"),), False, (Person("a", "b"),), False)  # a separator inside a part
@example((Person("a" + "\x1f" * 5, literal="b"),), False, (Person("a"), Person(literal="b")), False)  # joined alike
@example((), False, (Person(),), False)  # no names, and one empty name
def test_people_signatures_are_equal_exactly_when_the_lists_are(a: tuple[Person, ...], pa: bool, b: tuple[Person, ...], pb: bool) -> None:
    assert (people_signature(a, pa) == people_signature(b, pb)) == ((a, pa) == (b, pb))
    assert people_signature(a, pa) == people_signature(tuple(Person(*p.__reduce__()[1]) for p in a), pa)


_OLD_MATH_SPAN_RE = re.compile(r"(?<!\\)\$[^$]*\$")


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(["$", "\\", "\\$", "x", "\\foo", " ", "\\emph{a}", "$\\alpha$"]), max_size=15).map("".join))
def test_unknown_commands_math_pattern_is_the_lookbehind_one(text: str) -> None:
    # The $ now comes before its lookbehind (faster); it must cut the same spans.
    assert latex._MATH_SPAN_RE.sub("", text) == _OLD_MATH_SPAN_RE.sub("", text)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["@", "a", "\n", " @x", "\n\n"]), max_size=20).map("".join),
       st.lists(st.integers(1, 12), max_size=12))
def test_at_columns_cursor_agrees_with_split_lines(text: str, wanted: list[int]) -> None:
    from bibgen.readers.bibtex import _AtColumns

    lines = text.split("\n")
    columns = _AtColumns(text)
    for line in wanted:  # in any order: the cursor restarts when it must go back
        expected = max(lines[line - 1].find("@") + 1 if line <= len(lines) else 1, 1)
        assert columns.at(line) == expected


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["%", "\\", "\\%", "a", "\\\\%"]), max_size=12).map("".join))
def test_bare_percent_pattern_is_the_lookbehind_one(text: str) -> None:
    from bibgen.readers.bibtex import _BARE_PERCENT

    assert bool(_BARE_PERCENT.search(text)) == bool(re.search(r"(?<!\\)%", text))


def _bib_files() -> list[Path]:
    root = Path(__file__).resolve().parents[2]
    return sorted(p for d in ("tests", "seeds", "examples") for p in (root / d).rglob("*.bib"))


def test_bibtex_reader_output_is_already_normalized() -> None:
    # BibtexReader.normalized lets the pipeline skip normalize_entry: it must be a no-op.
    from bibgen.pipeline import Options, normalize_entry
    from bibgen.readers.bibtex import BibtexReader

    read = 0
    for path in _bib_files():
        options = Options()
        options.keep_going = True
        try:
            entries = BibtexReader().read(path.read_bytes(), str(path), options)
        except Exception:  # broken on purpose (tests/errors): other tests own those
            continue
        for e in entries:
            assert normalize_entry(e) is e, (path, e.key)
            read += 1
    assert read > 500


_MESSY = st.lists(
    st.sampled_from(list("a B \t\n\u00a0\u2003\u200b\x07\x1f\u0301e\u0308~{}") + ["{\\'e}", "\\\"o", "Mu\u0308ller", "  ", "10.1000/x",
                    "https://doi.org/", "doi:", "and", " and ", ","]),
    max_size=14,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_MESSY, _MESSY, _MESSY, _MESSY)
@example("", "", "", "a\x07\u0301")  # found by a random run: the control kept NFC from joining the accent
def test_bibtex_reader_normalizes_messy_values(title: str, author: str, doi: str, note: str) -> None:
    from bibgen.pipeline import Options, normalize_entry
    from bibgen.readers.bibtex import BibtexReader

    text = f"@article{{k,\n  title = {{{title}}},\n  author = {{{author}}},\n  doi = {{{doi}}},\n  note = {{{note}}},\n  year = 2020\n}}\n"
    options = Options()
    options.keep_going = True
    try:
        entries = BibtexReader().read(text.encode(), "x.bib", options)
    except Exception:
        return  # unbalanced braces and the like: an error, not an entry
    for e in entries:
        assert normalize_entry(e) is e


# Values as bibgen's splitter hands them over: one balanced brace group.
_GROUP_TEXT = st.lists(st.sampled_from(["a", " ", "  ", "\n", "\t", "{", "}", "\\", "\\'e", "$x$", "é", "#"]), max_size=20).map("".join)


@given(_GROUP_TEXT)
@example(" padded ")
@example("{DNA}  and\nmore")
def test_one_group_shortcut_is_evaluate_then_source_expression(inner: str) -> None:
    from bibgen.errors import Diagnostics
    from bibgen.model import Origin
    from bibgen.readers import bibtex as reader

    depth = 0
    for ch in inner:  # balanced, as the splitter guarantees
        depth += (ch == "{") - (ch == "}")
        if depth < 0:
            return
    value = "{" + inner + "}" * (depth + 1)
    if "#" in value or "\\{" in value or "\\}" in value:
        return  # the reader takes the plain path for these
    parts: list[str] = []
    text = reader._evaluate(value, {}, Diagnostics(), Origin("x.bib"), expr=parts)
    assert reader._one_group(value) == (text, reader.source_expression(parts))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcXYZ0189", min_size=1, max_size=12))
def test_alphanumeric_values_shortcut_is_the_decode_branch(value: str) -> None:
    """readers.bibtex._to_entry takes an ASCII letters-and-digits value as its text."""
    from bibgen.latex import decode
    from bibgen.normalize import clean_text
    from bibgen.readers.bibtex import _as_written, decode_verbatim

    assert value.isascii() and value.isalnum()
    assert _as_written(clean_text(decode(value)), value) == value
    assert clean_text(decode_verbatim(value)) == value
