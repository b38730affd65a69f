"""End-to-end performance table: wall time, peak memory and records/second.

    python bench/perf.py                 # 10k and 100k author-page records, 10k and 100k .bib entries
    python bench/perf.py --million       # adds 1,000,000 author-page records
    python bench/perf.py --sizes 10000   # quick look

Rows: ``bibgen export --format bibtex`` on author pages (read, normalize,
dedupe, key, write) and on a .bib file; beside the .bib rows, bibtexparser's
bare parse+write of the same file and bibtex-tidy (npm) with
``--duplicates --merge --sort`` when it is installed under bench/node_modules
(``npm install --prefix bench bibtex-tidy``). Corpora come from
bench/corpus.py (seeded) and are cached in bench/out/. Each command runs in its
own process; peak memory is the max RSS of its largest process (os.wait4), its
CPU time adds up all of them (bibgen forks for large inputs: bibgen.parallel).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PY = sys.executable
# As an installed bibgen runs: its modules' bytecode is cached (a shell that sets
# PYTHONDONTWRITEBYTECODE would make every run compile them again, ~0.1 s).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

BIBTEXPARSER_BARE = """
import sys, bibtexparser
lib = bibtexparser.parse_file(sys.argv[1])
open(sys.argv[2], "w").write(bibtexparser.write_string(lib))
"""


def measure(cmd: list[str], cwd: Path = ROOT) -> tuple[float, float, int]:
    """(wall seconds, peak RSS MiB, exit code) of one command; its CPU seconds go to ``CPU[-1]``."""
    # stderr goes to a file, not a pipe: a run with many warnings would fill a
    # pipe nobody reads until the process ends, and hang.
    with tempfile.TemporaryFile() as errfile:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errfile, env=ENV)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        errfile.seek(0)
        err = errfile.read().decode(errors="replace")
    if proc.returncode not in (0,):
        print(f"   ! {' '.join(cmd[:4])}… exited {proc.returncode}: {err.strip().splitlines()[-1:] }", file=sys.stderr)
    CPU.append(usage.ru_utime + usage.ru_stime)  # user + system: steadier than wall time on a loaded machine
    return wall, usage.ru_maxrss / 1024, proc.returncode


CPU: list[float] = []


def corpus(records: int, fmt: str, seed: int = 1) -> Path:
    target = OUT / f"corpus-{fmt}-{records}-seed{seed}"
    done = target / ".complete"
    if not done.exists():
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        subprocess.run(
            [PY, str(ROOT / "bench" / "corpus.py"), "--records", str(records), "--seed", str(seed), "--out", str(target), "--format", fmt],
            check=True,
        )
        done.write_text("ok")
    return target


def bib_file(folder: Path) -> Path:
    bibs = sorted(folder.glob("*.bib"))
    if len(bibs) != 1:
        raise SystemExit(f"expected one .bib in {folder}, found {len(bibs)}")
    return bibs[0]


def row(label: str, records: int, wall: float, rss: float, code: int) -> None:
    rate = records / wall if wall else 0
    flag = "" if code == 0 else f"  (exit {code})"
    print(f"| {label:<46} | {records:>9,d} | {wall:>8.2f} | {CPU[-1]:>7.2f} | {rss:>9.0f} | {rate:>10,.0f} |{flag}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description="bibgen performance table")
    ap.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000], help="author-page record counts")
    ap.add_argument("--bib-sizes", type=int, nargs="*", default=[10_000, 100_000], help=".bib entry counts")
    ap.add_argument("--million", action="store_true", help="also run 1,000,000 author-page records")
    args = ap.parse_args()
    sizes = list(args.sizes) + ([1_000_000] if args.million else [])
    bibgen = [PY, "-m", "bibgen", "export", "--format", "bibtex"]
    tidy = ROOT / "bench" / "node_modules" / ".bin" / "bibtex-tidy"

    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"| {'run':<46} | {'records':>9} | {'wall s':>8} | {'CPU s':>7} | {'peak MiB':>9} | {'records/s':>10} |")
    print(f"|{'-' * 48}|{'-' * 11}|{'-' * 10}|{'-' * 9}|{'-' * 11}|{'-' * 12}|")
    times: dict[int, float] = {}
    for n in sizes:
        folder = corpus(n, "authorpage")
        wall, rss, code = measure([*bibgen, str(folder), "-o", str(OUT / f"out-pages-{n}.bib")])
        times[n] = wall
        row(f"bibgen export, author pages", n, wall, rss, code)
        wall, rss, code = measure(["env", "BIBGEN_JOBS=1", *bibgen, str(folder), "-o", str(OUT / f"out-pages1-{n}.bib")])
        row(f"same, one process (BIBGEN_JOBS=1)", n, wall, rss, code)
    for n in args.bib_sizes:
        src = bib_file(corpus(n, "bib"))
        wall, rss, code = measure([*bibgen, str(src), "-o", str(OUT / f"out-bib-{n}.bib")])
        row("bibgen export, .bib", n, wall, rss, code)
        wall, rss, code = measure([PY, "-c", BIBTEXPARSER_BARE, str(src), str(OUT / f"bare-{n}.bib")])
        row("bibtexparser bare parse+write, same .bib", n, wall, rss, code)
        if tidy.exists():
            # The file comes first: bibtex-tidy's optional-value flags would take it as their value.
            wall, rss, code = measure([str(tidy), str(src), "--duplicates", "--merge", "--sort", "--quiet",
                                       "-o", str(OUT / f"tidy-{n}.bib")])
            row("bibtex-tidy --duplicates --merge --sort", n, wall, rss, code)
        else:
            print(f"| bibtex-tidy not installed (npm install --prefix bench bibtex-tidy) | {n:>9,d} |")
    if 10_000 in times and 100_000 in times:
        print(f"\ngrowth 100k/10k author-page records: {times[100_000] / times[10_000]:.1f}x (linear = 10x)")


if __name__ == "__main__":
    main()
