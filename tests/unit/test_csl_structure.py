"""The CSL engine's module graph: no import cycle, loading apart from rendering, one job per module.

The graph is read with :mod:`ast` from the package's source (imports inside
functions count too). ``from bibgen.style.csl import x`` is an edge to the
package itself (its ``__init__`` runs first and imports the whole engine), so
inside the package modules name their siblings in full.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import bibgen.style.csl as package

PKG = "bibgen.style.csl"
ROOT = Path(package.__file__).resolve().parent


def module_name(path: Path) -> str:
    return PKG if path.name == "__init__.py" else f"{PKG}.{path.stem}"


def graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Each module of the package and the package modules it imports."""
    modules = {module_name(p): p for p in sorted(root.glob("*.py"))}
    edges: dict[str, set[str]] = {m: set() for m in modules}
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                base = node.module
                if node.level:
                    parts = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
                    parts = parts[: len(parts) - node.level + 1]
                    base = ".".join([*parts, node.module])
                targets = [base]
            for t in targets:
                if t in modules and t != name:
                    edges[name].add(t)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected set of more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return sorted(out)


def test_the_checker_finds_a_cycle(tmp_path: Path) -> None:
    # The check itself can fail: a two-module cycle through a package import is found.
    (tmp_path / "__init__.py").write_text("from bibgen.style.csl.a import A\n")
    (tmp_path / "a.py").write_text("from bibgen.style.csl.b import B\nA = 1\n")
    (tmp_path / "b.py").write_text("def f():\n    from bibgen.style.csl import a\nB = 2\n")
    assert cycles(graph(tmp_path)) == [[PKG, f"{PKG}.a", f"{PKG}.b"]]


def test_no_import_cycle_in_the_engine() -> None:
    edges = graph()
    assert len(edges) >= 10  # the package was found and read
    assert cycles(edges) == []


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
