"""Wall time of ``bibgen sync --check`` on an in-sync project of 1,000 entries.

    python bench/sync_check.py             # 1,000 entries, 7 runs each, median
    python bench/sync_check.py --entries 5000 --runs 5

Builds the project in a temporary folder (author pages, ``bibgen.yaml``, a
synced ``references.bib``), then times, each in a fresh process:

* ``python -c pass``: the interpreter's own start-up, the floor;
* ``bibgen sync --check``: the pre-commit path; an unchanged project is
  confirmed from the in-sync cache without importing typer or running the
  pipeline;
* ``bibgen sync --check --no-cache``: the same with the full pipeline (read,
  dedupe, key, render, read the target, merge, compare);
* ``bibtex-tidy --sort --duplicates`` on the same .bib, when installed with
  ``npm install --prefix bench bibtex-tidy`` (skipped with a message otherwise).
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = "Goto\n\nCollaborating Authors\n\n\u00a0{author}\n\n\n{records}"
RECORD = "{title}\n\narXiv.org Machine Learning\n\n{abstract}\n\n\n"
WORDS = "neural graph learning robust sparse attention model vision data causal kernel memory planning agents".split()


def build(folder: Path, n: int) -> None:
    rng = random.Random(1)
    seeds = folder / "seeds"
    seeds.mkdir(parents=True)
    per = 100
    for f in range((n + per - 1) // per):
        count = min(per, n - f * per)
        records = "".join(
            RECORD.format(
                title=" ".join(rng.choice(WORDS) for _ in range(6)).capitalize() + f" {f}-{i}",
                abstract="We study " + " ".join(rng.choice(WORDS) for _ in range(80)) + ".",
            )
            for i in range(count)
        )
        (seeds / f"page{f:03d}.txt").write_text(PAGE.format(author=f"Writer{f:03d}, Ann", records=records))
    (folder / "bibgen.yaml").write_text("sources: [seeds]\noutputs: [{path: references.bib, format: bibtex}]\n")


def bibgen_cmd() -> list[str]:
    script = Path(sys.executable).with_name("bibgen")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bibgen"]


def timed(cmd: list[str], cwd: Path, env: dict[str, str], runs: int, expect: int = 0) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        out.append(time.perf_counter() - start)
        if proc.returncode != expect:
            sys.exit(f"{' '.join(cmd)}: exit {proc.returncode}, expected {expect}\n{proc.stderr.decode()[-2000:]}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--entries", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        build(project, args.entries)
        env = {**os.environ, "BIBGEN_CACHE_DIR": str(Path(tmp) / "cache")}
        bibgen = bibgen_cmd()
        first = subprocess.run([*bibgen, "sync"], cwd=project, env=env, capture_output=True, text=True)
        if first.returncode != 0:
            sys.exit(first.stderr)
        bib = project / "references.bib"
        n = sum(1 for ln in bib.read_text().split("\n") if ln.startswith("@") and not ln.startswith("@comment"))
        rows: list[tuple[str, list[float]]] = [
            ("python -c pass", timed([sys.executable, "-c", "pass"], project, env, args.runs)),
            ("python -c 'import typer'", timed([sys.executable, "-c", "import typer"], project, env, args.runs)),
            ("bibgen sync --check", timed([*bibgen, "sync", "--check"], project, env, args.runs)),
            ("bibgen sync --check --no-cache", timed([*bibgen, "sync", "--check", "--no-cache"], project, env, args.runs)),
        ]
        tidy = ROOT / "bench" / "node_modules" / ".bin" / "bibtex-tidy"
        node = shutil.which("node")
        if tidy.exists() and node:
            copy = Path(tmp) / "tidy.bib"
            shutil.copy(bib, copy)
            cmd = [str(tidy), str(copy), "--no-modify", "--sort", "--duplicates", "--quiet"]
            rows.append(("bibtex-tidy --sort --duplicates", timed(cmd, Path(tmp), env, args.runs)))
        else:
            print("bibtex-tidy: not installed (npm install --prefix bench bibtex-tidy); skipped", file=sys.stderr)
        print(f"in-sync project: {args.entries} records -> {n} entries in references.bib "
              f"({bib.stat().st_size / 1e6:.2f} MB); median of {args.runs} runs, wall seconds")
        width = max(len(name) for name, _ in rows)
        for name, times in rows:
            print(f"  {name:<{width}}  {statistics.median(times):7.3f}  (min {min(times):.3f}, max {max(times):.3f})")


if __name__ == "__main__":
    main()
