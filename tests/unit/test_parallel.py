"""bibgen.parallel and its users give exactly what the plain, one-process loop gives.

Each user (a large .bib read in parts, many files read in groups, the BibTeX
writer) is run twice on the same input, with ``BIBGEN_JOBS=1`` and with two
processes and its size threshold lowered to nothing, and the results,
diagnostics and errors are compared.
"""

from __future__ import annotations

import os
import pickle
import time
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bibgen import parallel, pipeline
from bibgen.errors import BibgenError, Diagnostics, InputError, Origin
from bibgen.options import Options
from bibgen.readers import bibtex as bibtex_reader

DATA = Path(__file__).resolve().parent.parent / "data"
SEEDS = Path(__file__).resolve().parent.parent.parent / "seeds"
FORKS = hasattr(os, "fork")
needs_fork = pytest.mark.skipif(not FORKS, reason="no os.fork here")


@pytest.fixture
def two_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two processes whatever the machine has (a one-core runner still forks)."""
    monkeypatch.setattr(parallel, "jobs", lambda: 2)
    monkeypatch.setattr(bibtex_reader, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(pipeline, "PARALLEL_READ_BYTES", 0)
    from bibgen.writers import bibtex as bibtex_writer

    monkeypatch.setattr(bibtex_writer, "PARALLEL_ENTRIES", 2)


def _serial(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "jobs", lambda: 1)


# --- the helper itself -------------------------------------------------------


@given(st.lists(st.integers(0, 50), max_size=40), st.integers(1, 5), st.sampled_from([1.0, 1.25, 2.0]))
def test_chunks_cover_the_items_in_order(weights: list[int], n: int, lead: float) -> None:
    runs = parallel.chunks(weights, n, lead)
    assert [i for r in runs for i in r] == list(range(len(weights)))
    assert len(runs) <= max(1, n)
    assert all(len(r) > 0 for r in runs) or weights == []


def test_chunks_balance_equal_weights() -> None:
    assert parallel.chunks([1] * 10, 2) == [range(0, 5), range(5, 10)]
    assert parallel.chunks([1] * 10, 2, lead=1.5) == [range(0, 6), range(6, 10)]


def test_jobs_obeys_bibgen_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIBGEN_JOBS", "1")
    assert parallel.jobs() == 1
    monkeypatch.setenv("BIBGEN_JOBS", "not a number")
    assert parallel.jobs() >= 1


def _square_and_warn(n: int, diags: Diagnostics) -> int:
    diags.warn(f"saw {n}", Origin("x", n, 1))
    if n == 13:
        raise InputError("thirteen", Origin("x", n, 1))
    return n * n


@needs_fork
@pytest.mark.parametrize("parts", [[1, 2], [1, 2, 3, 4], [5]])
def test_fork_map_is_the_plain_loop(two_jobs: None, parts: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "jobs", lambda: len(parts))
    diags = Diagnostics()
    got = parallel.fork_map(lambda n: _square_and_warn(n, diags), parts, diags)
    plain = Diagnostics()
    assert got == [_square_and_warn(n, plain) for n in parts]
    assert [(d.message, d.origin) for d in diags.items] == [(d.message, d.origin) for d in plain.items]


@needs_fork
def test_a_failing_child_part_is_redone_here_with_the_plain_error(two_jobs: None) -> None:
    diags = Diagnostics()
    with pytest.raises(InputError, match="thirteen"):
        parallel.fork_map(lambda n: _square_and_warn(n, diags), [1, 13, 2], diags)
    # The plain loop stops at 13 after warning for 1 and 13; the child that did 2 is discarded.
    assert [d.message for d in diags.items] == ["saw 1", "saw 13"]


@needs_fork
def test_a_result_that_does_not_pickle_is_computed_here(two_jobs: None) -> None:
    made_here: list[int] = []

    def work(n: int) -> object:
        made_here.append(n)  # only the parent's list sees its own calls
        return (lambda: n) if n == 2 else n

    got = parallel.fork_map(work, [1, 2], Diagnostics())
    assert got[0] == 1 and got[1]() == 2
    assert made_here == [1, 2]  # part 2 failed to pickle in the child and was redone here


@needs_fork
def test_the_parent_raising_discards_its_children(two_jobs: None) -> None:
    def work(n: int) -> int:
        if n == 0:
            raise ValueError("parent part")
        return n

    with pytest.raises(ValueError):
        parallel.fork_map(work, [0, 1, 2], Diagnostics())
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # no child left behind


# --- a large .bib read in parts ------------------------------------------------


def _read(text: str | bytes, strict: bool = False) -> tuple[object, list[tuple[str, object]]]:
    """What the reader makes of ``text``, or of the bytes of a file (the reader's own entry point)."""
    options = Options(strict=strict)
    try:
        if isinstance(text, bytes):
            from bibgen.safety import has_invisible

            entries, invisible = bibtex_reader.BibtexReader().read_scanning(text, "f.bib", options)
            out: object = (entries, has_invisible(text) if invisible is None else invisible)
        else:
            out = bibtex_reader.read_bibtex(text, "f.bib", options)
    except BibgenError as exc:
        out = ("error", type(exc).__name__, str(exc))
    return out, [(d.message, d.origin) for d in options.diagnostics.items]


def _both(text: str | bytes, monkeypatch: pytest.MonkeyPatch, strict: bool = False) -> None:
    """Read in parts and read whole give the same, from the text and from the file's bytes."""
    for given in ([text, text.encode("utf-8", "surrogatepass")] if isinstance(text, str) else [text]):
        parts = _read(given, strict)
        with monkeypatch.context() as m:
            _serial(m)
            plain = _read(given, strict)
        assert parts == plain


_ENTRY = "@article{{{key},\n  title = {{{title}}},\n  author = {{Doe, Jane and Roe, R.}},\n  year = {year},\n  month = {month},\n  journal = {journal},\n}}\n"


def _bib(n: int, title: str = "A title", header: str = "", tail: str = "") -> str:
    body = "".join(
        _ENTRY.format(key=f"k{i}", title=f"{title} {i}", year=2000 + i % 20, month=("jan", "{May}")[i % 2], journal=("jnl", "{J}")[i % 2])
        for i in range(n)
    )
    return header + body + tail


@needs_fork
@pytest.mark.parametrize(
    "text",
    [
        _bib(40),
        _bib(40, header='@string{jnl = "Journal of Tests"}\n\n'),
        _bib(40, header="@preamble{\"\\newcommand{\\x}{y}\"}\n"),
        _bib(40, tail='@string{late = "after the entries"}\n'),  # a macro after the entries: read in one piece
        _bib(40, title="Line one\n@misc{inner, title = {not an entry}}\nand on"),  # '@' lines inside values
        _bib(40, title="Unclosed {brace"),  # every part broken
        _bib(40) + _bib(3),  # keys k0..k2 in the first and last parts: repeated keys
        _bib(40, tail="@misc{crossed, crossref = {k1}}\n"),
        _bib(40, title="Math $\\alpha$ and \\'e and {\\textasciitilde} 50\\%"),
        _bib(40).replace("month = jan", "month = undefinedmacro"),
        "% a comment first\n" + _bib(40) + "\ntrailing text\n",
    ],
)
def test_a_bib_read_in_parts_is_the_bib_read_whole(text: str, two_jobs: None, monkeypatch: pytest.MonkeyPatch) -> None:
    _both(text, monkeypatch)


@needs_fork
@pytest.mark.parametrize(
    "data",
    [
        _bib(40).encode().replace(b"k30,", b"k30\xff,"),  # invalid UTF-8 in the last part
        _bib(40).encode().replace(b"A title 3", b"A title\xc3"),  # a character cut short in the first part
        _bib(40).encode().replace(b"A title 35", b"A \x00 35"),  # a NUL in the last part
        _bib(40).encode().replace(b"\n", b"\r\n"),  # CRLF line ends
        b"\xef\xbb\xbf" + _bib(40).encode(),  # a byte-order mark
        _bib(40, title="Caf\u00e9 \u2014 \U0001d400").encode(),  # multi-byte characters in every entry
        _bib(40, title="Hidden\u200bspace").encode(),  # an invisible character (a warning)
    ],
    ids=["bad-utf8-late", "bad-utf8-early", "nul", "crlf", "bom", "multibyte", "invisible"],
)
def test_a_bib_read_in_parts_from_its_bytes_is_the_bib_read_whole(data: bytes, two_jobs: None, monkeypatch: pytest.MonkeyPatch) -> None:
    _both(data, monkeypatch)


@needs_fork
def test_strict_mode_raises_the_first_warning_of_the_file(two_jobs: None, monkeypatch: pytest.MonkeyPatch) -> None:
    _both(_bib(40).replace("month = jan", "month = undefinedmacro"), monkeypatch, strict=True)


@needs_fork
@pytest.mark.parametrize("path", sorted((DATA / "bibcorpus").glob("*.bib")), ids=lambda p: p.name)
def test_real_files_read_in_parts_are_read_whole(path: Path, two_jobs: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from bibgen.encoding import to_utf8
    from bibgen.readers import decode

    _both(decode(to_utf8(path.read_bytes(), str(path), None), str(path)), monkeypatch)


_PIECES = st.sampled_from(
    [
        "@misc{a, title = {x}}\n",
        "@misc{b, title = {y\n@misc{c, title={z}}\n}}\n",
        '@string{s = "macro"}\n',
        "@misc{d, title = s # { and more}}\n",
        "@preamble{\"p\"}\n",
        "@comment{anything @misc{e,}}\n",
        "@misc{f, note = \"quoted\n@article{g,\"}\n",
        "@misc{h, title = {Unclosed}\n",
        "@misc{a, title = {again}}\n",
        "stray text\n",
        "@misc{i, crossref = {a}}\n",
        "@misc{j, author = {Doe, J. and {Team X}}, month = feb}\n",
        "\n",
    ]
)


@needs_fork
@settings(max_examples=60, deadline=None)
@given(st.lists(_PIECES, min_size=1, max_size=14))
@example(["@misc{a, title = {x}}\n", "@misc{b, title = {y\n@misc{c, title={z}}\n}}\n", "@misc{a, title = {again}}\n"])
def test_any_bib_read_in_parts_is_the_bib_read_whole(pieces: list[str]) -> None:
    with pytest.MonkeyPatch.context() as m:
        m.setattr(parallel, "jobs", lambda: 2)
        m.setattr(bibtex_reader, "PARALLEL_BYTES", 0)
        _both("".join(pieces), m)


# --- many files, and the writer ----------------------------------------------------


def _reads(path: Path) -> bool:
    try:
        pipeline.read([path], Options(keep_going=True))
    except BibgenError:
        return False  # (a few real files hold deliberately broken or hostile blocks)
    return True


@needs_fork
@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
def test_files_read_in_groups_and_written_in_runs_give_the_plain_output(fmt: str, two_jobs: None, monkeypatch: pytest.MonkeyPatch) -> None:
    sources = [SEEDS, *(p for p in sorted((DATA / "bibcorpus").glob("*.bib")) if _reads(p))]

    def run() -> tuple[str, list[str]]:
        options = Options(keep_going=True)
        text = pipeline.export(sources, fmt, options)
        return text, [str(d) for d in options.diagnostics.items]

    parts = run()
    with monkeypatch.context() as m:
        _serial(m)
        plain = run()
    assert parts == plain
    assert parts[0].count("\n@") > 100  # enough entries for several runs


def test_entries_survive_pickling() -> None:
    """What a child sends back: every entry of a real file comes back equal."""
    from bibgen.readers import decode

    path = sorted((DATA / "bibcorpus").glob("*.bib"))[0]
    entries = bibtex_reader.read_bibtex(decode(path.read_bytes(), str(path)), str(path), Options())
    assert entries and pickle.loads(pickle.dumps(entries, pickle.HIGHEST_PROTOCOL)) == entries


@needs_fork
@pytest.mark.parametrize("header", ["", '@string{jnl = "Journal of Tests"}\n@preamble{{x}}\n'])
def test_a_plain_large_bib_is_read_in_parts(header: str, two_jobs: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparisons above are not vacuous: a well-formed file does take the parallel path."""
    calls: list[int] = []
    fork_map = parallel.fork_map

    def spy(work, parts, diags, *rest):  # type: ignore[no-untyped-def]
        out = fork_map(work, parts, diags, *rest)
        calls.append(len(parts))
        return out

    monkeypatch.setattr(parallel, "fork_map", spy)
    entries = bibtex_reader.read_bibtex(_bib(40, header=header), "f.bib", Options())
    assert calls == [2] and len(entries) == 40
    # Lines are counted from the start of the file, not of the part: 7 lines per entry.
    assert entries[-1].origin.line == header.count("\n") + 1 + 7 * 39
    # The file's bytes are cut the same way, each part decoded where it is read.
    monkeypatch.setattr(bibtex_reader, "decode", lambda *a: pytest.fail("the whole file was decoded"))
    got, invisible = bibtex_reader.BibtexReader().read_scanning(_bib(40, header=header).encode(), "f.bib", Options())
    assert calls == [2, 2] and got == entries and invisible is False


def test_no_fork_while_another_thread_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    monkeypatch.delenv("BIBGEN_JOBS", raising=False)
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    try:
        assert parallel.jobs() == 1
    finally:
        stop.set()
        worker.join()


def test_heap_size_is_read() -> None:
    assert parallel.heap_is_small(1 << 50)
    assert not parallel.heap_is_small(1 << 20)  # a Python process with bibgen loaded holds more than 1 MiB


def test_a_waiting_spinner_timer_does_not_stop_forking_but_a_shown_spinner_does(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import threading

    from bibgen.progress import TerminalProgress

    monkeypatch.delenv("BIBGEN_JOBS", raising=False)
    if not FORKS or len(os.sched_getaffinity(0)) < 2:
        pytest.skip("needs fork and two cores")
    with TerminalProgress(io.StringIO(), delay=60).stage("writing"):
        assert parallel.jobs() >= 2  # the timer waits, holding no lock
    pytest.importorskip("rich")
    with TerminalProgress(io.StringIO(), delay=0).stage("writing"):
        # Once shown, rich's refresh thread runs beside this one until the stage ends.
        seen = []
        for _ in range(300):
            seen.append(parallel.jobs())
            if seen[-1] == 1:
                break
            threading.Event().wait(0.01)
        assert seen[-1] == 1


# --- texts made while the pipeline merges (writers.bibtex.EarlyTexts) ---------

_EARLY_BIB = r"""@article{dup1, title = {Deep Nets for Graphs}, author = {Doe, Jane}, year = {2020}, journal = {J. Tests}, doi = {10.1/x}}
@article{dup2, title = {Deep nets for graphs}, author = {Doe, J.}, year = {2020}, journal = {J. Tests}, doi = {10.1/X}}
@misc{, title = {No Key Here At All}, author = {Roe, R.}, year = {2019}}
@inproceedings{k3, title = {Caf{\'e} {Theorem}}, author = {M{\"u}ller, A. and others}, year = {2018}, booktitle = {Proc.}, ids = {old3}}
@book{k4, title = {A Book}, author = {Poe, E.}, year = {2001}, month = {13}, abstract = {A long abstract with $\tilde{O}(\sqrt{T})$ and 50\% of {\"u}mlauts, written in words.}}
@online{k5, title = {Web}, url = {https://example.org/a_b}, urldate = {2020-01-01}, note = {A long note that goes on and on, with \& and words and more words.}}
"""


def _early_run(tmp_path: Path, fmt: str, **kw: object) -> tuple[str, list[str]]:
    from bibgen.config import Config
    from bibgen.registry import writers

    options = Options(keep_going=True, **kw)  # type: ignore[arg-type]
    sources = [tmp_path / "a.bib", SEEDS]
    try:
        entries = pipeline.keyed_entries(Config(None, tmp_path), options, sources=sources, early=fmt)
        text = pipeline.render(entries, fmt, options)
    finally:
        if options.early is not None:
            options.early.discard()  # type: ignore[attr-defined]
    return text, [str(d) for d in options.diagnostics.items]  # (in the order they were said)


@needs_fork
@pytest.mark.parametrize("fmt", ["bibtex", "biblatex"])
@pytest.mark.parametrize("rekey", [False, True])
def test_texts_made_early_give_the_plain_output(fmt: str, rekey: bool, tmp_path: Path, two_jobs: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Merged entries, new keys, alias copies, a warning while writing: the same text and diagnostics."""
    from bibgen.writers import bibtex as bibtex_writer

    (tmp_path / "a.bib").write_text(_EARLY_BIB, encoding="utf-8")
    used: list[int] = []
    get = bibtex_writer.EarlyTexts.get

    def counting(self, entry):  # type: ignore[no-untyped-def]
        text = get(self, entry)
        used.append(text is not None)
        return text

    monkeypatch.setattr(bibtex_writer.EarlyTexts, "get", counting)
    early = _early_run(tmp_path, fmt, rekey=rekey)
    # Unchanged and merged entries: the children's texts; BibTeX's alias copies (new entries): not.
    assert sum(used) >= 8 and (fmt == "biblatex" or not all(used)), (sum(used), len(used))
    with monkeypatch.context() as m:
        _serial(m)
        plain = _early_run(tmp_path, fmt, rekey=rekey)
    assert early == plain
    assert "@article{dup1," in early[0] or "@article{Doe2020" in early[0] or rekey


@needs_fork
def test_merged_works_are_formatted_in_children_while_they_are_keyed(tmp_path: Path, two_jobs: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """EarlyTexts.more: the entries merging made (not the records as read) go to new children,
    whose texts the writer uses; the output is the plain one."""
    from bibgen.writers import bibtex as bibtex_writer

    (tmp_path / "a.bib").write_text(_EARLY_BIB, encoding="utf-8")
    batches: list[list[str]] = []
    more = bibtex_writer.EarlyTexts.more

    def spying(self, entries):  # type: ignore[no-untyped-def]
        before = len(self.children)
        more(self, entries)
        batches.extend([(e.title, len(e.origins)) for e in batch] for batch, _ in self.children[before:])

    monkeypatch.setattr(bibtex_writer.EarlyTexts, "more", spying)
    early = _early_run(tmp_path, "bibtex")
    merged = [t for batch in batches for t in batch]
    assert len(batches) == 2 and ("Gemma 3 Technical Report", 2) in merged  # (two jobs: two children)
    assert all(n > 1 for _, n in merged)  # a record left as read has its text from the first child
    with monkeypatch.context() as m:
        _serial(m)
        assert _early_run(tmp_path, "bibtex") == early


@needs_fork
@pytest.mark.parametrize("busy_for", [1, 3, 1000])
def test_entries_formatted_here_while_children_work_give_the_plain_output(
    busy_for: int, tmp_path: Path, two_jobs: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """BibtexWriter._format_while: the last entries formatted here, from the end, while the children
    are busy; an entry whose formatting warns is left to its place, its warning said once, in order."""
    from bibgen.writers import bibtex as bibtex_writer

    (tmp_path / "a.bib").write_text(_EARLY_BIB, encoding="utf-8")
    format_entry = bibtex_writer.BibtexWriter.format_entry

    def warning(self, entry, options):  # type: ignore[no-untyped-def]
        if entry.title in ("Web", "A Book"):
            options.diagnostics.warn(f"formatting {entry.title}", entry.origin)
        return format_entry(self, entry, options)

    monkeypatch.setattr(bibtex_writer.BibtexWriter, "format_entry", warning)
    with monkeypatch.context() as m:
        _serial(m)
        plain = _early_run(tmp_path, "bibtex")
    calls = [0]

    def busy(self):  # type: ignore[no-untyped-def]
        calls[0] += 1
        return calls[0] <= busy_for

    made: list[dict[int, str]] = []
    format_while = bibtex_writer.BibtexWriter._format_while

    def spying(self, busy_, entries, options):  # type: ignore[no-untyped-def]
        made.append(format_while(self, busy_, entries, options))
        return made[-1]

    monkeypatch.setattr(bibtex_writer.EarlyTexts, "busy", busy)
    monkeypatch.setattr(bibtex_writer.BibtexWriter, "_format_while", spying)
    assert _early_run(tmp_path, "bibtex") == plain
    assert len(made) == 1 and 0 < len(made[0]) <= busy_for
    assert [d for d in plain[1] if "formatting" in d] == [f"{tmp_path / 'a.bib'}:5:1: warning: formatting A Book",
                                                         f"{tmp_path / 'a.bib'}:6:1: warning: formatting Web"]


def test_records_that_share_a_title_across_files_or_without_keys_are_guessed_merged() -> None:
    from bibgen.model import Entry, EntryKind, Fields, Origin
    from bibgen.writers.bibtex import _likely_merged

    def rec(path: str, key: str, title: str) -> Entry:
        return Entry(kind=EntryKind.ARTICLE, fields=Fields({"title": title} if title else {}), origin=Origin(path, 1, 1), key=key)

    entries = [
        rec("a.bib", "x", "Deep Nets"), rec("a.bib", "y", "Deep nets."),  # one file, two keys: never merged
        rec("a.bib", "z", "Graphs"), rec("b.bib", "z2", "graphs"),  # two files
        rec("p.txt", "", "Trees"), rec("q.txt", "", "Trees"),  # author pages: no keys
        rec("a.bib", "u", ""), rec("b.bib", "v", ""),  # untitled
        rec("a.bib", "w", "Alone"),
        rec("a.bib", "d", "Twice"), rec("a.bib", "D", "Twice"),  # one key in two cases: BibTeX's one key
    ]
    assert _likely_merged(entries) == [False, False, True, True, True, True, False, False, False, True, True]
    one_file = [rec("a.bib", "x", "Deep Nets"), rec("a.bib", "y", "Deep nets."), rec("a.bib", "w", "Alone")]
    assert _likely_merged(one_file) == [False, False, False]  # the shortcut: one file, distinct keys
    assert _likely_merged(one_file + [rec("a.bib", "X", "Deep nets")]) == [True, True, False, True]  # a key twice
    assert _likely_merged(one_file + [rec("a.bib", "", "Deep nets")]) == [True, True, False, True]  # a keyless record
    assert _likely_merged([]) == []


@needs_fork
def test_a_child_that_fails_leaves_every_entry_to_the_writer(tmp_path: Path, two_jobs: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from bibgen.writers import bibtex as bibtex_writer

    (tmp_path / "a.bib").write_text(_EARLY_BIB, encoding="utf-8")
    plain = _early_run(tmp_path, "bibtex")
    monkeypatch.setattr(bibtex_writer.BibtexWriter, "_format_early", lambda self, part: os._exit(3))
    assert _early_run(tmp_path, "bibtex") == plain
    # Only the children of merged works fail: the first child's texts are still used.
    format_early = bibtex_writer.BibtexWriter._format_early
    monkeypatch.setattr(bibtex_writer.BibtexWriter, "_format_early", lambda self, part: format_early(self, part) if part[2] else os._exit(3))
    assert _early_run(tmp_path, "bibtex") == plain


@needs_fork
def test_finished_tells_a_child_that_ended_and_collect_still_gives_its_result(two_jobs: None) -> None:
    import time

    child = parallel.spawn(lambda x: x * 2, 21, Diagnostics())
    assert child is not None
    for _ in range(500):
        if parallel.finished(child):
            break
        time.sleep(0.01)
    assert parallel.finished(child)
    assert parallel.collect(child) == (42, [], [])
    slow = parallel.spawn(lambda x: time.sleep(30), 0, Diagnostics())
    assert slow is not None and not parallel.finished(slow)
    parallel.discard(slow)
    done = parallel.spawn(lambda x: x, 0, Diagnostics())
    while done is not None and not parallel.finished(done):
        time.sleep(0.01)
    parallel.discard(done)  # (already waited for: nothing to kill)


def _no_child_left() -> None:
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


@needs_fork
def test_a_child_that_goes_on_sends_its_result_before_then_ends(tmp_path: Path) -> None:
    """spawn's then: the first collect gives the result while then still runs; the second, what then made."""
    gate = tmp_path / "gate"

    def then(value: int) -> int:
        while not gate.exists():  # the parent opens the gate only after it has the result
            time.sleep(0.005)
        return value + 1

    child = parallel.spawn(lambda x: x * 2, 21, Diagnostics(), then)
    assert child is not None
    assert parallel.collect(child) == (42, [], [])
    assert not parallel.finished(child)  # then waits for the gate
    gate.touch()
    assert parallel.collect(child) == (43, [], [])
    _no_child_left()


@needs_fork
def test_a_process_forked_later_waits_for_a_child_that_goes_on_to_end(tmp_path: Path) -> None:
    gate = tmp_path / "gate"

    def then(value: int) -> int:
        while not gate.exists():
            time.sleep(0.005)
        return value

    going = parallel.spawn(lambda x: x, 1, Diagnostics(), then)
    assert going is not None and parallel.collect(going) == (1, [], [])
    # The waiter sees the first child end (the gate opens only after the waiter has started).
    waiter = parallel.spawn(lambda children: (parallel.wait_ended(children), "ended")[1], [going], Diagnostics())
    assert waiter is not None
    time.sleep(0.05)
    assert not parallel.finished(waiter)  # still waiting
    gate.touch()
    assert parallel.collect(waiter) == ("ended", [], [])
    assert parallel.collect(going) == (1, [], [])
    _no_child_left()


@needs_fork
@pytest.mark.parametrize("fails", ["work", "then", "pickle", "discard-first", "discard-late"])
def test_a_child_that_goes_on_fails_or_is_stopped_cleanly(fails: str) -> None:
    diags = Diagnostics()

    def work(x: int) -> int:
        if fails == "work":
            raise ValueError("work")
        if fails == "discard-first":
            time.sleep(30)
        return x

    def then(x: int) -> object:
        if fails == "then":
            os._exit(5)
        if fails == "discard-late":
            time.sleep(30)
        return (lambda: x) if fails == "pickle" else x

    child = parallel.spawn(work, 7, diags, then)
    assert child is not None
    if fails == "discard-first":
        parallel.discard(child)
    elif fails == "work":
        assert parallel.collect(child) is None
        parallel.discard(child)  # (what fork_map does with a child that failed before sending)
    else:
        assert parallel.collect(child) == (7, [], [])
        if fails == "discard-late":
            parallel.discard(child)
        else:
            assert parallel.collect(child) is None
    _no_child_left()


@needs_fork
def test_fork_map_hands_over_the_children_that_go_on(two_jobs: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "jobs", lambda: 3)
    diags = Diagnostics()
    late: list[tuple[int, object]] = []
    got = parallel.fork_map(lambda n: _square_and_warn(n, diags), [1, 2, 3], diags, lambda r: -r, late)
    assert got == [1, 4, 9] and [d.message for d in diags.items] == ["saw 1", "saw 2", "saw 3"]
    assert [i for i, _ in late] == [1, 2]  # part 0 ran here
    assert [parallel.collect(c) for _, c in late] == [(-4, [], []), (-9, [], [])]  # type: ignore[arg-type]
    _no_child_left()
    # A child whose part fails is redone here and handed over to no one.
    late.clear()
    with pytest.raises(InputError):
        parallel.fork_map(lambda n: _square_and_warn(n, diags), [1, 13, 2], diags, lambda r: r, late)
    for _, c in late:
        parallel.discard(c)  # type: ignore[arg-type]
    assert [i for i, _ in late] == []
    _no_child_left()


@needs_fork
@pytest.mark.parametrize("files", [["a.bib"], ["a.bib", "b.bib"]])
def test_the_children_that_read_format_what_they_read(files: list[str], tmp_path: Path, two_jobs: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """A part of one .bib, or a group of files, read in a child: that child formats its entries
    too, this process adopts those texts, and formats only its own part in a new child."""
    from bibgen.config import Config
    from bibgen.writers import bibtex as bibtex_writer

    big = _bib(40, header='@string{jnl = "Journal of Tests"}\n')  # read in parts (the splitter takes it)
    if len(files) == 1:
        (tmp_path / "a.bib").write_text(big, encoding="utf-8")
    else:  # a.bib read here (in parts), b.bib in a child (whole: its keyless entry)
        (tmp_path / "a.bib").write_text(big, encoding="utf-8")
        (tmp_path / "b.bib").write_text(_EARLY_BIB, encoding="utf-8")
    total = 40 if len(files) == 1 else 46
    adopted: list[int] = []
    adopt = bibtex_writer.EarlyTexts.adopt
    started: list[int] = []
    spawn = parallel.spawn

    def spying_adopt(self, entries, child):  # type: ignore[no-untyped-def]
        adopted.append(len(entries))
        return adopt(self, entries, child)

    def spying_spawn(work, part, diags, then=None):  # type: ignore[no-untyped-def]
        if getattr(work, "__name__", "") == "_format_rest":
            assert len(part[0]) == len(adopted)  # it waits for the reading children
            started.append(len(part[1][0]))
        return spawn(work, part, diags, then)

    monkeypatch.setattr(bibtex_writer.EarlyTexts, "adopt", spying_adopt)
    monkeypatch.setattr(parallel, "spawn", spying_spawn)
    options = Options(keep_going=True)
    try:
        entries = pipeline.keyed_entries(Config(None, tmp_path), options, sources=[tmp_path / f for f in files], early="bibtex")
        early = options.early
        text = pipeline.render(entries, "bibtex", options)
    finally:
        if options.early is not None:
            options.early.discard()  # type: ignore[attr-defined]
    # The child that read a part of a.bib; and the child that read b.bib (its six entries).
    assert len(adopted) == len(files) and (len(files) == 1 or adopted[-1] == 6) and 0 < adopted[0] < 40
    assert started[0] == total - sum(adopted)  # then the rest, in a child of this process
    assert early is not None and early._texts is not None
    assert len(early._texts) >= total - 2  # texts from both (the two records that merge: their merged work)
    monkeypatch.undo()
    with monkeypatch.context() as m:
        _serial(m)
        plain_options = Options(keep_going=True)
        plain = pipeline.render(
            pipeline.keyed_entries(Config(None, tmp_path), plain_options, sources=[tmp_path / f for f in files]), "bibtex", plain_options
        )
    assert text == plain
    assert [str(d) for d in options.diagnostics.items] == [str(d) for d in plain_options.diagnostics.items]
    _no_child_left()


@needs_fork
def test_an_early_text_is_not_used_for_an_entry_that_changed(tmp_path: Path, two_jobs: None) -> None:
    from bibgen.registry import writers

    (tmp_path / "a.bib").write_text(_EARLY_BIB, encoding="utf-8")
    options = Options()
    entries = pipeline.read([tmp_path / "a.bib", SEEDS], options)
    writer = writers.get("bibtex")
    early = writer.prepare(entries, options)
    assert early is not None and early.texts(writer) is early
    e = next(e for e in entries if e.key == "k4")
    head, body = early.get(e.replace(key="Poe2001"))
    assert head + "Poe2001" + body == writer.format_entry(e.replace(key="Poe2001"), options)
    assert head == "@book{" and body.startswith(",\n")
    assert early.get(e.replace(fields=e.fields.set(year="2002"))) is None
    assert early.lookup([e.replace(key="Poe2001")]) == [early.get(e.replace(key="Poe2001"))]
    # A key the writer refuses: no early text at all, so the writer refuses it where it meets it.
    assert early.lookup([e.replace(key="Poe2001"), e.replace(key="bad key}")]) is None


@needs_fork
@pytest.mark.parametrize("where", [0, 1, 2])
def test_invisible_characters_are_found_in_the_share_of_either_process(where: int, two_jobs: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bytes are scanned in shares while the parts are read: the same warnings as one process."""
    blocks = [f"@misc{{k{i}, title = {{Title number {i}}}, note = {{plain}}}}\n" for i in range(30)]
    blocks[where * 14] = "@misc{odd, title = {Right\u202eto left}, note = {plain}}\n"
    data = ("\ufeff" + "".join(blocks)).encode("utf-8")

    def run() -> list[str]:
        options = Options()
        entries, invisible = bibtex_reader.BibtexReader().read_scanning(data, "t.bib", options)
        pipeline.check_entries(entries, options.diagnostics, True if invisible is None else invisible)
        return [str(d) for d in options.diagnostics.sorted()]

    got = run()
    assert any("U+202E" in line for line in got)
    with monkeypatch.context() as m:
        _serial(m)
        assert run() == got


def test_has_invisible_in_overlapping_pieces_is_has_invisible_of_the_whole() -> None:
    from bibgen.safety import INVISIBLE_OVERLAP, has_invisible

    for text in ["abc\u200bdef", "ab\u061cc", "x\ufeffy", "\ufeffclean", "ctrl\x07", "clean text"]:
        data = text.encode("utf-8")
        for cut in range(len(data) + 1):
            pieces = has_invisible(data, 0, cut + INVISIBLE_OVERLAP) or has_invisible(data, cut)
            assert pieces == has_invisible(data), (text, cut)
    assert not has_invisible("\ufeffclean".encode())  # a byte order mark at the start of the file is allowed
    assert has_invisible("a\ufeffb".encode(), 1)  # ... and nowhere else, even at the start of a piece


@given(st.lists(st.sampled_from(["a", "é", "\u061c", "\ufeff", "\u200b", "\u00d8", "\u00ef", "ب", "\x07", "\n", "\u202e", "€"]), max_size=12))
@example(["\u00d8", "\u00ef"])  # the first bytes of the sequences (\xd8, \xef) without the sequences
@example(["ب", "\u061c"])
def test_has_invisible_is_the_character_rule(chars: list[str]) -> None:
    """The byte-level scan (a memchr before each sequence's search) against the rule on characters."""
    from bibgen.safety import has_invisible

    text = "".join(chars)
    bad = set("\u061c\ufeff\u200b\u202e\x07")
    body = text[1:] if text.startswith("\ufeff") else text  # one byte order mark, at the start, is allowed
    assert has_invisible(text.encode()) == any(c in bad for c in body)
