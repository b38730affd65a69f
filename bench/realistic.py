"""Speed on .bib files with realistic values, beside the tools users would pick instead.

    python bench/realistic.py                  # 10k and 100k records, every tool found
    python bench/realistic.py --sizes 10000    # quick look
    python bench/realistic.py --repeat 3       # median of three runs per command

The corpus is bench/realistic_bib.py (seeded; cached in bench/out/): Zotero,
arXiv and DBLP style values, abstracts of 1-3 KB with inline math, escapes
and accents. Each command runs in its own process; the figures are wall time
its CPU time (user + system; steadier than wall time on a shared machine) and
the peak RSS of that process (os.wait4). Rows:

* ``bibgen export --format bibtex`` (read, normalize, dedupe, key, write),
  with the cores it finds (bibgen.parallel), and the same in one process
  (``BIBGEN_JOBS=1``); the CPU column adds up every process of a run, the
  peak is that of the largest one;
* bibtexparser v2 bare ``parse_file`` + ``write_string`` (no decoding, no dedupe);
* bibtex-tidy ``--duplicates --merge=combine --sort`` when installed under
  bench/node_modules (``npm install --prefix bench bibtex-tidy``);
* BibTool ``-s -d`` (sort, mark duplicates) when ``bibtool`` is on PATH
  (Debian: ``apt-get install bibtool``).

With ``--repeat N`` the commands run in N rounds, one run of each per round,
and the figures are medians. Ratios are bibgen's time over each tool's, wall /
CPU, the median over rounds of the two runs made in the same round (below 1.0
means bibgen is faster; on a loaded machine the CPU ratio is the steadier one).
The last lines give the growth t(100k)/t(10k) and the share of values bibgen's
LaTeX decoder sends to pylatexenc (the slow path), measured in this process
by reading the corpus once.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
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


def run_once(cmd: list[str]) -> tuple[float, float, float, int]:
    """(wall seconds, CPU seconds, peak RSS MiB, exit code) of one run of a command."""
    with tempfile.TemporaryFile() as errfile:  # a file, not a pipe: many warnings cannot block the child
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=errfile, env=ENV)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            errfile.seek(0)
            last = errfile.read().decode(errors="replace").strip().splitlines()[-1:]
            print(f"   ! {' '.join(cmd[:3])}… exited {code}: {last}", file=sys.stderr)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, code


def measure_rounds(cmds: list[list[str]], repeat: int) -> list[list[tuple[float, float, float, int]]]:
    """Each command's runs, ``repeat`` rounds of one run of every command in turn.

    Round by round, so a machine whose speed drifts over minutes (a shared VM)
    slows every tool alike, and the ratios compare runs made side by side.
    """
    runs: list[list[tuple[float, float, float, int]]] = [[] for _ in cmds]
    for _ in range(repeat):
        for i, cmd in enumerate(cmds):
            runs[i].append(run_once(cmd))
    return runs


def paired_ratio(ours: list[tuple[float, float, float, int]], theirs: list[tuple[float, float, float, int]], k: int) -> float:
    """The median over rounds of bibgen's figure ``k`` (0 wall, 1 CPU) over the tool's in the same round."""
    return statistics.median(a[k] / max(b[k], 1e-9) for a, b in zip(ours, theirs))


def corpus(records: int, seed: int) -> Path:
    folder = OUT / f"realistic-{records}-seed{seed}"
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run([PY, str(ROOT / "bench" / "realistic_bib.py"), "--records", str(records), "--seed", str(seed),
                        "--out", str(folder)], check=True)
        (folder / ".complete").write_text("ok")
    return folder / "corpus.bib"


def slow_path_share(src: Path) -> tuple[int, int, int]:
    """(values decoded, values sent to pylatexenc, values with LaTeX at all) when bibgen reads ``src``."""
    import bibgen.latex as latex
    from bibgen.readers import bibtex

    calls = [0, 0, 0]
    fast, plain = latex._decode_simple, latex._PLAIN_RE.search

    def counting_decode(text: str) -> str:
        calls[0] += 1
        if plain(text):
            calls[2] += 1
            if fast(text) is None:
                calls[1] += 1
        return original(text)

    original = latex.decode
    bibtex.decode_latex = counting_decode  # the reader's own reference to latex.decode
    jobs = os.environ.get("BIBGEN_JOBS")
    os.environ["BIBGEN_JOBS"] = "1"  # counted in this process: no part of the file read in a child
    try:
        from bibgen.pipeline import Options

        bibtex.BibtexReader().read(src.read_bytes(), str(src), Options())
    finally:
        bibtex.decode_latex = original
        if jobs is None:
            del os.environ["BIBGEN_JOBS"]
        else:
            os.environ["BIBGEN_JOBS"] = jobs
    return calls[0], calls[1], calls[2]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=1, help="runs per command (the median is shown)")
    ap.add_argument("--skip", default="", help="comma-separated tools not to run at sizes above 10k: tidy, bibtool "
                    "(at 100k bibtex-tidy ran out of Node's heap after about 3 minutes, BibTool's -d grows faster than linearly)")
    ap.add_argument("--baseline", type=Path, help="also time, at the smallest size, the bibgen whose src/ folder this is (an older checkout)")
    args = ap.parse_args()
    tidy = ROOT / "bench" / "node_modules" / ".bin" / "bibtex-tidy"
    bibtool = shutil.which("bibtool")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; median of {args.repeat}")
    print(f"| {'command':<52} | {'records':>8} | {'MB':>5} | {'wall s':>7} | {'CPU s':>7} | {'peak MiB':>8} | {'bibgen / it (wall / CPU)':>24} |")
    print(f"|{'-' * 54}|{'-' * 9}:|{'-' * 6}:|{'-' * 8}:|{'-' * 8}:|{'-' * 9}:|{'-' * 25}:|")
    ours: dict[int, float] = {}
    ours_cpu: dict[int, float] = {}
    for n in args.sizes:
        src = corpus(n, args.seed)
        mb = src.stat().st_size / 1e6
        runs = [("bibgen export --format bibtex", [PY, "-m", "bibgen", "export", "--format", "bibtex", str(src),
                                                  "-o", str(OUT / f"realistic-out-{n}.bib")]),
                ("same, one process (BIBGEN_JOBS=1)", ["env", "BIBGEN_JOBS=1", PY, "-m", "bibgen", "export", "--format",
                                                        "bibtex", str(src), "-o", str(OUT / f"realistic-out1-{n}.bib")]),
                ("bibtexparser v2 bare parse_file + write_string", [PY, "-c", BIBTEXPARSER_BARE, str(src),
                                                                     str(OUT / f"realistic-bare-{n}.bib")])]
        if args.baseline and n == min(args.sizes):  # (an old checkout can be very slow at 100k)
            runs.append((f"bibgen export, {args.baseline}", ["env", f"PYTHONPATH={args.baseline.resolve()}", PY, "-m",
                         "bibgen", "export", "--format", "bibtex", str(src), "-o", str(OUT / f"realistic-base-{n}.bib")]))
        skip = set(args.skip.split(",")) if n > 10_000 else set()
        if tidy.exists() and "tidy" not in skip:
            runs.append(("bibtex-tidy --duplicates --merge=combine --sort",
                         [str(tidy), str(src), "--duplicates", "--merge=combine", "--sort", "--quiet",
                          "-o", str(OUT / f"realistic-tidy-{n}.bib")]))
        if bibtool and "bibtool" not in skip:
            runs.append(("BibTool -s -d", [bibtool, "-s", "-d", "-i", str(src), "-o", str(OUT / f"realistic-bibtool-{n}.bib")]))
        results = measure_rounds([cmd for _, cmd in runs], args.repeat)
        for (label, cmd), got in zip(runs, results):
            wall, cpu = statistics.median(r[0] for r in got), statistics.median(r[1] for r in got)
            rss, code = max(r[2] for r in got), next((r[3] for r in got if r[3]), 0)
            if label == runs[0][0]:
                ours[n], ours_cpu[n] = wall, cpu
            ratio = "" if label == runs[0][0] else f"{paired_ratio(results[0], got, 0):.2f} / {paired_ratio(results[0], got, 1):.2f}"
            flag = "" if code == 0 else f" (exit {code})"
            print(f"| {label:<52} | {n:>8,d} | {mb:>5.0f} | {wall:>7.2f} | {cpu:>7.2f} | {rss:>8.0f} | {ratio:>24} |{flag}",
                  flush=True)
        if not tidy.exists():
            print("  (bibtex-tidy not installed: npm install --prefix bench bibtex-tidy)")
        if not bibtool:
            print("  (BibTool not installed: apt-get install bibtool)")
    if 10_000 in ours and 100_000 in ours:
        print(f"\ngrowth t(100k)/t(10k) of bibgen export: wall {ours[100_000] / ours[10_000]:.1f}, "
              f"CPU {ours_cpu[100_000] / ours_cpu[10_000]:.1f} (linear = 10)")
    src = corpus(min(args.sizes), args.seed)
    total, slow, latexish = slow_path_share(src)
    print(f"slow path ({min(args.sizes):,} records): {slow:,} of {total:,} decoded values went to pylatexenc "
          f"({100 * slow / max(total, 1):.2f}%; {latexish:,} values had LaTeX specials)")


if __name__ == "__main__":
    main()
