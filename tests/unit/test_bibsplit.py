"""The raw .bib splitter used by sync: values byte for byte, positions, errors."""

from __future__ import annotations

import pytest

from bibgen.bibsplit import RawBlock, RawEntry, split_bib
from bibgen.errors import InputError


def test_values_are_kept_raw() -> None:
    text = '@Article{k1,\n  Title = {A {B} c},\n  year = 2020,\n  month = jan,\n  note = "x {"} y" # { z},\n}\n'
    [e] = split_bib(text)
    assert isinstance(e, RawEntry)
    assert (e.type, e.key, e.line) == ("article", "k1", 1)
    assert [(f.name, f.value, f.line, f.column) for f in e.fields] == [
        ("title", "{A {B} c}", 2, 3),
        ("year", "2020", 3, 3),
        ("month", "jan", 4, 3),
        ("note", '"x {"} y" # { z}', 5, 3),
    ]
    assert e.text == text.strip()


def test_other_blocks_and_parentheses() -> None:
    blocks = split_bib("junk\n@string(x = {y})\n@comment{a {b} c}\n@misc(k, title = {T})\n@preamble{{p}}\nend")
    kinds = [b.kind if isinstance(b, RawBlock) else "entry" for b in blocks]
    assert kinds == ["text", "string", "comment", "entry", "preamble", "text"]
    assert blocks[2].body == "a {b} c"
    assert blocks[3].key == "k"


def test_at_sign_in_text_is_not_an_entry() -> None:
    blocks = split_bib("mail me at a@b.c\n@misc{k,}\n")
    assert [type(b).__name__ for b in blocks] == ["RawBlock", "RawEntry"]


def test_first_of_repeated_fields_wins() -> None:
    [e] = split_bib("@misc{k, title = {One}, TITLE = {Two}}")
    assert e.field_map()["title"].value == "{One}"


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("@misc{k,\n  title = {open\n", (2, 11), "unbalanced braces"),
        ("@misc{k,\n  title {x}}", (2, 9), "missing '=' after field name 'title'"),
        ('@misc{k, title = "a}', (1, 18), "unterminated"),
        ("@misc{k, title = {a} {b}}", (1, 22), "expected ',' or '}'"),
    ],
)
def test_errors_have_positions(text: str, where: tuple[int, int], message: str) -> None:
    with pytest.raises(InputError) as exc:
        split_bib(text, "t.bib")
    assert (exc.value.origin.line, exc.value.origin.column) == where
    assert message in exc.value.message


def _corpus_texts() -> list[tuple[str, str]]:
    from pathlib import Path

    data = Path(__file__).resolve().parent.parent / "data" / "bibcorpus"
    return [(p.name, p.read_text(encoding="utf-8", errors="replace")) for p in sorted(data.glob("*.bib"))]


@pytest.mark.parametrize(("name", "text"), _corpus_texts(), ids=lambda v: v if v.endswith(".bib") else "")
def test_spans_are_the_entries_without_their_places(name: str, text: str) -> None:
    """split_bib(spans=True): the same blocks, each entry's fields as (name, value) and its text in place."""
    from bibgen.bibsplit import EntrySpan

    try:
        plain = split_bib(text, name)
    except InputError as exc:
        with pytest.raises(InputError) as again:
            split_bib(text, name, spans=True)
        assert str(again.value) == str(exc)
        return
    spans = split_bib(text, name, spans=True)
    assert len(spans) == len(plain)
    entries = 0
    for a, b in zip(plain, spans):
        if isinstance(a, RawEntry):
            entries += 1
            assert isinstance(b, EntrySpan)
            assert (b.type, b.key, b.line) == (a.type, a.key, a.line)
            assert b.fields == tuple((f.name, f.value) for f in a.fields)
            assert text[b.start : b.end] == a.text
        else:
            assert b == a
    assert entries or not any(isinstance(a, RawEntry) for a in plain)
