"""The package layout: no import cycle between whodid's modules, no module over 520 lines.

The import graph is read from the source with `ast`, not by importing anything. A node is a
module (`whodid.code.coder`) or a package (`whodid.code.actors`, its `__init__.py`). An edge
is an import statement at module level, including those under `if TYPE_CHECKING:` and
`try:` (they run, or a type checker follows them); imports inside a function or a class
body run on call and do not count. `from X import name` points to the module `X.name`
when `name` is a submodule, else to `X`. Importing a submodule also runs its parent
packages' `__init__`, but that is not counted as an edge: a package that imports its own
submodules would otherwise always be a cycle.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "whodid"
MAX_LINES = 520


def module_names() -> dict[str, Path]:
    """Dotted module name -> file, for every .py file under whodid/."""
    names = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def module_level(body: list[ast.stmt]):
    """The import statements run when the module is imported: top level, and inside
    if/try/with blocks at top level; not inside def or class."""
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        else:
            for field in ("body", "orelse", "finalbody"):
                yield from module_level(getattr(node, field, []) or [])
            for handler in getattr(node, "handlers", []) or []:
                yield from module_level(handler.body)


def import_graph() -> dict[str, set[str]]:
    """Module -> the whodid modules it imports at module level."""
    names = module_names()
    graph: dict[str, set[str]] = {name: set() for name in names}
    for name, path in names.items():
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in module_level(tree.body):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:  # relative import
                    anchor = name.split(".")
                    if not is_package:
                        anchor = anchor[:-1]
                    anchor = anchor[:len(anchor) - (node.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in names else base
                           for alias in node.names]
            for target in targets:
                # `import whodid.code.x` or an attribute of a module: nearest known module
                while target and target not in names:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each as a
    list of its modules, sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(cycles)


def describe(graph: dict[str, set[str]], component: list[str]) -> str:
    """One cycle through a component, written `a -> b -> a`, for the failure message."""
    members = set(component)
    path = [component[0]]
    while True:
        nxt = min(n for n in graph[path[-1]] if n in members)
        if nxt in path:
            return " -> ".join(path[path.index(nxt):] + [nxt])
        path.append(nxt)


def test_checker_finds_a_cycle():
    """The checker itself: a three-module cycle and a self-contained tail."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycles(graph) == [["a", "b", "c"]]
    assert describe(graph, ["a", "b", "c"]) == "a -> b -> c -> a"
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_checker_reads_the_package():
    graph = import_graph()
    assert "whodid.code.coder" in graph and "whodid.code.actors" in graph
    assert "whodid.code.pipeline" in graph["whodid.code.coder"]


def test_no_import_cycle():
    graph = import_graph()
    cycles = [describe(graph, c) for c in find_cycles(graph)]
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_no_long_module():
    long = {}
    for path in module_names().values():
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > MAX_LINES:
            long[str(path.relative_to(PACKAGE.parent))] = n
    assert not long, f"modules over {MAX_LINES} lines: {long}"


def test_version_matches_pyproject():
    """whodid/version.py holds the version so that modules need not import the package;
    it must say what pyproject.toml says."""
    from whodid.version import __version__
    pyproject = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    assert __version__ == pyproject["project"]["version"]
