"""Speed of the reference-manager formats on synthetic libraries, against rispy.

    python bench/formats.py [N ...]        # default: 10000 100000

Prints records per second for bibgen's RIS reader (with line numbers, kept
tags and the full mapping) beside rispy 0.10's ``loads`` (tags to a dict, no
mapping) when rispy is installed, and for the RIS and hayagriva writers and
the hayagriva and MEDLINE readers. Figures are wall-clock on this machine.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from bibgen.pipeline import Options  # noqa: E402
from bibgen.readers.hayagriva import HayagrivaReader  # noqa: E402
from bibgen.readers.medline import MedlineReader  # noqa: E402
from bibgen.readers.ris import RisReader  # noqa: E402
from bibgen.writers.hayagriva import HayagrivaWriter  # noqa: E402
from bibgen.writers.ris import RisWriter  # noqa: E402

GOLDEN = ROOT / "tests" / "golden"


def library(sample: str, n: int, split: str) -> str:
    """``n`` records made from the sample's records, each with a distinct title."""
    records = [r for r in sample.split(split) if r.strip()]
    out = []
    for i in range(n):
        r = records[i % len(records)]
        out.append(r.replace("TI  - ", f"TI  - {i} ", 1))
    return split.join(out) + split


def timed(label: str, n: int, fn) -> float:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    fn()
    dt = time.perf_counter() - t0
    print(f"  {label:<34} {dt:7.2f} s  {n / dt:>10,.0f} records/s")
    return dt


def main(sizes: list[int]) -> None:
    ris_sample = (GOLDEN / "ris-exports" / "input" / "zotero.ris").read_text(encoding="utf-8").replace("\r\n", "\n")
    nbib_sample = (GOLDEN / "medline-export" / "input" / "pubmed-export.nbib").read_text(encoding="utf-8")
    try:
        import rispy
    except ImportError:
        rispy = None
    for n in sizes:
        print(f"{n:,} records")
        ris = library(ris_sample, n, "ER  - \n\n")
        data = ris.encode("utf-8")
        entries: list = []
        ours = timed("bibgen ris read", n, lambda: entries.extend(RisReader().read(data, "x.ris", Options())))
        if rispy is not None:
            theirs = timed("rispy.loads", n, lambda: rispy.loads(ris))
            print(f"  {'ratio bibgen / rispy':<34} {ours / theirs:7.2f}")
        keyed = [e.replace(key=f"k{i}") for i, e in enumerate(entries)]
        timed("bibgen ris write", n, lambda: RisWriter().write(keyed, Options()))
        hay: list[str] = []
        timed("bibgen hayagriva write", n, lambda: hay.append(HayagrivaWriter().write(keyed, Options())))
        hdata = hay[0].encode("utf-8")
        timed("bibgen hayagriva read", n, lambda: HayagrivaReader().read(hdata, "x.yml", Options()))
        nbib = "\n".join(nbib_sample.split("\n\n")[i % 5].replace("TI  - ", f"TI  - {i} ", 1) for i in range(n)).encode()
        timed("bibgen medline read", n, lambda: MedlineReader().read(nbib, "x.nbib", Options()))


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [10000, 100000])
