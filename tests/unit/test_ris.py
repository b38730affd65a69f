"""RIS reader and writer: tags, variants of the exporting programs, errors with file:line."""

from __future__ import annotations

import pytest

from bibgen.errors import InputError
from bibgen.model import EntryKind, Person
from bibgen.pipeline import Options
from bibgen.readers.ris import RisReader, parse_ris_date
from bibgen.writers.ris import RisWriter


def read(text: str, options: Options | None = None):
    return RisReader().read(text.encode("utf-8"), "x.ris", options or Options())


def test_zotero_journal_article_maps_every_tag():
    [e] = read(
        "TY  - JOUR\nTI  - A title\nAU  - Doe, Jane\nAU  - van den Oord, Aäron\nT2  - Journal of Things\n"
        "J2  - J. Things\nPY  - 2019\nDA  - 2019/05/12/\nVL  - 3\nIS  - 2\nSP  - 10\nEP  - 20\n"
        "DO  - 10.1000/xyz\nUR  - https://example.org/a\nKW  - one\nKW  - two\nAB  - Abstract.\n"
        "SN  - 1234-5678\nPB  - Pub\nCY  - Paris\nL1  - files/a.pdf\nL1  - files/b.pdf\nER  - \n"
    )
    assert e.kind is EntryKind.ARTICLE
    assert e.authors == (Person(family="Doe", given="Jane"), Person(family="Oord", given="Aäron", particle="van den"))
    f = e.fields
    assert (f["title"], f["container"], f["shortjournal"]) == ("A title", "Journal of Things", "J. Things")
    assert (f["year"], f["month"], f["day"]) == ("2019", "5", "12")
    assert (f["volume"], f["number"], f["pages"], f["doi"]) == ("3", "2", "10\u201320", "10.1000/xyz")
    assert f["keywords"] == "one; two" and f["abstract"] == "Abstract." and f["issn"] == "1234-5678"
    assert (f["publisher"], f["address"], f["file"]) == ("Pub", "Paris", "files/a.pdf; files/b.pdf")
    assert "ris-ty" not in f


def test_crlf_bom_and_continuation_lines():
    data = "\ufeffTY  - JOUR\r\nTI  - Long\r\n  title\r\nAB  - Line one\r\nline two\r\nER  - \n".encode()
    [e] = RisReader().read(data, "x.ris", Options())
    assert e.title == "Long title"
    assert e.get("abstract") == "Line one line two"


def test_endnote_and_mendeley_variants():
    # EndNote: A1/T1/JF/Y1 with the old slashed date, SP holding the range, M3 the DOI.
    [e] = read("TY  - JOUR\nA1  - Roe, R.\nT1  - Old tags\nJF  - Full Journal\nJA  - Full J\nY1  - 2001/02/03/\n"
               "SP  - 5-9\nM3  - 10.1000/m3\nN2  - From N2\nER  -\n")
    assert e.authors == (Person(family="Roe", given="R."),)
    assert (e.title, e.get("container"), e.get("shortjournal")) == ("Old tags", "Full Journal", "Full J")
    assert (e.get("year"), e.get("month"), e.get("day"), e.get("pages")) == ("2001", "2", "3", "5\u20139")
    assert e.get("doi") == "10.1000/m3" and e.get("abstract") == "From N2"


def test_only_an_abbreviation_is_the_journal():
    [e] = read("TY  - JOUR\nTI  - t\nJO  - Nature\nER  - \n")
    assert e.get("container") == "Nature" and "shortjournal" not in e.fields


def test_repeated_single_valued_tags_are_kept_with_a_warning():
    options = Options()
    [e] = read("TY  - JOUR\nTI  - First\nTI  - Second\nUR  - https://a\nUR  - https://b\nER  - \n", options)
    assert e.title == "First" and e.get("ris-ti") == "Second"
    assert e.get("url") == "https://a" and e.get("ris-ur") == "https://b"
    assert [str(d) for d in options.diagnostics.items] == ["x.ris:3:1: warning: second title (TI) kept in field ris-ti"]


def test_unknown_tags_are_kept_and_written_back():
    [e] = read("TY  - JOUR\nTI  - t\nC1  - custom\nAN  - WOS:000123\nDB  - Web of Science\nER  - \n")
    assert (e.get("ris-c1"), e.get("ris-an"), e.get("ris-db")) == ("custom", "WOS:000123", "Web of Science")
    out = RisWriter().write([e.replace(key="k")], Options())
    assert "C1  - custom\n" in out and "AN  - WOS:000123\n" in out and "DB  - Web of Science\n" in out


def test_type_variants_keep_their_tag():
    [mag, ej, conf] = read("TY  - MGZN\nTI  - m\nER  - \nTY  - EJOUR\nTI  - e\nER  - \nTY  - CPAPER\nTI  - c\nER  - \n")
    assert mag.kind is ej.kind is EntryKind.ARTICLE and conf.kind is EntryKind.INPROCEEDINGS
    assert (mag.get("ris-ty"), ej.get("ris-ty"), conf.get("ris-ty")) == ("MGZN", "EJOUR", "CPAPER")
    out = RisWriter().write([mag.replace(key="a"), conf.replace(key="b")], Options())
    assert out.startswith("TY  - MGZN\n") and "TY  - CPAPER\n" in out


def test_book_editors_and_series_editors_follow_zotero():
    [e] = read("TY  - BOOK\nTI  - b\nA2  - Series, Sam\nA3  - Editor, Eve\nSP  - 320\nER  - \n")
    assert e.people["editor"] == (Person(family="Editor", given="Eve"),)
    assert e.people["serieseditor"] == (Person(family="Series", given="Sam"),)
    assert e.get("pagetotal") == "320" and "pages" not in e.fields


def test_conference_paper_c3_is_the_proceedings_and_t2_the_event():
    [e] = read("TY  - CONF\nTI  - p\nT2  - NeurIPS 2019\nC3  - Proceedings of NeurIPS\nER  - \n")
    assert e.get("container") == "Proceedings of NeurIPS" and e.get("eventtitle") == "NeurIPS 2019"
    out = RisWriter().write([e.replace(key="k")], Options())
    assert "C3  - Proceedings of NeurIPS\n" in out and "T2  - NeurIPS 2019\n" in out


def test_corporate_author_and_suffix():
    [e] = read("TY  - RPRT\nTI  - r\nAU  - World Health Organization\nAU  - King, Martin Luther, Jr.\nER  - \n")
    assert e.authors == (Person(literal="World Health Organization"),
                         Person(family="King", given="Martin Luther", suffix="Jr."))


def test_arxiv_unpublished_work_is_a_preprint():
    [e] = read("TY  - UNPB\nTI  - p\nUR  - https://arxiv.org/abs/2101.00001v2\nER  - \n")
    assert e.kind is EntryKind.PREPRINT and (e.get("eprint"), e.get("eprinttype")) == ("2101.00001v2", "arxiv")
    [other] = read("TY  - UNPB\nTI  - p\nER  - \n")
    assert other.kind is EntryKind.MISC and other.get("ris-ty") == "UNPB"


def test_doi_from_a_doi_link_when_there_is_no_do():
    [e] = read("TY  - JOUR\nTI  - t\nUR  - https://doi.org/10.1038/s1\nER  - \n")
    assert e.get("doi") == "10.1038/s1" and e.get("url") == "https://doi.org/10.1038/s1"


@pytest.mark.parametrize(
    ("text", "parts", "complete"),
    [
        ("2019/05/12/", {"year": "2019", "month": "5", "day": "12"}, True),
        ("2019///Spring", {"year": "2019", "month": "Spring"}, True),
        ("2019-05", {"year": "2019", "month": "5"}, True),
        ("JAN 15 2020", {"year": "2020", "month": "1", "day": "15"}, True),
        ("in press", {"year": "in press"}, True),
        ("2019/13/01/", {"year": "2019"}, False),
    ],
)
def test_dates(text, parts, complete):
    assert parse_ris_date(text) == (parts, complete)


def test_missing_er_and_stray_tags_are_warnings_with_lines():
    options = Options()
    entries = read("TY  - JOUR\nTI  - a\nTY  - BOOK\nTI  - b\nER  - \nAU  - Lost, L\nTY  - GEN\nTI  - c\n", options)
    assert [e.title for e in entries] == ["a", "b", "c"]
    assert [str(d) for d in options.diagnostics.items] == [
        "x.ris:3:1: warning: record at line 1 has no 'ER  - ' line; it ends here",
        "x.ris:6:1: warning: tag AU outside a record (no 'TY  - ' line before it) skipped",
        "x.ris:7:1: warning: record at line 7 has no 'ER  - ' line at the end of the file",
    ]


def test_not_ris_is_one_located_error():
    with pytest.raises(InputError) as exc:
        read("@article{x, title={t}}\n")
    assert str(exc.value).startswith("x.ris:1:1: error: not RIS: no 'TY  - ' line")


def test_partial_author_list_round_trips():
    [e] = read("TY  - JOUR\nTI  - t\nAU  - Doe, J\nAU  - others\nER  - \n")
    assert e.partial == frozenset({"author"}) and e.authors == (Person(family="Doe", given="J"),)
    assert "AU  - others\n" in RisWriter().write([e.replace(key="k")], Options())


def test_writer_notes_fields_it_cannot_write_in_one_line():
    [e] = read("TY  - JOUR\nTI  - t\nER  - \n")
    options = Options()
    RisWriter().write([e.replace(key="k", fields=e.fields.set(pmid="1", howpublished="x"))], options)
    assert [d.message for d in options.diagnostics.items] == [
        "RIS has no tag for these fields (entries); not written: howpublished (1), pmid (1)"
    ]


@pytest.mark.parametrize("m3", ["10.1000/m3", "doi: 10.1000/m3", "https://doi.org/10.1000/m3"])
def test_doi_in_m3_in_the_forms_mendeley_and_endnote_write(m3):
    [e] = read(f"TY  - JOUR\nTI  - t\nM3  - {m3}\nER  - \n")
    assert e.get("doi") == "10.1000/m3" and "ris-m3" not in e.fields


def test_web_of_science_plain_text_is_named():
    with pytest.raises(InputError) as exc:
        read("FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Doe, J\nER\nEF\n")
    assert str(exc.value).startswith("x.ris:1:1: error: not RIS: this is Web of Science's tagged 'Plain text' format")
