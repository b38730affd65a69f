"""The author-page path's shortcuts (case protection, text cleaning, the reader, keys) give
exactly what their plain forms give."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bibgen import caseprotect

# Words around the case rules: capitals first, inside and after hyphens, digits,
# small words, sub-sentence ends, math, brackets, possessives, non-ASCII letters
# (with and without case: Ö, ϒ has no lower case), spaces of other kinds.
_WORDS = st.sampled_from(
    [
        "a", "of", "the", "Learning", "learning", "Markov", "markov", "BERT", "iPhone", "GPT-4", "3D",
        "word2vec", "non-English", "Competition-Level", "Bayes's", "Bayes", "bayes", "New", "York",
        "$\\Omega$", "$x$", "(NLP)", "\"Quoted\"", "end.", "Note:", "why?", "Über", "über", "ϒpsilon",
        "深度", "Ǆemal", "ǅemal", "e", "E", "-", "", " ", "\u00a0", "x1", "Systems", "systems",
    ]
)
_TITLE = st.lists(_WORDS, max_size=12).map(" ".join)
_ABSTRACT = st.lists(_WORDS | st.sampled_from([". ", ", ", "\n"]), max_size=30).map(" ".join)
_MODE = st.sampled_from(["auto", "auto", "auto", "words", "none"])
_LANGUAGE = st.sampled_from(["", "", "english", "en-GB", "german"])


@settings(max_examples=1500, deadline=None)
@given(_TITLE, _MODE, _LANGUAGE, _ABSTRACT)
@example("Learning in Markov decision processes", "auto", "", "We use markov chains.")
@example("Learning in Markov decision processes", "auto", "", "In a Markov chain.")
@example("ϒpsilon and ϒpsilon", "auto", "", "")
@example("a ǅemal", "auto", "", "")
@example("Advances in Neural Information Processing Systems", "auto", "", "our Neural nets")
def test_protect_agrees_with_its_plain_form(title: str, mode: str, language: str, abstract: str) -> None:
    caseprotect.protect.cache_clear()
    got = caseprotect.protect(title, mode, language, None, abstract)
    assert got == caseprotect._protect_plain(title, mode, language, None, abstract)
    # Cached: the same question again, and the same title with another abstract.
    assert caseprotect.protect(title, mode, language, None, abstract) == got
    assert caseprotect.protect(title, mode, language, None, "") == caseprotect._protect_plain(title, mode, language, None, "")


@settings(max_examples=800, deadline=None)
@given(st.text(st.sampled_from(list("aZ1 $.:-ϒǅé\u00a0")), max_size=20))
def test_nothing_to_protect_means_one_plain_chunk(text: str) -> None:
    if caseprotect._nothing_to_protect(text):
        assert caseprotect._protect_plain(text, "auto", "", None, "Any Abstract with Capitals, text") == (
            ((text, False),) if text else ()
        )


_KEY_TEXT = st.lists(st.sampled_from(list("aZ ß中éøΩ'’-_.$\\1ǅ\u0301\u200b") + ["the", " of ", "and", "$x$"]), max_size=25).map("".join)


@settings(max_examples=800, deadline=None)
@given(_KEY_TEXT)
@example("Straße über 中文 ø ǅ\u0301")
def test_ascii_text_table_agrees_with_unidecode_per_character(text: str) -> None:
    from unidecode import unidecode

    from bibgen import keys

    assert keys.ascii_text(text) == "".join(c if c.isascii() else unidecode(c) for c in text)


@settings(max_examples=800, deadline=None)
@given(_KEY_TEXT, st.integers(1, 5))
@example("the of and", 2)
@example("the Cat of", 3)
def test_first_significant_is_the_slice_of_all(title: str, n: int) -> None:
    from bibgen import keys

    assert keys._first_significant(title, n) == keys._significant(title)[:n]
