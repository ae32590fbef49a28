"""Lint and types are part of the suite: ruff on everything, mypy --strict on the pure core."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True,
                          text=True, check=False)


def test_ruff_finds_nothing():
    out = run("ruff", "check", "planner", "tests", "bench")
    assert out.returncode == 0, out.stdout + out.stderr


@pytest.mark.parametrize("target", [["--strict", "planner/core", "planner/bodymaps"],
                                    ["planner"]], ids=["strict-core", "app"])
def test_mypy_finds_nothing(target):
    out = run("mypy", *target)
    assert out.returncode == 0, out.stdout + out.stderr
