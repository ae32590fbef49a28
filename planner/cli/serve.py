"""``mesoplanner serve``: the web app, on Flask's server or on N gunicorn workers, and the
print worker that makes its PDFs (``mesoplanner print-worker``, a process of its own started
beside the server and stopped with it)."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from planner.cli.data_folder import add_data_dir_option, app, hold_server_lock
from planner.cli.usage import UsageError

MAX_WORKERS = 64  # [our default]: far beyond what one server's cores make useful
MAX_PRINT_WORKERS = 16  # [our default]: each lays out one PDF at a time on one core


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = sub.add_parser("serve", help="run the web app on an embedded SQLite database",
                           description="Run the web planner. The database lives in the data "
                                       "folder and is brought up to date at start. On the "
                                       "first run, a one-time setup link is printed.")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default 127.0.0.1: this computer only)")
    serve.add_argument("--port", type=int, default=5000, help="port (default 5000)")
    serve.add_argument("--workers", type=int, default=0, metavar="N",
                       help="run N processes with gunicorn (production, behind a reverse "
                            "proxy; PostgreSQL advised); default: one process, Flask's server")
    serve.add_argument("--print-workers", type=int, default=1, metavar="N",
                       help="print worker processes to start beside the server (default 1; "
                            "0 when 'mesoplanner print-worker' runs elsewhere)")
    add_data_dir_option(serve)
    serve.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from planner.web.accounts_rules import has_users, new_setup_token

    hold_server_lock(args)  # its forked workers' too: 'restore' sees it
    web = app(args)
    with web.app_context():
        if not has_users():
            token = new_setup_token()
            host = "localhost" if args.host in ("127.0.0.1", "0.0.0.0", "::") else args.host
            print("\nMesoplanner has no account yet. Open this one-time link to create the "
                  f"first one:\n\n    http://{host}:{args.port}/setup?token={token}\n",
                  flush=True)
    print(f"Data folder: {web.config['DATA_DIR']}", flush=True)
    if args.workers and not 1 <= args.workers <= MAX_WORKERS:
        raise UsageError(f"--workers: from 1 to {MAX_WORKERS} (got {args.workers})")
    with print_workers(args):
        if args.workers:
            return _gunicorn(web, args)
        web.run(host=args.host, port=args.port, threaded=True, use_reloader=False)
    return 0


@contextmanager
def print_workers(args: argparse.Namespace) -> Iterator[None]:
    """``--print-workers`` print workers running for as long as the block: each a
    ``mesoplanner print-worker`` that also stops by itself if this process dies."""
    if not 0 <= args.print_workers <= MAX_PRINT_WORKERS:
        raise UsageError(f"--print-workers: from 0 to {MAX_PRINT_WORKERS} "
                         f"(got {args.print_workers})")
    # SIGTERM (a service manager's stop) ends the server through Python's exit, so that the
    # print workers are stopped below; gunicorn's arbiter sets its own handler and exits too.
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(0))
    owner = os.getpid()
    command = [sys.executable, "-m", "planner.cli", "print-worker", "--stop-with", str(owner),
               *(["--data-dir", args.data_dir] if args.data_dir else [])]
    started = [subprocess.Popen(command) for _ in range(args.print_workers)]
    if started:
        print(f"Print workers: {len(started)} (process {', '.join(str(p.pid) for p in started)})",
              flush=True)
    try:
        yield
    finally:
        # A gunicorn worker is forked inside this block and leaves it by SystemExit when it
        # ends: only the process that started the print workers stops them.
        if os.getpid() == owner:
            _stop(started)


def _stop(started: list[subprocess.Popen[bytes]]) -> None:
    """Stop the print workers: each finishes the PDF in hand first (within 30 s)."""
    for proc in started:
        proc.terminate()
    for proc in started:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _gunicorn(web: Any, args: argparse.Namespace) -> int:
    """Serve ``web`` from N gunicorn worker processes (forked after the app was made, so the
    migrations ran once and every worker knows the first-run setup link)."""
    from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]

    from planner.extensions import db

    with web.app_context():
        db.engine.dispose()  # no database connection may cross the fork

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            for key, value in {"bind": f"{args.host}:{args.port}", "workers": args.workers,
                               "preload_app": True, "accesslog": None,
                               "timeout": 60, "graceful_timeout": 20}.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return web

    Server().run()
    return 0
