"""The ``mesoplanner`` command: its parser and its entry point. Each command lives in its own
module (grid, bodymaps, serve, print_worker, accounts, backups, audit), which adds its parser
here.

Imports inside functions, a deliberate exception to the house rule (tests/house/
test_import_graph.py's LAZY_ALLOWED): a command imports what is heavy (numpy, shapely, the
atlas, the Flask app, the database, WeasyPrint) inside the function that runs it, and the entry
point imports the core's error only once a command runs, so that ``mesoplanner --help``, a
command's ``--help`` and a mistyped option answer at once without loading them
(tests/test_startup_imports.py checks which modules they load; bench/bench_startup.py times it).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from planner import __version__
from planner.cli import accounts, audit, backups, bodymaps, grid, print_worker, serve
from planner.cli.usage import EXIT_INVALID, UsageError


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    args = parser().parse_args(argv)
    from planner.core.messages import PlanError  # a command runs: the core's error

    try:
        return int(args.run(args))
    except (PlanError, UsageError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug of ours: one line, never a traceback, and no output
        print(f"error: internal error ({type(exc).__name__}: {exc}); please report it",
              file=sys.stderr)
        return 1


def parser() -> argparse.ArgumentParser:
    """The whole command line: every command and its options (docs/cli.md documents each)."""
    command = argparse.ArgumentParser(
        prog="mesoplanner",
        description="Plan mesotherapy injection points on an anatomical body map.")
    command.add_argument("--version", action="version", version=f"mesoplanner {__version__}")
    sub = command.add_subparsers(dest="command", required=True, metavar="COMMAND")
    grid.add_parser(sub)
    bodymaps.add_parser(sub)
    serve.add_parser(sub)
    print_worker.add_parser(sub)
    accounts.add_create_user_parser(sub)
    backups.add_backup_parser(sub)
    backups.add_restore_parser(sub)
    audit.add_parser(sub)
    accounts.add_unlock_parser(sub)
    return command
