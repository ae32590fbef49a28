"""Small modules, each named for its one job: none over 400 lines (Python and our JavaScript)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "planner"
LIMIT = 400
OURS = [p for p in sorted(ROOT.rglob("*.py")) if "migrations" not in p.parts] + [
    p for p in sorted((ROOT / "static").rglob("*.js")) if "vendor" not in p.name
    and not p.name.startswith("htmx")]


@pytest.mark.parametrize("path", OURS, ids=lambda p: str(p.relative_to(ROOT)))
def test_module_is_small(path):
    lines = len(path.read_text().splitlines())
    assert lines <= LIMIT, f"{path.relative_to(ROOT)}: {lines} lines"


def test_each_python_module_says_its_job():
    missing = [str(p.relative_to(ROOT)) for p in OURS if p.suffix == ".py"
               and p.stat().st_size and not p.read_text().lstrip().startswith(('"""', "'''"))]
    assert missing == []
