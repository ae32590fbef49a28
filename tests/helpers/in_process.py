"""The ``mesoplanner`` command's entry point (planner.cli.main) run in the test's own process:
what tests/helpers/commands.py's ``mesoplanner`` gives, without a new Python and its imports (a
half-second each). For the tests of what a command does; the tests that a command is installed
and runs as one keep some real runs (``mesoplanner``)."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from unittest import mock


@contextlib.contextmanager
def environment(**changes: str | None) -> Iterator[None]:
    """os.environ with ``changes`` (None removes a variable), as it was afterwards."""
    with mock.patch.dict(os.environ):
        for name, value in changes.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield


def run_main(*args: str, stdin: str = "", **env: str | None
             ) -> subprocess.CompletedProcess[str]:
    """``main(args)`` with ``env``'s changes to the environment (None removes), ``stdin`` as a
    standard input that is no terminal (a pipe's, as ``mesoplanner`` gives), its exit status
    and what it printed."""
    from planner.cli import main

    out, err = io.StringIO(), io.StringIO()
    stdin_before = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with environment(**env), contextlib.redirect_stdout(out), \
                contextlib.redirect_stderr(err):
            try:
                status = main(list(args))
            except SystemExit as exc:  # argparse's usage errors, --help, --version
                status = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    finally:
        sys.stdin = stdin_before
    return subprocess.CompletedProcess(["mesoplanner", *args], status, out.getvalue(),
                                       err.getvalue())
