"""Every registered plugin honours its contract (STYLE.md: a plugin that breaks it fails here)."""

from __future__ import annotations

import random

import pytest

from bibgen.model import Entry
from bibgen.pipeline import Options, process, read
from bibgen.readers import choose_reader
from bibgen.registry import Reader, Writer, readers, renderers, styles, writers
from bibgen.style.nodes import Reference, Renderer, Style
from bibgen.writers.references import format_references
from conftest import SEEDS

REFERENCE_LISTS = ("text", "markdown")


@pytest.fixture(scope="module")
def seed_entries() -> list[Entry]:
    return list(process(read([SEEDS]), Options()).entries)


@pytest.mark.parametrize("name", readers.names())
def test_reader_contract(name):
    reader = readers.get(name)
    assert isinstance(reader, Reader)
    assert reader.name == name
    assert reader.suffixes and all(s.startswith(".") and s == s.lower() for s in reader.suffixes)
    if callable(getattr(reader, "sniff", None)):
        assert reader.sniff(b"") is False, "an empty file is no format's"


@pytest.mark.parametrize("name", readers.names())
def test_every_suffix_has_one_default_reader(name):
    # Several readers may claim a suffix (.yml) only if all but one recognise their content.
    for suffix in readers.get(name).suffixes:
        claiming = [r for r in readers.all() if suffix in r.suffixes]
        defaults = [r for r in claiming if not callable(getattr(r, "sniff", None))]
        assert len(claiming) == 1 or len(defaults) == 1, f"{suffix}: {[r.name for r in claiming]}"


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
    if name in REFERENCE_LISTS:
        # Formatted references show no keys (the html page does): one reference per entry instead.
        refs = format_references(list(seed_entries), Options())
        assert sorted(r.key for r in refs) == sorted(e.key for e in seed_entries)
        return
    for e in seed_entries:
        assert e.key in text, f"{name} output lacks key {e.key}"


@pytest.mark.parametrize("name", writers.names())
def test_writer_output_reads_back_when_a_reader_claims_its_suffix(name, seed_entries, tmp_path):
    writer = writers.get(name)
    text = writer.write(list(seed_entries), Options())
    # The reader bibgen itself would pick for a file of this format: same name, else suffix and content.
    reader = readers.get(name) if name in readers.names() else None
    if reader is None and writer.suffixes:
        reader = choose_reader(writer.suffixes[0], text.encode("utf-8"))
    if name == "biblatex":
        reader = readers.get("bibtex")  # biblatex files are .bib too; -o x.bib means bibtex, so it claims no suffix
    if reader is None or name in ("text", "markdown", "html"):
        pytest.skip(f"no reader reads {name} output")
    if name in readers.names() and writer.suffixes:
        assert choose_reader(writer.suffixes[0], text.encode("utf-8")) is reader, "detection picks the format's reader"
    back = reader.read(text.encode("utf-8"), f"out{(writer.suffixes or reader.suffixes)[0]}", Options())
    if name in readers.names():
        assert writer.write(back, Options()) == text, f"{name}: read back and written again must be unchanged"
    assert sorted(e.key for e in back) == sorted(e.key for e in seed_entries)
    assert sorted(e.title for e in back) == sorted(e.title for e in seed_entries)


def style_names() -> list[str]:
    """Registered styles, plus the standard CSL short list when the CSL processor is installed."""
    from bibgen.style.cslbridge import engine_available
    from bibgen.style.cslfiles import STANDARD, standard_dir

    names = list(styles.names())
    if engine_available() and standard_dir() is not None:
        names += [n for n in STANDARD if n not in names]
    return names


@pytest.mark.parametrize("name", styles.names())
def test_style_contract(name):
    style = styles.get(name)
    assert isinstance(style, Style)
    assert style.name == name


@pytest.mark.parametrize("name", renderers.names())
def test_renderer_contract(name):
    renderer = renderers.get(name)
    assert isinstance(renderer, Renderer)
    assert renderer.name == name
    assert renderer.render([], Options()) in ("", "\n") or renderer.render([], Options()).endswith("\n")


@pytest.mark.parametrize("renderer_name", renderers.names())
@pytest.mark.parametrize("style_name", style_names())
def test_style_renderer_pair_formats_a_seed(style_name, renderer_name, seed_entries):
    from bibgen.style.lookup import find_style

    style = find_style(style_name)
    one = sorted(seed_entries, key=lambda e: e.key)[:1]
    refs = style.format(one)
    assert len(refs) == 1 and isinstance(refs[0], Reference)
    assert refs[0].key == one[0].key and refs[0].entry is one[0]
    text = renderers.get(renderer_name).render(refs, Options())
    assert isinstance(text, str) and text.endswith("\n") and text.strip()
    assert renderers.get(renderer_name).render(style.format(one), Options()) == text, "rendering must be deterministic"
