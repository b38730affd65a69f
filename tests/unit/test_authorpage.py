"""The author-page reader on the shapes real scraped pages take."""

from __future__ import annotations

import pytest

from bibgen.errors import InputError
from bibgen.model import EntryKind
from bibgen.pipeline import Options
from bibgen.readers.authorpage import AuthorPageReader

NB = "\u00a0"
PAGE = (
    f"Goto\n\nCollaborating Authors\n\n{NB}Kavukcuoglu, Koray\n\n\n"
    "Gemma 3 Technical Report\n\narXiv.org Artificial Intelligence\n\nWe introduce Gemma 3.\n\n\n"
    "Gemini 1.5: Unlocking multimodal understanding\n\narXiv.org Machine Learning\n\nIn this report.\n"
)


def read(text: str | bytes, opts: Options | None = None):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return AuthorPageReader().read(data, "page.txt", opts or Options())


def titles(entries):
    return [e.title for e in entries]


def test_reads_records_with_provenance():
    entries = read(PAGE)
    assert titles(entries) == ["Gemma 3 Technical Report", "Gemini 1.5: Unlocking multimodal understanding"]
    assert [e.origin.line for e in entries] == [8, 15]
    assert all(e.origin.path == "page.txt" for e in entries)
    assert entries[0].get("abstract") == "We introduce Gemma 3."


def test_page_author_is_one_of_many():
    e = read(PAGE)[0]
    assert e.authors[0].family == "Kavukcuoglu" and e.authors[0].given == "Koray"
    assert "author" in e.partial


def test_arxiv_subject_gives_preprint_and_class():
    a, b = read(PAGE)
    assert a.kind is EntryKind.PREPRINT and a.get("eprintclass") == "cs.AI"
    assert b.get("eprintclass") == "cs.LG"


@pytest.mark.parametrize(
    "transform",
    [
        lambda s: "\ufeff" + s,  # BOM
        lambda s: s.replace("\n", "\r\n"),  # CRLF
        lambda s: s.replace("\n", "\r"),  # old Mac CR
        lambda s: s.rstrip("\n"),  # no trailing newline
        lambda s: s + "\n\n\n\n",  # trailing blank lines
        lambda s: s.replace("\n\n\n", "\n\n\n\n\n"),  # extra blank lines between records
        lambda s: s.replace("Gemma 3 Technical Report", "  Gemma  3   Technical Report  "),
        lambda s: s.replace("\n\n", "\n \t\n"),  # blank lines with spaces
    ],
    ids=["bom", "crlf", "cr", "no-final-newline", "trailing-blanks", "extra-blanks", "spaces", "whitespace-lines"],
)
def test_robust_to_scraping_noise(transform):
    assert titles(read(transform(PAGE))) == titles(read(PAGE))
    assert [e.get("abstract") for e in read(transform(PAGE))] == ["We introduce Gemma 3.", "In this report."]


def test_record_without_abstract():
    page = PAGE.replace("\n\nWe introduce Gemma 3.", "")
    a, b = read(page)
    assert a.get("abstract") == "" and b.get("abstract") == "In this report."
    assert b.title.startswith("Gemini 1.5")


def test_last_record_without_abstract():
    page = PAGE.replace("\n\nIn this report.", "")
    a, b = read(page)
    assert a.get("abstract") == "We introduce Gemma 3." and b.get("abstract") == ""


def test_page_with_no_records():
    assert read(f"Collaborating Authors\n\n{NB}Doe, Jane\n") == []


def test_unicode_is_nfc():
    decomposed = "Cafe\u0301 Models"
    page = PAGE.replace("Gemma 3 Technical Report", decomposed)
    assert read(page)[0].title == "Café Models"


def test_unknown_source_line_warns_and_still_gives_entry():
    opts = Options()
    page = PAGE.replace("arXiv.org Artificial Intelligence", "Some Aggregator")
    e = read(page, opts)[0]
    assert e.kind is EntryKind.MISC and e.get("howpublished") == "Some Aggregator"
    [warning] = opts.diagnostics.items
    assert warning.origin.line == 10 and "unknown source line" in warning.message


def test_strict_turns_warning_into_error():
    page = PAGE.replace("arXiv.org Artificial Intelligence", "Some Aggregator")
    with pytest.raises(InputError, match="unknown source line"):
        read(page, Options(strict=True))


@pytest.mark.parametrize(
    ("source", "kind", "field"),
    [
        ("Proceedings of the 35th International Conference on Machine Learning", EntryKind.INPROCEEDINGS, "container"),
        ("NeurIPS 2023", EntryKind.INPROCEEDINGS, "container"),
        ("Journal of Machine Learning Research", EntryKind.ARTICLE, "container"),
        ("Nature", EntryKind.ARTICLE, "container"),
        ("The New York Times", EntryKind.NEWS, "container"),
        ("WIRED Magazine", EntryKind.NEWS, "container"),
    ],
)
def test_venue_types(source, kind, field):
    e = read(PAGE.replace("arXiv.org Artificial Intelligence", source))[0]
    assert e.kind is kind and e.get(field) == source


@pytest.mark.parametrize(
    ("data", "line", "message"),
    [
        (b"Just some text\nwith no heading\n", 1, "not an author page"),
        (b"\n\nCollaborating Authors\n\n\xc2\xa0Doe, Jane\n\nTitle\n\narXiv.org Robotics\n\xff\xfe\n", 10, "not valid UTF-8"),
        ("Collaborating Authors\n\n\u00a0Doe, Jane\n\nA lonely title\n".encode(), 5, "no source line"),
        (b"Collaborating Authors\n\n\n", 1, "names no author"),
        (b"Collaborating Authors\n\n\xc2\xa0Doe\x00, Jane\n", 3, "NUL byte"),
    ],
    ids=["no-heading", "bad-utf8", "title-without-source", "no-author", "nul"],
)
def test_bad_pages_are_input_errors_with_location(data, line, message):
    with pytest.raises(InputError) as info:
        read(data)
    assert info.value.origin.path == "page.txt"
    assert info.value.origin.line == line
    assert message in info.value.message
