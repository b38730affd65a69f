"""Issue 21: long values nothing matches on (abstract, note, ...) are decoded only when an output needs their text.

A .bib read and written back as BibTeX never decodes them (their source form
is written); every other way of reading a value gives exactly the text the
eager decoder gives.
"""

from __future__ import annotations

import json
import pickle

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bibgen import pipeline
from bibgen.model import Fields, Pending
from bibgen.readers import bibtex as reader
from bibgen.readers.bibtex import LAZY_FIELDS, decode_braced, decode_text, read_bibtex
from bibgen.writers.bibtex import BibtexWriter
from bibgen.writers.csljson import CslJsonWriter

ABSTRACT = (
    r"We show a regret of $\tilde{O}(\sqrt{T})$ for 50\% of the arms, using Poincar{\'e} maps "
    r"and the {\"U}ber-{\em heuristic} of M{\o}ller \& Sch{\"o}n -- no tuning~needed."
)
BIB = f"""@article{{k1,
  title = {{A Title}},
  author = {{Doe, Jane}},
  year = {{2020}},
  abstract = {{{ABSTRACT}}},
  note = {{Short note}},
}}
"""


def _read(text: str = BIB) -> list:
    return read_bibtex(text, "t.bib", pipeline.Options())


def test_a_long_abstract_is_kept_undecoded_and_decodes_to_the_eager_text() -> None:
    (entry,) = _read()
    stored = entry.fields.stored("abstract")
    assert type(stored) is Pending
    assert entry.fields.stored("note") == "Short note"  # short: decoded at once
    eager = decode_text(ABSTRACT)
    assert "Õ" not in eager and "Poincaré" in eager and "50%" in eager  # (really decoded)
    assert entry.fields["abstract"] == eager
    assert entry.fields.stored("abstract") == eager and type(entry.fields.stored("abstract")) is str


def test_every_way_of_reading_a_value_gives_its_text() -> None:
    for read_it in (
        lambda f: f["abstract"],
        lambda f: f.get("abstract"),
        lambda f: dict(f.items())["abstract"],
        lambda f: list(f.values())[0],
        lambda f: dict(f)["abstract"],
    ):
        (entry,) = _read()
        assert read_it(entry.fields) == decode_text(ABSTRACT)


def test_equality_and_hash_are_those_of_the_text() -> None:
    (entry,) = _read()
    eager = Fields({k: decode_text(ABSTRACT) if k == "abstract" else v for k, v in entry.fields.stored_items()})
    lazy = _read()[0].fields
    assert type(lazy.stored("abstract")) is Pending
    assert lazy == eager and hash(lazy) == hash(eager)


def test_bibtex_round_trip_never_decodes_the_abstract(monkeypatch: pytest.MonkeyPatch) -> None:
    entries, more = _read(), _read()

    def refuse(text: str) -> str:
        raise AssertionError("decoded")

    monkeypatch.setattr(reader, "decode_latex", refuse)
    out = BibtexWriter().write(entries, pipeline.Options())
    assert "abstract = {" + ABSTRACT + "}" in out
    with pytest.raises(AssertionError, match="decoded"):
        CslJsonWriter().write(more, pipeline.Options())  # CSL-JSON needs the text: it is decoded then


def test_csl_json_has_the_decoded_text() -> None:
    (item,) = json.loads(CslJsonWriter().write(_read(), pipeline.Options()))
    assert item["abstract"] == decode_text(ABSTRACT)


def test_a_pickled_entry_keeps_its_value_and_its_source_as_one() -> None:
    (entry,) = pickle.loads(pickle.dumps(_read(), pickle.HIGHEST_PROTOCOL))
    stored = entry.fields.stored("abstract")
    assert type(stored) is Pending and stored is entry.source.get("abstract").text
    assert entry.fields["abstract"] == decode_text(ABSTRACT)
    assert "abstract = {" + ABSTRACT + "}" in BibtexWriter().write(_read(), pipeline.Options())


def test_a_value_that_decodes_to_nothing_is_kept_as_written() -> None:
    # \vspace{...} has words, but no text once decoded: the value stays what the input said.
    value = r"\vspace{ one two three four five six seven eight nine ten eleven twelve}"
    (entry,) = _read("@misc{k, title = {T}, abstract = {" + value + "}}")
    assert type(entry.fields.stored("abstract")) is Pending
    assert entry.fields.get("abstract") == value and dict(entry.fields)["abstract"] == value
    assert "abstract = {" + value + "}" in BibtexWriter().write([entry], pipeline.Options())
    # A Fields value that decodes to nothing at all is no value (the Fields rule for empty values).
    empty = Fields(abstract=Pending("x", lambda raw: ""), title="T")
    assert empty.get("abstract") is None and "abstract" not in dict(empty.items())
    with pytest.raises(KeyError):
        Fields(abstract=Pending("x", lambda raw: ""))["abstract"]


def test_a_changed_value_is_written_from_its_text() -> None:
    (entry,) = _read()
    changed = entry.replace(fields=entry.fields.set(abstract="Plain & new, 100%"))
    out = BibtexWriter().write([changed], pipeline.Options())
    assert r"abstract = {Plain \& new, 100\%}" in out


def test_ascii_output_of_an_undecoded_non_ascii_source_is_written_from_its_text() -> None:
    text = "Caf\u00e9 society and the " + "long " * 12 + r"$\alpha$ phase."
    (entry,) = _read("@misc{k, title = {T}, abstract = {" + text + "}}")
    assert type(entry.fields.stored("abstract")) is Pending
    options = pipeline.Options()
    options.ascii = True
    out = BibtexWriter().write([entry], options)
    assert "Caf{\\'{e}} society" in out and out.isascii()
    (decoded,) = _read("@misc{k, title = {T}, abstract = {" + text + "}}")
    assert decoded.fields["abstract"].startswith("Café")  # decoded before it is written: the same output
    assert BibtexWriter().write([decoded], options) == out


_PIECES = st.sampled_from(
    ["word ", "Two words ", r"\% ", r"{\'e}", "$x^2$ ", r"\& ", "--", "~", r"\emph{it} ", "{Braced} ", "ä", r"\o ", "\n", "  "]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=40).map("".join), st.sampled_from(sorted(LAZY_FIELDS)))
@example(r"a$\sqrt{b}$ " * 8, "abstract")
@example("x" * 70, "note")
def test_a_lazy_value_reads_as_the_eager_reader_read_it(value: str, name: str) -> None:
    text = "@misc{k, title = {T}, " + name + " = {" + value + "}}"
    (entry,) = _read(text)
    # The eager reader: the same value in a field that is never lazy (and not renamed).
    (plain,) = _read("@misc{k, title = {T}, howpublished = {" + value + "}}")
    assert entry.fields.get(name) == plain.fields.get("howpublished")
    assert (name in dict(entry.fields.items())) == ("howpublished" in plain.fields)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_PIECES, min_size=1, max_size=12).map("".join), min_size=2, max_size=6))
def test_order_keys_compare_like_the_decoded_text(values: list[str]) -> None:
    """Sort keys built from stored_items() order entries as keys built from items() would."""
    values = ["w " + v for v in values]  # (never empty once decoded, as the reader ensures)
    lazy = [Fields(abstract=Pending("{" + v + "}", decode_braced), title="T") for v in values]
    eager = [Fields(abstract=decode_braced("{" + v + "}"), title="T") for v in values]
    by_lazy = sorted(range(len(values)), key=lambda i: (tuple(lazy[i].stored_items()), i))
    by_eager = sorted(range(len(values)), key=lambda i: (tuple(eager[i].items()), i))
    assert by_lazy == by_eager
    for i in range(len(values)):
        for j in range(len(values)):
            assert (tuple(lazy[i].stored_items()) == tuple(lazy[j].stored_items())) == (eager[i] == eager[j])
