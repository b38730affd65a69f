"""Hostile data in every field cannot create markup in the html and markdown outputs."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from bibgen.model import Entry, EntryKind, Fields, Person
from bibgen.pipeline import Options
from bibgen.registry import writers
from bibgen.style.cslbridge import engine_available

PAYLOADS = [
    "<script>window.pwned=1</script>",
    '<img src=x onerror="window.pwned=1">',
    '"><svg onload=alert(1)>',
    "javascript:alert(1)",
    "[click](javascript:alert(1))",
    "![img](http://evil.example/x.png)",
    "<http://evil.example>",
    "*bold* _em_ `code` **strong**",
    "&lt;script&gt; &#x3C;",
    "$x$ ^sup^ ~sub~ @cite",
]
FIELDS = ["title", "container", "publisher", "note", "volume", "pages", "year", "url", "doi", "abstract", "howpublished"]
STYLES = ["plain", "alpha"] + (["apa", "ieee"] if engine_available() else [])
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "script", "body", "header", "h1", "h2", "input", "div", "main",
    "section", "article", "span", "code", "button", "details", "summary", "pre", "ul", "li", "a", "i", "b",
    "sup", "sub",
}


def hostile_entry(field: str, payload: str, kind: EntryKind = EntryKind.ARTICLE) -> Entry:
    fields = {"title": "A Title", "container": "A Journal", "year": "2020", "publisher": "Pub", "pages": "1-2"}
    fields[field] = f"{fields.get(field, '')} {payload}".strip()
    return Entry(
        kind,
        Fields(fields),
        {"author": (Person(family=f"Doe {payload}", given="Jane"), Person(literal=payload))},
        key="doe2020title",
    )


class Tags(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.tags.append((tag, dict(attrs)))


def check_html(text: str, scripts: int) -> None:
    parser = Tags()
    parser.feed(text)
    names = [t for t, _ in parser.tags]
    assert set(names) <= ALLOWED_TAGS, set(names) - ALLOWED_TAGS
    assert names.count("script") == scripts
    for tag, attrs in parser.tags:
        assert not any(a.startswith("on") for a in attrs), (tag, attrs)
        if "href" in attrs:
            assert attrs["href"].startswith(("https://", "http://")), attrs
            assert tag == "a" and attrs.get("rel") == "noopener"
        assert "src" not in attrs, (tag, attrs)
    assert "<script>window" not in text and "<img" not in text


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("payload", PAYLOADS)
def test_html_page_and_fragment_escape_every_field(style, field, payload):
    entry = hostile_entry(field, payload)
    page = writers.get("html").write([entry], Options(style=style))
    check_html(page, scripts=1)
    fragment = writers.get("html").write([entry], Options(style=style, html_fragment=True))
    check_html(fragment, scripts=0)


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_escapes_every_field(style, field, payload):
    markdown_it = pytest.importorskip("markdown_it")
    entry = hostile_entry(field, payload)
    text = writers.get("markdown").write([entry], Options(style=style))
    html = markdown_it.MarkdownIt("commonmark", {"html": True}).render(text)
    parser = Tags()
    parser.feed(html)
    names = {t for t, _ in parser.tags}
    # Only what the renderer itself makes: paragraphs, emphasis, links.
    assert names <= {"p", "em", "strong", "a", "sup", "sub"}, names
    for tag, attrs in parser.tags:
        if tag == "a":
            assert attrs["href"].startswith(("https://", "http://")), attrs
            assert "evil.example" not in attrs["href"] or field in ("url", "doi"), attrs
    if payload.startswith("*bold*"):
        assert "<strong>" not in html and "<code>" not in html


@pytest.mark.parametrize("payload", ["javascript:alert(1)", "data:text/html,<script>x</script>", "vbscript:x", " javascript:x"])
def test_unsafe_url_is_never_a_link(payload):
    entry = hostile_entry("url", payload).replace(fields=Fields({"title": "T", "year": "2020", "url": payload}))
    for style in STYLES:
        page = writers.get("html").write([entry], Options(style=style, html_fragment=True))
        assert "href" not in page
        md = writers.get("markdown").write([entry], Options(style=style))
        assert "](" not in md and "<javascript" not in md.lower()
