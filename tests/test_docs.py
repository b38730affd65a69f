"""Every command, format, reader and style is documented in the README."""

from __future__ import annotations

import re

import pytest

from bibgen.registry import readers, styles, writers
from conftest import ROOT, run_cli

README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands() -> list[str]:
    out = run_cli("--help").stdout
    # click's plain help lists commands after "Commands:", one per line: "  export  Read sources…"
    listing = out.split("Commands:", 1)[1]
    return sorted(set(re.findall(r"^\s+([a-z][a-z-]+)\s{2,}", listing, re.MULTILINE)))


def test_cli_has_commands():
    assert "export" in commands()


@pytest.mark.parametrize("command", commands())
def test_command_documented(command):
    assert f"bibgen {command}" in README


@pytest.mark.parametrize("name", writers.names())
def test_format_documented(name):
    assert re.search(rf"`{re.escape(name)}`|--format {re.escape(name)}\b", README), f"format {name} not in README"


@pytest.mark.parametrize("name", readers.names())
def test_reader_documented(name):
    suffixes = readers.get(name).suffixes
    assert any(f"`*{s}`" in README or f"`{s}`" in README for s in suffixes) or f"`{name}`" in README


@pytest.mark.parametrize("code", [0, 1, 2, 3, 4])
def test_exit_codes_documented(code):
    assert re.search(rf"^\| {code} \|", README, re.MULTILINE)


@pytest.mark.parametrize("name", sorted(set(styles.names()) | {"apa", "ieee", "chicago-author-date", "nature", "harvard", "vancouver", "acm", "bibgen-compact"}))
def test_style_documented_with_golden_case(name):
    assert f"`{name}`" in README, f"style {name} not in README"
    golden = ROOT / "tests" / "golden"
    assert list(golden.glob(f"*/expected.{name}.txt")), f"style {name} has no golden case"
