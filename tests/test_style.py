"""Lint and types are part of the suite: ruff on everything, mypy --strict on the pure core."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True,
                          text=True, check=False)


def test_ruff_finds_nothing():
    out = run("ruff", "check", "planner", "tests", "bench")
    assert out.returncode == 0, out.stdout + out.stderr


def test_mypy_finds_nothing():
    """One run for the whole package: pyproject's overrides hold the pure core and the atlas
    to every check of --strict (a function of the core without its types fails here)."""
    out = run("mypy", "planner")
    assert out.returncode == 0, out.stdout + out.stderr
