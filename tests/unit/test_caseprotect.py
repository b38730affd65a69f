"""Case protection (bibgen.caseprotect): Better BibTeX's rules, chunk by chunk."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bibgen.caseprotect import is_english, is_title_case, noun_evidence, protect, source_marks
from bibgen.latex import decode


def braced(text: str, **kw) -> str:
    """The chunks written with braces around the protected ones (what the writer does, without escaping)."""
    return "".join("{" + t + "}" if p else t for t, p in protect(text, **kw))


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        # Sentence case: proper nouns (capitalised, not starting a sub-sentence) are braced, grouped.
        ("Learning in Markov decision processes", "Learning in {Markov} decision processes"),
        ("A study of New York City traffic", "A study of {New York City} traffic"),
        ("Why it works: a note on Bayes's rule", "Why it works: a note on {Bayes's} rule"),
        # Acronyms, inner capitals, letters with digits: anywhere, the first word included.
        ("BERT: Pre-training of deep bidirectional transformers", "{BERT}: Pre-training of deep bidirectional transformers"),
        ("iPhone apps and GPT-4 with word2vec in 3D", "{iPhone} apps and {GPT-4} with {word2vec} in {3D}"),
        # Title case: capitals say nothing, so only the words of the first rule.
        ("Deep Residual Learning for Image Recognition", "Deep Residual Learning for Image Recognition"),
        ("Competition-Level Code Generation with AlphaCode", "Competition-Level Code Generation with {AlphaCode}"),
        ("Parallel WaveNet: Fast High-Fidelity Speech Synthesis", "Parallel {WaveNet}: Fast High-Fidelity Speech Synthesis"),
        # The first word and sub-sentence starts are never braced for their capital alone; numbers have no case.
        ("Gemini 1.5: Unlocking multimodal understanding", "Gemini 1.5: Unlocking multimodal understanding"),
        # Hyphenated proper nouns in sentence case.
        ("A non-English corpus for vision", "A {non-English} corpus for vision"),
        # Math is always protected; punctuation stays outside the braces.
        ("Bounds for $\\Omega$-nets (in NLP)", "Bounds for {$\\Omega$}-nets (in {NLP})"),
    ],
)
def test_auto_rules(title, expected):
    assert braced(title) == expected


def test_title_case_rule_counts_telling_words_only():
    assert is_title_case("Attention Is All You Need")
    assert is_title_case("Capabilities of Gemini Models in Medicine")
    assert not is_title_case("Learning in Markov decision processes with GPT-4 and New York City")
    assert not is_title_case("Deep residual learning for image recognition")
    assert not is_title_case("BERT and GPT-4")  # no capitalised telling word at all


def test_the_abstract_tells_proper_nouns_from_common_words():
    abstract = "We present Gemini models. Building on Gemini, the models learn medicine and Models of data."
    proper, common = noun_evidence(abstract)
    assert "Gemini" in proper and "medicine" in common and "Models" not in proper
    assert braced("Capabilities of Gemini Models in Medicine", abstract=abstract) == "Capabilities of {Gemini} Models in Medicine"
    # Sentence case: a capitalised word the abstract only writes in lower case is not a proper noun.
    assert braced("Self-supervised Learning of images", abstract="learning of images") == "Self-supervised Learning of images"


def test_other_languages_protect_every_capitalised_word():
    assert braced("Über die Entstehung der Arten", language="german") == "{Über} die {Entstehung} der {Arten}"
    assert is_english("") and is_english("en-GB") and is_english("British") and is_english("USenglish")
    assert not is_english("de") and not is_english("french")


def test_modes_words_and_none():
    assert braced("Deep Residual Learning of BERT", mode="words") == "{Deep} {Residual} {Learning} of {BERT}"
    assert braced("Deep $x$ BERT", mode="none") == "Deep $x$ BERT"


def test_source_braces_are_kept_exactly_and_only_while_they_spell_the_value():
    marks = source_marks("A {A} of {\\'E}cole and {B}ayes \\emph{Deep}", decode)
    assert marks == (("A ", False), ("A", True), (" of École and ", False), ("B", True), ("ayes Deep", False))
    text = "A A of École and Bayes Deep"
    assert braced(text, marks=marks) == "A {A} of École and {B}ayes Deep"
    # A changed value (another record's title after a merge): the mode's rules apply.
    assert braced("A study of Bayes", marks=marks) == "A study of {Bayes}"


@given(st.text(alphabet=st.sampled_from(list("aAbB1 -:.$\\{}éÉ")), max_size=40))
def test_chunks_always_spell_the_text(text):
    for mode in ("auto", "words", "none"):
        chunks = protect(text, mode)
        assert "".join(t for t, _ in chunks) == text
        assert all(t for t, _ in chunks)
