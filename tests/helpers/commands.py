"""The ``mesoplanner`` command of this checkout, run in a subprocess.

``python -m planner.cli`` with this checkout first on the import path: never a ``mesoplanner``
script found on PATH, which may belong to another installation (or an older version).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMMAND = [sys.executable, "-m", "planner.cli"]
# Where the commands run here keep their modules' compiled bytecode, outside the checkout: on a
# machine that tells Python not to write it (PYTHONDONTWRITEBYTECODE, as this one does), each
# of the suite's hundreds of commands compiled this checkout's modules again (a tenth of a
# second each). Python checks each file's source against it: an edited module is compiled anew.
PYCACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "mesoplanner-tests"


def environment(**changes: str | None) -> dict[str, str]:
    """The test's environment with this checkout first on PYTHONPATH (whatever the working
    folder), compiled modules kept in PYCACHE, and ``changes`` applied (None removes a
    variable)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT), *([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])])
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def mesoplanner(*args: str, stdin: str | None = None, **env: str | None
                ) -> subprocess.CompletedProcess[str]:
    """Run this checkout's command; ``env`` changes environment variables (None removes)."""
    return subprocess.run([*COMMAND, *args], input=stdin, capture_output=True, text=True,
                          timeout=60, check=False, env=environment(**env))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def command() -> list[str]:
    """This checkout's ``mesoplanner`` (run with ``environment()``)."""
    return list(COMMAND)


def start_server(data: Path) -> subprocess.Popen[str]:
    """``mesoplanner serve`` on ``data``, answering; without its print worker (these tests
    print nothing, and a print worker's start, WeasyPrint warmed, is a second of CPU)."""
    port = free_port()
    proc = subprocess.Popen([*command(), "serve", "--port", str(port), "--data-dir", str(data),
                             "--print-workers", "0"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
                            env=environment(DATABASE_URL=None))
    for _ in range(150):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return proc
        except (urllib.error.URLError, ConnectionError):
            assert proc.poll() is None, "the server stopped"
            time.sleep(0.2)
    raise AssertionError("the server did not answer")


def stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    proc.wait(timeout=20)


def children(pid: int) -> list[tuple[int, bytes]]:
    """(process id, command line) of each process whose parent is ``pid``, read off /proc (a
    process may end while it is read: it is left out)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            line = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if stat.rsplit(") ", 1)[-1].split()[1] == str(pid):
            found.append((int(entry.name), line))
    return found
