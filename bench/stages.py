"""CPU seconds per stage of ``bibgen export --format bibtex`` on one file or folder, in one process.

    python bench/stages.py bench/out/realistic-10000-seed1/corpus.bib

Stages: split (bibgen's .bib splitter alone), read + normalize
(``pipeline.read_file``: the whole reader, the model checks, and normalize
unless the reader promises it, as the author-page reader does), dedupe, keys,
write; each under ``pipeline.bulk()`` as in a real run. The split row is also
inside the read row. Use it to see where a run's time goes
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
    # Every stage under bulk(), as the pipeline runs it: with the collector on,
    # a stage that builds many objects pays for full collections that the real
    # run never makes, and grows faster than linearly.
    with pipeline.bulk():
        # pipeline.read_file: the reader, the model checks, and normalize unless the reader did it.
        raw = entries = timed("read + normalize (all files)", lambda: [e for p in paths for e in pipeline.read_file(p, options)])
    ordered = sorted(entries, key=lambda e: e.origin)
    with pipeline.bulk():
        result = timed("dedupe", lambda: dedupe(ordered, options.diagnostics, options.dedupe_policy))
    with pipeline.bulk():
        def keys():  # type: ignore[no-untyped-def]
            pinned, reserved = apply_pins(result.entries, [], options.diagnostics, options.dedupe_policy, None)
            return assign_keys(pinned, options.key_pattern, reserved, options.diagnostics)

        keyed = timed("keys", keys)
    timed("write (bibtex)", lambda: pipeline.render(keyed, "bibtex", options))  # render() is under bulk() itself
    total = sum(t for label, t in rows if not label.startswith("split"))
    for label, t in rows:
        print(f"{label:<28} {t:7.2f} s")
    print(f"{'total (without split)':<28} {total:7.2f} s   ({len(raw):,} records)")


if __name__ == "__main__":
    main()
