"""A seeded .bib corpus whose values look like real exports (Zotero, arXiv, DBLP).

    python bench/realistic_bib.py --records 10000 --seed 1 --out bench/out/realistic-10000-seed1

The works, their duplicates and the hard negatives are those of
``bench/corpus.py --format bib`` (same seed, same records, ``labels.tsv``
beside the file); what changes is how the values are written. Each record is
exported by one of three tools, and each tool writes LaTeX its own way:

* Zotero (45% of records; Better BibTeX conventions): abstracts in most
  records; specials escaped (``\\%``, ``\\&``, ``\\_``, ``\\#``, ``\\$``),
  ``~`` as ``{\\textasciitilde}``, accents as ``{\\"o}`` / ``{\\'e}``, capitalised
  words in titles braced (``{GPU}``), inline math kept (``$\\tilde{O}(\\sqrt{T})$``),
  ``url``, ``urldate``, ``keywords``, ``langid``, ``file``.
* arXiv / author-written (35%): abstracts with inline math, ``\\emph{}``,
  ``\\textit{}``, ``\\url{}``, ties (``Fig.~2``), ````quotes''``, ``--`` ranges,
  accents as ``\\'e``, ``\\"{o}`` or UTF-8, ``eprint``/``archiveprefix``.
* DBLP (20%): no abstract; accents as ``{\\"{o}}``, ``timestamp``, ``biburl``,
  ``bibsource``, ``url``, ``doi``.

Abstracts are 1-3 KB. Per abstract (Zotero and arXiv records, which are the
ones that have abstracts), roughly: inline math 35% (one to four spans),
a percentage ``\\%`` 20%, ``\\&`` 5%, ``{\\textasciitilde}`` or ``~`` 5%,
an accented name 8%, an en dash range 8%, a URL 12%, an emphasised phrase 6%,
a braced acronym 25%: the shares seen in arXiv cs.LG abstracts and in
Zotero/Better BibTeX exports of them. Output depends on ``--records`` and
``--seed`` only.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus as base  # noqa: E402  (bench/corpus.py: works, duplicates, labels)

_MATH = [
    r"\tilde{O}(\sqrt{T})", r"O(n \log n)", r"\epsilon", r"\ell_1", r"\mathcal{O}(1/\epsilon^2)", "k", "n^{2/3}",
    r"\mathbb{R}^d", r"\frac{1}{2}", r"\|x\|_2", r"\Omega(\sqrt{dT})", "p < 0.05", r"\alpha", r"\{0,1\}^n",
    r"O(d^{3/2}\sqrt{T})", r"\mathbf{x} \in \mathbb{R}^{n}", r"\lambda_{\max}", r"\sim", r"\times", "1-\\delta",
    r"\sqrt{n}", r"L_2", r"\theta^\star", r"\widetilde{O}(H^2 \sqrt{SAK})", r"k \ge 2", r"\log(1/\delta)",
    r"\mathrm{poly}(d)", r"\text{KL}(p \| q)", "T", r"\beta", r"x_{t+1} = x_t - \eta \nabla f(x_t)",
]
_ACRONYMS = ["GPU", "BERT", "LLM", "ImageNet", "CIFAR-10", "ResNet", "GAN", "MCMC", "SGD", "PAC", "RL", "NLP",
             "COCO", "GPT-4", "LSTM", "CNN", "ViT", "MNIST", "TPU", "SAT"]
_NAMES = ["Schrödinger", "Pólya", "Erdős", "Fréchet", "Lévy", "Gödel", "Poincaré", "Hölder", "Cramér", "Kähler",
          "naïve", "Łojasiewicz", "Müntz", "Ångström", "Sinkhorn–Knopp"]
_ZOTERO_ACCENT = {"ö": r"{\"o}", "ó": r"{\'o}", "é": r"{\'e}", "è": r"{\`e}", "ő": r"{\H o}", "á": r"{\'a}",
                  "ä": r"{\"a}", "ï": r"{\"i}", "ü": r"{\"u}", "Ł": r"{\L}", "Å": r"{\AA}", "ç": r"{\c c}",
                  "ø": r"{\o}", "ñ": r"{\~n}", "ł": r"{\l}", "č": r"{\v c}", "ë": r"{\"e}", "í": r"{\'i}",
                  "ú": r"{\'u}", "ß": r"{\ss}", "å": r"{\aa}", "Ö": r"{\"O}", "É": r"{\'E}", "–": "--", "—": "---"}
_ARXIV_ACCENT = {"ö": r"\"{o}", "ó": r"\'o", "é": r"\'e", "è": r"\`e", "ő": r"\H{o}", "á": r"\'a",
                 "ä": r"\"a", "ï": r"\"{\i}", "ü": r"\"u", "Ł": r"\L{}", "Å": r"\AA{}", "ç": r"\c{c}",
                 "ø": r"{\o}", "ñ": r"\~n", "ł": r"{\l}", "č": r"\v{c}", "ë": r"\"e", "í": r"\'{\i}",
                 "ú": r"\'u", "ß": r"{\ss}", "å": r"{\aa}", "Ö": r"\"O", "É": r"\'E", "–": "--", "—": "---"}


def _dblp_accent(v: str) -> str:
    """DBLP braces the accented letter too: {\\"o} -> {\\"{o}}, {\\H o} -> {\\H{o}}; {\\o} stays."""
    if v.startswith("{\\") and v.endswith("}") and len(v) >= 5 and not v[2:4].isalpha():
        body = v[1:-1]  # \"o or \H o
        return "{" + body[:2] + "{" + body[2:].strip() + "}}"
    return v


_DBLP_ACCENT = {k: _dblp_accent(v) for k, v in _ZOTERO_ACCENT.items()}
_ZOTERO_SPECIALS = {"%": r"\%", "&": r"\&", "_": r"\_", "#": r"\#", "$": r"\$", "~": r"{\textasciitilde}"}
_ARXIV_SPECIALS = {"%": r"\%", "&": r"\&", "_": r"\_", "#": r"\#", "$": r"\$", "~": r"$\sim$"}


class Abstract:
    """One work's abstract as segments: (kind, text), rendered differently by each exporter."""

    def __init__(self, rng: random.Random, title: str) -> None:
        target = rng.randint(1000, 3000)
        segs: list[tuple[str, str]] = [("t", f"We study {title.lower()}. ")]
        size = len(segs[0][1])
        has = {k: rng.random() < p for k, p in
               (("math", 0.35), ("pct", 0.20), ("amp", 0.05), ("tilde", 0.05), ("name", 0.08), ("range", 0.08),
                ("url", 0.12), ("emph", 0.06), ("acr", 0.25), ("quote", 0.03))}
        extras: list[str] = [k for k, v in has.items() if v]
        if has["math"]:
            extras += ["math"] * rng.randint(0, 3)
        rng.shuffle(extras)
        while size < target:
            words = " ".join(rng.choice(base._WORDS) for _ in range(rng.randint(8, 22)))
            verb = rng.choice(["We propose", "We show that", "Our method", "Experiments on", "We prove that",
                               "In contrast to prior work,", "This yields", "We introduce"])
            sentence = f"{verb} {words}"
            segs.append(("t", sentence))
            if extras and rng.random() < 0.5:
                kind = extras.pop()
                if kind == "math":
                    segs += [("t", " with "), ("m", rng.choice(_MATH)), ("t", " regret")]
                elif kind == "pct":
                    segs.append(("t", f", improving accuracy by {rng.randint(1, 40)}.{rng.randint(0, 9)}% over the baseline"))
                elif kind == "amp":
                    segs.append(("t", " on the Wisdom & Wellness benchmark"))
                elif kind == "tilde":
                    segs.append(("t", f" with ~{rng.randint(2, 90)}k parameters"))
                elif kind == "name":
                    segs.append(("t", f" using the {rng.choice(_NAMES)} inequality"))
                elif kind == "range":
                    segs.append(("t", f" (pages {rng.randint(1, 50)}–{rng.randint(51, 99)})"))
                elif kind == "url":
                    segs += [("t", ". Code is available at "),
                             ("url", f"https://github.com/lab-{rng.randint(1, 999)}/{rng.choice(base._WORDS)}_{rng.choice(base._WORDS)}")]
                elif kind == "emph":
                    segs += [("t", " and "), ("emph", f"{rng.choice(base._WORDS)} {rng.choice(base._WORDS)}")]
                elif kind == "acr":
                    segs += [("t", " on "), ("acr", rng.choice(_ACRONYMS))]
                elif kind == "quote":
                    segs += [("t", " called "), ("quote", rng.choice(base._WORDS))]
            segs.append(("t", ". "))
            size = sum(len(t) for _, t in segs)
        self.segments = segs

    def render(self, tool: str) -> str:
        accents = _ZOTERO_ACCENT if tool == "zotero" else _ARXIV_ACCENT
        specials = _ZOTERO_SPECIALS if tool == "zotero" else _ARXIV_SPECIALS
        out: list[str] = []
        for kind, text in self.segments:
            if kind == "t":
                if tool == "arxiv" and "%" not in text and "~" not in text:
                    text = text.replace(" (pages ", "~(pages ")
                out.append("".join(accents.get(c) or specials.get(c) or c for c in text))
            elif kind == "m":
                out.append(f"${text}$")
            elif kind == "url":
                out.append(text.replace("_", r"\_") if tool == "zotero" else rf"\url{{{text}}}")
            elif kind == "emph":
                out.append(rf"\textit{{{text}}}" if tool == "zotero" else rf"\emph{{{text}}}")
            elif kind == "acr":
                out.append("{" + text + "}")
            elif kind == "quote":
                out.append(f"``{text}''" if tool == "arxiv" else f"“{text}”")
        return "".join(out).strip()


def _brace_capitals(title: str) -> str:
    if title.startswith("{") and title.endswith("}"):
        return "{" + _brace_capitals(title[1:-1]) + "}"
    return " ".join("{" + w + "}" if any(c.isupper() for c in w[1:]) and not any(c in w for c in "\\{}$") else w
                    for w in title.split(" "))


def realistic_entries(records: int, seed: int) -> list[tuple[base.Work, str, dict[str, str], str]]:
    """(work, type, fields, variation) as in bench/corpus.py, with values as real exporters write them."""
    entries = base.bib_corpus(records, seed)
    rng = random.Random(seed + 7)
    abstracts: dict[int, Abstract] = {}
    for w, etype, fields, how in entries:
        tool = rng.choices(["zotero", "arxiv", "dblp"], weights=[45, 35, 20])[0]
        title = fields["title"]
        if tool == "zotero":
            fields["title"] = _brace_capitals(title)
        elif tool == "dblp":
            fields["title"] = "".join(_DBLP_ACCENT.get(c, c) for c in title)
        fields.pop("abstract", None)
        if tool != "dblp" and rng.random() < 0.85:
            a = abstracts.get(w.id)
            if a is None:
                a = abstracts[w.id] = Abstract(rng, w.title)
            fields["abstract"] = "{" + a.render(tool) + "}"
        wr = random.Random(w.id * 7919 + seed)  # what one tool says about a work is the same in every copy it exports
        ident = f"{w.id}-{wr.randint(0, 10**6)}"
        if tool == "zotero":
            fields["url"] = f"https://example.org/paper/{ident}"
            fields["urldate"] = f"2024-{wr.randint(1, 12):02d}-{wr.randint(1, 28):02d}"
            fields["langid"] = "english"
            if wr.random() < 0.6:
                fields["file"] = f"Full Text PDF:/home/user/Zotero/storage/{ident.upper()}/paper.pdf:application/pdf"
            if rng.random() < 0.5:
                fields["keywords"] = ", ".join(rng.sample(["Computer Science - Machine Learning", "Statistics - Machine Learning",
                                                           "Computer Science - Artificial Intelligence", "deep learning", "theory"], 2))
        elif tool == "dblp":
            fields["url"] = f"https://dblp.org/rec/journals/corr/abs-{ident}"
            fields["timestamp"] = f"Mon, {wr.randint(1, 28):02d} Mar 2023 10:{wr.randint(10, 59)}:00 +0100"
            fields["biburl"] = f"https://dblp.org/rec/journals/corr/abs-{ident}.bib"
            fields["bibsource"] = "dblp computer science bibliography, https://dblp.org"
        else:
            if "eprint" not in fields and rng.random() < 0.7:
                fields["eprint"] = f"{w.year % 100:02d}{rng.randint(1, 12):02d}.{w.id:05d}"
                fields["archiveprefix"] = "arXiv"
    return entries


def write(folder: Path, records: int, seed: int) -> int:
    entries = realistic_entries(records, seed)
    rng = random.Random(seed + 2)
    rng.shuffle(entries)
    labels = ["path\tline\twork\tcategory\tvariation"]
    chunks = ["@string{nips = {Advances in Neural Information Processing Systems}}\n\n"]
    line = 3
    for i, (w, etype, fields, how) in enumerate(entries):
        stem = base.strip_accents((w.authors[0].family or "anon").split(" ")[-1].lower())
        key = "".join(c for c in f"{stem}{fields['year']}{i}" if c.isascii() and (c.isalnum() or c in "_-:"))
        labels.append(f"corpus.bib\t{line}\t{w.id}\t{w.category}\t{how}")
        body = [f"@{etype}{{{key},"]
        for name, value in fields.items():
            if name == "booktitle" and value == "Advances in Neural Information Processing Systems" and rng.random() < 0.5:
                body.append(f"  {name} = nips,")
            elif name in ("year", "volume", "number") and value.isdigit() and rng.random() < 0.5:
                body.append(f"  {name} = {value},")
            elif name in ("title", "abstract"):  # already braced
                body.append(f"  {name} = {value},")
            else:
                body.append(f"  {name} = {{{value}}},")
        body.append("}")
        chunks.append("\n".join(body) + "\n\n")
        line += len(body) + 1
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "corpus.bib").write_text("".join(chunks), encoding="utf-8")
    (folder / "labels.tsv").write_text("\n".join(labels) + "\n", encoding="utf-8")
    return len(entries)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--records", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    n = write(args.out, args.records, args.seed)
    print(f"realistic corpus: {n} .bib records in {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
