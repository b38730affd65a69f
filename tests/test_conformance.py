"""Every registered plugin honours its contract (STYLE.md: a plugin that breaks it fails here)."""

from __future__ import annotations

import random

import pytest

from bibgen.model import Entry
from bibgen.pipeline import Options, process, read
from bibgen.registry import Reader, Writer, readers, writers
from conftest import SEEDS


@pytest.fixture(scope="module")
def seed_entries() -> list[Entry]:
    return list(process(read([SEEDS]), Options()).entries)


@pytest.mark.parametrize("name", readers.names())
def test_reader_contract(name):
    reader = readers.get(name)
    assert isinstance(reader, Reader)
    assert reader.name == name
    assert reader.suffixes and all(s.startswith(".") and s == s.lower() for s in reader.suffixes)


@pytest.mark.parametrize("name", writers.names())
def test_writer_contract(name, seed_entries):
    writer = writers.get(name)
    assert isinstance(writer, Writer)
    assert writer.name == name
    text = writer.write(list(seed_entries), Options())
    assert isinstance(text, str) and text.endswith("\n")
    shuffled = list(seed_entries)
    random.Random(7).shuffle(shuffled)
    assert writer.write(shuffled, Options()) == text, "output must not depend on entry order"
    for e in seed_entries:
        assert e.key in text, f"{name} output lacks key {e.key}"


@pytest.mark.parametrize("name", writers.names())
def test_writer_output_reads_back_when_a_reader_claims_its_suffix(name, seed_entries, tmp_path):
    writer = writers.get(name)
    reader = next((readers.get(r) for r in readers.names() if set(readers.get(r).suffixes) & set(writer.suffixes)), None)
    if name == "biblatex":
        reader = readers.get("bibtex")  # biblatex files are .bib too; -o x.bib means bibtex, so it claims no suffix
    if reader is None or name in ("text", "markdown", "html"):
        pytest.skip(f"no reader reads {name} output")
    text = writer.write(list(seed_entries), Options())
    back = reader.read(text.encode("utf-8"), f"out{(writer.suffixes or reader.suffixes)[0]}", Options())
    assert sorted(e.key for e in back) == sorted(e.key for e in seed_entries)
    assert sorted(e.title for e in back) == sorted(e.title for e in seed_entries)
