"""Property: no input to any reader makes the BibTeX/biblatex output parse into other structure.

For hostile keys, field names and values (braces, quotes, ``@``, ``#``,
``%``, backslashes, newlines, control and bidi characters) fed through every
reader, the run either stops with a located BibgenError or its output, parsed
by bibtexparser v2, holds exactly the model's entries: the same number, the
same keys, the same field names, and no ``@string``/``@preamble``/failed block.
"""

from __future__ import annotations

import json

import bibtexparser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bibgen.errors import BibgenError
from bibgen.pipeline import Options, process, read_file, render
from bibgen.writers.biblatex import BiblatexWriter
from bibgen.writers.bibtex import BibtexWriter

HOSTILE = st.text(
    alphabet=st.sampled_from(list('ab9_-:./+&?<>@{}()[],="#%~\\\'$^ \n\t\r\x01\x7f\u202e\u200bé王*;|')),
    min_size=0,
    max_size=24,
)
NAME = st.one_of(HOSTILE, st.from_regex(r"[a-z][a-z0-9_-]{0,8}", fullmatch=True))
VALUE = st.one_of(HOSTILE, st.text(max_size=40))
PROPS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def expected_fields(writer: BibtexWriter, entry) -> set[str]:  # type: ignore[no-untyped-def]
    _, raw = writer.entry_type_and_fields(entry)
    names = {n for n, v in raw.items() if v}
    names |= {role for role in ("author", "editor", "translator") if entry.people.get(role)}
    return names


def check(tmp_path, name: str, data: bytes) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / name
    src.write_bytes(data)
    options = Options()
    try:
        entries = list(process(read_file(src, options), options).entries)
        texts = {fmt: render(entries, fmt, options) for fmt in ("bibtex", "biblatex")}
    except BibgenError as exc:
        assert exc.origin is not None, repr(exc)
        return
    for fmt, writer in (("bibtex", BibtexWriter()), ("biblatex", BiblatexWriter())):
        lib = bibtexparser.parse_string(texts[fmt], parse_stack=[])
        assert not lib.failed_blocks, (fmt, texts[fmt])
        assert not lib.strings and not lib.preambles, (fmt, texts[fmt])
        by_key = {e.key: e for e in entries}
        # BibTeX output also holds one copy per alias, marked aliasof (biblatex uses ids).
        copies = {a: e for e in entries for a in e.aliases} if writer.alias_copies else {}
        assert sorted(e.key for e in lib.entries) == sorted([*by_key, *copies]), (fmt, texts[fmt])
        for parsed in lib.entries:
            got = {f.key for f in parsed.fields}
            if parsed.key in by_key:
                want = expected_fields(writer, by_key[parsed.key])
            else:
                want = expected_fields(writer, copies[parsed.key].replace(aliases=())) | {"aliasof"}
            assert got == want, (fmt, texts[fmt])


@PROPS
@given(key=HOSTILE, alias=HOSTILE, fname=NAME, value=VALUE, title=VALUE)
def test_yaml_records(tmp_path_factory, key, alias, fname, value, title):
    rec = {"key": key, "title": title or "t", "aliases": [alias], "extra": {fname: value}}
    data = json.dumps([rec]).encode("utf-8")  # JSON is YAML
    check(tmp_path_factory.mktemp("y"), "r.yaml", data)


@PROPS
@given(ident=HOSTILE, ckey=st.one_of(st.none(), HOSTILE), value=VALUE, title=VALUE)
def test_csl_json(tmp_path_factory, ident, ckey, value, title):
    item = {"id": ident, "type": "article-journal", "title": title or "t", "note": value, "PMID": value or "1"}
    if ckey is not None:
        item["citation-key"] = ckey
    check(tmp_path_factory.mktemp("c"), "r.json", json.dumps([item]).encode("utf-8"))


@PROPS
@given(key=HOSTILE, fname=NAME, value=VALUE, ids=HOSTILE)
def test_bibtex(tmp_path_factory, key, fname, value, ids):
    text = f"@misc{{{key},\n  title = {{T}},\n  {fname} = {{{value}}},\n  ids = {{{ids}}},\n}}\n"
    check(tmp_path_factory.mktemp("b"), "r.bib", text.encode("utf-8", "surrogatepass"))


@PROPS
@given(title=VALUE, venue=VALUE, author=VALUE)
def test_author_pages(tmp_path_factory, title, venue, author):
    text = f"Collaborating Authors\n\u00a0{author or 'X, Y'}\n\n{title or 'T'}\n{venue or 'arXiv.org Machine Learning'}\n"
    check(tmp_path_factory.mktemp("a"), "p.txt", text.encode("utf-8"))
