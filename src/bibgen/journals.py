"""Journal names: ISO 4 abbreviations (``--abbreviate-journals``) and the reverse.

Abbreviating uses pyiso4, which applies the ISO 4 rules with the ISSN
centre's List of Title Word Abbreviations (LTWA); the result is what journals
print as their ISO abbreviation (``J. Mach. Learn. Res.``). There is no rule
for the reverse, so ``--expand-journals`` uses a table: the full names in
:data:`KNOWN` and in ``journal-names`` of the ``[bibtex]`` configuration,
each under its ISO 4 form; an abbreviation of a name not listed is kept.
"""

from __future__ import annotations

from functools import lru_cache

# Full names whose ISO 4 abbreviation --expand-journals recognises without configuration.
KNOWN = (
    "Journal of Machine Learning Research",
    "Transactions on Machine Learning Research",
    "IEEE Transactions on Pattern Analysis and Machine Intelligence",
    "IEEE Transactions on Neural Networks and Learning Systems",
    "IEEE Transactions on Information Theory",
    "IEEE Transactions on Signal Processing",
    "IEEE Transactions on Image Processing",
    "Proceedings of the National Academy of Sciences",
    "Proceedings of the IEEE",
    "Communications of the ACM",
    "Journal of the ACM",
    "ACM Computing Surveys",
    "ACM Transactions on Graphics",
    "Physical Review Letters",
    "Physical Review D",
    "Nature Communications",
    "Nature Machine Intelligence",
    "Nature Methods",
    "Scientific Reports",
    "Neural Computation",
    "Neural Networks",
    "Artificial Intelligence",
    "Machine Learning",
    "Journal of Artificial Intelligence Research",
    "International Journal of Computer Vision",
    "Computational Linguistics",
    "Transactions of the Association for Computational Linguistics",
    "Bioinformatics",
    "Journal of the American Statistical Association",
    "Annals of Statistics",
    "Journal of the Royal Statistical Society: Series B (Statistical Methodology)",
)


@lru_cache(maxsize=1)
def _abbreviator():  # type: ignore[no-untyped-def]
    from pyiso4.ltwa import Abbreviate

    return Abbreviate.create()


@lru_cache(maxsize=16384)
def abbreviate(name: str) -> str:
    """The ISO 4 abbreviation of a journal name (single-word names stay whole).

    A name that is already abbreviated (a word ending in ``.``) is kept, so
    abbreviating twice changes nothing.
    """
    if not name.strip() or any(w.endswith(".") for w in name.split()):
        return name
    try:
        out = _abbreviator()(name, remove_part=True)
    except Exception:  # pyiso4 raises on text it cannot parse: keep the name
        return name
    return out or name


def _norm(s: str) -> str:
    return " ".join(s.replace(".", " ").split()).casefold()


@lru_cache(maxsize=8)
def _table(extra: tuple[str, ...]) -> dict[str, str]:
    return {_norm(abbreviate(full)): full for full in KNOWN + extra}


def expand(name: str, extra: tuple[str, ...] = ()) -> str:
    """The full name of an ISO 4 abbreviation of a known (or ``extra``) journal, else ``name``."""
    return _table(extra).get(_norm(name), name)
