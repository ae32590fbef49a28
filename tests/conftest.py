"""Fixtures: an app on a fresh data folder and a fresh database, a client, a logged-in doctor.

The app runs on SQLite. With ``MESOPLANNER_TEST_POSTGRES`` set to a PostgreSQL server's URL
(``.ci/postgres-tests`` starts a throwaway one), each test gets a fresh PostgreSQL database.

The migrations run once per test run (per xdist worker) on a template database, and each test
gets its own copy of it: a copied file on SQLite, ``CREATE DATABASE ... TEMPLATE`` on
PostgreSQL. tests/web/test_migrations.py runs the real migrations, up and down, itself. A
test that asks for the ``seeded`` fixture starts from the rows and photo that
tests/helpers/access.py's ``seed`` makes: a copy of a seeded template (``seeded_template``), made
once per test process too, rather than seeding its own database.

The test apps share what an app compiles, once per test process: its page templates, its URL
rules' builders and its SQL (tests/helpers/templates.py, routing.py, statements.py).
"""

from __future__ import annotations

import gc
import os
import sqlite3
import sys
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import settings
from sqlalchemy import Engine, event

from tests.helpers.commands import PYCACHE
from tests.helpers.databases import (
    POSTGRES,
    Template,
    admin,
    app_config,
    copy_files,
    copy_of,
    postgres_url,
)
from tests.helpers.databases import seeded_template as seeded_template_of
from tests.helpers.routing import share_compiled_rules
from tests.helpers.statements import share_compiled_statements
from tests.helpers.templates import share_compiled_templates
from tests.helpers.users import csrf_token, login, make_user

# The test process's compiled modules kept, outside the checkout: on a machine that tells Python
# not to write them (PYTHONDONTWRITEBYTECODE), each test process (one per xdist worker) compiled
# this checkout's modules and rewrote its test modules' asserts again at every run, about 5 s of
# each worker's collection. The commands the tests run keep theirs in the same folder
# (tests/helpers/commands.py); Python checks each file's source against it.
if sys.dont_write_bytecode:
    sys.dont_write_bytecode = False
    sys.pycache_prefix = str(PYCACHE)

# Python's cycle collector in the test processes, which hold every module, test and fixture of
# the run: run every 700 new objects, it walked that whole heap again and again (a sixth of the
# tests' time). Every 10,000 here, and what collection made (alive for the whole run) is frozen
# once collected (pytest_collection_finish below): about half as many objects walked, a third
# as often. What a test leaves is collected as before, a little later.
gc.set_threshold(10_000, 10, 10)


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


def pytest_collection_finish(session: pytest.Session) -> None:
    """What collection made, which lives for the whole run, out of the cycle collector's walks
    (its garbage collected first)."""
    gc.collect()
    gc.freeze()


@pytest.fixture(scope="session")
def template_database(tmp_path_factory) -> Iterator[str]:
    """The URL of a database with every migration run, for copies only: never opened again."""
    from flask_migrate import upgrade

    from planner.app import create_app
    from planner.extensions import db

    folder = tmp_path_factory.mktemp("template")
    name = f"template_{uuid.uuid4().hex[:16]}"
    if POSTGRES:
        admin(f'CREATE DATABASE "{name}"')
        url = postgres_url(name)
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
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory, template_database) -> Iterator[Template]:
    """The migrated template with tests/helpers/access.py's ``seed`` run on it once per test
    process, and its data folder (the seeded photo): what a test that asks for ``seeded``
    starts from (``database`` copies it)."""
    from tests.helpers.access import seed

    with seeded_template_of(template_database, tmp_path_factory.mktemp("seeded"),
                            seed) as template:
        yield template


@pytest.fixture
def empty_database(tmp_path) -> Iterator[str]:
    """The URL of an empty database for one test: a SQLite file, or a new PostgreSQL database."""
    if not POSTGRES:
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    name = f"t_{uuid.uuid4().hex[:16]}"
    admin(f'CREATE DATABASE "{name}"')
    yield postgres_url(name)
    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def database(request, tmp_path, template_database) -> Iterator[str]:
    """The URL of one test's own database, migrated: a copy of the template. A test that asks
    for ``seeded`` gets a copy of the seeded template instead, and the seeded photo's files in
    its data folder (``tmp_path``): its own copy, whatever it changes."""
    template = template_database
    if "seeded" in request.fixturenames:
        seeded = request.getfixturevalue("seeded_template")
        copy_files(seeded, tmp_path)
        template = seeded.url
    with copy_of(template, tmp_path) as url:
        yield url


@pytest.fixture
def seeded() -> None:
    """Asked for by a test that starts where tests/helpers/access.py's ``seed(app)`` leaves the
    app's database and data folder (users doctor 1, admin 2 and assistant 3; patient 1, plan
    1, its cycle, draft record 1, consent 1, printout 1, photo 1), rather than calling it: the
    test's ``database`` (above) is then a copy of the seeded template, which the app of the
    test (``app``, or the browser tests' ``server``) opens. Nothing to set up here."""


@pytest.fixture
def app(tmp_path, database) -> Iterator[Any]:
    """The app on the test's own data folder (``tmp_path``) and database, for the test client."""
    from planner.app import create_app
    from planner.extensions import db

    # PRINTOUTS_INLINE (app_config): a PDF's address makes its queued job itself and answers
    # with the PDF; tests/web/test_print_jobs.py tests the queue without it.
    app = share_compiled_templates(create_app(app_config(tmp_path, database)))
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
