"""Language-aware sort keys: CLDR's tailorings on top of citeproc-js's base-strength comparison.

citeproc-js compares sort keys with ``Intl.Collator(<style locale>, {sensitivity:
"base", ignorePunctuation: true, numeric: true})``, so the order of a
bibliography depends on the locale: ICU's Russian collation puts Cyrillic
before Latin (``[reorder Cyrl]``), Swedish sorts ``å ä ö`` after ``z``, Polish
``ł`` after ``l``, Turkish ``ş`` after ``s``. The language-neutral part (accents
and case ignored, punctuation ignored, digit runs numeric) is
:func:`base_key`; this module adds, per language, the
CLDR tailorings (``common/collation/<lang>.xml``) that change which letters are
equal at base strength and the order of scripts.

Chinese (``zh``, ``zh-CN``, ``zh-SG``, ``zh-Hans``) uses CLDR's default zh
collation, "pinyin": ``[reorder Hani]`` (Han before Latin; Bopomofo is *not*
reordered, ICU 78 puts ``ㄅ`` after ``Zhang``), and each Han character is a
primary weight of its own in the order of its reading: syllable (``ü`` as
``u``), then ``ü`` after ``u`` (``lu² lu⁴ lü² lü⁴ luan lüe``), then tone 1-4 and the
neutral tone last, then (stroke count in ICU) code point. Readings come from
``pypinyin``'s single-character dictionary (imported on the first Han
character only), which agrees with ICU's reading for most characters; where a
polyphonic character's ICU reading differs (``似`` ``拗``...) the order
differs: see bench/agreement-findings.md. ``zh-TW``/``zh-HK``/``zh-MO``/
``zh-Hant`` sort by stroke in ICU; bibgen keeps code point order there.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

# A letter above every letter of every script, with no decomposition (CJK
# Extension G's last ideograph in Unicode 14, Python 3.11's database): base + MARK
# sorts after every word that continues the base letter ("lz" < "ł").
MARK = "\U0003134a"


def _after(base: str, n: int = 0) -> str:
    return base + MARK + "abcdefghij"[n]


# Letters that are letters of their own, sorted after a base letter
# (lower-case; upper case is folded to them first). From CLDR's standard collations.
_LETTERS: dict[str, dict[str, str]] = {
    "tr": {"ç": _after("c"), "ğ": _after("g"), "ı": "h" + MARK, "ö": _after("o"), "ş": _after("s"), "ü": _after("u")},
    "sv": {"å": _after("z", 0), "ä": _after("z", 1), "æ": _after("z", 1), "ö": _after("z", 2), "ø": _after("z", 2)},
    "fi": {"å": _after("z", 0), "ä": _after("z", 1), "æ": _after("z", 1), "ö": _after("z", 2), "ø": _after("z", 2)},
    "da": {"æ": _after("z", 0), "ä": _after("z", 0), "ø": _after("z", 1), "ö": _after("z", 1), "å": _after("z", 2)},
    "nb": {"æ": _after("z", 0), "ä": _after("z", 0), "ø": _after("z", 1), "ö": _after("z", 1), "å": _after("z", 2)},
    "es": {"ñ": _after("n")},
    "pl": {"ą": _after("a"), "ć": _after("c"), "ę": _after("e"), "ł": _after("l"), "ń": _after("n"),
           "ó": _after("o"), "ś": _after("s"), "ź": _after("z", 0), "ż": _after("z", 1)},
    "cs": {"č": _after("c"), "ř": _after("r"), "š": _after("s"), "ž": _after("z")},
    "sk": {"ä": _after("a"), "č": _after("c"), "ô": _after("o"), "ř": _after("r"), "š": _after("s"), "ž": _after("z")},
    "hr": {"č": _after("c", 0), "ć": _after("c", 1), "đ": _after("d", 1), "š": _after("s"), "ž": _after("z")},
    "sl": {"č": _after("c"), "š": _after("s"), "ž": _after("z")},
    "ro": {"ă": _after("a", 0), "â": _after("a", 1), "î": _after("i"), "ș": _after("s"), "ş": _after("s"),
           "ț": _after("t"), "ţ": _after("t")},
    "is": {"á": _after("a"), "ð": _after("d"), "é": _after("e"), "í": _after("i"), "ó": _after("o"),
           "ú": _after("u"), "ý": _after("y"), "þ": _after("z", 0), "æ": _after("z", 1), "ö": _after("z", 2)},
}
_LETTERS["az"] = _LETTERS["tr"]
_LETTERS["nn"] = _LETTERS["no"] = _LETTERS["nb"]
_LETTERS["bs"] = _LETTERS["hr"]
# Digraphs that are one letter: Czech/Slovak "ch" after "h"; Croatian "dž" after "d", "lj", "nj".
_DIGRAPHS: dict[str, dict[str, str]] = {
    "cs": {"ch": _after("h")},
    "sk": {"ch": _after("h")},
    "hr": {"dž": _after("d", 0), "lj": _after("l"), "nj": _after("n")},
}
_DIGRAPHS["bs"] = _DIGRAPHS["hr"]

# Scripts a language's collation sorts before Latin (CLDR "[reorder ...]").
_SCRIPTS = {
    "Cyrl": ((0x0400, 0x052F), (0x1C80, 0x1C8F), (0x2DE0, 0x2DFF), (0xA640, 0xA69F)),
    "Grek": ((0x0370, 0x03FF), (0x1F00, 0x1FFF)),
    "Hani": ((0x2E80, 0x2FDF), (0x3005, 0x3007), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F)),
    "Kana": ((0x3040, 0x30FF), (0x31F0, 0x31FF), (0xFF66, 0xFF9F)),
    "Hang": ((0x1100, 0x11FF), (0x3130, 0x318F), (0xAC00, 0xD7AF)),
    "Bopo": ((0x3100, 0x312F), (0x31A0, 0x31BF)),
    "Hebr": ((0x0590, 0x05FF),),
    "Arab": ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF)),
    "Deva": ((0x0900, 0x097F),),
    "Thai": ((0x0E00, 0x0E7F),),
    "Armn": ((0x0530, 0x058F),),
    "Khmr": ((0x1780, 0x17FF),),
    "Geor": ((0x10A0, 0x10FF),),
}
_REORDER: dict[str, tuple[str, ...]] = {
    **{lang: ("Cyrl",) for lang in ("ru", "uk", "bg", "mk", "be", "mn", "kk", "ky", "tg")},
    "el": ("Grek",), "zh": ("Hani",), "ja": ("Kana", "Hani"), "ko": ("Hang", "Hani"),
    "he": ("Hebr",), "ar": ("Arab",), "fa": ("Arab",), "ur": ("Arab",), "hi": ("Deva",),
    "th": ("Thai",), "hy": ("Armn",), "km": ("Khmr",), "ka": ("Geor",),
}


def _script_test(scripts: tuple[str, ...]) -> Callable[[str], bool]:
    ranges = [r for s in scripts for r in _SCRIPTS[s]]

    @lru_cache(maxsize=8192)
    def first(c: str) -> bool:
        o = ord(c)
        return any(lo <= o <= hi for lo, hi in ranges)

    return first


def _reorder_key(key: str, first: Callable[[str], bool], han: Callable[[str], str] | None = None) -> str:
    # Symbols and spaces ("\x01..." from the base key) stay lowest. Digits and the
    # reordered script's letters get "\x02", every other letter "\x03", so the
    # reordered script sorts before Latin while digits still precede letters.
    out: list[str] = []
    append = out.append
    symbol = False
    for c in key:
        if symbol or c == "\x01":
            append(c)  # "\x01" and the symbol after it stay as they are
            symbol = c == "\x01"
        elif c.isdigit():
            append("\x02" + c)
        elif first(c):
            append("\x02" + (han(c) if han is not None else c))
        else:
            append("\x03" + c)
    return "".join(out)


def _lang_of(tag: str | None) -> tuple[str, str]:
    tag = (tag or "en-US").replace("_", "-")
    parts = tag.split("-")
    return parts[0].lower(), "-".join(parts[1:]).lower()


@lru_cache(maxsize=64)
def make_collator(lang: str | None, base: Callable[[str], str]) -> Callable[[str], str]:
    """A sort-key function for the language tag ``lang`` (``ru-RU``, ``sv-SE``, ``sr-Cyrl-RS``...) over ``base``."""
    primary, rest = _lang_of(lang)
    letters = _LETTERS.get(primary)
    digraphs = _DIGRAPHS.get(primary)
    scripts = _REORDER.get(primary)
    if primary == "sr":
        scripts = None if "latn" in rest else ("Cyrl",)
        letters, digraphs = (_LETTERS["hr"], _DIGRAPHS["hr"]) if "latn" in rest else (None, None)
    if not (letters or digraphs or scripts):
        return base
    pattern = None
    if letters or digraphs:
        alts = sorted({*(digraphs or {}), *(letters or {})}, key=len, reverse=True)
        pattern = re.compile("|".join(re.escape(a) for a in alts))
        table = {**(letters or {}), **(digraphs or {})}
        # Turkish: a dotted capital I is i, a plain capital I is dotless ı.
        turkic = primary in ("tr", "az")
    first = _script_test(scripts) if scripts else None
    han = _pinyin_weight if primary == "zh" and not _traditional(rest) else None

    def collate(s: str) -> str:
        if pattern is not None:
            low = s.replace("I", "ı").replace("İ", "i").lower() if turkic else s.lower()
            s = pattern.sub(lambda m: table[m.group(0)], low)
        key = base(s)
        return _reorder_key(key, first, han) if first is not None else key

    return collate


def _traditional(rest: str) -> bool:
    # CLDR zh-Hant (zh-TW, zh-HK, zh-MO) defaults to the stroke collation.
    subtags = rest.split("-")
    return "hant" in subtags or ("hans" not in subtags and bool({"tw", "hk", "mo"} & set(subtags)))


@lru_cache(maxsize=16384)
def _pinyin_weight(c: str) -> str:
    """The sort weight of one Han character under CLDR's zh pinyin collation.

    The syllable with ``ü`` as ``u``, ``0``/``1`` for ``u``/``ü`` (a digit, below
    every letter, so it also ends the syllable: ``zhan0`` before ``zhang0``),
    tone ``1``-``5`` (5 the neutral tone), the character itself: what follows
    a character never changes its order. A character without a reading sorts
    after every read one, by code point, as in ICU.
    """
    from pypinyin import Style, lazy_pinyin  # lazy: its dictionary takes ~0.3 s to load

    reading = lazy_pinyin(c, style=Style.TONE3, neutral_tone_with_five=True, errors=lambda _: ["~"])[0]
    if not reading.isascii() or not reading[:-1].isalpha() or not reading[-1].isdigit():
        return "~05" + c
    syllable, tone = reading[:-1], reading[-1]
    umlaut = "1" if "v" in syllable else "0"
    return syllable.replace("v", "u") + umlaut + tone + c


def base_key(s: str) -> str:
    """A sort string that compares as citeproc-js's ``localeCompare`` does.

    citeproc-js turns each space of a key into ``|`` and compares keys with
    ICU at base strength, ignoring punctuation, with numeric ordering of digit
    runs (``{sensitivity: "base", ignorePunctuation: true, numeric: true}``).
    So accents and case are ignored, letters with a stroke sort with their
    base letter (``Ł`` with ``L``, ``Đ`` with ``D``), ligatures as their
    letters (``æ`` as ``ae``), ``10`` after ``9``, and symbols (the ``|`` of
    a space too: ``Le Q`` before ``LeCun``) before digits and letters. Keys
    that tie here are equal, and the next sort key decides.
    """
    if not s.isascii():
        s = unicodedata.normalize("NFKD", s.translate(_LETTER_BASE))
        s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.casefold()
    if _HAS_DIGIT.search(s):
        # Before ignorables go: they end a digit run ("2 1" is 2, then 1).
        s = _DIGITS.sub(_number_key, s)
    if s.isascii():
        return s.translate(_ASCII_IGNORED)
    return "".join([_collate_char(c) for c in s])


@lru_cache(maxsize=4096)
def _collate_char(c: str) -> str:
    if c == " ":
        return "\x01|"
    cat = unicodedata.category(c)
    if cat[0] in "PZC":
        return ""
    if cat[0] == "S":
        return "\x01" + c
    return c


def _number_key(m: re.Match[str]) -> str:
    digits = m.group(0).lstrip("0") or "0"
    return f"{len(digits):02d}{digits}"


# Letters ICU sorts with a base letter that Unicode does not decompose to.
_LETTER_BASE = str.maketrans({
    "Đ": "D", "đ": "d", "Ð": "D", "ð": "d", "Ł": "L", "ł": "l", "Ø": "O", "ø": "o",
    "Ħ": "H", "ħ": "h", "Æ": "AE", "æ": "ae", "Œ": "OE", "œ": "oe", "ß": "ss", "ẞ": "SS",
})
# ASCII punctuation and white space other than " " are ignored; symbols sort
# before digits and letters.
_ASCII_IGNORED = str.maketrans(
    {**{c: None for c in "!\"#%&'()*,-./:;?@[\\]_{}\t\n\r\f\v"}, **{c: "\x01" + c for c in "$+<=>^`|~"},
     " ": "\x01|"}
)
_DIGITS = re.compile(r"[0-9]+")
_HAS_DIGIT = re.compile(r"[0-9]")
