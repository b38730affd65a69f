"""The real-world corpus (tests/data/bibcorpus) survives bibgen: content, and compiles (issue 12).

Content: each file exported to its own dialect reads back, as bibtexparser v2
reads it, with every entry, type, field and name (bench/fidelity.py's rules).
Compiles: the corpus's BibTeX export through pdflatex + bibtex (plain,
plainnat), its biblatex export through pdflatex + biblatex + biber, all files
in one document. Files left out of the compile fail the same way as inputs:
biber's own test files exercise errors on purpose (names BibTeX cannot parse,
crossrefs to missing entries, biblatex-only commands, Devanagari digits), and
one JabRef file has an entry without a key.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from bibgen.model import Fields
from bibgen.pipeline import Options, normalize_entry
from bibgen.readers.bibtex import read_bibtex
from bibgen.writers.biblatex import BiblatexWriter
from bibgen.writers.bibtex import BibtexWriter

ROOT = Path(__file__).resolve().parent.parent.parent
spec = importlib.util.spec_from_file_location("fidelity", ROOT / "bench" / "fidelity.py")
fidelity = importlib.util.module_from_spec(spec)
sys.modules["fidelity"] = fidelity  # (its dataclasses look themselves up there)
spec.loader.exec_module(fidelity)  # type: ignore[union-attr]

FILES = fidelity.corpus_files()
# Files whose input fails the same tool chain (bench/fidelity.py reports them as
# "input"): biber's own test files exercise errors on purpose.
_BOTH = {
    "biber-dateformats.bib": "Devanagari digits, which T1 cannot print",
    "biber-encoding1.bib": "a key with U+FFFD",
    "biber-examples.bib": "biblatex-only name options; U+02BF",
    "biber-tool.bib": "crossrefs to missing entries, malformed xdata on purpose",
    "jabref-MedlineImporterTestMathML.bib": "an entry without a key",
    # "% ..." inside an entry is a comment to biber; BibTeX reads it into the next field's
    # name, which bibgen refuses as unsafe (exit 3, with file:line), so the file is not exported.
    "biber-tool.bib": "a '%' comment line inside an entry (BibTeX makes it part of a field name)",
}
NOT_COMPILED = {
    "bibtex": {
        **_BOTH,
        "bbt-Better-BibLaTeX.010.bib": "crossref to an entry not in the file",
        "biber-full-bibtex_biber.bib": "a biblatex command (hyphen)",
        "biber-names.bib": "commented-out entries BibTeX reads as broken ones",
        "biblatex-biblatex-examples.bib": "biblatex commands (\\mkbibquote) in its titles",
    },
    "biber": {
        **_BOTH,
        "biber-translit.bib": "transliteration options of biber's own test set-up",
        # biber decodes accent commands and, with --output-safechars (which pdflatex
        # needs), re-encodes stacked accents wrongly (a TeX error): this Vietnamese
        # name only compiles through biber with lualatex or T5 fonts.
        "bibgen-issue12.bib": "biber's encoding of stacked accents",
    },
}


def test_corpus_is_documented():
    listed = {p.name for p, _ in FILES}
    on_disk = {p.name for p in fidelity.CORPUS.glob("*.bib")}
    assert listed == on_disk and len(listed) >= 30
    assert set(NOT_COMPILED["bibtex"]) | set(NOT_COMPILED["biber"]) <= listed


# Entries a file holds on purpose that bibgen does not keep, with why (each is reported).
SKIPPED_ON_PURPOSE = {
    # "%@BOOK{L27," is commented out for biber; for BibTeX it is a block with a "%" field
    # name: bibgen skips it with a located warning (--keep-going), as it is not an entry.
    "biber-names.bib": {"L27", "L28"},
}
NOT_COMPARED = {
    # bibgen gives a keyless entry a generated key; the comparison goes by key.
    "jabref-MedlineImporterTestMathML.bib": "an entry without a key",
    # "% ..." inside an entry is a comment to biber; BibTeX reads it into the next field's
    # name, which bibgen refuses as unsafe (exit 3, with file:line), so the file is not exported.
    "biber-tool.bib": "a '%' comment line inside an entry (BibTeX makes it part of a field name)",
}


@pytest.mark.parametrize(("path", "dialect"), FILES, ids=[p.name for p, _ in FILES])
def test_every_entry_type_field_and_name_survives(path, dialect):
    if path.name in NOT_COMPARED:
        pytest.skip(f"{path.name}: {NOT_COMPARED[path.name]}")
    from bibgen.encoding import to_utf8

    source = to_utf8(path.read_bytes(), str(path)).decode("utf-8", errors="replace")  # as bibgen reads it
    output, _ = fidelity.export_file(path, dialect)
    rep = fidelity.compare(path.name, dialect, source, output)
    skipped = SKIPPED_ON_PURPOSE.get(path.name, set())
    assert rep.entries_in == rep.entries_out + len(skipped) and rep.entries_in > 0
    assert rep.lost == [f"{k}: entry" for k in sorted(skipped)]
    assert rep.types_changed == []
    assert rep.names_changed == []
    assert rep.changed == []
    # and bibgen reads its own output to the same entries
    again = read_bibtex(output, "out.bib", Options())
    assert len(again) == rep.entries_out


def _corpus_entries(skip: dict[str, str]) -> list:
    """Every compiled file's entries in one list, keys prefixed by the file (they repeat across files)."""
    out = []
    for i, (path, _) in enumerate(FILES):
        if path.name in skip:
            continue
        from bibgen.encoding import to_utf8

        text = to_utf8(path.read_bytes(), str(path)).decode("utf-8", errors="replace")
        for e in read_bibtex(text, str(path), Options(keep_going=True)):  # broken blocks on purpose: skipped
            e = normalize_entry(e)
            fields = e.fields
            for ref in ("crossref", "xref"):
                if ref in fields:
                    fields = Fields({**fields, ref: f"f{i}-{fields[ref]}"})
            out.append(e.replace(key=f"f{i}-{e.key}", fields=fields) if fields is not e.fields else e.replace(key=f"f{i}-{e.key}"))
    return out


@pytest.mark.integration
@pytest.mark.parametrize("toolchain", ["bibtex-plain", "bibtex-plainnat", "biber"])
def test_corpus_exports_compile(toolchain):
    from conftest import require_program

    require_program("pdflatex")
    require_program("biber" if toolchain == "biber" else "bibtex")
    writer = BiblatexWriter() if toolchain == "biber" else BibtexWriter()
    bib = writer.write(_corpus_entries(NOT_COMPILED["biber" if toolchain == "biber" else "bibtex"]), Options())
    assert fidelity.compile_status(bib, toolchain) == "ok"


# What pandoc reads differently from input and output, on purpose: a DOI is
# written bare (documented); a bare % in the input starts a comment for pandoc
# (it cuts the value there) and is written escaped, so the output says it all.
def _pandoc_items(path: Path, dialect: str) -> dict:
    import json
    import subprocess
    import unicodedata

    run = subprocess.run(
        ["pandoc", "-f", dialect, "-t", "csljson", str(path)], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    norm = lambda v: unicodedata.normalize("NFC", json.dumps(v, ensure_ascii=False, sort_keys=True))  # noqa: E731
    return {i["id"]: {k: norm(v) for k, v in i.items() if k != "DOI"} for i in json.loads(run.stdout)}


@pytest.mark.integration
@pytest.mark.parametrize(("path", "dialect"), FILES, ids=[p.name for p, _ in FILES])
def test_pandoc_reads_the_same_items(path, dialect, tmp_path):
    from conftest import require_program

    require_program("pandoc")
    skip = {**_BOTH, "biber-names.bib": "'%@BOOK{L27,': an entry for BibTeX (and bibgen), a comment for pandoc"}
    if path.name in skip:
        pytest.skip(f"{path.name}: {skip[path.name]}")
    out = tmp_path / "out.bib"
    out.write_text(fidelity.export_file(path, dialect)[0], encoding="utf-8")
    before, after = _pandoc_items(path, dialect), _pandoc_items(out, dialect)
    assert set(before) == set(after)
    for key, item in before.items():
        for var, value in item.items():
            if "%" in path.read_text("utf-8", errors="replace") and after[key].get(var, "").startswith(value.rstrip('"')):
                continue  # pandoc cut the input's value at a bare %
            assert after[key].get(var) == value, (key, var)
