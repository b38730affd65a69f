"""Renderers: escaping, links, labels; the HTML page's structure and policy."""

from __future__ import annotations

import re

import pytest

from bibgen.model import Entry, EntryKind, Fields, Person
from bibgen.pipeline import Options
from bibgen.render import safe_url
from bibgen.render.html import HtmlRenderer
from bibgen.render.latex import LatexRenderer
from bibgen.render.markdown import MarkdownRenderer, block_safe, escape
from bibgen.render.page import CSS, SCRIPT, csp_hash, group_references, render_page
from bibgen.render.plain import PlainRenderer
from bibgen.style.nodes import Dash, Link, Nbsp, Reference, Span, Text

BODY = (
    Text("Doe. "),
    Span("emph", (Text("A *Title* <b>"),)),
    Text(", 1"),
    Dash(),
    Text("2,"),
    Nbsp(),
    Link("https://doi.org/10.1/x(y)", (Text("doi:10.1/x(y)"),)),
    Text(". "),
    Link("javascript:alert(1)", (Text("click"),)),
)
REF = Reference("doe2020", BODY, (Text("[1]"),))


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a b", "https://example.org/a%20b"),
        ("HTTP://x.org/\"><script>", "HTTP://x.org/%22%3E%3Cscript%3E"),
        ("doi:10.1000/abc", "https://doi.org/10.1000/abc"),
        ("10.1000/abc", "https://doi.org/10.1000/abc"),
        ("https://x.org/(a)", "https://x.org/%28a%29"),
        ("javascript:alert(1)", None),
        ("  JavaScript:alert(1)", None),
        ("data:text/html,x", None),
        ("file:///etc/passwd", None),
        ("//evil.example", None),
    ],
)
def test_safe_url(url, expected):
    assert safe_url(url) == expected


def test_plain():
    assert PlainRenderer().render([REF], Options()) == "[1] Doe. A *Title* <b>, 1\u20132,\u00a0doi:10.1/x(y). click\n"
    assert PlainRenderer().render([REF, REF], Options()).count("\n\n") == 1
    assert PlainRenderer().render([], Options()) == ""


def test_markdown():
    out = MarkdownRenderer().render([REF], Options())
    assert out == (
        "\\[1\\] Doe. *A \\*Title\\* \\<b\\>*, 1\u20132,\u00a0"
        "[doi:10.1/x(y)](https://doi.org/10.1/x%28y%29). click\n"
    )


def test_markdown_autolink_when_text_is_the_url():
    ref = Reference("k", (Link("https://a.org/x_y", (Text("https://a.org/x_y"),)),))
    assert MarkdownRenderer().render([ref], Options()) == "<https://a.org/x_y>\n"


def test_markdown_emphasis_keeps_spaces_outside():
    ref = Reference("k", (Text("a"), Span("emph", (Text(" b "),)), Text("c")))
    assert MarkdownRenderer().render([ref], Options()) == "a *b* c\n"


def test_markdown_escape_and_block_start():
    assert escape("a_b*c[d](e)<f>`g`$h$@i&j!k|l~m^n#o\\p") == (
        "a\\_b\\*c\\[d\\](e)\\<f\\>\\`g\\`\\$h\\$\\@i\\&j\\!k\\|l\\~m\\^n\\#o\\\\p"
    )
    assert block_safe("1999. Title") == "1999\\. Title"
    assert block_safe("- x") == "\\- x"
    assert block_safe("Doe - x") == "Doe - x"


def test_html():
    out = HtmlRenderer().render([REF], Options())
    assert out == (
        '<ul class="bibliography">\n<li id="ref-doe2020"><span class="label">[1]</span> <span class="body">'
        "Doe. <i>A *Title* &lt;b&gt;</i>, 1&ndash;2,&nbsp;"
        '<a href="https://doi.org/10.1/x%28y%29" rel="noopener">doi:10.1/x(y)</a>. click</span></li>\n</ul>\n'
    )


def test_latex():
    out = LatexRenderer().render([REF, Reference("a_b", (Text("50% & $x$"),), (Text("[Doe20]"),))], Options())
    assert out.startswith("\\begin{thebibliography}{Doe20}\n\\bibitem{doe2020} Doe. \\emph{A *Title* \\textless{}b\\textgreater{}}, 1--2,~")
    assert "\\href{https://doi.org/10.1/x\\%28y\\%29}{doi:10.1/x(y)}. click" in out
    assert "\\bibitem[Doe20]{a_b} 50\\% \\& $x$" in out
    assert out.endswith("\\end{thebibliography}\n")


def entry(key: str, year: str, kind: EntryKind = EntryKind.ARTICLE) -> Entry:
    return Entry(kind, Fields({"title": f"Title {key}", "year": year, "container": "J"}), {"author": (Person("Doe", "Jane"),)}, key=key)


def test_group_by_year_newest_first_and_no_year_last():
    refs = [Reference(e.key, (Text(e.key),), entry=e) for e in (entry("a", "2019"), entry("b", ""), entry("c", "2021"), entry("d", "2019"))]
    groups = group_references(refs, "year")
    assert [(h, [r.key for r in rs]) for h, rs in groups] == [("2021", ["c"]), ("2019", ["a", "d"]), ("No year", ["b"])]
    by_type = group_references(refs + [Reference("e", (), entry=entry("e", "1", EntryKind.BOOK))], "type")
    assert [h for h, _ in by_type] == ["Journal articles", "Books"]
    assert group_references(refs, "none") == [("", refs)]


def test_page_csp_allows_exactly_the_inline_style_and_script():
    e = entry("doe2020", "2020")
    page = render_page([Reference("doe2020", (Text("Doe"),), entry=e)], Options())
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert f"script-src {csp_hash(SCRIPT)};" in policy and f"style-src {csp_hash(CSS)};" in policy
    assert "default-src 'none'" in policy and "unsafe" not in policy
    assert page.count("<script>") == 1 and f"<script>{SCRIPT}</script>" in page
    assert page.count("<style>") == 1 and f"<style>{CSS}</style>" in page
    assert "eval(" not in SCRIPT and "innerHTML" not in SCRIPT and "Function(" not in SCRIPT
    assert '<code id="bib-doe2020">@article{doe2020,' in page
    assert "http://" not in page and "https://" not in page and "src=" not in page  # nothing external


def test_page_is_deterministic():
    refs = [Reference(e.key, (Text(e.key),), entry=e) for e in (entry("a", "2019"), entry("b", "2020"))]
    assert render_page(refs, Options()) == render_page(list(refs), Options())


def test_unknown_grouping_is_a_usage_error():
    from bibgen.errors import UsageError

    with pytest.raises(UsageError):
        render_page([], Options(group_by="month"))


# --- CSL display parts (block, indent, left-margin, right-inline) ----------------------

from hypothesis import given
from hypothesis import strategies as st

from bibgen.style.csl import CslStyle

NS = 'xmlns="http://purl.org/net/xbiblio/csl"'
DISPLAY_STYLE = CslStyle.from_string(
    f'<style {NS} version="1.0" class="in-text"><info><id>x</id><title>x</title></info>'
    '<citation><layout><text variable="title"/></layout></citation><bibliography><layout suffix=".">'
    '<text variable="title"/><group display="block"><text variable="note"/></group>'
    '<text variable="volume" prefix="v"/><group display="indent"><text variable="abstract"/></group>'
    '<text variable="issue" prefix="i"/></layout></bibliography></style>')
DISPLAY_ITEM = {"id": "a", "type": "book", "title": "On 0807.17946", "note": "arXiv: 0807.17946", "volume": "3",
                "abstract": "A", "issue": "4"}


@pytest.mark.parametrize(
    ("renderer", "expected"),
    [
        # citeproc-js's text output: "On 0807.17946\narXiv: 0807.17946v3\n    Ai4." (it glues what follows a
        # block on; its HTML, a div, puts it on the next line, as here).
        (PlainRenderer, "On 0807.17946\narXiv: 0807.17946\nv3\n    A\ni4.\n"),
        (MarkdownRenderer, "On 0807.17946\\\narXiv: 0807.17946\\\nv3\\\n\u00a0\u00a0\u00a0\u00a0A\\\ni4.\n"),
        (LatexRenderer, ("\\bibitem{a} On 0807.17946\\newline arXiv: 0807.17946\\newline v3\\newline "
                         "\\hspace*{2em}A\\newline i4.")),
        (HtmlRenderer, ('<span class="body">On 0807.17946<br><span class="csl-block">arXiv: 0807.17946</span><br>v3'
                        '<br><span class="csl-indent">&nbsp;&nbsp;&nbsp;&nbsp;A</span><br>i4.</span>')),
    ],
)
def test_a_display_block_is_a_line_of_its_own(renderer, expected: str) -> None:
    out = renderer().render(DISPLAY_STYLE.bibliography([DISPLAY_ITEM]), Options())
    assert expected in out


def test_display_parts_at_the_edges_add_no_break_and_empty_ones_nothing() -> None:
    body = (Span("block", (Text("T"),)), Span("left-margin", (Text("1."),)), Span("right-inline", (Text("R"),)),
            Span("block", ()), Span("indent", (Span("emph", ()),)))
    ref = Reference("k", body)
    assert PlainRenderer().render([ref], Options()) == "T\n1. R\n"
    assert HtmlRenderer().inline(body) == ('<span class="csl-block">T</span><br><span class="csl-left-margin">1.'
                                           '</span> <span class="csl-right-inline">R</span>')


def test_a_markdown_line_after_a_block_cannot_start_a_list_or_heading() -> None:
    body = (Text("T."), Span("block", (Text("1. note"),)), Span("block", (Text("- x"),)), Span("block", (Text("=="),)))
    out = MarkdownRenderer().render([Reference("k", body)], Options())
    assert out == "T.\\\n1\\. note\\\n\\- x\\\n\\==\n"


def test_a_break_owed_after_a_block_goes_outside_the_next_formatting() -> None:
    body = (Span("block", (Text("N"),)), Span("emph", (Text("Title"),)))
    assert MarkdownRenderer().inline((Text("A"), *body)) == "A\\\nN\\\n*Title*"


display_trees = st.recursive(
    st.sampled_from([Text("a"), Text(" "), Dash(), Text("")]),
    lambda inner: st.builds(lambda role, kids: Span(role, tuple(kids)),
                            st.sampled_from(["block", "indent", "emph", "left-margin", "right-inline", "plain"]),
                            st.lists(inner, max_size=3)),
    max_leaves=10,
)


@given(st.lists(display_trees, max_size=5))
def test_breaks_never_start_end_or_double_a_reference(nodes: list) -> None:
    from bibgen.style.nodes import plain_text

    out = PlainRenderer().inline(nodes)
    assert not out.startswith("\n") and not out.endswith("\n") and "\n\n" not in out
    # Only line breaks, indents and a space after a left margin are added: the text is all there, in order.
    assert out.replace("\n    ", "").replace("\n", "").replace(" ", "") == plain_text(nodes).replace(" ", "")


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_bib_writers_give_their_text_in_pieces(fmt: str) -> None:
    # export -o writes these as they come; joined they are the writer's text.
    from bibgen.pipeline import Options, process, read, render, render_parts

    from conftest import SEEDS

    options = Options()
    entries = list(process(read([SEEDS], options), options).entries)
    pieces = list(render_parts(entries, fmt, Options()))
    assert len(pieces) > len(entries)  # one per entry and the blank lines between them
    assert "".join(pieces) == render(entries, fmt, Options())
