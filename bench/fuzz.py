"""Coverage-guided fuzzing of every registered reader with atheris (libFuzzer).

    python bench/fuzz.py --seconds 600            # all readers, time split evenly
    python bench/fuzz.py --reader bibtex --seconds 60

Each reader must return entries or raise a BibgenError with a location; any
other exception is a crash and atheris stops with the input that caused it.
Prints how many inputs each reader was fed. The bounded CI pass is the
hypothesis suite in tests/properties/test_fuzz_readers.py.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "fuzz"


def child(reader_name: str) -> None:
    import atheris

    with atheris.instrument_imports():
        from bibgen.errors import BibgenError
        from bibgen.pipeline import Options
        from bibgen.registry import readers

    reader = readers.get(reader_name)

    def one(data: bytes) -> None:
        try:
            reader.read(data, "fuzz", Options())
        except BibgenError as exc:
            if exc.origin is None:
                raise AssertionError(f"BibgenError without a location: {exc!r}") from None

    atheris.Setup(sys.argv[:1] + sys.argv[3:], one)
    atheris.Fuzz()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--reader", action="append")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    from bibgen.registry import readers

    names = args.reader or readers.names()
    per = max(1, args.seconds // len(names))
    total = 0
    for name in names:
        with tempfile.TemporaryDirectory() as work:
            seeds = Path(work, "corpus")
            seeds.mkdir()
            for p in CORPUS.iterdir():
                if p.suffix in readers.get(name).suffixes:
                    (seeds / p.name).write_bytes(p.read_bytes())
            proc = subprocess.run(
                [sys.executable, __file__, "--child", name, f"-max_total_time={per}", "-rss_limit_mb=4096",
                 "-timeout=10", f"-artifact_prefix={work}/", str(seeds)],
                capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
            )
            import re

            runs = re.findall(r"^(?:Done |#)(\d+)", proc.stderr, re.MULTILINE)
            n = int(runs[-1]) if runs else 0
            total += n
            status = "ok" if proc.returncode == 0 else f"CRASH (exit {proc.returncode})"
            print(f"{name:12s} {n:>10,d} inputs in {per:>4d} s  {status}")
            if proc.returncode != 0:
                print(proc.stderr[-4000:])
                for crash in Path(work).glob("crash-*"):
                    keep = ROOT / "bench" / "out" / crash.name
                    keep.parent.mkdir(exist_ok=True)
                    keep.write_bytes(crash.read_bytes())
                    print(f"crashing input saved to {keep}")
    print(f"{'total':12s} {total:>10,d} inputs")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        main()
