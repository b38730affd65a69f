"""Identity parts of normalize.py: identifiers, folding, title keys and markers."""

from __future__ import annotations

import pytest

from bibgen.normalize import (
    arxiv_from_doi,
    fold,
    is_unspaced_script,
    normalize_arxiv,
    normalize_doi,
    normalize_number,
    title_key,
    title_markers,
    title_numbers,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("10.1145/3442188.3445922", "10.1145/3442188.3445922"),
        ("https://doi.org/10.1145/3442188.3445922", "10.1145/3442188.3445922"),
        ("http://dx.doi.org/10.1000/ABC.def", "10.1000/abc.def"),
        ("doi:10.1000/xyz).", "10.1000/xyz"),
        ("not a doi", ""),
    ],
)
def test_normalize_doi(text: str, expected: str) -> None:
    assert normalize_doi(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2403.08295", "2403.08295"),
        ("arXiv:2403.08295v3", "2403.08295"),
        ("https://arxiv.org/abs/1706.03762v7", "1706.03762"),
        ("0704.0001", "0704.0001"),
        ("hep-th/9901001v2", "hep-th/9901001"),
        ("arXiv:math.GT/0309136", "math.gt/0309136"),
        ("10.48550/arXiv.2403.08295", "2403.08295"),
        ("", ""),
    ],
)
def test_normalize_arxiv(text: str, expected: str) -> None:
    assert normalize_arxiv(text) == expected


def test_arxiv_doi() -> None:
    assert arxiv_from_doi("https://doi.org/10.48550/ARXIV.1706.03762") == "1706.03762"
    assert arxiv_from_doi("10.1145/3442188.3445922") == ""


def test_fold_keeps_letters_of_every_script() -> None:
    assert fold("Ærøskøbing Đakovo Łódź") == "aeroskobing dakovo lodz"
    assert fold("機械学習") == "機械学習" and fold("Физика") == "физика"
    assert fold("ガ") != fold("カ")  # kana voicing marks make a different letter; they stay
    assert title_key("Φυσική!") == "φυσικη" and title_key("中文。") == "中文"


def test_title_key_ignores_case_punctuation_dashes_and_spaces_but_not_digits() -> None:
    assert title_key("Gemini 1.5 — A Report.") == title_key("gemini 1.5: a  report")
    assert title_key("Gemma 2") != title_key("Gemma 3")
    assert title_numbers("Gemini 1.5") != title_numbers("Gemini 15")


@pytest.mark.parametrize(
    "title, markers",
    [
        ("Part II: Methods", ("part:2",)),
        ("Foundations, Vol. 3", ("volume:3",)),
        ("Rocky III", ("roman:3",)),
        ("The Second Workshop", ("ordinal:2",)),
        ("Deep Learning, 2nd Edition", ("ordinal:2", "edition:")),
        ("Mix of experts", ()),
    ],
)
def test_title_markers(title: str, markers: tuple[str, ...]) -> None:
    assert title_markers(title) == markers


def test_normalize_number_and_scripts() -> None:
    assert normalize_number("2nd") == normalize_number("Second") == normalize_number("II") == "2"
    assert is_unspaced_script("深度学习") and is_unspaced_script("ディープラーニング") and not is_unspaced_script("Глубокое обучение")
