"""Two fields one writer would put under one name both survive (random round-trip runs found three).

BibTeX and biblatex spell some fields twice (journal/journaltitle,
school/institution, address/location, annote/annotation,
archiveprefix/eprinttype, primaryclass/eprintclass), and bibgen's model folds
several into one neutral field (container, publisher, eprinttype). A record
holding two spellings, with equal or different text, must come back from each
writer with both: for every entry type of the type table, every pair and triple
of one group is written by the BibTeX and the biblatex writer and read again.
Field names are compared up to the dialect's own spelling (``journaltitle`` is
BibTeX's ``journal``), which is the rename the writers are meant to make.
"""

from __future__ import annotations

import itertools

import pytest

from bibgen.pipeline import Options, normalize_entry
from bibgen.readers.bibtex import read_bibtex
from bibgen.mappings.types import BIBTEX_TO_BIBLATEX, ROWS
from bibgen.writers.biblatex import BiblatexWriter
from bibgen.writers.bibtex import BibtexWriter

GROUPS = (
    ("journal", "journaltitle", "booktitle", "howpublished"),
    ("publisher", "institution", "school", "organization"),
    ("address", "location"),
    ("annote", "annotation"),
    ("archiveprefix", "eprinttype"),
    ("primaryclass", "eprintclass"),
    ("year", "date", "month"),
    ("venue", "eventtitle"),
    ("type", "howpublished"),
)
# Values a field of that name can hold; "different" picks the second one.
VALUES = {
    "year": ("2001", "2001"), "date": ("2001", "2002-03"), "month": ("2", "4"),
    "eprinttype": ("arxiv", "jstor"), "archiveprefix": ("arXiv", "arXiv"),
}  # fmt: skip
BIB_TYPES = sorted({r.type for r in ROWS if r.dialect == "bib"})


def cases():  # type: ignore[no-untyped-def]
    for group in GROUPS:
        for size in (2, 3):
            for combo in itertools.combinations(group, size):
                for same in (True, False):
                    yield pytest.param(combo, same, id=f"{'+'.join(combo)}-{'same' if same else 'different'}")


def read(text: str):  # type: ignore[no-untyped-def]
    return [normalize_entry(e) for e in read_bibtex(text, "pairs.bib", Options())]


def fields(entries):  # type: ignore[no-untyped-def]
    return {e.key: {BIBTEX_TO_BIBLATEX.get(k, k): v for k, v in e.fields.items()} for e in entries}


def source(combo: tuple[str, ...], same: bool) -> str:
    out = []
    for t in BIB_TYPES:
        values = {"title": "T"}
        if "year" not in combo and "date" not in combo:
            values["year"] = "1999"
        for i, name in enumerate(combo):
            pair = VALUES.get(name)
            values[name] = (pair[0] if same else pair[1]) if pair else ("X" if same else f"X{i}")
        out.append(f"@{t}{{k-{t},\n" + ",\n".join(f"  {k} = {{{v}}}" for k, v in values.items()) + "\n}\n")
    return "\n".join(out)


@pytest.mark.parametrize("writer", [BibtexWriter(), BiblatexWriter()], ids=lambda w: w.name)
@pytest.mark.parametrize(("combo", "same"), list(cases()))
def test_every_spelling_of_a_field_survives_each_writer(writer, combo, same):  # type: ignore[no-untyped-def]
    first = read(source(combo, same))
    again = read(writer.write(first, Options()))
    before, after = fields(first), fields(again)
    lost = {k: (before[k], after.get(k)) for k in before if before[k] != after.get(k)}
    assert not lost, lost


def test_a_preprint_without_an_arxiv_identifier_gets_no_archiveprefix():
    """A bioRxiv preprint (no eprint) is not said to be on arXiv (the medline golden case had it)."""
    (entry,) = read("@preprint{k, title = {T}, doi = {10.1101/2023.01.04.522222}, year = 2023}")
    assert "archiveprefix" not in BibtexWriter().write([entry], Options())


def test_a_jstor_eprint_keeps_its_type_in_bibtex():
    (entry,) = read("@article{k, title = {T}, eprint = {123}, eprinttype = {jstor}, eprintclass = {C}, year = 2000}")
    (again,) = read(BibtexWriter().write([entry], Options()))
    assert (again.get("eprinttype"), again.get("eprintclass")) == ("jstor", "C")
