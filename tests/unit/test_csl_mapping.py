"""What reaches CSL: the .bib -> CSL-JSON mapping (bibgen.mappings.csl) and CSL-JSON in -> the same out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bibgen.mappings.csljson import schema
from bibgen.mappings.csl import ietf_language
from bibgen.pipeline import Options, normalize_entry
from bibgen.readers.bibtex import read_bibtex
from bibgen.readers.csljson import CslJsonReader
from bibgen.mappings.types import CSL_TYPES
from bibgen.writers.csljson import CslJsonWriter, csl_item


def bib_item(text: str, partial: str = "others") -> dict:  # type: ignore[type-arg]
    """The CSL item of the one entry of a .bib text."""
    return csl_item(normalize_entry(read_bibtex(text, "t.bib", Options())[0]), partial)


def csl_round_trip(items: list[dict]) -> list[dict]:  # type: ignore[type-arg]
    entries = [normalize_entry(e) for e in CslJsonReader().read(json.dumps(items).encode(), "t.json", Options())]
    return json.loads(CslJsonWriter().write(entries, Options()))


# --- .bib -> CSL ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "variable", "value"),
    [
        ("urldate = {2020-01-02}", "accessed", {"date-parts": [[2020, 1, 2]]}),
        ("date = {2011/2012}", "issued", {"date-parts": [[2011], [2012]]}),
        ("shortjournal = {Proc. Natl. Acad. Sci.}", "container-title-short", "Proc. Natl. Acad. Sci."),
        ("journalabbrev = {PNAS}", "container-title-short", "PNAS"),
        ("version = {1.19.0}", "version", "1.19.0"),
        ("pagetotal = {320}", "number-of-pages", "320"),
        ("langid = {ngerman}", "language", "de-DE"),
        ("eventtitle = {NeurIPS}", "event-title", "NeurIPS"),
        ("origdate = {1980}", "original-date", {"date-parts": [[1980]]}),
        ("pmid = {123}", "PMID", "123"),
        ("eid = {e0123}", "number", "e0123"),  # an article number; biblatex's number stays the issue
    ],
)
def test_biblatex_fields_reach_their_csl_variables(fields: str, variable: str, value: object) -> None:
    item = bib_item(f"@article{{k, title = {{T}}, journal = {{J}}, {fields}}}")
    assert item[variable] == value


def test_titles_are_sentence_case_rich_text_and_journals_stay() -> None:
    item = bib_item(r"@article{k, title = {The {Higgs} Boson in \emph{Vivo}}, journal = {Physics Letters B}}")
    assert item["title"] == 'The <span class="nocase">Higgs</span> boson in <i>vivo</i>'
    assert item["container-title"] == "Physics Letters B"


def test_non_english_titles_keep_their_case() -> None:
    item = bib_item("@article{k, title = {Zur Theorie Der Spiele}, langid = {german}}")
    assert item["title"] == "Zur Theorie Der Spiele" and item["language"] == "de-DE"


def test_booktitle_is_sentence_cased_as_a_title() -> None:
    item = bib_item("@incollection{k, title = {A Chapter}, booktitle = {The {Oxford} Handbook Of Things}}")
    assert item["container-title"] == 'The <span class="nocase">Oxford</span> handbook of things'


@pytest.mark.parametrize(
    ("entry", "genre"),
    [("@phdthesis{k, title={T}, school={S}}", "PhD thesis"), ("@mastersthesis{k, title={T}, school={S}}", "Master's thesis"),
     ("@thesis{k, title={T}, type={phdthesis}}", "PhD thesis"), ("@thesis{k, title={T}, type={Habilitation}}", "Habilitation")],
)  # fmt: skip
def test_thesis_genre(entry: str, genre: str) -> None:
    item = bib_item(entry)
    assert item["type"] == "thesis" and item["genre"] == genre


def test_patent_dataset_software() -> None:
    patent = bib_item("@patent{k, title={T}, number={US9773408B2}, location={US}, date={2017}}")
    assert (patent["type"], patent["number"], patent["jurisdiction"]) == ("patent", "US9773408B2", "US")
    assert "publisher-place" not in patent
    assert bib_item("@dataset{k, title={T}, version={v1.7}}")["version"] == "v1.7"
    assert bib_item("@software{k, title={T}, version={2}}")["type"] == "software"


def test_newspaper_and_magazine_subtypes() -> None:
    assert bib_item("@article{k, title={T}, journal={J}, entrysubtype={newspaper}}")["type"] == "article-newspaper"
    assert bib_item("@article{k, title={T}, journal={J}, entrysubtype={magazine}}")["type"] == "article-magazine"


def test_arxiv_preprint_as_zotero_writes_it() -> None:
    item = bib_item("@misc{k, title={T}, eprint={1706.03762}, archivePrefix={arXiv}, primaryClass={cs.CL}}")
    assert item["type"] == "article"
    assert item["number"] == "arXiv:1706.03762" and item["publisher"] == "arXiv"
    assert item["URL"] == "https://arxiv.org/abs/1706.03762"
    assert not {"archive", "archive_location", "archive_collection"} & set(item)
    assert item["custom"] == {"arxiv-class": "cs.CL"}


def test_arxiv_preprint_round_trips_through_csl_json() -> None:
    entries = read_bibtex("@misc{k, title={T}, eprint={1706.03762}, archivePrefix={arXiv}, primaryClass={cs.CL}}", "t.bib", Options())
    out = CslJsonWriter().write([normalize_entry(e) for e in entries], Options())
    again = CslJsonReader().read(out.encode(), "t.json", Options())[0]
    assert (again.fields["eprint"], again.fields["eprinttype"], again.fields["eprintclass"]) == ("1706.03762", "arxiv", "cs.CL")


@pytest.mark.parametrize(
    ("names", "options", "expected"),
    [
        ("von Neumann, John", "", {"dropping-particle": "von", "family": "Neumann", "given": "John"}),
        ("van den Oord, Aäron", "useprefix=true", {"non-dropping-particle": "van den", "family": "Oord", "given": "Aäron"}),
        ("family=Gogh, given=Vincent, prefix=Van, useprefix=true", "", {"non-dropping-particle": "Van", "family": "Gogh", "given": "Vincent"}),
        ("d'Alembert, Jean", "", {"family": "d'Alembert", "given": "Jean"}),
        ("{World Health Organization}", "", {"literal": "World Health Organization"}),
    ],
)
def test_particles_as_biblatex_reads_them(names: str, options: str, expected: dict) -> None:  # type: ignore[type-arg]
    opt = f", options = {{{options}}}" if options else ""
    item = bib_item(f"@article{{k, author = {{{names}}}, title = {{T}}{opt}}}")
    assert item["author"] == [expected]


def test_language_names() -> None:
    assert ietf_language("english") == "en-US" and ietf_language("british") == "en-GB"
    assert ietf_language("brazil") == "pt-BR" and ietf_language("de") == "de" and ietf_language("klingon") == "klingon"


# --- partial name lists ----------------------------------------------------------------


def test_partial_lists_per_output() -> None:
    text = "@article{k, author = {Reid, Machel and Savinov, Nikolay and others}, title = {T}}"
    engine = bib_item(text)  # bibgen's engine and pandoc print the marker as "et al."
    assert engine["author"][-1] == {"literal": "others"}
    file = bib_item(text, partial="custom")  # citeproc-js and Zotero would print "others" as a name
    assert {"literal": "others"} not in file["author"] and len(file["author"]) == 2
    assert file["custom"] == {"partial-name-lists": ["author"]}


def test_partial_marker_is_read_back_in_both_forms() -> None:
    names = [{"family": "Reid", "given": "M."}]
    for item in (
        {"id": "a", "type": "book", "title": "T", "author": [*names, {"literal": "others"}]},
        {"id": "a", "type": "book", "title": "T", "author": names, "custom": {"partial-name-lists": ["author"]}},
    ):
        entry = CslJsonReader().read(json.dumps([item]).encode(), "t.json", Options())[0]
        assert entry.partial == frozenset({"author"})
        out = csl_round_trip([item])[0]
        assert out["author"] == names and out["custom"] == {"partial-name-lists": ["author"]}


# --- CSL-JSON in -> the same CSL-JSON out ---------------------------------------------------


def _every_variable() -> dict:  # type: ignore[type-arg]
    props = schema()["items"]["properties"]
    item: dict = {"id": "all", "type": "article-journal"}  # type: ignore[type-arg]
    for name, spec in sorted(props.items()):
        kind = str(spec.get("type", "")) + str(spec.get("$ref", "")) + str(spec.get("items", ""))
        if name in ("id", "type", "citation-key", "custom", "categories"):
            continue
        if "name-variable" in kind:
            item[name] = [{"family": f"F{name}", "given": "G", "dropping-particle": "de"}]
        elif "date-variable" in kind:
            item[name] = {"date-parts": [[2001, 2, 3]]}
        elif "string" in kind or "number" in kind:
            item[name] = f"<i>v</i> {name} $x$"
    return item


def test_every_csl_variable_survives_a_round_trip() -> None:
    item = _every_variable()
    assert len(item) > 80  # every variable of the schema is in the test
    out = csl_round_trip([item])[0]
    assert out == item


@pytest.mark.parametrize("ctype", sorted(CSL_TYPES))
def test_every_csl_type_survives_a_round_trip(ctype: str) -> None:
    item = {"id": "t", "type": ctype, "title": "T", "number": "7", "issue": "2", "issued": {"date-parts": [[2020]], "season": 1}}
    assert csl_round_trip([item])[0] == item


def test_changed_values_are_written_from_the_model() -> None:
    item = {"id": "t", "type": "book", "title": "<i>Old</i> title", "publisher": "P"}
    entry = CslJsonReader().read(json.dumps([item]).encode(), "t.json", Options())[0]
    changed = entry.replace(fields=entry.fields.set(title="New title"))
    out = csl_item(changed)
    assert out["title"] == "New title" and out["publisher"] == "P"


def test_output_is_valid_csl_json(tmp_path: Path) -> None:
    from bibgen.mappings.csljson import validator

    text = "\n".join([
        r"@article{a, title={The {Higgs} \emph{in Vivo}}, journal={J}, shortjournal={J.}, urldate={2020-01-02}, date={2011/2012}}",
        "@patent{b, title={T}, number={US1}, location={US}}",
        "@misc{c, title={T}, eprint={1706.03762}, archivePrefix={arXiv}, primaryClass={cs.CL}, author={A, B and others}}",
    ])  # fmt: skip
    entries = [normalize_entry(e) for e in read_bibtex(text, "t.bib", Options())]
    items = json.loads(CslJsonWriter().write(entries, Options()))
    assert not list(validator().iter_errors(items))
