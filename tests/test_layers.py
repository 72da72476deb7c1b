"""The package's imports go one way: no module imports one that (directly or not) imports it back, no package
does either, and nothing below the shells imports the shells (``web``, ``cli``). Imports inside functions count:
they hide a cycle, they do not remove it."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import PROJECT

SRC = PROJECT / "src"
SHELLS = ("chainatlas.web", "chainatlas.cli")


def _modules() -> dict[str, Path]:
    out = {}
    for path in (SRC / "chainatlas").rglob("*.py"):
        if "migrations" in path.parts:
            continue  # migrations read the package at upgrade time; nothing imports them
        out[".".join(path.relative_to(SRC).with_suffix("").parts).removesuffix(".__init__")] = path
    return out


def _graph() -> dict[str, set[str]]:
    mods = _modules()

    def owner(name: str) -> str | None:
        while name and name not in mods:
            name = name.rpartition(".")[0]
        return name or None

    edges: dict[str, set[str]] = {m: set() for m in mods}
    for mod, path in mods.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [f"{node.module}.{a.name}" for a in node.names]  # a submodule, or a name in the module
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                target = owner(name) if name.startswith("chainatlas") else None
                if target and target != mod:
                    edges[mod].add(target)
    return edges


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while (w := stack.pop()) != v:
                comp.append(w)
            comp.append(v)
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def _package(mod: str) -> str:
    return ".".join(mod.split(".")[:2])


def test_no_module_cycle() -> None:
    assert not _cycles(_graph())


def test_no_package_cycle() -> None:
    packages: dict[str, set[str]] = {}
    for mod, targets in _graph().items():
        packages.setdefault(_package(mod), set()).update(_package(t) for t in targets if _package(t) != _package(mod))
    assert not _cycles(packages)


def test_nothing_below_the_shells_imports_them() -> None:
    upward = [(m, t) for m, ts in _graph().items() if not m.startswith(SHELLS) for t in ts
              if t == "chainatlas.cli" or t.startswith(("chainatlas.web.", "chainatlas.cli.")) or t == "chainatlas.web"]
    assert not upward


def test_the_checks_see_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert "chainatlas.trade.repository" in _graph()["chainatlas.trade.intake"]


def test_every_public_library_function_has_a_docstring() -> None:
    """NetworkX-style: a library function a user may call says what it does (the shells, web and cli, excepted)."""
    missing = []
    for mod, path in _modules().items():
        if mod.startswith(SHELLS):
            continue
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_") and not ast.get_docstring(node):
                missing.append(f"{mod}.{node.name}")
    assert not missing, missing
