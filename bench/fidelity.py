"""Fidelity of bibgen's BibTeX/biblatex round trip on a corpus of real .bib files.

    python bench/fidelity.py                 # tests/data/bibcorpus, with compiles
    python bench/fidelity.py --no-compile    # content only (seconds)
    python bench/fidelity.py FILE.bib ...    # other files (dialect: biblatex if it uses biblatex types/fields)

For every file, bibgen reads it and exports it to its own dialect (``bibtex`` or
``biblatex``, from the corpus README). Both the input and the output are then
read by an independent parser, bibtexparser v2 (``@string`` references
resolved, enclosing braces removed), and compared entry by entry:

* entries: every input key is in the output (duplicate keys in the input, which
  BibTeX skips, are not counted);
* types: the output type is the input type (identity in the same dialect);
* fields: every input field is in the output under its name (biblatex aliases
  such as journal/journaltitle count as the same field in biblatex output), with
  the same value after whitespace normalisation (month macros as numbers; URLs
  and DOIs without escapes, a DOI without resolver prefix);
* names: every name of every name list, split at ``and`` the way BibTeX does,
  is the same name.

With compiles (the default), the file's ``--format bibtex`` export goes through
pdflatex + bibtex with the plain and plainnat styles, and its ``--format
biblatex`` export through pdflatex + biblatex + biber; a compile fails on a
pdflatex error (``-halt-on-error``), a character LaTeX cannot print, a bibtex
``error message`` or a biber ERROR. Goal: 0 lost, 0 changed, 0 failures.
"""

from __future__ import annotations

import argparse
import logging
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "bibcorpus"

from bibgen.normalize import bare_doi  # noqa: E402
from bibgen.pipeline import Options, normalize_entry  # noqa: E402
from bibgen.readers.bibtex import month_number, read_bibtex, split_names  # noqa: E402
from bibgen.registry import writers  # noqa: E402
from bibgen.mappings.types import BIBTEX_TO_BIBLATEX, output_type  # noqa: E402

ROLES = ("author", "editor", "translator", "bookauthor", "editora", "editorb", "editorc", "afterword", "annotator",
         "commentator", "foreword", "introduction", "holder")  # fmt: skip
_VERBATIM = {"url", "doi", "eprint", "file", "urlraw", "verba", "verbb", "verbc", "pdf"}
_BIBLATEX_ONLY = re.compile(
    r"@(online|report|thesis|dataset|software|patent|periodical|collection|reference|mvbook|bookinbook|inreference)\s*[{(]"
    r"|^\s*(date|journaltitle|location|urldate|eventdate|origdate|langid)\s*=",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass
class FileReport:
    name: str
    dialect: str
    entries_in: int = 0
    entries_out: int = 0
    fields_in: int = 0
    fields_out: int = 0
    names_in: int = 0
    names_out: int = 0
    lost: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    types_changed: list[str] = field(default_factory=list)
    names_changed: list[str] = field(default_factory=list)
    compiles: dict[str, str] = field(default_factory=dict)  # toolchain -> "ok" or the first problem


def corpus_files() -> list[tuple[Path, str]]:
    """``(path, dialect)`` for every file in the corpus README's table."""
    out = []
    for line in (CORPUS / "README.md").read_text("utf-8").splitlines():
        m = re.match(r"\|\s*`([^`]+\.bib)`\s*\|\s*(bibtex|biblatex)\s*\|", line)
        if m:
            out.append((CORPUS / m.group(1), m.group(2)))
    return out


def guess_dialect(text: str) -> str:
    return "biblatex" if _BIBLATEX_ONLY.search(text) else "bibtex"


def export_file(path: Path, fmt: str, options: Options | None = None) -> tuple[str, Options]:
    """What ``bibgen export --keep-going --format FMT FILE`` writes (read, normalize, write; one
    file: nothing to merge). Some corpus files hold broken blocks on purpose: they are skipped, with a warning."""
    options = options or Options(keep_going=True)
    from bibgen.encoding import to_utf8

    text = to_utf8(path.read_bytes(), str(path), options.encoding).decode("utf-8", errors="replace")  # as bibgen reads it
    entries = [normalize_entry(e) for e in read_bibtex(text, str(path), options)]
    return writers.get(fmt).write(entries, options), options


def parse_independently(text: str):  # type: ignore[no-untyped-def]
    """Entries by folded key as bibtexparser v2 splits them (first of a repeated key), values evaluated.

    bibtexparser gives each value as written; it is evaluated here by BibTeX's
    rules (``#`` joins, ``@string`` macros, month macros kept as names), the same
    way on both sides, independently of bibgen's reader.
    """
    import bibtexparser

    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL + 1)
    lib = bibtexparser.parse_string(text, parse_stack=[])
    macros = {s.key.lower(): _evaluate(s.value, {}) for s in lib.strings}
    out = {}
    for e in lib.entries:
        if e.key.casefold() in out:
            continue
        out[e.key.casefold()] = (e, {f.key.lower(): _evaluate(f.value, macros) for f in e.fields})
    return out


def _evaluate(raw: str, macros: dict[str, str]) -> str:
    parts, depth, cur = [], 0, []
    for ch in str(raw):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        if ch == "#" and depth == 0 and not _in_quotes(cur):
            parts.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur).strip())
    out = []
    for p in parts:
        if p[:1] in "{\"" and len(p) >= 2:
            out.append(p[1:-1])
        elif p.lower() in macros:
            out.append(macros[p.lower()])
        else:
            out.append(p)
    return "".join(out)


def _in_quotes(cur: list[str]) -> bool:
    depth, inq = 0, False
    for ch in cur:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == '"' and depth == 0:
            inq = not inq
    return inq


_ESCAPED = re.compile(r"(?<!\\)\\([&%#])")


def _norm(name: str, value: str) -> str:
    v = re.sub(r"\s+", " ", str(value)).strip()
    while v.startswith("{") and v.endswith("}") and _balanced(v[1:-1]):
        v = v[1:-1].strip()
    if name == "month":
        v = month_number(v)
    elif name in _VERBATIM:
        v = re.sub(r"\\([%&#_$~{}])", r"\1", v)
        if name == "doi":
            v = bare_doi(v)
    elif name in ("ids", "xdata", "related", "keywords"):
        v = ",".join(x.strip() for x in re.split(r"[,;]", v))
    else:
        # bibgen escapes a bare & % # so LaTeX prints it (documented): the same character.
        v = _ESCAPED.sub(r"\1", v)
    return v


def _text(latex: str) -> str:
    """What LaTeX prints (accent commands and the characters they make are the same text)."""
    import unicodedata

    from bibgen.latex import decode, pdflatex_text

    # pdflatex_text first: a character in math kept as UTF-8 or written as its command is one character.
    return unicodedata.normalize("NFC", " ".join(decode(pdflatex_text(latex)).split()))


def _balanced(s: str) -> bool:
    depth = 0
    for ch in s:
        depth += (ch == "{") - (ch == "}")
        if depth < 0:
            return False
    return depth == 0


def _names(value: str) -> list[tuple[str, ...]]:
    """Each name's parts as pybtex (BibTeX's rules) splits them."""
    from pybtex.database import Person as PybtexPerson

    out = []
    for n in split_names(value)[0]:
        try:
            p = PybtexPerson(re.sub(r"\s+", " ", n))
            out.append(tuple(" ".join(x) for x in (p.first_names, p.middle_names, p.prelast_names, p.last_names, p.lineage_names)))
        except Exception:
            out.append((re.sub(r"\s+", " ", n),))
    return out


def compare(name: str, dialect: str, source: str, output: str) -> FileReport:
    """Input and output as an independent parser reads them: what was lost or changed."""
    rep = FileReport(name, dialect)
    ins, outs = parse_independently(source), parse_independently(output)
    rep.entries_in, rep.entries_out = len(ins), len(outs)
    for key, (e, fields) in ins.items():
        if key not in outs:
            rep.lost.append(f"{e.key}: entry")
            continue
        o, ofields = outs[key]
        want = output_type(dialect, "bib", e.entry_type.lower()) or e.entry_type.lower()
        if o.entry_type.lower() != want:
            rep.types_changed.append(f"{e.key}: @{e.entry_type.lower()} -> @{o.entry_type.lower()}")
        rep.fields_out += len(ofields)
        for fname, value in fields.items():
            if not _norm(fname, value):
                continue  # an empty field means no field (BibTeX and biber read it so)
            rep.fields_in += 1
            target = BIBTEX_TO_BIBLATEX.get(fname, fname) if dialect == "biblatex" else fname
            if target != fname and (target in fields or (target not in ofields and fname in ofields)):
                target = fname  # both spellings in the input, or the alias kept (biber reads it itself)
            if target not in ofields:
                rep.lost.append(f"{e.key}: {fname}")
                continue
            if fname in ROLES:
                a, b = _names(value), _names(ofields[target])
                rep.names_in += len(a)
                rep.names_out += len(b)
                if a != b and [tuple(map(_text, x)) for x in a] != [tuple(map(_text, x)) for x in b]:
                    rep.names_changed.append(f"{e.key}: {fname}: {a} -> {b}")
                continue
            a, b = _norm(fname, value), _norm(fname, ofields[target])
            if a != b and (fname in _VERBATIM or _text(a) != _text(b)):
                rep.changed.append(f"{e.key}: {fname}: {_norm(fname, value)!r} -> {_norm(fname, ofields[target])!r}")
    return rep


# ---------------------------------------------------------------- compiling

def _preamble() -> str:
    """What a document citing these files loads: T1 fonts, url, hyperref (\\href in notes), and
    the journal macros of aas_macros.sty (ADS exports), defined as that file does."""
    from bibgen.latex import AAS_MACROS

    macros = "".join(
        "\\providecommand{\\" + name + "}{" + text.replace("&", "\\&") + "}" for name, text in sorted(AAS_MACROS.items())
    )
    return (
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\usepackage{lmodern}\n\\usepackage{url}\n"
        "\\usepackage{hyperref}\n" + macros + "\n"
    )


def _run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300, errors="replace")


def compile_status(bib: str, toolchain: str) -> str:
    """``ok`` or the first problem of compiling ``\\nocite{*}`` over ``bib`` (bibtex-plain, bibtex-plainnat, biber)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "refs.bib").write_text(bib, encoding="utf-8")
        if toolchain == "biber":
            body = "\\usepackage[backend=biber,style=authoryear]{biblatex}\n\\addbibresource{refs.bib}\n"
            body += "\\begin{document}\n\\nocite{*}\n\\printbibliography\n\\end{document}\n"
        else:
            style = toolchain.split("-", 1)[1]
            pkg = "\\usepackage{natbib}\n" if style == "plainnat" else ""
            body = pkg + "\\begin{document}\n\\nocite{*}\n\\bibliographystyle{" + style + "}\n\\bibliography{refs}\n\\end{document}\n"
        (folder / "doc.tex").write_text(_preamble() + body, encoding="utf-8")
        latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "doc.tex"]
        first = _run(latex, folder)
        if first.returncode:
            return "pdflatex (before bibliography): " + _first_error(first.stdout)
        # pdflatex users run biber with --output-safechars: biber decodes LaTeX accents to
        # UTF-8, and characters T1 has no input mapping for (ễ, Z̃) must go back to macros.
        tool = _run(["biber", "--output-safechars", "doc"] if toolchain == "biber" else ["bibtex", "doc"], folder)
        blg = (folder / "doc.blg").read_text(errors="replace") if (folder / "doc.blg").exists() else ""
        if toolchain == "biber":
            errs = [ln for ln in blg.splitlines() if re.search(r"\bERROR\b", ln)]
            if tool.returncode or errs:
                return "biber: " + (errs[0] if errs else tool.stdout[-300:])
        else:
            errs = [ln for ln in (tool.stdout + blg).splitlines() if "error message" in ln or "I was expecting" in ln]
            if errs:
                return "bibtex: " + errs[0]
        for _ in range(2):
            run = _run(latex, folder)
            if run.returncode:
                return "pdflatex: " + _first_error(run.stdout)
        log = (folder / "doc.log").read_text(errors="replace")
        bad = [ln for ln in log.splitlines() if re.search(r"^!|Missing character|Unicode character", ln)]
        return "pdflatex: " + bad[0] if bad else "ok"


def _first_error(stdout: str) -> str:
    for i, ln in enumerate(stdout.splitlines()):
        if ln.startswith("!"):
            return " ".join(stdout.splitlines()[i : i + 3])[:300]
    return stdout[-300:]


TOOLCHAINS = ("bibtex-plain", "bibtex-plainnat", "biber")


def _short(status: str) -> str:
    return "ok" if status == "ok" else "input" if status.startswith("input fails too") else "FAIL"


def check(path: Path, dialect: str, compile: bool) -> FileReport:
    """Content comparison for one file, and its compiles."""
    source = path.read_text("utf-8", errors="replace")
    output, _ = export_file(path, dialect)
    rep = compare(path.name, dialect, source, output)
    if compile:
        bibtex_out = output if dialect == "bibtex" else export_file(path, "bibtex")[0]
        biblatex_out = output if dialect == "biblatex" else export_file(path, "biblatex")[0]
        for tc in TOOLCHAINS:
            status = compile_status(biblatex_out if tc == "biber" else bibtex_out, tc)
            if status != "ok":
                # The input through the same tool chain: a failure it has too is the input's.
                if compile_status(source, tc) != "ok":
                    status = "input fails too: " + status
            rep.compiles[tc] = status
    return rep


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--no-compile", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every lost or changed value")
    args = ap.parse_args(argv)
    compile = not args.no_compile
    if compile and not all(shutil.which(p) for p in ("pdflatex", "bibtex", "biber")):
        print("pdflatex, bibtex or biber missing: use --no-compile", file=sys.stderr)
        return 2
    files = [(p, guess_dialect(p.read_text("utf-8", errors="replace"))) for p in args.files] or corpus_files()
    cols = "file dialect entries(in/out) fields(in/out) names(in/out) lost changed types names-changed".split()
    if compile:
        cols += list(TOOLCHAINS)
    print(" | ".join(cols))
    totals = dict(lost=0, changed=0, types=0, names=0, fail=0, input=0, entries=0, fields=0, nm=0)
    details: list[str] = []
    for path, dialect in files:
        rep = check(path, dialect, compile)
        row = [rep.name, dialect, f"{rep.entries_in}/{rep.entries_out}", f"{rep.fields_in}/{rep.fields_out}",
               f"{rep.names_in}/{rep.names_out}", str(len(rep.lost)), str(len(rep.changed)),
               str(len(rep.types_changed)), str(len(rep.names_changed))]  # fmt: skip
        row += [_short(rep.compiles[tc]) for tc in TOOLCHAINS if compile]
        print(" | ".join(row), flush=True)
        totals["lost"] += len(rep.lost)
        totals["changed"] += len(rep.changed)
        totals["types"] += len(rep.types_changed)
        totals["names"] += len(rep.names_changed)
        totals["fail"] += sum(_short(v) == "FAIL" for v in rep.compiles.values())
        totals["input"] += sum(_short(v) == "input" for v in rep.compiles.values())
        totals["entries"] += rep.entries_in
        totals["fields"] += rep.fields_in
        totals["nm"] += rep.names_in
        for kind, items in (("lost", rep.lost), ("changed", rep.changed), ("type", rep.types_changed), ("names", rep.names_changed)):
            details += [f"  {rep.name}: {kind}: {x}" for x in items]
        details += [f"  {rep.name}: {tc}: {v}" for tc, v in rep.compiles.items() if v != "ok"]
    print(
        f"\n{len(files)} files, {totals['entries']} entries, {totals['fields']} fields, {totals['nm']} names: "
        f"{totals['lost']} lost, {totals['changed']} changed, {totals['types']} types changed, "
        f"{totals['names']} names changed"
        + (f", {totals['fail']} compile failures ({totals['input']} more where the input fails the same way)" if compile else "")
    )
    if details:
        print("\n".join(details if args.verbose else details[:40]))
        if not args.verbose and len(details) > 40:
            print(f"  ... {len(details) - 40} more (-v)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
