"""CPU seconds per stage of ``bibgen export --format bibtex`` on one file or folder, in one process.

    python bench/stages.py bench/out/realistic-10000-seed1/corpus.bib

Stages: split (bibgen's .bib splitter alone), read (split + evaluate + LaTeX
decode + names: the whole reader), normalize, dedupe, keys, write. The split
row is also inside the read row. Use it to see where a run's time goes
without a profiler's overhead (bench/realistic.py gives whole-process times).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from bibgen import pipeline
from bibgen.dedupe import dedupe
from bibgen.keys import apply_pins, assign_keys


def main() -> None:
    src = Path(sys.argv[1])
    options = pipeline.Options()
    rows: list[tuple[str, float]] = []

    def timed(label: str, fn):  # type: ignore[no-untyped-def]
        start = time.process_time()
        out = fn()
        rows.append((label, time.process_time() - start))
        return out

    paths = pipeline.discover([src], options)
    if src.suffix == ".bib":
        from bibgen.bibsplit import split_bib

        text = src.read_text(encoding="utf-8")
        timed("split (.bib splitter only)", lambda: split_bib(text))
    with pipeline.bulk():
        raw = timed("read (reader, all files)", lambda: [e for p in paths for e in pipeline.readers.for_suffix(p.suffix).read(p.read_bytes(), str(p), options)])
        entries = timed("normalize", lambda: [pipeline.normalize_entry(e) for e in raw])
        ordered = sorted(entries, key=lambda e: e.origin)
        result = timed("dedupe", lambda: dedupe(ordered, options.diagnostics, options.dedupe_policy))
        keyed = timed("keys", lambda: assign_keys(apply_pins(result.entries, [], options.diagnostics, options.dedupe_policy, None)[0],
                                                  options.key_pattern, apply_pins(result.entries, [], options.diagnostics, options.dedupe_policy, None)[1], options.diagnostics))
        timed("write (bibtex)", lambda: pipeline.render(keyed, "bibtex", options))
    total = sum(t for label, t in rows if not label.startswith("split"))
    for label, t in rows:
        print(f"{label:<28} {t:7.2f} s")
    print(f"{'total (without split)':<28} {total:7.2f} s   ({len(raw):,} records)")


if __name__ == "__main__":
    main()
