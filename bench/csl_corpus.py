"""Seeded, varied CSL-JSON items for the CSL engine's benchmark and agreement checks."""

from __future__ import annotations

import random

GIVEN = ["John", "Mary", "Min-jun", "Jean-Paul", "Ana María", "Wei", "Aäron", "J. R. R.", "Olga",
         "Hans-Peter", "Sofía", "Yuki", "Ravi", "Chloé", "Ludwig", "Priya", "Tom", "Eun-ji", "Kai"]
FAMILY = ["Smith", "Kim", "Sartre", "García Márquez", "Zhang", "Tolkien", "Ivanova", "Müller",
          "Tanaka", "Patel", "Dubois", "Nguyen", "O'Brien", "Lee", "Jones", "Rossi", "Okafor"]
PARTICLE = [("van den", "Oord"), ("de", "Gaulle"), ("von", "Neumann"), ("van", "Gogh"), ("da", "Silva")]
WORDS = ("deep learning for the analysis of large graphs in practice a study on neural networks "
         "and their applications to vision language models with sparse attention via memory "
         "toward robust inference under distribution shift of molecular dynamics").split()
JOURNALS = ["Nature", "Journal of Machine Learning Research", "Physical Review Letters",
            "IEEE Transactions on Pattern Analysis and Machine Intelligence", "Cell",
            "The Astrophysical Journal", "Proceedings of the National Academy of Sciences"]
PUBLISHERS = [("MIT Press", "Cambridge, MA"), ("Springer", "Berlin"), ("O'Reilly Media", "Sebastopol, CA"),
              ("Oxford University Press", "Oxford"), ("Wiley", "Hoboken, NJ")]
TYPES = ["article-journal"] * 5 + ["book", "chapter", "paper-conference", "paper-conference",
                                   "report", "thesis", "webpage"]


def _name(rng: random.Random) -> dict:
    r = rng.random()
    if r < 0.08:
        ndp, fam = rng.choice(PARTICLE)
        return {"family": fam, "given": rng.choice(GIVEN), "non-dropping-particle": ndp}
    if r < 0.1:
        return {"literal": rng.choice(["World Health Organization", "ATLAS Collaboration"])}
    if r < 0.12:
        return {"family": rng.choice(FAMILY), "given": rng.choice(GIVEN), "suffix": "Jr."}
    return {"family": rng.choice(FAMILY), "given": rng.choice(GIVEN)}


def _title(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    t = " ".join(words)
    t = t[0].upper() + t[1:]
    if rng.random() < 0.2:
        t += ": " + " ".join(rng.choice(WORDS) for _ in range(3))
    if rng.random() < 0.05:
        t += " of <i>E. coli</i>"
    if rng.random() < 0.05:
        t += "?"
    return t


def make_items(n: int, seed: int = 1) -> list[dict]:
    """``n`` varied CSL-JSON items (deterministic for a seed)."""
    rng = random.Random(seed)
    items = []
    for i in range(n):
        typ = rng.choice(TYPES)
        k = rng.choice([1, 1, 2, 2, 3, 3, 4, 5, 6, 8, 12, 25])
        authors = [_name(rng) for _ in range(k)]
        if rng.random() < 0.05:
            authors.append({"literal": "others"})
        item: dict = {"id": f"item{i}", "type": typ, "author": authors,
                      "title": _title(rng, rng.randint(3, 10))}
        y = rng.randint(1950, 2025)
        r = rng.random()
        if r < 0.6:
            item["issued"] = {"date-parts": [[y]]}
        elif r < 0.8:
            item["issued"] = {"date-parts": [[y, rng.randint(1, 12)]]}
        elif r < 0.97:
            item["issued"] = {"date-parts": [[y, rng.randint(1, 12), rng.randint(1, 28)]]}
        if typ == "article-journal":
            item["container-title"] = rng.choice(JOURNALS)
            item["volume"] = str(rng.randint(1, 300))
            if rng.random() < 0.7:
                item["issue"] = str(rng.randint(1, 12))
            p = rng.randint(1, 2000)
            item["page"] = f"{p}-{p + rng.randint(1, 40)}" if rng.random() < 0.9 else str(p)
            if rng.random() < 0.7:
                item["DOI"] = f"10.{rng.randint(1000, 9999)}/j.{rng.randint(1, 99999)}"
        elif typ in ("book", "report", "thesis"):
            pub, place = rng.choice(PUBLISHERS)
            item["publisher"] = pub
            item["publisher-place"] = place
            if typ == "book" and rng.random() < 0.3:
                item["edition"] = str(rng.randint(2, 5))
            if typ == "report":
                item["number"] = f"TR-{rng.randint(1, 999)}"
            if typ == "thesis":
                item["genre"] = "PhD thesis"
        elif typ == "chapter":
            item["container-title"] = _title(rng, 4)
            item["editor"] = [_name(rng) for _ in range(rng.randint(1, 3))]
            pub, place = rng.choice(PUBLISHERS)
            item["publisher"] = pub
            item["publisher-place"] = place
            p = rng.randint(1, 500)
            item["page"] = f"{p}-{p + rng.randint(5, 30)}"
        elif typ == "paper-conference":
            item["container-title"] = "Proceedings of the " + rng.choice(
                ["International Conference on Machine Learning", "IEEE Conference on Computer Vision"])
            p = rng.randint(1, 9000)
            item["page"] = f"{p}-{p + rng.randint(5, 12)}"
            if rng.random() < 0.5:
                item["publisher"] = "PMLR"
        elif typ == "webpage":
            item["URL"] = f"https://example.org/page/{rng.randint(1, 10**6)}"
            item["container-title"] = "Example Blog"
            item["accessed"] = {"date-parts": [[2024, rng.randint(1, 12), rng.randint(1, 28)]]}
        if rng.random() < 0.1 and "URL" not in item:
            item["URL"] = f"https://arxiv.org/abs/{rng.randint(1000, 2400)}.{rng.randint(10000, 99999)}"
        items.append(item)
    return items
