"""Bounded work, and limits that fit real data (issue 20).

Every hostile case is run in a subprocess with a timeout where the old code
hung, so a regression fails instead of hanging the suite.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import SEEDS, run_cli


def bibgen(*args: str, cwd, timeout: float = 60, env=None) -> subprocess.CompletedProcess[str]:  # type: ignore[no-untyped-def]
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "bibgen", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout, env=full_env
    )


def one_error(stderr: str) -> str:
    errors = [ln for ln in stderr.splitlines() if ": error: " in ln]
    assert len(errors) == 1 and "Traceback" not in stderr, stderr
    return errors[0]


def test_string_billion_laughs_is_a_located_error(tmp_path):
    lines = ['@string{a0 = "xxxxxxxxxx"}'] + [f"@string{{a{i} = a{i - 1} # a{i - 1}}}" for i in range(1, 41)]
    lines.append("@misc{k, title = a40}")
    src = tmp_path / "laughs.bib"
    src.write_text("\n".join(lines) + "\n")
    run = bibgen("export", str(src), cwd=tmp_path)
    assert run.returncode == 3
    assert one_error(run.stderr).startswith(f"{src}:")
    assert "@string macros expand to more than 64 MiB" in run.stderr
    assert run.stdout == ""


def test_string_expansion_through_many_references_is_bounded(tmp_path):
    # One 1 MiB macro referenced from 100 fields of 100 entries: 10 GB if expanded.
    body = "\n".join(f"@misc{{k{i}, title = big # big # big # big, note = big}}" for i in range(1000))
    src = tmp_path / "refs.bib"
    src.write_text('@string{big = "' + "x" * (1 << 20) + '"}\n' + body + "\n")
    run = bibgen("export", str(src), cwd=tmp_path)
    assert run.returncode == 3 and "expand to more than" in one_error(run.stderr)


def test_expansion_limit_is_configurable(tmp_path):
    src = tmp_path / "refs.bib"
    src.write_text('@string{j = "Journal of Things"}\n@misc{k, title = {T}, journal = j # " " # j}\n')
    assert bibgen("export", str(src), cwd=tmp_path).returncode == 0
    small = bibgen("export", str(src), cwd=tmp_path, env={"BIBGEN_MAX_MACRO_EXPANSION": "20"})
    assert small.returncode == 3 and "expand to more than" in small.stderr


@pytest.mark.parametrize(
    "text",
    [
        "@misc{a, title={A}, crossref={b}}\n@misc{b, title={B}, crossref={a}}\n",
        "@misc{a, title={A}, crossref={b}}\n@misc{b, title={B}, xdata={c}}\n@misc{c, title={C}, xdata={x, a}}\n",
        "@misc{a, title={A}, xdata={a}}\n",
    ],
    ids=["crossref", "crossref-xdata", "xdata-self"],
)
def test_crossref_and_xdata_cycles_are_errors_with_both_places(text, tmp_path):
    src = tmp_path / "cyc.bib"
    src.write_text(text)
    run = bibgen("export", str(src), cwd=tmp_path)
    assert run.returncode == 3
    line = one_error(run.stderr)
    assert line.startswith(f"{src}:1:1: error: crossref/xdata cycle: 'a' ({src}:1:1) -> ")
    if "crossref={b}" in text:
        assert f"'b' ({src}:2:1)" in line


def macro_bomb(levels: int, fanout: int, leaf: str = "title") -> str:
    macros = "".join(
        f'<macro name="m{i}"><group>' + f'<text macro="m{i + 1}"/>' * fanout + "</group></macro>" for i in range(levels)
    )
    macros += f'<macro name="m{levels}"><text variable="{leaf}"/></macro>'
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">\n'
        "<info><title>Bomb</title><id>bomb</id><updated>2020-01-01T00:00:00+00:00</updated></info>\n"
        f'{macros}\n<citation><layout><text macro="m0"/></layout></citation>\n'
        '<bibliography><layout><text macro="m0"/></layout></bibliography>\n</style>\n'
    )


@pytest.mark.parametrize(("levels", "fanout", "message"), [(29, 10, "elements per entry"), (6, 10, "macro calls"), (80, 1, "deeper than 64"), (4, 10, "times the entry's data")],
    ids=["expansion", "calls", "depth", "output"],)
def test_hostile_csl_macros_are_a_located_error(levels, fanout, message, tmp_path):
    style = tmp_path / "bomb.csl"
    # the calls case prints nothing (a variable no entry has): only the number of calls grows
    style.write_text(macro_bomb(levels, fanout, "archive" if message == "macro calls" else "title"))
    run = bibgen("export", "-f", "text", "-s", str(style), str(SEEDS), cwd=tmp_path)
    assert run.returncode == 3
    assert one_error(run.stderr).startswith(f"{style}:") and message in run.stderr


def test_alias_bomb_in_bibgen_yaml_does_not_hang(tmp_path):
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 12)]
    lines.append("sources: *a11")
    (tmp_path / "bibgen.yaml").write_text("\n".join(lines) + "\n")
    for args in (("sync", "--check"), ("export",)):
        run = bibgen(*args, cwd=tmp_path, timeout=30, env={"BIBGEN_CACHE_DIR": str(tmp_path / "c")})
        assert run.returncode == 2
        assert "aliases (*name) are not allowed in bibgen.yaml" in one_error(run.stderr)


def symlink_loop_project(tmp_path):  # type: ignore[no-untyped-def]
    seeds = tmp_path / "seeds"
    (seeds / "a" / "b").mkdir(parents=True)
    (seeds / "a" / "p.yaml").write_text("- {title: A work, year: 2020}\n")
    os.symlink("../..", seeds / "a" / "b" / "up")  # two loops
    os.symlink("../b", seeds / "a" / "b" / "again")
    (tmp_path / "bibgen.yaml").write_text("sources: [seeds]\noutputs:\n  - {path: refs.bib, format: bibtex}\n")
    return tmp_path


def test_symlink_loops_do_not_hang_sync_or_check(tmp_path):
    project = symlink_loop_project(tmp_path)
    env = {"BIBGEN_CACHE_DIR": str(tmp_path / "cache")}
    assert bibgen("sync", cwd=project, timeout=60, env=env).returncode == 0
    check = bibgen("sync", "--check", cwd=project, timeout=60, env=env)  # the cached walk
    assert check.returncode == 0, check.stderr
    assert (project / "refs.bib").read_text().count("@misc{") == 1


def test_symlink_out_of_the_project_is_not_followed(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.bib").write_text("@misc{secret, title={Private key material}}\n")
    project = tmp_path / "proj"
    (project / "seeds").mkdir(parents=True)
    (project / "seeds" / "a.yaml").write_text("- {title: A work, year: 2020}\n")
    os.symlink(outside, project / "seeds" / "linked")
    os.symlink(outside / "secret.bib", project / "seeds" / "file.bib")
    run = bibgen("export", "seeds", cwd=project)
    assert run.returncode == 0, run.stderr
    assert "secret" not in run.stdout
    assert run.stderr.count("outside seeds; not followed") == 2
    asked = bibgen("export", "seeds", str(outside), cwd=project)  # named: read
    assert "@misc{secret," in asked.stdout


def test_reads_its_own_45k_author_line(tmp_path):
    authors = "\n".join(f"    - Familyname{i:05d}, Givenname" for i in range(45000))
    src = tmp_path / "big.yaml"
    src.write_text("- title: A large collaboration\n  year: 2020\n  authors:\n" + authors + "\n")
    out = tmp_path / "refs.bib"
    assert run_cli("export", str(src), "-o", str(out), cwd=tmp_path).returncode == 0
    assert max(len(line) for line in out.read_text().split("\n")) > (1 << 20)
    again = run_cli("export", str(out), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout.count(" and ") == 44999


def test_reads_minified_csl_json_over_a_megabyte(tmp_path):
    items = [
        {"id": f"k{i}", "type": "article-journal", "title": f"Paper {i} " + "w" * 60, "author": [{"family": f"F{i}", "given": "G"}]}
        for i in range(9000)
    ]
    src = tmp_path / "min.json"
    src.write_text(json.dumps(items, separators=(",", ":")))
    assert src.stat().st_size > 1_400_000
    run = run_cli("export", str(src), "-f", "csl-json", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert len(json.loads(run.stdout)) == 9000


def test_total_input_size_limit_is_configurable(tmp_path):
    src = tmp_path / "r.yaml"
    src.write_text("- {title: A work, year: 2020}\n")
    run = bibgen("export", str(src), cwd=tmp_path, env={"BIBGEN_MAX_INPUT_SIZE": "10"})
    assert run.returncode == 3 and one_error(run.stderr) == f"{src}:1:1: error: file is larger than 10 bytes (raise $BIBGEN_MAX_INPUT_SIZE to read it)"
