"""The house's shape, read from the code itself: the import graph has no circle, the core
imports nothing above it, the services no web, a blueprint no other blueprint, and no import of
the project hides inside a function (but the command line's, for its start-up time)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "planner"
# The command line imports a command's heavy modules (numpy, shapely, Flask) when the command
# runs, so that `mesoplanner --help` starts at once: its imports inside functions are on purpose.
LAZY_ALLOWED = ("planner.cli",)


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))
           if "migrations" not in p.parts}


def imported(node: ast.Import | ast.ImportFrom) -> list[str]:
    """The project's modules an import statement loads (``from planner.web import records``
    loads planner.web.records; ``from planner.models import User`` loads planner.models)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name.split(".")[0] == "planner"]
    if node.level or not node.module or node.module.split(".")[0] != "planner":
        return []
    found = [node.module]
    found += [f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in MODULES]
    return found


def type_only(node: ast.AST) -> bool:
    """``if TYPE_CHECKING:``: imports for annotations only, which never run (the tables'
    relationships name each other's classes: Patient.plans, PlanRecord.patient)."""
    return isinstance(node, ast.If) and isinstance(node.test, ast.Name) \
        and node.test.id == "TYPE_CHECKING"


def imports_of(name: str) -> list[tuple[str, bool]]:
    """(module imported, inside a function) for every project import of a module that runs."""
    tree = ast.parse(MODULES[name].read_text())
    inside: set[int] = set()
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inside |= {id(sub) for sub in ast.walk(node) if sub is not node}
        if type_only(node):
            skipped |= {id(sub) for sub in ast.walk(node)}
    out = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in skipped:
            out += [(target, id(node) in inside) for target in imported(node)
                    if target in MODULES]
    return out


GRAPH = {name: sorted({t for t, _lazy in imports_of(name) if t != name}) for name in MODULES}


def blueprints() -> set[str]:
    return {name for name, path in MODULES.items() if "Blueprint(" in path.read_text()}


def cycle() -> list[str] | None:
    """A circle of imports, if there is one (depth-first search)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(name: str) -> list[str] | None:
        state[name] = 1
        stack.append(name)
        for target in GRAPH[name]:
            if target.startswith(name + ".") or name.startswith(target + "."):
                continue  # a package and its own modules: Python's import of a package
            if state.get(target) == 1:
                return [*stack[stack.index(target):], target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[name] = 2
        return None

    for name in GRAPH:
        if name not in state and (found := visit(name)):
            return found
    return None


def test_the_graph_is_read():
    """The reader sees the real graph: a blueprint imports the services, the app the blueprints."""
    assert "planner.services.plans" in GRAPH["planner.web.plans"]
    assert "planner.web.blueprints" in GRAPH["planner.app"]
    assert len(blueprints()) >= 10


def test_no_import_circle():
    assert cycle() is None, " -> ".join(cycle() or [])


def test_a_circle_would_be_found(monkeypatch):
    monkeypatch.setitem(GRAPH, "planner.services.plans",
                        [*GRAPH["planner.services.plans"], "planner.web.plans"])
    assert cycle() is not None


@pytest.mark.parametrize("name", [n for n in MODULES if n.startswith("planner.core")])
def test_the_core_imports_only_the_core(name):
    assert [t for t in GRAPH[name] if not t.startswith("planner.core")] == []


@pytest.mark.parametrize("name", [n for n in MODULES if n.startswith("planner.services")])
def test_the_services_know_no_web(name):
    """A service is called by the pages, the API and the command line: it imports none of
    them, nor Flask's request-bound parts."""
    assert [t for t in GRAPH[name] if t.startswith(("planner.web", "planner.cli"))] == []
    text = MODULES[name].read_text()
    for framework in ("from flask import", "import flask\n", "from flask_babel", "flask_login"):
        assert framework not in text, f"{name}: {framework}"


@pytest.mark.parametrize("name", sorted(blueprints()))
def test_a_blueprint_imports_no_other_blueprint(name):
    assert [t for t in GRAPH[name] if t in blueprints() and t != name] == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_import_of_the_project_inside_a_function(name):
    if name.startswith(LAZY_ALLOWED):
        return
    lazy = sorted({t for t, inside in imports_of(name) if inside})
    assert lazy == [], f"{name} imports {lazy} inside a function"
