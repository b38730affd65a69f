"""Focused tests of bibgen's CSL engine (bibgen.style.csl).

Expected strings come from the CSL 1.0.2 specification or from citeproc-js
(Zotero's engine), which the engine is meant to agree with.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bibgen.errors import InputError
from bibgen.style.csl import CslStyle
from bibgen.style.cslhtml import to_citeproc_html
from bibgen.style.nodes import Dash, Span, Text, plain_text, walk

NS = 'xmlns="http://purl.org/net/xbiblio/csl"'


def make_style(layout: str, *, bib: str = "", macros: str = "", attrs: str = "", sort: str = "",
               citation: str = "") -> CslStyle:
    xml = (
        f'<style {NS} version="1.0" class="in-text" {attrs}>'
        "<info><id>http://example.org/test-style</id><title>Test Style</title></info>"
        f"{macros}{citation}<bibliography {bib}>{sort}<layout>{layout}</layout></bibliography></style>"
    )
    return CslStyle.from_string(xml)


def texts(style: CslStyle, items: list[dict]) -> list[str]:
    return [plain_text(r.body) for r in style.bibliography(items)]


def one(style: CslStyle, item: dict) -> str:
    return texts(style, [{"id": "x", "type": "book", **item}])[0]


NAMES = '<names variable="author"><name {}/></names>'


def names(name_attrs: str = "", **style_kw: str) -> CslStyle:
    return make_style(NAMES.format(name_attrs), **style_kw)


# ------------------------------------------------------------------ names


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Jean-Paul", "J.-P. Sartre"),
        ("John Paul", "J. P. Sartre"),
        ("J.R.R.", "J. R. R. Sartre"),
        # citeproc-js joins a hyphen followed by a lower-case letter into one
        # name and initializes it once; never "M.-. jun ." as citeproc-py does.
        ("Min-jun", "M. Sartre"),
    ],
)
def test_hyphenated_and_compound_initials(given: str, expected: str) -> None:
    style = names('initialize-with=". "')
    assert one(style, {"author": [{"family": "Sartre", "given": given}]}) == expected


def test_initials_without_space_and_hyphen_option() -> None:
    tight = names('initialize-with="."')
    assert one(tight, {"author": [{"family": "Sartre", "given": "Jean-Paul"}]}) == "J.-P. Sartre"
    nohyphen = names('initialize-with="."', attrs='initialize-with-hyphen="false"')
    assert one(nohyphen, {"author": [{"family": "Sartre", "given": "Jean-Paul"}]}) == "J.P. Sartre"


def test_initialize_false_only_normalizes_initials() -> None:
    style = names('initialize-with=". " initialize="false"')
    assert one(style, {"author": [{"family": "Doe", "given": "J Robert"}]}) == "J. Robert Doe"


OORD = {"family": "Oord", "given": "Aäron", "non-dropping-particle": "van den"}


@pytest.mark.parametrize(
    ("demote", "expected"),
    [
        ("never", "van den Oord, A."),
        ("sort-only", "van den Oord, A."),
        ("display-and-sort", "Oord, A. van den"),
    ],
)
def test_particles_and_demotion(demote: str, expected: str) -> None:
    style = names('name-as-sort-order="all" initialize-with=". "',
                  attrs=f'demote-non-dropping-particle="{demote}"')
    assert one(style, {"author": [OORD]}) == expected


def test_particle_parsed_from_family_and_displayed_in_order() -> None:
    style = names("")
    assert one(style, {"author": [{"family": "van den Oord", "given": "Aäron"}]}) == "Aäron van den Oord"


def test_sorting_by_demoted_particle() -> None:
    items = [
        {"id": "b", "type": "book", "author": [{"family": "Smith", "given": "A"}]},
        {"id": "a", "type": "book", "author": [OORD]},
    ]
    sort = '<sort><key variable="author"/></sort>'
    demoted = make_style(NAMES.format(""), sort=sort, attrs='demote-non-dropping-particle="display-and-sort"')
    kept = make_style(NAMES.format(""), sort=sort, attrs='demote-non-dropping-particle="never"')
    # "Oord" sorts before "Smith"; "van den Oord" after it.
    assert [r.key for r in demoted.bibliography(items)] == ["a", "b"]
    assert [r.key for r in kept.bibliography(items)] == ["b", "a"]


def test_sort_collation_as_citeproc_js() -> None:
    # ICU at base strength as citeproc-js: stroked letters with their base
    # letter, ligatures as two letters, a space before any letter, numbers
    # by value, case and punctuation ignored.
    families = ["Zimmermann", "Łukasiewicz", "Lopez", "LeCun", "Le", "Ærø", "Adams", "Đukić", "Dyson",
                "Kingma", "King", "Report 10", "Report 9", "O'connor", "Oconnell"]
    items = [{"id": f, "type": "book", "author": [{"family": f, "given": "A"}]} for f in families]
    style = make_style(NAMES.format(""), sort='<sort><key variable="author"/></sort>')
    assert [r.key for r in style.bibliography(items)] == [
        "Adams", "Ærø", "Đukić", "Dyson", "King", "Kingma", "Le", "LeCun", "Lopez", "Łukasiewicz",
        "Oconnell", "O'connor", "Report 9", "Report 10", "Zimmermann",
    ]


FOUR = [{"family": f, "given": "A"} for f in ("Doe", "Roe", "Poe", "Zoe")]


def test_et_al_min_and_use_first() -> None:
    style = names('et-al-min="3" et-al-use-first="1"')
    assert one(style, {"author": FOUR}) == "A Doe et al."
    assert one(style, {"author": FOUR[:2]}) == "A Doe, A Roe"


def test_delimiter_precedes_et_al_and_last() -> None:
    style = names('et-al-min="4" et-al-use-first="2" delimiter-precedes-et-al="always"')
    assert one(style, {"author": FOUR}) == "A Doe, A Roe, et al."
    never = names('et-al-min="4" et-al-use-first="2" delimiter-precedes-et-al="never"')
    assert one(never, {"author": FOUR}) == "A Doe, A Roe et al."
    style = names('and="text" delimiter-precedes-last="never"')
    assert one(style, {"author": FOUR[:3]}) == "A Doe, A Roe and A Poe"
    style = names('and="symbol" delimiter-precedes-last="always"')
    assert one(style, {"author": FOUR[:2]}) == "A Doe, & A Roe"


def test_et_al_use_last() -> None:
    many = [{"family": f"N{i}", "given": "A"} for i in range(8)]
    style = names('et-al-min="6" et-al-use-first="3" et-al-use-last="true"')
    assert one(style, {"author": many}) == "A N0, A N1, A N2, \u2026 A N7"


def test_trailing_others_is_et_al() -> None:
    style = names('et-al-min="10" et-al-use-first="8"')
    item = {"author": [{"family": "Doe", "given": "A"}, {"family": "Roe", "given": "B"}, {"literal": "others"}]}
    out = one(style, item)
    assert out == "A Doe, B Roe, et al."
    assert "others" not in out
    # The style's own et-al term and formatting are used.
    styled = make_style('<names variable="author"><name/><et-al font-style="italic"/></names>')
    refs = styled.bibliography([{"id": "x", "type": "book", **item}])
    assert any(isinstance(n, Span) and n.role == "emph" and plain_text(n.children) == "et al."
               for n in walk(refs[0].body))


def test_literal_others_alone_is_et_al_after_one_name() -> None:
    style = names("")
    assert one(style, {"author": [{"family": "Doe", "given": "A"}, {"literal": "others"}]}) == "A Doe et al."


def test_substitute_and_suppression() -> None:
    style = make_style(
        '<group delimiter=". "><names variable="author"><substitute><text variable="title"/></substitute>'
        '</names><text variable="title"/></group>'
    )
    assert one(style, {"title": "Anonymous Work"}) == "Anonymous Work"


# ------------------------------------------------------------------ text case


def test_title_case_stop_words() -> None:
    style = make_style('<text variable="title" text-case="title"/>')
    assert one(style, {"title": "the lord of the rings: the return of the king"}) == (
        "The Lord of the Rings: The Return of the King"
    )
    # Words in capitals stay as they are; nocase spans are protected.
    assert one(style, {"title": "a study of NASA <span class=\"nocase\">eBay</span> data"}) == (
        "A Study of NASA eBay Data"
    )


def test_title_case_only_for_english_items() -> None:
    style = make_style('<text variable="title" text-case="title"/>')
    assert one(style, {"title": "la vie en rose", "language": "fr"}) == "la vie en rose"


def test_sentence_and_capitalize() -> None:
    style = make_style('<text variable="title" text-case="capitalize-first"/>')
    assert one(style, {"title": "deep learning"}) == "Deep learning"
    style = make_style('<text variable="title" text-case="capitalize-all"/>')
    assert one(style, {"title": "deep learning"}) == "Deep Learning"


# ------------------------------------------------------------------ pages


@pytest.mark.parametrize(
    ("fmt", "page", "expected"),
    [
        ("expanded", "321-8", "321\u2013328"),
        ("minimal", "321-328", "321\u20138"),
        ("minimal-two", "321-328", "321\u201328"),
        ("chicago", "71-72", "71\u201372"),
        ("chicago", "100-104", "100\u2013104"),
        ("chicago", "101-108", "101\u20138"),
        ("chicago", "321-328", "321\u201328"),
        ("chicago", "1496-1504", "1496\u20131504"),
        ("chicago-16", "S12-S19", "S12\u201319"),
        ("minimal", "S12-S19", "S12\u20139"),
        ("expanded", "S12-S19", "S12\u2013S19"),
        ("expanded", "xi-xvii", "xi\u2013xvii"),
    ],
)
def test_page_range_format(fmt: str, page: str, expected: str) -> None:
    style = make_style('<text variable="page"/>', attrs=f'page-range-format="{fmt}"')
    refs = style.bibliography([{"id": "x", "type": "book", "page": page}])
    assert plain_text(refs[0].body) == expected
    assert any(isinstance(n, Dash) for n in refs[0].body)


@pytest.mark.parametrize("fmt", ["", 'page-range-format="expanded"', 'page-range-format="chicago"'])
def test_page_range_with_different_prefixes_is_kept(fmt: str) -> None:
    # citeproc-js leaves "e00123-17" (an article id, prefix "e00" against none) as it is.
    style = make_style('<text variable="page"/>', attrs=fmt)
    assert one(style, {"page": "e00123-17"}) == "e00123-17"


# ------------------------------------------------------------------ dates

DATE = (
    '<date variable="issued"><date-part name="month" suffix=" "/>'
    '<date-part name="day" suffix=", "/><date-part name="year"/></date>'
)


def test_dates_ranges_and_seasons() -> None:
    style = make_style(DATE)
    assert one(style, {"issued": {"date-parts": [[2000, 5, 3]]}}) == "May 3, 2000"
    assert one(style, {"issued": {"date-parts": [[2000, 5, 3], [2000, 5, 5]]}}) == "May 3\u20135, 2000"
    assert one(style, {"issued": {"date-parts": [[2000, 5, 3], [2000, 6, 5]]}}) == "May 3\u2013June 5, 2000"
    assert one(style, {"issued": {"date-parts": [[2000, 13]]}}) == "Spring 2000"
    assert one(style, {"issued": {"date-parts": [[2000]], "season": 3}}) == "Autumn 2000"
    assert one(style, {"issued": {"literal": "circa 1900"}}) == "circa 1900"


def test_localized_date_and_ordinals() -> None:
    style = make_style('<date variable="issued" form="text"/>')
    assert one(style, {"issued": {"date-parts": [[1999, 12, 31]]}}) == "December 31, 1999"
    style = make_style('<date variable="issued"><date-part name="day" form="ordinal"/></date>')
    assert [one(style, {"issued": {"date-parts": [[1999, 1, d]]}}) for d in (1, 2, 3, 11, 22)] == [
        "1st", "2nd", "3rd", "11th", "22nd"]


def test_group_suppressed_without_variables() -> None:
    style = make_style('<group delimiter=" "><text value="Vol."/><text variable="volume"/></group>')
    assert one(style, {"volume": "3"}) == "Vol. 3"
    assert one(style, {}) == ""


# ------------------------------------------------------------------ sort and numbers


def test_sort_by_macro_and_citation_number_after_sort() -> None:
    macros = '<macro name="author"><names variable="author"><name/></names></macro>'
    style = make_style(
        '<text variable="citation-number" suffix=". "/><text macro="author"/>',
        macros=macros,
        sort='<sort><key macro="author"/><key variable="issued"/></sort>',
    )
    items = [
        {"id": "z", "type": "book", "author": [{"family": "Zed", "given": "A"}]},
        {"id": "a2", "type": "book", "author": [{"family": "Abe", "given": "A"}], "issued": {"date-parts": [[2001]]}},
        {"id": "a1", "type": "book", "author": [{"family": "Abe", "given": "A"}], "issued": {"date-parts": [[1999]]}},
    ]
    refs = style.bibliography(items)
    assert [r.key for r in refs] == ["a1", "a2", "z"]
    assert [plain_text(r.body) for r in refs] == ["1. A Abe", "2. A Abe", "3. A Zed"]


def test_citation_number_in_input_order_without_sort() -> None:
    style = make_style('<text variable="citation-number"/>')
    refs = style.bibliography([{"id": "b", "type": "book", "title": "B"}, {"id": "a", "type": "book"}])
    assert [r.key for r in refs] == ["b", "a"]
    assert [plain_text(r.body) for r in refs] == ["1", "2"]


def test_second_field_align_puts_first_field_in_label() -> None:
    style = make_style('<text variable="citation-number" prefix="[" suffix="]"/><text variable="title" prefix=" "/>',
                       bib='second-field-align="flush"')
    refs = style.bibliography([{"id": "a", "type": "book", "title": "T"}])
    assert plain_text(refs[0].label) == "[1]"
    assert plain_text(refs[0].body) == " T"


def test_subsequent_author_substitute() -> None:
    style = make_style('<group delimiter=", "><names variable="author"><name/></names><text variable="title"/></group>',
                       bib='subsequent-author-substitute="———"')
    author = [{"family": "Doe", "given": "J"}]
    out = texts(style, [{"id": "1", "type": "book", "author": author, "title": "A"},
                        {"id": "2", "type": "book", "author": author, "title": "B"}])
    assert out == ["J Doe, A", "———, B"]


def test_year_suffix_for_ambiguous_cites() -> None:
    citation = ('<citation disambiguate-add-year-suffix="true"><layout><names variable="author">'
                '<name form="short"/></names><date variable="issued"><date-part name="year"/></date>'
                "</layout></citation>")
    style = make_style('<names variable="author"><name/></names><date variable="issued" prefix=" ">'
                       '<date-part name="year"/></date>', citation=citation)
    author = [{"family": "Doe", "given": "J"}]
    out = texts(style, [{"id": "1", "type": "book", "author": author, "issued": {"date-parts": [[2000]]}},
                        {"id": "2", "type": "book", "author": author, "issued": {"date-parts": [[2000]]}}])
    assert out == ["J Doe 2000a", "J Doe 2000b"]


# ------------------------------------------------------------------ quotes and punctuation


def test_quotes_and_punctuation_in_quote() -> None:
    style = make_style('<text variable="title" quotes="true" suffix=","/><text variable="volume" prefix=" "/>')
    assert one(style, {"title": "On Things", "volume": "2"}) == "\u201cOn Things,\u201d 2"
    assert one(style, {"title": "Why?", "volume": "2"}) == "\u201cWhy?,\u201d 2"


def test_no_doubled_periods() -> None:
    style = make_style('<text variable="title" suffix="."/>')
    assert one(style, {"title": "Ends with a period."}) == "Ends with a period."
    assert one(style, {"title": "A question?"}) == "A question?"


# ------------------------------------------------------------------ markup and safety


def test_rich_text_in_fields() -> None:
    style = make_style('<text variable="title"/>')
    refs = style.bibliography([{"id": "x", "type": "book", "title": "On <i>E. coli</i> and H<sub>2</sub>O"}])
    html = to_citeproc_html(refs)
    assert "On <i>E. coli</i> and H<sub>2</sub>O" in html


def test_injection_stays_text() -> None:
    style = make_style('<text variable="title"/>')
    title = '<script>alert("x")</script> & <b onclick="x">bold</b>'
    refs = style.bibliography([{"id": "x", "type": "book", "title": title}])
    nodes = list(walk(refs[0].body))
    assert all(isinstance(n, Text) for n in nodes)
    assert "<script>" in plain_text(refs[0].body)
    html = to_citeproc_html(refs)
    assert "<script>" not in html and "&#60;script&#62;" in html and "&#38;" in html


def test_dtd_and_entities_are_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "evil.csl"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE style [<!ENTITY x "boom">]>\n'
        f'<style {NS} version="1.0"><bibliography><layout><text value="&x;"/></layout></bibliography></style>',
        encoding="utf-8",
    )
    with pytest.raises(InputError) as e:
        CslStyle.from_path(path)
    assert str(e.value).startswith(f"{path}:2:")
    assert "DTD" in str(e.value)
    assert "\n" not in str(e.value)


def test_xml_errors_carry_line_and_column(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "broken.csl"
    path.write_text(f'<style {NS}>\n  <bibliography>\n</style>\n', encoding="utf-8")
    with pytest.raises(InputError) as e:
        CslStyle.from_path(path)
    assert e.value.origin is not None and e.value.origin.line == 3


def test_unknown_macro_is_reported_at_its_element() -> None:
    xml = f'<style {NS} version="1.0">\n<bibliography>\n<layout>\n  <text macro="nope"/>\n</layout></bibliography></style>'
    with pytest.raises(InputError) as e:
        CslStyle.from_string(xml, path="s.csl")
    assert "nope" in e.value.message
    assert e.value.origin is not None and (e.value.origin.line, e.value.origin.column) == (4, 3)


def test_name_and_title() -> None:
    style = make_style('<text variable="title"/>')
    assert style.name == "test-style"
    assert style.title == "Test Style"


def test_output_is_deterministic() -> None:
    style = make_style('<names variable="author"><name/></names>', sort='<sort><key variable="author"/></sort>')
    items = [{"id": str(i), "type": "book", "author": [{"family": "Same", "given": "A"}]} for i in range(5)]
    assert [r.key for r in style.bibliography(items)] == ["0", "1", "2", "3", "4"]
    assert style.bibliography(items) == style.bibliography(items)


def test_note_fields_fill_missing_variables() -> None:
    style = make_style('<date variable="original-date"><date-part name="year"/></date>')
    assert one(style, {"note": "Some remark\noriginal-date: 1901-02-03"}) == "1901"
    # A variable the item already has wins over the note.
    assert one(style, {"note": "original-date: 1901", "original-date": {"date-parts": [[1850]]}}) == "1850"


def test_citeproc_html_superscripts_and_layout() -> None:
    style = make_style('<text variable="citation-number" suffix=". "/><text variable="title"/>',
                       bib='second-field-align="flush"')
    refs = style.bibliography([{"id": "a", "type": "book", "title": "1ᵉʳ & <x>"}])
    assert to_citeproc_html(refs) == (
        '<div class="csl-bib-body">\n'
        '  <div class="csl-entry">\n'
        '    <div class="csl-left-margin">1. </div><div class="csl-right-inline">'
        "1<sup>e</sup><sup>r</sup> &#38; &#60;x&#62;</div>\n"
        "  </div>\n"
        "</div>"
    )


def test_year_suffix_only_when_names_cannot_disambiguate() -> None:
    citation = ('<citation disambiguate-add-year-suffix="true" disambiguate-add-names="true" '
                'disambiguate-add-givenname="true" givenname-disambiguation-rule="primary-name-with-initials" '
                'et-al-min="3" et-al-use-first="1"><layout><names variable="author"><name form="short"/>'
                '</names><date variable="issued"><date-part name="year"/></date></layout></citation>')
    style = make_style('<names variable="author"><name/></names><date variable="issued" prefix=" ">'
                       '<date-part name="year"/></date>', citation=citation)

    def item(key: str, *people: tuple[str, str]) -> dict:
        return {"id": key, "type": "book", "issued": {"date-parts": [[2000]]},
                "author": [{"family": f, "given": g} for f, g in people]}

    # Same first author, second authors differ only in a given name: the
    # primary-name rule cannot use it, so the cites need a suffix.
    out = texts(style, [item("1", ("Doe", "Jane"), ("Roe", "Ann")), item("2", ("Doe", "Jane"), ("Roe", "Kai"))])
    assert out == ["Jane Doe, Ann Roe 2000a", "Jane Doe, Kai Roe 2000b"]
    # Different initials of the first author tell the cites apart.
    out = texts(style, [item("1", ("Doe", "Jane")), item("2", ("Doe", "Kim"))])
    assert out == ["Jane Doe 2000", "Kim Doe 2000"]
    # Hidden third authors differ: adding names tells them apart.
    out = texts(style, [item("1", ("Doe", "J"), ("Roe", "A"), ("Poe", "B")),
                        item("2", ("Doe", "J"), ("Roe", "A"), ("Zoe", "C"))])
    assert out == ["J Doe, A Roe, B Poe 2000", "J Doe, A Roe, C Zoe 2000"]


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["family", "given", "literal", "date-parts", "raw", "season", "circa"]), inner, max_size=3),
    max_leaves=8,
)
_FIELDS = ["title", "author", "editor", "issued", "page", "volume", "issue", "DOI", "edition", "type", "language"]
_ROBUST = make_style(
    '<group delimiter=". "><names variable="author editor"><name initialize-with=". " et-al-min="3" '
    'et-al-use-first="1"/><label prefix=" (" suffix=")"/><substitute><text variable="title"/></substitute>'
    '</names><date variable="issued" form="text"/><text variable="title" text-case="title" quotes="true"/>'
    '<group delimiter=" "><label variable="page" form="short"/><text variable="page"/></group>'
    '<number variable="edition" form="ordinal"/><text variable="DOI" prefix="https://doi.org/"/></group>',
    attrs='page-range-format="chicago"',
    sort='<sort><key variable="author"/><key variable="issued"/><key variable="volume"/></sort>',
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.fixed_dictionaries({}, optional={f: _JSON for f in _FIELDS}), max_size=4))
def test_malformed_items_never_crash(items: list[dict]) -> None:
    items = [{**it, "id": f"i{k}"} for k, it in enumerate(items)]
    refs = _ROBUST.bibliography(items)
    assert sorted(r.key for r in refs) == sorted(it["id"] for it in items)
    assert all(r.entry is it for r in refs for it in items if it["id"] == r.key)


def test_package_docstring_example_runs() -> None:
    import doctest

    import bibgen.style.csl as package

    result = doctest.testmod(package)
    assert result.attempted > 0 and result.failed == 0


def test_ordinal_edition_not_suffixed_twice() -> None:
    style = make_style('<number variable="edition" form="ordinal"/>')
    assert one(style, {"edition": "2"}) == "2nd"
    assert one(style, {"edition": "2nd"}) == "2nd"


def test_cjk_text_is_not_italicised() -> None:
    style = make_style('<text variable="container-title" font-style="italic"/>')
    cjk = style.bibliography([{"id": "x", "type": "book", "container-title": "自然言語処理"}])
    assert to_citeproc_html(cjk).count("<i>") == 0
    latin = style.bibliography([{"id": "x", "type": "book", "container-title": "Nature 言語"}])
    assert "<i>Nature 言語</i>" in to_citeproc_html(latin)


def test_substitute_names_in_choose_inherit_name_and_label() -> None:
    style = make_style(
        '<names variable="author"><name name-as-sort-order="first" and="text"/><label form="short" prefix=", "/>'
        '<substitute><choose><if type="book"><names variable="editor"/></if></choose></substitute></names>'
    )
    editors = [{"family": "Indurkhya", "given": "Nitin"}, {"family": "Damerau", "given": "Fred J."}]
    assert one(style, {"editor": editors}) == "Indurkhya, Nitin and Fred J. Damerau, eds."


def test_names_added_to_disambiguate_cites_show_in_bibliography() -> None:
    # citeproc-js 1.4.61 copies the names a cite needed into the bibliography only
    # when the style may add given names too (disambiguate-add-givenname).
    citation = (
        '<citation et-al-min="3" et-al-use-first="1" disambiguate-add-names="true" {}>'
        '<layout><names variable="author"><name form="short"/></names><date variable="issued">'
        '<date-part name="year"/></date></layout></citation>'
    )
    names_only = make_style(NAMES.format('initialize-with=". "'), bib='et-al-min="3" et-al-use-first="1"',
                            citation=citation.format(""))
    style = make_style(NAMES.format('initialize-with=". "'), bib='et-al-min="3" et-al-use-first="1"',
                       citation=citation.format('disambiguate-add-givenname="true"'))
    people = [{"family": f, "given": "A"} for f in ("Abe", "Bo", "Cy", "Di", "Ed", "Fa")]
    issued = {"date-parts": [[2020]]}
    items = [
        {"id": "x", "type": "book", "issued": issued, "author": people[:4]},
        {"id": "y", "type": "book", "issued": issued, "author": people[:2] + people[4:]},
        {"id": "z", "type": "book", "issued": {"date-parts": [[2021]]}, "author": people[:4]},
    ]
    assert texts(style, items) == ["A. Abe, A. Bo, A. Cy, et al.", "A. Abe, A. Bo, A. Ed, et al.", "A. Abe et al."]
    assert texts(names_only, items) == ["A. Abe et al.", "A. Abe et al.", "A. Abe et al."]


def test_title_case_leaves_one_letter_words() -> None:
    style = make_style('<text variable="title" text-case="title"/>')
    assert one(style, {"title": "expansion for n < 100 documents"}) == "Expansion for n < 100 Documents"
    assert one(style, {"title": "a look at x-ray data: a survey"}) == "A Look at X-Ray Data: A Survey"


def test_named_season_does_not_make_a_group_print() -> None:
    # citeproc-js prints a season given by name as text, not as the date's value.
    macros = '<macro name="month"><date variable="issued"><date-part name="month"/></date></macro>'
    style = make_style('<text value="X"/><group prefix=" (" suffix=")"><text macro="month"/></group>', macros=macros)
    assert one(style, {"issued": {"date-parts": [[2020]], "season": 4}}) == "X (Winter)"
    assert one(style, {"issued": {"date-parts": [[2020]], "season": "Winter"}}) == "X"


def test_number_starting_with_a_range() -> None:
    # citeproc-js: "800-57 Part 1 Rev. 5" is numeric (plural label); without a
    # page-range-format its falling range 800-57 gets an en dash.
    layout = ('<choose><if is-numeric="number"><label variable="number" form="short" suffix=" "/></if></choose>'
              '<text variable="number"/>')
    value = {"type": "report", "number": "800-57 Part 1 Rev. 5"}
    assert one(make_style(layout), value) == "nos. 800\u201357 Part 1 Rev. 5"
    assert one(make_style(layout, attrs='page-range-format="expanded"'), value) == "nos. 800-57 Part 1 Rev. 5"
    assert one(make_style(layout), {"type": "report", "number": "12 Part 3"}) == "12 Part 3"
