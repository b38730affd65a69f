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
