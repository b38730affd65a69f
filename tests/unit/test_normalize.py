"""Each normalization rule on its own."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bibgen.model import Person
from bibgen.normalize import clean_text, fold, normalize_arxiv, normalize_doi, parse_name, title_key, title_numbers


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  a  b ", "a b"),
        ("a\u00a0b", "a b"),
        ("a\tb\nc", "a b c"),
        ("a\u200bb", "a b"),
        ("Cafe\u0301", "Café"),
        ("ctl\x07char", "ctlchar"),
        ("a\x07\u0301", "\u00e1"),  # the control kept NFC from joining the accent (random hypothesis run)
        ("e\x85\u0308 x", "\u00eb x"),  # NEL is both a control and whitespace
        ("", ""),
    ],
)
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    ("raw", "person"),
    [
        ("van den Oord, Aäron", Person(family="Oord", given="Aäron", particle="van den")),
        ("Le, Quoc V.", Person(family="Le", given="Quoc V.")),
        ("Kavukcuoglu, Koray", Person(family="Kavukcuoglu", given="Koray")),
        ("Aäron van den Oord", Person(family="Oord", given="Aäron", particle="van den")),
        ("Ludwig van Beethoven", Person(family="Beethoven", given="Ludwig", particle="van")),
        ("King, Jr., Martin Luther", Person(family="King", given="Martin Luther", suffix="Jr.")),
        ("Martin Luther King, Jr.", Person(family="King", given="Martin Luther", suffix="Jr.")),
        ("Plato", Person(family="Plato")),
        ("{Google DeepMind}", Person(literal="Google DeepMind")),
        ("de la Fontaine, Jean", Person(family="Fontaine", given="Jean", particle="de la")),
        ("Min-jun Kim", Person(family="Kim", given="Min-jun")),
    ],
)
def test_parse_name(raw, person):
    assert parse_name(raw) == person


def test_person_forms():
    p = Person(family="Oord", given="Aäron", particle="van den")
    assert p.last == "van den Oord"
    assert p.display() == "Aäron van den Oord"
    assert p.sort_form() == "van den Oord, Aäron"


@pytest.mark.parametrize(
    ("raw", "doi"),
    [
        ("https://doi.org/10.1000/ABC.123", "10.1000/abc.123"),
        ("doi:10.48550/arXiv.2403.08295.", "10.48550/arxiv.2403.08295"),
        ("no doi here", ""),
    ],
)
def test_normalize_doi(raw, doi):
    assert normalize_doi(raw) == doi


@pytest.mark.parametrize(
    ("raw", "arxiv"),
    [
        ("arXiv:2403.08295v2", "2403.08295"),
        ("https://arxiv.org/abs/1706.03762", "1706.03762"),
        ("hep-th/9901001v3", "hep-th/9901001"),
        ("math.GT/0309136", "math.gt/0309136"),
        ("nothing", ""),
    ],
)
def test_normalize_arxiv(raw, arxiv):
    assert normalize_arxiv(raw) == arxiv


def test_fold_keeps_non_latin_and_folds_accents():
    assert fold("Ørsted Éclair") == "orsted eclair"
    assert fold("深度学习") == "深度学习"
    assert title_key("深度学习") != title_key("强化学习")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Gemini 1.5: Unlocking", "gemini 1.5 — unlocking"),
        ("Gemma: Open Models", "Gemma -- Open Models."),
        ("A  B   C", "a b c"),
    ],
)
def test_title_key_ignores_case_punctuation_spacing(a, b):
    assert title_key(a) == title_key(b)


@pytest.mark.parametrize(("a", "b"), [("Gemma", "Gemma 2"), ("Gemma 2", "Gemma 3"), ("Gemini", "Gemini 1.5")])
def test_numbers_separate_titles(a, b):
    assert (title_key(a), title_numbers(a)) != (title_key(b), title_numbers(b))


def test_every_whitespace_but_the_space_counts_as_untidy() -> None:
    """clean_text checks plain spaces with str methods and every other whitespace with one class."""
    import re
    import sys

    from bibgen.normalize import _UNTIDY_RE

    spaces = [chr(c) for c in range(sys.maxunicode + 1) if re.match(r"\s", chr(c))]
    assert spaces and all(_UNTIDY_RE.match(c) for c in spaces if c != " ")


@given(st.text(alphabet=st.sampled_from(list("aeAO \t\n\u00a0\u2003\u200b\u2000\x07\x1f\x85\u0301\u0308\u0327\u1100\u1161\u11a8"))))
@example("a\x07\u0301")
def test_clean_text_is_idempotent(raw: str) -> None:
    # normalize_entry relies on it: a reader's clean text must come back unchanged.
    once = clean_text(raw)
    assert clean_text(once) == once
