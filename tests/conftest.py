"""Fixtures: an app on a fresh data folder and a fresh database, a client, a logged-in doctor.

The app runs on SQLite. With ``MESOPLANNER_TEST_POSTGRES`` set to a PostgreSQL server's URL
(``.ci/postgres-tests`` starts a throwaway one), each test gets a fresh PostgreSQL database.

The migrations run once per test run (per xdist worker) on a template database, and each test
gets its own copy of it: a copied file on SQLite, ``CREATE DATABASE ... TEMPLATE`` on
PostgreSQL. tests/web/test_migrations.py runs the real migrations, up and down, itself.

The test apps share what an app compiles, once per test process: its page templates, its URL
rules' builders and its SQL (tests/helpers/templates.py, routing.py, statements.py).
"""

from __future__ import annotations

import os
import sqlite3
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from sqlalchemy import Engine, event

from tests.helpers.datafolder import copy_database
from tests.helpers.routing import share_compiled_rules
from tests.helpers.statements import share_compiled_statements
from tests.helpers.templates import share_compiled_templates
from tests.helpers.users import csrf_token, login, make_user

POSTGRES = os.environ.get("MESOPLANNER_TEST_POSTGRES", "")


@event.listens_for(Engine, "connect")
def _no_flush_to_disk(connection: Any, _record: object) -> None:
    """The tests' SQLite databases are thrown away with the test: a commit need not wait for
    the disk (PRAGMA synchronous=OFF; the app's own setting, FULL, is for a clinic's data).
    Only the connections made in the test processes: a server a test starts as a command
    (tests/test_kill.py, a killed server loses no acknowledged save) keeps the app's setting."""
    if isinstance(connection, sqlite3.Connection):
        connection.execute("PRAGMA synchronous=OFF")

# No test depends on the machine's speed: hypothesis's 200 ms deadline per example is off for
# every test (a loaded CI machine made it fail). Set before the test modules make their settings.
# On CI (.ci/run sets CI) the examples are the same on every run, so that a submission lands
# or not on its own merits: a rare example found at random is found on a developer's machine,
# where every run tries new ones (and is reported, not left to fail someone else's CI).
settings.register_profile("mesoplanner", deadline=None,
                          derandomize=bool(os.environ.get("CI")))
settings.load_profile("mesoplanner")

# Every test makes its own app: their URL rules' builders are compiled once per test process.
share_compiled_rules()


def _server() -> str:
    return POSTGRES.replace("postgresql+psycopg://", "postgresql://")


def _admin(statement: str) -> None:
    """Run ``statement`` on the PostgreSQL server, outside any database's transaction."""
    import psycopg

    with psycopg.connect(_server(), autocommit=True) as admin:
        admin.execute(statement)


def _postgres_url(name: str) -> str:
    from planner.config import database_url

    return database_url(_server().rsplit("/", 1)[0] + "/" + name)


@pytest.fixture(scope="session")
def template_database(tmp_path_factory) -> Iterator[str]:
    """The URL of a database with every migration run, for copies only: never opened again."""
    from flask_migrate import upgrade

    from planner.app import create_app
    from planner.extensions import db

    folder = tmp_path_factory.mktemp("template")
    name = f"template_{uuid.uuid4().hex[:16]}"
    if POSTGRES:
        _admin(f'CREATE DATABASE "{name}"')
        url = _postgres_url(name)
    else:
        url = f"sqlite:///{folder / 'template.sqlite3'}"
    app = create_app({"DATA_DIR": str(folder), "TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()  # PostgreSQL copies a template only when no one is connected to it
    if not POSTGRES:
        assert not (folder / "template.sqlite3-wal").exists(), "the template's log is not merged"
    yield url
    if POSTGRES:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def empty_database(tmp_path) -> Iterator[str]:
    """The URL of an empty database for one test: a SQLite file, or a new PostgreSQL database."""
    if not POSTGRES:
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    name = f"t_{uuid.uuid4().hex[:16]}"
    _admin(f'CREATE DATABASE "{name}"')
    yield _postgres_url(name)
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database(tmp_path, template_database) -> Iterator[str]:
    """The URL of one test's own database, migrated: a copy of the template."""
    if not POSTGRES:
        path = tmp_path / "test.sqlite3"
        copy_database(Path(template_database.removeprefix("sqlite:///")), path)
        yield f"sqlite:///{path}"
        return
    name = f"t_{uuid.uuid4().hex[:16]}"
    template = template_database.rsplit("/", 1)[1]
    _admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    yield _postgres_url(name)
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def app(tmp_path, database) -> Iterator[Any]:
    """The app on the test's own data folder (``tmp_path``) and database, for the test client."""
    from planner.app import create_app
    from planner.extensions import db

    # PRINTOUTS_INLINE: a PDF's address makes its queued job itself and answers with the PDF
    # (the print worker's own functions, web/print_delivery.py); tests/web/test_print_jobs.py
    # tests the queue, the waiting page and the print worker without it.
    app = share_compiled_templates(create_app({"DATA_DIR": str(tmp_path), "TESTING": True,
                                               "SQLALCHEMY_DATABASE_URI": database,
                                               "PRINTOUTS_INLINE": True}))
    with app.app_context():
        share_compiled_statements(db.engine, db.Model.registry.mappers)
    yield app
    with app.app_context():
        db.engine.dispose()  # the test's connections close before its database is dropped


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def doctor(app, client):
    """A logged-in doctor; returns a function posting with the CSRF token."""
    make_user(app)
    login(client)
    token = csrf_token(client)

    def post(path: str, data: dict[str, Any] | None = None, **kwargs: Any):
        return client.post(path, data={**(data or {}), "csrf_token": token}, **kwargs)

    return post


@pytest.fixture
def rome(monkeypatch):
    """The server's clock set to Rome's (UTC+1 in winter, +2 in summer), then back."""
    monkeypatch.setenv("TZ", "Europe/Rome")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()
