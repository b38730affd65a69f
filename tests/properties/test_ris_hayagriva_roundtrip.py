"""Same format in -> same out: RIS and hayagriva files read by bibgen and written again keep their data.

Generated inputs are files as reference managers and typst users write them:
RIS records with tags bibgen maps, tags it only keeps (``C1``, ``AN``, ``DB``),
repeated tags, type variants and continuation lines; hayagriva entries with
parents, serial numbers, people in both forms, dates and unknown keys. Read,
write, read again: the entries are equal (semantically the same file), and
writing them once more gives the same text (the output is a fixed point).
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bibgen.pipeline import Options, normalize_entry
from bibgen.readers.hayagriva import HayagrivaReader
from bibgen.readers.ris import RisReader
from bibgen.writers.hayagriva import HayagrivaWriter
from bibgen.writers.ris import RisWriter

word = st.text(alphabet=st.characters(categories=("Lu", "Ll", "Nd")), min_size=1, max_size=8)
phrase = st.lists(word, min_size=1, max_size=6).map(" ".join)
given_ = st.sampled_from(["Jane", "J. A.", "Aäron", "Min-jun", "Ngũgĩ"])
family = st.sampled_from(["Doe", "Oord", "Müller-Schmied", "O'Brien", "Łukasz"])
ris_name = st.one_of(
    st.builds(lambda f, g: f"{f}, {g}", family, given_),
    st.builds(lambda f, g: f"van den {f}, {g}", family, given_),
    st.builds(lambda f, g: f"{f}, {g}, Jr.", family, given_),
    st.sampled_from(["World Health Organization", "CERN"]),
)
ris_types = st.sampled_from(["JOUR", "MGZN", "EJOUR", "CONF", "CPAPER", "BOOK", "EDBOOK", "CHAP", "RPRT", "THES",
                             "ELEC", "NEWS", "GEN", "UNPB", "PAT", "COMP"])


@st.composite
def ris_record(draw) -> str:  # type: ignore[no-untyped-def]
    lines = [f"TY  - {draw(ris_types)}", f"TI  - {draw(phrase)}"]
    for tag in draw(st.lists(st.sampled_from(["AU", "A1", "A2", "A3", "A4", "ED"]), max_size=4)):
        lines.append(f"{tag}  - {draw(ris_name)}")
    optional = {
        "T2": phrase, "JO": phrase, "J2": phrase, "C3": phrase, "VL": st.integers(1, 99).map(str),
        "IS": st.integers(1, 12).map(str), "SP": st.integers(1, 500).map(str), "EP": st.integers(501, 900).map(str),
        "PY": st.integers(1900, 2030).map(str), "DA": st.sampled_from(["2019/05/12/", "2020///Spring", "2001/02//"]),
        "DO": st.sampled_from(["10.1000/abc", "10.1038/nature123"]), "PB": phrase, "CY": phrase, "ET": phrase,
        "SN": st.sampled_from(["1234-5678", "978-3-16-148410-0"]), "AB": phrase, "N1": phrase, "M3": phrase,
        "C1": phrase, "AN": phrase, "DB": phrase, "LA": phrase, "T3": phrase, "ST": phrase,
        "Y2": st.sampled_from(["2024/01/15/", "2023-02-01"]), "ID": word,
    }
    for tag in draw(st.lists(st.sampled_from(sorted(optional)), unique=True, max_size=12)):
        lines.append(f"{tag}  - {draw(optional[tag])}")
    for tag in draw(st.lists(st.sampled_from(["KW", "UR", "L1", "N1"]), max_size=4)):
        value = {"KW": phrase, "UR": st.sampled_from(["https://a.org/x", "https://arxiv.org/abs/2101.00001"]),
                 "L1": st.sampled_from(["files/1/a.pdf", "C:\\\\x\\\\b.pdf"]), "N1": phrase}[tag]
        lines.append(f"{tag}  - {draw(value)}")
    if draw(st.booleans()):
        lines.append(f"   {draw(phrase)}")  # a continuation line
    lines.append("ER  - ")
    return "\n".join(lines) + "\n"


def _read_ris(text: str):  # type: ignore[no-untyped-def]
    return [normalize_entry(e) for e in RisReader().read(text.encode("utf-8"), "x.ris", Options())]


def _same(a, b) -> None:  # type: ignore[no-untyped-def]
    assert [(e.key, e.kind, dict(e.fields), dict(e.people), e.partial) for e in a] == [
        (e.key, e.kind, dict(e.fields), dict(e.people), e.partial) for e in b
    ]


def _keyed(entries):  # type: ignore[no-untyped-def]
    return sorted((e if e.key else e.replace(key=f"k{i}") for i, e in enumerate(entries)), key=lambda e: e.key)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=st.lists(ris_record(), min_size=1, max_size=4), crlf=st.booleans())
def test_ris_in_same_ris_out(records: list[str], crlf: bool) -> None:
    text = "\n".join(records)
    if crlf:
        text = text.replace("\n", "\r\n")
    first = _keyed(_read_ris(text))
    out = RisWriter().write(first, Options())
    second = sorted(_read_ris(out), key=lambda e: e.key)
    _same(first, second)
    assert RisWriter().write(second, Options()) == out


hay_name = st.one_of(
    st.builds(lambda f, g: f"{f}, {g}", family, given_),
    st.builds(lambda f, g: f"von der {f}, {g}", family, given_),
    st.builds(lambda f, g: f"{f}, {g}, Jr.", family, given_),
    st.sampled_from(["UNICEF", "{name: Watkins, given-name: Gloria Jean}", "{name: Oord, prefix: van den, given-name: A.}"]),
)
hay_parent = st.sampled_from(["periodical", "proceedings", "conference", "newspaper", "blog", "book", "anthology", None])
hay_type = st.sampled_from(["article", "chapter", "anthos", "book", "report", "thesis", "web", "manuscript", "misc",
                            "video", "reference", "repository"])


def _q(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


@st.composite
def hayagriva_doc(draw) -> str:  # type: ignore[no-untyped-def]
    out = []
    for i in range(draw(st.integers(1, 4))):
        lines = [f"e{i}:", f"  type: {draw(hay_type)}", f"  title: {_q(draw(phrase))}"]
        names = draw(st.lists(hay_name, max_size=3))
        if names:
            lines.append("  author: [" + ", ".join(n if n.startswith("{") else _q(n) for n in names) + "]")
        if draw(st.booleans()):
            lines.append(f"  date: {draw(st.sampled_from(['2020', '2019-05', '2001-02-03']))}")
        if draw(st.booleans()):
            lines.append(f"  page-range: {draw(st.sampled_from(['5-10', '101', 'e1234', 'S1-S9']))}")
        serial = draw(st.dictionaries(st.sampled_from(["doi", "isbn", "issn", "arxiv", "pmid"]),
                                      st.sampled_from(["10.1/x", "1609.03499", "978-3-16-148410-0", "123"]), max_size=3))
        if serial:
            lines.append("  serial-number: {" + ", ".join(f"{k}: {_q(v)}" for k, v in sorted(serial.items())) + "}")
        if draw(st.booleans()):
            lines.append(f"  url: {{value: {_q('https://x.org/' + draw(word))}, date: 2020-11-12}}")
        for key in draw(st.lists(st.sampled_from(["note", "abstract", "language", "edition", "custom-key"]), unique=True, max_size=3)):
            lines.append(f"  {key}: {_q(draw(phrase))}")
        ptype = draw(hay_parent)
        if ptype is not None:
            lines += ["  parent:", f"    type: {ptype}", f"    title: {_q(draw(phrase))}"]
            if draw(st.booleans()):
                lines.append(f"    volume: {draw(st.integers(1, 99))}")
            if draw(st.booleans()):
                lines.append(f"    editor: {_q(draw(hay_name.filter(lambda n: not n.startswith('{'))))}")
            if draw(st.booleans()):
                lines.append(f"    publisher: {_q(draw(phrase))}")
        out.append("\n".join(lines))
    return "\n".join(out) + "\n"


def _read_hay(text: str):  # type: ignore[no-untyped-def]
    return [normalize_entry(e) for e in HayagrivaReader().read(text.encode("utf-8"), "x.yml", Options())]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=hayagriva_doc())
def test_hayagriva_in_same_hayagriva_out(doc: str) -> None:
    first = sorted(_read_hay(doc), key=lambda e: e.key)
    out = HayagrivaWriter().write(first, Options())
    second = sorted(_read_hay(out), key=lambda e: e.key)
    _same(first, second)
    assert HayagrivaWriter().write(second, Options()) == out
