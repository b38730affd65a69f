"""Precision and recall of bibgen's dedupe on labelled synthetic corpora.

    python bench/quality.py                         # 10k and 100k author-page records, 10k and 100k .bib entries
    python bench/quality.py --sizes 10000 --bib-sizes   # quick look
    python bench/quality.py --errors 10             # also print 10 wrong merges and 10 missed pairs
    python bench/quality.py --sizes --bib-sizes --hard-sizes 100000   # only the hard negatives

The corpora come from bench/corpus.py (seeded; the ground truth is the work id
each record was generated from, in labels.tsv) and are cached in bench/out/.
Each corpus is read with the real readers (bibgen.pipeline.read) and clustered
by the real dedupe (bibgen.dedupe.cluster, the code ``bibgen export`` and
``bibgen duplicates`` run).

Scores are over record pairs: a pair is a predicted duplicate when both
records end up in one cluster, a true duplicate when both come from one work.
precision = correct predicted pairs / predicted pairs, recall = correct
predicted pairs / true pairs. Wrong merges are also counted by the category
of the works involved (version, part, nonlatin, generic, ...).

The hard-negative corpus (``--hard-sizes``, bench/corpus.py ``--format
hard``) spreads labelled look-alike works over four .bib files (report and
article, conference and journal, thesis and article, one title with other
authors, pages or given names, one wrong DOI pasted into several papers, SICI
DOIs with one prefix, parts I/II/III, Gemma / Gemma 2 / Gemma 3 style
families) among true duplicates across the files; every wrong pair whose
records come from a hard negative counts as a hard-negative merge (the goal is 0).

The single-file ``.bib`` corpus holds each work's copies under different keys
in one file, which bibgen treats as different works unless
``merge-within-file`` is set: it is scored with that switch on.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
# bibgen comes from the environment (the editable install, or PYTHONPATH=old/src to score another version).

from perf import corpus  # noqa: E402  (seeded corpus cache shared with perf.py)

from bibgen.dedupe import DedupePolicy, cluster  # noqa: E402
from bibgen.pipeline import Options, read  # noqa: E402


def pairs(n: int) -> int:
    return n * (n - 1) // 2


def load_labels(folder: Path) -> dict[tuple[str, int], tuple[int, str, str]]:
    out = {}
    lines = (folder / "labels.tsv").read_text(encoding="utf-8").splitlines()
    for ln in lines[1:]:
        path, line, work, category, variation = ln.split("\t")
        out[(str(folder / path), int(line))] = (int(work), category, variation)
    return out


def score(folder: Path, show_errors: int = 0, policy: DedupePolicy | None = None) -> dict[str, object]:
    labels = load_labels(folder)
    options = Options()
    start = time.perf_counter()
    entries = read([folder], options)
    entries.sort(key=lambda e: e.origin)
    groups = cluster(entries, policy or DedupePolicy())
    seconds = time.perf_counter() - start
    truth = []
    for e in entries:
        key = (e.origin.path, e.origin.line)
        if key not in labels:
            raise SystemExit(f"{e.origin}: record without a label (reader and generator disagree)")
        truth.append(labels[key])
    if len(entries) != len(labels):
        print(f"   ! {folder}: read {len(entries)} records, labels.tsv has {len(labels)}", file=sys.stderr)
    # Contingency table (predicted cluster, true work) -> count.
    cell: Counter[tuple[int, int]] = Counter()
    pred_size: Counter[int] = Counter()
    true_size: Counter[int] = Counter()
    for c, members in enumerate(groups):
        for i in members:
            w = truth[i][0]
            cell[(c, w)] += 1
            pred_size[c] += 1
            true_size[w] += 1
    tp = sum(pairs(n) for n in cell.values())
    predicted = sum(pairs(n) for n in pred_size.values())
    actual = sum(pairs(n) for n in true_size.values())
    wrong_by_cat: Counter[str] = Counter()
    missed_by_var: Counter[str] = Counter()
    wrong_examples: list[str] = []
    hard_merges = 0
    for members in groups:
        works = Counter(truth[i][0] for i in members)
        if len(works) > 1:
            cats = "+".join(sorted({truth[i][1] for i in members}))
            sizes = list(works.values())
            bad = pairs(sum(sizes)) - sum(pairs(s) for s in sizes)
            wrong_by_cat[cats] += bad
            if "hn-" in cats:
                hard_merges += bad
            if len(wrong_examples) < show_errors:
                wrong_examples.append(" | ".join(f"{entries[i].title!r} [{truth[i][0]}]" for i in members[:4]))
    cluster_of = {}
    for c, members in enumerate(groups):
        for i in members:
            cluster_of[i] = c
    by_work: dict[int, list[int]] = {}
    for i, t in enumerate(truth):
        by_work.setdefault(t[0], []).append(i)
    missed_examples: list[str] = []
    for w, members in by_work.items():
        split = Counter(cluster_of[i] for i in members)
        if len(split) > 1:
            for i in members:
                if split[cluster_of[i]] < max(split.values()) or (split[cluster_of[i]] == max(split.values()) and cluster_of[i] != max(split, key=lambda c: (split[c], -c))):
                    missed_by_var[f"{truth[i][1]}/{truth[i][2]}"] += 1
            if len(missed_examples) < show_errors:
                missed_examples.append(" | ".join(f"{entries[i].title!r} ({entries[i].kind.value})" for i in members[:4]))
    return {
        "records": len(entries),
        "works": len(by_work),
        "clusters": len(groups),
        "true_pairs": actual,
        "predicted_pairs": predicted,
        "correct_pairs": tp,
        "precision": tp / predicted if predicted else 1.0,
        "recall": tp / actual if actual else 1.0,
        "seconds": seconds,
        "hard_merges": hard_merges,
        "wrong_by_category": wrong_by_cat,
        "missed_by_variation": missed_by_var,
        "wrong_examples": wrong_examples,
        "missed_examples": missed_examples,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000], help="author-page record counts")
    ap.add_argument("--bib-sizes", type=int, nargs="*", default=[10_000, 100_000], help=".bib entry counts")
    ap.add_argument("--hard-sizes", type=int, nargs="*", default=[10_000, 100_000], help="hard-negative corpus entry counts")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--errors", type=int, default=0, help="print this many wrong merges and missed pairs")
    args = ap.parse_args()
    print("pairwise precision and recall of the dedupe (ground truth: the generator's work ids)")
    print(f"| {'corpus':<22} | {'records':>9} | {'works':>8} | {'true pairs':>10} | {'predicted':>10} | {'precision':>9} | {'recall':>7} | {'hard-negative merges':>20} | {'read+dedupe s':>13} |")
    print(f"|{'-' * 24}|{'-' * 11}|{'-' * 10}|{'-' * 12}|{'-' * 12}|{'-' * 11}|{'-' * 9}|{'-' * 22}|{'-' * 15}|")
    runs = ([("author pages", "authorpage", n) for n in args.sizes] + [(".bib", "bib", n) for n in args.bib_sizes]
            + [("hard negatives", "hard", n) for n in args.hard_sizes])
    details = []
    for label, fmt, n in runs:
        policy = DedupePolicy(within_file=True) if fmt == "bib" else DedupePolicy()
        s = score(corpus(n, fmt, args.seed), args.errors, policy)
        details.append((label, n, s))
        print(f"| {label + f' seed {args.seed}':<22} | {s['records']:>9,d} | {s['works']:>8,d} | {s['true_pairs']:>10,d} | "
              f"{s['predicted_pairs']:>10,d} | {s['precision']:>9.5f} | {s['recall']:>7.5f} | {s['hard_merges']:>20,d} | {s['seconds']:>13.1f} |", flush=True)
    for label, n, s in details:
        if s["wrong_by_category"] or s["missed_by_variation"]:
            print(f"\n{label} {n:,d}: wrong pairs by category {dict(s['wrong_by_category'].most_common())}")
            print(f"{label} {n:,d}: records split off their work, by category/variation {dict(s['missed_by_variation'].most_common())}")
        for ex in s["wrong_examples"]:
            print("  wrong merge:", ex)
        for ex in s["missed_examples"]:
            print("  missed:     ", ex)


if __name__ == "__main__":
    main()
