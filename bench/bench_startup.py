"""Benchmark: how long ``mesoplanner --help`` takes to answer, against Python starting at all.

Side by side, turn about, ``repeat`` times each (medians): ``python -c pass`` (the baseline: no
command can start faster), ``python -m planner.cli --help`` and ``grid --help`` from this
checkout, and the installed ``mesoplanner`` console script when there is one beside this
Python. Compiled bytecode is kept (in a folder of its own, as an installed package keeps it),
whatever PYTHONDONTWRITEBYTECODE says: a first run that compiles every module is not what a
user waits for. The target (issue 19): ``--help`` under 0.15 s.

    python bench/bench_startup.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 0.15


def environment(pycache: str) -> dict[str, str]:
    """This checkout first on the path, bytecode kept in ``pycache``."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = pycache
    return env


def commands() -> dict[str, list[str]]:
    found = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -m planner.cli --help": [sys.executable, "-m", "planner.cli", "--help"],
        "python -m planner.cli grid --help": [sys.executable, "-m", "planner.cli", "grid",
                                              "--help"],
    }
    script = Path(sys.executable).with_name("mesoplanner")
    if script.is_file():
        found["mesoplanner --help (console script)"] = [str(script), "--help"]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mesoplanner-startup-") as pycache:
        env = environment(pycache)
        runs = commands()
        times: dict[str, list[float]] = {name: [] for name in runs}
        for command in runs.values():  # once each first: bytecode written, caches warm
            subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True)
        for _ in range(args.repeat):
            for name, command in runs.items():
                start = time.perf_counter()
                subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True)
                times[name].append(time.perf_counter() - start)
    base = statistics.median(times["python -c pass"])
    print(f"{'command':<38} {'median':>9} {'vs python':>10}  target {TARGET_S:.2f} s")
    for name, values in times.items():
        median = statistics.median(values)
        verdict = "" if name == "python -c pass" else \
            ("met" if median < TARGET_S else "MISSED")
        print(f"{name:<38} {median * 1000:>7.1f}ms {median / base:>9.2f}x  {verdict}")


if __name__ == "__main__":
    main()
