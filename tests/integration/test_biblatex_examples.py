"""biblatex's own example database survives ``bibgen export --format biblatex`` (biber checks it).

``biblatex-examples.bib`` (tests/data/bibcorpus, from plk/biblatex) uses most
of biblatex's data model: every regular type, crossref, xdata, sets, related
entries, @string macros, name lists with particles. Exported by the CLI, the
file is validated by ``biber --tool --validate-datamodel``: the output draws no
datamodel warning the input does not draw itself (the input's own ones are
biblatex's examples of incomplete entries), and biber reads as many entries.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from conftest import require_program, run_cli

CORPUS = Path(__file__).resolve().parent.parent / "data" / "bibcorpus"
EXAMPLES = CORPUS / "biblatex-biblatex-examples.bib"


def biber_check(bib: Path) -> tuple[set[str], int]:
    """biber's datamodel warnings about ``bib`` (file name left out) and how many entries it wrote."""
    run = subprocess.run(
        ["biber", "--tool", "--validate-datamodel", "--output-file", str(bib.with_suffix(".tool.bib")), bib.name],
        cwd=bib.parent, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    log = run.stdout + run.stderr
    warnings = {re.sub(r" \([^)]*\.bib\)", "", m) for m in re.findall(r"WARN - (Datamodel: .*)", log)}
    assert not re.search(r"ERROR - ", log), log
    written = bib.with_suffix(".tool.bib").read_text("utf-8")
    return warnings, len(re.findall(r"(?im)^@(?!string|preamble|comment)\w+\{", written))


@pytest.mark.integration
def test_biblatex_examples_pass_biber_validation_after_export(tmp_path):
    require_program("biber")
    source = tmp_path / "in.bib"
    source.write_bytes(EXAMPLES.read_bytes())
    out = tmp_path / "out.bib"
    run = run_cli("export", "--format", "biblatex", "-o", str(out), str(source))
    assert run.returncode == 0, run.stderr
    before, entries_in = biber_check(source)
    after, entries_out = biber_check(out)
    assert entries_in >= 90 and entries_out == entries_in
    assert after <= before, sorted(after - before)
