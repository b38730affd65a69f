"""BibTeX reader: values, macros, names, crossref, field mapping, diagnostics."""

from __future__ import annotations

import pytest

from bibgen.errors import InputError, StrictError
from bibgen.model import EntryKind, Person
from bibgen.pipeline import Options
from bibgen.readers.bibtex import BibtexReader, parse_person


def read(text: str, **opts):  # type: ignore[no-untyped-def]
    options = Options(**opts)
    entries = BibtexReader().read(text.encode("utf-8"), "refs.bib", options)
    return entries, options.diagnostics


SAMPLE = r"""% a comment line
@string{ acm = "ACM" }
@STRING{conf = {Proc. of } # acm}

@Article{Oord2016,
  Author = {van den Oord, A{\"a}ron and Smith, Jr, John and {World Health Organization} and others},
  title = {On $\alpha$ the {BERT} 50\% \& co},
  journal = acm # " Journal",
  month = jan,
  year = 2016,
  pages = {1--10},
  ids = {old1, old2},
  doi = {10.1000/x\_y},
  Custom-Field = {kept as is},
  keywords = {a, b; c},
}

@inproceedings{child, title = {Child}, crossref = {parent}, pages = {3--4}}
@proceedings{parent, title = {Big Conference}, booktitle = {Big Conference}, year = {2020}, publisher = conf}
@misc{arx, title = {Pre}, eprint = {2401.00001}, archiveprefix = {arXiv}, primaryclass = {cs.LG}}
@online{bl, title = {Online}, date = {2021-03-05}, eprinttype = {arxiv}, eprintclass = {cs.AI}, journaltitle = {J}}
@mastersthesis{mt, author = {Doe, Jane}, title = {T}, school = {MIT}, year = {1999}}
"""


def test_sample_fields_and_people() -> None:
    entries, diags = read(SAMPLE)
    by_key = {e.key: e for e in entries}
    assert list(by_key) == ["Oord2016", "child", "parent", "arx", "bl", "mt"]
    e = by_key["Oord2016"]
    assert e.kind is EntryKind.ARTICLE
    assert e.title == "On $\\alpha$ the BERT 50% & co"
    assert e.get("container") == "ACM Journal"
    assert e.get("month") == "1"
    assert e.get("year") == "2016"
    assert e.get("pages") == "1–10"
    assert e.get("doi") == "10.1000/x_y"
    assert e.get("custom-field") == "kept as is"
    assert e.get("keywords") == "a, b; c"  # split on ";" when the field uses it
    assert e.aliases == ("old1", "old2")
    assert e.authors == (
        Person(family="Oord", given="Aäron", particle="van den"),
        Person(family="Smith", given="John", suffix="Jr"),
        Person(literal="World Health Organization"),
    )
    assert e.partial == frozenset({"author"})
    assert e.origin.line == 5 and e.origin.path == "refs.bib"
    assert not diags.items


def test_crossref_macros_and_biblatex_fields() -> None:
    entries, _ = read(SAMPLE)
    by_key = {e.key: e for e in entries}
    child = by_key["child"]
    assert child.kind is EntryKind.INPROCEEDINGS
    assert child.get("container") == "Big Conference"
    assert child.get("year") == "2020"
    assert child.get("publisher") == "Proc. of ACM"
    assert child.fields["crossref"] == "parent"  # resolved, and kept: written back
    assert by_key["arx"].kind is EntryKind.PREPRINT
    assert by_key["arx"].get("eprinttype") == "arxiv"
    assert by_key["arx"].get("eprintclass") == "cs.LG"
    bl = by_key["bl"]
    assert (bl.kind, bl.get("year"), bl.get("month"), bl.get("day")) == (EntryKind.ONLINE, "2021", "3", "5")
    assert (bl.get("eprinttype"), bl.get("eprintclass"), bl.get("container")) == ("arxiv", "cs.AI", "J")
    mt = by_key["mt"]
    assert (mt.kind, mt.get("publisher"), mt.get("type")) == (EntryKind.THESIS, "MIT", "Master's thesis")


BROKEN = "@article{a, title={One}}\n\n@article{a, title={Dup}}\n\n@misc{bad, title = {open\n\n@book{b, title = {Two}}\n"


def test_a_broken_block_is_an_error_at_its_brace() -> None:
    with pytest.raises(InputError) as info:
        read(BROKEN)
    assert str(info.value).startswith("refs.bib:5:20: error: unbalanced braces: no closing '}'")
    assert "--keep-going" in info.value.hint


def test_keep_going_skips_broken_blocks_with_line_and_rest_loads() -> None:
    entries, diags = read(BROKEN, keep_going=True)
    assert [e.key for e in entries] == ["a", "b"]
    assert entries[1].origin.line == 7
    msgs = [str(d) for d in diags.items]
    assert any(m.startswith("refs.bib:3:1: warning: duplicate citation key 'a'") for m in msgs), msgs
    assert any(m.startswith("refs.bib:5:20: warning: unbalanced braces") and "@misc 'bad' skipped" in m for m in msgs), msgs
    assert sorted((o.line, o.column) for o in diags.skipped) == [(3, 1), (5, 20)]


def test_keep_going_under_strict_is_still_an_error() -> None:
    with pytest.raises(StrictError):
        read(BROKEN, keep_going=True, strict=True)


def test_strict_turns_parse_warnings_into_errors() -> None:
    with pytest.raises(StrictError) as info:
        read("@article{a, title={One}}\n@article{a, title={Dup}}\n", strict=True)
    assert info.value.origin is not None and info.value.origin.line == 2


def test_undefined_macro_warns() -> None:
    entries, diags = read("@article{a, journal = nosuch}")
    assert entries[0].get("container") == "nosuch"
    assert "undefined macro 'nosuch'" in diags.items[0].message


def test_not_bibtex_is_input_error() -> None:
    with pytest.raises(InputError) as info:
        read('\n  {"id": "x", "title": "json"}\n')
    assert info.value.origin is not None and (info.value.origin.line, info.value.origin.column) == (2, 3)


def test_empty_and_comment_only_files_have_no_entries() -> None:
    assert read("")[0] == []
    assert read("% nothing here\n\n")[0] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ludwig van Beethoven", Person(family="Beethoven", given="Ludwig", particle="van")),
        ("de la Fontaine, Jean", Person(family="Fontaine", given="Jean", particle="de la")),
        ("Charles Louis Xavier Joseph de la Vall{\\'e}e Poussin",
         Person(family="Vallée Poussin", given="Charles Louis Xavier Joseph", particle="de la")),
        ("{Barnes and Noble, Inc.}", Person(literal="Barnes and Noble, Inc.")),
        ("King, Jr., Martin Luther", Person(family="King", given="Martin Luther", suffix="Jr.")),
        ("M{\\\"u}ller, J{\\\"o}rg", Person(family="Müller", given="Jörg")),
    ],
)
def test_parse_person(text: str, expected: Person) -> None:
    assert parse_person(text) == expected


def test_name_lists_broken_over_lines_split_into_people():
    # DBLP's and the ACL Anthology's shape: one name per line after "and".
    from bibgen.readers.bibtex import parse_people

    people, partial = parse_people("Nitish Srivastava and\n                  Geoffrey E. Hinton and\tAlex  Krizhevsky")
    assert [p.family for p in people] == ["Srivastava", "Hinton", "Krizhevsky"] and not partial


def test_derived_arxiv_howpublished_reads_back_as_the_eprint_only():
    from bibgen.pipeline import Options, export

    bib = "@misc{a, title = {T}, eprint = {1512.03385}, archiveprefix = {arXiv}, primaryclass = {cs.CV}}\n"
    once = export_text(bib)
    assert "howpublished = {arXiv:1512.03385 [cs.CV]}" in once
    assert export_text(once) == once
    assert "howpublished" not in export_text(once, "biblatex")  # biblatex prints the eprint fields itself
    # A howpublished that says more than the identifier is the user's: kept.
    other = export_text(bib.replace("title = {T}", "title = {T}, howpublished = {arXiv:1512.03385, v2 of the talk}"))
    assert "howpublished = {arXiv:1512.03385, v2 of the talk}" in other


def export_text(bib: str, fmt: str = "bibtex") -> str:
    import tempfile
    from pathlib import Path

    from bibgen.pipeline import Options, export

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "in.bib"
        path.write_text(bib)
        return export([path], fmt, Options())


# ---------------------------------------------------------------- plain names without pybtex

from hypothesis import given as _given  # noqa: E402
from hypothesis import settings as _settings  # noqa: E402
from hypothesis import strategies as _st  # noqa: E402

_NAME_PIECES = ["Anna", "van", "der", "de", "La", "Jr", "Jr.", "III", "K.", "J.-L.", "Jean-Luc", "d'Alembert",
                "O'Brien", "ø", "Øst", "1st", "é", "ǅa", " ", "  ", ",", ", ", "~", "-", "and", " and ", " AND ",
                "al", ".", "Ngọc", "ß", "'", "\t", "\n", "中文", "x", "{", "}", "\\'e", "others",
                # LaTeX inside and at the start of words (the fast path takes the former only)
                "Lef{\\`e}vre", "{\\'e}", "Fran\\c{c}ois", "\\c{c}", "{DeepMind Team}", "{a,b}", "\\~{n}",
                "\\ ", "{Van}", "{\\\"O}zil", "d{\\'e}", "{\\'E}mile", "Mc{G}ill", "\\", "{{x}}", "von{x}"]


@_settings(max_examples=1500, deadline=None)
@_given(_st.lists(_st.sampled_from(_NAME_PIECES), min_size=1, max_size=9).map("".join))
def test_plain_names_split_as_pybtex_splits_them(text: str) -> None:
    from pybtex.bibtex.utils import split_name_list
    from pybtex.database import Person as PybtexPerson

    from bibgen.readers.bibtex import _AND_RE, _split_plain_name

    if "{" not in text:
        assert ([n.strip() for n in _AND_RE.split(text)] if text else []) == split_name_list(text)
    name = text.strip()
    fast = _split_plain_name(name) if name else None
    if fast is not None:
        p = PybtexPerson(name)
        assert fast == (p.last_names, p.first_names + p.middle_names, p.prelast_names, p.lineage_names)
