"""The data folder of the commands that use the database: the ``--data-dir`` option, the web
app on that database with its schema brought up to date, and the SQLite file itself."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from planner.cli.usage import UsageError


def add_data_dir_option(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--data-dir", metavar="DIR",
                     help="data folder (default: $MESOPLANNER_DATA_DIR, else "
                          "~/.local/share/mesoplanner); $DATABASE_URL overrides the database")


def app(args: argparse.Namespace) -> Any:
    """The web app on the data folder's database, its schema brought up to date."""
    from flask_migrate import upgrade

    from planner.app import create_app

    config = {"DATA_DIR": args.data_dir} if args.data_dir else None
    made = create_app(config)
    with made.app_context():
        upgrade()
    return made


def sqlite_database(args: argparse.Namespace) -> Path | None:
    """The SQLite database's file, or None for PostgreSQL."""
    try:
        return database(args)
    except UsageError:
        return None


def database(args: argparse.Namespace) -> Path:
    """The SQLite database's file; on PostgreSQL a UsageError pointing to pg_dump."""
    from planner import config
    from planner.backup import BackupError, sqlite_path

    settings = config.settings(Path(args.data_dir) if args.data_dir else None)
    try:
        return sqlite_path(settings["SQLALCHEMY_DATABASE_URI"])
    except BackupError as exc:
        raise UsageError(str(exc)) from None


def hold_server_lock(args: argparse.Namespace) -> None:
    """On SQLite, hold the database's server lock for as long as this process (and the ones it
    forks) runs, so that 'restore' refuses while it uses the database; a restore in progress
    is a usage error."""
    from planner.backup import BackupError, hold_for_server

    database = sqlite_database(args)
    if database is not None:
        try:
            hold_for_server(database)  # the descriptor stays open: the lock lasts
        except BackupError as exc:
            raise UsageError(str(exc)) from None
