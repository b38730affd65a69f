"""The command line for formatted references: --format text|markdown|html, --style, bibgen styles, sync."""

from __future__ import annotations

import shutil

from bibgen.style.cslbridge import engine_available
from conftest import ROOT, SEEDS, run_cli


def test_unknown_style_exits_2_with_suggestions():
    result = run_cli("export", str(SEEDS), "--format", "text", "--style", "unsrtalfa")
    assert result.returncode == 2 and result.stdout == ""
    assert "unknown style 'unsrtalfa'" in result.stderr and "'unsrtalpha'" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_grouping_exits_2():
    result = run_cli("export", str(SEEDS), "--format", "html", "--group-by", "month")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_invalid_csl_file_is_an_error_not_a_traceback(tmp_path):
    bad = tmp_path / "bad.csl"
    bad.write_text("<style><oops></style>")
    result = run_cli("export", str(SEEDS), "--format", "text", "--style", str(bad))
    assert result.returncode == 3 and "Traceback" not in result.stderr and result.stdout == ""
    # One line naming the style file with line and column, as for any other bad input
    # (then the indented caret excerpt of that line).
    first, *excerpt = result.stderr.splitlines()
    assert first.startswith(f"{bad}:1:16: error: ") and excerpt == ["  1 | <style><oops></style>", "    |                ^"], result.stderr
    entities = tmp_path / "entities.csl"
    entities.write_text('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "aaaa">]>\n<style/>\n')
    result = run_cli("export", str(SEEDS), "--format", "text", "--style", str(entities))
    assert result.returncode == 3 and result.stderr.startswith(f"{entities}:2:"), result.stderr


def test_styles_lists_sorted_and_deterministic():
    one = run_cli("styles", env={"PYTHONHASHSEED": "1"})
    two = run_cli("styles", env={"PYTHONHASHSEED": "2"})
    assert one.returncode == 0 and one.stdout == two.stdout
    names = [line.split()[0] for line in one.stdout.splitlines()]
    assert names == sorted(names)
    assert {"plain", "unsrt", "alpha", "unsrtalpha", "apa", "ieee", "bibgen-compact"} <= set(names)
    plain = next(line for line in one.stdout.splitlines() if line.startswith("plain "))
    assert plain.split()[1:3] == ["pybtex", "built-in"]


def test_format_from_output_suffix_and_hash_seed_independence(tmp_path):
    outputs = {}
    for seed in ("0", "4242"):
        for suffix in (".txt", ".md", ".html"):
            out = tmp_path / f"refs{seed}{suffix}"
            result = run_cli("export", str(SEEDS), "-o", str(out), "--style", "alpha", env={"PYTHONHASHSEED": seed})
            assert result.returncode == 0, result.stderr
            outputs[(seed, suffix)] = out.read_bytes()
    for suffix in (".txt", ".md", ".html"):
        assert outputs[("0", suffix)] == outputs[("4242", suffix)]
    assert outputs[("0", ".html")].startswith(b"<!DOCTYPE html>")
    assert outputs[("0", ".md")].startswith(b"\\[K")
    assert outputs[("0", ".txt")].startswith(b"[K")


def test_default_style(tmp_path):
    result = run_cli("export", str(SEEDS), "--format", "text", cwd=tmp_path)
    assert result.returncode == 0
    if engine_available():
        assert result.stdout.startswith("Kavukcuoglu, K.")  # apa
    else:
        assert result.stdout.startswith("[1] ")


def test_sync_honours_output_style_grouping_and_fragment(tmp_path):
    root = tmp_path / "paper"
    shutil.copytree(SEEDS, root / "pages")
    (root / "styles").mkdir()
    shutil.copy(ROOT / "styles" / "bibgen-compact.csl", root / "styles" / "lab.csl")
    (root / "pyproject.toml").write_text(
        "[tool.bibgen]\n"
        'sources = ["pages/*.txt"]\n'
        "outputs = [\n"
        '  { path = "refs.bib", format = "bibtex" },\n'
        '  { path = "pubs.html", format = "html", style = "alpha", group-by = "type" },\n'
        '  { path = "list.html", format = "html", style = "unsrt", fragment = true },\n'
        '  { path = "pubs.md", format = "markdown", style = "unsrtalpha" },\n'
        "]\n"
    )
    env = {"BIBGEN_CACHE_DIR": str(tmp_path / "cache")}
    result = run_cli("sync", cwd=root, env=env)
    assert result.returncode == 0, result.stderr
    page = (root / "pubs.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "<h2>Preprints</h2>" in page and '<span class="label">[K+a]</span>' in page
    fragment = (root / "list.html").read_text()
    assert fragment.startswith('<ul class="bibliography">') and '<span class="label">[1]</span>' in fragment
    assert (root / "pubs.md").read_text().startswith("\\[K")
    assert run_cli("sync", "--check", cwd=root, env=env).returncode == 0


def test_sync_rejects_unknown_style_in_configuration(tmp_path):
    (tmp_path / "pages").mkdir()
    shutil.copy(next(SEEDS.glob("*.txt")), tmp_path / "pages")
    (tmp_path / "bibgen.yaml").write_text(
        "sources: [pages]\noutputs:\n  - path: refs.txt\n    format: text\n    style: ieeee\n"
    )
    result = run_cli("sync", cwd=tmp_path, env={"BIBGEN_CACHE_DIR": str(tmp_path / "cache")})
    assert result.returncode == 2 and "bibgen.yaml:3" in result.stderr and "unknown style 'ieeee'" in result.stderr
    assert not (tmp_path / "refs.txt").exists()


def test_project_style_edit_invalidates_sync_cache(tmp_path):
    if not engine_available():
        import pytest

        pytest.skip("bibgen's CSL processor is not installed")
    root = tmp_path / "p"
    shutil.copytree(SEEDS, root / "pages")
    (root / "styles").mkdir()
    style = root / "styles" / "lab.csl"
    shutil.copy(ROOT / "styles" / "bibgen-compact.csl", style)
    (root / "bibgen.yaml").write_text("sources: [pages]\noutputs:\n  - {path: refs.txt, format: text, style: lab}\n")
    env = {"BIBGEN_CACHE_DIR": str(tmp_path / "cache")}
    assert run_cli("sync", cwd=root, env=env).returncode == 0
    assert run_cli("sync", "--check", cwd=root, env=env).returncode == 0
    style.write_text(style.read_text().replace('prefix="[" suffix="]"/>', 'prefix="(" suffix=")"/>'))
    assert run_cli("sync", "--check", cwd=root, env=env).returncode == 1


def test_configuration_checks_html_output_keys(tmp_path):
    import pytest

    from bibgen.config import parse_config
    from bibgen.errors import ConfigError

    cfg = tmp_path / "bibgen.yaml"
    spec = parse_config({"outputs": [{"path": "a.html", "format": "html", "group-by": "type", "fragment": True}]}, cfg).outputs[0]
    assert (spec.group_by, spec.fragment) == ("type", True)
    with pytest.raises(ConfigError, match="group-by"):
        parse_config({"outputs": [{"path": "a.html", "format": "html", "group-by": "month"}]}, cfg)
    with pytest.raises(ConfigError, match="fragment"):
        parse_config({"outputs": [{"path": "a.html", "format": "html", "fragment": "yes"}]}, cfg)
    with pytest.raises(ConfigError, match="did you mean 'group-by'"):
        parse_config({"outputs": [{"path": "a.html", "format": "html", "group_by": "year"}]}, cfg)
