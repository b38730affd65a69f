"""bibgen.richtext: a .bib title's LaTeX as CSL rich text, and pandoc's sentence case."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bibgen import richtext
from bibgen.richtext import Span, from_latex, plain, sentence_case, to_csl, unbrace


def csl(latex: str, case: bool = False) -> str:
    nodes = from_latex(latex)
    return to_csl(sentence_case(nodes) if case else nodes)


@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        ("Plain words", "Plain words"),
        ("The {Higgs} Boson", 'The <span class="nocase">Higgs</span> Boson'),
        (r"Gene Regulation in \emph{Escherichia coli}", "Gene Regulation in <i>Escherichia coli</i>"),
        (r"\textit{a} \textbf{b} \textsc{c}", '<i>a</i> <b>b</b> <span style="font-variant:small-caps;">c</span>'),
        (r"{CO}\textsubscript{2} and x\textsuperscript{2}", '<span class="nocase">CO</span><sub>2</sub> and x<sup>2</sup>'),
        (r"{\em old} {\bf style}", "<i>old</i> <b>style</b>"),
        (r"Caf{\'e} {\"U}ber", "Café Über"),  # special characters are letters of their words, not protection
        (r"The $\alpha$-Synuclein", 'The <span class="nocase">α</span>-Synuclein'),
        (r"Cost \$5 and 50\%", "Cost $5 and 50%"),  # escaped dollars are text, not math
        (r"{{\$O(1/\textbackslash sqrt\{T\})\$}}", '<span class="nocase"><span class="nocase">$O(1/\\sqrt{T})$</span></span>'),
        ("A  spaced\n  title ", "A spaced title"),
        (r"\textup{Up} \unknowncmd{x}", r"Up \unknowncmd{x}"),  # an unknown command is kept as written, as the reader keeps it
        ("a <script>x</script> typed", "a <script>x</script> typed"),  # text: no CSL tag, every processor escapes it
    ],
)
def test_from_latex(latex: str, expected: str) -> None:
    assert csl(latex) == expected


@pytest.mark.parametrize(
    ("latex", "expected"),
    [
        # pandoc 2.17 `-f biblatex -t csljson` gives these titles (checked by hand, spans aside)
        ("Korean Speech Recognition with Sub-Character Units", "Korean speech recognition with sub-character units"),
        ("WaveNet: {A} Generative Model for Raw Audio", 'WaveNet: <span class="nocase">A</span> generative model for raw audio'),
        ("A New Hope. The End? Yes! Really", "A new hope. The end? Yes! Really"),
        ("GPT-4 and BERT on the iPhone of McDowell", "GPT-4 and BERT on the iPhone of McDowell"),
        ("Learning 3D Shapes with Word2Vec", "Learning 3D shapes with Word2Vec"),
        ("Twenty-One Authors", "Twenty-one authors"),
        ("The Title — Of It “Quoted Words” (Parenthesized Words)", "The title — of it “quoted words” (parenthesized words)"),
        ("L'Amour Fou", "L'amour fou"),
        (r"Gene Regulation in \emph{{Escherichia} Coli}", 'Gene regulation in <i><span class="nocase">Escherichia</span> coli</i>'),
        (r"The \textsc{Unix} Way", 'The <span style="font-variant:small-caps;">Unix</span> way'),
        (r"{Über} Die Arten", '<span class="nocase">Über</span> die arten'),
    ],
)
def test_sentence_case_as_pandoc_reads_english_titles(latex: str, expected: str) -> None:
    assert csl(latex, case=True) == expected


def test_unbrace_removes_only_the_delimiting_pair() -> None:
    assert unbrace("{Title}") == "Title"
    assert unbrace("{{A}} b") == "{{A}} b"
    assert unbrace("{A} and {B}") == "{A} and {B}"
    assert unbrace("plain") == "plain"


SNIPPETS = [
    "Plain", "Words", "of", "the", "{BYOL}", r"\emph{New} Ideas", r"caf\'e", "GPT-4", "iPhone", "Sub-Title", ":", "A",
    r"$\alpha$", r"\textbf{Bold Move}", "{Braced Words}", "x.", "Why?", r"{\"o}ber", "McDonald", "3D", "L'Amour",
]  # fmt: skip
titles = st.lists(st.sampled_from(SNIPPETS), min_size=1, max_size=8).map(" ".join)


@given(titles)
def test_sentence_case_changes_only_letter_case(latex: str) -> None:
    nodes = from_latex(latex)
    once = sentence_case(nodes)
    assert plain(once).lower() == plain(nodes).lower()
    assert sentence_case(once) == once  # idempotent


@given(titles)
def test_protected_text_is_never_recased(latex: str) -> None:
    def protected(ns, inside=False):  # type: ignore[no-untyped-def]
        out = []
        for x in ns:
            if isinstance(x, Span):
                out += protected(x.children, inside or x.tag in ("nocase", "sc"))
            elif inside:
                out.append(x)
        return out

    nodes = from_latex(latex)
    assert protected(sentence_case(nodes)) == protected(nodes)


@given(titles)
def test_first_word_keeps_its_capital(latex: str) -> None:
    nodes = from_latex(latex)
    first = plain(nodes).split(" ")[0]
    assert plain(sentence_case(nodes)).split(" ")[0][:1] == first[:1]


def test_markup_round_trips_through_the_bench_converter_form() -> None:
    # The same value read from a .bib and written as CSL keeps every kind of markup.
    assert richtext.to_csl(richtext.from_latex(r"\emph{\textbf{x}}")) == "<i><b>x</b></i>"


def test_plain_text_prints_scripts_as_unicode_where_they_have_a_form() -> None:
    from bibgen.render.plain import PlainRenderer
    from bibgen.style.nodes import Span as NodeSpan
    from bibgen.style.nodes import Text

    r = PlainRenderer()
    assert r.inline([Text("CO"), NodeSpan("sub", (Text("2"),)), Text(" at 10"), NodeSpan("sup", (Text("-3"),))]) == "CO₂ at 10⁻³"
    assert r.inline([Text("x"), NodeSpan("sup", (Text("Q"),))]) == "xQ"  # no superscript Q: kept as text


# --- CSL-JSON markup in, LaTeX out ----------------------------------------------------

from bibgen.latex import encode as latex_encode
from bibgen.richtext import from_csl, to_latex


@pytest.mark.parametrize(
    ("markup", "latex"),
    [
        ("<i>Escherichia coli</i> growth", r"\emph{Escherichia coli} growth"),
        ("<b>Bold</b> and <sc>small</sc>", r"\textbf{Bold} and \textsc{small}"),
        ('<span style="font-variant:small-caps;">caps</span>', r"\textsc{caps}"),
        ("CO<sub>2</sub> at 10<sup>-3</sup>", r"CO\textsubscript{2} at 10\textsuperscript{-3}"),
        ('a <span class="nocase">DNA</span> test', "a {DNA} test"),
        ('<span class="nodecor">iPhone</span>', "{iPhone}"),
        # A group starting with a command is braced twice: BibTeX re-cases a {\command ...} group.
        ('<span class="nocase"><i>Homo</i> sapiens</span>', r"{{\emph{Homo} sapiens}}"),
        ("<i>a <b>b</b></i>", r"\emph{a \textbf{b}}"),
        # Unbalanced or unknown tags are text, as citeproc-js prints them; specials are escaped.
        ("<i>open", r"\textless{}i\textgreater{}open"),
        ("<script>x</script> 50% & $5 #1", r"\textless{}script\textgreater{}x\textless{}/script\textgreater{} 50\% \& \$5 \#1"),
    ],
)
def test_csl_markup_becomes_latex(markup: str, latex: str) -> None:
    assert to_latex(from_csl(markup), latex_encode) == latex


def test_to_latex_braces_the_characters_a_writer_protects() -> None:
    nodes = from_csl("on <i>DNA repair</i> in CO2")
    text = plain(nodes)
    flags = [False] * len(text)
    for word in ("DNA", "CO2"):
        start = text.index(word)
        flags[start : start + len(word)] = [True] * len(word)
    assert to_latex(nodes, latex_encode, flags) == r"on \emph{{DNA} repair} in {CO2}"


markup_words = st.sampled_from(["Plain", "words", "DNA", "50%", "&", "x_1", "é", "{b}", "#", "~", "^", "\\", "<", "x>"])
rich_trees = st.recursive(
    st.lists(markup_words, min_size=1, max_size=4).map(" ".join),
    lambda inner: st.builds(
        lambda tag, kids: Span(tag, tuple(kids)), st.sampled_from(["i", "b", "sc", "sup", "sub", "nocase"]),
        st.lists(inner, min_size=1, max_size=3)),
    max_leaves=8,
)


def _merged(nodes, in_nocase=False):  # type: ignore[no-untyped-def]
    """Adjacent texts joined; a nocase span inside another is only its children (the same meaning)."""
    out: list = []
    for x in nodes:
        if isinstance(x, Span):
            kids = _merged(x.children, in_nocase or x.tag == "nocase")
            items = list(kids) if x.tag == "nocase" and in_nocase else [Span(x.tag, kids)]
        else:
            items = [x]
        for y in items:
            if out and isinstance(y, str) and isinstance(out[-1], str):
                out[-1] += y
            else:
                out.append(y)
    return tuple(out)


def _no_tags(tree) -> bool:  # type: ignore[no-untyped-def]
    return "<" not in to_csl(tree).replace("<i>", "").replace("</i>", "").replace("<b>", "").replace("</b>", "") \
        .replace("<sub>", "").replace("</sub>", "").replace("<sup>", "").replace("</sup>", "") \
        .replace('<span style="font-variant:small-caps;">', "").replace('<span class="nocase">', "").replace("</span>", "")


@given(st.lists(rich_trees, min_size=1, max_size=4))
def test_csl_markup_round_trips_through_the_tree(nodes: list) -> None:
    tree = _merged(nodes)
    if _no_tags(tree):
        assert from_csl(to_csl(tree)) == tree


@given(st.lists(rich_trees, min_size=1, max_size=4))
def test_latex_of_csl_markup_reads_back_as_the_same_rich_text(nodes: list) -> None:
    # What the .bib writer writes, read by the .bib reader: the same markup and the same text.
    tree = _merged(nodes)
    assert _merged(from_latex(to_latex(tree, latex_encode))) == tree


# --- the .bib writers: CSL-JSON rich text as LaTeX -----------------------------------


def _from_csl_json(item: dict) -> list:
    import json

    from bibgen.options import Options
    from bibgen.pipeline import normalize_entry
    from bibgen.readers.csljson import CslJsonReader

    return [normalize_entry(e) for e in CslJsonReader().read(json.dumps([item]).encode(), "t.json", Options())]


MARKED = {
    "id": "k1", "type": "article-journal", "author": [{"family": "Doe", "given": "Jane"}],
    "issued": {"date-parts": [[2020]]}, "container-title": "<i>Journal</i> of things",
    "title": 'Growth of <i>Escherichia coli</i> in <span class="nocase">iPSC</span> and CO<sub>2</sub>,'
             ' x<sup>2</sup> <b>bold</b> <sc>small</sc> <span style="font-variant:small-caps;">caps</span> 50% & more',
}  # fmt: skip


@pytest.mark.parametrize("writer", ["bibtex", "biblatex"])
def test_bib_writers_write_csl_markup_as_latex(writer: str) -> None:
    from bibgen.options import Options
    from bibgen.writers.biblatex import BiblatexWriter
    from bibgen.writers.bibtex import BibtexWriter

    w = BibtexWriter() if writer == "bibtex" else BiblatexWriter()
    out = w.write(_from_csl_json(MARKED), Options())
    title = next(line for line in out.splitlines() if line.strip().startswith("title ="))
    assert title == (r"  title = {Growth of \emph{{Escherichia} coli} in {iPSC} and {CO}\textsubscript{2},"
                     r" {x}\textsuperscript{2} \textbf{bold} \textsc{small} \textsc{caps} 50\% \& more},")
    assert r"{\emph{Journal} of things}," in out
    assert "<" not in out and "textless" not in out


@pytest.mark.parametrize("writer", ["bibtex", "biblatex"])
def test_csl_json_to_bib_to_csl_json_keeps_the_markup(writer: str) -> None:
    import json

    from bibgen.options import Options
    from bibgen.pipeline import normalize_entry
    from bibgen.readers.bibtex import read_bibtex
    from bibgen.writers.biblatex import BiblatexWriter
    from bibgen.writers.bibtex import BibtexWriter
    from bibgen.writers.csljson import CslJsonWriter

    w = BibtexWriter() if writer == "bibtex" else BiblatexWriter()
    bib = w.write(_from_csl_json(MARKED), Options())
    back = json.loads(CslJsonWriter().write([normalize_entry(e) for e in read_bibtex(bib, "t.bib", Options())], Options()))[0]

    def unprotected(markup: str) -> tuple:
        # Case protection the .bib writer added (CO, Escherichia) is a nocase span more: the rest is as written.
        def strip(ns):  # type: ignore[no-untyped-def]
            out = []
            for x in ns:
                if isinstance(x, Span):
                    out.extend(strip(x.children)) if x.tag == "nocase" else out.append(Span(x.tag, tuple(strip(x.children))))
                else:
                    out.append(x)
            return out
        return _merged(strip(from_csl(markup)))

    for var in ("title", "container-title"):
        assert unprotected(back[var]) == unprotected(MARKED[var]), var
    assert '<span class="nocase">iPSC</span>' in back["title"]
