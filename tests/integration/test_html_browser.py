"""The standalone HTML page in real headless Chromium, opened from file://.

Search filters entries, markup hidden in the data never runs, the page's own
script and style are allowed by its Content-Security-Policy, and the Copy
button copies exactly the entry's BibTeX.
"""

from __future__ import annotations

import json

import pytest

from conftest import ROOT, require_program, run_cli
from integration.cdp import Browser

pytestmark = pytest.mark.integration

HOSTILE = """
  - key: evil2020xss
    type: article
    title: "Evil <img src=x onerror=\\"window.pwned='img'\\"> <script>window.pwned='script'</script> title"
    authors:
      - "Mallory, <svg onload=\\"window.pwned='svg'\\">"
    year: 2020
    container: "<iframe src=javascript:window.pwned='iframe'></iframe> Journal"
    url: "javascript:window.pwned='url'"
    abstract: "<script>window.pwned='abstract'</script>"
"""
# Runs before the page's own script: records what the Copy button hands to the clipboard.
CLIPBOARD_SPY = """
window.__copied = [];
Object.defineProperty(navigator, "clipboard", {
  configurable: true,
  value: { writeText: function (text) { window.__copied.push(text); return Promise.resolve(); } },
});
"""


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    chromium = require_program("chromium")
    folder = tmp_path_factory.mktemp("page")
    corpus = (ROOT / "tests" / "data" / "corpus.yaml").read_text(encoding="utf-8")
    source = folder / "records.yaml"
    source.write_text(corpus.rstrip("\n") + "\n" + HOSTILE, encoding="utf-8")
    out = folder / "refs.html"
    result = run_cli("export", str(source), "--format", "html", "--style", "plain", "-o", str(out), cwd=folder)
    assert result.returncode == 0, result.stderr
    bib = run_cli("export", str(source), "--format", "bibtex", cwd=folder)
    assert bib.returncode == 0
    with Browser(chromium) as browser:
        browser.call("Page.addScriptToEvaluateOnNewDocument", {"source": CLIPBOARD_SPY})
        browser.open(out.as_uri())
        yield browser, bib.stdout


def visible_ids(browser):
    return browser.evaluate(
        "[...document.querySelectorAll('.entry')].filter(e => e.offsetParent !== null).map(e => e.id)"
    )


def test_page_script_and_style_run_under_its_policy(page):
    browser, _ = page
    n = browser.evaluate("document.querySelectorAll('.entry').length")
    assert n == 11
    assert browser.evaluate("document.getElementById('bibgen-count').textContent") == f"{n} of {n} shown"
    assert browser.evaluate("getComputedStyle(document.body).maxWidth") != "none"


def test_markup_from_data_did_not_run(page):
    browser, _ = page
    assert browser.evaluate("typeof window.pwned") == "undefined"
    assert browser.evaluate("document.querySelectorAll('img, svg, iframe').length") == 0
    assert browser.evaluate("document.scripts.length") == 1
    assert browser.evaluate("[...document.querySelectorAll('a')].every(a => a.protocol === 'https:' || a.protocol === 'http:')")
    title = browser.evaluate("document.getElementById('evil2020xss').querySelector('.ref').textContent")
    assert "<img src=x onerror=" in title and "<script>" in title


def test_search_filters_entries(page):
    browser, _ = page
    browser.evaluate("document.getElementById('bibgen-search').focus()")
    browser.call("Input.insertText", {"text": "wavenet raw"})
    assert visible_ids(browser) == ["oord2016wavenet"]
    groups = browser.evaluate("[...document.querySelectorAll('.group')].filter(g => g.offsetParent !== null).length")
    assert groups == 1
    assert browser.evaluate("document.getElementById('bibgen-count').textContent") == "1 of 11 shown"
    browser.evaluate("(() => { const i = document.getElementById('bibgen-search'); i.select(); })()")
    browser.call("Input.insertText", {"text": "no such words anywhere"})
    assert visible_ids(browser) == []
    browser.evaluate("(() => { const i = document.getElementById('bibgen-search'); i.select(); })()")
    browser.call("Input.insertText", {"text": "LUTHER"})  # case-insensitive
    assert visible_ids(browser) == ["special2020chars"]
    browser.evaluate("(() => { const i = document.getElementById('bibgen-search'); i.select(); })()")
    browser.call("Input.insertText", {"text": "muller ZOE"})  # accents ignored too
    assert visible_ids(browser) == ["special2020chars"]


def test_copy_button_copies_the_bibtex(page):
    browser, bib = page
    browser.evaluate("(() => { const i = document.getElementById('bibgen-search'); i.select(); })()")
    browser.call("Input.insertText", {"text": "evil2020xss"})
    assert visible_ids(browser) == ["evil2020xss"]
    browser.click("#evil2020xss button.copy")
    copied = browser.evaluate("new Promise(r => setTimeout(() => r(window.__copied), 100))")
    expected = next(block for block in bib.split("\n\n") if block.startswith("@article{evil2020xss,"))
    assert copied == [expected.rstrip("\n") + "\n"]
    assert browser.evaluate("document.querySelector('#evil2020xss button.copy').textContent") == "Copied"
    assert "window.pwned" in json.dumps(copied)  # the BibTeX keeps the data, as text
    assert browser.evaluate("typeof window.pwned") == "undefined"
