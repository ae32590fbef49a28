"""The suite's own layout: fixtures in conftest.py files, shared helpers in tests/helpers, and no
test module importing from another test module (or from a conftest: pytest gives fixtures)."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every module an import statement of the file names, at any depth, with its line."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def test_no_test_module_imports_another_test_module_or_a_conftest():
    wrong = []
    for path in sorted(TESTS.rglob("*.py")):
        for line, module in imported_modules(path):
            last = module.split(".")[-1]
            if module.startswith("tests.") and (last.startswith("test_") or last == "conftest"):
                wrong.append(f"{path.relative_to(TESTS.parent)}:{line}: {module}")
    assert not wrong, "import shared helpers from tests/helpers instead:\n" + "\n".join(wrong)


def test_helpers_are_plain_modules_without_tests_or_fixtures():
    for path in sorted((TESTS / "helpers").glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                assert not node.name.startswith("test_"), f"{path.name}: {node.name}"
                decorators = [ast.unparse(d) for d in node.decorator_list]
                assert not any("fixture" in d for d in decorators), f"{path.name}: {node.name}"


def test_the_check_sees_a_wrong_import(tmp_path):
    module = tmp_path / "test_x.py"
    module.write_text("def f():\n    from tests.web.test_plans import save\n")
    assert imported_modules(module) == [(2, "tests.web.test_plans"),
                                        (2, "tests.web.test_plans.save")]
