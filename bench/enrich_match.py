"""Precision and recall of the enrichment accept rule on a labelled set.

Candidates are the records of the recorded real responses in
tests/data/enrich (arXiv, Crossref, DBLP, OpenAlex, Semantic Scholar) plus hard
negatives written here (Gemma / Gemma 2 / Gemma 3, "Deep Learning" papers by
other people, "Introduction" chapters, Part I / Part II, the same title years
apart). Queries imitate what bibgen has when it looks a work up:

* positives: the record's own title (lower-cased, punctuation changed, or one
  letter dropped) with one or all of its authors' surnames, with or without
  the year — the record is in the candidate list and must be found;
* negatives: the same titles with a different number or part marker, with an
  author the record does not have, or with a year three years off; and the
  hard negatives' lookalikes — the true record is *not* in the list, so any
  accepted match is wrong.

Run: ``python bench/enrich_match.py`` (prints the figures; exit 1 when
precision drops below 0.99).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from bibgen.enrich.match import Candidate, Subject, decide  # noqa: E402
from bibgen.enrich.providers import arxiv, crossref, dblp, openalex, semanticscholar  # noqa: E402
from bibgen.normalize import parse_name, person_family, title_tokens  # noqa: E402
from rapidfuzz import fuzz  # noqa: E402

DATA = ROOT / "tests" / "data" / "enrich"
PARSERS = {"arxiv": arxiv.parse, "crossref": crossref.parse, "dblp": dblp.parse, "openalex": openalex.parse, "s2": semanticscholar.parse}


def pools() -> list[tuple[str, list[Candidate]]]:
    out = []
    for path in sorted(DATA.glob("*.json")):
        rec = json.loads(path.read_text("utf-8"))
        if rec["status"] != 200:
            continue
        cands = PARSERS[path.name.split("-")[0]](rec["body"].encode("utf-8"))
        if cands:
            out.append((path.name, cands))
    return out


def c(title: str, authors: list[str], year: str, rid: str, venue: str = "") -> Candidate:
    return Candidate("hard", rid, title, tuple(parse_name(a) for a in authors), year, container=venue)


HARD = [
    c("Gemma: Open Models Based on Gemini Research and Technology", ["Gemma Team", "Mesnard, Thomas", "Kavukcuoglu, Koray"], "2024", "g1"),
    c("Gemma 2: Improving Open Language Models at a Practical Size", ["Gemma Team", "Riviere, Morgane", "Kavukcuoglu, Koray"], "2024", "g2"),
    c("Gemma 3 Technical Report", ["Gemma Team", "Kamath, Aishwarya", "Kavukcuoglu, Koray"], "2025", "g3"),
    c("Deep learning", ["LeCun, Yann", "Bengio, Yoshua", "Hinton, Geoffrey"], "2015", "dl-nature", "Nature"),
    c("Deep Learning", ["Chen, Xue-Wen", "Lin, Xiaotong"], "2014", "dl-kdd", "KDD"),
    c("Deep Learning", ["Goodfellow, Ian", "Bengio, Yoshua", "Courville, Aaron"], "2016", "dl-book", "MIT Press"),
    c("Introduction", ["Smith, John"], "2010", "intro-1", "Handbook of Testing"),
    c("Introduction", ["Meyer, Anna"], "2019", "intro-2", "Advances in Ecology"),
    c("Reinforcement Learning: Part I", ["Sutton, Richard"], "1998", "rl-1"),
    c("Reinforcement Learning: Part II", ["Sutton, Richard"], "1999", "rl-2"),
    c("Neural Ordinary Differential Equations", ["Chen, Ricky", "Duvenaud, David"], "2018", "node-2018"),
]

# (query, the true record id or None when the true record is absent)
HARD_QUERIES = [
    (Subject("Gemma 3 Technical Report", ("kavukcuoglu",)), "g3"),
    (Subject("Gemma 2: Improving Open Language Models at a Practical Size", ("kavukcuoglu",)), "g2"),
    (Subject("Gemma: Open Models Based on Gemini Research and Technology", ("kavukcuoglu",)), "g1"),
    (Subject("Gemma 4 Technical Report", ("kavukcuoglu",)), None),
    (Subject("Gemma 2 Technical Report", ("kavukcuoglu",)), None),
    (Subject("Deep Learning", ("bengio",)), None),  # Nature paper or the book? Nothing says which.
    (Subject("Deep Learning", ("hinton",), 2015), "dl-nature"),
    (Subject("Deep Learning", ("courville",), 2016), "dl-book"),
    (Subject("Deep Learning"), None),
    (Subject("Deep Learning", ("kavukcuoglu",)), None),
    (Subject("Introduction", ("smith",)), None),
    (Subject("Introduction", ("smith",), 2010), "intro-1"),
    (Subject("Introduction", ("jones",), 2010), None),
    (Subject("Reinforcement Learning: Part II", ("sutton",)), "rl-2"),
    (Subject("Reinforcement Learning: Part III", ("sutton",)), None),
    (Subject("Neural Ordinary Differential Equations", ("duvenaud",), 2024), None),
    (Subject("Neural Ordinary Differential Equations", ("duvenaud",), 2018), "node-2018"),
]


def surnames(cand: Candidate) -> tuple[str, ...]:
    return tuple(s for p in cand.authors if (s := person_family(p)))


def queries(pool: list[Candidate]):
    """(category, subject, true record id or None)."""
    for i, cand in enumerate(pool):
        names = surnames(cand)
        year = int(cand.year) if cand.year.isdigit() else None
        title = cand.title
        if len(title) < 8:
            continue
        one = (names[i % len(names)],) if names else ()
        yield "page-style (title, one author)", Subject(title.lower().rstrip("."), one), cand.record_id
        yield "title, all authors, year", Subject(title.replace(":", " -"), tuple(sorted(names)), year), cand.record_id
        dropped = title[: len(title) // 2] + title[len(title) // 2 + 1 :]
        yield "typo, one author, year", Subject(dropped, one, year), cand.record_id
        yield "neg: number added", Subject(title + " 2", one, year), None
        yield "neg: part marker added", Subject(title + ", Part II", one, year), None
        yield "neg: author not on record", Subject(title, ("zyxwvutsrq",), year), None
        if year is not None:
            yield "neg: year three off", Subject(title, one, year + 3), None


def main() -> int:
    counts: Counter[tuple[str, str]] = Counter()
    wrong: list[str] = []
    missed: list[str] = []

    base: Counter[str] = Counter()

    def baseline(subject: Subject, truth: str | None, cands: list[Candidate]) -> None:
        """What title-only tools do: take the most similar title when it is similar enough."""
        best = max(cands, key=lambda c: fuzz.ratio(subject.folded_title, " ".join(title_tokens(c.title))))
        ok = fuzz.ratio(subject.folded_title, " ".join(title_tokens(best.title))) >= 90
        if truth is not None:
            base["pos"] += 1
        if ok:
            base["tp" if best.record_id == truth else "fp"] += 1

    def judge(category: str, subject: Subject, truth: str | None, cands: list[Candidate]) -> None:
        baseline(subject, truth, cands)
        d = decide(subject, cands)
        got = d.best.candidate.record_id if d.best else None
        if truth is not None:
            counts[(category, "positives")] += 1
        if got is None:
            counts[(category, "left")] += 1
        elif got == truth:
            counts[(category, "tp")] += 1
        else:
            counts[(category, "fp")] += 1
            wrong.append(f"{category}: {subject.title!r} -> {got}")
        if truth is not None and got != truth:
            missed.append(f"{category}: {subject.title!r} {subject.surnames} {subject.year}: {d.status}: {d.reason[:100]}")

    for name, pool in pools():
        cands = pool + HARD
        for category, subject, truth in queries(pool):
            # A negative query whose record is absent: remove it from the list.
            judge(category, subject, truth, cands)

    everything = [c for _, pool in pools() for c in pool] + HARD
    for subject, truth in HARD_QUERIES:
        judge("hard negatives and traps", subject, truth, everything)
    cats = sorted({k[0] for k in counts})
    print(f"{'category':34} {'queries':>7} {'accepted':>8} {'right':>6} {'wrong':>6} {'recall':>7}")
    tot = Counter()
    for cat in cats:
        q = counts[(cat, "tp")] + counts[(cat, "fp")] + counts[(cat, "left")]
        pos = counts[(cat, "positives")]
        tp, fp = counts[(cat, "tp")], counts[(cat, "fp")]
        tot.update({"q": q, "pos": pos, "tp": tp, "fp": fp})
        rec = f"{tp / pos:.3f}" if pos else "-"
        print(f"{cat:34} {q:7} {tp + fp:8} {tp:6} {fp:6} {rec:>7}")
    precision = tot["tp"] / (tot["tp"] + tot["fp"]) if tot["tp"] + tot["fp"] else 1.0
    recall = tot["tp"] / tot["pos"] if tot["pos"] else 0.0
    print(f"\n{tot['q']} queries, {tot['pos']} with the true record among the candidates")
    print(f"precision {precision:.4f} ({tot['tp']} right, {tot['fp']} wrong accepted matches)")
    print(f"recall    {recall:.4f} ({tot['tp']} of {tot['pos']} true records found)")
    bp = base["tp"] / (base["tp"] + base["fp"]) if base["tp"] + base["fp"] else 1.0
    print(f"\nbaseline, title only (best rapidfuzz ratio >= 90, as title-matching tools do):")
    print(f"precision {bp:.4f} ({base['tp']} right, {base['fp']} wrong)   recall {base['tp'] / base['pos']:.4f}")
    print(f"wrong matches: bibgen {tot['fp']}, title-only {base['fp']}")
    for w in wrong[:20]:
        print("  wrong:", w)
    if "-v" in sys.argv:
        for m in missed:
            print("  missed:", m)
    return 0 if precision >= 0.99 else 1


if __name__ == "__main__":
    sys.exit(main())
