"""Arbitrary Unicode titles and abstracts give a .bib that parses back to the same text."""

from __future__ import annotations

import random

import bibtexparser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pybtex.database import parse_string

from bibgen.latex import decode
from bibgen.model import Entry, EntryKind, Fields, Origin, Person
from bibgen.normalize import clean_text
from bibgen.pipeline import Options, export, process
from bibgen.writers.bibtex import BibtexWriter

# Every character class, including LaTeX specials, controls, surrogates excluded.
text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=80
).map(clean_text).filter(bool)
specials = st.text(alphabet=list("\\{}%&#_$~^<>|-'`!?,. aZ9éØ$"), min_size=1, max_size=40).map(clean_text).filter(bool)
any_text = st.one_of(text, specials)


def write_one(title: str, abstract: str, ascii: bool) -> str:
    entry = Entry(
        kind=EntryKind.PREPRINT,
        fields=Fields(title=title, abstract=abstract, eprinttype="arxiv", eprintclass="cs.AI"),
        people={"author": (Person(family="Doe", given="Jane"),)},
        origin=Origin("x.txt", 1, 1),
        key="doe",
        partial=frozenset({"author"}),
    )
    return BibtexWriter().write([entry], Options(ascii=ascii))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(title=any_text, abstract=any_text, ascii=st.booleans())
def test_bibtexparser_reads_back_same_text(title, abstract, ascii):
    bib = write_one(title, abstract, ascii)
    library = bibtexparser.parse_string(bib)
    assert not library.failed_blocks
    [entry] = library.entries
    assert clean_text(decode(entry["title"])) == title or ascii
    assert clean_text(decode(entry["abstract"])) == abstract or ascii
    if not ascii:
        assert clean_text(decode(entry["title"])) == title
        assert clean_text(decode(entry["abstract"])) == abstract


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(title=any_text, abstract=any_text)
def test_pybtex_reads_back_same_text(title, abstract):
    bib = write_one(title, abstract, ascii=False)
    data = parse_string(bib, "bibtex")
    entry = data.entries["doe"]
    assert clean_text(decode(entry.fields["title"])) == title
    assert clean_text(decode(entry.fields["abstract"])) == abstract
    assert [str(p) for p in entry.persons["author"]] == ["Doe, Jane", "others"]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_output_does_not_depend_on_input_order(seed, tmp_path_factory):
    from conftest import SEEDS

    files = sorted(SEEDS.iterdir())
    shuffled = files[:]
    random.Random(seed).shuffle(shuffled)
    assert export(shuffled, "bibtex") == export(files, "bibtex")
    # Record order inside the pipeline does not matter either.
    opts = Options()
    from bibgen.pipeline import read

    entries = read(files, opts)
    again = entries[:]
    random.Random(seed).shuffle(again)
    assert [e.key for e in process(again, Options()).entries] == [e.key for e in process(entries, Options()).entries]
