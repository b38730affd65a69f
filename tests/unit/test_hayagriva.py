"""hayagriva reader and writer: types and parents, people, dates, serial numbers, what round-trips."""

from __future__ import annotations

import pytest
import yaml

from bibgen.errors import InputError
from bibgen.model import Entry, EntryKind, Fields, Origin, Person
from bibgen.pipeline import Options
from bibgen.readers.hayagriva import HayagrivaReader, sniff_hayagriva
from bibgen.writers.hayagriva import HayagrivaWriter


def read(text: str, options: Options | None = None):
    return HayagrivaReader().read(text.encode("utf-8"), "x.yml", options or Options())


def write(entries) -> dict:
    return yaml.safe_load(HayagrivaWriter().write(list(entries), Options()))


@pytest.mark.parametrize(
    ("htype", "parent", "kind"),
    [("article", "periodical", EntryKind.ARTICLE), ("article", "proceedings", EntryKind.INPROCEEDINGS),
     ("Article", "conference", EntryKind.INPROCEEDINGS), ("article", "newspaper", EntryKind.NEWS),
     ("article", "blog", EntryKind.ONLINE), ("chapter", "book", EntryKind.INCOLLECTION),
     ("anthos", "anthology", EntryKind.INCOLLECTION), ("book", None, EntryKind.BOOK),
     ("thesis", None, EntryKind.THESIS), ("report", None, EntryKind.REPORT), ("web", None, EntryKind.ONLINE),
     ("manuscript", None, EntryKind.PREPRINT), ("video", None, EntryKind.MISC)],
)
def test_types_and_parents(htype, parent, kind):
    doc = f"k:\n  type: {htype}\n  title: T\n" + (f"  parent:\n    type: {parent}\n    title: P\n" if parent else "")
    [e] = read(doc)
    assert e.kind is kind
    if parent:
        assert e.get("container") == "P"


def test_parent_carries_volume_issue_publisher_editors_and_series():
    [e] = read(
        "k:\n  type: chapter\n  title: C\n  author: Kleene, S. C.\n  page-range: 3-41\n  date: 1956-04\n"
        "  parent:\n    type: anthology\n    title: Automata studies\n    editor: [\"Shannon, C. E.\", \"McCarthy, J.\"]\n"
        "    publisher: Princeton UP\n    location: Princeton\n    volume: 34\n"
        "    parent:\n      title: Annals of Mathematics Studies\n"
    )
    f = e.fields
    assert (f["container"], f["publisher"], f["address"], f["volume"]) == ("Automata studies", "Princeton UP", "Princeton", "34")
    assert (f["series"], f["pages"], f["year"], f["month"]) == ("Annals of Mathematics Studies", "3\u201341", "1956", "4")
    assert f["hayagriva-parent-type"] == "anthology"
    assert e.people["editor"] == (Person(family="Shannon", given="C. E."), Person(family="McCarthy", given="J."))
    out = write([e])["k"]
    assert out["parent"]["type"] == "anthology" and out["parent"]["parent"] == {"title": "Annals of Mathematics Studies"}
    assert out["parent"]["editor"] == ["Shannon, C. E.", "McCarthy, J."] and "editor" not in out


def test_people_forms():
    [e] = read(
        "k:\n  title: T\n  author:\n    - Luther King, Martin, Jr.\n    - UNICEF\n    - von der Leyen, Ursula\n"
        "    - {name: Watkins, given-name: Gloria Jean}\n  affiliated:\n    - role: Translator\n      names: Roe, R.\n"
    )
    assert e.authors == (
        Person(family="Luther King", given="Martin", suffix="Jr."), Person(literal="UNICEF"),
        Person(family="Leyen", given="Ursula", particle="von der"), Person(family="Watkins", given="Gloria Jean"),
    )
    assert e.people["translator"] == (Person(family="Roe", given="R."),)


def test_serial_numbers_url_and_title_shorthand():
    [e] = read(
        "k:\n  type: article\n  title: {value: 'WaveNet: raw audio', shorthand: WaveNet}\n"
        "  serial-number: {doi: '10.1/x', arxiv: '1609.03499', isbn: '978-3-16-148410-0', pmid: '12', ads: 2016A}\n"
        "  url: {value: 'https://x.org', date: 2020-11-12}\n"
    )
    f = e.fields
    assert (f["title"], f["shorttitle"], f["doi"], f["isbn"], f["pmid"]) == ("WaveNet: raw audio", "WaveNet", "10.1/x", "978-3-16-148410-0", "12")
    assert (f["eprint"], f["eprinttype"], f["serial-ads"]) == ("1609.03499", "arxiv", "2016A")
    assert (f["url"], f["urldate"]) == ("https://x.org", "2020-11-12")
    out = write([e.replace(key="k")])["k"]
    assert out["serial-number"]["doi"] == "10.1/x" and out["serial-number"]["arxiv"] == "1609.03499"
    assert out["url"] == {"value": "https://x.org", "date": "2020-11-12"}
    assert out["title"] == {"value": "WaveNet: raw audio", "shorthand": "WaveNet"}


def test_writer_keeps_what_hayagriva_cannot_parse_under_bibgen_names():
    e = Entry(EntryKind.ARTICLE, Fields(title="T", year="2020a", month="Spring", pagetotal="xii", pmcid="PMC1",
                                        howpublished="print", keywords="a; b"),
              {"author": (Person(family="Doe", given="J"),)}, Origin("x"), key="k", partial=frozenset({"author"}))
    out = write([e])["k"]
    assert out["year"] == "2020a" and out["month"] == "Spring" and "date" not in out
    assert out["pagetotal"] == "xii" and out["howpublished"] == "print" and out["keywords"] == ["a", "b"]
    assert out["author"] == ["Doe, J", "others"] and out["serial-number"] == {"pmcid": "PMC1"}
    [back] = read(HayagrivaWriter().write([e], Options()))
    assert back.fields == e.fields and back.people == e.people and back.partial == e.partial and back.kind is e.kind


def test_sniff_tells_hayagriva_from_bibgen_records():
    assert sniff_hayagriva(b"# refs\nharry:\n  type: Book\n")
    assert sniff_hayagriva(b"---\n\"key-1\":\n  title: x\n")
    assert not sniff_hayagriva(b"records:\n  - title: x\n")
    assert not sniff_hayagriva(b"- title: x\n")
    assert not sniff_hayagriva(b"title: x\n")


def test_errors_are_located():
    with pytest.raises(InputError) as exc:
        read("k:\n  title: T\n  author: [a, b\n")
    assert str(exc.value).startswith("x.yml:") and "not valid YAML" in str(exc.value)
    with pytest.raises(InputError) as exc:
        read("k:\n  title: T\nk:\n  title: U\n")
    assert str(exc.value) == "x.yml:3:1: error: top level: duplicate key 'k'"
    with pytest.raises(InputError) as exc:
        read("a: &x\n  title: T\nb: *x\n")
    assert "aliases" in str(exc.value)


def test_unknown_type_and_bad_date_are_warnings():
    options = Options()
    [e] = read("k:\n  type: hologram\n  title: T\n  date: last spring\n", options)
    assert e.kind is EntryKind.MISC and e.get("year") == "last spring" and e.get("hayagriva-type") == "hologram"
    assert [str(d) for d in options.diagnostics.sorted()] == [
        "x.yml:2:9: warning: unknown hayagriva type 'hologram' read as misc",
        "x.yml:4:9: warning: date 'last spring' is not YYYY, YYYY-MM or YYYY-MM-DD; kept as the year",
    ]
