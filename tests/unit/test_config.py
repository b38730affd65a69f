"""Configuration: discovery, validation, and errors that name the file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from bibgen.config import find_config, load_config
from bibgen.errors import EXIT_USAGE, ConfigError
from bibgen.normalize import title_key


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_no_config_gives_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    assert config.path is None
    assert config.sources == ("seeds",)
    assert config.options().key_pattern == "[auth:lower][year][shorttitle(3)]"


def test_pyproject_found_upward_and_paths_relative_to_it(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        '[project]\nname = "x"\n\n[tool.bibgen]\nsources = ["pages/*.txt"]\nkey-pattern = "[auth][year]"\nascii = true\n'
        '[[tool.bibgen.outputs]]\npath = "out/refs.bib"\n',
    )
    write(tmp_path / "pages" / "a.txt", "")
    write(tmp_path / "pages" / "b.txt", "")
    deep = tmp_path / "chapters" / "one"
    deep.mkdir(parents=True)
    config = load_config(deep)
    assert config.path == tmp_path / "pyproject.toml"
    assert [p.name for p in config.source_paths()] == ["a.txt", "b.txt"]
    assert config.outputs[0].path == tmp_path / "out" / "refs.bib"
    assert config.outputs[0].format == "bibtex"
    options = config.options()
    assert (options.key_pattern, options.ascii) == ("[auth][year]", True)
    assert config.options(key_pattern="[year]").key_pattern == "[year]"


def test_pyproject_without_table_is_skipped(tmp_path: Path) -> None:
    write(tmp_path / "bibgen.yaml", "sources: [s]\n")
    write(tmp_path / "sub" / "pyproject.toml", '[project]\nname = "bibgen-ish"\n')
    assert find_config(tmp_path / "sub") == tmp_path / "bibgen.yaml"


def test_yaml_and_pyproject_in_one_folder_is_an_error(tmp_path: Path) -> None:
    write(tmp_path / "bibgen.yaml", "sources: [s]\n")
    write(tmp_path / "pyproject.toml", "[tool.bibgen]\n")
    with pytest.raises(ConfigError, match="both bibgen.yaml and"):
        find_config(tmp_path)


@pytest.mark.parametrize(
    ("text", "line", "key", "hint"),
    [
        ("sources: [a]\nkey_pattern: x\n", 2, "key_pattern", "key-pattern"),
        ("sorces: [a]\n", 1, "sorces", "sources"),
        ("outputs:\n  - path: a.bib\n    fromat: bibtex\n", 3, "fromat", "format"),
        ("not-duplicate: []\n", 1, "not-duplicate", "not-duplicates"),
    ],
)
def test_unknown_yaml_key_names_file_line_key_and_suggestion(tmp_path: Path, text: str, line: int, key: str, hint: str) -> None:
    path = write(tmp_path / "bibgen.yaml", text)
    with pytest.raises(ConfigError) as exc:
        load_config(tmp_path)
    err = exc.value
    assert err.exit_code == EXIT_USAGE
    assert err.origin is not None and err.origin.path == str(path) and err.origin.line == line
    assert f"unknown key '{key}'" in err.message
    assert err.hint == f"did you mean '{hint}'?"


def test_unknown_toml_key_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path / "pyproject.toml", '[project]\nname = "p"\n\n[tool.bibgen]\nsources = ["a"]\nascci = true\n')
    with pytest.raises(ConfigError) as exc:
        load_config(tmp_path)
    assert str(exc.value) == f"{path}:6:1: error: unknown key 'ascci' in [tool.bibgen] (did you mean 'ascii'?)"


def test_unknown_key_in_toml_output_table(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.bibgen]\n[[tool.bibgen.outputs]]\npath = "a.bib"\nstlye = "apa"\n')
    with pytest.raises(ConfigError) as exc:
        load_config(tmp_path)
    assert exc.value.origin.line == 4
    assert "'stlye' in outputs[0]" in exc.value.message
    assert exc.value.hint == "did you mean 'style'?"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ascii: yes please\n", "'ascii' must be true or false"),
        ("sources: 3\n", "'sources' must be a list of globs"),
        ("outputs: [{format: bibtex}]\n", "outputs[0] has no 'path'"),
        ("outputs: [{path: refs.json}]\n", "outputs[0] needs a 'format'"),
        ("outputs: [a.bib, a.bib]\n", "writes 'a.bib' again"),
        ("key-pattern: '[nosuchfield]'\n", "'key-pattern': key pattern '[nosuchfield]': unknown field"),
        ("not-duplicates: [[only one]]\n", "not-duplicates[0] must be a pair"),
        ("venues: {rule: [{match: x, kind: journal}]}\n", "kind must be one of"),
        ("venues: {rule: [{match: x, kind: article, nmae: X}]}\n", "unknown key 'nmae'"),
        ("sources: [a\n", "invalid YAML"),
    ],
)
def test_invalid_values_are_config_errors(tmp_path: Path, text: str, message: str) -> None:
    write(tmp_path / "bibgen.yaml", text)
    with pytest.raises(ConfigError) as exc:
        load_config(tmp_path)
    assert message in exc.value.message
    assert exc.value.origin is not None and exc.value.origin.path.endswith("bibgen.yaml")


def test_invalid_toml_has_position(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.bibgen]\nsources = [\n")
    with pytest.raises(ConfigError) as exc:
        load_config(path=tmp_path / "pyproject.toml")
    assert "invalid TOML" in exc.value.message
    assert exc.value.origin.line >= 2


def test_venues_and_not_duplicates_reach_options(tmp_path: Path) -> None:
    write(
        tmp_path / "bibgen.yaml",
        "venues:\n  arxiv: {Made Up Subject: cs.XX}\n  rule:\n    - {match: '^Journal of Tests', kind: article}\n"
        "not-duplicates:\n  - ['Gemma: Open Models', 'GEMMA open models!']\n",
    )
    options = load_config(tmp_path).options()
    table = options.venue_table
    assert table.classify("Journal of Tests 12").kind.value == "article"
    assert table.classify("arXiv.org Made Up Subject").fields["eprintclass"] == "cs.XX"
    # Both spellings fold to one title key: records with that title never merge by title alone.
    policy = options.dedupe_policy
    key = title_key("Gemma: Open Models")
    assert policy.not_duplicates == frozenset({frozenset({key})})
    assert policy.distinct([key], [title_key("GEMMA open models!")])
    assert not policy.distinct([key], [title_key("Gemma 2")])


def test_glob_sources_sorted_and_missing_plain_names_kept(tmp_path: Path) -> None:
    write(tmp_path / "bibgen.yaml", "sources: ['p/**/*.txt', 'missing']\n")
    for name in ("p/z.txt", "p/a/b.txt", "p/c.md"):
        write(tmp_path / name, "")
    config = load_config(tmp_path)
    rel = [str(p.relative_to(tmp_path)) for p in config.source_paths()]
    assert rel == ["missing", "p/a/b.txt", "p/z.txt"]


def test_bibtex_layout_table(tmp_path):
    from bibgen.config import load_config
    from bibgen.errors import ConfigError

    cfg = tmp_path / "bibgen.yaml"
    cfg.write_text("bibtex:\n  protect-case: words\n  omit: abstract\n  sort: [-year, key]\n  align: 12\n  quotes: true\n")
    layout = load_config(path=cfg).options().layout
    assert (layout.protect_case, layout.omit, layout.sort, layout.align, layout.quotes) == (
        "words", ("abstract",), ("-year", "key"), 12, True,
    )
    # Command-line values win over the configuration.
    assert load_config(path=cfg).options(layout={"align": 0}).layout.align == 0
    for bad, message in (
        ("bibtex:\n  align: wide\n", "'align' must be a number"),
        ("bibtex:\n  protect-case: always\n", "protect-case must be one of"),
        ("bibtex:\n  sort: [colour]\n", "sort key 'colour'"),
    ):
        cfg.write_text(bad)
        with pytest.raises(ConfigError, match=message):
            load_config(path=cfg)
