"""Fuzz every reader *and* every writer from a corpus of the issue-20 attacks.

``tests/data/security/`` holds one input per reader with the attacks of the
issue (key/id/alias/field-name injection, bidi controls, a small @string
doubling, crossref cycles). Mutations of them go through the real boundary
(:func:`bibgen.pipeline.read_file`), the pipeline and every registered
writer: the run ends in a located BibgenError or in outputs whose BibTeX
parses into exactly the model's entries; never another exception.
"""

from __future__ import annotations

from pathlib import Path

import bibtexparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bibgen.errors import BibgenError
from bibgen.pipeline import Options, process, read_file, render
from bibgen.registry import writers
from mutation import mutate

CORPUS = Path(__file__).resolve().parent.parent / "data" / "security"
FILES = sorted(CORPUS.iterdir())
# Formatted references need a style: plain (pybtex) is always there and fast.
WRITERS = [n for n in writers.names()]


def run_all(tmp: Path, name: str, data: bytes) -> None:
    src = tmp / name
    src.write_bytes(data)
    options = Options(style="plain")
    try:
        entries = list(process(read_file(src, options), options).entries)
        outputs = {fmt: render(entries, fmt, options) for fmt in WRITERS}
    except BibgenError as exc:
        assert exc.origin is not None or "stdout" in exc.message, repr(exc)
        return
    for fmt in ("bibtex", "biblatex"):
        lib = bibtexparser.parse_string(outputs[fmt], parse_stack=[])
        assert not lib.failed_blocks and not lib.strings and not lib.preambles, outputs[fmt]
        assert sorted(e.key for e in lib.entries) == sorted(e.key for e in entries)
    if "html" in outputs:
        assert outputs["html"].count("<script") == 1  # the page's own; data never adds one


def test_corpus_itself(tmp_path):
    for path in FILES:
        run_all(tmp_path, path.name, path.read_bytes())


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(ops=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 1 << 16), st.integers(0, 255)), max_size=6))
def test_mutated_corpus_through_every_reader_and_writer(path, ops, tmp_path_factory):
    run_all(tmp_path_factory.mktemp("f"), path.name, mutate(path.read_bytes(), ops, cut=16, repeat=4, copy=32))
