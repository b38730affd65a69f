"""``pdflatex -shell-escape`` + bibtex/biber on keys, ids and field names from every reader (issue 20).

A hostile key, CSL id, alias or field name is refused before anything is
written; what bibgen does write (unusual but safe keys from every reader,
hostile values everywhere a value can go) compiles without running a
command or opening a file, and every key reaches the bibliography as typed.
"""

from __future__ import annotations

import re

import json
from pathlib import Path

import pytest

from conftest import run_cli
from integration.latexrun import compile_biber, compile_bibtex

pytestmark = pytest.mark.integration

PWNED = "/tmp/bibgen-sec-pwned"
PAYLOAD = f'k}}, t={{x}}}}\n@preamble{{"\\immediate\\write18{{touch {PWNED}}}"}}\n@misc{{k3'
VALUE = f'x}} @preamble{{"\\immediate\\write18{{touch {PWNED}}}"}} \\input{{/etc/passwd}} %'
SAFE_KEYS = {
    "yaml": ["DBLP:conf/nips/Vaswani17", "smith\u200b2020"],
    "csl-json": ["2016A&A...594A..13P", "Mu\u0308ller2020x"],
    "bibtex": ["a_b-c.d:e/f+g", "x?y<z>w"],
}


def sources(tmp: Path, key_or_id: str, field: str) -> dict[str, Path]:
    """One input per reader whose key (id, alias) or extra field name is ``key_or_id``/``field``."""
    (tmp / "yaml").mkdir()
    (tmp / "json").mkdir()
    (tmp / "bib").mkdir()
    y = tmp / "yaml" / "r.yaml"
    y.write_text(
        "\n".join(
            f"- key: {json.dumps(k)}\n  title: {json.dumps(f'Yaml work {i} ' + VALUE)}\n  authors: [{json.dumps(VALUE + ', A')}]\n"
            f"  year: 2020\n  extra: {{{json.dumps(field)}: {json.dumps(VALUE)}}}\n  aliases: [{json.dumps(k + 'old')}]"
            for i, k in enumerate([*SAFE_KEYS["yaml"], key_or_id])
        )
        + "\n",
        encoding="utf-8",
    )
    j = tmp / "json" / "r.json"
    j.write_text(
        json.dumps(
            [
                {"id": k, "type": "book", "title": f"Json work {i} {VALUE}", "note": VALUE, "publisher": VALUE, "issued": {"date-parts": [[2020]]}}
                for i, k in enumerate([*SAFE_KEYS["csl-json"], key_or_id])
            ]
        ),
        encoding="utf-8",
    )
    b = tmp / "bib" / "r.bib"
    # A .bib value is the user's own LaTeX, written back as it is (lossless): it is
    # not untrusted text, so only the keys and field names of this file are hostile.
    # Its value carries the attack words without LaTeX syntax.
    body = re.sub(r"[\\{}%]", "", VALUE)
    b.write_text(
        "".join(
            f"@misc{{{k},\n  title = {{Bib work {i} {body}}},\n  year = 2020,\n  {field} = {{{body}}},\n}}\n"
            for i, k in enumerate([*SAFE_KEYS["bibtex"], key_or_id.replace("\n", " ")])
        ),
        encoding="utf-8",
    )
    return {"yaml": y, "csl-json": j, "bibtex": b}


# (CSL-JSON variable names are fixed by its schema: an unknown one is already an error.)
@pytest.mark.parametrize(
    ("reader", "what"), [("yaml", "key"), ("yaml", "field-name"), ("csl-json", "key"), ("bibtex", "key"), ("bibtex", "field-name")]
)
def test_hostile_key_or_field_name_is_refused(reader, what, tmp_path):
    key, field = (PAYLOAD, "note") if what == "key" else ("fine2020", 'x = {1}, @preamble{"\\write18{id}"}, y')
    if reader == "bibtex":
        key = "a%b\\input" if what == "key" else key
        field = "t\\e" if what == "field-name" else field
    src = sources(tmp_path, key, field)[reader]
    out = tmp_path / "refs.bib"
    run = run_cli("export", str(src), "-o", str(out), cwd=tmp_path)
    assert run.returncode == 3, run.stdout + run.stderr
    lines = run.stderr.splitlines()
    errors = [ln for ln in lines if ": error: " in ln]
    assert len(errors) == 1, run.stderr
    # the error is the last message; only its caret excerpt (indented) may follow
    assert all(ln.startswith(" ") for ln in lines[lines.index(errors[0]) + 1 :]), run.stderr
    assert errors[0].startswith(f"{src}:")
    assert not out.exists()


@pytest.mark.parametrize("engine", ["bibtex", "biber"])
@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_what_bibgen_writes_from_every_reader_is_inert_with_shell_escape(engine, fmt, tmp_path):
    pwned = Path(PWNED)
    pwned.unlink(missing_ok=True)
    srcs = sources(tmp_path, "last2020", "note")
    run = run_cli("export", "-f", fmt, *map(str, srcs.values()), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    bib = run.stdout
    folder = tmp_path / "tex"
    folder.mkdir()
    result = (compile_bibtex if engine == "bibtex" else compile_biber)(bib, folder, shell_escape=True)
    assert not pwned.exists(), "\\write18 ran"
    assert "(/etc/passwd" not in result.latex_log, "\\input opened /etc/passwd"
    keys = ["DBLP:conf/nips/Vaswani17", "smith2020", "2016A&A...594A..13P", "a_b-c.d:e/f+g", "x?y<z>w", "last2020"]
    for key in keys:
        marker = f"\\bibitem{{{key}}}" if engine == "bibtex" else f"\\entry{{{key}}}"
        assert marker in result.bbl, (key, result.bbl[:3000])
    assert "passwd" in result.bbl  # the value is there, as text
