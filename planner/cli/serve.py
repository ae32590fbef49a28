"""``mesoplanner serve``: the web app, on Flask's server or on N gunicorn workers."""

from __future__ import annotations

import argparse
from typing import Any

from planner.cli.data_folder import add_data_dir_option, app, sqlite_database
from planner.cli.usage import UsageError

MAX_WORKERS = 64  # [our default]: far beyond what one server's cores make useful


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
    add_data_dir_option(serve)
    serve.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from planner.backup import BackupError, hold_for_server
    from planner.web.accounts_rules import has_users, new_setup_token

    database = sqlite_database(args)
    if database is not None:
        try:
            # The descriptor stays open, so the lock is held until the process ends (its
            # forked workers' too): 'restore' sees it.
            hold_for_server(database)
        except BackupError as exc:
            raise UsageError(str(exc)) from None
    web = app(args)
    with web.app_context():
        if not has_users():
            token = new_setup_token()
            host = "localhost" if args.host in ("127.0.0.1", "0.0.0.0", "::") else args.host
            print("\nMesoplanner has no account yet. Open this one-time link to create the "
                  f"first one:\n\n    http://{host}:{args.port}/setup?token={token}\n",
                  flush=True)
    print(f"Data folder: {web.config['DATA_DIR']}", flush=True)
    if args.workers:
        return _gunicorn(web, args)
    web.run(host=args.host, port=args.port, threaded=True, use_reloader=False)
    return 0


def _gunicorn(web: Any, args: argparse.Namespace) -> int:
    """Serve ``web`` from N gunicorn worker processes (forked after the app was made, so the
    migrations ran once and every worker knows the first-run setup link)."""
    from gunicorn.app.base import BaseApplication  # type: ignore[import-untyped]

    from planner.extensions import db

    if not 1 <= args.workers <= MAX_WORKERS:
        raise UsageError(f"--workers: from 1 to {MAX_WORKERS} (got {args.workers})")
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
