"""bibgen's CSL engine against citeproc-js: golden bibliographies of the CSL corpus.

tests/golden-csl/<style>/expected.json is citeproc-js's output (npm ``citeproc``,
the engine of Zotero and Mendeley) for tests/data/csl-corpus.json, made by
``python bench/citeproc_agreement.py --regenerate`` (see tests/golden-csl/README.md).
Nothing here runs node. An entry agrees when bibgen's ``to_citeproc_html`` of
that one reference equals citeproc-js's ``bibstart + entry + bibend``, up to the
newline convention (the only thing citeproc-js's own test runner normalises).

The reference-side checks (corpus valid and current, goldens matching the
corpus, style and locale files) run always; the engine checks skip while
``bibgen.style.csl`` does not exist.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load(name: str):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


agreement = _load("citeproc_agreement")
corpus_gen = _load("make_csl_corpus")

STYLES = agreement.STYLES
TARGET_STYLES = agreement.TARGET_STYLES
# Agreement floors for the styles outside the 99% target: what the engine
# reached when last measured (bench/agreement-findings.md), so a regression
# fails. Raise them when the engine improves.
FLOORS: dict[str, float] = {
    "harvard-cite-them-right": 1.0,  # 198/198
    "vancouver": 1.0,  # 198/198
    "association-for-computing-machinery": 1.0,  # 198/198
    "associacao-brasileira-de-normas-tecnicas": 0.99,  # 197/198
    "din-1505-2": 1.0,  # 198/198
    "iso690-author-date-fr": 1.0,  # 198/198
    "gost-r-7-0-5-2008": 1.0,  # 198/198
    "universita-cattolica-del-sacro-cuore": 0.99,  # 197/198
    "apa-tr": 1.0,  # 198/198
    "china-national-standard-gb-t-7714-2015-author-date": 1.0,  # 198/198
    "modern-language-association": 1.0,  # 198/198
    "chicago-notes-bibliography": 1.0,  # 198/198
    "the-lancet": 1.0,  # 198/198
    "cell": 1.0,  # 198/198
    "science": 1.0,  # 198/198
    "american-medical-association": 1.0,  # 198/198
    "american-chemical-society": 1.0,  # 198/198
    "plos": 1.0,  # 198/198
    "pnas": 1.0,  # 198/198
    "bmj": 1.0,  # 198/198
    "springer-basic-author-date": 1.0,  # 198/198
    "springer-lecture-notes-in-computer-science": 1.0,  # 198/198
    "elsevier-harvard": 0.99,  # 197/198
    "elsevier-vancouver": 1.0,  # 198/198
    "elsevier-with-titles": 1.0,  # 198/198
    "multidisciplinary-digital-publishing-institute": 0.99,  # 197/198
    "american-institute-of-physics": 1.0,  # 198/198
    "american-physics-society": 1.0,  # 198/198
    "american-sociological-association": 1.0,  # 198/198
    "american-political-science-association": 1.0,  # 198/198
    "sage-harvard": 1.0,  # 198/198
    "royal-society-of-chemistry": 1.0,  # 198/198
    "frontiers": 1.0,  # 198/198
    "annual-reviews": 1.0,  # 198/198
    "apa-6th-edition": 1.0,  # 198/198
}
# Styles outside the target whose order is known to differ (measured): xfail,
# not strict, so the fix shows up as XPASS. The target styles always assert.
KNOWN_ORDER_DIFFS: dict[str, str] = {}
SHOW = 5  # disagreeing entries shown on failure
CSL_NS = "{http://purl.org/net/xbiblio/csl}"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- the reference side ---------------------------------------------------------


def test_corpus_is_current_valid_and_varied() -> None:
    from bibgen.mappings.csljson import validator

    full, partial = corpus_gen.corpus()
    assert agreement.CORPUS.read_text(encoding="utf-8") == corpus_gen.dump(full), \
        "tests/data/csl-corpus.json is stale: run python bench/make_csl_corpus.py, then --regenerate"
    assert agreement.PARTIAL.read_text(encoding="utf-8") == corpus_gen.dump(partial)
    items = agreement.load_items()
    assert len(items) >= 150
    ids = [it["id"] for it in items]
    assert len(ids) == len(set(ids))
    errors = [f"{list(e.path)}: {e.message}" for e in validator().iter_errors(items)]
    assert not errors, errors[:5]
    types = {it["type"] for it in items}
    assert {"article-journal", "paper-conference", "book", "chapter", "report", "thesis", "webpage", "article",
            "article-newspaper"} <= types
    counts = {len(it.get("author", [])) for it in items}
    assert {0, 1, 2, 3, 7, 8, 20, 21} <= counts
    names = [p for it in items for role in ("author", "editor") for p in it.get(role, [])]
    assert all(p.get("literal") != "others" for p in names), "partial lists belong in csl-corpus-partial.json"
    assert any("non-dropping-particle" in p for p in names) and any("suffix" in p for p in names)
    assert any("literal" in p for p in names)
    partial_items = agreement.load_items(agreement.PARTIAL)
    assert partial_items and all(
        any(p.get("literal") == "others" for role in ("author", "editor") for p in it.get(role, []))
        for it in partial_items
    )


def test_goldens_match_corpus_styles_and_locale() -> None:
    manifest = json.loads(agreement.MANIFEST.read_text(encoding="utf-8"))
    assert manifest["corpus_sha256"] == sha256(agreement.CORPUS), \
        "the corpus changed after the goldens were made: python bench/citeproc_agreement.py --regenerate"
    for lang in agreement.LOCALE_LANGS:
        path = agreement.LOCALES / f"locales-{lang}.xml"
        assert manifest["locales"][path.name]["sha256"] == sha256(path), f"{path} changed after the goldens were made"
    corpus_ids = sorted(it["id"] for it in agreement.load_items())
    for style in STYLES:
        path = agreement.style_path(style)
        assert manifest["styles"][style]["sha256"] == sha256(path), f"{path} changed after its golden was made"
        assert "creativecommons.org/licenses/by-sa" in path.read_text(encoding="utf-8")
        golden_path = agreement.GOLDEN / style / "expected.json"
        text = golden_path.read_text(encoding="utf-8")
        entries = json.loads(text)
        assert text == agreement.dump_json(entries), f"{golden_path} is not in canonical form"
        assert sorted(e["id"] for e in entries) == corpus_ids
        assert all(e["html"].lstrip().startswith('<div class="csl-entry">') for e in entries)


@pytest.mark.parametrize("lang", agreement.LOCALE_LANGS)
def test_engine_ships_the_golden_locales(lang: str) -> None:
    name = f"locales-{lang}.xml"
    if not (agreement.ENGINE_LOCALES / name).exists():
        pytest.skip(f"bibgen does not vendor {name} yet")
    assert sha256(agreement.ENGINE_LOCALES / name) == sha256(agreement.LOCALES / name), (
        f"bibgen's {name} differs from the one the goldens were made with: "
        "python bench/citeproc_agreement.py --refresh-styles"
    )


# --- the engine -----------------------------------------------------------------


@pytest.fixture(scope="module")
def engine():  # type: ignore[no-untyped-def]
    pytest.importorskip("bibgen.style.csl")
    pytest.importorskip("bibgen.style.cslhtml")
    return agreement.bibgen_engine()


_RESULTS: dict[str, object] = {}


def comparison(style: str):  # type: ignore[no-untyped-def]
    """bibgen against citeproc-js in ``style``, computed once per session."""
    if style not in _RESULTS:
        _RESULTS[style] = agreement.compare(style)
    return _RESULTS[style]


@pytest.mark.parametrize("style", STYLES)
def test_agreement_with_citeproc_js(style: str, engine, record_property) -> None:  # type: ignore[no-untyped-def]
    result = comparison(style)
    record_property("agreement", f"{len(result.agreeing)}/{result.total}")
    summary = f"{style}: {len(result.agreeing)}/{result.total} entries agree ({result.ratio:.2%})"
    print(summary)
    assert not result.error, f"{summary}; the engine raised {result.error}"
    floor = agreement.TARGET if style in TARGET_STYLES else FLOORS[style]
    ratio = result.ratio
    assert ratio >= floor, f"{summary}, below {floor:.0%}; first disagreements:\n{result.diff(SHOW)}"


@pytest.mark.parametrize(
    "style",
    [pytest.param(s, marks=pytest.mark.xfail(reason=KNOWN_ORDER_DIFFS[s], strict=False))
     if s in KNOWN_ORDER_DIFFS else s for s in STYLES],
)
def test_bibliography_order_matches_citeproc_js(style: str, engine) -> None:  # type: ignore[no-untyped-def]
    result = comparison(style)
    assert not result.error, result.error
    if result.actual_order != result.expected_order:
        import difflib

        diff = "".join(difflib.unified_diff(
            [f"{k}\n" for k in result.expected_order], [f"{k}\n" for k in result.actual_order],
            "citeproc-js", "bibgen", n=1,
        ))
        pytest.fail(f"{style}: bibliography order differs from citeproc-js:\n{diff}")


def et_al_term(style: str) -> str:
    """The style's et-al term: its own locale override, else the en-US locale's."""
    for path in (agreement.style_path(style), agreement.LOCALES / "locales-en-US.xml"):
        root = ET.parse(path).getroot()
        for term in root.iter(f"{CSL_NS}term"):
            if term.get("name") == "et-al" and term.get("form", "long") == "long" and (term.text or "").strip():
                return term.text.strip()
    raise AssertionError(f"no et-al term for {style}")


def visible_text(html: str) -> str:
    text = re.sub(r"<[^>]+>", "", html)
    return text.replace("&#38;", "&").replace("&#60;", "<").replace("&#62;", ">").replace("&amp;", "&")


@pytest.mark.parametrize("style", TARGET_STYLES)
def test_partial_name_lists_render_as_et_al(style: str, engine) -> None:  # type: ignore[no-untyped-def]
    CslStyle, to_citeproc_html = engine
    items = agreement.load_items(agreement.PARTIAL)
    refs = CslStyle.from_path(agreement.style_path(style)).bibliography(items)
    assert sorted(str(r.key) for r in refs) == sorted(it["id"] for it in items)
    term = et_al_term(style)
    for ref in refs:
        text = visible_text(to_citeproc_html([ref]))
        assert term in text, f"{style} {ref.key}: no {term!r} in {text!r}"
        assert not re.search(r"\bothers\b", text, re.IGNORECASE), f"{style} {ref.key}: 'others' as a name in {text!r}"
