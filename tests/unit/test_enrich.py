"""bibgen enrich: recorded real responses replayed (httpx.MockTransport), matching traps, the lock, the CLI.

No test uses the network: replies come from tests/data/enrich (see its README)
or from the fault server in test_enrich_faults.py.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
from hypothesis import given, strategies as st
import pytest

from bibgen.config import load_config
from bibgen.enrich import match
from bibgen.enrich.cache import ResponseCache
from bibgen.enrich.http import FetchSettings, Fetcher, ProviderLimits
from bibgen.enrich.lock import Lock
from bibgen.enrich.match import Candidate, Subject, decide, score
from bibgen.enrich.providers import arxiv, crossref, dblp, openalex, semanticscholar
from bibgen.enrich.run import run_enrich
from bibgen.enrich.stage import EnrichPolicy, apply_lock, explain, lookup
from bibgen.errors import ConfigError
from bibgen.model import Entry, EntryKind, Fields, Origin, Person
from bibgen.normalize import parse_name
from tests.conftest import run_cli

DATA = Path(__file__).resolve().parent.parent / "data" / "enrich"
NO_WAIT = {name: ProviderLimits(interval=0.0, content_types=mod.LIMITS.content_types)
           for name, mod in (("arxiv", arxiv), ("crossref", crossref), ("dblp", dblp), ("openalex", openalex), ("semanticscholar", semanticscholar))}


def fixture(name: str) -> dict:
    return json.loads((DATA / name).read_text("utf-8"))


def body(name: str) -> bytes:
    return fixture(name)["body"].encode("utf-8")


def replay(routes: dict[str, str], seen: list[str] | None = None) -> httpx.MockTransport:
    """Answer each request with the recorded fixture whose route (host + path prefix) it matches; 404 otherwise."""

    def handler(request: httpx.Request) -> httpx.Response:
        url = f"{request.url.host}{request.url.path}"
        if seen is not None:
            seen.append(str(request.url))
        for prefix, name in sorted(routes.items(), key=lambda kv: -len(kv[0])):
            if url.startswith(prefix):
                rec = fixture(name)
                return httpx.Response(rec["status"], headers={"content-type": rec["content_type"]}, content=rec["body"].encode("utf-8"))
        return httpx.Response(404, headers={"content-type": "application/json"}, content=b'{"message":"not found"}')

    return httpx.MockTransport(handler)


def fetcher(tmp_path: Path, transport: httpx.BaseTransport | None, **settings) -> Fetcher:
    return Fetcher(ResponseCache(tmp_path / "cache.sqlite"), FetchSettings(sleep=lambda s: None, **settings), transport=transport, limits=NO_WAIT)


def entry(title: str, authors: list[str] = (), partial: bool = True, line: int = 1, **fields: str) -> Entry:
    people = {"author": tuple(parse_name(a) for a in authors)} if authors else {}
    return Entry(EntryKind.MISC, Fields(title=title, **fields), people, Origin("src.txt", line, 1),
                 partial=frozenset({"author"}) if partial and authors else frozenset())


# ------------------------------------------------------------------ parsers on real responses


def test_arxiv_feed_by_id():
    [c] = arxiv.parse(body("arxiv-id-1605.08386.json"))
    assert (c.eprint, c.eprintclass, c.year, c.date) == ("1605.08386", "math.CO", "2016", "2016-05-26")
    assert [p.family for p in c.authors] == ["Stanley", "Windisch"]
    assert c.title == "Heat-bath random walks with Markov bases"


def test_arxiv_empty_feed_and_journal_refs():
    assert arxiv.parse(body("arxiv-id-0000.0000.json")) == []
    found = arxiv.parse(body("arxiv-query-testing.json"))
    assert len(found) == 10
    first = found[0]
    assert first.published_doi == "10.1109/ICSTW55395.2022.00035" and "ICSTW" in first.journal_ref
    assert any(p.family == "Ramírez" for c in found for p in c.authors)  # UTF-8 names survive


def test_crossref_work_and_query():
    [c] = crossref.parse(body("crossref-work-10.1371-journal.pone.0033693.json"))
    assert (c.doi, c.container, c.volume, c.number, c.pages, c.year, c.kind) == (
        "10.1371/journal.pone.0033693", "PLoS ONE", "7", "3", "e33693", "2012", "article")
    [n] = crossref.parse(body("crossref-work-10.1016-j.neurobiolaging.2010.03.024.json"))
    assert n.pages == "588--602" and n.container == "Neurobiology of Aging"
    hits = crossref.parse(body("crossref-query-ecology-boettiger.json"))
    assert len(hits) == 20 and hits[0].title == "The forecast trap"


def test_dblp_search():
    hits = dblp.parse(body("dblp-query-test.json"))
    assert len(hits) == 30
    h = hits[0]
    assert (h.record_id, h.pages, h.doi, h.kind, h.container) == (
        "conf/ats/ShinogiYHTY05", "366--371", "10.1109/ATS.2005.17", "inproceedings", "Asian Test Symposium")
    single = [x for x in hits if x.record_id == "conf/date/Pomeranz14"][0]  # "author" is one string, not a list
    assert [p.family for p in single.authors] == ["Pomeranz"]


def test_openalex_and_semanticscholar():
    [w] = openalex.parse(body("openalex-work-10.7717-peerj.4375.json"))
    assert (w.doi, w.container, w.volume, w.pages, w.year) == ("10.7717/peerj.4375", "PeerJ", "6", "e4375", "2018")
    assert len(w.authors) == 9 and w.authors[2].family == "Larivière"
    [p] = semanticscholar.parse(body("s2-paper-10.1093-mind-lix.236.433.json"))
    assert (p.title, p.year, p.container, p.volume, p.pages) == ("Computing Machinery and Intelligence", "1950", "Mind", "LIX", "433--460")
    batch = semanticscholar.parse(body("s2-batch.json"))  # the unknown id answers null
    assert len(batch) == 3


# ------------------------------------------------------------------ matching


def cand(title: str, authors: list[str], year: str = "", **kw) -> Candidate:
    return Candidate("test", kw.pop("record_id", title), title, tuple(parse_name(a) for a in authors), year, **kw)


GEMMAS = [
    cand("Gemma: Open Models Based on Gemini Research and Technology", ["Gemma Team", "Mesnard, Thomas", "Kavukcuoglu, Koray"], "2024"),
    cand("Gemma 2: Improving Open Language Models at a Practical Size", ["Gemma Team", "Riviere, Morgane", "Kavukcuoglu, Koray"], "2024"),
    cand("Gemma 3 Technical Report", ["Gemma Team", "Kamath, Aishwarya", "Kavukcuoglu, Koray"], "2025"),
    cand("Gemma 2 Technical Report", ["Gemma Team", "Kavukcuoglu, Koray"], "2024"),
]


@pytest.mark.parametrize("title, expected", [
    ("Gemma 3 Technical Report", "Gemma 3 Technical Report"),
    ("Gemma: Open Models Based on Gemini Research and Technology", "Gemma: Open Models Based on Gemini Research and Technology"),
    ("Gemma 2: Improving Open Language Models at a Practical Size", "Gemma 2: Improving Open Language Models at a Practical Size"),
])
def test_numbered_versions_match_only_themselves(title, expected):
    d = decide(Subject(title, ("kavukcuoglu",)), GEMMAS)
    assert d.status == "matched" and d.best.candidate.title == expected
    vetoed = [s for s in d.scores if s.candidate.title != expected and s.parts["title"] > 0.85]
    assert all("numbers" in s.veto for s in vetoed)


def test_gemma_4_is_not_found_among_the_others():
    assert decide(Subject("Gemma 4 Technical Report", ("kavukcuoglu",)), GEMMAS).status == "not-found"


def test_deep_learning_needs_more_than_title():
    nature = cand("Deep learning", ["LeCun, Yann", "Bengio, Yoshua", "Hinton, Geoffrey"], "2015", container="Nature")
    kdd = cand("Deep Learning", ["Chen, Xue-Wen", "Lin, Xiaotong"], "2014", container="KDD", record_id="kdd")
    # Title alone: never.
    assert decide(Subject("Deep Learning"), [kdd]).status == "not-found"
    # An author in common but nothing else: still not trusted.
    assert decide(Subject("Deep Learning", ("bengio",)), [nature, kdd]).status == "not-found"
    # Author and year agree: accepted, and the unrelated KDD paper is vetoed.
    d = decide(Subject("Deep Learning", ("bengio",), 2015), [nature, kdd])
    assert d.status == "matched" and d.best.candidate is nature
    assert [s.veto for s in d.scores if s.candidate is kdd] == ["no author in common"]


def test_introduction_is_generic():
    c = cand("Introduction", ["Smith, John"], "2010", container="Handbook of Things")
    assert decide(Subject("Introduction", ("smith",)), [c]).status == "not-found"
    assert decide(Subject("Introduction", ("smith",), 2010), [c]).status == "matched"


def test_runner_up_too_close_is_ambiguous():
    a = cand("Attention Is All You Need", ["Vaswani, Ashish"], "2017", doi="10.1/a", record_id="a")
    b = cand("Attention is all you need", ["Vaswani, Ashish"], "2017", doi="10.1/b", record_id="b")
    d = decide(Subject("Attention Is All You Need", ("vaswani",), 2017), [a, b])
    assert d.status == "ambiguous" and "not clearly ahead" in d.reason
    # The same record twice (one DOI) is no rival.
    assert decide(Subject("Attention Is All You Need", ("vaswani",), 2017), [a, a]).status == "matched"


def test_years_far_apart_veto():
    c = cand("A Long Enough Title About Graph Neural Networks", ["Kipf, Thomas"], "2012")
    assert "years differ" in score(Subject("A long enough title about graph neural networks", ("kipf",), 2017), c).veto


# ------------------------------------------------------------------ lookup, lock, apply


def policy(tmp_path: Path, **kw) -> EnrichPolicy:
    return EnrichPolicy(lock=tmp_path / "bibgen-enrich.lock", concurrency=2, **kw)


def test_author_page_entry_completed_from_arxiv(tmp_path):
    e = entry("Heat-bath random walks with Markov bases", ["Windisch, Tobias"])
    pol = policy(tmp_path, providers=("arxiv",))
    lock = Lock(pol.lock)
    summary = lookup([e], pol, fetcher(tmp_path, replay({"export.arxiv.org/api/query": "arxiv-id-1605.08386.json"})), lock)
    assert (summary.looked_up, summary.filled) == (1, 1)
    pol.lock.write_text(lock.dump(), "utf-8")
    [out] = apply_lock([e], pol)
    assert out.get("year") == "2016" and out.get("eprint") == "1605.08386" and out.get("eprintclass") == "math.CO"
    assert [p.family for p in out.authors] == ["Stanley", "Windisch"] and "author" not in out.partial
    assert out.get("title") == e.get("title")
    text = explain(out.replace(key="stanley2016"), pol)
    assert "arxiv 1605.08386" in text and "retrieved" in text and "year = 2016" in text


def test_user_fields_win_unless_overwrite(tmp_path):
    e = entry("Methylphenidate Exposure Induces Dopamine Neuron Loss and Activation of Microglia in the Basal Ganglia of Mice",
              ["Sadasivan, Shankar"], doi="10.1371/journal.pone.0033693", pages="1--10")
    routes = {"api.crossref.org/works": "crossref-work-10.1371-journal.pone.0033693.json"}
    for overwrite, pages in ((frozenset(), "1--10"), (frozenset({"pages"}), "e33693")):
        pol = policy(tmp_path, providers=("crossref",), overwrite=overwrite)
        lock = Lock(pol.lock)
        lookup([e], pol, fetcher(tmp_path, replay(routes)), lock)
        pol.lock.write_text(lock.dump(), "utf-8")
        [out] = apply_lock([e], pol)
        assert out.get("pages") == pages
        assert (out.get("container"), out.get("volume"), out.get("number"), out.get("year")) == ("PLoS ONE", "7", "3", "2012")


def test_preprint_keeps_its_version_unless_published(tmp_path):
    # An arXiv entry whose Crossref match is the journal article: without `published`, no journal fields.
    title = "Methylphenidate Exposure Induces Dopamine Neuron Loss and Activation of Microglia in the Basal Ganglia of Mice"
    e = entry(title, ["Sadasivan, Shankar"], doi="10.1371/journal.pone.0033693", eprint="1201.00001", eprinttype="arxiv")
    routes = {"api.crossref.org/works": "crossref-work-10.1371-journal.pone.0033693.json"}
    pol = policy(tmp_path, providers=("crossref",))
    lock = Lock(pol.lock)
    lookup([e], pol, fetcher(tmp_path, replay(routes)), lock)
    pol.lock.write_text(lock.dump(), "utf-8")
    [out] = apply_lock([e], pol)
    assert not out.get("container") and not out.get("volume")
    assert len(out.authors) > 1  # the author list belongs to the work, not the version


def test_wrong_record_is_not_used(tmp_path):
    # A Crossref search answers with unrelated ecology papers: nothing is filled, the entry is not found.
    e = entry("Deep Learning", ["Bengio, Yoshua"])
    pol = policy(tmp_path, providers=("crossref",))
    lock = Lock(pol.lock)
    s = lookup([e], pol, fetcher(tmp_path, replay({"api.crossref.org/works": "crossref-query-ecology-boettiger.json"})), lock)
    assert (s.filled, s.not_found) == (0, 1)
    pol.lock.write_text(lock.dump(), "utf-8")
    assert apply_lock([e], pol) == [e]


def test_offline_uses_only_the_cache(tmp_path):
    e = entry("Heat-bath random walks with Markov bases", ["Windisch, Tobias"])
    pol = policy(tmp_path, providers=("arxiv",))
    seen: list[str] = []
    lookup([e], pol, fetcher(tmp_path, replay({"export.arxiv.org/api/query": "arxiv-id-1605.08386.json"}, seen)), Lock(pol.lock))
    assert len(seen) == 1

    def refuse(request):
        raise AssertionError("network used")

    lock = Lock(pol.lock)
    s = lookup([e], pol, fetcher(tmp_path, httpx.MockTransport(refuse), offline=True), lock)
    assert s.filled == 1
    empty = tmp_path / "other"
    empty.mkdir()
    s2 = lookup([e], pol, Fetcher(ResponseCache(empty / "c.sqlite"), FetchSettings(offline=True), httpx.MockTransport(refuse), NO_WAIT), Lock(pol.lock))
    assert s2.failed == 1 and "not in the cache" in s2.messages[0]
    assert not (empty / "c.sqlite").exists()  # an offline miss creates no cache file


def test_config_enrich_key(tmp_path):
    (tmp_path / "bibgen.yaml").write_text("enrich:\n  providers: [crossref, arxiv]\n  contact: me@example.org\n  overwrite: [pages]\n", "utf-8")
    cfg = load_config(path=tmp_path / "bibgen.yaml")
    assert cfg.enrich.providers == ("crossref", "arxiv") and cfg.enrich.lock == (tmp_path / "bibgen-enrich.lock").resolve()
    assert cfg.options().enrich is cfg.enrich
    for bad, msg in (("enrich:\n  providers: [google]\n", "unknown provider 'google'"),
                     ("enrich:\n  overwite: [pages]\n", "unknown key 'overwite'"),
                     ("enrich:\n  overwrite: [title]\n", "'title' is not a field"),
                     ("enrich:\n  threshold: 2\n", "threshold")):
        (tmp_path / "bibgen.yaml").write_text(bad, "utf-8")
        with pytest.raises(ConfigError, match=msg) as info:
            load_config(path=tmp_path / "bibgen.yaml")
        assert info.value.origin.line == 2 or info.value.origin.line == 1


SEED_PAGE = """Goto

Collaborating Authors

 Windisch, Tobias


Heat-bath random walks with Markov bases

arXiv.org Combinatorics

Graphs on lattice points are studied whose edges come from a finite set of allowed moves of arbitrary length.
"""


def project(tmp_path: Path) -> Path:
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "page.txt").write_text(SEED_PAGE, "utf-8")
    (tmp_path / "bibgen.yaml").write_text(
        "sources: [seeds]\noutputs:\n  - path: refs.bib\nenrich:\n  providers: [arxiv]\n", "utf-8")
    return tmp_path


def test_cli_enrich_then_export_and_sync_offline(tmp_path, monkeypatch, capsys):
    root = project(tmp_path)
    monkeypatch.chdir(root)
    cfg = load_config(path=root / "bibgen.yaml")
    transport = replay({"export.arxiv.org/api/query": "arxiv-id-1605.08386.json"})
    cache = ResponseCache(tmp_path / "cache.sqlite")
    code = run_enrich(cfg, cfg.options(), cfg.enrich, [root / "seeds"], transport=transport, limits=NO_WAIT, cache=cache)
    assert code == 0
    first = cfg.enrich.lock.read_bytes()
    assert "1 looked up, 1 filled" in capsys.readouterr().err
    # The same cache, offline: the lock is byte-identical.
    run_enrich(cfg, cfg.options(), cfg.enrich, [root / "seeds"], offline=True, limits=NO_WAIT, cache=cache)
    assert cfg.enrich.lock.read_bytes() == first
    env = {"BIBGEN_CACHE_DIR": str(tmp_path / "nocache"), "HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"}
    out = run_cli("export", cwd=root, env=env)
    assert out.returncode == 0, out.stderr
    assert "year = {2016}" in out.stdout and "Stanley, Caprice and Windisch, Tobias" in out.stdout
    assert "eprint = {1605.08386}" in out.stdout
    assert run_cli("sync", cwd=root, env=env).returncode == 0
    check = run_cli("sync", "--check", cwd=root, env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    # Editing the lock is noticed by sync --check (the in-sync cache hashes it).
    data = json.loads(cfg.enrich.lock.read_text("utf-8"))
    for rec in data["works"].values():
        rec["fields"]["year"]["value"] = "2017"
    cfg.enrich.lock.write_text(json.dumps(data), "utf-8")
    assert run_cli("sync", "--check", cwd=root, env=env).returncode == 1
    key = [ln for ln in out.stdout.splitlines() if ln.startswith("@")][0].split("{", 1)[1].rstrip(",")
    ex = run_cli("enrich", "--explain", key, cwd=root, env=env)
    assert ex.returncode == 0, ex.stderr
    assert "arxiv 1605.08386" in ex.stdout and "retrieved" in ex.stdout


def test_cli_enrich_offline_without_cache_exits_1(tmp_path):
    root = project(tmp_path)
    out = run_cli("enrich", "--offline", cwd=root, env={"BIBGEN_CACHE_DIR": str(tmp_path / "empty")})
    assert out.returncode == 1
    assert "not in the cache (--offline)" in out.stderr and "1 failed" in out.stderr
    bad = run_cli("enrich", "--providers", "google", cwd=root, env={"BIBGEN_CACHE_DIR": str(tmp_path / "empty")})
    assert bad.returncode == 2 and "unknown provider 'google'" in bad.stderr


def test_preprint_to_published_version(tmp_path):
    # The recorded arXiv feed names the published DOI of its first entry; the Crossref reply for that
    # DOI is constructed here (no client library records this one), in Crossref's documented shape.
    title = "Testing Deep Learning Models: A First Comparative Study of Multiple Testing Techniques"
    published = {"status": "ok", "message-type": "work", "message": {
        "DOI": "10.1109/ICSTW55395.2022.00035", "type": "proceedings-article", "title": [title],
        "author": [{"given": "Mohit Kumar", "family": "Ahuja"}, {"given": "Arnaud", "family": "Gotlieb"}, {"given": "Helge", "family": "Spieker"}],
        "container-title": ["2022 IEEE International Conference on Software Testing, Verification and Validation Workshops (ICSTW)"],
        "page": "130-137", "issued": {"date-parts": [[2022, 4]]}, "publisher": "IEEE"}}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == "export.arxiv.org":
            return httpx.Response(200, headers={"content-type": "application/atom+xml"}, content=body("arxiv-query-testing.json"))
        assert request.url.path.lower() == "/works/10.1109/icstw55395.2022.00035"  # DOIs are case-insensitive
        return httpx.Response(200, headers={"content-type": "application/json"}, content=json.dumps(published).encode())

    e = entry(title, ["Spieker, Helge"], venue="arXiv.org Software Engineering")
    results = {}
    for flag in (False, True):
        pol = policy(tmp_path / str(flag), providers=("arxiv",), published=flag)
        (tmp_path / str(flag)).mkdir()
        lock = Lock(pol.lock)
        lookup([e], pol, fetcher(tmp_path / str(flag), httpx.MockTransport(handler)), lock)
        pol.lock.write_text(lock.dump(), "utf-8")
        [results[flag]] = apply_lock([e], pol)
    plain, pub = results[False], results[True]
    assert plain.get("eprint") == "2202.12139" and not plain.get("doi") and not plain.get("container") and plain.kind is EntryKind.MISC
    assert pub.get("eprint") == "2202.12139" and pub.get("doi") == "10.1109/ICSTW55395.2022.00035"
    assert "ICSTW" in pub.get("container") and pub.get("pages") == "130--137" and pub.kind is EntryKind.INPROCEEDINGS
    assert pub.get("year") == "2022"


def test_complete_entries_and_titleless_entries_make_no_request(tmp_path):
    seen: list[str] = []
    done = entry("Heat-bath random walks with Markov bases", ["Windisch, Tobias"], partial=False, year="2016",
                 eprint="1605.08386", eprinttype="arxiv", eprintclass="math.CO", url="https://arxiv.org/abs/1605.08386")
    untitled = Entry(EntryKind.MISC, Fields(note="no title"), {}, Origin("src.txt", 9, 1))
    pol = policy(tmp_path, providers=("arxiv",))
    s = lookup([done, untitled], pol, fetcher(tmp_path, replay({"export.arxiv.org/api/query": "arxiv-id-1605.08386.json"}, seen)), Lock(pol.lock))
    assert seen == [] and (s.looked_up, s.unchanged, s.not_found) == (1, 1, 1)


def test_preprint_stops_after_arxiv(tmp_path):
    seen: list[str] = []
    e = entry("Heat-bath random walks with Markov bases", ["Windisch, Tobias"], venue="arXiv.org Combinatorics")
    pol = policy(tmp_path)  # every provider, in the default order
    routes = {"export.arxiv.org/api/query": "arxiv-id-1605.08386.json"}
    s = lookup([e], pol, fetcher(tmp_path, replay(routes, seen)), Lock(pol.lock))
    assert s.filled == 1 and len(seen) == 1 and "export.arxiv.org" in seen[0]


@given(st.permutations(GEMMAS + [cand("Gemma 3 Technical Report", ["Gemma Team", "Kavukcuoglu, Koray"], "2025", record_id="dup")]))
def test_decision_does_not_depend_on_candidate_order(cands):
    d = decide(Subject("Gemma 3 Technical Report", ("kavukcuoglu",)), cands)
    assert d.status == "ambiguous" and "not clearly ahead" in d.reason
    d2 = decide(Subject("Gemma 2: Improving Open Language Models at a Practical Size", ("kavukcuoglu",)), cands)
    assert d2.status == "matched" and d2.best.candidate.record_id == GEMMAS[1].record_id


def test_lock_is_the_same_whatever_the_entry_order(tmp_path):
    pages = [entry("Heat-bath random walks with Markov bases", [name], line=i) for i, name in enumerate(["Windisch, Tobias", "Stanley, Caprice"])]
    pages.append(entry("Proceedings of Workshop AEW10: Concepts in Information Theory and Communications", ["Immink, Kees A. Schouhamer"], line=5))
    routes = {"export.arxiv.org/api/query": "arxiv-id-1605.08386.json"}
    dumps = []
    for order in (pages, pages[::-1]):
        pol = policy(tmp_path, providers=("arxiv",))
        lock = Lock(pol.lock)
        lookup(order, pol, fetcher(tmp_path, replay(routes)), lock)
        dumps.append(lock.dump())
    assert dumps[0] == dumps[1] and dumps[0].count('"status": "matched"') == 2


def test_markup_and_entities_from_providers_are_text():
    from bibgen.enrich.providers.parsing import text

    assert text("Ca<sup>2+</sup> signalling in <i>E. coli</i>") == "Ca2+ signalling in E. coli"
    assert text("l&apos;injection &amp; test") == "l'injection & test"
    assert text("x < y and <b>bold</b>") == "x < y and bold"


def test_hostile_lock_values_stay_data(tmp_path):
    from bibgen.pipeline import Options, render
    from bibgen.readers.bibtex import BibtexReader

    e = entry("Heat-bath random walks with Markov bases", ["Windisch, Tobias"])
    pol = policy(tmp_path, providers=("arxiv",))
    lock = Lock(pol.lock)
    lookup([e], pol, fetcher(tmp_path, replay({"export.arxiv.org/api/query": "arxiv-id-1605.08386.json"})), lock)
    [rec] = lock.records.values()
    evil = "J. }, title = {pwned}, note = {\\input{/etc/passwd}"
    rec["fields"]["container"] = {"value": evil, "provider": "x", "record": "y", "retrieved": "z"}
    rec["fields"]["volume"] = {"value": 7, "provider": "x"}  # not text: ignored
    rec["author"]["value"].append({"family": ["not", "text"]})
    pol.lock.write_text(lock.dump(), "utf-8")
    [out] = apply_lock([e], pol)
    assert out.get("container") == evil and not out.get("volume") and len(out.authors) == 2
    bib = render([out.replace(key="k")], "bibtex", Options())
    [back] = BibtexReader().read(bib.encode(), "back.bib", Options())
    assert back.title == e.title and "pwned" not in back.title
    assert evil in (back.get("container") or back.get("journal") or back.get("howpublished") or str(back.fields))


def test_arxiv_doi_becomes_an_eprint():
    from bibgen.enrich.stage import _values

    v = _values(Candidate("openalex", "W1", "Attention Is All You Need", doi="10.48550/arXiv.1706.03762"))
    assert "doi" not in v and (v["eprint"], v["eprinttype"]) == ("1706.03762", "arxiv")


def test_malformed_lock_is_invalid_input_with_a_location(tmp_path):
    root = project(tmp_path)
    (root / "bibgen-enrich.lock").write_text('{"version": 1,\n "works": {,}}\n', "utf-8")
    out = run_cli("export", cwd=root, env={"BIBGEN_CACHE_DIR": str(tmp_path / "c")})
    assert out.returncode == 3 and out.stdout == ""
    assert out.stderr.strip().splitlines()[-1].startswith(f"{root / 'bibgen-enrich.lock'}:2:")
    (root / "bibgen-enrich.lock").write_text('{"version": 7, "works": {}}', "utf-8")
    out = run_cli("export", cwd=root, env={"BIBGEN_CACHE_DIR": str(tmp_path / "c")})
    assert out.returncode == 3 and "not a version-1 bibgen enrichment lock" in out.stderr
