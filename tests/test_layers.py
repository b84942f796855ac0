"""The package's shape: no module imports itself back through others, none grows past ~600 lines.

An import cycle makes the order in which modules load matter and hides which
layer depends on which (the loader once called the cache that wraps it). Every
import counts, at module level or inside a function: a deferred import still
ties the two modules together.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "bbtrack"
MAX_LINES = 600


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The package's modules that `name` imports, anywhere in its text."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - (node.level - 1)]
                root = ".".join(base + ([node.module] if node.module else []))
            else:
                root = node.module or ""
            found.update(m for m in [root, *(f"{root}.{a.name}" for a in node.names)] if m in known)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in known)
    # A module's own packages run before it (their __init__ files): not an edge worth a cycle.
    return {m for m in found if m != name and not name.startswith(m + ".")}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each group of modules that reach one another (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return groups


def package_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    known = modules(package)
    return {name: imports(name, path, known) for name, path in known.items()}


def test_no_import_cycles():
    assert cycles(package_graph()) == []


def test_no_module_over_the_line_limit():
    sizes = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in modules().items()}
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}


def test_the_loader_does_not_know_the_cache():
    graph = package_graph()
    assert "bbtrack.load.cache" not in graph["bbtrack.load.loader"]
    assert "bbtrack.load.loader" in graph["bbtrack.load.cached"]
    assert "bbtrack.load.cache" in graph["bbtrack.load.cached"]


@pytest.mark.parametrize("deferred", [False, True])
def test_the_probe_finds_a_cycle(tmp_path, deferred):
    """The check can fail: a loop through a relative import, at module level or in a function."""
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("from .sub import b\n")
    body = "def f():\n    from .. import a\n" if deferred else "from ..a import f\n"
    (package / "sub" / "b.py").write_text(body)
    (package / "c.py").write_text("import pkg.a\n")
    assert cycles(package_graph(package)) == [["pkg.a", "pkg.sub.b"]]
    (package / "sub" / "b.py").write_text("x = 1\n")
    assert cycles(package_graph(package)) == []
