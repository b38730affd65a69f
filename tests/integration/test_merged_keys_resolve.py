"""Every key a user wrote or pinned still resolves after a merge: bibtex, biber and pandoc --citeproc (issue 14)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from conftest import require_program

from bibgen.pipeline import Options, process, read, render

REFS = """@inproceedings{devlin2019bert,
  author = {Devlin, Jacob and Chang, Ming-Wei and Lee, Kenton and Toutanova, Kristina},
  title = {{BERT}: Pre-training of Deep Bidirectional Transformers for Language Understanding},
  booktitle = {Proceedings of NAACL-HLT},
  year = {2019},
  month = jun,
  pages = {4171--4186},
  doi = {10.18653/v1/N19-1423},
}
"""
PREPRINT = """- key: bert-preprint
  type: preprint
  title: "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding"
  authors: [Jacob Devlin, Ming-Wei Chang, Kenton Lee, Kristina Toutanova]
  date: 2018-10-11
  arxiv: 1810.04805
"""
KEYS = ("devlin2019bert", "bert-preprint")


def _merged(tmp_path: Path) -> list:
    src = tmp_path / "src"
    src.mkdir()
    (src / "refs.bib").write_text(REFS, encoding="utf-8")
    (src / "preprint.yaml").write_text(PREPRINT, encoding="utf-8")
    options = Options()
    entries = list(process(read([src], options), options).entries)
    assert len(entries) == 1
    return entries


def _run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=180, errors="replace")


def test_the_bib_key_survives_and_the_yaml_id_is_an_alias(tmp_path: Path) -> None:
    (e,) = _merged(tmp_path)
    assert e.key == "devlin2019bert" and e.aliases == ("bert-preprint",)
    # The published version's date, whole; the preprint's as origdate; its eprint kept.
    assert e.fields["year"] == "2019"
    assert "day" not in e.fields and e.fields["origdate"] == "2018-10-11" and e.fields["eprint"] == "1810.04805"
    assert e.fields["pages"].startswith("4171") and e.kind.value == "inproceedings"


def _doc(cites: str, preamble: str, end: str) -> str:
    return "\\documentclass{article}\n" + preamble + "\\begin{document}\n" + cites + "\n" + end + "\\end{document}\n"


def test_bibtex_resolves_both_keys(tmp_path: Path) -> None:
    require_program("pdflatex")
    require_program("bibtex")
    entries = _merged(tmp_path)
    (tmp_path / "refs.bib").write_text(render(entries, "bibtex", Options()), encoding="utf-8")
    (tmp_path / "doc.tex").write_text(
        _doc("\\cite{devlin2019bert} and \\cite{bert-preprint}.", "", "\\bibliographystyle{plain}\n\\bibliography{refs}\n")
    )
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "doc.tex"]
    assert _run(latex, tmp_path).returncode == 0
    bib = _run(["bibtex", "doc"], tmp_path)
    assert "didn't find a database entry" not in bib.stdout, bib.stdout
    for _ in range(2):
        assert _run(latex, tmp_path).returncode == 0
    log = (tmp_path / "doc.log").read_text(errors="replace")
    assert "undefined" not in log, log[-2000:]
    bbl = (tmp_path / "doc.bbl").read_text(errors="replace")
    assert all(f"\\bibitem{{{k}}}" in bbl for k in KEYS)


def test_biber_resolves_both_keys(tmp_path: Path) -> None:
    require_program("pdflatex")
    require_program("biber")
    entries = _merged(tmp_path)
    for fmt in ("biblatex", "bibtex"):  # biber reads either output
        folder = tmp_path / fmt
        folder.mkdir()
        (folder / "refs.bib").write_text(render(entries, fmt, Options()), encoding="utf-8")
        (folder / "doc.tex").write_text(
            _doc("\\cite{devlin2019bert} and \\cite{bert-preprint}.", "\\usepackage[backend=biber]{biblatex}\n\\addbibresource{refs.bib}\n", "\\printbibliography\n")
        )
        latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "doc.tex"]
        assert _run(latex, folder).returncode == 0
        biber = _run(["biber", "doc"], folder)
        assert biber.returncode == 0, biber.stdout[-2000:]
        assert "ERROR" not in biber.stdout and "Duplicate" not in biber.stdout, biber.stdout[-2000:]
        for _ in range(2):
            assert _run(latex, folder).returncode == 0
        log = (folder / "doc.log").read_text(errors="replace")
        assert "undefined" not in log, (fmt, log[-2000:])


def test_pandoc_resolves_both_keys(tmp_path: Path) -> None:
    pandoc = require_program("pandoc")
    entries = _merged(tmp_path)
    (tmp_path / "refs.json").write_text(render(entries, "csl-json", Options()), encoding="utf-8")
    (tmp_path / "doc.md").write_text("See [@devlin2019bert] and [@bert-preprint].\n", encoding="utf-8")
    run = _run([pandoc, "doc.md", "--citeproc", "--bibliography", "refs.json", "-t", "plain", "--wrap=none"], tmp_path)
    assert run.returncode == 0 and "not found" not in run.stderr, run.stderr
    assert "?)" not in run.stdout and "Devlin" in run.stdout, run.stdout
