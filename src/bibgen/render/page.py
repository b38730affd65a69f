"""The standalone HTML page of ``--format html``: one self-contained, searchable file.

* Inline CSS and a small inline script, no external resources; it works when
  opened from ``file://``.
* A Content-Security-Policy ``<meta>`` allows exactly the one ``<style>`` and the
  one ``<script>`` by their SHA-256 hashes and nothing else (no ``eval``, no
  inline event handlers, no images, no network), so markup that slipped into
  the data could not run even if escaping failed.
* Entries are grouped (``Options.group_by``: ``year``, newest first; ``type``; or
  ``none``). Each shows its citation key, the formatted reference, and its BibTeX
  (bibgen's own BibTeX writer) in a ``<pre><code>`` block with a Copy button.
* A search box filters entries as one types (every word must occur in the
  key or the reference text; case and accents are ignored: "muller" finds "Müller").
* Deterministic: no dates, no random ids; the same references give the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from bibgen.errors import UsageError
from bibgen.model import Entry, EntryKind
from bibgen.style.nodes import Reference, plain_text

if TYPE_CHECKING:
    from bibgen.options import Options

GROUPINGS = ("year", "type", "none")
NO_YEAR = "No year"
TYPE_LABELS = {
    EntryKind.ARTICLE: "Journal articles",
    EntryKind.INPROCEEDINGS: "Conference papers",
    EntryKind.PREPRINT: "Preprints",
    EntryKind.BOOK: "Books",
    EntryKind.INCOLLECTION: "Book chapters",
    EntryKind.REPORT: "Reports",
    EntryKind.THESIS: "Theses",
    EntryKind.ONLINE: "Web pages",
    EntryKind.NEWS: "News articles",
    EntryKind.MISC: "Other",
}

CSS = """\
:root { color-scheme: light dark; --muted: #666; --line: #ddd; --code: #f6f6f6; }
@media (prefers-color-scheme: dark) { :root { --muted: #aaa; --line: #444; --code: #222; } }
[hidden] { display: none !important; }
body { font: 16px/1.5 system-ui, sans-serif; max-width: 52rem; margin: 0 auto; padding: 1rem; }
header { position: sticky; top: 0; background: Canvas; padding: .5rem 0; border-bottom: 1px solid var(--line); }
h1 { font-size: 1.4rem; margin: 0 0 .5rem; }
#bibgen-search { width: 100%; box-sizing: border-box; font: inherit; padding: .4rem .6rem; }
#bibgen-count { color: var(--muted); font-size: .9rem; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; border-bottom: 1px solid var(--line); }
.entry { margin: 0 0 1rem; }
.ref .label { font-weight: 600; margin-right: .3rem; }
.meta { font-size: .85rem; color: var(--muted); display: flex; gap: .6rem; align-items: center; }
.meta code { font-size: .85rem; }
.smallcaps { font-variant: small-caps; }
.underline { text-decoration: underline; }
pre { background: var(--code); padding: .6rem; overflow-x: auto; font-size: .8rem; margin: .3rem 0 0; }
details summary { cursor: pointer; font-size: .85rem; color: var(--muted); }
"""

SCRIPT = """\
(function () {
  "use strict";
  var input = document.getElementById("bibgen-search");
  var count = document.getElementById("bibgen-count");
  var entries = Array.prototype.slice.call(document.querySelectorAll(".entry"));
  var groups = Array.prototype.slice.call(document.querySelectorAll(".group"));
  function fold(text) {
    return text.normalize("NFKD").replace(/[\\u0300-\\u036f]/g, "").toLowerCase();
  }
  function update() {
    var words = fold(input.value).split(/\\s+/).filter(Boolean);
    var shown = 0;
    entries.forEach(function (el) {
      var hay = el.getAttribute("data-search");
      var ok = words.every(function (w) { return hay.indexOf(w) !== -1; });
      el.hidden = !ok;
      if (ok) { shown += 1; }
    });
    groups.forEach(function (g) { g.hidden = !g.querySelector(".entry:not([hidden])"); });
    count.textContent = shown + " of " + entries.length + " shown";
  }
  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }
  function copied(button, ok) {
    button.textContent = ok ? "Copied" : "Copy failed";
    setTimeout(function () { button.textContent = "Copy BibTeX"; }, 1500);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.copy") : null;
    if (!button) { return; }
    var code = document.getElementById(button.getAttribute("data-copy"));
    var text = code ? code.textContent : "";
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(
        function () { copied(button, true); },
        function () { copied(button, fallbackCopy(text)); }
      );
    } else {
      copied(button, fallbackCopy(text));
    }
  });
  input.addEventListener("input", update);
  update();
})();
"""


def fold(text: str) -> str:
    """Search text as the page's script folds the query: NFKD, combining accents dropped, lower case."""
    import re
    import unicodedata

    return re.sub("[\u0300-\u036f]", "", unicodedata.normalize("NFKD", text)).lower()


def csp_hash(text: str) -> str:
    """The CSP source expression (``'sha256-…'``) that allows an inline element with this content."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def content_security_policy() -> str:
    """The page's policy: only the page's own style and script, nothing from anywhere."""
    return (
        f"default-src 'none'; style-src {csp_hash(CSS)}; script-src {csp_hash(SCRIPT)}; "
        "img-src 'none'; base-uri 'none'; form-action 'none'"
    )


def _year_order(year: str) -> tuple[int, int, str]:
    if year == NO_YEAR:
        return (2, 0, year)
    return (0, -int(year), year) if year.isdigit() else (1, 0, year)


def group_references(references: Sequence[Reference], group_by: str) -> list[tuple[str, list[Reference]]]:
    """``[(heading, references)]`` in display order; references keep the style's order within a group."""
    if group_by not in GROUPINGS:
        raise UsageError(f"unknown grouping '{group_by}' (known: {', '.join(GROUPINGS)})")
    if group_by == "none":
        return [("", list(references))] if references else []
    groups: dict[str, list[Reference]] = {}
    for ref in references:
        entry = ref.entry if isinstance(ref.entry, Entry) else None
        if group_by == "year":
            head = (entry.get("year") if entry else "") or NO_YEAR
        else:
            head = TYPE_LABELS.get(entry.kind, "Other") if entry else "Other"
        groups.setdefault(head, []).append(ref)
    if group_by == "year":
        order = sorted(groups, key=_year_order)
    else:
        rank = {label: i for i, label in enumerate(TYPE_LABELS.values())}
        order = sorted(groups, key=lambda h: (rank.get(h, len(rank)), h))
    return [(h, groups[h]) for h in order]


def _bibtex(entry: Any, options: Any) -> str:
    from bibgen.writers.bibtex import BibtexWriter

    return BibtexWriter().format_entry(entry, options) if isinstance(entry, Entry) else ""


def render_entry(ref: Reference, options: Any) -> str:
    """The ``<article>`` of one reference: key, formatted text, BibTeX block and Copy button."""
    from bibgen.render.html import HtmlRenderer

    html = HtmlRenderer()
    label = html.inline(ref.label)
    search = fold(" ".join((ref.key, plain_text(ref.label), plain_text(ref.body))))
    anchor = escape(ref.key)
    parts = [
        f'<article class="entry" id="{anchor}" data-search="{escape(" ".join(search.split()))}">',
        '<div class="ref">' + (f'<span class="label">{label}</span>' if label else "") + html.inline(ref.body) + "</div>",
    ]
    bib = _bibtex(ref.entry, options)
    meta = f'<div class="meta"><code class="key">{escape(ref.key)}</code>'
    if bib:
        meta += f'<button type="button" class="copy" data-copy="bib-{anchor}">Copy BibTeX</button>'
    parts.append(meta + "</div>")
    if bib:
        parts.append(f'<details><summary>BibTeX</summary><pre><code id="bib-{anchor}">{escape(bib)}</code></pre></details>')
    parts.append("</article>")
    return "\n".join(parts)


def render_page(references: Sequence[Reference], options: Options | Any, title: str = "References") -> str:
    """The whole page for ``references`` (grouped by ``options.group_by``)."""
    group_by = getattr(options, "group_by", "year") or "year"
    sections = []
    for head, refs in group_references(references, group_by):
        body = "\n".join(render_entry(r, options) for r in refs)
        heading = f"<h2>{escape(head)}</h2>\n" if head else ""
        sections.append(f'<section class="group" data-group="{escape(head)}">\n{heading}{body}\n</section>')
    n = len(references)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy()}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="bibgen">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<header>\n<h1>{escape(title)}</h1>\n"
        '<input type="search" id="bibgen-search" placeholder="Search title, author, venue, key…" '
        'aria-label="Search references" autocomplete="off">\n'
        f'<div id="bibgen-count" aria-live="polite">{n} {"reference" if n == 1 else "references"}</div>\n'
        "</header>\n<main>\n" + "\n".join(sections) + ("\n" if sections else "") + "</main>\n"
        f"<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )
