"""Round trip over the realistic .bib space: every entry type, every BibTeX and biblatex field.

test_lossless_roundtrip.py draws from a score of field names; real files (the
held-out .bib files of other projects) use the whole biblatex data model. Here a
generated file has any type of the type table (spelled in any case), any field
of the biblatex manual (§2.2) and BibTeX's aliases (§2.2.5), fields holding the
same text, values with accents, math, nested braces, escapes and unknown
commands, ``@string`` macros (alone and in ``#`` concatenations) and
``crossref`` children. It is read, written by the biblatex writer (which has a
name for everything) and by the BibTeX writer, and read again: every entry, name
list and field text comes back (field names up to the dialect's own spelling).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bibgen.pipeline import Options, normalize_entry
from bibgen.preprint import arxiv_year_month
from bibgen.readers.bibtex import read_bibtex
from bibgen.readers.yaml import YamlReader
from bibgen.mappings.types import BIBLATEX_TYPES, BIBTEX_TO_BIBLATEX, BIBTEX_TYPES, ROWS
from bibgen.writers.biblatex import BiblatexWriter
from bibgen.writers.bibtex import BibtexWriter
from bibgen.writers.yaml import YamlWriter

BIB_TYPES = sorted({r.type for r in ROWS if r.dialect == "bib"})
# biblatex manual §2.2.2 data fields and §2.2.3 special fields (name lists, dates and
# keys apart), and §2.2.5 the BibTeX aliases.
TEXT_FIELDS = """abstract addendum annotation authortype bookpagination booksubtitle booktitle booktitleaddon chapter
edition editortype eid entrysubtype eventtitle eventtitleaddon howpublished indextitle institution isan isbn ismn isrn
issn issue issuesubtitle issuetitle iswc journalsubtitle journaltitle label language library location mainsubtitle
maintitle maintitleaddon nameaddon note number organization origlanguage origlocation origpublisher origtitle pages
pagetotal pagination part publisher pubstate reprinttitle series shorthand shorthandintro shortjournal shortseries
shorttitle subtitle title titleaddon type venue version volume volumes
execute gender langid langidopts indexsorttitle keywords options presort relatedoptions relatedtype relatedstring
sortkey sortshorthand sorttitle sortyear
address annote archiveprefix journal key primaryclass school eprintclass eprinttype mrnumber x-custom
owner timestamp groups comment mendeley-tags readstatus ranking adsurl adsnote bdsk-url-1 zbl""".split()
NAME_FIELDS = """author editor translator annotator commentator introduction foreword afterword bookauthor holder
editora editorb editorc shortauthor shorteditor sortname""".split()
DATE_FIELDS = ["date", "urldate", "eventdate", "origdate"]
VERBATIM_FIELDS = ["url", "doi", "eprint", "file", "pdf"]

SNIPPETS = [
    "Plain words", r"{\"o}ber", r"caf\'e", r"{\~Z}", r"Nguy{\~{\^e}}n", r"\c{c}a", r"{\ss}", r"\aa{}", r"\v{S}imon",
    r"{\'\i}", r"\'{\i}", r"$\alpha$-helix", r"${\rm GaN}(000\bar{1})$", r"$x^{2}_{i}$", r"$\{0,1\}^n$", r"{BYOL}",
    r"{{Nested} Braces}", r"{\noopsort{Z}}Zed", r"\mbox{M}", r"\LaTeX{}", r"{\CSTUG{}}", r"\emph{new}", r"\textbf{B}",
    r"\textsc{Acm}", r"Cats \& Dogs", r"50\%", r"\#1", r"a--b", "a---b", "``quoted''", r"\url{http://x.org/~a}",
    r"\href{http://x.org/a\#b}{link}", "Ångström", "深度学习", "x~y", "and", "AND others", r"{\relax Ch}ristoph",
    "Title: A Subtitle", "x, y; z", "3", "12--15", "e1002",
]  # fmt: skip
# Free text as people type it, with the characters BibTeX and LaTeX treat specially
# (braces and backslashes only in the snippets, where they are balanced).
FREE = "abcXYZ019 -.,:;!?'()[]/&_^~#@*+=<>|\"$%éüßØ—–…“”\u00a0\t"
free = st.text(alphabet=FREE, min_size=1, max_size=24).map(lambda t: " ".join(t.split())).filter(bool)
words = st.lists(st.one_of(st.sampled_from(SNIPPETS), free), min_size=1, max_size=4).map(" ".join)
PERSONS = ["Smith, Ann", "van den Oord, Aäron", "de la Fontaine, Jean", "{World Health Organization}", r"M{\"u}ller, J. R. R.",
           r"Nguy{\~{\^e}}n, Minh", "O'Brien, M.", "King, Jr., Martin", "Jean-Paul Sartre", r"{\'E}mile Zola",
           "Ludwig van Beethoven", "Aristotle", "{van Gogh}, Vincent", "{Barnes and Noble, Inc.}",
           r"{\relax Ch}ristoph Müller", "Jean-Marie Le{ }Pen", "von Neumann, John", "{IEEE}", "others"]  # fmt: skip
names = st.lists(st.sampled_from(PERSONS[:-1]), min_size=1, max_size=4).flatmap(
    lambda ns: st.booleans().map(lambda more: " and ".join(ns + (["others"] if more else [])))
)
DATES = ["2001", "2001-02", "2001-02-03", "2001/2003", "2001-02/2001-05", "2001/", "2001~", "2001?", "2001-21",
         "2001-02-03T10:20:30", "-0044"]  # fmt: skip
URLS = ["https://example.org/a_b?x=1&y=2", "http://x.org/~user/%20", "10.1000/xyz_(1)", "2401.00001", "doc.pdf:PDF"]
MONTHS = ["jan", "{March}", "12", "{jun}", "aug # {~1}"]


def value_for(name: str):  # type: ignore[no-untyped-def]
    if name in NAME_FIELDS:
        return names
    if name in DATE_FIELDS:
        return st.sampled_from(DATES)
    if name in VERBATIM_FIELDS:
        return st.sampled_from(URLS)
    if name == "month":
        return st.sampled_from(MONTHS)
    if name == "year":
        return st.sampled_from(["2020", "1999", "{19}99", "2020a", "n.d."])
    return words


def braced(name: str, v: str, quoted: bool = False) -> str:
    if name == "month" and not v.startswith("{"):
        return v  # a macro (or a concatenation)
    if quoted and '"' not in v and not v.startswith("{"):
        return '"' + v + '"'  # (a double quote in "..." would need its own braces)
    return "{" + v + "}"


@st.composite
def bib_files(draw):  # type: ignore[no-untyped-def]
    macros = draw(st.lists(words, max_size=3))
    blocks = [f"@string{{mac{i} = {{{m}}}}}\n" for i, m in enumerate(macros)]
    n = draw(st.integers(1, 3))
    shared = draw(words)  # one text several fields hold (a school equal to a publisher)
    for i in range(n):
        etype = draw(st.sampled_from(BIB_TYPES))
        etype = draw(st.sampled_from([etype, etype.capitalize(), etype.upper()]))
        chosen = draw(st.lists(st.sampled_from(TEXT_FIELDS + NAME_FIELDS + DATE_FIELDS + VERBATIM_FIELDS + ["year", "month"]),
                               min_size=1, max_size=8, unique=True))  # fmt: skip
        lines = []
        if "title" not in chosen and draw(st.booleans()):
            chosen = ["title", *chosen]
        for name in chosen:
            label = draw(st.sampled_from([name, name, name.capitalize()]))
            how = draw(st.integers(0, 9))
            if name in TEXT_FIELDS and how == 0:
                text = shared
            elif name in TEXT_FIELDS and macros and how == 1:
                lines.append(f"{label} = mac{draw(st.integers(0, len(macros) - 1))}")
                continue
            elif name in TEXT_FIELDS and macros and how == 2:
                lines.append(f"{label} = {{{draw(words)}}} # mac{draw(st.integers(0, len(macros) - 1))}")
                continue
            else:
                text = draw(value_for(name))
            lines.append(f"{label} = {braced(name, text, draw(st.booleans()))}")
        if i and draw(st.booleans()):
            lines.append("crossref = {key0}")
        sep = draw(st.sampled_from([",\n  ", ", ", ",\n\t"]))
        if draw(st.integers(0, 5)) == 0:
            blocks.append(draw(st.sampled_from(["@comment{a note}\n", "free text between entries\n", "@preamble{\"\\newcommand{\\noopsort}[1]{}\"}\n"])))
        blocks.append(f"@{etype}{{key{i},\n  " + sep.join(lines) + "\n}\n")
    return "\n".join(blocks)


def read(text: str):  # type: ignore[no-untyped-def]
    options = Options()
    return [normalize_entry(e) for e in read_bibtex(text, "wide.bib", options)]


def spelled(name: str) -> str:
    return BIBTEX_TO_BIBLATEX.get(name, name)


def meaning(entries):  # type: ignore[no-untyped-def]
    return {
        e.key: (
            (e.kind, e.source.type if e.source else ""),
            {spelled(k): v for k, v in e.fields.items()},
            {r: tuple(ps) for r, ps in e.people.items()},
            e.partial,
        )
        for e in entries
    }


# What the writers derive from an arXiv identifier (its abstract page, its year and
# month, "arXiv:ID" for styles that print no eprint): added, never in place of the input's.
FROM_ARXIV = frozenset({"eprinttype", "url", "year", "month", "howpublished"})


def same(again, first, types):  # type: ignore[no-untyped-def]
    """``again`` means what ``first`` did: every field and name of it, plus at most what an arXiv id says."""
    assert again.keys() == first.keys()
    for key, (head, fields, people, partial) in first.items():
        head2, fields2, people2, partial2 = again[key]
        assert (people2, partial2) == (people, partial), key
        arxiv = "eprint" in fields and fields.get("eprinttype", "arxiv") == "arxiv" and (
            "eprinttype" in fields or bool(arxiv_year_month(fields["eprint"])[0])
        )
        added = {k for k in fields2.keys() - fields.keys() if not (arxiv and k in FROM_ARXIV)}
        if "crossref" in fields:
            added = set()  # a child whose type has another name in the dialect inherits by that type's rules
        assert {k: fields2.get(k) for k in fields} == fields and not added, (key, fields, fields2)
        if head and head[1].lower() in types and not (arxiv and "eprinttype" not in fields):
            assert head2 == head, key  # (a @misc with an arXiv id is read back as a preprint)


WIDE = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@WIDE
@given(text=bib_files())
@example(text="@article{key0,\n  abstract = {Plain words}\n}\n\n@article{key1,\n  eprint = {https://example.org/a_b?x=1&y=2}\n}\n")
@example(text="@article{key0,\n  abstract = {Plain words}\n}\n\n@preprint{key1,\n  abstract = {Plain words}\n}\n")
def test_biblatex_writer_keeps_every_field_of_any_bib_file(text):
    first = read(text)
    again = read(BiblatexWriter().write(first, Options()))
    # types biblatex has no name of its own for (@preprint) take the type table's (@online)
    same(meaning(again), meaning(first), BIBLATEX_TYPES)


@WIDE
@given(text=bib_files())
# found by random runs: a URL in eprint was made an arXiv id (url, howpublished, eprinttype added);
# a lone date came back beside the year BibTeX output adds (also a negative year)
@example(text="@article{key1,\n  abstract = {Plain words},\n  eprint = {https://example.org/a_b?x=1&y=2}\n}\n")
@example(text="@artwork{key0,\n  abstract = {Plain words},\n  eprint = {https://example.org/a_b?x=1&y=2}\n}\n")
@example(text="@article{key0,\n  date = {2001}\n}\n")
@example(text="@comment{a note}\n\n@article{key0,\n  abstract = {0%}\n}\n")  # a bare % read as a comment
@example(text="@article{key1,\n  abstract = {$#}\n}\n")  # a bare # in (unclosed) math, escaped by the writers
@example(text="@article{key0,\n  date = {-0044}\n}\n")
@example(text="@article{key2,\n  abstract = {$$ &}\n}\n")  # display math keeps its & (a random run found it)
@example(text="@article{key2,\n  abstract = {$$ a $ b $$ & c}\n}\n")  # where display math ends: the decoder's call
@example(text="@article{key2,\n  abstract = {$x$$y$ & 50% $$ & $$ #}\n}\n")
def test_bibtex_writer_keeps_every_field_of_any_bib_file(text):
    first = read(text)
    again = read(BibtexWriter().write(first, Options()))
    # a biblatex-only type becomes its BibTeX counterpart (@online -> @misc): types of BibTeX's own survive
    same(meaning(again), meaning(first), BIBTEX_TYPES)


@WIDE
@given(text=bib_files())
# found by random runs: a translator was dropped; a .bib's (event) venue was read back as the
# venue line, which made it the book's publisher
@example(text="@book{k, title={T}, translator={Doe, J.}, venue={V}, year=2001}")
@example(text="@inproceedings{p, title={T}, booktitle={B}, eventtitle={E}, venue={Paris}, year={n.d.}}")
def test_yaml_writer_keeps_every_field_of_any_bib_file(text):
    """.bib -> YAML records -> bibgen: the same entries (the README: "reads back to the same entries")."""
    first = read(text)
    out = YamlWriter().write(first, Options())
    again = [normalize_entry(e) for e in YamlReader().read(out.encode(), "wide.yaml", Options())]
    strip = lambda es: {e.key: (e.kind, dict(e.fields), dict(e.people), e.partial, e.aliases) for e in es}  # noqa: E731
    assert strip(again) == strip(first)


@WIDE
@given(text=bib_files(), dialect=st.sampled_from(["bibtex", "biblatex"]))
# found by random runs: a @standard (a report) got type = {techreport}, which its crossref child then inherited
@example(text="@comment{a note}\n\n@article{key0,\n  abstract = {#}\n}\n", dialect="bibtex")
@example(text="@standard{key0,\n  abstract = {Plain words}\n}\n\n@article{key1,\n  abstract = {Plain words},\n  crossref = {key0}\n}\n", dialect="biblatex")
# a @suppbook (written @inbook) did not take its parent's title as booktitle; read back as @inbook it did
@example(text="@article{key0,\n  title = {Plain words}\n}\n\n@suppbook{key1,\n  abstract = {Plain words},\n  crossref = {key0}\n}\n", dialect="bibtex")
def test_a_second_export_of_any_bib_file_is_byte_identical(text, dialect):
    """Exporting bibgen's own output again changes nothing (a sync that re-runs is a no-op)."""
    writer = BibtexWriter() if dialect == "bibtex" else BiblatexWriter()
    once = writer.write(read(text), Options())
    twice = writer.write(read(once), Options())
    assert twice == once


@WIDE
@given(text=bib_files(), data=st.data())
def test_export_of_any_bib_file_does_not_depend_on_entry_order(text, data):
    """Entries in another order (crossref parents first or last) give the same bytes."""
    blocks = [b for b in text.split("\n\n") if b.strip()]
    macros = [b for b in blocks if b.startswith("@string")]  # (BibTeX reads a macro before its use)
    entries = [b for b in blocks if not b.startswith("@string")]
    shuffled = "\n\n".join(macros + data.draw(st.permutations(entries)))
    for writer in (BibtexWriter(), BiblatexWriter(), YamlWriter()):
        assert writer.write(read(shuffled), Options()) == writer.write(read(text), Options())


def test_a_value_that_starts_with_a_hash_is_text_not_a_macro_name():
    """Found by random runs: ``{#MeToo}`` was taken for the reference to an undefined macro
    ``MeToo`` and written bare (``title = MeToo and Twitter,``: a broken file), and
    ``{# a, b = {c}}`` wrote a field of its own into the output."""
    import bibtexparser

    text = "@article{k,\n  title = {#MeToo and Twitter},\n  abstract = {#},\n  note = {# a, b = {c}},\n  year = 2020\n}\n"
    first = read(text)
    for writer in (BibtexWriter(), BiblatexWriter()):
        out = writer.write(first, Options())
        (entry,) = bibtexparser.parse_string(out).entries
        assert {f.key for f in entry.fields} <= {"title", "abstract", "note", "year", "date"}, out
        assert meaning(read(out)) == meaning(first)


@pytest.mark.xfail(strict=True, reason="open: fields the BibTeX writer derives from a crossref parent's arXiv id "
                   "(url) are inherited by its child only on the next read")
def test_a_crossref_parent_with_an_arxiv_id_exports_idempotently():
    """Found by random runs (seed 31): the second export adds the parent's derived url to the child."""
    text = "@artwork{key0,\n  abstract = {A},\n  eprint = {2401.00001}\n}\n\n@article{key1,\n  abstract = {B},\n  crossref = {key0}\n}\n"
    once = BibtexWriter().write(read(text), Options())
    assert BibtexWriter().write(read(once), Options()) == once


def test_a_crossref_child_of_a_biblatex_type_exports_idempotently_to_bibtex():
    """Found by random runs (seed 3): @inreference (written @incollection) now takes its parent's title
    as booktitle when first read, as biblatex's inheritance rules say and as @incollection does."""
    text = '@article{key0,\n  abstract = "A", title = {{\\"o}ber}\n}\n\n@Inreference{key1,\n  abstract = {B},\n  crossref = {key0}\n}\n'
    once = BibtexWriter().write(read(text), Options())
    assert BibtexWriter().write(read(once), Options()) == once
