"""Fixtures: an app on a fresh data folder, a client, and logged-in actors.

The app runs on SQLite. With ``MESOPLANNER_TEST_POSTGRES`` set to a PostgreSQL server's URL
(``.ci/run`` starts a throwaway one), each test gets a fresh PostgreSQL database instead.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

PASSWORD = "correct horse battery"
POSTGRES = os.environ.get("MESOPLANNER_TEST_POSTGRES", "")


@pytest.fixture
def database(tmp_path) -> Iterator[str]:
    """The URL of an empty database for one test: a SQLite file, or a new PostgreSQL database."""
    if not POSTGRES:
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    import psycopg

    from planner.config import database_url

    name = f"t_{uuid.uuid4().hex[:16]}"
    server = POSTGRES.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield database_url(server.rsplit("/", 1)[0] + "/" + name)
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def app(tmp_path, database) -> Iterator[Any]:
    from flask_migrate import upgrade

    from planner import create_app
    from planner.extensions import db

    app = create_app({"DATA_DIR": str(tmp_path), "TESTING": True,
                      "SQLALCHEMY_DATABASE_URI": database})
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()  # the test's connections close before its database is dropped


@pytest.fixture
def client(app):
    return app.test_client()


def make_user(app, username: str = "doctor", role: str = "doctor", language: str = "en"):
    from planner.extensions import db
    from planner.models import User

    with app.app_context():
        user = User(username=username, full_name=f"Dr {username.title()}", role=role,
                    language=language)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
        return user.id


def csrf_token(client, path: str = "/patients") -> str:
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client, username: str = "doctor") -> None:
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"username": username, "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]


@pytest.fixture
def doctor(app, client):
    """A logged-in doctor; returns a function posting with the CSRF token."""
    make_user(app)
    login(client)
    token = csrf_token(client)

    def post(path: str, data: dict[str, Any] | None = None, **kwargs: Any):
        return client.post(path, data={**(data or {}), "csrf_token": token}, **kwargs)

    return post
