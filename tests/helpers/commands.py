"""The ``mesoplanner`` command of this checkout, run in a subprocess.

``python -m planner.cli`` with this checkout first on the import path: never a ``mesoplanner``
script found on PATH, which may belong to another installation (or an older version).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMAND = [sys.executable, "-m", "planner.cli"]


def environment(**changes: str | None) -> dict[str, str]:
    """The test's environment with this checkout first on PYTHONPATH (whatever the working
    folder) and ``changes`` applied (None removes a variable)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT), *([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])])
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env
