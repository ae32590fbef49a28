"""The clinical core stays pure: every module of planner/core (whichever modules it has, found by
walking the folder) imports only the standard library, numpy, shapely and planner.core itself,
at any depth (an import inside a function counts), and importing all of it loads no web,
database, template, drawing or PDF library."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import planner.core

CORE = Path(planner.core.__file__).parent
THIRD_PARTY = {"numpy", "shapely"}
NEVER_LOADED = ("flask", "sqlalchemy", "jinja2", "svgwrite", "svgelements", "weasyprint")


def core_modules() -> dict[str, Path]:
    """Every module of planner.core by dotted name, subpackages included."""
    found = {}
    for path in sorted(CORE.rglob("*.py")):
        parts = path.relative_to(CORE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(("planner", "core", *parts))] = path
    return found


def imports_of(name: str, path: Path) -> list[tuple[int, str]]:
    """Each module the file imports, by absolute name, with its line: top-level, in functions,
    anywhere. ``from planner import x`` and ``from planner.core import x`` count as modules x."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
            module = node.module or ""
            if node.level:
                module = f"{base}.{module}" if module else base
            if module in ("planner", "planner.core"):
                found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, module))
    return sorted(found)


def allowed(module: str) -> bool:
    top = module.split(".")[0]
    if top == "planner":
        return module == "planner.core" or module.startswith("planner.core.")
    return top in THIRD_PARTY or top in sys.stdlib_module_names


def test_the_walk_finds_every_core_module():
    modules = core_modules()
    assert {"planner.core", "planner.core.grid", "planner.core.plan"} <= set(modules)
    assert len(modules) == len(list(CORE.rglob("*.py")))


def test_core_modules_import_only_stdlib_numpy_shapely_and_the_core():
    wrong = [f"{path.relative_to(CORE.parents[1])}:{line}: {module}"
             for name, path in core_modules().items()
             for line, module in imports_of(name, path) if not allowed(module)]
    assert not wrong, "planner/core must stay pure:\n" + "\n".join(wrong)


def test_the_check_sees_imports_at_any_depth_and_relative_ones(tmp_path):
    module = tmp_path / "x.py"
    module.write_text("import json\n"
                      "def f():\n    from planner.web import app\n    import flask\n"
                      "from . import grid\nfrom .. import models\nfrom planner import core\n")
    found = imports_of("planner.core.x", module)
    assert found == [(1, "json"), (3, "planner.web"), (4, "flask"), (5, "planner.core.grid"),
                     (6, "planner.models"), (7, "planner.core")]
    assert [m for _, m in found if not allowed(m)] == ["planner.web", "flask", "planner.models"]


def test_importing_every_core_module_loads_no_web_database_template_drawing_or_pdf_library():
    code = (
        "import importlib, sys\n"
        f"for name in {sorted(core_modules())!r}:\n"
        "    importlib.import_module(name)\n"
        f"print(','.join(m for m in {NEVER_LOADED!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=CORE.parent.parent)
    assert out.stdout.strip() == ""
