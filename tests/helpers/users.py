"""Users for the tests: made in the database directly, logged in through the login page."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

PASSWORD = "correct horse battery"


@cache
def cheap_hash() -> str:
    """PASSWORD's hash at the lowest cost (one PBKDF2 round), made once.

    Production hashes with werkzeug's scrypt (User.set_password; about 70 ms to make and as
    much to check), and checks any werkzeug hash by the method written in it: a test user
    with this hash logs in through the real code, only faster. The tests that set a password
    through the app, and the ones made with ``production_hash=True``, use scrypt.
    """
    from werkzeug.security import generate_password_hash

    return generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")


def make_user(app: Any, username: str = "doctor", role: str = "doctor", language: str = "en",
              production_hash: bool = False) -> int:
    """Add an active user with PASSWORD; return its id."""
    from planner.extensions import db
    from planner.models import User

    with app.app_context():
        user = User(username=username, full_name=f"Dr {username.title()}", role=role,
                    language=language)
        if production_hash:
            user.set_password(PASSWORD)
        else:
            user.password_hash = cheap_hash()
        db.session.add(user)
        db.session.commit()
        return user.id


def csrf_token(client: Any, path: str = "/patients") -> str:
    """The CSRF token of the form on the page at ``path``."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client: Any, username: str = "doctor") -> None:
    """Log ``username`` in with PASSWORD through the login form."""
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"username": username, "password": PASSWORD,
                                           "csrf_token": token})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]


def post(client, path: str, data: dict[str, Any] | None = None, **kwargs: Any):
    return client.post(path, data={**(data or {}), "csrf_token": csrf_token(client)}, **kwargs)


def try_login(client, username: str, password: str) -> int:
    token = csrf_token(client, "/login")
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token}).status_code
