"""Logins and the sessions they open (web/auth.py, web/sessions.py): a session ends at logout,
after the idle time and the working day, and everywhere at once when the password, the role or
the account's state changes; wrong passwords slow logins down with growing delays, never a
lockout; every login, failed or not, stays in the audit trail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import PASSWORD, csrf_token, login, make_user
from tests.web.test_accounts import events, post, try_login


def shift(app, model, user_id: int | None = None, **back: timedelta) -> None:
    """Move the given time columns of rows of ``model`` into the past."""
    from planner.extensions import db

    with app.app_context():
        for row in db.session.query(model):
            if user_id is None or getattr(row, "user_id", None) == user_id:
                for column, delta in back.items():
                    setattr(row, column, getattr(row, column) - delta)
        db.session.commit()


def copy_of(client):
    """Another browser holding a copy of ``client``'s session cookie."""
    thief = client.application.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def opens_patients(client) -> bool:
    response = client.get("/patients")
    return response.status_code == 200


# ------------------------------------------------------------------------ sessions that end


def test_a_copied_cookie_opens_nothing_after_logout(app, client):
    make_user(app)
    login(client)
    thief = copy_of(client)
    assert opens_patients(thief)  # a copy works while the session is open...
    assert post(client, "/logout").status_code == 303
    assert not opens_patients(thief)  # ...and not once it is ended
    assert not opens_patients(client)
    login(client)
    assert opens_patients(client) and not opens_patients(thief)


@pytest.mark.parametrize("change", ["own password", "reset", "role", "disabled",
                                    "everywhere"])
def test_a_change_of_password_role_or_state_ends_every_session_of_the_user(app, change):
    make_user(app, "admin", role="admin")
    make_user(app, "doctor")
    admin = app.test_client()
    login(admin, "admin")
    desk, tablet = app.test_client(), app.test_client()
    login(desk, "doctor")
    login(tablet, "doctor")
    copy = copy_of(tablet)
    assert opens_patients(desk) and opens_patients(tablet) and opens_patients(copy)
    if change == "own password":
        response = post(desk, "/account/password", {
            "current": PASSWORD, "password": "a new secret phrase", "confirm":
            "a new secret phrase"}, )
        assert response.status_code == 303
        assert opens_patients(desk)  # the browser that changed it goes on
    elif change == "reset":
        assert post(admin, "/users/2/password", {"password": "handed over in person",
                                                 "confirm": "handed over in person"}) \
            .status_code == 303
    elif change in ("role", "disabled"):
        fields = {"full_name": "Dr Doctor", "role": "assistant" if change == "role" else
                  "doctor", "language": "en", "active": "" if change == "disabled" else "1"}
        assert post(admin, "/users/2", fields).status_code == 303
    else:
        response = post(desk, "/account/sessions")
        assert response.status_code == 303 and response.location.endswith("/login")
        assert not opens_patients(desk)
        assert events(app, "logout")[-1][3] == "2 sessions ended"
    assert not opens_patients(tablet) and not opens_patients(copy)
    assert opens_patients(admin)  # someone else's sessions are untouched


def test_a_change_of_name_or_language_ends_no_session(app, client):
    make_user(app, "admin", role="admin")
    make_user(app, "doctor")
    login(client, "admin")
    doctor = app.test_client()
    login(doctor, "doctor")
    assert post(client, "/users/2", {"full_name": "Dr New Name", "role": "doctor",
                                     "language": "it", "active": "1"}).status_code == 303
    assert opens_patients(doctor)


def test_the_account_page_lists_ones_sessions_and_marks_this_one(app, client):
    from bs4 import BeautifulSoup

    make_user(app)
    login(client)
    login(app.test_client())
    page = BeautifulSoup(client.get("/account/sessions").get_data(as_text=True), "html.parser")
    rows = page.select("[data-testid=login-sessions] tbody tr")
    assert len(rows) == 2
    assert [r.get_text(" ", strip=True).endswith("this browser") for r in rows].count(True) == 1
    assert page.select_one("[data-testid=logout-everywhere]") is not None
    password_page = client.get("/account/password").get_data(as_text=True)
    assert 'href="/account/sessions"' in password_page


def test_a_session_idle_too_long_is_logged_out_saying_so_in_the_users_language(app, client):
    from planner.models import LoginSession

    make_user(app, language="es")
    login(client)
    assert opens_patients(client)
    shift(app, LoginSession, seen_at=timedelta(minutes=31))
    response = client.get("/patients/1")
    assert response.status_code == 302 and response.location.endswith("/login")
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="es">' in page and "30 minutos" in page
    assert not opens_patients(client)
    assert ("logout", "user", 1, "idle") in events(app, "logout")


def test_activity_keeps_the_session_open_but_not_beyond_the_working_day(app, client):
    from planner.extensions import db
    from planner.models import LoginSession

    make_user(app)
    login(client)
    shift(app, LoginSession, seen_at=timedelta(minutes=29), started_at=timedelta(hours=11))
    assert opens_patients(client)
    with app.app_context():
        row = db.session.query(LoginSession).one()
        assert row.ended_at is None and (row.started_at + timedelta(hours=11) -
                                         row.seen_at) < timedelta(minutes=1)
    shift(app, LoginSession, started_at=timedelta(hours=1, minutes=1))
    response = client.get("/patients")
    assert response.status_code == 302
    assert "limit of 12 hours" in client.get("/login").get_data(as_text=True)
    assert ("logout", "user", 1, "expired") in events(app, "logout")


def test_the_limits_are_settings(app, client):
    from planner.models import LoginSession

    app.config.update(SESSION_IDLE_MINUTES=5, SESSION_MAX_HOURS=1)
    make_user(app)
    login(client)
    shift(app, LoginSession, seen_at=timedelta(minutes=6))
    assert not opens_patients(client)
    assert "5 minutes" in client.get("/login").get_data(as_text=True)


def test_a_forged_or_stale_session_cookie_is_refused(app, client):
    make_user(app)
    login(client)
    with client.session_transaction() as session:
        session["sid"] = "not a session anyone was given"
    assert not opens_patients(client)
    with client.session_transaction() as session:
        session.clear()
        session["_user_id"] = "1"  # a cookie of before the server-side sessions
    assert not opens_patients(client)


# ------------------------------------------------------------------ throttling, no lockout


def fail(app, username: str, address: str, count: int, ago: timedelta = timedelta()) -> None:
    from planner.extensions import db
    from planner.models import LoginFailure, now

    with app.app_context():
        db.session.add_all(LoginFailure(username=username, address=address, at=now() - ago)
                           for _ in range(count))
        db.session.commit()


def wait(app, username: str, address: str) -> int:
    from sqlalchemy import select

    from planner.extensions import db
    from planner.models import User
    from planner.web.auth import wait_seconds

    with app.test_request_context():
        user = db.session.scalar(select(User).where(User.username == username))
        return wait_seconds(username, address, user)


@settings(max_examples=30, deadline=None)
@given(by_user=st.integers(0, 200), by_address=st.integers(0, 500))
def test_the_wait_grows_with_the_failures_and_never_becomes_a_lockout(by_user, by_address):
    from planner.web.auth import (
        FREE_FAILURES_PER_ADDRESS,
        FREE_FAILURES_PER_USER,
        MAX_WAIT_PER_ADDRESS_S,
        MAX_WAIT_PER_USER_S,
    )

    def delay(count: int, free: int, cap: int) -> int:
        return 0 if count < free else min(2 ** (count - free), cap)

    expected = max(delay(by_user, FREE_FAILURES_PER_USER, MAX_WAIT_PER_USER_S),
                   delay(by_address, FREE_FAILURES_PER_ADDRESS, MAX_WAIT_PER_ADDRESS_S))
    assert expected <= 60  # at worst a minute, whatever a stranger does
    assert delay(by_user + 1, FREE_FAILURES_PER_USER, MAX_WAIT_PER_USER_S) >= \
        delay(by_user, FREE_FAILURES_PER_USER, MAX_WAIT_PER_USER_S)


@pytest.mark.parametrize(("failures", "expected"), [(0, 0), (2, 0), (3, 1), (4, 2), (5, 4),
                                                    (8, 32), (9, 60), (500, 60)])
def test_wrong_passwords_for_one_account_make_its_logins_wait_longer_up_to_a_minute(
        app, failures, expected):
    make_user(app)
    fail(app, "doctor", "198.51.100.1", failures)
    assert wait(app, "doctor", "203.0.113.9") in (expected, expected - 1)


@pytest.mark.parametrize(("failures", "expected"), [(9, 0), (10, 1), (12, 4), (15, 30),
                                                    (2000, 30)])
def test_wrong_logins_from_one_address_slow_it_down_up_to_half_a_minute(app, failures,
                                                                          expected):
    make_user(app)
    fail(app, "someone-else", "203.0.113.9", failures)
    assert wait(app, "doctor", "203.0.113.9") in (expected, expected - 1)
    assert wait(app, "doctor", "198.51.100.1") == 0  # another address: no wait


def test_a_login_waits_even_with_the_right_password_then_goes_through(app, client):
    from planner.models import LoginFailure

    make_user(app)
    remote = {"REMOTE_ADDR": "203.0.113.9"}
    for _ in range(3):
        token = csrf_token(client, "/login")
        assert client.post("/login", data={"username": "doctor", "password": "wrong one!",
                                           "csrf_token": token},
                           environ_base=remote).status_code == 401
    token = csrf_token(client, "/login")
    response = client.post("/login", data={"username": "doctor", "password": PASSWORD,
                                           "csrf_token": token}, environ_base=remote)
    assert response.status_code == 429 and response.headers["Retry-After"] in ("1", "0")
    assert "Too many failed logins: wait" in response.get_data(as_text=True)
    shift(app, LoginFailure, at=timedelta(seconds=2))  # the wait passes
    token = csrf_token(client, "/login")
    assert client.post("/login", data={"username": "doctor", "password": PASSWORD,
                                       "csrf_token": token},
                       environ_base=remote).status_code == 303
    failed = events(app, "login-failed")
    assert failed == [("login-failed", "user", 1, "wrong password")] * 3  # kept after success
    assert events(app, "login-refused") and events(app, "login")


def test_an_unknown_name_is_audited_as_tried_and_answers_as_a_wrong_password(app, client):
    make_user(app)
    assert try_login(client, "dottore", "whatever it is") == 401
    assert events(app, "login-failed") == [("login-failed", "user", None,
                                            "unknown username 'dottore'")]
    assert not [e for e in events(app) if "whatever it is" in e[3]]  # never a password


def test_the_administrator_on_the_servers_machine_never_waits(app):
    make_user(app, "admin", role="admin")
    make_user(app, "doctor")
    fail(app, "admin", "127.0.0.1", 50)
    fail(app, "doctor", "127.0.0.1", 50)
    assert wait(app, "admin", "127.0.0.1") == 0
    assert wait(app, "admin", "::1") == 0
    assert wait(app, "admin", "203.0.113.9") > 0  # from elsewhere the admin waits too
    assert wait(app, "doctor", "127.0.0.1") > 0  # and a doctor on the server's machine does
    client = app.test_client()  # the test client comes from 127.0.0.1
    assert try_login(client, "admin", PASSWORD) == 303


def test_behind_a_proxy_the_clients_address_is_slowed_not_the_proxys(tmp_path, database):
    from flask_migrate import upgrade

    from planner import create_app
    from planner.extensions import db

    app = create_app({"DATA_DIR": str(tmp_path), "TESTING": True, "BEHIND_PROXY": True,
                      "SQLALCHEMY_DATABASE_URI": database})
    with app.app_context():
        upgrade()
    make_user(app)
    client = app.test_client()

    def attempt(address: str, username: str, password: str) -> int:
        token = csrf_token(client, "/login")
        return client.post("/login", data={"username": username, "password": password,
                                           "csrf_token": token},
                           headers={"X-Forwarded-For": address}).status_code

    for k in range(10):
        assert attempt("203.0.113.5", f"guess{k}", "wrong password!") == 401
    assert attempt("203.0.113.5", "doctor", PASSWORD) == 429
    assert attempt("198.51.100.7", "doctor", PASSWORD) == 303  # another clinic computer
    with app.app_context():
        db.engine.dispose()


def test_old_rows_are_forgotten_and_stale_sessions_are_not_listed_as_open(app, client):
    from planner.extensions import db
    from planner.models import LoginFailure, LoginSession

    make_user(app)
    login(client)
    other = app.test_client()
    login(other)
    shift(app, LoginSession, seen_at=timedelta(minutes=45), started_at=timedelta(minutes=45))
    login(client)  # a new session; the two before are idle
    page = client.get("/account/sessions").get_data(as_text=True)
    assert page.count("this browser") == 1 and page.count("<tr>") == 2  # header + this one
    shift(app, LoginSession, seen_at=timedelta(days=31), started_at=timedelta(days=31))
    login(other)
    with app.app_context():
        assert db.session.query(LoginSession).count() == 1  # the month-old rows are gone
    fail(app, "doctor", "203.0.113.9", 5, ago=timedelta(minutes=20))
    assert try_login(client, "doctor", "wrong password!") == 401
    with app.app_context():
        assert db.session.query(LoginFailure).count() == 1  # only the failure in the window
