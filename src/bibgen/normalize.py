"""Normalization rules as pure functions: text, names, identifiers, match keys."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from bibgen.model import Person

# Every Unicode space separator, tab and line break, including NBSP and the
# zero-width ones that scraped pages carry.
_SPACE_RE = re.compile(r"[\s\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]+")
# C0/C1 controls other than whitespace; they never belong in a bibliography.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Anything clean_text would change in NFC text: a control, a space other than
# " ", two spaces in a row, or a space at either end.
# Every whitespace character but " " is in the class, so "\s\s", "^\s" and "\s$"
# need only be checked for plain spaces (str methods: much faster on long text).
_UNTIDY_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]")


def clean_text(text: str) -> str:
    """NFC, controls removed, every run of whitespace one space, trimmed."""
    if not text:
        return ""
    if text.isascii():
        # Fast path for the common case: printable ASCII, already tidy.
        if text.isprintable() and "  " not in text and text[0] != " " and text[-1] != " ":
            return text
    elif not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    elif not _UNTIDY_RE.search(text) and "  " not in text and text[0] != " " and text[-1] != " ":
        return text  # NFC, no controls, only single plain spaces inside: nothing to do
    kept = _CONTROL_RE.sub("", text)
    if len(kept) != len(text) and not kept.isascii():
        # A control between a letter and its combining accent (``a\x07\u0301``)
        # kept NFC from joining them: join them now, or a second cleaning would.
        kept = unicodedata.normalize("NFC", kept)
    return _SPACE_RE.sub(" ", kept).strip()


# ---------------------------------------------------------------- names

_PARTICLES = frozenset(
    "van von der den de del della di da dos das du la le les ten ter al el bin ibn zu d' van't".split()
)
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v", "2nd", "3rd"})


def _split_particle(last: str) -> tuple[str, str]:
    """``van den Oord`` -> (``van den``, ``Oord``): leading lower-case words are particles."""
    words = last.split(" ")
    i = 0
    while i < len(words) - 1 and (words[i][:1].islower() or words[i].lower() in _PARTICLES) and not words[i][:1].isupper():
        i += 1
    return " ".join(words[:i]), " ".join(words[i:])


def parse_name(text: str) -> Person:
    """Split one name: ``Family, Given``, ``von Last, Jr, First`` or ``First von Last``.

    >>> parse_name("van den Oord, Aäron")
    Person(family='Oord', given='Aäron', particle='van den', suffix='', literal='')
    >>> parse_name("Le, Quoc V.").given
    'Quoc V.'
    >>> parse_name("Martin Luther King, Jr.").suffix
    'Jr.'
    """
    text = clean_text(text)
    if not text:
        return Person()
    if text.startswith("{") and text.endswith("}") and text.count("{") == 1:
        return Person(literal=text[1:-1].strip())
    parts = [p.strip() for p in text.split(",")]
    if len(parts) == 1:
        words = text.split(" ")
        if len(words) == 1:
            return Person(family=words[0])
        suffix = ""
        if len(words) > 2 and words[-1].lower() in _SUFFIXES:
            suffix = words.pop()
        # First von Last: the particle starts at the first lower-case word before the last.
        i = len(words) - 1
        j = next((k for k in range(1, len(words) - 1) if words[k][:1].islower()), i)
        given = " ".join(words[:j])
        particle = " ".join(words[j:i])
        return Person(family=words[i], given=given, particle=particle, suffix=suffix)
    if len(parts) == 2 and parts[1].lower() in _SUFFIXES:
        # "Martin Luther King, Jr." -- a suffix after a reading-order name.
        inner = parse_name(parts[0])
        return Person(inner.family, inner.given, inner.particle, parts[1])
    last = parts[0]
    if len(parts) >= 3:
        suffix, given = parts[1], ", ".join(parts[2:])
    else:
        suffix, given = "", parts[1]
    particle, family = _split_particle(last)
    return Person(family=family, given=given, particle=particle, suffix=suffix)


# ---------------------------------------------------------------- identifiers

# A DOI is ``10.<registrant>/<suffix>``; the suffix may hold any printable
# character (DOI Handbook 2.2), SICI DOIs included:
# ``10.1002/(SICI)1521-3951(199911)216:1<391::AID-PSSB391>3.0.CO;2-H``.
_DOI_RE = re.compile(r"10\.\d{4,9}(?:\.\d+)*/\S+", re.IGNORECASE)
_DOI_PREFIX_RE = re.compile(r"^\s*(?:(?:https?://)?(?:dx\.)?doi\.org/|doi:\s*|info:doi/)", re.IGNORECASE)
# arXiv's own DOIs (10.48550/arXiv.2403.08295) name a preprint, not a publication.
_ARXIV_DOI_RE = re.compile(r"^10\.48550/arxiv\.(.+)$", re.IGNORECASE)
_CLOSERS = {")": "(", "]": "[", "}": "{", ">": "<"}


def _balanced_tail(doi: str) -> str:
    """Drop sentence punctuation after a DOI; a closing bracket only when the DOI does not open it."""
    while doi:
        last = doi[-1]
        if last in ".,;'\"":
            doi = doi[:-1]
        elif last in _CLOSERS and doi.count(last) > doi.count(_CLOSERS[last]):
            doi = doi[:-1]
        else:
            break
    return doi


def normalize_doi(text: str) -> str:
    """``https://doi.org/10.1000/ABC`` -> ``10.1000/abc`` (DOIs are case-insensitive).

    The whole suffix counts, whatever printable characters it holds (SICI
    DOIs contain ``<``, ``>``, ``;``, ``:``); a resolver URL's percent escapes
    are decoded; sentence punctuation and unbalanced closing brackets after it
    are not part of it.

    >>> normalize_doi("https://doi.org/10.1145/3442188.3445922.")
    '10.1145/3442188.3445922'
    >>> normalize_doi("doi:10.1000/ABC%2Fdef")
    '10.1000/abc/def'
    >>> normalize_doi("10.1002/(SICI)1521-3951(199911)216:1<391::AID-PSSB391>3.0.CO;2-H")
    '10.1002/(sici)1521-3951(199911)216:1<391::aid-pssb391>3.0.co;2-h'
    >>> normalize_doi("(see 10.1000/xyz)")
    '10.1000/xyz'
    """
    if not text:
        return ""
    text = _DOI_PREFIX_RE.sub("", text.strip())
    if "%" in text:
        from urllib.parse import unquote

        text = unquote(text)
    m = _DOI_RE.search(text)
    if not m:
        return ""
    return _balanced_tail(m.group(0)).lower()


def normalize_isbn(text: str) -> str:
    """An ISBN-10 or ISBN-13 as its ISBN-13 digits when its checksum holds, else ``""`` (python-stdnum).

    >>> normalize_isbn("0-306-40615-2"), normalize_isbn("978-0-306-40615-7"), normalize_isbn("0-306-40615-3")
    ('9780306406157', '9780306406157', '')
    """
    from stdnum import isbn

    text = re.sub(r"^\s*isbn(?:-1[03])?:?\s*", "", text or "", flags=re.IGNORECASE)
    try:
        return str(isbn.to_isbn13(isbn.validate(text)))
    except Exception:  # stdnum's ValidationError subclasses, and ValueError on odd input
        return ""


def normalize_issn(text: str) -> str:
    """An ISSN as ``NNNNNNNC`` when its checksum holds, else ``""`` (python-stdnum).

    >>> normalize_issn("0378-5955"), normalize_issn("0378-5954")
    ('03785955', '')
    """
    from stdnum import issn

    try:
        return str(issn.validate(re.sub(r"^\s*issn:?\s*", "", text or "", flags=re.IGNORECASE)))
    except Exception:
        return ""


_PMID_RE = re.compile(r"^\s*(?:pmid:?\s*)?(\d{1,9})\s*$", re.IGNORECASE)


def normalize_pmid(text: str) -> str:
    """A PubMed id as digits without leading zeros, else ``""``.

    >>> normalize_pmid("PMID: 0012345"), normalize_pmid("12a")
    ('12345', '')
    """
    m = _PMID_RE.match(text or "")
    return str(int(m.group(1))) if m and int(m.group(1)) else ""


_DOI_RESOLVER = re.compile(r"\s*(?:https?://(?:dx\.)?doi\.org/|doi:\s*)(?=10\.)", re.IGNORECASE)


def bare_doi(text: str) -> str:
    """A DOI as the ``doi`` field holds it: without a resolver prefix, otherwise as written.

    biblatex and CSL processors add ``https://doi.org/`` themselves, so a
    prefixed value would print it twice.

    >>> bare_doi("https://doi.org/10.1000/ABC"), bare_doi("doi:10.1000/x"), bare_doi("10.1000/x")
    ('10.1000/ABC', '10.1000/x', '10.1000/x')
    """
    m = _DOI_RESOLVER.match(text)
    return text[m.end():] if m else text


def arxiv_from_doi(doi: str) -> str:
    """The arXiv id inside an arXiv DOI (``10.48550/arXiv.2403.08295``), else ``""``."""
    m = _ARXIV_DOI_RE.match(normalize_doi(doi))
    return normalize_arxiv(m.group(1)) if m else ""


_ARXIV_NEW = re.compile(r"(?<!\d)(?<!\d\.)(\d{4}\.\d{4,5})(v\d+)?(?!\d)")
_ARXIV_OLD = re.compile(r"(?<![a-z])([a-z][a-z-]*(?:\.[a-z]{2})?/\d{7})(v\d+)?", re.IGNORECASE)


def normalize_arxiv(text: str) -> str:
    """``arXiv:2403.08295v2`` -> ``2403.08295``; old ids ``hep-th/9901001v3`` keep their archive.

    >>> normalize_arxiv("https://arxiv.org/abs/math.GT/0309136v1")
    'math.gt/0309136'
    >>> normalize_arxiv("10.48550/arXiv.1706.03762")
    '1706.03762'
    """
    text = (text or "").strip()
    m = _ARXIV_NEW.search(text)
    if m:
        return m.group(1)
    m = _ARXIV_OLD.search(text)
    return m.group(1).lower() if m else ""


# ---------------------------------------------------------------- match keys

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212-"
# Latin letters that are not a base letter plus an accent, so NFKD leaves them alone.
_FOLD_LETTERS = str.maketrans(
    {"ø": "o", "đ": "d", "ð": "d", "ł": "l", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th", "ħ": "h", "ŧ": "t", "ŀ": "l", "ĸ": "k"}
)
# Diacritic blocks only: accents on Latin, Greek and Cyrillic letters fold away,
# but marks that make a different letter in other scripts (Devanagari vowel
# signs, kana voicing marks) stay.
_ACCENT_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


@lru_cache(maxsize=262144)
def fold(text: str) -> str:
    """Case- and accent-folded text: accents are folded (é -> e), never deleted with the letter.

    Non-Latin letters survive as themselves, so two different Chinese titles
    never fold to the same empty string.

    >>> fold("Ångström Øre Straße")
    'angstrom ore strasse'
    >>> fold("Ἀριστοτέλης"), fold("Ёлка")
    ('αριστοτελησ', 'елка')
    >>> fold("深度学习")
    '深度学习'
    """
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold()).translate(_FOLD_LETTERS)
    return unicodedata.normalize("NFC", _ACCENT_RE.sub("", decomposed))


_MATH_RE = re.compile(r"\$[^$]*\$")


@lru_cache(maxsize=262144)
def title_key(title: str) -> str:
    """The exact-match key of a title: folded, with punctuation, dashes and spaces removed.

    Digits stay, so ``Gemma 2`` and ``Gemma 3`` never share a key.

    >>> title_key("Gemini 1.5: Unlocking  Multimodal") == title_key("gemini 1.5 — unlocking multimodal.")
    True
    """
    return _NON_ALNUM.sub("", fold(title))


_NON_ALNUM = re.compile(r"[\W_]+")


_TOKEN_RE = re.compile(r"[^\W_]+")


@lru_cache(maxsize=262144)
def title_tokens(title: str) -> tuple[str, ...]:
    """Folded words of a title, in order (punctuation and dashes split words)."""
    return tuple(_TOKEN_RE.findall(fold(title) if len(title) < 300 else fold.__wrapped__(title)))


# Words a short title or a fuzzy comparison skips, as Better BibTeX and JabRef do.
FUNCTION_WORDS = frozenset(
    """a an the and or but nor for so yet of in on at to by with from into onto upon over under
    about as via vs versus per through toward towards without within among between is are be
    its it this that these those how what when where which who why do does can we our""".split()
)


def significant_tokens(title: str) -> tuple[str, ...]:
    """Folded title words without function words (all words if nothing else is left)."""
    tokens = title_tokens(title)
    return tuple(t for t in tokens if t not in FUNCTION_WORDS) or tokens


_NUMBER_RE = re.compile(r"\d+(?:\.\d+)*")


def title_numbers(title: str) -> tuple[str, ...]:
    """Numbers and version strings in a title; works whose numbers differ are different works.

    >>> title_numbers("Gemini 1.5 vs GPT-4")
    ('1.5', '4')
    """
    return tuple(_NUMBER_RE.findall(title))


# Scripts written without spaces between words: a one-character difference is a
# different word, so titles in them are only ever matched exactly.
_UNSPACED_RE = re.compile(
    "[\u0e00-\u0eff\u0f00-\u0fff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002fa1f]"
)


def is_unspaced_script(title: str) -> bool:
    """Does the title use a script without word spacing (Chinese, Japanese, Korean, Thai…)?"""
    return bool(_UNSPACED_RE.search(title))


_ROMAN_RE = re.compile(r"^(x{0,3})(ix|iv|v?i{0,3})$")
_ORDINAL_NUM_RE = re.compile(r"^(\d+)(st|nd|rd|th)$")
_ORDINALS = {
    w: i + 1
    for i, w in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split()
    )
}
_CARDINALS = {w: i + 1 for i, w in enumerate("one two three four five six seven eight nine ten eleven twelve".split())}
_PART_WORDS = frozenset(
    "part parts vol volume volumes book chapter section series edition ed no number issue tome teil band partie".split()
)


def _numeral(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    if token in _ORDINALS:
        return _ORDINALS[token]
    if token in _CARDINALS:
        return _CARDINALS[token]
    m = _ORDINAL_NUM_RE.match(token)
    if m:
        return int(m.group(1))
    if token and _ROMAN_RE.match(token):
        value, prev = 0, 0
        for c in reversed(token):
            v = {"i": 1, "v": 5, "x": 10}[c]
            value = value - v if v < prev else value + v
            prev = max(prev, v)
        return value
    return None


@lru_cache(maxsize=262144)
def title_markers(title: str) -> tuple[str, ...]:
    """Part, volume and edition markers in a title: ``Part II`` -> ``part:2``.

    Roman numerals of two or more letters count on their own (``Rocky II``);
    ordinal words (``Second``) too. Works whose markers differ are different works.

    >>> title_markers("Foundations, Volume 2, Part II: the Second Edition")
    ('volume:2', 'part:2', 'ordinal:2', 'edition:')
    """
    tokens = title_tokens(title)
    out: list[str] = []
    for i, tok in enumerate(tokens):
        if tok in _PART_WORDS:
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            value = _numeral(nxt)
            name = {"vol": "volume", "volumes": "volume", "parts": "part", "ed": "edition", "no": "number"}.get(tok, tok)
            if value is not None:
                out.append(f"{name}:{value}")
            elif tok in ("edition", "ed"):
                out.append("edition:")
            continue
        if tok in _ORDINALS or _ORDINAL_NUM_RE.match(tok):
            out.append(f"ordinal:{_numeral(tok)}")
        elif len(tok) >= 2 and _ROMAN_RE.match(tok) and (i == 0 or tokens[i - 1] not in _PART_WORDS):
            out.append(f"roman:{_numeral(tok)}")
    return tuple(out)


def normalize_number(text: str) -> str:
    """An edition, volume or issue as a plain number where it is one: ``2nd ed.`` -> ``2``.

    >>> normalize_number("Second edition"), normalize_number("IV"), normalize_number("12a")
    ('2', '4', '12a')
    """
    tokens = title_tokens(text)
    for tok in tokens:
        value = _numeral(tok)
        if value is not None:
            return str(value)
    return "".join(tokens)


def year_of(text: str) -> int | None:
    """The first four-digit year in a date field."""
    m = re.search(r"(?<!\d)(\d{4})(?!\d)", text or "")
    return int(m.group(1)) if m else None


@lru_cache(maxsize=262144)
def person_family(p: Person) -> str:
    """A person's folded family name (or literal), letters only: who they are for matching."""
    return "".join(c for c in fold(p.family or p.literal) if c.isalnum())
