"""Structure injection through keys and field names, from every reader (issue 20).

Field values were always escaped; keys, aliases and field names were written
as they came. Each case here smuggled a ``@preamble`` (run by
``pdflatex -shell-escape`` + bibtex) or a LaTeX comment into the output before
the model boundary check (:mod:`bibgen.safety`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bibgen.errors import BibgenError
from bibgen.model import Entry, EntryKind, Fields, Origin
from bibgen.pipeline import Options, export
from bibgen.safety import UnsafeInputError, is_safe_key
from bibgen.writers.biblatex import BiblatexWriter
from bibgen.writers.bibtex import BibtexWriter
from conftest import run_cli

PAYLOAD = 'k}, t={x}}\n@preamble{"\\immediate\\write18{touch pwned}"}\n@misc{k3'
ONE_LINE_ERROR = re.compile(r"^[^\n]+:\d+:\d+: error: [^\n]+\n$")


def yaml_str(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid YAML double-quoted scalar


ATTACKS = {
    "yaml-key": ("refs.yaml", f"- key: {yaml_str(PAYLOAD)}\n  title: Hi\n"),
    "yaml-alias": ("refs.yaml", f"- key: ok\n  title: Hi\n  aliases: [{yaml_str(PAYLOAD)}]\n"),
    "yaml-extra-name": ("refs.yaml", f"- title: Hi\n  extra: {{{yaml_str(PAYLOAD)}: v}}\n"),
    "csl-json-id": ("refs.json", json.dumps([{"id": PAYLOAD, "type": "book", "title": "x"}])),
    "csl-json-citation-key": ("refs.json", json.dumps([{"id": "a", "citation-key": PAYLOAD, "type": "book", "title": "x"}])),
    # bibtex accepts these keys and field names; in \cite a % starts a comment, \ a command.
    "bibtex-key-percent": ("refs.bib", "@misc{a%b, title={1}}\n"),
    "bibtex-key-backslash": ("refs.bib", "@misc{a\\input{x}b, title={1}}\n"),
    "bibtex-key-hash": ("refs.bib", "@misc{a#b, title={1}}\n"),
    "bibtex-field-percent": ("refs.bib", "@misc{x, ti%tle={7}}\n"),
    "bibtex-field-backslash": ("refs.bib", "@misc{y, t\\itle={8}}\n"),
    "bibtex-ids-brace": ("refs.bib", "@misc{good, title={y}, ids = {k\\}, other}}\n"),
}


@pytest.mark.parametrize("case", sorted(ATTACKS))
def test_injection_is_a_one_line_error_with_location(case, tmp_path):
    name, text = ATTACKS[case]
    src = tmp_path / name
    src.write_text(text, encoding="utf-8")
    out = tmp_path / "out.bib"
    run = run_cli("export", str(src), "-o", str(out), cwd=tmp_path)
    assert run.returncode == 3, run.stderr
    # The error is the last message; only its indented caret excerpt may follow it.
    messages = [ln for ln in run.stderr.splitlines(keepends=True) if not ln.startswith(" ")]
    assert ONE_LINE_ERROR.match(messages[-1]), run.stderr
    assert messages[-1].startswith(f"{src}:"), run.stderr
    assert not out.exists()  # no partial output


@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
@pytest.mark.parametrize(
    "key",
    [PAYLOAD, "a b", "a,b", "a{b", "a}b", "a(b", "a)b", 'a"b', "a#b", "a%b", "a~b", "a\\b", "a=b", "a\x00b", "a\u202eb", ""],
)
def test_writers_refuse_unsafe_keys_from_the_api(fmt, key):
    """Entries made in Python skip the readers: the writers check again."""
    entry = Entry(EntryKind.MISC, Fields(title="x"), origin=Origin("api.py", 3, 1), key=key)
    writer = BibtexWriter() if fmt == "bibtex" else BiblatexWriter()
    with pytest.raises(UnsafeInputError) as info:
        writer.write([entry], Options())
    assert info.value.origin == Origin("api.py", 3, 1)


@pytest.mark.parametrize("name", ["a b", "a=b", "t}, @preamble{x", "Title", "1x", "a%b", "a\\b"])
def test_writers_refuse_unsafe_field_names_from_the_api(name):
    entry = Entry(EntryKind.MISC, Fields({"title": "x", name: "v"}), key="k")
    with pytest.raises(UnsafeInputError):
        BibtexWriter().write([entry], Options())


@pytest.mark.parametrize(
    "key",
    ["vaswani2017attention", "DBLP:conf/nips/VaswaniSPUJGKP17", "2016A&A...594A..13P", "Müller2020", "王2021", "a_b-c.d:e/f+g", "x?y<z>"],
)
def test_real_world_keys_are_kept(key, tmp_path):
    src = tmp_path / "refs.bib"
    src.write_text(f"@misc{{{key}, title={{T}}, year=2020}}\n", encoding="utf-8")
    assert is_safe_key(key)
    assert f"@misc{{{key}," in export([src], "bibtex", Options())


def test_jabref_and_bibdesk_field_names_are_kept(tmp_path):
    src = tmp_path / "refs.bib"
    src.write_text("@misc{k, title={T}, __markedentry={[u:1]}, bdsk-url-1={http://x.org}, Date-Added={2020}}\n", encoding="utf-8")
    out = export([src], "bibtex", Options())
    assert "__markedentry = " in out and "bdsk-url-1 = " in out and "date-added = " in out


def test_csl_json_uppercase_variables_become_lowercase_field_names(tmp_path):
    src = tmp_path / "refs.json"
    src.write_text(json.dumps([{"id": "k", "type": "book", "title": "x", "PMID": "123", "journalAbbreviation": "J"}]))
    out = export([src], "bibtex", Options())
    assert "pmid = {123}" in out and "journalabbreviation = {J}" in out


def test_bidi_controls_are_removed_from_keys_and_flagged_in_values(tmp_path):
    src = tmp_path / "refs.bib"
    src.write_text("@misc{ab\u202ecd, title={x\u202ey}}\n", encoding="utf-8")
    run = run_cli("export", str(src), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "@misc{abcd," in run.stdout
    assert "\u202e" not in run.stdout.split("\n")[0]
    assert f"{src}:1:1: warning: citation key 'ab\\u202ecd' contains invisible" in run.stderr
    assert "field 'title' contains the invisible or control character U+202E" in run.stderr
    strict = run_cli("export", "--strict", str(src), cwd=tmp_path)
    assert strict.returncode == 3 and strict.stdout == ""


def test_zero_width_space_in_yaml_key_removed(tmp_path):
    src = tmp_path / "refs.yaml"
    src.write_text("- key: \"smith\u200b2020\"\n  title: T\n", encoding="utf-8")
    run = run_cli("export", str(src), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "@misc{smith2020," in run.stdout and "warning" in run.stderr


def test_python_api_read_checks_too(tmp_path):
    import bibgen

    src = tmp_path / "refs.yaml"
    src.write_text(f"- key: {yaml_str(PAYLOAD)}\n  title: Hi\n", encoding="utf-8")
    with pytest.raises(BibgenError) as info:
        bibgen.read([src])
    assert info.value.origin == Origin(str(src), 1, 3)
    assert Path(str(src)).exists()


def test_an_invisible_character_in_a_long_abstract_is_flagged_without_decoding_every_abstract():
    """An undecoded abstract is searched in its source: flagged, and it (and every other) stays undecoded."""
    from bibgen.model import Pending
    from bibgen.readers.bibtex import BibtexReader
    from bibgen.safety import check_entries, has_invisible

    words = " ".join(["word"] * 200)
    text = (
        f"@misc{{a, title={{A}}, abstract={{{words} hidden\u200bspace \\'e}}}}\n"
        f"@misc{{b, title={{B}}, abstract={{{words} plain \\'e}}}}\n"
    )
    data = text.encode("utf-8")
    options = Options()
    entries, invisible = BibtexReader().read_scanning(data, "f.bib", options)
    assert has_invisible(data) if invisible is None else invisible
    assert all(type(e.fields.stored("abstract")) is Pending for e in entries)  # the case under test
    checked = check_entries(entries, options.diagnostics, True)
    flagged = [(str(d.origin), d.message) for d in options.diagnostics.items]
    assert flagged == [("f.bib:1:1", "field 'abstract' contains the invisible or control character U+200B; kept")]
    assert all(type(e.fields.stored("abstract")) is Pending for e in checked)
