"""Every writer's output reads back through its reader to the same entries, and rewrites unchanged.

Generated entries cover what the formats can represent: every kind, split and
corporate names, particles and suffixes, partial author lists, dates, pages,
identifiers and free text with LaTeX and markup specials. CSL-JSON output is
also validated against the official CSL-JSON schema.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bibgen.model import Entry, EntryKind, Fields, Origin, Person
from bibgen.normalize import clean_text
from bibgen.pipeline import Options, normalize_entry
from bibgen.registry import readers, writers

SCHEMA = Path(__file__).resolve().parents[2] / "src" / "bibgen" / "data" / "csl-data.json"
FORMATS = {"bibtex": "bibtex", "csl-json": "csl-json", "yaml": "yaml", "ris": "ris", "hayagriva": "hayagriva"}  # writer -> reader

letters = st.text(alphabet=st.characters(categories=("Lu", "Ll", "Lo")), min_size=1, max_size=10)
word = st.one_of(letters, st.sampled_from(["WaveNet", "BYOL", "Gemma3-4B", "Ørsted", "Łódź", "Straße", "x86", "中文"]))
punct = st.sampled_from([" ", " ", " ", ": ", ", ", " & ", " 50% ", " #1 ", " a_b ", " {x} ", " ~ ", " <c> ", " a<b ", " — ", " \\emph "])
phrase = st.lists(st.tuples(word, punct), min_size=1, max_size=8).map(lambda ws: clean_text("".join(a + b for a, b in ws)))
name_part = st.one_of(letters, st.sampled_from(["Jean-Paul", "Min-jun", "O'Brien", "Müller-Schmied", "Ngũgĩ"]))
# Corporate names have several words: a one-word BibTeX name is a family name either way.
person = st.one_of(
    st.builds(Person, family=name_part, given=name_part),
    st.builds(Person, family=name_part, given=name_part, particle=st.sampled_from(["van den", "de la", "von"])),
    st.builds(Person, family=name_part, given=name_part, suffix=st.sampled_from(["Jr.", "III"])),
    st.builds(Person, literal=st.sampled_from(["World Health Organization", "Google DeepMind", "The Gemini Team"])),
)
year = st.integers(1900, 2030).map(str)


@st.composite
def entries(draw) -> Entry:  # type: ignore[no-untyped-def]
    kind = draw(st.sampled_from([k for k in EntryKind if k is not EntryKind.ONLINE]))
    fields = {"title": draw(phrase), "year": draw(year)}
    if draw(st.booleans()):
        fields["month"] = str(draw(st.integers(1, 12)))
    if kind in (EntryKind.ARTICLE, EntryKind.INPROCEEDINGS, EntryKind.INCOLLECTION):
        fields["container"] = draw(phrase)
        fields["pages"] = draw(st.sampled_from(["1–10", "101", "e1234"]))
        fields["volume"] = str(draw(st.integers(1, 99)))
    if kind in (EntryKind.BOOK, EntryKind.REPORT, EntryKind.THESIS):
        fields["publisher"] = draw(phrase)
    if kind is EntryKind.PREPRINT:
        fields.update(eprint=draw(st.sampled_from(["2403.05530", "1609.03499"])), eprinttype="arxiv", eprintclass="cs.LG")
    if draw(st.booleans()):
        fields["doi"] = "10.1000/" + draw(st.sampled_from(["abc.123", "x_y", "Z-9"]))
    if draw(st.booleans()):
        fields["abstract"] = draw(phrase)
    authors = tuple(draw(st.lists(person, min_size=1, max_size=4, unique=True)))
    partial = frozenset({"author"}) if draw(st.booleans()) else frozenset()
    return Entry(kind, Fields(fields), {"author": authors}, Origin("gen", 1, 1), key="k" + draw(st.integers(0, 10**6)).__str__(), partial=partial)


def roundtrip(fmt: str, entry: Entry) -> tuple[str, list[Entry], str]:
    options = Options()
    text = writers.get(fmt).write([entry], options)
    back = [normalize_entry(e) for e in readers.get(FORMATS[fmt]).read(text.encode("utf-8"), f"x.{fmt}", options)]
    assert not [d for d in options.diagnostics.items if d.severity.value == "warning"], options.diagnostics.items
    return text, back, writers.get(fmt).write(back, Options())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entry=entries(), fmt=st.sampled_from(sorted(FORMATS)))
def test_write_read_write_is_stable(entry: Entry, fmt: str) -> None:
    entry = normalize_entry(entry)  # what every reader hands the pipeline: NFC, single spaces
    text, back, again = roundtrip(fmt, entry)
    assert again == text
    [e] = back
    assert e.key == entry.key
    assert e.title == entry.title
    assert e.authors == entry.authors
    assert ("author" in e.partial) == ("author" in entry.partial)
    for name in ("year", "doi", "abstract", "container", "pages", "volume", "publisher", "eprint"):
        assert e.get(name) == entry.get(name), name


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=st.lists(entries(), min_size=1, max_size=5, unique_by=lambda e: e.key))
def test_csl_json_output_is_valid_against_the_schema(batch: list[Entry]) -> None:
    items = json.loads(writers.get("csl-json").write(batch, Options()))
    jsonschema.validate(items, json.loads(SCHEMA.read_text(encoding="utf-8")))
    assert sorted(it["id"] for it in items) == sorted(e.key for e in batch)
