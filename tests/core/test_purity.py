"""The clinical core stays pure: no web, database, template or drawing library."""

from __future__ import annotations

import subprocess
import sys


def test_core_is_pure():
    code = (
        "import sys, planner.core, planner.core.compute, planner.core.plan\n"
        "bad = [m for m in ('flask', 'sqlalchemy', 'jinja2', 'svgwrite', 'svgelements')"
        " if m in sys.modules]\n"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == ""


def test_core_modules_import_only_stdlib_numpy_and_shapely():
    from pathlib import Path

    import planner.core

    allowed = {"numpy", "shapely", "planner"}
    stdlib = set(sys.stdlib_module_names)
    folder = Path(planner.core.__file__).parent
    for path in folder.glob("*.py"):
        for line in path.read_text().splitlines():
            words = line.split()
            if words[:1] in (["import"], ["from"]) and len(words) > 1:
                top = words[1].split(".")[0]
                assert top in allowed | stdlib | {"__future__"}, f"{path.name}: {line}"
