"""Every registered reader: arbitrary bytes and mutated valid inputs give entries or a
BibgenError with a location, never another exception and never a hang.

The deadline turns a hang into a failure. A longer, coverage-guided run is
``python bench/fuzz.py --seconds 600`` (atheris).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bibgen.errors import BibgenError
from bibgen.model import Entry
from bibgen.pipeline import Options
from bibgen.registry import readers
from mutation import mutate

CORPUS = Path(__file__).resolve().parent.parent / "data" / "fuzz"
SAMPLES = {p.suffix: p.read_bytes() for p in sorted(CORPUS.iterdir())}


def check(name: str, data: bytes) -> None:
    reader = readers.get(name)
    try:
        out = reader.read(data, "fuzz" + (reader.suffixes[0] if reader.suffixes else ""), Options())
    except BibgenError as exc:
        assert exc.origin is not None and exc.origin.line >= 1, f"error without location: {exc!r}"
        return
    assert isinstance(out, list) and all(isinstance(e, Entry) for e in out)


FUZZ = settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.mark.parametrize("name", readers.names())
@FUZZ
@given(data=st.binary(max_size=2000))
def test_arbitrary_bytes(name, data):
    check(name, data)


@pytest.mark.parametrize("name", readers.names())
@FUZZ
@given(ops=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 1 << 20), st.integers(0, 255)), max_size=12))
@example(ops=[(0, 30, 65)])  # found by a random run: EndNote XML declaring encoding="ATF-8" raised LookupError
def test_mutated_valid_input(name, ops):
    reader = readers.get(name)
    sample = next((SAMPLES[s] for s in reader.suffixes if s in SAMPLES), None)
    if sample is None:
        pytest.skip(f"no fuzz sample for {name} in tests/data/fuzz")
    check(name, mutate(sample, ops))


@pytest.mark.parametrize("name", readers.names())
@FUZZ
@given(text=st.text(max_size=500))
def test_arbitrary_text(name, text):
    check(name, text.encode("utf-8", "surrogatepass"))
