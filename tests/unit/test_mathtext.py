"""Inline TeX math as Unicode for formatted references and CSL-JSON (bibgen.mathtext)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bibgen.mathtext import convert_math, math_to_text


@pytest.mark.parametrize(
    ("tex", "text"),
    [
        (r"\alpha", "α"),
        (r"O(n \log n)", "O(n log n)"),
        (r"\log(n)", "log(n)"),
        (r"\tilde{O}(\sqrt{T})", "Õ(√(T))"),
        (r"x^2", "x²"),
        (r"x_{i}^{2}", "xᵢ²"),
        (r"10^{-3}", "10⁻³"),
        (r"\mathbb{R}^n", "ℝⁿ"),
        (r"\mathrm{H}_2\mathrm{O}", "H₂O"),
        (r"{\rm GaN}", "GaN"),
        (r"a \cdot b", "a · b"),
        (r"p \le 0.05", "p ≤ 0.05"),
        (r"\ell_1", "ℓ₁"),
        (r"k\text{-NN}", "k-NN"),
        (r"A^T", "Aᵀ"),
        (r"\frac{1}{2}", "1/2"),
    ],
)
def test_math_with_a_faithful_unicode_form(tex: str, text: str) -> None:
    assert convert_math(tex) == text


@pytest.mark.parametrize(
    "tex",
    [
        r"\unknowncmd{x}",  # a command pylatexenc does not know: never silently dropped
        r"\left( x \right)",
        r"x^{\text{th}}",  # no Unicode superscript for it
        r"2^{O(\log n)}",
        r"\input{/etc/passwd}",
        r"a & b",
        r"\begin{matrix}1\end{matrix}",
    ],
)
def test_math_without_one_stays_tex(tex: str) -> None:
    assert convert_math(tex) is None


def test_values_keep_the_math_they_cannot_convert() -> None:
    got = math_to_text(r"The $\alpha$-synuclein, $2^{O(\log n)}$ and $\foo{x}$ at $O(n \log n)$ cost")
    assert got.text == r"The α-synuclein, $2^{O(\log n)}$ and $\foo{x}$ at O(n log n) cost"
    assert got.kept == (r"$2^{O(\log n)}$",)  # $\foo{x}$ is not math to bibgen: an unknown command
    assert math_to_text("no math: it costs 5$").text == "no math: it costs 5$"


@given(st.lists(st.sampled_from(list("ab $\\{}^_x12 ") + ["\\alpha", "\\log", "\\frac", "\\foo"]), max_size=30).map("".join))
def test_conversion_never_fails_and_never_leaves_half_converted_tex(text: str) -> None:
    got = math_to_text(text)
    if "$" not in text:
        assert got.text == text
    for kept in got.kept:
        assert kept in got.text  # what is not converted is kept verbatim
