"""arXiv identifiers (bibgen.preprint) and journal names (bibgen.journals)."""

from __future__ import annotations

import pytest

from bibgen.journals import abbreviate, expand
from bibgen.preprint import arxiv_url, arxiv_year_month


@pytest.mark.parametrize(
    ("eprint", "expected"),
    [
        ("1512.03385", ("2015", "12")),
        ("2403.05530v3", ("2024", "3")),
        ("arXiv:1706.03762", ("2017", "6")),
        ("hep-th/9901001", ("1999", "1")),
        ("math.GT/0309136", ("2003", "9")),
        ("0703.1234", ("", "")),  # before April 2007 there were no new-style ids
        ("1513.00001", ("", "")),
        ("10.1000/xyz", ("", "")),
    ],
)
def test_year_and_month_from_the_identifier(eprint, expected):
    assert arxiv_year_month(eprint) == expected


def test_abstract_page_url():
    assert arxiv_url("arXiv:1512.03385") == "https://arxiv.org/abs/1512.03385"


def test_iso4_abbreviation_and_back():
    pytest.importorskip("pyiso4")
    assert abbreviate("Journal of Machine Learning Research") == "J. Mach. Learn. Res."
    assert abbreviate("Proceedings of the National Academy of Sciences") == "Proc. Natl. Acad. Sci."
    assert abbreviate("Nature") == "Nature"
    assert abbreviate("J. Mach. Learn. Res.") == "J. Mach. Learn. Res."  # twice changes nothing
    assert expand("J. Mach. Learn. Res.") == "Journal of Machine Learning Research"
    assert expand("J Mach Learn Res") == "Journal of Machine Learning Research"
    assert expand("Unknown J.") == "Unknown J."
    assert expand("Ann. Phys.", ("Annalen der Physik",)) == "Annalen der Physik"
