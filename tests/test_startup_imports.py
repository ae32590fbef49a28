"""``mesoplanner --help`` (and a command's ``--help``, and a mistyped option) answers without
loading what only a running command needs: numpy, shapely, WeasyPrint, Flask, the database, the
atlas, the drawing. Read from Python's own list of what it imported (``-X importtime``), never
from a clock: how fast that is, bench/bench_startup.py measures."""

from __future__ import annotations

import subprocess

import pytest

from tests.helpers.commands import command, environment

# Top-level packages, and the project's own packages, that --help must not load.
HEAVY = ("numpy", "shapely", "weasyprint", "flask", "sqlalchemy", "PIL", "svgwrite",
         "svgelements")
OURS = ("planner.bodymaps", "planner.drawing", "planner.printing", "planner.web",
        "planner.services", "planner.models", "planner.app", "planner.engine")


def imported(*args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run the command with ``-X importtime``: its answer, and every module it imported."""
    python, *rest = command()
    done = subprocess.run([python, "-X", "importtime", *rest, *args], capture_output=True,
                          text=True, timeout=60, check=False, env=environment())
    names = {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines()
             if line.startswith("import time:") and line.count("|") == 2}
    return done, names - {"imported package"}


def heavy(names: set[str]) -> list[str]:
    return sorted(n for n in names if n.split(".")[0] in HEAVY
                  or any(n == ours or n.startswith(ours + ".") for ours in OURS))


def test_the_reading_sees_what_a_command_imports():
    """The check can fail: a command that runs imports the engine, numpy and shapely."""
    _, names = imported("bodymaps", "--json")
    assert {"numpy", "shapely", "planner.bodymaps"} <= {n.split(".")[0] for n in names} | names


@pytest.mark.parametrize("args", [
    ("--help",), ("grid", "--help"), ("bodymaps", "--help"), ("serve", "--help"),
    ("backup", "--help"), ("audit", "verify", "--help"), ("--version",),
], ids=" ".join)
def test_help_loads_nothing_heavy(args):
    done, names = imported(*args)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "mesoplanner" in done.stdout
    assert heavy(names) == [], f"{' '.join(args)} loaded {heavy(names)}"


def test_a_mistyped_option_loads_nothing_heavy():
    done, names = imported("grid", "--no-such-option")
    assert done.returncode == 2
    assert "usage: mesoplanner grid" in done.stderr
    assert heavy(names) == []
