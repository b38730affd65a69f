"""PubMed/MEDLINE (.nbib) reader: identifiers, names, journal titles, dates, continuation lines."""

from __future__ import annotations

import pytest

from bibgen.errors import InputError
from bibgen.model import EntryKind, Person
from bibgen.pipeline import Options
from bibgen.readers.medline import MedlineReader, expand_pages, parse_dp

RECORD = """PMID- 31452104
IS  - 1476-4687 (Electronic)
VI  - 572
IP  - 7771
DP  - 2019 Aug 12
TI  - Grandmaster level in StarCraft II using multi-agent reinforcement
      learning.
PG  - 350-4
LID - 10.1038/s41586-019-1724-z [doi]
FAU - Vinyals, Oriol
AU  - Vinyals O
CN  - DeepMind Team
FAU - Czarnecki, Wojciech M
AU  - Czarnecki WM
TA  - Nature
JT  - Nature (London)
MH  - Humans
MH  - *Video Games
OT  - reinforcement learning
PMC - PMC7000001
PT  - Journal Article
OWN - NLM
"""


def read(text: str, options: Options | None = None):
    return MedlineReader().read(text.encode("utf-8"), "x.nbib", options or Options())


def test_record_fields():
    [e] = read(RECORD)
    f = e.fields
    assert e.kind is EntryKind.ARTICLE
    assert f["title"] == "Grandmaster level in StarCraft II using multi-agent reinforcement learning"
    assert (f["pmid"], f["pmcid"], f["doi"]) == ("31452104", "PMC7000001", "10.1038/s41586-019-1724-z")
    assert (f["container"], f["shortjournal"]) == ("Nature (London)", "Nature")
    assert (f["year"], f["month"], f["day"]) == ("2019", "8", "12")
    assert (f["volume"], f["number"], f["pages"]) == ("572", "7771", "350\u2013354")
    assert f["keywords"] == "reinforcement learning; Humans; *Video Games"
    assert f["issn"] == "1476-4687 (Electronic)" and f["medline-own"] == "NLM"
    # Full names from FAU, the corporate author in its place.
    assert e.authors == (
        Person(family="Vinyals", given="Oriol"), Person(literal="DeepMind Team"),
        Person(family="Czarnecki", given="Wojciech M"),
    )


def test_au_initials_when_there_is_no_fau():
    [e] = read("PMID- 1\nTI  - t.\nAU  - Smith JA\nAU  - World Health Organization\n")
    assert e.authors == (Person(family="Smith", given="J. A."), Person(literal="World Health Organization"))


def test_aid_doi_wins_and_other_ids_are_kept():
    [e] = read("PMID- 1\nTI  - t\nAID - s123 [pii]\nAID - 10.1/x [doi]\nLID - e55 [pii]\n")
    assert e.get("doi") == "10.1/x" and e.get("medline-aid") == "s123 [pii]" and e.get("medline-lid") == "e55 [pii]"


@pytest.mark.parametrize(
    ("dp", "parts", "complete"),
    [("2019", {"year": "2019"}, True), ("2019 Nov", {"year": "2019", "month": "11"}, True),
     ("2019 Nov-Dec", {"year": "2019"}, False), ("2020 Spring", {"year": "2020"}, False)],
)
def test_dp(dp, parts, complete):
    assert parse_dp(dp) == (parts, complete)


def test_season_keeps_the_raw_date():
    [e] = read("PMID- 1\nTI  - t\nDP  - 2020 Spring\n")
    assert e.get("year") == "2020" and e.get("medline-dp") == "2020 Spring"


@pytest.mark.parametrize(("pg", "pages"), [("1123-9", "1123\u20131129"), ("350-354", "350\u2013354"),
                                           ("e0174203", "e0174203"), ("S12-9", "S12\u2013S19")])
def test_pages(pg, pages):
    assert expand_pages(pg) == pages


def test_book_chapter_and_preprint():
    chapter, preprint = read(
        "PMID- 1\nTI  - Cystic Fibrosis.\nBTI - GeneReviews(R)\nFED - Adam, Margaret P\nPT  - Book Chapter\n\n"
        "PMID- 2\nTI  - p\nPT  - Preprint\nJT  - bioRxiv\n"
    )
    assert chapter.kind is EntryKind.INCOLLECTION and chapter.get("container") == "GeneReviews(R)"
    assert chapter.people["editor"] == (Person(family="Adam", given="Margaret P"),)
    assert preprint.kind is EntryKind.PREPRINT


def test_garbage_is_one_located_error():
    with pytest.raises(InputError) as exc:
        read("PMID- 1\nTI  - t\nthis is not a tag line\n")
    assert str(exc.value).startswith("x.nbib:3:1: error: not MEDLINE")
