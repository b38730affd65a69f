"""Did-you-mean: the known names closest to a misspelt one.

Ranked the way people misspell: names that start with what was typed come
first (``chicago`` -> ``chicago-author-date``, the short list of common
names before the others, then shortest first), then names
with a hyphen-separated part starting with it (``author`` ->
``chicago-author-date``), then the rest by similarity (difflib's ratio, and
the best ratio against a same-length prefix of the name, so ``chicgo``
still finds ``chicago-author-date``). Ties break by name, so the hint is
deterministic.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(
    name: str, known: Iterable[str], n: int = 3, cutoff: float = 0.6, preferred: Iterable[str] = ()
) -> list[str]:
    """Up to ``n`` names of ``known`` close to ``name``, best first.

    ``preferred`` names (the short list people use most) go first within each rank.
    """
    favourite = set(preferred)
    typed = name.strip().lower()
    if not typed:
        return []
    scored: list[tuple[int, float, int, str]] = []
    for cand in set(known):
        low = cand.lower()
        if low == typed:
            continue
        if low.startswith(typed):
            scored.append((0 if cand in favourite else 2, 0.0, len(cand), cand))
            continue
        if any(part.startswith(typed) for part in low.replace("_", "-").split("-")[1:]):
            scored.append((3, 0.0, len(cand), cand))
            continue
        ratio = difflib.SequenceMatcher(None, typed, low).ratio()
        head = difflib.SequenceMatcher(None, typed, low[: len(typed)]).ratio() if len(low) > len(typed) else 0.0
        best = max(ratio, head - 0.05)  # a prefix match ranks a little below a whole-name match
        if best >= cutoff:
            # A close preferred name ranks just after the preferred prefix matches.
            scored.append((1 if cand in favourite else 4, -best, len(cand), cand))
    scored.sort()
    return [c for *_, c in scored[:n]]


def hint(name: str, known: Iterable[str], n: int = 3, preferred: Iterable[str] = ()) -> str:
    """``did you mean 'a', 'b'?`` or ``""``."""
    close = closest(name, known, n, preferred=preferred)
    return "did you mean " + ", ".join(f"'{c}'" for c in close) + "?" if close else ""
