"""EndNote XML reader: EndNote's styled export, Zotero's plain one, and hostile XML refused."""

from __future__ import annotations

import pytest

from bibgen.errors import InputError
from bibgen.model import EntryKind, Person
from bibgen.pipeline import Options
from bibgen.readers import endnotexml
from bibgen.readers.endnotexml import EndnoteXmlReader


def read(text: str, options: Options | None = None):
    return EndnoteXmlReader().read(text.encode("utf-8"), "x.xml", options or Options())


def test_zotero_plain_export():
    [e] = read(
        '<?xml version="1.0" encoding="UTF-8"?>\n<xml>\n<records>\n<record>'
        '<ref-type name="Book Section">5</ref-type><contributors><authors><author>Doe, Jane</author>'
        "<author>ACME Corp</author></authors><secondary-authors><author>Ed, Ed</author></secondary-authors>"
        "</contributors><titles><title>Chapter</title><secondary-title>The Book</secondary-title></titles>"
        "<pages>1-9</pages><dates><year>1999</year><pub-dates><date>Mar 3</date></pub-dates></dates>"
        "<isbn>978-0-00-000000-2</isbn><electronic-resource-num>https://doi.org/10.1/AB</electronic-resource-num>"
        "<custom3>kept</custom3></record></records></xml>"
    )
    assert e.kind is EntryKind.INCOLLECTION and e.origin.line == 4
    assert e.authors == (Person(family="Doe", given="Jane"), Person(literal="ACME Corp"))
    assert e.people["editor"] == (Person(family="Ed", given="Ed"),)
    f = e.fields
    assert (f["title"], f["container"], f["pages"]) == ("Chapter", "The Book", "1\u20139")
    assert (f["year"], f["month"], f["day"], f["isbn"], f["doi"]) == ("1999", "3", "3", "978-0-00-000000-2", "10.1/AB")
    assert f["endnote-custom3"] == "kept"


def test_styled_text_runs_are_joined():
    [e] = read('<xml><records><record><ref-type name="Journal Article">17</ref-type><titles><title>'
               '<style face="normal">Deep </style><style face="italic">nets</style></title></titles>'
               "<periodical><full-title>Nature</full-title></periodical></record></records></xml>")
    assert e.title == "Deep nets" and e.get("container") == "Nature"


def test_type_by_number_and_unknown_type():
    options = Options()
    a, b = read('<xml><records><record><ref-type>32</ref-type><titles><title>t</title></titles></record>'
                '<record><ref-type name="Ancient Text">51</ref-type><titles><title>u</title></titles></record>'
                "</records></xml>", options)
    assert a.kind is EntryKind.THESIS and b.kind is EntryKind.MISC and b.get("endnote-type") == "Ancient Text"
    assert [d.message for d in options.diagnostics.items] == ["EndNote type 'Ancient Text' read as misc"]


@pytest.mark.parametrize(
    "doc",
    [
        # billion laughs
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        "<xml><records><record><titles><title>&b;</title></titles></record></records></xml>",
        # external entity (file disclosure)
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        "<xml><records><record><titles><title>&e;</title></titles></record></records></xml>",
        # a bare DTD
        '<?xml version="1.0"?><!DOCTYPE xml SYSTEM "http://example.org/x.dtd"><xml><records/></xml>',
    ],
    ids=["entity-expansion", "external-entity", "dtd"],
)
def test_hostile_xml_is_refused(doc):
    with pytest.raises(InputError) as exc:
        read(doc)
    assert str(exc.value).startswith("x.xml:1:1: error: unsafe XML refused")


def test_depth_and_size_are_bounded(monkeypatch):
    with pytest.raises(InputError, match="nested deeper"):
        read("<xml><records>" + "<a>" * 100 + "</a>" * 100 + "</records></xml>")
    monkeypatch.setattr(endnotexml, "MAX_BYTES", 10)
    with pytest.raises(InputError, match="larger than"):
        read("<xml><records></records></xml>")


def test_syntax_error_and_wrong_root_are_located():
    with pytest.raises(InputError) as exc:
        read("<xml><records>\n<record><title>t</record></records></xml>")
    assert str(exc.value).startswith("x.xml:2:") and "not valid XML" in str(exc.value)
    with pytest.raises(InputError) as exc:
        read("<html><body/></html>")
    assert str(exc.value).startswith("x.xml:1:1: error: not EndNote XML")
