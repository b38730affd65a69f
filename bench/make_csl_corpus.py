"""Write the CSL agreement corpus: tests/data/csl-corpus.json and csl-corpus-partial.json.

    python bench/make_csl_corpus.py           # rewrite both files
    python bench/make_csl_corpus.py --check   # exit 1 if they are out of date

The corpus is the input of the citeproc-js golden files in tests/golden-csl/
(see tests/golden-csl/README.md). It has two parts, in this order:

* hand-shaped items (``HAND``): one or a few of every hard case named in the
  brief: name particles, suffixes, hyphenated and initialised given names,
  corporate authors, author counts around each style's et-al thresholds, items
  without authors (editor or title substitution), accents and non-Latin
  scripts, subtitles, acronyms, ``<span class="nocase">`` math, every date
  shape (year, year-month, full, season, literal, none), page ranges with
  hyphen, en dash, article numbers (``e123``) and so on;
* seeded generated items (``generated()``): ordinary records of every type,
  drawn with a fixed seed from realistic pools, so the ratio is not dominated
  by the exotic cases.

Output is deterministic (sorted keys, two-space indent, UTF-8, trailing
newline). Item order is the file order and matters: it is the registration
order (citation numbers of numeric styles, ties of sorted styles).

Partial author lists (BibTeX ``and others``; bibgen writes a final
``{"literal": "others"}``) go to the separate partial file: bibgen renders them
as "et al." on purpose, citeproc-js prints "others", so they are outside the
agreement ratio.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "csl-corpus.json"
PARTIAL = ROOT / "tests" / "data" / "csl-corpus-partial.json"
SEED = 20261201
N_GENERATED = 110

Item = dict[str, Any]


def n(family: str, given: str = "", **extra: str) -> dict[str, str]:
    """A personal name object."""
    out = {"family": family}
    if given:
        out["given"] = given
    out.update({k.replace("_", "-"): v for k, v in extra.items()})
    return out


def lit(name: str) -> dict[str, str]:
    return {"literal": name}


def d(*parts: int) -> dict[str, Any]:
    return {"date-parts": [list(parts)]}


NOCASE = '<span class="nocase">{}</span>'

# 25 distinct realistic authors, used for the long author lists.
MANY = [
    n("Abbott", "Benjamin P."), n("Abbott", "Richard"), n("Abernathy", "Matthew R."), n("Acernese", "Fausto"),
    n("Ackley", "Kendall"), n("Adams", "Carl"), n("Addesso", "Paolo"), n("Adhikari", "Rana X."),
    n("Adya", "Vaishali B."), n("Affeldt", "Christoph"), n("Agathos", "Michalis"), n("Agatsuma", "Kazuhiro"),
    n("Aggarwal", "Nancy"), n("Aguiar", "Odylio D."), n("Aiello", "Lorenzo"), n("Ain", "Anirban"),
    n("Ajith", "Parameswaran"), n("Allen", "Bruce"), n("Allocca", "Annalisa"), n("Altin", "Paul A."),
    n("Anderson", "Stuart B."), n("Anderson", "Warren G."), n("Arai", "Koji"), n("Araya", "Melissa C."),
    n("Arceneaux", "Carl C."),
]


def many(k: int) -> list[dict[str, str]]:
    return [dict(a) for a in MANY[:k]]


HAND: list[Item] = [
    # --- journal articles -------------------------------------------------
    {"id": "oord2016wavenet", "type": "article-journal", "title": "WaveNet: A generative model for raw audio",
     "author": [n("Oord", "Aäron", non_dropping_particle="van den"), n("Dieleman", "Sander"), n("Zen", "Heiga"),
                n("Simonyan", "Karen"), n("Vinyals", "Oriol"), n("Graves", "Alex"), n("Kalchbrenner", "Nal"),
                n("Senior", "Andrew"), n("Kavukcuoglu", "Koray")],
     "container-title": "Journal of Machine Learning Research", "volume": "17", "issue": "3", "page": "101-120",
     "DOI": "10.5555/wavenet.2016", "issued": d(2016, 9, 12)},
    {"id": "lecun2015deep", "type": "article-journal", "title": "Deep learning",
     "author": [n("LeCun", "Yann"), n("Bengio", "Yoshua"), n("Hinton", "Geoffrey")],
     "container-title": "Nature", "container-title-short": "Nature", "volume": "521", "issue": "7553",
     "page": "436–444", "DOI": "10.1038/nature14539", "issued": d(2015, 5, 28)},
    {"id": "poussin1896", "type": "article-journal", "title": "Recherches analytiques sur la théorie des nombres premiers",
     "author": [n("Vallée Poussin", "Charles-Jean", non_dropping_particle="de la")],
     "container-title": "Annales de la Société scientifique de Bruxelles", "volume": "20", "page": "183-256",
     "issued": d(1896), "language": "fr"},
    {"id": "neumann1928", "type": "article-journal", "title": "Zur Theorie der Gesellschaftsspiele",
     "author": [n("Neumann", "John", dropping_particle="von")],
     "container-title": "Mathematische Annalen", "volume": "100", "issue": "1", "page": "295–320",
     "DOI": "10.1007/BF01448847", "issued": d(1928, 12), "language": "de"},
    {"id": "watson1953", "type": "article-journal",
     "title": "Molecular structure of nucleic acids: A structure for deoxyribose nucleic acid",
     "author": [n("Watson", "J. D."), n("Crick", "F. H. C.")],
     "container-title": "Nature", "volume": "171", "issue": "4356", "page": "737-738",
     "DOI": "10.1038/171737a0", "issued": d(1953, 4, 25)},
    {"id": "king1963letter", "type": "article-magazine", "title": "Letter from Birmingham Jail",
     "author": [n("King", "Martin Luther", suffix="Jr.")],
     "container-title": "The Atlantic Monthly", "volume": "212", "issue": "2", "page": "78-88",
     "issued": d(1963, 8)},
    {"id": "kim2021hyphen", "type": "article-journal", "title": "Korean speech recognition with sub-character units",
     "author": [n("Kim", "Min-jun"), n("Park", "Ji-woo"), n("Sartre", "Jean-Paul")],
     "container-title": "IEEE/ACM Transactions on Audio, Speech, and Language Processing",
     "container-title-short": "IEEE/ACM Trans. Audio Speech Lang. Process.",
     "volume": "29", "page": "1221-1234", "DOI": "10.1109/TASLP.2021.3061234", "issued": d(2021, 3, 4)},
    {"id": "le2014distributed", "type": "paper-conference", "title": "Distributed representations of sentences and documents",
     "author": [n("Le", "Quoc V."), n("Mikolov", "Tomas")],
     "container-title": "Proceedings of the 31st International Conference on Machine Learning",
     "collection-title": "Proceedings of Machine Learning Research", "volume": "32",
     "publisher": "PMLR", "publisher-place": "Beijing, China", "page": "1188-1196", "issued": d(2014, 6, 22)},
    {"id": "plos2019e123", "type": "article-journal", "title": "Microbial diversity in Arctic permafrost soils",
     "author": [n("Nyström", "Linnea"), n("Ødegård", "Bjørn"), n("Þórsdóttir", "Guðrún")],
     "container-title": "PLOS ONE", "volume": "14", "issue": "5", "page": "e0216325",
     "DOI": "10.1371/journal.pone.0216325", "issued": d(2019, 5, 9)},
    {"id": "elife2020e123", "type": "article-journal", "title": "A cortical circuit for audio-visual predictions",
     "author": [n("Garner", "Aleena R."), n("Keller", "Georg B.")],
     "container-title": "eLife", "volume": "9", "page": "e123", "DOI": "10.7554/eLife.123", "issued": d(2020)},
    {"id": "physrev2018art", "type": "article-journal", "title": "Observation of the Higgs boson decay to bottom quarks",
     "author": [lit("ATLAS Collaboration")],
     "container-title": "Physics Letters B", "volume": "786", "page": "59-86", "number": "135",
     "DOI": "10.1016/j.physletb.2018.09.013", "issued": d(2018, 11, 10)},
    {"id": "ligo2016gw", "type": "article-journal", "title": "Observation of gravitational waves from a binary black hole merger",
     "author": many(25), "container-title": "Physical Review Letters", "volume": "116", "issue": "6",
     "page": "061102", "DOI": "10.1103/PhysRevLett.116.061102", "issued": d(2016, 2, 11)},
    {"id": "authors20", "type": "article-journal", "title": "Twenty authors exactly: A consortium report",
     "author": many(20), "container-title": "Genome Biology", "volume": "21", "page": "12-19",
     "DOI": "10.1186/s13059-020-0001-1", "issued": d(2020, 1)},
    {"id": "authors21", "type": "article-journal", "title": "Twenty-one authors: Where APA starts to truncate",
     "author": many(21), "container-title": "Genome Biology", "volume": "22", "page": "1-9",
     "issued": d(2021, 2)},
    {"id": "authors22", "type": "article-journal", "title": "Twenty-two authors and an ellipsis",
     "author": many(22), "container-title": "Genome Biology", "volume": "23", "page": "33-40",
     "issued": d(2022)},
    {"id": "authors19", "type": "article-journal", "title": "Nineteen authors",
     "author": many(19), "container-title": "Genome Research", "volume": "29", "issue": "4", "page": "501-512",
     "issued": d(2019, 4)},
    {"id": "authors11", "type": "article-journal", "title": "Eleven authors: Chicago's threshold",
     "author": many(11), "container-title": "Cell", "volume": "180", "issue": "2", "page": "201-215",
     "DOI": "10.1016/j.cell.2020.01.011", "issued": d(2020, 1, 23)},
    {"id": "authors10", "type": "article-journal", "title": "Ten authors",
     "author": many(10), "container-title": "Cell", "volume": "181", "page": "11-19", "issued": d(2020, 4)},
    {"id": "authors8", "type": "article-journal", "title": "Eight authors in a row",
     "author": many(8), "container-title": "Science", "volume": "367", "issue": "6481", "page": "1026-1030",
     "DOI": "10.1126/science.aaz0001", "issued": d(2020, 2, 28)},
    {"id": "authors7", "type": "article-journal", "title": "Seven authors: The IEEE and Vancouver limit",
     "author": many(7), "container-title": "Science", "volume": "368", "page": "60-64", "issued": d(2020, 4, 3)},
    {"id": "authors6", "type": "article-journal", "title": "Six authors",
     "author": many(6), "container-title": "Science", "volume": "369", "page": "100-104", "issued": d(2020, 7)},
    {"id": "authors5", "type": "article-journal", "title": "Five authors and a semicolon",
     "author": many(5), "container-title": "Science", "volume": "370", "page": "200-204", "issued": d(2020, 10)},
    {"id": "authors3", "type": "article-journal", "title": "Three authors",
     "author": many(3), "container-title": "Science", "volume": "371", "page": "300-301", "issued": d(2021, 1)},
    {"id": "authors2", "type": "article-journal", "title": "Two authors",
     "author": many(2), "container-title": "Science", "volume": "372", "page": "400", "issued": d(2021, 4)},
    {"id": "vaswani2017a", "type": "paper-conference", "title": "Attention is all you need",
     "author": [n("Vaswani", "Ashish"), n("Shazeer", "Noam"), n("Parmar", "Niki"), n("Uszkoreit", "Jakob"),
                n("Jones", "Llion"), n("Gomez", "Aidan N."), n("Kaiser", "Łukasz"), n("Polosukhin", "Illia")],
     "container-title": "Advances in Neural Information Processing Systems 30", "editor":
         [n("Guyon", "I."), n("Luxburg", "U.", non_dropping_particle="von"), n("Bengio", "S.")],
     "publisher": "Curran Associates, Inc.", "publisher-place": "Red Hook, NY", "page": "5998-6008",
     "event-title": "NIPS 2017", "event-place": "Long Beach, CA", "issued": d(2017, 12, 4)},
    # same author and year twice: author-date styles add year suffixes
    {"id": "smith2020a", "type": "article-journal", "title": "Bayesian inference for sparse regression",
     "author": [n("Smith", "Jane")], "container-title": "Annals of Statistics", "volume": "48", "issue": "1",
     "page": "1-25", "issued": d(2020, 2)},
    {"id": "smith2020b", "type": "article-journal", "title": "A note on the horseshoe prior",
     "author": [n("Smith", "Jane")], "container-title": "Biometrika", "volume": "107", "issue": "3",
     "page": "745–752", "issued": d(2020, 9)},
    {"id": "acronym2019bert", "type": "paper-conference",
     "title": "BERT: Pre-training of deep bidirectional transformers for language understanding",
     "author": [n("Devlin", "Jacob"), n("Chang", "Ming-Wei"), n("Lee", "Kenton"), n("Toutanova", "Kristina")],
     "container-title": "Proceedings of the 2019 Conference of the North American Chapter of the Association for "
                        "Computational Linguistics: Human Language Technologies (NAACL-HLT)",
     "publisher": "Association for Computational Linguistics", "publisher-place": "Minneapolis, MN",
     "page": "4171-4186", "DOI": "10.18653/v1/N19-1423", "issued": d(2019, 6)},
    {"id": "math2013sgd", "type": "article-journal",
     "title": "Convergence of " + NOCASE.format("$O(1/\\sqrt{T})$") + " for stochastic gradient descent in "
              + NOCASE.format("L^p") + " spaces",
     "author": [n("Nesterov", "Yurii"), n("Nemirovski", "Arkadi")],
     "container-title": "SIAM Journal on Optimization", "volume": "23", "issue": "4", "page": "2341-2368",
     "DOI": "10.1137/120880811", "issued": d(2013)},
    {"id": "nocase2018ios", "type": "article-journal",
     "title": "Energy profiling of " + NOCASE.format("iOS") + " and " + NOCASE.format("macOS") + " applications",
     "author": [n("Müller", "Jürgen"), n("Søndergaard", "Åse")], "container-title": "Empirical Software Engineering",
     "volume": "23", "page": "3108-3140", "issued": d(2018, 10)},
    {"id": "italic2017", "type": "article-journal",
     "title": "Gene regulation in <i>Escherichia coli</i> under oxidative stress",
     "author": [n("Storz", "Gisela"), n("Imlay", "James A.")], "container-title": "Journal of Bacteriology",
     "volume": "199", "issue": "14", "page": "e00123-17", "DOI": "10.1128/JB.00123-17", "issued": d(2017, 7)},
    {"id": "cjk2019", "type": "article-journal", "title": "深層学習による日本語形態素解析",
     "author": [n("山田", "太郎"), n("佐藤", "花子")], "container-title": "自然言語処理", "volume": "26", "issue": "2",
     "page": "301-330", "issued": d(2019, 6), "language": "ja"},
    {"id": "cyrillic2015", "type": "article-journal", "title": "О распределении простых чисел",
     "author": [n("Чебышёв", "Пафнутий Львович")], "container-title": "Математический сборник",
     "volume": "206", "issue": "3", "page": "45-67", "issued": d(2015), "language": "ru"},
    {"id": "greek2012", "type": "article-journal", "title": "Η γεωμετρία του Ευκλείδη",
     "author": [n("Παπαδόπουλος", "Γιώργος")], "container-title": "Μαθηματική Επιθεώρηση", "volume": "77",
     "page": "5-21", "issued": d(2012)},
    {"id": "zhang2018", "type": "article-journal", "title": "Graph neural networks for molecule property prediction",
     "author": [n("Zhang", "Wei"), n("Wang", "Xiaoming"), n("Li", "Na")],
     "container-title": "Journal of Chemical Information and Modeling", "volume": "58", "issue": "9",
     "page": "1736–1741", "DOI": "10.1021/acs.jcim.8b00001", "issued": d(2018, 9, 24)},
    {"id": "season2019spring", "type": "article-journal", "title": "Reading circles in rural libraries",
     "author": [n("O'Brien", "Siobhán")], "container-title": "Library Quarterly", "volume": "89", "issue": "2",
     "page": "77-93", "issued": {"date-parts": [[2019]], "season": 1}},
    {"id": "season2020winter", "type": "article-journal", "title": "The archive as a commons",
     "author": [n("d'Alembert", "Jean")], "container-title": "Archivaria", "volume": "90",
     "page": "4-31", "issued": {"date-parts": [[2020]], "season": "Winter"}},
    {"id": "literal2001date", "type": "article-journal", "title": "Notes on an undated manuscript",
     "author": [n("Ngũgĩ", "Wa Thiong'o")], "container-title": "Research in African Literatures",
     "volume": "32", "issue": "1", "page": "1-12", "issued": {"literal": "ca. 2001"}},
    {"id": "nodate2010", "type": "article-journal", "title": "An article that never says when",
     "author": [n("Ramírez", "José Luis")], "container-title": "Revista de Filología", "volume": "12",
     "page": "55-60"},
    {"id": "noauthor2021", "type": "article-journal", "title": "Editorial: A year of open peer review",
     "container-title": "Nature Human Behaviour", "volume": "5", "page": "1", "DOI": "10.1038/s41562-021-0001-1",
     "issued": d(2021, 1, 18)},
    {"id": "pages1998single", "type": "article-journal", "title": "A single-page communication",
     "author": [n("Curie", "Marie")], "container-title": "Comptes rendus", "volume": "126", "page": "1101",
     "issued": d(1898)},
    {"id": "pages2004long", "type": "article-journal", "title": "Page ranges that a style may abbreviate",
     "author": [n("Hall", "Stuart")], "container-title": "Cultural Studies", "volume": "18", "issue": "2-3",
     "page": "1496-1504", "issued": d(2004, 3)},
    {"id": "pages2011roman", "type": "article-journal", "title": "Front matter pages",
     "author": [n("Eco", "Umberto")], "container-title": "Semiotica", "volume": "185", "page": "xi-xvii",
     "issued": d(2011)},
    {"id": "daterange2010", "type": "paper-conference", "title": "A workshop spanning days",
     "author": [n("Torvalds", "Linus")], "container-title": "Proceedings of the Linux Plumbers Conference",
     "publisher-place": "Cambridge, MA", "page": "11-18", "issued": {"date-parts": [[2010, 11, 3], [2010, 11, 5]]}},
    # --- books --------------------------------------------------------------
    {"id": "knuth1984texbook", "type": "book", "title": "The TeXbook", "author": [n("Knuth", "Donald E.")],
     "publisher": "Addison-Wesley", "publisher-place": "Reading, MA", "edition": "2", "issued": d(1984),
     "ISBN": "978-0-201-13447-6"},
    {"id": "goodfellow2016", "type": "book", "title": "Deep learning",
     "author": [n("Goodfellow", "Ian"), n("Bengio", "Yoshua"), n("Courville", "Aaron")],
     "publisher": "MIT Press", "publisher-place": "Cambridge, MA", "issued": d(2016),
     "URL": "http://www.deeplearningbook.org"},
    {"id": "hastie2009", "type": "book", "title": "The elements of statistical learning: Data mining, inference, and prediction",
     "author": [n("Hastie", "Trevor"), n("Tibshirani", "Robert"), n("Friedman", "Jerome")],
     "publisher": "Springer", "publisher-place": "New York", "edition": "2nd", "collection-title": "Springer Series in Statistics",
     "DOI": "10.1007/978-0-387-84858-7", "issued": d(2009)},
    {"id": "edited2008handbook", "type": "book", "title": "Handbook of natural language processing",
     "editor": [n("Indurkhya", "Nitin"), n("Damerau", "Fred J.")], "publisher": "Chapman & Hall/CRC",
     "publisher-place": "Boca Raton, FL", "edition": "2", "issued": d(2010)},
    {"id": "editedone2015", "type": "book", "title": "The Oxford handbook of computational linguistics",
     "editor": [n("Mitkov", "Ruslan")], "publisher": "Oxford University Press", "publisher-place": "Oxford",
     "issued": d(2015)},
    {"id": "titleonly1611", "type": "book", "title": "The Holy Bible, conteyning the Old Testament, and the New",
     "publisher": "Robert Barker", "publisher-place": "London", "issued": d(1611)},
    {"id": "translated1990", "type": "book", "title": "The name of the rose", "author": [n("Eco", "Umberto")],
     "translator": [n("Weaver", "William")], "publisher": "Harcourt", "publisher-place": "San Diego",
     "issued": d(1983), "original-date": d(1980)},
    {"id": "corporate2019manual", "type": "book", "title": "Publication manual of the American Psychological Association",
     "author": [lit("American Psychological Association")], "publisher": "American Psychological Association",
     "publisher-place": "Washington, DC", "edition": "7", "DOI": "10.1037/0000165-000", "issued": d(2020)},
    {"id": "multivol1997", "type": "book", "title": "The art of computer programming",
     "author": [n("Knuth", "Donald E.")], "volume": "1", "number-of-volumes": "4", "edition": "3",
     "publisher": "Addison-Wesley", "publisher-place": "Reading, MA", "issued": d(1997)},
    {"id": "accent2002book", "type": "book", "title": "Éléments de géométrie algébrique",
     "author": [n("Grothendieck", "Alexander"), n("Dieudonné", "Jean")], "publisher": "Éditions de l'IHÉS",
     "publisher-place": "Bures-sur-Yvette", "issued": d(1960), "language": "fr"},
    {"id": "lastfirst2005", "type": "book", "title": "Mao: The unknown story",
     "author": [n("Chang", "Jung"), n("Halliday", "Jon")], "publisher": "Jonathan Cape", "publisher-place": "London",
     "issued": d(2005)},
    # --- chapters -----------------------------------------------------------
    {"id": "chapter2010", "type": "chapter", "title": "Über die Grenzen der Übersetzung",
     "author": [n("Ngũgĩ", "Wa Thiong'o")], "editor": [n("Çelik", "Ayşe"), n("Núñez", "José")],
     "container-title": "Essays on translation", "publisher": "Springer", "publisher-place": "Berlin",
     "page": "33–47", "issued": d(2010)},
    {"id": "chapter2015nlp", "type": "chapter", "title": "Statistical parsing",
     "author": [n("Collins", "Michael")], "editor": [n("Mitkov", "Ruslan")],
     "container-title": "The Oxford handbook of computational linguistics", "edition": "2",
     "publisher": "Oxford University Press", "publisher-place": "Oxford", "page": "235-262",
     "DOI": "10.1093/oxfordhb/9780199573691.013.12", "issued": d(2015)},
    {"id": "chapter1999threeeds", "type": "chapter", "title": "Learning in graphical models",
     "author": [n("Jordan", "Michael I.")],
     "editor": [n("Bishop", "Christopher M."), n("Frey", "Brendan J."), n("Weiss", "Yair")],
     "container-title": "Advances in learning theory", "collection-title": "NATO Science Series", "volume": "190",
     "publisher": "IOS Press", "publisher-place": "Amsterdam", "page": "1-9", "issued": d(1999)},
    # --- reports ------------------------------------------------------------
    {"id": "who2019report", "type": "report", "title": "Global status report on road safety 2018",
     "author": [lit("World Health Organization")], "publisher": "WHO Press", "publisher-place": "Genève",
     "number": "WHO/NMH/NVI/18.20", "issued": d(2018, 12, 17), "URL": "https://www.who.int/publications/i/item/9789241565684"},
    {"id": "nist2020report", "type": "report", "title": "Recommendation for key management: Part 1 – General",
     "author": [n("Barker", "Elaine")], "publisher": "National Institute of Standards and Technology",
     "publisher-place": "Gaithersburg, MD", "genre": "NIST Special Publication", "number": "800-57 Part 1 Rev. 5",
     "DOI": "10.6028/NIST.SP.800-57pt1r5", "issued": d(2020, 5)},
    {"id": "techreport1998", "type": "report", "title": "The PageRank citation ranking: Bringing order to the web",
     "author": [n("Page", "Lawrence"), n("Brin", "Sergey"), n("Motwani", "Rajeev"), n("Winograd", "Terry")],
     "publisher": "Stanford InfoLab", "publisher-place": "Stanford, CA", "genre": "Technical report",
     "number": "1999-66", "issued": d(1999, 11, 11)},
    # --- theses ---------------------------------------------------------------
    {"id": "brink1999thesis", "type": "thesis", "title": "On Dutch particles in names",
     "author": [n("Brink", "Pieter", non_dropping_particle="ten")], "publisher": "Universiteit van Amsterdam",
     "publisher-place": "Amsterdam", "genre": "Master's thesis", "issued": d(1999)},
    {"id": "shannon1940thesis", "type": "thesis", "title": "An algebra for theoretical genetics",
     "author": [n("Shannon", "Claude Elwood")], "publisher": "Massachusetts Institute of Technology",
     "publisher-place": "Cambridge, MA", "genre": "PhD thesis", "issued": d(1940)},
    {"id": "thesis2022nogenre", "type": "thesis", "title": "Robust speech recognition for low-resource languages",
     "author": [n("Nguyễn", "Thị Minh Khai")], "publisher": "Université Grenoble Alpes", "issued": d(2022, 7)},
    # --- webpages -------------------------------------------------------------
    {"id": "blog2023online", "type": "webpage", "title": "How to cite a blog post",
     "author": [n("d'Alembert", "Jean")], "container-title": "The Citation Blog", "issued": d(2023, 11, 5),
     "URL": "https://example.com/posts/2023/11/cite-this-post", "accessed": d(2024, 1, 15)},
    {"id": "web2020noauthor", "type": "webpage", "title": "Python 3.11 release notes",
     "container-title": "Python documentation", "URL": "https://docs.python.org/3/whatsnew/3.11.html",
     "accessed": d(2023, 3, 2)},
    {"id": "web2019corp", "type": "webpage", "title": "COVID-19 situation reports",
     "author": [lit("World Health Organization")], "URL": "https://www.who.int/emergencies/situation-reports",
     "issued": d(2020, 3), "accessed": d(2020, 4, 1)},
    {"id": "webnodate", "type": "webpage", "title": "CSL specification 1.0.2",
     "author": [lit("Citation Style Language")], "URL": "https://docs.citationstyles.org/en/stable/specification.html",
     "accessed": d(2024, 6, 30)},
    {"id": "post2021weblog", "type": "post-weblog", "title": "Why your bibliography looks wrong",
     "author": [n("Karcher", "Sebastian")], "container-title": "Zotero Blog", "issued": d(2021, 8, 19),
     "URL": "https://example.org/blog/why-bibliography", "accessed": d(2021, 9, 1)},
    # --- preprints ------------------------------------------------------------
    # As Zotero writes them (type article, publisher arXiv, number arXiv:<id>); oord2018cpc
    # keeps the archive/archive_location/archive_collection form other tools write.
    {"id": "gemini2024preprint", "type": "article",
     "title": "Gemini 1.5: Unlocking multimodal understanding across millions of tokens of context",
     "author": [n("Reid", "Machel"), n("Savinov", "Nikolay"), n("Teplyashin", "Denis"), n("Lepikhin", "Dmitry")],
     "publisher": "arXiv", "number": "arXiv:2403.05530",
     "DOI": "10.48550/arXiv.2403.05530", "URL": "https://arxiv.org/abs/2403.05530", "issued": d(2024, 3, 8)},
    {"id": "kingma2014adam", "type": "article", "title": "Adam: A method for stochastic optimization",
     "author": [n("Kingma", "Diederik P."), n("Ba", "Jimmy")], "publisher": "arXiv",
     "number": "arXiv:1412.6980", "URL": "https://arxiv.org/abs/1412.6980", "issued": d(2014, 12, 22)},
    {"id": "oord2018cpc", "type": "article", "title": "Representation learning with contrastive predictive coding",
     "author": [n("Oord", "Aaron", non_dropping_particle="van den"), n("Li", "Yazhe"), n("Vinyals", "Oriol")],
     "archive": "arXiv", "archive_location": "1807.03748", "number": "arXiv:1807.03748",
     "archive_collection": "cs.LG", "issued": d(2018, 7)},
    # --- newspapers -----------------------------------------------------------
    {"id": "news2022", "type": "article-newspaper", "title": "Scientists discover the “perfect” citation format",
     "author": [n("O'Brien", "Siobhán")], "container-title": "The Daily Planet", "publisher-place": "Metropolis",
     "page": "A1", "issued": d(2022, 4, 1)},
    {"id": "nyt2016noauthor", "type": "article-newspaper", "title": "Gravitational waves detected, confirming Einstein's theory",
     "container-title": "The New York Times", "section": "Science", "page": "A1",
     "URL": "https://www.nytimes.com/2016/02/12/science/ligo-gravitational-waves.html",
     "issued": d(2016, 2, 11), "accessed": d(2016, 2, 12)},
    {"id": "lemonde2019", "type": "article-newspaper", "title": "L'intelligence artificielle à l'épreuve du droit",
     "author": [n("Lefèvre", "Élodie")], "container-title": "Le Monde", "publisher-place": "Paris",
     "issued": d(2019, 10, 3), "language": "fr"},
    # --- odd shapes -----------------------------------------------------------
    {"id": "editoronly2012proc", "type": "paper-conference", "title": "Proceedings of the Workshop on Ethics in NLP",
     "editor": [n("Hovy", "Dirk"), n("Spruit", "Shannon L.")], "publisher": "Association for Computational Linguistics",
     "publisher-place": "Valencia, Spain", "issued": d(2017, 4)},
    {"id": "initials2000", "type": "article-journal", "title": "Initials only, no periods",
     "author": [n("Tolkien", "J R R"), n("Lewis", "C.S.")], "container-title": "Mythlore", "volume": "22",
     "issue": "4", "page": "4-15", "issued": d(2000)},
    {"id": "particlecap1974", "type": "article-journal", "title": "Capitalised particles in Dutch and Italian names",
     "author": [n("Gogh", "Vincent", non_dropping_particle="Van"), n("Medici", "Lorenzo", non_dropping_particle="De'")],
     "container-title": "Onomastica", "volume": "3", "page": "12-18", "issued": d(1974)},
    {"id": "mononym2011", "type": "book", "title": "The collected letters", "author": [n("Voltaire")],
     "publisher": "Gallimard", "publisher-place": "Paris", "issued": d(2011)},
    {"id": "dataset2021", "type": "dataset", "title": "Common Voice corpus 7.0",
     "author": [lit("Mozilla Foundation")], "publisher": "Zenodo", "DOI": "10.5281/zenodo.5089012",
     "version": "7.0", "issued": d(2021, 7, 21)},
    # --- markup and escaping ---------------------------------------------------
    {"id": "sici1998doi", "type": "article-journal", "title": "Relevance feedback & query expansion for n < 100 documents",
     "author": [n("Salton", "Gerard"), n("Buckley", "Chris")],
     "container-title": "Journal of the American Society for Information Science", "volume": "49", "issue": "8",
     "page": "693-701", "DOI": "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0", "issued": d(1998, 6)},
    {"id": "co2sub2019", "type": "article-journal",
     "title": "Global CO<sub>2</sub> emissions and the 1.5 °C target: An <i>in situ</i> perspective",
     "author": [n("Friedlingstein", "Pierre"), n("Le Quéré", "Corinne")], "container-title": "Earth System Science Data",
     "volume": "11", "issue": "4", "page": "1783-1838", "DOI": "10.5194/essd-11-1783-2019", "issued": d(2019, 12, 4)},
    {"id": "smallcaps2009", "type": "chapter",
     "title": 'The <span style="font-variant:small-caps;">Unix</span> philosophy revisited',
     "author": [n("Raymond", "Eric S.")], "container-title": "Essays on software", "editor": [n("Spinellis", "Diomidis")],
     "publisher": "O'Reilly Media", "publisher-place": "Sebastopol, CA", "page": "12, 15-18", "issued": d(2009)},
    {"id": "url2022amp", "type": "webpage", "title": "Search results for “citation styles”",
     "container-title": "Example Search", "URL": "https://example.org/search?q=citation+styles&lang=en&page=2",
     "accessed": d(2022, 2, 2), "issued": d(2022)},
    {"id": "translated2004both", "type": "book", "title": "Der Prozess", "author": [n("Kafka", "Franz")],
     "editor": [n("Pasley", "Malcolm")], "translator": [n("Mitchell", "Breon")],
     "publisher": "Schocken Books", "publisher-place": "New York", "issued": d(1998)},
    {"id": "suppl2015pages", "type": "article-journal", "title": "Abstracts of the annual meeting",
     "author": [lit("European Society of Cardiology")], "container-title": "European Heart Journal",
     "container-title-short": "Eur Heart J", "volume": "36", "issue": "Suppl 1", "page": "S12-S19",
     "issued": d(2015, 8)},
    {"id": "quotes2013title", "type": "article-journal",
     "title": "“Don’t stop believing”: Ambiguity in song lyrics and what ‘meaning’ means",
     "author": [n("Pinker", "Steven")], "container-title": "Language", "volume": "89", "issue": "3",
     "page": "401-428", "issued": d(2013, 9)},
    {"id": "software2020", "type": "software", "title": "NumPy", "author": [n("Harris", "Charles R."),
                                                                         n("Millman", "K. Jarrod")],
     "publisher": "GitHub", "version": "1.19.0", "URL": "https://github.com/numpy/numpy", "issued": d(2020, 6, 20)},
]

PARTIAL_ITEMS: list[Item] = [
    {"id": "partial-article", "type": "article-journal", "title": "A partial author list in a journal",
     "author": [n("Reid", "Machel"), n("Savinov", "Nikolay"), lit("others")], "container-title": "Nature",
     "volume": "600", "page": "1-5", "issued": d(2024, 3)},
    {"id": "partial-preprint", "type": "article", "title": "Gemini: A family of highly capable multimodal models",
     "author": [n("Anil", "Rohan"), lit("others")], "archive": "arXiv", "archive_location": "2312.11805",
     "number": "arXiv:2312.11805", "issued": d(2023, 12)},
    {"id": "partial-book", "type": "book", "title": "Numerical recipes",
     "author": [n("Press", "William H."), n("Teukolsky", "Saul A."), n("Vetterling", "William T."), lit("others")],
     "publisher": "Cambridge University Press", "publisher-place": "Cambridge", "edition": "3", "issued": d(2007)},
    {"id": "partial-editors", "type": "chapter", "title": "A chapter whose editors are partial",
     "author": [n("Jordan", "Michael I.")], "editor": [n("Bishop", "Christopher M."), lit("others")],
     "container-title": "Learning in graphical models", "publisher": "MIT Press", "page": "1-9", "issued": d(1998)},
]

# --- generated items ---------------------------------------------------------

GIVEN = ["Anna", "Ben", "Chiara", "David", "Elena", "Farid", "Grace", "Hiroshi", "Ingrid", "Jorge", "Kwame", "Leila",
         "Mateo", "Nadia", "Olusegun", "Priya", "Quentin", "Rosa", "Sven", "Tomasz", "Ulla", "Vikram", "Wen", "Xavier",
         "Yusuf", "Zofia", "Jean-Luc", "Anne-Marie", "Seo-yeon", "Ana María", "Mary K.", "John W.", "Hans-Peter",
         "Björn", "Zoë", "Çağla", "Đorđe", "Łucja", "Søren", "Renée"]
FAMILY = ["Andersson", "Baker", "Castillo", "Dubois", "Evans", "Fischer", "García", "Huang", "Ivanova", "Jensen",
          "Kowalski", "Lopez", "Moreau", "Nakamura", "Okafor", "Petrov", "Quinn", "Rossi", "Schmidt", "Tanaka",
          "Ueda", "Varga", "Williams", "Xu", "Yilmaz", "Zimmermann", "Müller-Lüdenscheidt", "O'Connor", "McAllister",
          "Gonçalves", "Šimek", "Łukasiewicz", "Nguyễn", "Ó Súilleabháin", "Al-Khwarizmi", "Sánchez-Vicario"]
PARTICLED = [("van der", "Berg"), ("de", "Souza"), ("van", "Dijk"), ("di", "Stefano"), ("von", "Braun"),
             ("da", "Silva"), ("le", "Roux"), ("van den", "Broek")]
CORPORATE = ["European Space Agency", "OpenAI", "National Academies of Sciences, Engineering, and Medicine",
             "Intergovernmental Panel on Climate Change", "UNESCO", "Deutsche Forschungsgemeinschaft"]
JOURNALS = [("Journal of the American Statistical Association", "J. Am. Stat. Assoc."),
            ("Physical Review D", "Phys. Rev. D"), ("Nature Communications", "Nat. Commun."),
            ("The Lancet", "Lancet"), ("IEEE Transactions on Pattern Analysis and Machine Intelligence",
                                       "IEEE Trans. Pattern Anal. Mach. Intell."),
            ("Journal of Finance", "J. Finance"), ("Linguistic Inquiry", "Linguist. Inq."),
            ("ACM Computing Surveys", "ACM Comput. Surv."), ("Proceedings of the National Academy of Sciences",
                                                           "Proc. Natl. Acad. Sci. U.S.A."),
            ("Journal of Memory and Language", "J. Mem. Lang."), ("Ecology Letters", "Ecol. Lett."),
            ("BMJ", "BMJ")]
CONFERENCES = [("Proceedings of the IEEE Conference on Computer Vision and Pattern Recognition", "IEEE",
                "Piscataway, NJ"),
               ("Proceedings of the 2020 Conference on Empirical Methods in Natural Language Processing (EMNLP)",
                "Association for Computational Linguistics", "Stroudsburg, PA"),
               ("Proceedings of the 28th ACM SIGKDD Conference on Knowledge Discovery and Data Mining", "ACM",
                "New York, NY"),
               ("International Conference on Learning Representations", "", ""),
               ("Proceedings of the 45th International ACM SIGIR Conference on Research and Development in "
                "Information Retrieval", "Association for Computing Machinery", "New York, NY, USA"),
               ("Interspeech 2021", "ISCA", "Brno, Czechia")]
PUBLISHERS = [("Cambridge University Press", "Cambridge"), ("Oxford University Press", "Oxford"),
              ("Springer", "Cham"), ("MIT Press", "Cambridge, MA"), ("Routledge", "London"),
              ("Princeton University Press", "Princeton, NJ"), ("Wiley", "Hoboken, NJ"),
              ("Suhrkamp", "Frankfurt am Main"), ("O'Reilly Media", "Sebastopol, CA"), ("Elsevier", "Amsterdam")]
UNIVERSITIES = [("University of Cambridge", "Cambridge"), ("Stanford University", "Stanford, CA"),
                ("ETH Zürich", "Zürich"), ("Universidade de São Paulo", "São Paulo"), ("Kyoto University", "Kyoto"),
                ("University of Toronto", "Toronto")]
NEWSPAPERS = ["The Guardian", "The Washington Post", "Financial Times", "Süddeutsche Zeitung", "The Hindu"]
SITES = [("Mozilla Developer Network", "https://developer.mozilla.org/en-US/docs/Web/HTTP"),
         ("Stanford Encyclopedia of Philosophy", "https://plato.stanford.edu/entries/logic-modal/"),
         ("BBC News", "https://www.bbc.co.uk/news/science-environment-12345678"),
         ("GitHub Docs", "https://docs.github.com/en/actions"), ("Wikipedia", "https://en.wikipedia.org/wiki/CSL")]
TOPICS = ["sparse attention", "protein folding", "monetary policy", "coral reef resilience", "child language acquisition",
          "graph neural networks", "dark matter halos", "urban heat islands", "federated learning",
          "medieval trade routes", "CRISPR screening", "quantum error correction", "labour market frictions",
          "speech synthesis", "Bayesian optimisation", "RNA velocity", "the Maillard reaction", "glacier retreat",
          "question answering", "LLM evaluation"]
PATTERNS = ["A study of {t}", "{T}: A review", "Rethinking {t}", "{T} in practice: Lessons from ten years of data",
            "On the limits of {t}", "Towards scalable {t}", "{T} revisited", "New evidence on {t} from Europe",
            "What drives {t}?", "Measuring {t}: Methods and pitfalls"]


def gen_names(rng: random.Random, k: int) -> list[dict[str, str]]:
    out = []
    for _ in range(k):
        r = rng.random()
        if r < 0.08:
            particle, family = rng.choice(PARTICLED)
            out.append(n(family, rng.choice(GIVEN), non_dropping_particle=particle))
        elif r < 0.11:
            out.append(n(rng.choice(FAMILY), rng.choice(GIVEN), suffix=rng.choice(["Jr.", "III", "Sr."])))
        else:
            out.append(n(rng.choice(FAMILY), rng.choice(GIVEN)))
    return out


def gen_count(rng: random.Random) -> int:
    return rng.choices([1, 2, 3, 4, 5, 6, 7, 8, 12, 23], weights=[18, 22, 18, 12, 8, 6, 5, 4, 4, 3])[0]


def gen_title(rng: random.Random) -> str:
    t = rng.choice(TOPICS)
    return rng.choice(PATTERNS).format(t=t, T=t[0].upper() + t[1:])


def gen_date(rng: random.Random, lo: int = 1975, hi: int = 2025) -> dict[str, Any] | None:
    y = rng.randint(lo, hi)
    r = rng.random()
    if r < 0.35:
        return d(y)
    if r < 0.6:
        return d(y, rng.randint(1, 12))
    if r < 0.97:
        return d(y, rng.randint(1, 12), rng.randint(1, 28))
    return None


def gen_pages(rng: random.Random) -> str:
    first = rng.randint(1, 2400)
    r = rng.random()
    if r < 0.06:
        return f"e{rng.randint(100, 99999)}"
    if r < 0.1:
        return str(first)
    last = first + rng.randint(1, 40)
    dash = "–" if r < 0.3 else "-"
    return f"{first}{dash}{last}"


def generated(rng: random.Random) -> list[Item]:
    kinds = ["article-journal"] * 40 + ["paper-conference"] * 20 + ["book"] * 12 + ["chapter"] * 10 + \
            ["report"] * 7 + ["thesis"] * 6 + ["webpage"] * 6 + ["article"] * 6 + ["article-newspaper"] * 3
    rng.shuffle(kinds)
    items: list[Item] = []
    for i, kind in enumerate(kinds[:N_GENERATED], 1):
        it: Item = {"id": f"gen{i:03d}", "type": kind, "title": gen_title(rng)}
        if rng.random() < 0.05:
            it["author"] = [lit(rng.choice(CORPORATE))]
        elif not (kind in ("webpage", "article-newspaper") and rng.random() < 0.3):
            it["author"] = gen_names(rng, gen_count(rng))
        date = gen_date(rng)
        if date:
            it["issued"] = date
        if kind == "article-journal":
            journal, short = rng.choice(JOURNALS)
            it["container-title"] = journal
            if rng.random() < 0.5:
                it["container-title-short"] = short
            it["volume"] = str(rng.randint(1, 140))
            if rng.random() < 0.7:
                it["issue"] = str(rng.randint(1, 12))
            it["page"] = gen_pages(rng)
            if rng.random() < 0.7:
                it["DOI"] = f"10.{rng.randint(1000, 9999)}/{rng.choice(['j', 's', 'a'])}{rng.randint(10000, 99999)}"
        elif kind == "paper-conference":
            name, publisher, place = rng.choice(CONFERENCES)
            it["container-title"] = name
            if publisher:
                it["publisher"] = publisher
            if place:
                it["publisher-place"] = place
            if rng.random() < 0.8:
                it["page"] = gen_pages(rng)
            if rng.random() < 0.5:
                it["DOI"] = f"10.1145/{rng.randint(3000000, 3999999)}.{rng.randint(3000000, 3999999)}"
        elif kind in ("book", "chapter"):
            publisher, place = rng.choice(PUBLISHERS)
            it["publisher"] = publisher
            it["publisher-place"] = place
            if rng.random() < 0.3:
                it["edition"] = str(rng.randint(2, 6))
            if kind == "chapter":
                it["container-title"] = "The " + rng.choice(["Routledge", "Cambridge", "Oxford", "Wiley"]) + \
                                        " handbook of " + rng.choice(TOPICS)
                it["editor"] = gen_names(rng, rng.choice([1, 1, 2, 2, 3]))
                it["page"] = gen_pages(rng)
            elif rng.random() < 0.15:
                it["editor"] = it.pop("author", gen_names(rng, 2))
        elif kind == "report":
            it["publisher"] = rng.choice(CORPORATE + ["RAND Corporation", "Brookings Institution"])
            if rng.random() < 0.6:
                it["number"] = f"{rng.choice(['WP', 'TR', 'No.'])} {rng.randint(1, 999)}"
            if rng.random() < 0.5:
                it["publisher-place"] = rng.choice(["Santa Monica, CA", "Washington, DC", "Geneva", "Paris"])
        elif kind == "thesis":
            school, place = rng.choice(UNIVERSITIES)
            it["publisher"] = school
            it["publisher-place"] = place
            it["genre"] = rng.choice(["PhD thesis", "Doctoral dissertation", "Master's thesis"])
            it["author"] = gen_names(rng, 1)
        elif kind == "webpage":
            site, url = rng.choice(SITES)
            it["container-title"] = site
            it["URL"] = url
            it["accessed"] = d(rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28))
        elif kind == "article":
            y = (it.get("issued") or d(2021))["date-parts"][0][0]
            y = max(y, 2008)
            it["issued"] = d(y, rng.randint(1, 12))
            arxiv = f"{y % 100:02d}{rng.randint(1, 12):02d}.{rng.randint(1000, 19999):05d}"
            # As Zotero exports a preprint: Repository (publisher) and Archive ID (number).
            it.update({"publisher": "arXiv", "number": f"arXiv:{arxiv}", "URL": f"https://arxiv.org/abs/{arxiv}"})
            rng.random()  # the draw that once chose whether to add the publisher: the rest stays as it was
        elif kind == "article-newspaper":
            it["container-title"] = rng.choice(NEWSPAPERS)
            if rng.random() < 0.6:
                it["page"] = f"{rng.choice('ABCD')}{rng.randint(1, 24)}"
            it["issued"] = d(rng.randint(1990, 2025), rng.randint(1, 12), rng.randint(1, 28))
        items.append(it)
    return items


def corpus() -> tuple[list[Item], list[Item]]:
    rng = random.Random(SEED)
    return [*HAND, *generated(rng)], list(PARTIAL_ITEMS)


def dump(items: list[Item]) -> str:
    return json.dumps(items, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if the committed files are out of date")
    args = ap.parse_args(argv)
    full, partial = corpus()
    ids = [it["id"] for it in full + partial]
    assert len(ids) == len(set(ids)), "duplicate ids"
    stale = False
    for path, items in ((CORPUS, full), (PARTIAL, partial)):
        text = dump(items)
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                print(f"{path.relative_to(ROOT)} is out of date", file=sys.stderr)
                stale = True
        else:
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}: {len(items)} items", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
