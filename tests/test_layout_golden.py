"""Golden files for every .bib layout option, through export and through tidy.

``tests/golden-layout/expected.<name>.bib`` is ``bibgen export`` of the
realistic corpus and the YAML corpus with that layout;
``expected.tidy.<name>.bib`` is ``bibgen tidy`` of ``messy.bib`` and the
realistic corpus. ``pytest --update-golden`` rewrites them for review.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bibgen.layout import Layout
from bibgen.pipeline import Options, export
from bibgen.tidy import tidy_text
from conftest import assert_golden

HERE = Path(__file__).parent
GOLDEN = HERE / "golden-layout"
SOURCES = [HERE / "data" / "bibout" / "realistic.bib", HERE / "data" / "corpus.yaml"]
TIDY_INPUTS = [GOLDEN / "messy.bib", HERE / "data" / "bibout" / "realistic.bib"]

LAYOUTS: dict[str, dict] = {
    "default": {},
    "omit": {"omit": ("abstract", "url", "keywords")},
    "only-fields": {"only_fields": ("author", "title", "year", "journal")},
    "field-order": {"field_order": ("year", "title", "author")},
    "sort-year-desc": {"sort": ("-year",)},
    "sort-author-year": {"sort": ("author", "-year")},
    "sort-type": {"sort": ("type", "-key")},
    "align": {"align": 14},
    "indent-tab": {"indent": "\t"},
    "quotes": {"quotes": True},
    "no-month-macros": {"month_macros": False},
    "wrap": {"wrap": 60},
    "abbreviate-journals": {"journals": "iso4"},
    "expand-journals": {"journals": "expand"},
    "protect-words": {"protect_case": "words"},
    "protect-none": {"protect_case": "none"},
    "no-trailing-comma": {"trailing_comma": False},
}


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_export_layout(name, update_golden):
    text = export(SOURCES, "bibtex", Options(layout=Layout(**LAYOUTS[name])))
    assert_golden(text, GOLDEN / f"expected.{name}.bib", update_golden)


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_tidy_layout(name, update_golden):
    layout = Layout(**{"sort": ("none",), **LAYOUTS[name]})
    text = "".join(f"%%%% {p.name}\n" + tidy_text(p.read_text(), str(p), layout) for p in TIDY_INPUTS)
    assert_golden(text, GOLDEN / f"expected.tidy.{name}.bib", update_golden)


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_tidy_is_idempotent(name):
    layout = Layout(**{"sort": ("none",), **LAYOUTS[name]})
    for p in TIDY_INPUTS:
        once = tidy_text(p.read_text(), str(p), layout)
        assert tidy_text(once, str(p), layout) == once


def test_every_layout_field_has_a_golden_case():
    from dataclasses import fields

    covered = {k for kw in LAYOUTS.values() for k in kw}
    assert {f.name for f in fields(Layout)} - covered == {"journal_names"}  # journal_names: unit-tested
