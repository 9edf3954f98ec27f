"""The package's imports, read from the source with ``ast``: no circles among the storage
modules, and the layers point inward.

Every import statement counts, wherever it stands: at the top of a module, inside a function
(an import deferred for its cost is still a dependency), under ``if TYPE_CHECKING:``. A name
imported from a package counts as its submodule when it is one (``from wsjc_desktop.storage
import crypto`` is an import of ``wsjc_desktop.storage.crypto``). Importing a submodule runs its
package's ``__init__`` too, but that is not counted: a package that re-exports its submodules'
names (``ui/tabs/dossier``) would otherwise form a circle with each of them, which Python
resolves without harm. Imports by name at run time (``importlib.import_module``: the main
window's tabs, the ORM preload) are not seen.

The layers (STYLE.md): ``ui`` → ``services`` → ``domain``; ``storage``, ``excel`` and
``printing`` are adapters the services call. None of ``domain``, ``services``, ``storage``,
``printing``, ``excel`` imports Qt or the ``ui``; the ``ui`` imports no SQLAlchemy (it holds
plain rows, the services hold the sessions).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

import wsjc_desktop

PACKAGE_DIR = Path(wsjc_desktop.__file__).resolve().parent

#: Circles the package has today, each named by its modules; one more (or one fewer: take it off
#: the list) fails the test. None now: settings → workcalendar is one way (the settings check a
#: ``calendar.<year>`` entry with the calendar's rules; the calendar reads its entries with plain
#: SQL, not through the settings).
KNOWN_CYCLES: set[frozenset[str]] = set()

#: ``ui`` modules that import SQLAlchemy today; a new one fails the test, and so does one that
#: no longer does (take it off the list).
KNOWN_UI_SQLALCHEMY: set[str] = set()

INNER_LAYERS = ("domain", "services", "storage", "printing", "excel")


@dataclass(frozen=True)
class Import:
    importer: str
    target: str  # absolute dotted name
    line: int


def module_name(path: Path, root: Path) -> str:
    """The dotted name of the module at ``path`` in the package whose folder is ``root``."""
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_modules(root: Path) -> dict[str, Path]:
    return {module_name(p, root): p for p in sorted(root.rglob("*.py")) if "__pycache__" not in p.parts}


def imports_in(path: Path, module: str, modules: Iterable[str]) -> list[Import]:
    """Every import statement of the module at any depth, the targets made absolute; a name
    imported from a package is its submodule when one of ``modules`` has that name."""
    known = set(modules)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[Import] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [Import(module, alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            for alias in node.names:
                sub = f"{source}.{alias.name}"
                found.append(Import(module, sub if sub in known else source, node.lineno))
    return found


def package_imports(root: Path) -> list[Import]:
    modules = package_modules(root)
    return [imp for name, path in modules.items() for imp in imports_in(path, name, modules)]


def import_graph(root: Path) -> dict[str, set[str]]:
    """Module → the package's modules it imports."""
    modules = package_modules(root)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for imp in package_imports(root):
        if imp.target in graph:
            graph[imp.importer].add(imp.target)
    return graph


def cycles(graph: Mapping[str, Iterable[str]]) -> list[frozenset[str]]:
    """The import circles: every strongly connected set of two or more modules, and every module
    that imports itself (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in graph:
                    continue
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(graph[target]))))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    members = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        members.add(member)
                        if member == node:
                            break
                    if len(members) > 1 or node in graph[node]:
                        found.append(frozenset(members))
    return found


def within(graph: Mapping[str, set[str]], prefix: str) -> dict[str, set[str]]:
    """The part of the graph among the modules under ``prefix``."""
    inside = {m for m in graph if m == prefix or m.startswith(prefix + ".")}
    return {m: graph[m] & inside for m in inside}


def under(name: str, *prefixes: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def describe(found: Iterable[frozenset[str]]) -> str:
    return "; ".join(" ↔ ".join(sorted(c)) for c in found)


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return import_graph(PACKAGE_DIR)


# --- the rules ----------------------------------------------------------------------------


def test_storage_modules_import_each_other_in_one_direction(graph: dict[str, set[str]]) -> None:
    assert graph.get("wsjc_desktop.storage.database")
    found = cycles(within(graph, "wsjc_desktop.storage"))
    assert found == [], f"import circles among the storage modules: {describe(found)}"


def test_no_new_import_circle_in_the_package(graph: dict[str, set[str]]) -> None:
    found = set(cycles(graph))
    assert not found - KNOWN_CYCLES, f"new import circles: {describe(found - KNOWN_CYCLES)}"
    assert not KNOWN_CYCLES - found, f"gone (take them off KNOWN_CYCLES): {describe(KNOWN_CYCLES - found)}"


def test_domain_services_storage_printing_and_excel_import_no_qt() -> None:
    inner = tuple(f"wsjc_desktop.{layer}" for layer in INNER_LAYERS)
    imports = package_imports(PACKAGE_DIR)
    assert any(under(i.importer, "wsjc_desktop.services") for i in imports)
    bad = [
        f"{i.importer} (line {i.line}) imports {i.target}"
        for i in imports
        if under(i.importer, *inner) and under(i.target, "PySide6", "wsjc_desktop.ui")
    ]
    assert bad == []


def test_the_ui_imports_no_sqlalchemy_beyond_the_known_modules() -> None:
    imports = package_imports(PACKAGE_DIR)
    found = {
        i.importer for i in imports if under(i.importer, "wsjc_desktop.ui") and under(i.target, "sqlalchemy")
    }
    new = sorted(found - KNOWN_UI_SQLALCHEMY)
    assert new == [], f"ui modules importing SQLAlchemy (go through a service instead): {new}"
    gone = sorted(KNOWN_UI_SQLALCHEMY - found)
    assert gone == [], f"no longer import SQLAlchemy (take them off KNOWN_UI_SQLALCHEMY): {gone}"


# --- the reader itself, on a small package made for the purpose -----------------------------


def write(root: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_every_kind_of_import_is_seen_and_circles_are_found(tmp_path: Path) -> None:
    root = tmp_path / "pkg"
    write(
        root,
        {
            "__init__.py": "",
            "store/__init__.py": "from pkg.store.low import thing\n",
            "store/low.py": "thing = 1\n",
            # a circle through a deferred import and a relative one
            "store/a.py": "def f():\n    from pkg.store import b\n",
            "store/b.py": "from . import c\n",
            "store/c.py": "from .a import f\n",
            # type-only imports count; so does a module importing itself
            "store/d.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pkg.store.d\n",
            "view/__init__.py": "",
            "view/w.py": "from ..store import low\nimport sqlalchemy.orm\nfrom PySide6 import QtCore\n",
        },
    )
    graph = import_graph(root)
    assert graph["pkg.store.a"] == {"pkg.store.b"}
    assert graph["pkg.store.b"] == {"pkg.store.c"}
    assert graph["pkg.store.c"] == {"pkg.store.a"}
    assert graph["pkg.view.w"] == {"pkg.store.low"}
    assert graph["pkg.store"] == {"pkg.store.low"}  # a package's re-export is no circle
    assert set(cycles(within(graph, "pkg.store"))) == {
        frozenset({"pkg.store.a", "pkg.store.b", "pkg.store.c"}),
        frozenset({"pkg.store.d"}),
    }
    assert cycles(within(graph, "pkg.view")) == []
    targets = {i.target for i in package_imports(root) if i.importer == "pkg.view.w"}
    assert targets == {"pkg.store.low", "sqlalchemy.orm", "PySide6"}
