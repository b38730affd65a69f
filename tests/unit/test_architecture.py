"""The shape of the house: no import circles, arrows point down the floors, every module says its job.

The floors, top to bottom (the README's "Architecture" section draws them):

4. commands: the CLI, ``bibgen.sync``, ``init``, ``tidy``, ``enrich.run``, the
   public API (``bibgen/__init__.py``) and the console entry point;
3. the pipeline (the stage order, written once);
2. the configuration (one resolution for every command);
1. the stages: readers, writers, styles, renderers, dedupe, pin, keys, enrichment;
0. the ground: the model, options, errors and the pure value functions
   (normalize, latex, dates, ...).

A module may import its own floor or lower ones, never a higher one; and no
set of modules imports itself round a circle, even through imports inside
functions or under ``TYPE_CHECKING`` (those still tie the modules together for
a reader of the code). The graph is read from the source (tests/importgraph.py).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from importgraph import circles, imports, modules

SRC = Path(__file__).resolve().parents[2] / "src"

FLOORS: dict[str, int] = {
    "bibgen.__main__": 4,
    "bibgen.entry": 4,
    "bibgen.cli": 4,
    "bibgen.sync": 4,
    "bibgen.init": 4,
    "bibgen.tidy": 4,
    "bibgen.enrich.run": 4,
    "bibgen.pipeline": 3,
    "bibgen.config": 2,
    "bibgen.readers": 1,
    "bibgen.writers": 1,
    "bibgen.style": 1,
    "bibgen.render": 1,
    "bibgen.dedupe": 1,
    "bibgen.pin": 1,
    "bibgen.keys": 1,
    "bibgen.enrich": 1,
    "bibgen.citations": 1,
}
FLOOR_NAMES = {4: "commands", 3: "pipeline", 2: "configuration", 1: "stages", 0: "ground"}


def floor_of(module: str) -> int:
    """The floor of a module: its longest listed prefix, else the ground."""
    if module == "bibgen":
        return 4
    best, floor = "", 0
    for prefix, f in FLOORS.items():
        if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > len(best):
            best, floor = prefix, f
    return floor


MODULES = modules(SRC / "bibgen", "bibgen")
EDGES = imports(MODULES)


def test_the_graph_is_read() -> None:
    # The check below means something only if imports are found at all.
    assert {"bibgen.options", "bibgen.model"} <= EDGES["bibgen.pipeline"]
    assert "bibgen.pipeline" in EDGES["bibgen.cli"]


def test_the_circle_finder_finds_a_circle() -> None:
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_import_circle() -> None:
    assert circles(EDGES) == []


def test_imports_point_down_the_floors() -> None:
    upward = [
        f"{a} ({FLOOR_NAMES[floor_of(a)]}) imports {b} ({FLOOR_NAMES[floor_of(b)]})"
        for a in sorted(EDGES)
        for b in sorted(EDGES[a])
        if floor_of(b) > floor_of(a)
    ]
    assert upward == []


def test_export_does_not_reach_the_pipeline_through_sync() -> None:
    # The one-shot export (cli, pipeline) and enrich use the pipeline's pin stage, not the sync layer.
    for module in ("bibgen.pipeline", "bibgen.pin", "bibgen.enrich.run"):
        assert not any(t == "bibgen.sync" or t.startswith("bibgen.sync.") for t in EDGES[module]), module


def test_options_sit_on_the_ground_floor() -> None:
    assert floor_of("bibgen.options") == 0
    assert all(floor_of(t) == 0 for t in EDGES["bibgen.options"])


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_module_opens_with_its_job(module: str) -> None:
    doc = ast.get_docstring(ast.parse(MODULES[module].read_text(encoding="utf-8")))
    assert doc and doc.strip(), f"{module} has no opening docstring"
