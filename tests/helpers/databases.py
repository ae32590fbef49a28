"""The tests' databases: SQLite files, or databases on the PostgreSQL server that
``MESOPLANNER_TEST_POSTGRES`` names; each test's own one a copy of a template (tests/conftest.py
has the fixtures)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.helpers.datafolder import copy_database

POSTGRES = os.environ.get("MESOPLANNER_TEST_POSTGRES", "")


def server() -> str:
    return POSTGRES.replace("postgresql+psycopg://", "postgresql://")


def admin(statement: str) -> None:
    """Run ``statement`` on the PostgreSQL server, outside any database's transaction."""
    import psycopg

    with psycopg.connect(server(), autocommit=True) as connection:
        connection.execute(statement)


def postgres_url(name: str) -> str:
    from planner.config import database_url

    return database_url(server().rsplit("/", 1)[0] + "/" + name)


def sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


@dataclass(frozen=True)
class Template:
    """A database to copy, and the data folder whose files (photos...) go with it."""

    url: str
    folder: Path | None = None


@contextmanager
def copy_of(template: str, folder: Path) -> Iterator[str]:
    """The URL of a new database, a copy of the database at ``template``: the SQLite file
    ``folder``/test.sqlite3, or a PostgreSQL database made with ``CREATE DATABASE ...
    TEMPLATE`` and dropped afterwards."""
    if not POSTGRES:
        path = folder / "test.sqlite3"
        copy_database(sqlite_path(template), path)
        yield f"sqlite:///{path}"
        return
    name = f"t_{uuid.uuid4().hex[:16]}"
    admin(f'CREATE DATABASE "{name}" TEMPLATE "{template.rsplit("/", 1)[1]}"')
    try:
        yield postgres_url(name)
    finally:
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def copy_files(template: Template, folder: Path) -> None:
    """The files of the template's data folder (a photo store...) copied into ``folder``, but
    its database and its secret key: the test's app has its own."""
    if template.folder is None:
        return
    for entry in template.folder.iterdir():
        if entry.name.startswith("template.sqlite3") or entry.name == "secret_key":
            continue
        if entry.is_dir():
            shutil.copytree(entry, folder / entry.name)
        else:
            shutil.copy2(entry, folder / entry.name)


def app_config(folder: Path, url: str) -> dict[str, Any]:
    """The configuration of a test's app (the ``app`` fixture) on ``folder`` and ``url``.

    PRINTOUTS_INLINE: a PDF's address makes its queued job itself and answers with the PDF (the
    print worker's own functions, web/print_delivery.py); tests/web/test_print_jobs.py tests the
    queue, the waiting page and the print worker without it."""
    return {"DATA_DIR": str(folder), "TESTING": True, "SQLALCHEMY_DATABASE_URI": url,
            "PRINTOUTS_INLINE": True}


@contextmanager
def seeded_template(template: str, folder: Path, seed: Callable[[Any], None]
                    ) -> Iterator[Template]:
    """A template made once for many tests: a copy of the migrated ``template`` on which
    ``seed(app)`` ran with a test's app on the data folder ``folder`` (whose files, such as the
    photos the seed stored, go with each copy). Each test then copies it rather than seeding a
    database of its own: the same rows, ids and files, for the cost of a copy."""
    from planner.app import create_app
    from planner.extensions import db

    folder.mkdir(parents=True, exist_ok=True)
    if POSTGRES:
        name = f"template_{uuid.uuid4().hex[:16]}"
        admin(f'CREATE DATABASE "{name}" TEMPLATE "{template.rsplit("/", 1)[1]}"')
        url = postgres_url(name)
    else:
        path = folder / "template.sqlite3"
        copy_database(sqlite_path(template), path)
        url = f"sqlite:///{path}"
    try:
        app = create_app(app_config(folder, url))
        try:
            seed(app)
        finally:
            with app.app_context():
                db.engine.dispose()  # PostgreSQL copies a template no one is connected to
        if not POSTGRES:
            assert not Path(f"{path}-wal").exists(), "the seeded template's log is not merged"
        yield Template(url, folder)
    finally:
        if POSTGRES:
            admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
