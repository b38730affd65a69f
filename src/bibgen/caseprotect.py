"""Which parts of a title BibTeX styles must not re-case: Better BibTeX's rules.

Sentence-case styles (plainnat, IEEEtran, ACM, biblatex-apa) lower-case a title
except its first letter; title-case styles capitalise words. Braces stop both,
so a good .bib braces exactly what a case change would get wrong, and nothing
else. :func:`protect` splits a title into chunks, each marked protected or
not; the writer braces the protected ones. Modes:

``auto`` (default), for English titles and titles of unknown language
  (``langid``/``language`` empty or English):

  * a word with a capital after its first character (``BERT``, ``GPUs``,
    ``iPhone``, ``McDowell``; a capital starting a hyphenated part is not
    inner: ``Competition-Level``) or mixing letters and digits
    (``GPT-4``, ``3D``, ``word2vec``) is protected wherever it stands, the
    first word included;
  * if the title is in **sentence case**, a capitalised word that does not
    start the title or a sub-sentence (after ``.``, ``:``, ``?``, ``!``) is a
    proper noun and is protected (``Learning in {Markov} decision processes``),
    unless the entry's abstract writes it only in lower case;
  * if the title is in **title case**, capitalisation carries no information
    (every word is capitalised), so only the words of the first rule are
    protected, and the words the entry's own abstract shows to be proper
    nouns: capitalised in the middle of one of its sentences and never
    written in lower case there (``Capabilities of {Gemini} Models in
    Medicine``). A title counts as title case when, among its words that neither
    start a sub-sentence nor are small words (``of``, ``the``, ``for`` …) nor
    have inner capitals, there is a capitalised one and at least four times
    as many capitalised ones as lower-case ones (a few proper nouns in a
    sentence-case title do not make it title case);
  * consecutive protected words separated by single spaces form one group
    (``{New York City}``); math is always protected;
  * for a title in another language every word with a capital is protected
    (``{Über} die {Entstehung} der {Arten}``): BibTeX styles cannot know the
    language and would lower-case German nouns.

``words``: every word containing a capital or mixing letters and digits is
  protected, the first word included (bibgen's earlier behaviour).

``none``: no protection is added (math included).

A value read from a .bib keeps exactly the protection its source wrote
(``marks``; none if it had no braces), whatever the mode: the user already
said what matters, and nothing is added or doubled. (When the value was
changed since, e.g. a merge chose another record's title, the marks no longer
spell it and the mode's rules apply.)
"""

from __future__ import annotations

import re
from functools import lru_cache

from bibgen.latex import _group_end, split_math

MODES = ("auto", "words", "none")
# Fields whose case a style may change: protected. Journal and person names never are.
CASE_FIELDS = frozenset({"title", "subtitle", "booktitle", "shorttitle", "maintitle", "series"})

# Lower-case in title case (Chicago/APA small-word lists): they say nothing about the case style.
SMALL_WORDS = frozenset(
    """a an and as at but by down en for from if in into like near nor of off on onto or over per
    so than that the to up upon via vs vs. with within without yet is are be""".split()
)
_ENGLISH = frozenset(
    """english american british canadian australian newzealand usenglish ukenglish en en-us en-gb
    en-ca en-au en-nz en-ie en-za""".split()
)

_EDGE = re.compile(r"^([(\[\"'“‘«]*)(.*?)([)\]\"'”’».,:;!?]*)$", re.DOTALL)
_SUBSENTENCE_END = re.compile(r"[.:?!]")
_DIGIT = re.compile(r"\d")
_LETTER = re.compile(r"[^\W\d_]")

Chunk = tuple[str, bool]  # (text, protected)


def is_english(language: str) -> bool:
    """Empty (unknown) or an English ``langid``/``language`` value."""
    lang = language.strip().casefold().replace("_", "-")
    return not lang or lang in _ENGLISH or lang.startswith("en-") or lang.startswith("english")


_PARTS = re.compile(r"[-/–]")


def _inner_capital(core: str) -> bool:
    """A capital after the first letter of the word or of a hyphenated part (``BERT``, ``iPhone``;
    not ``Competition-Level``, whose second capital only starts a part)."""
    if core[1:].lower() == core[1:]:
        return False  # most words: nothing upper-case after the first character
    for part in _PARTS.split(core):
        letters = _LETTER.findall(part)
        if any(c.isupper() for c in letters[1:]):
            return True
    return False


def _capitalised_part(core: str, start: bool) -> bool:
    """Capitalised, or (also at a sub-sentence start) a later hyphenated part is (``non-English``)."""
    parts = _PARTS.split(core)
    return (not start and _capitalised(parts[0])) or any(_capitalised(p) for p in parts[1:])


def _mixed_digits(core: str) -> bool:
    return bool(_DIGIT.search(core)) and bool(_LETTER.search(core))


def _capitalised(core: str) -> bool:
    m = _LETTER.search(core)
    return bool(m) and m.group(0).isupper()


def _has_capital(core: str) -> bool:
    return core.lower() != core


def _tokens(text: str) -> list[tuple[str, str]]:
    """``(kind, text)`` with kind ``space``, ``word`` or ``math``, in order."""
    out: list[tuple[str, str]] = []
    for is_math, piece in split_math(text):
        if is_math:
            out.append(("math", piece))
            continue
        for part in re.split(r"(\s+)", piece):
            if part:
                out.append(("space" if part.isspace() else "word", part))
    return out


@lru_cache(maxsize=131072)
def _info(tok: str) -> tuple[str, str, str, bool, bool, bool, int, bool]:
    """What the rules need to know about one word, computed once per distinct word.

    ``strong``: inner capital or letters with digits (always protected);
    ``telling``: 1 capitalised, -1 lower-case, 0 neither (for the title-case rule).
    """
    head, core, tail = _EDGE.match(tok).groups()  # type: ignore[union-attr]
    strong = bool(core) and (_inner_capital(core) or _mixed_digits(core))
    parts = _PARTS.split(core) if core else [""]
    cap_first = _capitalised(parts[0])
    cap_later = any(_capitalised(p) for p in parts[1:])
    first = parts[0]
    telling = 0
    if first.isalpha() and first.casefold() not in SMALL_WORDS and not _inner_capital(core):
        telling = 1 if first[0].isupper() else -1
    ends = bool(_SUBSENTENCE_END.search(tail)) or not core
    return head, core, tail, strong, cap_first, cap_later, telling, ends


def is_title_case(text: str) -> bool:
    """The documented rule: capitalised words at least four times the lower-case ones among the telling words."""
    return _title_case(_tokens(text))


def _title_case(tokens: list[tuple[str, str]]) -> bool:
    cap = low = 0
    start = True
    for kind, tok in tokens:
        if kind == "space":
            continue
        if kind == "math":
            start = False
            continue
        info = _info(tok)
        if not start:
            if info[6] > 0:
                cap += 1
            elif info[6] < 0:
                low += 1
        start = info[7]
    return cap > 0 and low * 4 <= cap


@lru_cache(maxsize=65536)
def protect(
    text: str,
    mode: str = "auto",
    language: str = "",
    marks: tuple[Chunk, ...] | None = None,
    abstract: str = "",
) -> tuple[Chunk, ...]:
    """``text`` as chunks ``(piece, protected)``; joining the pieces gives ``text`` back.

    ``abstract`` (the entry's) tells proper nouns from common words (see the module text).
    """
    if marks is not None and "".join(t for t, _ in marks) == text:
        return tuple(c for c in marks if c[0])  # the source's own protection, as written
    if mode == "none":
        return ((text, False),) if text else ()
    if mode != "auto" or not is_english(language):
        return _protect_plain(text, mode, language, None, abstract)
    if _nothing_to_protect(text):
        return ((text, False),) if text else ()
    # The same title or booktitle comes with many abstracts: everything but the
    # abstract's verdicts on the words that ask for one is computed once per text.
    plain, ask, title_case = _analyse(text)
    if not ask:
        return plain
    verdicts = tuple(_proper(word, title_case, abstract) for word in ask)
    if not any(verdicts):
        return plain
    return _resolve(text, verdicts)


def _nothing_to_protect(text: str) -> bool:
    """ASCII with no capital after the first character, no digit and no math: ``auto`` protects nothing.

    (Only a capital can make a word protected or ask the abstract, the first
    character starts the title, and a letter-digit mix needs a digit.)
    """
    return text.isascii() and "$" not in text and text[1:].lower() == text[1:] and not _DIGIT.search(text)


@lru_cache(maxsize=65536)
def _analyse(text: str) -> tuple[tuple[Chunk, ...], tuple[str, ...], bool]:
    """``auto`` for an English ``text``, abstract aside: (chunks if the abstract protects
    nothing more, the words whose protection the abstract decides, title case?)."""
    tokens, flags, ask, title_case = _scan(text)
    words = tuple(_word(core) for _, core, _, _ in ask)
    return _chunks(text, tokens, flags), words, title_case


@lru_cache(maxsize=65536)
def _resolve(text: str, verdicts: tuple[bool, ...]) -> tuple[Chunk, ...]:
    """``auto`` chunks of ``text`` once the abstract said which asking words are proper."""
    tokens, flags, ask, _ = _scan(text)
    for (at, _, head, tail), proper in zip(ask, verdicts):
        if proper:
            flags[at] = (True, head, tail)
    return _chunks(text, tokens, flags)


def _chunks(text: str, tokens: list[tuple[str, str]], flags: list[tuple[bool, bool, bool]]) -> tuple[Chunk, ...]:
    if not any(f[0] for f in flags):
        # Nothing protected (most titles): _group would join every token back
        # into one unprotected chunk; the tokens spell ``text``.
        return ((text, False),) if text else ()
    return _group(text, tokens, flags, group=True)


def _scan(text: str) -> tuple[list[tuple[str, str]], list[tuple[bool, bool, bool]], list[tuple[int, str, bool, bool]], bool]:
    """One pass of ``auto``: tokens, per token (protect core, head punct, tail punct), the
    words waiting for _proper ``(position, core, head, tail)``, and whether the title is in title case."""
    tokens = _tokens(text)
    # Per word its _info, the title-case counts (_title_case) and whether it
    # is protected outright (strong) or only if _proper says so, which needs
    # the counts of the whole title and is decided after the pass.
    flags: list[tuple[bool, bool, bool]] = []
    ask: list[tuple[int, str, bool, bool]] = []
    cap = low = 0
    start = True
    for kind, tok in tokens:
        if kind == "space":
            flags.append(_NO_FLAGS)
            continue
        if kind == "math":
            flags.append(_MATH_FLAGS)
            start = False
            continue
        head, core, tail, strong, cap_first, cap_later, telling, ends = _info(tok)
        if not start:
            if telling > 0:
                cap += 1
            elif telling < 0:
                low += 1
        if core and strong:
            flags.append((True, bool(head), bool(tail)))
        else:
            if core and (cap_later or (cap_first and not start)):
                ask.append((len(flags), core, bool(head), bool(tail)))
            flags.append((False, bool(head), bool(tail)))
        start = ends
    return tokens, flags, ask, cap > 0 and low * 4 <= cap


def _protect_plain(
    text: str,
    mode: str = "auto",
    language: str = "",
    marks: tuple[Chunk, ...] | None = None,
    abstract: str = "",
) -> tuple[Chunk, ...]:
    """:func:`protect` in one pass and without its shortcuts (the reference the tests compare them to)."""
    if marks is not None and "".join(t for t, _ in marks) == text:
        return tuple(c for c in marks if c[0])  # the source's own protection, as written
    if mode == "none":
        return ((text, False),) if text else ()
    if mode == "words" or not is_english(language):
        tokens = _tokens(text)
        return _group(text, tokens, [_word_rule(tok) for _, tok in tokens], group=mode != "words")
    tokens, flags, ask, title_case = _scan(text)
    for at, core, head, tail in ask:
        if _proper(_word(core), title_case, abstract):
            flags[at] = (True, head, tail)
    return _chunks(text, tokens, flags)


_NO_FLAGS = (False, False, False)
_MATH_FLAGS = (True, False, False)


def _proper(word: str, title_case: bool, abstract: str) -> bool:
    verdict = abstract_verdict(word, abstract) if abstract else ""
    if title_case:
        return verdict == "proper"
    return verdict != "common"


def _word(core: str) -> str:
    """A word without a possessive: ``Bayes's`` -> ``Bayes``."""
    return core[:-2] if core[-2:] in ("'s", "’s") else core


def _occurrences(needle: str, hay: str):  # type: ignore[no-untyped-def]
    """Start positions of ``needle`` as a whole word in ``hay`` (str.find: no regex per word)."""
    n = len(needle)
    at = hay.find(needle)
    while at >= 0:
        before = hay[at - 1] if at else " "
        after = hay[at + n] if at + n < len(hay) else " "
        if not (before.isalnum() or before in "_-'’") and not (after.isalnum() or after in "_-’"):
            yield at
        at = hay.find(needle, at + 1)


def abstract_verdict(word: str, abstract: str) -> str:
    """What an abstract says about a capitalised ``word``: ``proper`` (capitalised in the
    middle of a sentence and never in lower case), ``common`` (in lower case and never
    capitalised mid-sentence) or ``""`` (it does not say)."""
    lower = word[:1].lower() + word[1:]
    if word not in abstract and lower not in abstract:
        return ""  # neither spelling anywhere (as a whole word or not): the abstract does not say
    has_lower = lower != word and next(_occurrences(lower, abstract), None) is not None
    mid_capital = False
    for at in _occurrences(word, abstract):
        k = at - 1
        while k >= 0 and abstract[k].isspace():
            k -= 1
        if k >= 0 and abstract[k] not in ".!?:;":
            mid_capital = True
            break
    if mid_capital and not has_lower:
        return "proper"
    if has_lower and not mid_capital:
        return "common"
    return ""


def noun_evidence(prose: str) -> tuple[frozenset[str], frozenset[str]]:
    """``(proper, common)`` words of ``prose`` by :func:`abstract_verdict` (for tests and tools)."""
    words = {_word(w) for w in re.findall(r"[^\W\d_][\w'’-]*", prose)}
    capitalised = {w[:1].upper() + w[1:] for w in words}
    verdicts = {w: abstract_verdict(w, prose) for w in capitalised}
    return (
        frozenset(w for w, v in verdicts.items() if v == "proper"),
        frozenset(w.casefold() for w, v in verdicts.items() if v == "common"),
    )


def _word_rule(tok: str) -> tuple[bool, bool, bool]:
    if tok.startswith("$"):
        return (True, False, False)
    if tok.isspace():
        return (False, False, False)
    head, core, tail = _EDGE.match(tok).groups()  # type: ignore[union-attr]
    return (bool(core) and (_has_capital(core) or _mixed_digits(core)), bool(head), bool(tail))


def _group(text: str, tokens: list[tuple[str, str]], flags: list[tuple[bool, bool, bool]], group: bool) -> tuple[Chunk, ...]:
    """Chunks from per-token flags; with ``group``, protected words joined by one space share a brace."""
    chunks: list[list] = []  # [text, protected]

    def add(piece: str, protected: bool) -> None:
        if not piece:
            return
        if chunks and chunks[-1][1] == protected and not protected:
            chunks[-1][0] += piece
        else:
            chunks.append([piece, protected])

    i = 0
    n = len(tokens)
    while i < n:
        kind, tok = tokens[i]
        protected, has_head, has_tail = flags[i]
        if not protected:
            add(tok, False)
            i += 1
            continue
        if kind == "math":
            head, core, tail = "", tok, ""
        else:
            head, core, tail = _EDGE.match(tok).groups()  # type: ignore[union-attr]
        add(head, False)
        piece = core
        j = i
        # Extend the group over " word" while this word ends and the next starts without punctuation.
        while (
            group
            and not tail
            and kind == "word"
            and j + 2 < n
            and tokens[j + 1][1] == " "
            and tokens[j + 2][0] == "word"
            and flags[j + 2][0]
            and not flags[j + 2][1]
        ):
            _, ncore, ntail = _EDGE.match(tokens[j + 2][1]).groups()  # type: ignore[union-attr]
            piece += " " + ncore
            tail = ntail
            j += 2
        chunks.append([piece, True])
        add(tail, False)
        i = j + 1
    return tuple((t, p) for t, p in chunks)


def source_marks(latex: str, decode) -> tuple[Chunk, ...]:  # type: ignore[no-untyped-def]
    """A raw BibTeX value as chunks ``(decoded text, protected)``.

    A brace group protects when it sits at the value's top level and is not a
    command's argument (``\\emph{X}``) or a special character (``{\\'e}``).
    """
    out: list[Chunk] = []
    i, n = 0, len(latex)
    last = 0

    def flush(end: int) -> None:
        if end > last:
            piece = decode(latex[last:end])
            if piece:
                out.append((piece, False))

    while i < n:
        c = latex[i]
        if c == "\\":
            # Skip the command name and any brace arguments that follow it directly.
            j = i + 1
            if j < n and latex[j].isalpha():
                while j < n and latex[j].isalpha():
                    j += 1
            else:
                j += 1
            while j < n and latex[j] == "{":
                j = _close(latex, j) + 1
            i = j
        elif c == "{":
            j = _close(latex, i)
            inner = latex[i + 1 : j]
            if not inner.startswith("\\") or inner.startswith("\\{"):
                flush(i)
                text = decode(inner)
                if text:
                    out.append((text, True))
                last = j + 1
            i = j + 1
        else:
            i += 1
    flush(n)
    # Whitespace as the reader normalises it (single spaces, no ends), so the chunks spell the value.
    spaced = [(re.sub(r"\s+", " ", t), p) for t, p in out]
    if spaced:
        spaced[0] = (spaced[0][0].lstrip(), spaced[0][1])
        spaced[-1] = (spaced[-1][0].rstrip(), spaced[-1][1])
    return tuple((t, p) for t, p in spaced if t)


def _close(s: str, i: int) -> int:
    """The brace closing the group opened at ``i`` (escapes skipped); an unclosed group runs to the end."""
    end = _group_end(s, i)
    return end if end >= 0 else len(s) - 1
