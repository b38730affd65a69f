"""A seeded generator of realistic, labelled bibliographic corpora.

    python bench/corpus.py --records 100000 --seed 1 --out bench/out/c --format authorpage
    python bench/corpus.py --records 10000 --seed 1 --out bench/out/b --format bib

Works are invented first (title, complete author list, year, venue, abstract,
identifiers); records are then drawn from them, so every record carries the
id of the work it describes. That id is the ground truth that
``bench/quality.py`` scores the dedupe against.

``authorpage``: one "Collaborating Authors" page per page author (``pages/``).
A work appears on the pages of one to four of its authors, each copy with the
variations scraped pages have: case, punctuation (``:`` / ``—`` / ``--``),
a trailing full stop, doubled spaces, a one-letter typo in a long title,
accents dropped, a missing abstract, and a preprint on one page with its
published version (journal or proceedings source line) on another.

``bib``: one ``corpus.bib`` with complete author lists (particles, accents as
UTF-8 or LaTeX escapes, corporate names), math in titles, DOIs, arXiv ids,
and duplicates: preprint + published version (sharing an arXiv id or not),
re-typed copies with title variations and initials for given names.

Hard negatives (different works that must stay apart) are generated on
purpose and labelled by category: numbered and versioned titles (``Zorvex``,
``Zorvex 2``, ``Zorvex 1.5``), parts, volumes and editions (in the title, and
as ``edition``/``volume`` fields in the .bib), non-Latin titles that differ by
one word or character, and generic short titles (``Introduction``,
``Attention``) by different authors.

Besides the sources, ``labels.tsv`` maps every record (``path``, ``line`` of
its title or ``@`` line, relative to the output folder) to ``work`` and
``category``. Output depends on ``--records``, ``--seed`` and ``--format`` only.
"""

from __future__ import annotations

import argparse
import random
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

# ---------------------------------------------------------------- vocabulary

_WORDS = """
learning neural network networks deep reinforcement policy gradient optimization stochastic convex sparse
representation representations language model models vision transformer transformers attention graph graphs
kernel kernels bayesian inference variational generative adversarial diffusion score matching contrastive
self-supervised supervised semi-supervised unsupervised robust robustness adversarial certified verification
causal causality counterfactual fairness privacy differential federated distributed decentralized parallel
scalable efficient fast approximate exact optimal regret bandits bandit online offline continual lifelong
meta few-shot zero-shot transfer domain adaptation generalization invariance equivariant symmetry geometric
manifold riemannian hyperbolic spectral clustering embedding embeddings retrieval ranking recommendation
question answering reasoning planning search tree trees monte carlo sampling markov chain hamiltonian langevin
dynamics control systems stability convergence analysis theory bounds complexity sample estimation estimator
regression classification segmentation detection tracking recognition speech audio video image images
multimodal cross-modal alignment instruction tuning finetuning pretraining distillation compression pruning
quantization hardware memory benchmark benchmarks dataset datasets evaluation interpretability explanations
uncertainty calibration ensembles dropout normalization residual recurrent convolutional sequence sequences
tokens tokenization context long-context scaling laws emergent capabilities agents multi-agent cooperation
communication games equilibrium mechanism auction markets economics protein molecular chemistry materials
climate weather forecasting physics simulation fluid particle quantum circuits error correction codes
proteins genomics medical clinical health imaging radiology pathology robotics manipulation locomotion
navigation grasping perception mapping localization odometry lidar point cloud clouds mesh rendering neural
fields implicit surfaces shape pose human motion animation style music text summarization translation
dialogue conversational chat code program synthesis repair compilers verification theorem proving math
mathematical symbolic logic knowledge graphs ontologies databases queries streaming sketching hashing
""".split()
_CONNECT = ["for", "with", "via", "of", "in", "on", "under", "without", "beyond", "towards", "through"]
_LEADS = ["On", "Towards", "Revisiting", "Understanding", "Rethinking", "Learning", "Beyond", "Scaling", "Improving"]
_ACCENTED = ["Schrödinger", "Pólya", "Erdős", "Fréchet", "Lévy", "Gödel", "Poincaré", "Bézier", "Hölder",
             "Sinkhorn–Knopp", "Cramér", "Kähler", "naïve", "Müntz", "Ångström", "Łojasiewicz", "Dvoretzky"]
_MATH = [r"$\alpha$", r"$k$", r"$\ell_1$", r"$O(\sqrt{T})$", r"$\epsilon$", r"$L^2$", r"$n$", r"$\mathcal{O}(n \log n)$"]
_MODEL_SYLL = "zor vex kal ium bra nox tel ora quin fal dor spi rax lum ven tir gal cor mex pyr ath sol".split()
_VERSIONS = ["", " 2", " 3", " 1.5", " 2.5", " 4"]
_GENERIC = ["Introduction", "Attention", "Preface", "Editorial", "Conclusion", "Discussion", "Foreword",
            "Overview", "Perspectives", "Summary", "Afterword", "Commentary", "Reply", "Erratum"]
_ZH_A = ["深度学习", "机器学习", "强化学习", "迁移学习", "图神经网络", "知识图谱", "自然语言处理", "计算机视觉", "联邦学习", "大规模语言模型"]
_ZH_B = ["医学图像分析", "遥感图像分析", "推荐系统", "机器翻译", "语音识别", "自动驾驶", "金融风控", "蛋白质结构预测", "气象预报", "智能制造"]
_ZH_C = ["应用研究", "方法综述", "关键技术", "若干问题", "理论分析"]
_RU_A = ["Теория", "Методы", "Введение в теорию", "Основы", "Задачи"]
_RU_B = ["вероятностей", "игр", "чисел", "групп", "графов", "управления", "оптимизации", "обучения", "кодирования"]
_RU_C = ["и математическая статистика", "и их приложения", "в машинном обучении", "для инженеров", "и алгоритмы"]
_EL_A = ["Ιστορία της", "Εισαγωγή στη", "Θεωρία της", "Μέθοδοι της"]
_EL_B = ["αρχαίας", "νεότερης", "σύγχρονης", "κλασικής", "βυζαντινής"]
_EL_C = ["ελληνικής φιλοσοφίας", "ευρωπαϊκής μουσικής", "στατιστικής φυσικής", "αριθμητικής ανάλυσης"]

_GIVEN = ["Anna", "Ben", "Chen", "Daniel", "Elena", "François", "Gabriel", "Hana", "Ivan", "Júlia", "Kenji",
          "Laura", "Mohammed", "Nadia", "Oscar", "Priya", "Qiang", "Rafael", "Sofia", "Tomás", "Uma", "Viktor",
          "Wei", "Xavier", "Yuki", "Zoë", "Aäron", "Søren", "Łukasz", "Ngọc", "José María", "Jean-Luc"]
_FAMILY = ["Smith", "Wang", "Li", "Zhang", "Müller", "García", "Kim", "Nguyễn", "Rossi", "Kowalski", "Ivanov",
           "Dubois", "Tanaka", "Silva", "Novák", "Öztürk", "Johansson", "Papadopoulos", "Gupta", "Cohen",
           "O'Brien", "Schmidt", "Fernández", "Larsen", "Horváth", "Yılmaz", "Brown", "Okafor", "Haddad",
           "Sørensen", "Čapek", "Abebe", "Moreau", "Esposito", "Jansen", "Walsh", "Murphy", "Lefèvre", "Chowdhury"]
_PARTICLES = ["van der", "van", "de", "de la", "von", "di", "du", "van den", "dos", "al"]
_CORPORATE = ["{OpenAI}", "{DeepMind Team}", "{The ATLAS Collaboration}", "{World Health Organization}", "{Gemini Team}"]

_ARXIV_SUBJECTS = ["Machine Learning", "Artificial Intelligence", "Computation and Language",
                   "Computer Vision and Pattern Recognition", "Robotics", "Information Retrieval", "Sound"]
_CONFERENCES = ["Advances in Neural Information Processing Systems", "International Conference on Machine Learning",
                "Proceedings of the AAAI Conference on Artificial Intelligence", "CVPR", "ICLR", "EMNLP",
                "Proceedings of the Annual Meeting of the ACL", "Conference on Robot Learning", "KDD", "ICRA"]
_JOURNALS = ["Nature", "Journal of Machine Learning Research", "Transactions on Machine Learning Research",
             "IEEE Transactions on Pattern Analysis and Machine Intelligence", "Physical Review Letters",
             "Annals of Statistics", "Nature Machine Intelligence", "Science", "PLOS Computational Biology",
             "Neural Computation Letters", "Journal of Artificial Intelligence Research"]
_SEPARATORS = [": ", " — ", " -- ", " - ", ". ", ": "]

# Share of works per category (the rest are "plain" research papers).
CATEGORIES = {"version": 0.06, "part": 0.04, "nonlatin": 0.03, "generic": 0.03, "preprint": 0.12}


@dataclass
class Person:
    family: str
    given: str = ""
    particle: str = ""
    literal: str = ""

    def page_line(self) -> str:
        """``particle Family, Given`` as an author page's heading shows it."""
        if self.literal:
            return self.literal.strip("{}")
        last = f"{self.particle} {self.family}".strip()
        return f"{last}, {self.given}" if self.given else last


@dataclass
class Work:
    id: int
    category: str
    title: str
    authors: list[Person]
    year: int
    venue: str  # published venue; "" for arXiv only
    subject: str  # arXiv subject
    abstract: str
    arxiv: str = ""
    doi: str = ""
    edition: str = ""
    volume: str = ""
    copies: int = 1
    extra: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------- works


class Generator:
    """Invents works and their records; all randomness comes from one seeded RNG."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.next_id = 0
        self.arxiv_n = 0
        self.used_titles: set[str] = set()

    def person(self) -> Person:
        r = self.rng
        if r.random() < 0.01:
            return Person(family="", literal=r.choice(_CORPORATE))
        particle = r.choice(_PARTICLES) if r.random() < 0.08 else ""
        given = r.choice(_GIVEN)
        # Family names: base names with a numbered suffix so the pool is large.
        family = r.choice(_FAMILY) + ("" if r.random() < 0.3 else r.choice(["", "son", "ová", "ski", "er", "ez", "i"]))
        return Person(family=family, given=given, particle=particle)

    def phrase(self, n: int) -> str:
        return " ".join(self.rng.choice(_WORDS) for _ in range(n))

    def plain_title(self) -> str:
        r = self.rng
        while True:
            head = self.phrase(r.randint(2, 4))
            if r.random() < 0.3:
                head = r.choice(_LEADS) + " " + head
            tail = self.phrase(r.randint(2, 4))
            if r.random() < 0.5:
                title = f"{head} {r.choice(_CONNECT)} {tail}"
            else:
                title = f"{head}: {self.phrase(r.randint(2, 5))} {r.choice(_CONNECT)} {tail}"
            if r.random() < 0.08:
                title = title.replace(" ", f" {r.choice(_ACCENTED)} ", 1)
            if r.random() < 0.05:
                title = f"{title} with {r.choice(_MATH)} guarantees"
            title = _title_case(title) if r.random() < 0.6 else title[0].upper() + title[1:]
            key = "".join(c for c in title.casefold() if c.isalnum())
            if key not in self.used_titles:
                self.used_titles.add(key)
                return title

    def abstract(self, title: str) -> str:
        r = self.rng
        sentences = [f"We study {title.lower()}."]
        for _ in range(r.randint(3, 7)):
            s = f"We {r.choice(['propose', 'analyse', 'show', 'introduce', 'evaluate'])} {self.phrase(r.randint(6, 14))}"
            if r.random() < 0.15:
                s += f" with {r.choice(_MATH)} error"
            sentences.append(s + ".")
        return " ".join(sentences)

    def fresh_arxiv(self, w: Work) -> str:
        """An arXiv id no other work has, for the preprint copy of a work that was given none."""
        self.arxiv_n += 1
        return f"{(w.year % 100):02d}{w.id % 12 + 1:02d}.{self.arxiv_n:05d}"

    def work(self, category: str, title: str, authors: list[Person], **kw: object) -> Work:
        r = self.rng
        self.next_id += 1
        year = kw.pop("year", None) or r.randint(1995, 2025)
        venue = kw.pop("venue", None)
        if venue is None:
            venue = "" if r.random() < 0.45 else r.choice(_CONFERENCES + _JOURNALS)
        w = Work(
            id=self.next_id,
            category=category,
            title=title,
            authors=authors,
            year=int(year),  # type: ignore[arg-type]
            venue=str(venue),
            subject=r.choice(_ARXIV_SUBJECTS),
            abstract=str(kw.pop("abstract", None) or self.abstract(title)),
            **kw,  # type: ignore[arg-type]
        )
        if not w.venue or r.random() < 0.5:
            self.arxiv_n += 1
            w.arxiv = f"{(w.year % 100):02d}{r.randint(1, 12):02d}.{self.arxiv_n:05d}"
        if w.venue and r.random() < 0.8:
            w.doi = f"10.{r.randint(1000, 9999)}/bench.{w.id}"
        return w

    def authors(self, pool: list[Person], n: int | None = None) -> list[Person]:
        n = n or self.rng.choice([1, 2, 3, 3, 4, 5, 6, 8, 12])
        return self.rng.sample(pool, min(n, len(pool)))

    def works(self, n_works: int, pool: list[Person]) -> list[Work]:
        """``n_works`` works (hard-negative families included)."""
        r = self.rng
        out: list[Work] = []
        while len(out) < n_works:
            x = r.random()
            c = 0.0
            category = "plain"
            for name, share in CATEGORIES.items():
                c += share
                if x < c:
                    category = name
                    break
            if category == "version":
                # A model family: Zorvex, Zorvex 2, Zorvex 1.5, ... by largely the same team.
                name = ""
                while not name or name.casefold() in self.used_titles:
                    name = "".join(r.choice(_MODEL_SYLL) for _ in range(r.randint(2, 4))).capitalize()
                self.used_titles.add(name.casefold())  # one family per name: the same name is the same model
                team = self.authors(pool, r.randint(3, 8))
                rest = self.phrase(r.randint(2, 5))
                style = r.random()
                for v in r.sample(_VERSIONS, r.randint(2, 4)):
                    if style < 0.4:
                        title = f"{name}{v}"
                    elif style < 0.7:
                        title = f"{name}{v} Technical Report"
                    else:
                        title = _title_case(f"{name}{v}: {rest}")
                    out.append(self.work("version", title, r.sample(team, max(1, len(team) - 1)), venue=""))
            elif category == "part":
                base = _title_case(self.plain_title())
                team = self.authors(pool, r.randint(1, 3))
                kind = r.choice(["part", "volume", "edition", "roman"])
                for i in r.sample(range(1, 5), 2):
                    if kind == "part":
                        title = f"{base}, Part {_roman(i)}"
                    elif kind == "volume":
                        title = f"{base}, Volume {i}"
                    elif kind == "edition":
                        title = f"{base}" if i == 1 else f"{base}, {_ORD[i]} Edition"
                    else:
                        title = f"{base} {_roman(i + 1)}"
                    out.append(self.work("part", title, team, edition=str(i) if kind == "edition" else "",
                                         volume=str(i) if kind == "volume" else ""))
            elif category == "nonlatin":
                team = self.authors(pool, r.randint(1, 3))
                script = r.random()
                if script < 0.5:
                    a, b, c2 = r.choice(_ZH_A), r.sample(_ZH_B, 2), r.choice(_ZH_C)
                    titles = [f"{a}在{b[0]}中的{c2}", f"{a}在{b[1]}中的{c2}"]
                elif script < 0.8:
                    a, b, c2 = r.choice(_RU_A), r.sample(_RU_B, 2), r.choice(_RU_C)
                    titles = [f"{a} {b[0]} {c2}", f"{a} {b[1]} {c2}"]
                else:
                    a, b, c2 = r.choice(_EL_A), r.sample(_EL_B, 2), r.choice(_EL_C)
                    titles = [f"{a} {b[0]} {c2}", f"{a} {b[1]} {c2}"]
                for t in titles:
                    if t.casefold() in self.used_titles:
                        continue
                    self.used_titles.add(t.casefold())
                    out.append(self.work("nonlatin", t, team))
            elif category == "generic":
                # The same generic title by unrelated authors in unrelated venues.
                title = r.choice(_GENERIC)
                out.append(self.work("generic", title, self.authors(pool, r.randint(1, 3))))
            else:
                out.append(self.work(category, self.plain_title(), self.authors(pool)))
        return out[:n_works]


def _endless(g: Generator, pool: list[Person], records: int):  # type: ignore[no-untyped-def]
    """Works in batches until the caller has enough records."""
    while True:
        yield from g.works(max(100, records // 4), pool)


_ORD = {1: "First", 2: "Second", 3: "Third", 4: "Fourth", 5: "Fifth"}


def _roman(i: int) -> str:
    return ["", "I", "II", "III", "IV", "V", "VI"][i]


_SMALL = set(_CONNECT) | {"a", "an", "the", "and", "or", "to"}


def _title_case(text: str) -> str:
    words = text.split(" ")
    out = []
    for i, w in enumerate(words):
        if i and w in _SMALL:
            out.append(w)
        elif w and not w.startswith("$"):
            out.append(w[0].upper() + w[1:])
        else:
            out.append(w)
    return " ".join(out)


# ---------------------------------------------------------------- variations


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def typo(rng: random.Random, title: str) -> str:
    """One letter dropped, doubled or swapped in one long word (a real scraping/typing slip)."""
    words = title.split(" ")
    cands = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha() and w.isascii()]
    if not cands:
        return title
    i = rng.choice(cands)
    w = words[i]
    j = rng.randint(1, len(w) - 2)
    op = rng.random()
    if op < 0.4:
        w = w[:j] + w[j + 1 :]
    elif op < 0.7:
        w = w[:j] + w[j] + w[j:]
    else:
        w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    words[i] = w
    return " ".join(words)


def vary(rng: random.Random, title: str, allow_typo: bool = True) -> tuple[str, str]:
    """A scraped copy of ``title`` and the name of the variation applied."""
    x = rng.random()
    if x < 0.35:
        return title, "same"
    if x < 0.45:
        return title.upper(), "upper"
    if x < 0.55:
        return title.lower(), "lower"
    if x < 0.65 and ": " in title:
        return title.replace(": ", rng.choice(_SEPARATORS), 1), "separator"
    if x < 0.72:
        return title + ".", "period"
    if x < 0.79:
        return "  " + title.replace(" ", "  ", 2) + " ", "spaces"
    if x < 0.86 and title != strip_accents(title):
        return strip_accents(title), "accents"
    if x < 0.90 and allow_typo and len(title) >= 30 and len(title.split()) >= 5:
        t = typo(rng, title)
        if t != title:
            return t, "typo"
    if x < 0.95 and "," in title:
        return title.replace(",", ""), "comma"
    return title, "same"


# ---------------------------------------------------------------- author pages

_PAGE_HEAD = "Goto\n\nCollaborating Authors\n\n\u00a0{author}\n\n\n"


@dataclass
class Record:
    work: Work
    title: str
    source: str
    abstract: str
    variation: str


def author_page_corpus(records: int, seed: int) -> tuple[dict[str, tuple[Person, list[Record]]], dict[int, Work]]:
    """Pages (file name -> (page author, records)) holding ``records`` records, and the works by id."""
    g = Generator(seed)
    r = g.rng
    n_authors = max(4, records // 40)
    pool = [g.person() for _ in range(n_authors)]
    pages: dict[int, list[Record]] = {}
    names = {id(p): i for i, p in enumerate(pool)}
    total = 0
    by_id: dict[int, Work] = {}
    for w in _endless(g, pool, records):
        if total >= records:
            break
        by_id[w.id] = w
        copies = r.choices([1, 2, 3, 4], weights=[50, 30, 14, 6])[0]
        if w.category == "generic":
            copies = 1 if r.random() < 0.8 else 2
        copies = min(copies, len(w.authors), records - total)
        holders = r.sample(w.authors, copies)
        published_at = r.randrange(copies) if w.category == "preprint" and copies > 1 else -1
        for n, person in enumerate(holders):
            if w.category == "preprint":
                source = r.choice(_CONFERENCES + _JOURNALS) if n == published_at else f"arXiv.org {w.subject}"
            elif w.venue and r.random() < 0.7:
                source = w.venue
            else:
                source = f"arXiv.org {w.subject}"
            title, how = (w.title, "first") if n == 0 else vary(r, w.title, allow_typo=w.category == "plain")
            abstract = "" if r.random() < 0.05 else w.abstract
            pages.setdefault(names[id(person)], []).append(Record(w, title, source, abstract, how))
            total += 1
    out: dict[str, tuple[Person, list[Record]]] = {}
    for i in sorted(pages):
        recs = pages[i]
        r.shuffle(recs)
        out[f"pages/{i // 1000:03d}/p{i:06d}.txt"] = (pool[i], recs)
    return out, by_id


def write_author_pages(folder: Path, records: int, seed: int) -> int:
    pages, _ = author_page_corpus(records, seed)
    rng = random.Random(seed + 1)
    labels = ["path\tline\twork\tcategory\tvariation"]
    n = 0
    for rel, (author, recs) in pages.items():
        text = [_PAGE_HEAD.format(author=author.page_line())]
        line = 8
        for rec in recs:
            labels.append(f"{rel}\t{line}\t{rec.work.id}\t{rec.work.category}\t{rec.variation}")
            part = f"{rec.title}\n\n{rec.source}\n\n"
            line += 4
            if rec.abstract:
                part += rec.abstract + "\n\n"
                line += 2
            gap = "\n" if rng.random() < 0.9 else "\n\n"
            part += gap
            line += gap.count("\n")
            text.append(part)
            n += 1
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        body = "".join(text)
        if rng.random() < 0.03:
            body = body.replace("\n", "\r\n")
        data = body.encode("utf-8")
        if rng.random() < 0.03:
            data = b"\xef\xbb\xbf" + data
        path.write_bytes(data)
    (folder / "labels.tsv").write_text("\n".join(labels) + "\n", encoding="utf-8")
    return n


# ---------------------------------------------------------------- .bib

_LATEX_ACCENTS = {"ä": r"{\"a}", "ö": r"{\"o}", "ü": r"{\"u}", "é": r"{\'e}", "è": r"{\`e}", "á": r"{\'a}",
                  "ó": r"{\'o}", "í": r"{\'i}", "ç": r"{\c c}", "ñ": r"{\~n}", "ø": r"{\o}", "å": r"{\aa}",
                  "ł": r"{\l}", "ő": r"{\H o}", "č": r"{\v c}", "ë": r"{\"e}", "ï": r"{\"i}"}


def latexify(text: str) -> str:
    return "".join(_LATEX_ACCENTS.get(c, c) for c in text)


def bib_escape(text: str) -> str:
    """Title text for a .bib: ``&``, ``%``, ``#`` escaped, math kept."""
    return text.replace("&", r"\&").replace("%", r"\%").replace("#", r"\#")


def bib_name(p: Person, rng: random.Random, initials: bool, latex: bool) -> str:
    if p.literal:
        return p.literal
    given = p.given
    if initials:
        given = " ".join(g[0] + "." for g in given.replace("-", " ").split())
    last = f"{p.particle} {p.family}".strip()
    name = f"{last}, {given}" if rng.random() < 0.7 or p.particle else f"{given} {last}"
    return latexify(name) if latex else name


def bib_corpus(records: int, seed: int) -> list[tuple[Work, str, dict[str, str], str]]:
    """(work, entry type, fields, variation) for ``records`` entries."""
    g = Generator(seed)
    r = g.rng
    pool = [g.person() for _ in range(max(10, records // 8))]
    out: list[tuple[Work, str, dict[str, str], str]] = []
    for w in _endless(g, pool, records):
        if len(out) >= records:
            break
        copies = r.choices([1, 2, 3], weights=[70, 25, 5])[0]
        if w.category == "preprint":
            copies = max(copies, 2)
        if w.category == "generic":
            copies = 1
        for n in range(min(copies, records - len(out))):
            latex = r.random() < 0.5
            initials = n > 0 and r.random() < 0.3
            title, how = (w.title, "first") if n == 0 else vary(r, w.title, allow_typo=w.category == "plain")
            fields: dict[str, str] = {
                "author": " and ".join(bib_name(p, r, initials, latex) for p in w.authors),
                "title": "{" + bib_escape(latexify(title) if latex else title) + "}",
            }
            preprint = (w.category == "preprint" and n == 0) or not w.venue
            if preprint:
                etype = "misc"
                fields["year"] = str(w.year - (1 if w.venue else 0))
                fields["eprint"] = w.arxiv or g.fresh_arxiv(w)
                fields["archiveprefix"] = "arXiv"
                fields["primaryclass"] = "cs.LG"
            else:
                etype = "inproceedings" if w.venue in _CONFERENCES else "article"
                fields["journal" if etype == "article" else "booktitle"] = w.venue
                fields["year"] = str(w.year)
                if w.doi:
                    fields["doi"] = w.doi if r.random() < 0.7 else "https://doi.org/" + w.doi.upper()
                if w.arxiv and r.random() < 0.3:
                    fields["eprint"] = w.arxiv
                    fields["archiveprefix"] = "arXiv"
                if "pages" not in w.extra:  # the published version's numbers, the same in every copy
                    first = r.randint(1, 900)
                    w.extra.update(volume=str(r.randint(1, 60)), number=str(r.randint(1, 12)),
                                   pages=f"{first}--{first + r.randint(5, 30)}")
                if etype == "article":
                    fields["volume"] = w.extra["volume"]
                    fields["number"] = w.extra["number"]
                fields["pages"] = w.extra["pages"]
            if w.edition:
                etype = "book"
                fields.pop("journal", None), fields.pop("booktitle", None)
                fields["edition"] = w.edition
                fields["publisher"] = "Springer"
            if w.volume:
                fields["volume"] = w.volume
            if r.random() < 0.6:
                fields["abstract"] = "{" + bib_escape(w.abstract) + "}"
            if r.random() < 0.2:
                fields["keywords"] = ", ".join(r.sample(_WORDS, 3))
            out.append((w, etype, fields, how))
    return out


def write_bib(folder: Path, records: int, seed: int) -> int:
    entries = bib_corpus(records, seed)
    rng = random.Random(seed + 2)
    rng.shuffle(entries)
    labels = ["path\tline\twork\tcategory\tvariation"]
    chunks = ["@string{nips = {Advances in Neural Information Processing Systems}}\n\n"]
    line = 3
    keys: set[str] = set()
    for i, (w, etype, fields, how) in enumerate(entries):
        base = (w.authors[0].family or "anon").split(" ")[-1].lower()
        key = f"{strip_accents(base)}{fields['year']}{i}"
        key = "".join(c for c in key if c.isascii() and (c.isalnum() or c in "_-:"))
        keys.add(key)
        labels.append(f"corpus.bib\t{line}\t{w.id}\t{w.category}\t{how}")
        body = [f"@{etype}{{{key},"]
        for name, value in fields.items():
            if name == "booktitle" and value == "Advances in Neural Information Processing Systems" and rng.random() < 0.5:
                body.append(f"  {name} = nips,")
            elif name in ("year", "volume", "number") and value.isdigit() and rng.random() < 0.5:
                body.append(f"  {name} = {value},")
            elif name in ("title", "abstract"):  # already braced (titles: double braces keep case)
                body.append(f"  {name} = {value},")
            else:
                body.append(f"  {name} = {{{value}}},")
        body.append("}")
        chunks.append("\n".join(body) + "\n\n")
        line += len(body) + 1
    (folder / "corpus.bib").write_text("".join(chunks), encoding="utf-8")
    (folder / "labels.tsv").write_text("\n".join(labels) + "\n", encoding="utf-8")
    return len(entries)


# ---------------------------------------------------------------- hard negatives (issue 14)

# Labelled pairs of different works that look alike (the category names the
# trap; every record of them is its own work), mixed with true duplicates
# across files (a preprint and its published version, one article from two
# files) so that recall is measured on the same corpus. Patterns follow what
# real .bib files from other projects hold: techreport + later article,
# conference paper + journal extension, a column series, SICI DOIs that share
# their prefix, wrong DOIs pasted into several entries, parts I/II, model
# families.
HARD_NEGATIVES = ("hn-report", "hn-venue", "hn-thesis", "hn-authors", "hn-pages", "hn-given",
                  "hn-wrongdoi", "hn-sici", "hn-parts", "hn-family")


def hard_negative_corpus(records: int, seed: int) -> list[tuple[int, str, str, str, dict[str, str], str]]:
    """(work id, category, file, entry type, fields, variation) for about ``records`` entries in a few .bib files."""
    g = Generator(seed)
    r = g.rng
    pool = [g.person() for _ in range(max(10, records // 6))]
    out: list[tuple[int, str, str, str, dict[str, str], str]] = []
    files = ["a.bib", "b.bib", "c.bib", "d.bib"]
    wid = [0]

    def new_id() -> int:
        wid[0] += 1
        return wid[0]

    def names(people: list[Person]) -> str:
        return " and ".join(
            "{" + p.literal.strip("{}") + "}" if p.literal or not p.family else f"{p.family}, {p.given}" if p.given else p.family
            for p in people
        )

    arxiv_n = [0]

    def arxiv(year: int) -> str:  # each id drawn once: two works never share one by chance
        arxiv_n[0] += 1
        return f"{year % 100:02d}{arxiv_n[0] % 12 + 1:02d}.{arxiv_n[0]:05d}"

    def base(title: str, people: list[Person], year: int) -> dict[str, str]:
        return {"title": "{" + bib_escape(title) + "}", "author": names(people), "year": str(year)}

    def two_files() -> tuple[str, str]:
        a, b = r.sample(files, 2)
        return a, b

    n_title = [0]

    def title() -> str:
        n_title[0] += 1
        return g.plain_title() + f" {_WORDS[n_title[0] % len(_WORDS)]} {n_title[0]:x}".replace("0", "o")

    while len(out) < records:
        year = r.randint(1995, 2024)
        people = r.sample(pool, r.randint(1, 4))
        fa, fb = two_files()
        kind = r.choice(("dup-version", "dup-copy", "dup-version", "dup-copy", *HARD_NEGATIVES))
        t = title()
        if kind == "dup-version":  # one work: arXiv preprint + published version
            w = new_id()
            pre = base(t, people, year - 1)
            pre.update(eprint=arxiv(year), archiveprefix="arXiv")
            pub = base(t.upper() if r.random() < 0.3 else t, people, year)
            pub.update(journal=r.choice(_JOURNALS), volume=str(r.randint(1, 60)), pages=f"{r.randint(1, 900)}--{r.randint(901, 999)}")
            if r.random() < 0.5:
                pub["doi"] = f"10.{r.randint(1000, 9999)}/v.{w}"
            out += [(w, "dup-version", fa, "misc", pre, "preprint"), (w, "dup-version", fb, "article", pub, "published")]
        elif kind == "dup-copy":  # one article in two files, initials in one of them
            w = new_id()
            a = base(t, people, year)
            a.update(journal=r.choice(_JOURNALS), pages=f"{r.randint(1, 900)}--{r.randint(901, 999)}")
            b = dict(a, author=" and ".join(f"{p.family}, {p.given[:1]}." if p.given else p.family for p in people))
            out += [(w, "dup-copy", fa, "article", a, "first"), (w, "dup-copy", fb, "article", b, "initials")]
        elif kind == "hn-report":
            a = base(t, people, year)
            a.update(institution="MIT", number=f"TR-{r.randint(1, 99)}", type="Technical Report")
            b = base(t, people, year + 1)
            b.update(journal=r.choice(_JOURNALS), volume=str(r.randint(1, 60)))
            out += [(new_id(), kind, fa, "techreport", a, "report"), (new_id(), kind, fb, "article", b, "article")]
        elif kind == "hn-venue":
            a = base(t, people, year)
            a.update(booktitle=r.choice(_CONFERENCES), pages=f"{r.randint(1, 900)}--{r.randint(901, 999)}")
            b = base(t, people, year + r.randint(0, 2))
            b.update(journal="IEEE Transactions on Pattern Analysis and Machine Intelligence", volume="38", number="4",
                     doi=f"10.1109/tpami.{year}.{r.randint(1000, 9999)}")
            out += [(new_id(), kind, fa, "inproceedings", a, "conference"), (new_id(), kind, fb, "article", b, "journal")]
        elif kind == "hn-thesis":
            a = base(t, people[:1], year)
            a.update(school="University of Somewhere")
            b = base(t, people[:1], year)
            b.update(journal=r.choice(_JOURNALS))
            out += [(new_id(), kind, fa, "phdthesis", a, "thesis"), (new_id(), kind, fb, "article", b, "article")]
        elif kind == "hn-authors":
            others = [p for p in r.sample(pool, 4) if p not in people][:3] or [g.person()]
            a = base(t, people, year)
            b = base(t, others, year)
            for f in (a, b):
                f.update(journal=r.choice(_JOURNALS))
            out += [(new_id(), kind, fa, "article", a, "one"), (new_id(), kind, fb, "article", b, "other")]
        elif kind == "hn-pages":  # a column: one title, one journal, one year, different pages
            venue = r.choice(_JOURNALS)
            for i in range(r.randint(2, 4)):
                f = base(t, people[:1], year)
                first = 100 * (i + 1) + r.randint(0, 50)
                f.update(journal=venue, pages=f"{first}--{first + 3}", url=f"https://example.org/column/{new_id()}")
                out.append((wid[0], kind, r.choice(files), "article", f, f"part{i}"))
        elif kind == "hn-given":
            fam = r.choice([p for p in pool if p.family and not p.literal]).family
            one, two = r.sample(["Alan", "Andrew", "Anna", "Albert", "Alice", "Arthur"], 2)
            co = [p for p in people[:1] if p.family != fam]
            a = base(t, [*co, Person(fam, one)], year)
            b = base(t, [*co, Person(fam, two)], year)
            for f in (a, b):
                f.update(journal=r.choice(_JOURNALS))
            out += [(new_id(), kind, fa, "article", a, one), (new_id(), kind, fb, "article", b, two)]
        elif kind == "hn-wrongdoi":  # one DOI pasted into several different papers
            doi = f"10.{r.randint(1000, 9999)}/wrong.{r.randint(1, 10**6)}"
            for i in range(r.randint(2, 5)):
                f = base(title(), r.sample(pool, 2), r.randint(1950, 2016))
                f.update(journal=r.choice(_JOURNALS), doi=doi)
                out.append((new_id(), kind, r.choice(files), "article", f, f"paper{i}"))
        elif kind == "hn-sici":  # SICI DOIs: the same prefix up to '<'
            issue = f"10.1002/(SICI)1521-3951({year}11)216:1"
            for i in range(2):
                f = base(title(), r.sample(pool, 2), year)
                page = r.randint(100, 900)
                f.update(journal="physica status solidi (b)", doi=f"{issue}<{page}::AID-PSSB{page}>3.0.CO;2-{'HX'[i]}")
                out.append((new_id(), kind, [fa, fb][i], "article", f, f"sici{i}"))
        elif kind == "hn-parts":
            for i, part in enumerate(("I", "II", "III")[: r.randint(2, 3)]):
                f = base(f"{t}, Part {part}", people, year + i)
                f.update(journal=r.choice(_JOURNALS))
                out.append((new_id(), kind, r.choice(files), "article", f, f"part {part}"))
        elif kind == "hn-family":
            name = "".join(r.choice("bcdfgklmnprstvz") + r.choice("aeiou") for _ in range(3)).capitalize()
            team = [Person("", literal=f"{name} Team")]
            for i, suffix in enumerate(("", " 2", " 3")):
                f = base(f"{name}{suffix}", team, 2024)
                f.update(eprint=arxiv(2024), archiveprefix="arXiv")
                out.append((new_id(), kind, r.choice(files), "misc", f, name + suffix))
    return out[:records]


def write_hard_negatives(folder: Path, records: int, seed: int) -> int:
    entries = hard_negative_corpus(records, seed)
    labels = ["path\tline\twork\tcategory\tvariation"]
    chunks: dict[str, list[str]] = {}
    lines: dict[str, int] = {}
    for i, (w, category, path, etype, fields, how) in enumerate(entries):
        line = lines.get(path, 1)
        labels.append(f"{path}\t{line}\t{w}\t{category}\t{how}")
        body = [f"@{etype}{{k{i},"]
        for name, value in fields.items():
            if name == "title":  # already braced
                body.append(f"  {name} = {value},")
            else:
                body.append(f"  {name} = {{{value}}},")
        body.append("}")
        chunks.setdefault(path, []).append("\n".join(body) + "\n\n")
        lines[path] = line + len(body) + 1
    for path, text in chunks.items():
        (folder / path).write_text("".join(text), encoding="utf-8")
    (folder / "labels.tsv").write_text("\n".join(labels) + "\n", encoding="utf-8")
    return len(entries)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--records", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--format", choices=["authorpage", "bib", "hard"], default="authorpage")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.format == "authorpage":
        n = write_author_pages(args.out, args.records, args.seed)
    elif args.format == "hard":
        n = write_hard_negatives(args.out, args.records, args.seed)
    else:
        n = write_bib(args.out, args.records, args.seed)
    print(f"corpus: {n} {args.format} records in {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
