"""The house's plan, read from the code's own imports: no import cycle between modules, and every
import goes with the direction loaders → store → exports and dashboard, geodata at the bottom
(``docs/architecture.md``). Imports inside functions count: a cycle deferred to run time is a cycle."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("conflictmap", "dashboard", "geodata", "loaders")

#: Each layer and the layers it may import (itself included). Read down the list: a layer may use
#: those above it in this table, never one below.
LAYERS: dict[str, set[str]] = {
    "core": {"core"},
    "geodata": {"core", "geodata"},
    "store": {"core", "geodata", "store"},
    "loaders": {"core", "geodata", "store", "loaders"},
    "exports": {"core", "geodata", "store", "exports"},
    "dashboard": {"core", "geodata", "store", "loaders", "exports", "dashboard"},
    "cli": {"core", "geodata", "store", "loaders", "exports", "dashboard", "cli"},
}
#: Which layer a module is in: the first pattern that matches its dotted name.
PLACES = [
    (r"conflictmap(\.(errors|records|caches|lazy))?$", "core"),
    (r"conflictmap\.store(\..*)?$", "store"),
    (r"conflictmap\.(views|hexgrid|view_args|exports(\..*)?)$", "exports"),
    (r"conflictmap\.(cli|__main__)$", "cli"),
    (r"geodata(\..*)?$", "geodata"),
    (r"loaders(\..*)?$", "loaders"),
    (r"dashboard(\..*)?$", "dashboard"),
]
SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE)\b")


def _modules() -> dict[str, Path]:
    out = {}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            parts = path.relative_to(REPO).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            out[name] = path
    return out


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The project modules ``name`` imports (``from pkg import sub`` names the submodule)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in MODULES:  # `import a.b.c` of a package path, an attribute
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def layer_of(module: str) -> str:
    for pattern, layer in PLACES:
        if re.match(pattern, module):
            return layer
    raise AssertionError(f"{module} is in no layer: add it to PLACES in tests/test_architecture.py")


def test_every_module_has_a_layer() -> None:
    assert all(layer_of(m) for m in MODULES)


def test_imports_go_with_the_direction_of_the_house() -> None:
    wrong = sorted(
        f"{m} ({layer_of(m)}) imports {t} ({layer_of(t)})"
        for m, targets in GRAPH.items()
        for t in targets
        if layer_of(t) not in LAYERS[layer_of(m)]
    )
    assert not wrong, "imports against loaders → store → exports/dashboard:\n" + "\n".join(wrong)


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycle() -> None:
    cycles = _cycles(GRAPH)
    assert not cycles, "import cycles:\n" + "\n".join(" ↔ ".join(c) for c in cycles)


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize("module", sorted(m for m in MODULES if layer_of(m) != "store"))
def test_only_the_store_speaks_sql(module: str) -> None:
    text = MODULES[module].read_text(encoding="utf-8")
    private = re.findall(r"\._frame\(|\._conn\b|\._lock\b", text)
    assert not private, f"{module} uses the store's private connection: {private}"
    strings = [n.value for n in ast.walk(ast.parse(text)) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
    sql = [s for s in strings if SQL.search(s)]
    assert not sql, f"{module} holds SQL: {sql[0][:80]!r}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if m != "conflictmap.caches"))
def test_caches_are_made_in_one_place(module: str) -> None:
    """Every process-wide cache comes from conflictmap.caches, so that reset_caches() drops it."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    names = {
        n.attr if isinstance(n, ast.Attribute) else n.id
        for n in ast.walk(tree)
        if isinstance(n, (ast.Attribute, ast.Name))
    }
    imported = {
        a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module == "functools" for a in n.names
    }
    assert not ({"lru_cache", "cache"} & (names & ({"lru_cache"} | imported))), (
        f"{module} makes a cache with functools: use conflictmap.caches.cached"
    )


def test_reset_caches_drops_a_registered_cache() -> None:
    from conflictmap.caches import cached, registered, reset_caches

    calls = []

    @cached(maxsize=1)
    def answer() -> int:
        calls.append(1)
        return 42

    assert answer() == answer() == 42 and len(calls) == 1
    assert f"{__name__}.test_reset_caches_drops_a_registered_cache.<locals>.answer" in registered()
    reset_caches(__name__)
    assert answer() == 42 and len(calls) == 2
