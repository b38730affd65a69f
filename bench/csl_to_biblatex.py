"""The CSL corpus as a .bib a user would have: biblatex as Better BibTeX exports it from Zotero.

``citeproc_agreement.py --via bib`` reads this file with bibgen's BibTeX reader.
It used to be pandoc's ``-t biblatex`` of the corpus, but pandoc's biblatex
writer loses what a real .bib holds: it drops ``version``, ``shortjournal``,
``origdate``, ``eventtitle``, a web page's site, the thesis type (a master's
thesis becomes ``@phdthesis``), writes software as ``@misc`` and arXiv ids as
``number``, leaves corporate names unbraced (``ATLAS Collaboration`` reads as
given + family) and writes suffixes inside the family (``King Jr., Martin
Luther``). Comparing against that measured pandoc's writer, not bibgen's reader.

This converter writes what Better BibTeX writes for the same Zotero items
(its biblatex translator's conventions, written here independently of
bibgen's code):

* types: article-journal/-magazine/-newspaper -> ``@article`` (with
  ``entrysubtype`` magazine/newspaper), paper-conference -> ``@inproceedings``,
  chapter -> ``@incollection``, thesis -> ``@thesis`` + ``type``, report ->
  ``@report``, webpage/post-weblog -> ``@online``, an arXiv ``article`` ->
  ``@online`` with ``eprint``/``eprinttype``/``eprintclass``, dataset,
  software, patent as themselves;
* names ``family, suffix, given`` with the particle in front of the family,
  corporate names in braces, and biblatex's extended name format
  (``family=Gogh, given=Vincent, prefix=Van, useprefix=true``) for a particle
  BibTeX's parser cannot see (capitalised, or glued by an apostrophe);
  ``options = {useprefix=true}`` where a name has a non-dropping particle
  (biblatex drops a ``von`` by default, as CSL's dropping-particle does);
* titles of English items in title case, every capitalised word of the
  (sentence-case) CSL title that does not start a sentence braced, as both
  Better BibTeX and pandoc do; other languages as written; CSL markup as
  ``\\emph``, ``\\textbf``, ``\\textsc``, ``\\textsuperscript``,
  ``\\textsubscript`` and ``{...}`` for nocase;
* dates in EDTF (``2011/2012``, ``2019-21`` for spring, ``2001~`` for circa).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

_TYPES = {
    "article-journal": "article", "article-magazine": "article", "article-newspaper": "article",
    "paper-conference": "inproceedings", "chapter": "incollection", "book": "book", "thesis": "thesis",
    "report": "report", "webpage": "online", "post-weblog": "online", "post": "online", "dataset": "dataset",
    "software": "software", "patent": "patent", "article": "online", "entry-encyclopedia": "inreference",
    "entry-dictionary": "inreference", "manuscript": "unpublished", "speech": "unpublished",
}  # fmt: skip
_SUBTYPES = {"article-magazine": "magazine", "article-newspaper": "newspaper"}
_CHAPTERLIKE = {"incollection", "inproceedings", "inreference"}
_SMALL = frozenset(
    "a an and as at but by down for from in into nor of on onto or over per so the to up upon via vs with yet".split()
)
_SEASONS = {1: 21, 2: 22, 3: 23, 4: 24, "spring": 21, "summer": 22, "autumn": 23, "fall": 23, "winter": 24}
_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "&": r"\&", "%": r"\%", "#": r"\#",
            "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}"}  # fmt: skip
_TAGS = {"i": ("\\emph{", "}"), "b": ("\\textbf{", "}"), "sup": ("\\textsuperscript{", "}"),
         "sub": ("\\textsubscript{", "}")}  # fmt: skip
_MARKUP = re.compile(r'(</?(?:i|b|sup|sub)>|<span class="nocase">|<span style="font-variant:\s*small-caps;?">|</span>)')


def escape(text: str) -> str:
    return "".join(_SPECIAL.get(c, c) for c in text)


def _english(item: dict[str, Any]) -> bool:
    lang = str(item.get("language", "")).lower()
    return not lang or lang.startswith("en")


def _title_word(word: str, start: bool, case: bool) -> str:
    """One word of a sentence-case title in title case, braced where its capitals are its own."""
    if not case:
        return escape(word)
    core = re.sub(r"^[^\w]+|[^\w]+$", "", word)
    if not core:
        return escape(word)
    own_capital = any(c.isupper() for c in core) and not (start and core[0].isupper() and core[1:].islower())
    if own_capital and not start:
        return "{" + escape(word) + "}"
    if own_capital:  # an inner capital or an acronym at the start: braced as well
        return "{" + escape(word) + "}" if any(c.isupper() for c in core[1:]) else escape(word)
    if core.lower() in _SMALL and not start:
        return escape(word)
    parts = re.split(r"([-/])", word)
    return escape("".join(p[:1].upper() + p[1:] if p and p[0].isalpha() else _cap_after_punct(p) for p in parts))


def _cap_after_punct(p: str) -> str:
    m = re.match(r"^([^\w]*)(\w)(.*)$", p, re.S)
    return m.group(1) + m.group(2).upper() + m.group(3) if m else p


def title_latex(text: str, case: bool) -> str:
    """A CSL rich-text title as biblatex: markup as commands, title case when ``case``."""
    out: list[str] = []
    stack: list[str] = []  # "nocase", "sc" or a tag, innermost last
    start = True
    for piece in _MARKUP.split(text):
        if piece is None or piece == "":
            continue
        if piece.startswith("<"):
            if piece.startswith('<span class="nocase"'):
                out.append("{")
                stack.append("nocase")
            elif piece.startswith("<span style"):
                out.append("\\textsc{")
                stack.append("sc")
            elif piece.startswith("</"):
                if stack:
                    stack.pop()
                    out.append("}")
            else:
                tag = piece.strip("<>")
                out.append(_TAGS[tag][0])
                stack.append(tag)
            continue
        protected = "nocase" in stack or "sc" in stack
        for tok in re.split(r"(\s+)", piece):
            if not tok or tok.isspace():
                out.append(tok)
                continue
            out.append(_title_word(tok, start, case and not protected))
            start = bool(re.search(r"[.:?!][\"'”’)]*$", tok))
    return "".join(out)


def _literal_list(text: str) -> str:
    """A biblatex literal list field (publisher, institution, location): one item, braced if it holds "and"."""
    return "{" + escape(text) + "}" if re.search(r"\band\b", text) else escape(text)


def name(n: dict[str, Any]) -> str:
    if n.get("literal"):
        return "{" + escape(n["literal"]) + "}"
    particle = n.get("non-dropping-particle") or n.get("dropping-particle") or ""
    if particle and (particle[0].isupper() or particle.endswith(("'", "’"))):
        # A particle BibTeX's name parser would not see (capitalised, or glued by an
        # apostrophe): biblatex's extended name format, as Better BibTeX writes it.
        parts = [f"family={{{escape(n.get('family', ''))}}}"]
        if n.get("given"):
            parts.append(f"given={{{escape(n['given'])}}}")
        parts.append(f"prefix={{{escape(particle)}}}")
        if n.get("suffix"):
            parts.append(f"suffix={{{escape(n['suffix'])}}}")
        parts.append("useprefix=" + ("true" if n.get("non-dropping-particle") else "false"))
        return ", ".join(parts)
    family = ""
    for p in (n.get("dropping-particle"), n.get("non-dropping-particle"), n.get("family")):
        if p:
            family += p if not family or family.endswith(("'", "’")) else " " + p
    parts = [escape(family)]
    if n.get("suffix"):
        parts.append(escape(n["suffix"]))
    if n.get("given"):
        parts.append(escape(n["given"]))
    return ", ".join(parts)


def date(d: dict[str, Any]) -> str:
    if "date-parts" not in d:
        lit = str(d.get("literal", ""))
        m = re.fullmatch(r"ca\. (\d{4})", lit)
        return f"{m.group(1)}~" if m else ""
    ranges = []
    for parts in d["date-parts"]:
        ranges.append("-".join([f"{int(parts[0]):04d}"] + [f"{int(p):02d}" for p in parts[1:3]]))
    text = "/".join(ranges)
    season = d.get("season")
    if season is not None and len(d["date-parts"][0]) == 1:
        code = _SEASONS.get(season if isinstance(season, int) else str(season).lower())
        if code:
            text += f"-{code}"
    if d.get("circa"):
        text += "~"
    return text


def entry(item: dict[str, Any]) -> str:
    ctype = item["type"]
    arxiv = str(item.get("archive", "")).lower() == "arxiv" or str(item.get("number", "")).lower().startswith("arxiv:")
    btype = _TYPES.get(ctype, "misc")
    f: dict[str, str] = {}
    for role in ("author", "editor", "translator"):
        if item.get(role):
            f[role] = " and ".join(name(n) for n in item[role])
    case = _english(item)
    if item.get("title"):
        f["title"] = title_latex(item["title"], case)
    if item.get("container-title"):
        field = "booktitle" if btype in _CHAPTERLIKE else "journaltitle"
        f[field] = title_latex(item["container-title"], case and field == "booktitle")
    if item.get("container-title-short"):
        f["shortjournal"] = escape(item["container-title-short"])
    if item.get("collection-title"):
        f["series"] = title_latex(item["collection-title"], case)
    if ctype in _SUBTYPES:
        f["entrysubtype"] = _SUBTYPES[ctype]
    publisher = item.get("publisher")
    if publisher:
        f["institution" if btype in ("thesis", "report") else "publisher"] = _literal_list(publisher)
    simple = {"publisher-place": "location", "volume": "volume", "edition": "edition", "version": "version",
              "number-of-volumes": "volumes", "number-of-pages": "pagetotal", "genre": "type", "note": "note",
              "event-title": "eventtitle", "event-place": "venue", "ISBN": "isbn", "ISSN": "issn",
              "language": "langid"}  # fmt: skip
    for var, field in simple.items():
        if item.get(var):
            f[field] = _literal_list(str(item[var])) if field == "location" else escape(str(item[var]))
    if item.get("page"):
        f["pages"] = escape(re.sub(r"(?<=\w)[-–](?=\w)", "--", str(item["page"])))
    number = item.get("issue") or item.get("number")
    if arxiv:
        ident = str(item.get("archive_location") or str(item.get("number", ""))[6:])
        f["eprint"] = ident
        f["eprinttype"] = "arxiv"
        if item.get("archive_collection"):
            f["eprintclass"] = item["archive_collection"]
        if item.get("issue"):
            f["number"] = escape(str(item["issue"]))
    elif btype == "article" and item.get("number") and not item.get("issue"):
        f["eid"] = escape(str(item["number"]))  # an article number: biblatex's eid
    elif number:
        f["number"] = escape(str(number))
    if item.get("issued"):
        d = date(item["issued"])
        if d:
            f["date"] = d
        elif item["issued"].get("literal"):
            f["year"] = escape(item["issued"]["literal"])
    for var, field in (("accessed", "urldate"), ("original-date", "origdate"), ("event-date", "eventdate")):
        if item.get(var):
            d = date(item[var])
            if d:
                f[field] = d
    for var, field in (("DOI", "doi"), ("URL", "url")):
        if item.get(var):
            f[field] = str(item[var])
    if any(n.get("non-dropping-particle") for role in ("author", "editor", "translator") for n in item.get(role, [])):
        f["options"] = "useprefix=true"  # CSL's non-dropping particle is biblatex's useprefix
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in f.items())
    return f"@{btype}{{{item['id']},\n{body}\n}}\n"


def convert(items: list[dict[str, Any]]) -> str:
    return "\n".join(entry(it) for it in items)


def main(argv: list[str]) -> int:
    items = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    sys.stdout.write(convert(items))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
