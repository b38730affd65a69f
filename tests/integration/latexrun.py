"""Run the real LaTeX tool chain on a .bib: pdflatex + bibtex, or pdflatex + biber."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from conftest import require_program

PREAMBLE = r"""\documentclass{article}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage{url}
"""


@dataclass
class LatexRun:
    folder: Path
    latex_log: str
    bib_log: str  # bibtex's .blg or biber's .blg
    bib_stdout: str
    bbl: str


def _run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=180, errors="replace")


def compile_bibtex(
    bib: str, folder: Path, style: str = "plain", shell_escape: bool = False, packages: str = ""
) -> LatexRun:
    """pdflatex, bibtex, pdflatex, pdflatex over ``\\nocite{*}``; returns the logs.

    ``packages`` is extra preamble (``\\usepackage{natbib}`` for plainnat)."""
    require_program("pdflatex")
    require_program("bibtex")
    (folder / "refs.bib").write_text(bib, encoding="utf-8")
    (folder / "doc.tex").write_text(
        PREAMBLE + packages + "\\begin{document}\n\\nocite{*}\n\\bibliographystyle{" + style + "}\n\\bibliography{refs}\n\\end{document}\n",
        encoding="utf-8",
    )
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error"]
    latex.append("-shell-escape" if shell_escape else "-no-shell-escape")
    first = _run([*latex, "doc.tex"], folder)
    assert first.returncode == 0, first.stdout[-3000:]
    bib_run = _run(["bibtex", "doc"], folder)
    for _ in range(2):
        last = _run([*latex, "doc.tex"], folder)
        assert last.returncode == 0, last.stdout[-3000:]
    return LatexRun(
        folder,
        (folder / "doc.log").read_text(errors="replace"),
        (folder / "doc.blg").read_text(errors="replace"),
        bib_run.stdout + bib_run.stderr,
        (folder / "doc.bbl").read_text(errors="replace"),
    )


def compile_biber(bib: str, folder: Path, shell_escape: bool = False, style: str = "authoryear") -> LatexRun:
    """pdflatex, biber, pdflatex with biblatex over ``\\nocite{*}``."""
    require_program("pdflatex")
    require_program("biber")
    (folder / "refs.bib").write_text(bib, encoding="utf-8")
    (folder / "doc.tex").write_text(
        PREAMBLE
        + "\\usepackage[american]{babel}\n\\usepackage{csquotes}\n\\usepackage[backend=biber,style=" + style + "]{biblatex}\n\\addbibresource{refs.bib}\n"
        + "\\begin{document}\n\\nocite{*}\n\\printbibliography\n\\end{document}\n",
        encoding="utf-8",
    )
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error"]
    latex.append("-shell-escape" if shell_escape else "-no-shell-escape")
    first = _run([*latex, "doc.tex"], folder)
    assert first.returncode == 0, first.stdout[-3000:]
    biber = _run(["biber", "doc"], folder)
    assert biber.returncode == 0, biber.stdout[-3000:] + biber.stderr[-2000:]
    for _ in range(2):
        last = _run([*latex, "doc.tex"], folder)
        assert last.returncode == 0, last.stdout[-3000:]
    return LatexRun(
        folder,
        (folder / "doc.log").read_text(errors="replace"),
        (folder / "doc.blg").read_text(errors="replace"),
        biber.stdout + biber.stderr,
        (folder / "doc.bbl").read_text(errors="replace"),
    )


def bibtex_problems(run: LatexRun) -> list[str]:
    """Error and warning lines from bibtex's log.

    "empty year" is the one warning bibgen cannot avoid: author pages carry no
    year, and inventing one would be worse than the warning.
    """
    return [
        ln
        for ln in run.bib_log.splitlines()
        if re.search(r"Warning--|error message|I was expecting|I'm skipping", ln) and "empty year in" not in ln
    ]


def biber_problems(run: LatexRun) -> list[str]:
    return [ln for ln in run.bib_log.splitlines() if re.search(r"\b(WARN|ERROR)\b", ln)]


def latex_problems(run: LatexRun) -> list[str]:
    return [
        ln
        for ln in run.latex_log.splitlines()
        if re.search(r"^!|Warning: Citation|undefined|Missing character|Unicode character", ln)
    ]
