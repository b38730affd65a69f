"""Bundled CSL locales, --locale / the locale config key, and language-aware sorting."""

from __future__ import annotations

import pytest

from bibgen.errors import UsageError
from bibgen.style.csl.collation import make_collator
from bibgen.style.csl.locale import available_locales, load_locale, resolve_lang
from bibgen.style.csl.style import _collate
from bibgen.style.lookup import check_locale
from tests.conftest import ROOT, run_cli


def test_every_official_locale_is_bundled() -> None:
    langs = available_locales()
    assert len(langs) >= 60
    for lang in ("en-US", "pt-BR", "it-IT", "ru-RU", "zh-TW", "sr-Cyrl-RS", "de-CH"):
        assert lang in langs


@pytest.mark.parametrize(
    ("asked", "file"),
    [("pt-BR", "pt-BR"), ("pt", "pt-PT"), ("pt-br", "pt-BR"), ("de-LU", "de-DE"), ("de", "de-DE"),
     ("sr", "sr-Latn-RS"), ("en", "en-US"), ("xx", "en-US"), (None, "en-US")],
)
def test_resolve_lang_falls_back_like_citeproc_js(asked: str | None, file: str) -> None:
    assert resolve_lang(asked) == file


def test_a_dialect_is_layered_over_its_primary_dialect_and_en_us() -> None:
    it = load_locale("it-IT", [])
    assert it.term("and") == "e"
    assert it.ordinal(1) != "st"  # English ordinals do not leak under another language
    pt_br = load_locale("pt-BR", [])
    assert pt_br.term("no date", "short") == "s.d."


def test_unknown_or_malformed_locale_is_a_usage_error() -> None:
    with pytest.raises(UsageError):
        check_locale("xx-YY")
    with pytest.raises(UsageError):
        check_locale("de DE; rm -rf")
    assert check_locale("pt-BR") == "pt-BR"


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("ru-RU", ["Чебышёв", "Abbott", "Zeta"]),  # CLDR ru: [reorder Cyrl]
        ("en-US", ["Abbott", "Zeta", "Чебышёв"]),
        ("sv-SE", ["Adams", "Zorn", "Åberg", "Östlund"]),  # å ä ö after z
        ("de-DE", ["Adams", "Östlund", "Zorn"]),  # ö is o at base strength
        ("pl-PL", ["Lewandowski", "Lz", "Łukasiewicz", "Mazur"]),  # ł after l
        ("tr-TR", ["Sarı", "Szabo", "Şahin", "Tan"]),  # ş after s
        ("es-ES", ["Nunez", "Nz", "Ñandú"]),  # ñ after n
        ("cs-CZ", ["Hruby", "Chmel", "Izak"]),  # ch after h
        ("zh-CN", ["山田", "Abbott"]),  # Han before Latin
    ],
)
def test_sort_keys_follow_the_language(lang: str, words: list[str]) -> None:
    collate = make_collator(lang, _collate)
    assert sorted(reversed(words), key=collate) == words


def test_digits_and_symbols_still_sort_first_after_a_script_reorder() -> None:
    collate = make_collator("ru-RU", _collate)
    assert sorted(["Б", "2 А", "A"], key=collate) == ["2 А", "Б", "A"]


def test_locale_option_overrides_the_style_default_locale() -> None:
    de = run_cli("export", "-f", "text", "-s", "apa", "--locale", "de-DE", str(ROOT / "seeds"))
    assert de.returncode == 0, de.stderr
    assert "o.\u00a0J." in de.stdout  # German "no date"
    en = run_cli("export", "-f", "text", "-s", "apa", str(ROOT / "seeds"))
    assert "n.d." in en.stdout and "o.\u00a0J." not in en.stdout


def test_unknown_locale_exits_2_before_reading(tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = run_cli("export", "-f", "text", "--locale", "xx-YY", str(ROOT / "seeds"))
    assert r.returncode == 2
    assert "unknown locale 'xx-YY'" in r.stderr
    assert r.stdout == ""


def test_locale_config_key(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "a.txt").write_text((ROOT / "seeds" / "000_946b4e9e47dcb52c.txt").read_text("utf-8"), "utf-8")
    (tmp_path / "bibgen.yaml").write_text("sources: [seeds]\nlocale: fr-FR\noutputs:\n  - {path: refs.txt, format: text, style: apa}\n", "utf-8")
    r = run_cli("sync", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "s.\u00a0d." in (tmp_path / "refs.txt").read_text("utf-8")
    (tmp_path / "bibgen.yaml").write_text("sources: [seeds]\nlocale: 42\n", "utf-8")
    bad = run_cli("sync", cwd=tmp_path)
    assert bad.returncode == 2 and "bibgen.yaml:2" in bad.stderr
