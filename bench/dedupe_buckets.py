"""Dedupe time of one big bucket: records sharing title, author, year and venue with different DOIs (issue 20).

Prints seconds per size and the growth ratio; near-linear growth is ~4x per 4x records.

    python bench/dedupe_buckets.py [--sizes 2000 8000 32000]
"""

from __future__ import annotations

import argparse
import time

from bibgen.dedupe import DedupePolicy, dedupe
from bibgen.errors import Diagnostics
from bibgen.model import Entry, EntryKind, Origin
from bibgen.normalize import parse_name


def records(n: int, pages: bool) -> list[Entry]:
    author = (parse_name("Smith, John"),)
    out = []
    for i in range(n):
        fields = {"title": "A long title shared by many different papers", "container": "Journal of Things", "year": "2020"}
        if pages:
            fields["pages"] = f"{i * 10 + 1}--{i * 10 + 9}"  # no DOI: kept apart by pages
        else:
            fields["doi"] = f"10.1000/{i}"
        out.append(Entry(kind=EntryKind.ARTICLE, fields=fields, people={"author": author}, origin=Origin(f"f{i % 50}.bib", i + 1), key=f"k{i}"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[2000, 8000, 32000])
    args = ap.parse_args()
    for what, pages in (("different DOIs", False), ("no DOI, different pages", True)):
        prev = None
        for n in args.sizes:
            entries = records(n, pages)
            t = time.perf_counter()
            result = dedupe(entries, Diagnostics(), DedupePolicy())
            dt = time.perf_counter() - t
            ratio = f"  x{dt / prev:.1f}" if prev else ""
            print(f"{what:26s} {n:7,d} records: {dt:6.2f} s, {len(result.entries):,d} entries{ratio}")
            prev = dt


if __name__ == "__main__":
    main()
