"""Issue 12: every entry, type, field and LaTeX value survives from input to output."""

from __future__ import annotations

import json

import pytest

from bibgen.dates import csl_date, parse_edtf
from bibgen.latex import decode, encode, unknown_commands
from bibgen.model import EntryKind
from bibgen.pipeline import Options, normalize_entry
from bibgen.readers.bibtex import read_bibtex, split_names
from bibgen.readers.csljson import CslJsonReader
from bibgen.mappings.types import BIBLATEX_TYPES, BIBTEX_TYPES, CSL_TYPES, ROWS, output_type
from bibgen.writers.biblatex import BiblatexWriter
from bibgen.writers.bibtex import BibtexWriter
from bibgen.writers.csljson import CslJsonWriter, csl_item


def read(text: str, path: str = "t.bib") -> tuple[list, Options]:
    options = Options()
    return [normalize_entry(e) for e in read_bibtex(text, path, options)], options


def warnings(options: Options) -> list[str]:
    return [str(d) for d in options.diagnostics.sorted() if d.severity.value == "warning"]


def bibtex(text: str) -> str:
    entries, _ = read(text)
    return BibtexWriter().write(entries, Options())


def biblatex(text: str) -> str:
    entries, _ = read(text)
    return BiblatexWriter().write(entries, Options())


# ---------------------------------------------------------------- LaTeX values


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"The book, an \mbox{M} box and news \LaTeX{}", "The book, an M box and news LaTeX"),
        (r"{\noopsort{Z}}Zed", "Zed"),
        (r"\url{a~b}", "a~b"),
        (r"${\rm GaN}(000\bar{1})$", r"${\rm GaN}(000\bar{1})$"),
        ("Cats & Dogs", "Cats & Dogs"),
        (r"\texttt{grep} \emph{now}", "grep now"),
        (r"{\apj}", "ApJ"),
    ],
)
def test_decode_renders_commands_never_drops_them(latex, text):
    assert decode(latex) == text


def test_unknown_command_is_kept_as_written_with_a_warning_naming_file_line():
    entries, options = read("@book{b,\n  title = {The {\\CSTUG{}} news \\foo{x}},\n  year = 2001}\n")
    assert entries[0].title == "The \\CSTUG{} news \\foo{x}"
    assert unknown_commands(r"{\CSTUG{}} \foo{x} $\alpha$") == ["CSTUG", "foo"]
    [w] = warnings(options)
    assert w.startswith("t.bib:1:1: warning:") and "\\CSTUG" in w and "\\foo" in w


def test_unchanged_values_are_written_back_as_their_source():
    src = r"""@preamble{"\providecommand{\noopsort}[1]{}"}
@manual{m, title = {An \mbox{M} box, {\CSTUG{}} and \LaTeX{}}, organization = {CSTUG}, year = 2001,
  note = {Cats & Dogs, ${\rm GaN}(000\bar{1})$ and \url{http://x.org/~a}}, x-custom = {{\noopsort{Z}}Zed}}
"""
    for out in (bibtex(src), biblatex(src)):
        assert out.startswith('@preamble{"\\providecommand{\\noopsort}[1]{}"}\n\n@manual{m,')
        assert r"title = {An \mbox{M} box, {\CSTUG{}} and \LaTeX{}}," in out
        assert "organization = {CSTUG}," in out
        # a bare & would stop LaTeX: escaped; math and \url stay as written
        assert r"note = {Cats \& Dogs, ${\rm GaN}(000\bar{1})$ and \url{http://x.org/~a}}," in out
        assert r"x-custom = {{\noopsort{Z}}Zed}," in out


def test_a_changed_value_is_rendered_from_its_text():
    entries, _ = read("@misc{m, title = {Old \\emph{title}}, year = 2001}")
    changed = entries[0].replace(fields=entries[0].fields.set(title="New & improved"))
    out = BibtexWriter().write([changed], Options())
    # Rendered from the new text: "&" escaped, no source form; case protection by the writer's rule (never the first word).
    assert r"title = {New \& improved}," in out and "emph" not in out


def test_string_macros_expand_and_undefined_ones_stay_references():
    src = '@string{aap = "Astron. Astrophys."}\n@article{a, journal = aap # " Suppl.", publisher = mnpress, year = 2000, month = jan}'
    entries, options = read(src)
    assert entries[0].get("container") == "Astron. Astrophys. Suppl."
    out = bibtex(src)
    assert "journal = {Astron. Astrophys. Suppl.}," in out
    assert "publisher = {mnpress}," not in out and "publisher = mnpress," in out  # still a macro reference
    assert "month = jan," in out
    assert any("undefined macro 'mnpress'" in w for w in warnings(options))


# ---------------------------------------------------------------- names


@pytest.mark.parametrize("sep", [" and\n", "\tand\t", " and\r\n   ", "\nAND "])
def test_and_with_any_whitespace_separates_names(sep):
    entries, _ = read("@article{a, author = {Michael A. Langston" + sep + "W. Henry Suters}, title = {T}}")
    assert [p.family for p in entries[0].authors] == ["Langston", "Suters"]


def test_names_split_at_depth_zero_only_with_particles_suffixes_hyphens():
    value = "{Barnes and Noble} and van Beethoven, Ludwig and King, Jr., Martin Luther and Jean-Paul Sartre"
    assert split_names(value)[0][0] == "{Barnes and Noble}"
    entries, _ = read("@book{b, author = {" + value + "}, title = {T}}")
    a = entries[0].authors
    assert a[0].literal == "Barnes and Noble"
    assert (a[1].particle, a[1].family) == ("van", "Beethoven")
    assert (a[2].family, a[2].suffix, a[2].given) == ("King", "Jr.", "Martin Luther")
    assert (a[3].given, a[3].family) == ("Jean-Paul", "Sartre")


@pytest.mark.parametrize("value", ["B and", "and B", "A and and B"])
def test_a_dangling_and_is_a_warning_with_file_line(value):
    entries, options = read("@misc{m,\n  author = {" + value + "}}")
    assert [p.family for p in entries[0].authors if p.family] in (["B"], ["A", "B"])
    assert any(w.startswith("t.bib:1:1:") and "dangling" in w for w in warnings(options))
    assert " and}" not in bibtex("@misc{m,\n  author = {" + value + "}}")


def test_biblatex_extended_names_read_and_given_to_bibtex_as_names():
    src = "@book{b, author = {family=Rabble, given=Richard, prefix=von}, title = {T}}"
    [e], _ = read(src)
    assert (e.authors[0].family, e.authors[0].particle, e.authors[0].given) == ("Rabble", "von", "Richard")
    assert "author = {von Rabble, Richard}," in bibtex(src)
    assert "author = {family=Rabble, given=Richard, prefix=von}," in biblatex(src)


# ---------------------------------------------------------------- types


def test_every_type_keeps_its_identity_in_its_own_dialect():
    for t in sorted(BIBTEX_TYPES):
        assert bibtex(f"@{t}{{k, title = {{T}}, year = 2000}}").startswith(f"@{t}{{k,"), t
    for t in sorted(BIBLATEX_TYPES):
        assert biblatex(f"@{t}{{k, title = {{T}}, year = 2000}}").startswith(f"@{t}{{k,"), t
    for t in sorted(CSL_TYPES):
        item = {"id": "k", "type": t, "title": "T"}
        entries = CslJsonReader().read(json.dumps([item]).encode(), "t.json", Options())
        assert json.loads(CslJsonWriter().write(entries, Options()))[0]["type"] == t


def test_unknown_bib_types_are_written_back():
    assert bibtex("@customa{k, title = {T}}").startswith("@customa{k,")


def test_cross_dialect_types_follow_the_table():
    for row in ROWS:
        if row.dialect == "bib":
            out = bibtex(f"@{row.type}{{k, title = {{T}}, year = 2000}}")
            assert out.startswith(f"@{output_type('bibtex', 'bib', row.type)}{{k,"), row
            entries, _ = read(f"@{row.type}{{k, title = {{T}}, year = 2000}}")
            assert csl_item(entries[0])["type"] == row.csl, row


@pytest.mark.parametrize(
    ("src", "bibtex_has", "biblatex_has"),
    [
        ("@manual{k, title = {T}, organization = {ACME}}", ["@manual{k,", "organization = {ACME},"], ["@manual{k,", "organization = {ACME},"]),
        ("@mastersthesis{k, title = {T}, school = {MIT}}", ["@mastersthesis{k,", "school = {MIT},"], ["@mastersthesis{k,", "institution = {MIT},"]),
        ("@inbook{k, title = {C}, booktitle = {B}, chapter = 3}", ["@inbook{k,", "booktitle = {B},", "chapter = {3},"], ["@inbook{k,", "booktitle = {B},"]),
        ("@proceedings{k, title = {P}, editor = {E, F}}", ["@proceedings{k,", "editor = {E, F},"], ["@proceedings{k,"]),
        ("@unpublished{k, title = {U}, note = {N}}", ["@unpublished{k,", "note = {N},"], ["@unpublished{k,"]),
        ("@thesis{k, title = {T}, institution = {MIT}, type = {phdthesis}}", ["@phdthesis{k,", "school = {MIT},"], ["@thesis{k,", "institution = {MIT},", "type = {phdthesis},"]),
    ],
)
def test_fields_move_with_their_meaning(src, bibtex_has, biblatex_has):
    out, out_l = bibtex(src), biblatex(src)
    for s in bibtex_has:
        assert s in out, out
    for s in biblatex_has:
        assert s in out_l, out_l
    assert "type = {Master's thesis}" not in out


def test_both_spellings_of_a_field_are_kept():
    out = biblatex("@inproceedings{k, title = {T}, location = {Shanghai}, address = {New York}}")
    assert "location = {Shanghai}," in out and "address = {New York}," in out


def test_yaml_type_and_venue_keep_the_venue(tmp_path):
    from bibgen.pipeline import export

    p = tmp_path / "r.yaml"
    p.write_text("records:\n  - {key: a, type: article, title: T, year: 2020, venue: Journal of Things}\n"
                 "  - {key: b, type: thesis, title: U, year: 2020, venue: MIT}\n", encoding="utf-8")
    out = export([p], "bibtex")
    assert "journal = {{Journal} of {Things}}," in out and "school = {{MIT}}," in out or "school = {MIT}," in out


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("date", "year", "month", "parts"),
    [
        ("1996-12-10/1996-12-12", "1996", "12", {"date-parts": [[1996, 12, 10], [1996, 12, 12]]}),
        ("2021-03-04T10:15:00Z", "2021", "3", {"date-parts": [[2021, 3, 4]]}),
        ("2019-03/..", "2019", "3", {"date-parts": [[2019, 3]], "raw": "2019-03/.."}),
        ("../1990", "1990", "", {"date-parts": [[1990]], "raw": "../1990"}),
        ("2020-21", "2020", "Spring", {"date-parts": [[2020]], "season": 1}),
        ("1999?", "1999", "", {"circa": True, "date-parts": [[1999]]}),
        ("2004-03", "2004", "3", {"date-parts": [[2004, 3]]}),
    ],
)
def test_dates_ranges_datetimes_seasons_uncertain(date, year, month, parts):
    src = f"@online{{k, title = {{T}}, date = {{{date}}}, urldate = {{2020-01-02}}, eventdate = {{2019-05-01/2019-05-03}}}}"
    [e], options = read(src)
    assert e.get("year") == year and e.get("month") == month
    item = csl_item(e)
    assert item["issued"] == parts
    assert item["accessed"] == {"date-parts": [[2020, 1, 2]]}
    assert item["event-date"] == {"date-parts": [[2019, 5, 1], [2019, 5, 3]]}
    out = bibtex(src)
    assert f"year = {{{year}}}," in out
    assert f"date = {{{date}}}," in biblatex(src)
    assert not warnings(options)


def test_a_date_that_is_not_edtf_is_kept_with_a_warning():
    [e], options = read("@misc{k, title = {T}, date = {1996-13-03}}")
    assert e.get("date") == "1996-13-03"
    assert parse_edtf("1996-13-03") is None and csl_date("1996-13-03") is None
    assert any("not an ISO 8601/EDTF date" in w for w in warnings(options))


# ---------------------------------------------------------------- output that compiles


@pytest.mark.parametrize(
    ("text", "utf8", "ascii"),
    [
        ("Nguyễn", r"Nguy{\~{\^{e}}}n", r"Nguy{\~{\^{e}}}n"),
        ("Z\u0303 2\u0304", r"{\~{Z}} {\={2}}", r"{\~{Z}} {\={2}}"),
        ("Ångström", "Ångström", r"{\r{A}}ngstr{\"{o}}m"),
        ("Thủy", "Thủy", "Thủy"),  # hook above: T1 has no command; kept, never dropped
    ],
)
def test_characters_pdflatex_cannot_print_become_accent_commands(text, utf8, ascii):
    assert encode(text) == utf8
    assert encode(text, ascii=True) == ascii
    assert decode(encode(text)) == text and decode(encode(text, ascii=True)) == text


def test_source_form_characters_without_t1_mapping_become_accent_commands():
    out = bibtex("@misc{k, title = {Z\u0303 and Nguyễn \\'e}}")
    assert r"title = {{\~{Z}} and Nguy{\~{\^{e}}}n \'e}," in out


# ---------------------------------------------------------------- keywords


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("Computer Simulation; Models, Biological; Software", ["Computer Simulation", "Models, Biological", "Software"]),
        ("a, b, c", ["a", "b", "c"]),
    ],
)
def test_keywords_split_on_the_separator_the_field_uses(value, words):
    [e], _ = read("@misc{k, title = {T}, keywords = {" + value + "}}")
    assert e.get("keywords").split("; ") == words
    item = csl_item(e)
    assert item["keyword"] == "; ".join(words) if ";" in value else item["keyword"] == "; ".join(words)


@pytest.mark.parametrize("value", [r"\vspace{1em}", r"\hspace{2cm}", r"\vspace*{ a b }"])
def test_latex_that_decodes_to_nothing_is_kept_as_written(value: str) -> None:
    """Before, such a field was dropped from every output without a word."""
    entries, _ = read("@misc{k, title = {T}, note = {" + value + "}, howpublished = {{}}}")
    assert entries[0].fields["note"] == value
    assert "howpublished" not in entries[0].fields  # (an empty value is no value)
    assert "note = {" + value + "}" in bibtex("@misc{k, title = {T}, note = {" + value + "}}")
