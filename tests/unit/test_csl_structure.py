"""The CSL engine's module graph: no import cycle, loading apart from rendering, one job per module.

The graph is read from the package's source (tests/importgraph.py; imports
inside functions count too). ``from bibgen.style.csl import Name`` of a name the
package re-exports is an edge to the package itself (its ``__init__`` imports the
whole engine), so inside the package modules name their siblings in full.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from importgraph import circles, imports, modules

import bibgen.style.csl as package

PKG = "bibgen.style.csl"
ROOT = Path(package.__file__).resolve().parent


def graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Each module of the package and the package modules it imports."""
    return imports(modules(root, PKG))


def test_the_checker_finds_a_cycle(tmp_path: Path) -> None:
    # The check itself can fail: a cycle through an import inside a function is found, and
    # one through a name the package's __init__ re-exports.
    (tmp_path / "__init__.py").write_text("from bibgen.style.csl.a import A\n")
    (tmp_path / "a.py").write_text("from bibgen.style.csl.b import B\nA = 1\n")
    (tmp_path / "b.py").write_text("def f():\n    from bibgen.style.csl import a\nB = 2\n")
    assert circles(graph(tmp_path)) == [[f"{PKG}.a", f"{PKG}.b"]]
    (tmp_path / "b.py").write_text("def f():\n    from bibgen.style.csl import A\nB = 2\n")
    assert circles(graph(tmp_path)) == [[PKG, f"{PKG}.a", f"{PKG}.b"]]


def test_no_import_cycle_in_the_engine() -> None:
    edges = graph()
    assert len(edges) >= 10  # the package was found and read
    assert circles(edges) == []


def test_loading_does_not_know_rendering() -> None:
    edges = graph()
    # Style loading (XML, macros, locale, options) never imports rendering or the facade.
    assert f"{PKG}.render" not in edges[f"{PKG}.load"]
    assert f"{PKG}.style" not in edges[f"{PKG}.load"]
    # Elements read the loaded style through context.CompiledStyle, not by importing the loader.
    for low in ("context", "elements", "names", "dates", "values", "runs", "locale", "collation", "items"):
        assert not edges[f"{PKG}.{low}"] & {f"{PKG}.load", f"{PKG}.render", f"{PKG}.style", PKG}, low


@pytest.mark.parametrize("path", sorted(ROOT.glob("*.py")), ids=lambda p: p.stem)
def test_each_module_states_its_job(path: Path) -> None:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert doc and len(doc.splitlines()[0]) > 20, f"{path.name} opens without a docstring stating its job"


def test_public_names_stay_importable() -> None:
    from bibgen.style.csl import CslStyle
    from bibgen.style.csl.style import CslStyle as Same

    assert CslStyle is Same
    assert CslStyle.from_string.__doc__
