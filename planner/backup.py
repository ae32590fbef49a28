"""Backing up and restoring the SQLite database (for PostgreSQL: pg_dump, see the README).

A backup is SQLite's online backup (a consistent copy even while the app is writing), checked
with ``PRAGMA integrity_check`` and then moved into place: the file named is either complete or
absent. A restore checks the file first, keeps the current database aside
(``<database>.before-restore-<time>``), copies the backup in and upgrades its schema.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

POSTGRES_HINT = ("the database is PostgreSQL: back it up with 'pg_dump --format=custom "
                 "--file=FILE DATABASE' and restore with 'pg_restore --clean --dbname=DATABASE "
                 "FILE' (see the README, 'Deployment')")


class BackupError(Exception):
    """A backup or restore that cannot be done, with a message a user can act on."""


def sqlite_path(database_url: str) -> Path:
    """The file of a ``sqlite:///`` database URL (BackupError for any other database)."""
    if database_url.startswith(("postgresql", "postgres")):
        raise BackupError(POSTGRES_HINT)
    prefix = "sqlite:///"
    if not database_url.startswith(prefix) or database_url == prefix:
        raise BackupError(f"cannot back up this database: {database_url.split(':')[0]}")
    return Path(database_url[len(prefix):])


def backup(database: Path, target: Path) -> None:
    """Copy the live database to ``target`` (which must not exist yet)."""
    if target.exists():
        raise BackupError(f"{target} already exists: choose a new file name")
    if not database.exists():
        raise BackupError(f"no database at {database}")
    partial = target.with_name(f".{target.name}.partial")
    try:
        _copy(database, partial)
        check(partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def check(path: Path) -> str:
    """The schema revision of a Mesoplanner database file (BackupError if it is not one)."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            if db.execute("PRAGMA integrity_check").fetchone() != ("ok",):
                raise BackupError(f"{path} is damaged (integrity check failed)")
            row = db.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a Mesoplanner database ({exc})") from None
    if row is None:
        raise BackupError(f"{path} is not a Mesoplanner database (no schema version)")
    return str(row[0])


def restore(source: Path, database: Path) -> Path | None:
    """Replace the database with the backup ``source``; returns where the old one was kept."""
    if not source.exists():
        raise BackupError(f"no such file: {source}")
    check(source)
    kept = None
    if database.exists():
        kept = database.with_name(f"{database.name}.before-restore-"
                                  f"{time.strftime('%Y%m%d-%H%M%S')}")
        _copy(database, kept)
    database.parent.mkdir(parents=True, exist_ok=True)
    _copy(source, database)
    return kept


def _copy(source: Path, target: Path) -> None:
    """SQLite's online backup from ``source`` into ``target`` (created or overwritten)."""
    with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src, \
            sqlite3.connect(target) as dst:
        src.backup(dst)
    # sqlite3's context manager commits but does not close: close explicitly (Windows, NFS).
    src.close()
    dst.close()
