"""bibgen tidy keeps every value: the entries read back are the entries read before, under any layout."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bibgen.layout import Layout
from bibgen.pipeline import Options, normalize_entry
from bibgen.readers.bibtex import read_bibtex
from bibgen.tidy import tidy_text
from bibgen.writers.bibtex import BibtexWriter
from properties.test_format_roundtrip import entries

layouts = st.builds(
    Layout,
    omit=st.just(()),
    field_order=st.sampled_from([(), ("year", "title"), ("abstract",)]),
    sort=st.sampled_from([("none",), ("key",), ("-year", "author"), ("type",)]),
    align=st.sampled_from([0, 14]),
    indent=st.sampled_from(["  ", "\t"]),
    quotes=st.booleans(),
    month_macros=st.booleans(),
    wrap=st.sampled_from([0, 40]),
    trailing_comma=st.booleans(),
)


def _read(text: str) -> list:  # type: ignore[type-arg]
    return sorted(
        # normalize_entry: what every read does next (a wrapped line break is a space)
        ((e.key, e.kind, dict(e.fields), e.people, e.partial) for e in map(normalize_entry, read_bibtex(text, "x.bib", Options()))),
        key=lambda t: t[0],
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=st.lists(entries(), min_size=1, max_size=4, unique_by=lambda e: e.key), layout=layouts)
def test_tidy_keeps_every_value_and_is_idempotent(batch, layout):
    text = "% a comment\n@string{jmlr = {Journal of ML}}\n" + BibtexWriter().write(batch, Options())
    tidy = tidy_text(text, "x.bib", layout)
    assert _read(tidy) == _read(text)
    assert tidy_text(tidy, "x.bib", layout) == tidy
    assert "% a comment" in tidy and "@string{jmlr = {Journal of ML}}" in tidy
