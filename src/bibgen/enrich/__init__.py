"""Complete entries from public scholarly APIs (arXiv, Crossref, DBLP, OpenAlex, Semantic Scholar).

See :mod:`bibgen.enrich.stage` for the two halves (``lookup`` writes the lock,
``apply_lock`` fills entries from it), :mod:`bibgen.enrich.match` for the
accept rule, :mod:`bibgen.enrich.http` and :mod:`bibgen.enrich.cache` for the
network and the cache.
"""
