"""Engine rules found by comparing with citeproc-js on the CSL corpus (bench/agreement-findings.md).

Each test renders a small style written for the rule; the expected strings are
what citeproc-js 1.4.61 prints for the same style and items.
"""

from __future__ import annotations

import pytest

from bibgen.style.csl import CslStyle
from bibgen.style.cslhtml import nodes_html
from bibgen.style.nodes import plain_text

NS = 'xmlns="http://purl.org/net/xbiblio/csl"'


def style(layout: str, *, attrs: str = "", bib: str = "", citation: str = "", locale: str = "",
          sort: str = "") -> CslStyle:
    return CslStyle.from_string(
        f'<style {NS} version="1.0" class="in-text" {attrs}>'
        "<info><id>http://example.org/rules</id><title>Rules</title></info>"
        f"{locale}{citation}<bibliography {bib}>{sort}<layout>{layout}</layout></bibliography></style>"
    )


def render(st: CslStyle, items: list[dict]) -> list[str]:
    return [plain_text(r.body) for r in st.bibliography(items)]


AUTHOR = '<names variable="author"><name name-as-sort-order="all" {}/></names>'
VAN = {"id": "a", "type": "book", "author": [{"family": "Berg", "given": "Anna", "non-dropping-particle": "van der"}]}
DE = {"id": "b", "type": "book", "author": [{"family": "Braun", "given": "Hans", "dropping-particle": "von"}]}


@pytest.mark.parametrize(("lang", "space"), [("fr-FR", "\u00a0"), ("ru-RU", "\u00a0"), ("cs-CZ", "\u00a0"),
                                             ("en-US", " "), ("de-DE", " ")])
def test_particle_is_tied_to_the_family_name_in_french_russian_czech(lang: str, space: str) -> None:
    inverted = style(AUTHOR.format('demote-non-dropping-particle="never"'), attrs=f'default-locale="{lang}"')
    assert render(inverted, [VAN]) == [f"van der{space}Berg, Anna"]
    plain = style('<names variable="author"><name/></names>', attrs=f'default-locale="{lang}"')
    # Only the particle's own space: "van der" keeps its inner space, the given name a plain one.
    assert render(plain, [VAN]) == [f"Anna van der{space}Berg"]
    assert render(plain, [DE]) == [f"Hans von{space}Braun"]


def test_a_numeric_range_in_issue_takes_the_locales_page_range_delimiter() -> None:
    locale = ('<locale xml:lang="en"><terms><term name="page-range-delimiter">\u2011</term>'
              "</terms></locale>")
    st = style('<text variable="issue"/><text variable="volume" prefix=" "/><text variable="edition" prefix=" "/>',
               locale=locale)
    got = render(st, [{"id": "a", "type": "article", "issue": "2-3", "volume": "4-5", "edition": "6-7"}])
    assert got == ["2\u20113 4\u20115 6\u20117"]
    default = style('<text variable="issue"/>')
    assert render(default, [{"id": "a", "issue": "2-3"}]) == ["2\u20133"]


def test_name_formatting_around_an_et_al_list_does_not_flip_the_names() -> None:
    st = style('<names variable="author"><name font-variant="small-caps" delimiter="; "/></names>',
               bib='et-al-min="3" et-al-use-first="1"')
    item = {"id": "a", "author": [{"family": f"N{i}", "given": "A"} for i in range(4)]}
    html = nodes_html(st.bibliography([item])[0].body)
    sc = '<span style="font-variant:small-caps;">'
    assert html == f"{sc}{sc}A N0</span> et al.</span>"
    assert "font-variant:normal" not in html
    # Small caps from the data inside a style's small caps still flip (citeproc-js flip-flop).
    st2 = style('<text variable="title" font-variant="small-caps"/>')
    flipped = nodes_html(st2.bibliography([{"id": "b", "title": 'A <span style="font-variant:small-caps;">b</span>'}])[0].body)
    assert flipped == f'{sc}A <span style="font-variant:normal;">b</span></span>'


CITE_NAMES = (
    '<citation et-al-min="3" et-al-use-first="1" disambiguate-add-names="true" disambiguate-add-givenname="true"><layout>'
    '<names variable="author"><name form="short"/></names><date variable="issued" prefix=" "><date-part name="year"/></date>'
    "</layout></citation>"
)


def test_names_added_for_cites_stop_before_the_ellipsis_of_et_al_use_last() -> None:
    st = style('<names variable="author"><name initialize-with="." delimiter=", "/></names>',
               bib='et-al-min="6" et-al-use-first="2" et-al-use-last="true"', citation=CITE_NAMES)
    people = [{"family": f"F{i}", "given": "G"} for i in range(8)]
    a = {"id": "a", "author": people, "issued": {"date-parts": [[2020]]}}
    b = {"id": "b", "author": people[:7] + [{"family": "Other", "given": "G"}], "issued": {"date-parts": [[2020]]}}
    # The cites need all eight names; the bibliography shows at most et-al-min - 2 before "… last".
    assert render(st, [a, b]) == ["G. F0, G. F1, G. F2, G. F3, … G. F7", "G. F0, G. F1, G. F2, G. F3, … G. Other"]
    c = {"id": "c", "author": people[:2] + [{"family": "Other", "given": "G"}] + people[3:], "issued": {"date-parts": [[2020]]}}
    # Fewer names needed: only those.
    assert render(st, [a, c]) == ["G. F0, G. F1, G. F2, … G. F7", "G. F0, G. F1, G. Other, … G. F7"]


GIVEN_CITE = (
    '<citation disambiguate-add-givenname="true" givenname-disambiguation-rule="{}"><layout>'
    '<names variable="author"><name form="short"/></names></layout></citation>'
)
BIB_NAMES = '<names variable="author"><name name-as-sort-order="all" initialize-with=". " delimiter="; "/></names>'


@pytest.mark.parametrize("rule", ["primary-name", "all-names"])
def test_names_with_the_same_initials_show_whole_given_names(rule: str) -> None:
    st = style(BIB_NAMES, citation=GIVEN_CITE.format(rule), sort='<sort><key variable="author"/></sort>')
    items = [
        {"id": "1", "author": [{"family": "Tanaka", "given": "Björn"}]},
        {"id": "2", "author": [{"family": "Tanaka", "given": "Ben"}]},
        {"id": "3", "author": [{"family": "Tanaka", "given": "Ben"}]},  # the same person again
        {"id": "4", "author": [{"family": "Smith", "given": "Ann"}, {"family": "Tanaka", "given": "Bo"}]},
        {"id": "5", "author": [{"family": "Lee", "given": "Ann"}]},
        {"id": "6", "author": [{"family": "Lee", "given": "Bob"}]},  # initials differ: they are enough
    ]
    got = render(st, items)
    # Sorted by the names as shown: "Ben" before "Björn".
    assert got[:3] == ["Lee, A.", "Lee, B.", "Smith, A.; Tanaka, " + ("Bo" if rule == "all-names" else "B.")]
    assert got[3:] == ["Tanaka, Ben", "Tanaka, Ben", "Tanaka, Björn"]


YEAR_CITE = (
    '<citation disambiguate-add-givenname="true" {}><layout><names variable="author"><name form="short"/></names>'
    '<date variable="issued" prefix=" "><date-part name="year"/></date></layout></citation>'
)


def test_by_cite_expands_only_the_given_names_of_colliding_cites() -> None:
    items = [{"id": "1", "author": [{"family": "Tanaka", "given": "Björn"}], "issued": {"date-parts": [[2020]]}},
             {"id": "2", "author": [{"family": "Tanaka", "given": "Ben"}], "issued": {"date-parts": [[2020]]}},
             {"id": "3", "author": [{"family": "Lee", "given": "Ann"}], "issued": {"date-parts": [[2019]]}},
             {"id": "4", "author": [{"family": "Lee", "given": "Alan"}], "issued": {"date-parts": [[2020]]}}]
    by_cite = style(BIB_NAMES, citation=YEAR_CITE.format(""))  # by-cite is the default rule
    # "Tanaka 2020" twice: initials do not tell them apart, full names do; "Lee 2019/2020" differ anyway.
    assert render(by_cite, items) == ["Tanaka, Björn", "Tanaka, Ben", "Lee, A.", "Lee, A."]
    initials = style(BIB_NAMES, citation=YEAR_CITE.format('givenname-disambiguation-rule="primary-name-with-initials"'))
    assert render(initials, items) == ["Tanaka, B.", "Tanaka, B.", "Lee, A.", "Lee, A."]


def test_a_styles_specific_ordinals_keep_the_locales_generic_ordinal() -> None:
    number = '<number variable="edition" form="ordinal"/>'
    specific = ('<locale xml:lang="tr-TR"><terms><term name="ordinal-01">.</term>'
                '<term name="ordinal-02">.</term></terms></locale>')
    st = style(number, attrs='default-locale="tr-TR"', locale=specific)
    assert render(st, [{"id": "a", "edition": "6"}, {"id": "b", "edition": "1"}]) == ["6.", "1."]
    generic = '<locale xml:lang="en"><terms><term name="ordinal">°</term></terms></locale>'
    en = style(number, locale=generic)
    # The generic term replaces all of en-US's ordinals: no "st" left for 1.
    assert render(en, [{"id": "a", "edition": "1"}]) == ["1°"]


@pytest.mark.parametrize(
    ("etal_min", "first", "count", "expected"),
    [
        # At most et-al-min - 2 names before "… last"; after one name no delimiter.
        (3, 1, 4, "A. N0 … A. N3"),
        (3, 2, 3, "A. N0 … A. N2"),
        (4, 3, 4, "A. N0, A. N1, … A. N3"),
        (5, 4, 7, "A. N0, A. N1, A. N2, … A. N6"),
        (5, 4, 4, "A. N0, A. N1, A. N2, A. N3"),
    ],
)
def test_et_al_use_last_shows_at_most_et_al_min_minus_two_names(etal_min: int, first: int, count: int,
                                                                expected: str) -> None:
    st = style('<names variable="author"><name initialize-with="." delimiter=", "/></names>',
               bib=f'et-al-min="{etal_min}" et-al-use-first="{first}" et-al-use-last="true" delimiter-precedes-et-al="always"')
    item = {"id": "a", "author": [{"family": f"N{i}", "given": "A"} for i in range(count)]}
    assert render(st, [item]) == [expected]


MLA_LIKE_CITE = (
    '<citation et-al-min="3" et-al-use-first="1" disambiguate-add-names="true" disambiguate-add-givenname="true">'
    '<layout><names variable="author"><name form="short"/></names>'
    '<choose><if disambiguate="true"><text variable="title" prefix=" "/></if></choose></layout></citation>'
)
PEOPLE = [{"family": f"F{i}", "given": "G"} for i in range(30)]


def shown_names(sizes: tuple[int, ...]) -> list[int]:
    st = style('<names variable="author"><name initialize-with="." delimiter=", "/></names>',
               bib='et-al-min="3" et-al-use-first="1"', citation=MLA_LIKE_CITE)
    items = [{"id": f"s{k}", "author": PEOPLE[:n], "title": f"T{k}"} for k, n in enumerate(sizes)]
    return [text.count("G.") for text in render(st, items)]


@pytest.mark.parametrize(
    ("sizes", "expected"),
    [
        # citeproc-js adds names up to the count of the item whose count sorts first
        # as a string ("10" < "5"), plus the cite's own; entries still alike then
        # keep the names of the last step that told one apart.
        ((11, 19, 20), [11, 11, 11]),
        ((9, 19, 20), [9, 19, 19]),
        ((5, 10, 11, 19), [5, 10, 11, 11]),
        ((4, 6, 6, 9), [4, 4, 4, 4]),
        ((3, 10, 11), [3, 10, 10]),
        ((5, 5, 7), [5, 5, 5]),
    ],
)
def test_names_added_for_identical_cites_stop_where_citeproc_js_stops(sizes: tuple[int, ...],
                                                                      expected: list[int]) -> None:
    assert shown_names(sizes) == expected


def test_cites_without_a_year_are_told_apart_by_names_whatever_the_years() -> None:
    st = style('<names variable="author"><name initialize-with="." delimiter=", "/></names>',
               bib='et-al-min="3" et-al-use-first="1"', citation=MLA_LIKE_CITE)
    a = {"id": "a", "author": [PEOPLE[0], PEOPLE[1], PEOPLE[2], PEOPLE[3]], "issued": {"date-parts": [[2017]]}}
    b = {"id": "b", "author": [PEOPLE[0], PEOPLE[5], PEOPLE[6], PEOPLE[7]], "issued": {"date-parts": [[1984]]}}
    # Both cites read "F0 et al." (MLA prints no year): a second name tells them apart.
    assert render(st, [a, b]) == ["G. F0, G. F1, et al.", "G. F0, G. F5, et al."]


def test_a_literal_date_takes_the_place_and_affixes_of_the_year() -> None:
    st = style('<text variable="title"/><date variable="issued" prefix=" "><date-part name="day" suffix=" "/>'
               '<date-part name="month" form="short"/></date>'
               '<date variable="issued" prefix=" "><date-part name="year" prefix="(" suffix=")"/></date>')
    # Printed once, by the date that has a year part, inside that part's affixes.
    assert render(st, [{"id": "a", "title": "T", "issued": {"literal": "ca. 2001"}}]) == ["T (ca. 2001)"]


def test_subsequent_author_substitute_compares_names_not_their_connectors() -> None:
    st = style('<group delimiter=". "><names variable="author"><name and="text" delimiter=", "/></names>'
               '<text variable="title"/></group>',
               bib='et-al-min="3" et-al-use-first="2" subsequent-author-substitute="---"')
    people = [{"family": f"F{i}", "given": "G"} for i in range(4)]
    items = [{"id": "a", "title": "A", "author": people}, {"id": "b", "title": "B", "author": people[:2]},
             {"id": "c", "title": "C", "author": people[1:3]}]
    # "G F0, G F1, et al." then "G F0 and G F1": the same names, so substituted.
    assert render(st, items) == ["G F0, G F1, et al. A", "---. B", "G F1 and G F2. C"]


def test_a_period_after_a_quoted_period_is_dropped_where_punctuation_stays_outside() -> None:
    st = style('<text variable="title" quotes="true" suffix=". "/><text variable="publisher"/>',
               attrs='default-locale="en-GB"')
    got = render(st, [{"id": "a", "title": "Ends.", "publisher": "P"}, {"id": "b", "title": "Why?", "publisher": "P"}])
    assert got == ["\u2018Ends.\u2019 P", "\u2018Why?\u2019. P"]


def test_trailing_space_of_a_second_field_align_entry_goes_after_its_text() -> None:
    st = style('<text variable="citation-number" suffix=". "/><text variable="title" suffix=". "/>',
               bib='second-field-align="flush"')
    ref = st.bibliography([{"id": "a", "title": "T"}])[0]
    assert plain_text(ref.body) == "T."
    assert ref.trailing == " "
    with_suffix = CslStyle.from_string(
        f'<style {NS} version="1.0" class="in-text"><info><id>x</id><title>x</title></info>'
        '<bibliography second-field-align="flush"><layout suffix="."><text variable="citation-number"/>'
        '<text variable="title" suffix=". "/></layout></bibliography></style>')
    # A layout suffix follows the space: it stays where it is ("T. .").
    ref2 = with_suffix.bibliography([{"id": "a", "title": "T"}])[0]
    assert (plain_text(ref2.body), ref2.trailing) == ("T. .", "")


def test_display_block_is_its_own_div_in_citeproc_html() -> None:
    from bibgen.style.cslhtml import to_citeproc_html
    from bibgen.style.nodes import Span

    st = style('<text variable="title" suffix="."/><group display="block"><text variable="note"/></group>'
               '<group display="block"><text variable="abstract"/></group>')
    refs = st.bibliography([{"id": "a", "title": "T", "note": "N"}])
    assert any(isinstance(n, Span) and n.role == "block" for n in refs[0].body)
    # An empty block group prints nothing, not an empty div.
    assert to_citeproc_html(refs) == ('<div class="csl-bib-body">\n  <div class="csl-entry">T.\n\n'
                                      '    <div class="csl-block">N</div>\n</div>\n</div>')


def test_citation_label_is_generated_as_citeproc_js_does() -> None:
    st = style('<text variable="citation-label"/>', sort='<sort><key variable="citation-label"/></sort>',
               citation='<citation disambiguate-add-year-suffix="true"><layout><text variable="citation-label"/></layout></citation>')

    def person(family: str) -> dict:
        return {"family": family, "given": "A"}

    items = [
        {"id": "one", "author": [person("Doe")], "issued": {"date-parts": [[1965]]}},
        {"id": "two", "author": [person("Roe"), person("Noakes")], "issued": {"date-parts": [[1978]]}},
        {"id": "three", "author": [person("Smith"), person("Jones"), person("Brown")], "issued": {"date-parts": [[2001]]}},
        {"id": "five", "author": [person(f) for f in ("Ab", "Cd", "Ef", "Gh", "Ij")], "issued": {"date-parts": [[2010]]}},
        {"id": "van", "author": [{"family": "Berg", "given": "A", "non-dropping-particle": "van der"}],
         "issued": {"date-parts": [[1999]]}},
        {"id": "lit", "author": [{"literal": "The World Health Organization"}], "issued": {"date-parts": [[2019]]}},
        {"id": "title", "title": "On the origin of species", "issued": {"date-parts": [[1859]]}},
        {"id": "nodate", "author": [person("Ngũgĩ")]},
        {"id": "own", "citation-label": "XYZ", "author": [person("Zed")]},
        {"id": "ed", "editor": [person("Editor")], "issued": {"date-parts": [[2005]]}},
        {"id": "one2", "author": [person("Doe")], "issued": {"date-parts": [[1965]]}},
    ]
    # Sorted by the label; identical labels get year-suffixes (citeproc-js 1.4.61).
    assert render(st, items) == ["ACEG10", "Berg99", "Doe65a", "Doe65b", "Edit05", "Ngũg00", "Onor59", "RoNo78",
                                 "SmJB01", "Worl19", "XYZ"]


def test_nodecor_in_data_undoes_the_styles_formatting_and_case() -> None:
    st = style('<text variable="title" font-style="italic" text-case="capitalize-all"/>')
    refs = st.bibliography([{"id": "a", "title": 'lessard <span class="nodecor">v.</span> schmidt'}])
    assert nodes_html(refs[0].body) == '<i>Lessard <span style="font-style:normal;">v.</span> Schmidt</i>'
    plain = style('<text variable="title"/>')
    # Outside any formatting it is plain text, with no markup left over.
    assert render(plain, [{"id": "a", "title": 'a <span class="nodecor">b</span> c'}]) == ["a b c"]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("<b>John</b> Quiggly", "<b>J.</b> Q."),
        ("<b>John</b>-Quiggly", "<b>J.</b>-Q."),
        ("John <i>Quiggly</i>", "J.<i> Q.</i>"),
    ],
)
def test_initials_keep_the_markup_of_their_given_names(given: str, expected: str) -> None:
    st = style('<names variable="author"><name initialize-with=". " form="long"/></names>')
    ref = st.bibliography([{"id": "a", "author": [{"family": "Doe", "given": given}]}])[0]
    assert nodes_html(ref.body) == f"{expected} Doe"


def test_an_unbalanced_tag_in_a_given_name_stays_text() -> None:
    st = style('<names variable="author"><name initialize-with=". " form="long"/></names>')
    ref = st.bibliography([{"id": "a", "author": [{"family": "Doe", "given": "<b>John Quiggly"}]}])[0]
    # Never markup (citeproc-js goes on to initialize "John": "<b>J. Q."; bibgen leaves the name whole).
    assert nodes_html(ref.body).startswith("&#60;b&#62;John")


@pytest.mark.parametrize(("term", "expected"), [("等", "A N0等"), ("u. a.", "A N0 u. a.")])
def test_an_et_al_term_that_is_not_latin_joins_without_a_space(term: str, expected: str) -> None:
    locale = f'<locale><terms><term name="et-al">{term}</term></terms></locale>'
    st = style('<names variable="author"><name/></names>', bib='et-al-min="2" et-al-use-first="1"', locale=locale)
    assert render(st, [{"id": "a", "author": [{"family": f"N{i}", "given": "A"} for i in range(3)]}]) == [expected]


def test_display_parts_become_citeproc_js_divs() -> None:
    from bibgen.style.cslhtml import to_citeproc_html

    st = style('<group display="block"><text variable="title"/></group>'
               '<group display="indent"><text variable="note"/></group>')
    html = to_citeproc_html(st.bibliography([{"id": "a", "title": "T", "note": "N"}]))
    # As citeproc-js 1.4.61 writes them.
    assert html.split("\n", 1)[1] == ('  <div class="csl-entry">\n\n    <div class="csl-block">T</div>\n'
                                      '<div class="csl-indent">N</div>\n  </div>\n</div>')


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ('on <span class="nocase">Einstein\'s</span> theory', "On Einstein\u2019s Theory"),
        ('<span class="nocase">l\'histoire d\'O</span>', "l\u2019histoire d\u2019O"),
        ('<i>Einstein\'s</i> <span class="nocase">it\'s</span>', "Einstein\u2019s it\u2019s"),
    ],
)
def test_an_apostrophe_inside_a_nocase_span_is_typographic(title: str, expected: str) -> None:
    # citeproc-js 1.4.61 (bench/citeproc_pages.js): nocase only stops re-casing; quotes are still data quotes.
    st = style('<text variable="title" text-case="title"/>')
    assert render(st, [{"id": "a", "type": "book", "title": title}]) == [expected]


def test_quotes_inside_a_nocase_span_flip_like_any_other() -> None:
    st = style('<text variable="note" quotes="true"/><text variable="note" prefix=" | "/>')
    note = '<span class="nocase">Einstein\'s "big" \'idea\' rock\'n\'roll</span>'
    # As citeproc-js 1.4.61 prints it.
    assert render(st, [{"id": "a", "type": "book", "note": note}]) == [
        "\u201cEinstein\u2019s \u2018big\u2019 \u2018idea\u2019 rock\u2019n\u2019roll\u201d"
        " | Einstein\u2019s \u201cbig\u201d \u2018idea\u2019 rock\u2019n\u2019roll"]


def test_adjacent_display_blocks_stay_separate_blocks() -> None:
    from bibgen.render.plain import plain_text as lines
    from bibgen.style.cslhtml import to_citeproc_html

    st = style('<text variable="title" suffix=". "/><group display="block"><text variable="archive"/></group>'
               '<group display="block"><text variable="abstract"/></group>'
               '<group display="block"><text variable="note"/></group>')
    refs = st.bibliography([{"id": "a", "title": "T", "archive": "arXiv", "abstract": "We introduce X.", "note": "N"}])
    # citeproc-js 1.4.61: three divs, and in its text output three lines.
    assert to_citeproc_html(refs).split("\n", 1)[1] == (
        '  <div class="csl-entry">T. \n\n    <div class="csl-block">arXiv</div>\n\n\n'
        '    <div class="csl-block">We introduce X.</div>\n\n\n    <div class="csl-block">N</div>\n</div>\n</div>')
    assert lines(refs[0].body) == "T. \narXiv\nWe introduce X.\nN"
