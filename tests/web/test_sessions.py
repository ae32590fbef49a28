"""Logins and the sessions they open (web/auth.py, web/sessions.py): a session ends at logout,
after the idle time and the working day, and everywhere at once when the password, the role or
the account's state changes; wrong passwords slow logins down with growing delays, never a
lockout; every login, failed or not, stays in the audit trail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers.api import Api, stored_token
from tests.helpers.audit import events
from tests.helpers.times import shift
from tests.helpers.users import PASSWORD, csrf_token, login, make_user, post, try_login


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
    assert events(app, "denied")[-1] == ("denied", "user", 1, "a session already ended")
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
        assert events(app, "logout")[-1][3] == "2 sessions ended, 0 API tokens revoked"
    assert not opens_patients(tablet) and not opens_patients(copy)
    assert opens_patients(admin)  # someone else's sessions are untouched


def test_an_ended_session_is_told_in_the_users_language(app, client):
    make_user(app, language="it")
    login(client)
    other = copy_of(client)
    assert post(client, "/account/sessions").status_code == 303
    response = other.get("/patients", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert '<html lang="it">' in page and "La sessione è terminata" in page


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


def test_the_limits_can_be_set_from_the_environment(tmp_path, monkeypatch):
    from planner.config import settings

    monkeypatch.setenv("MESOPLANNER_SESSION_IDLE_MINUTES", "10")
    monkeypatch.setenv("MESOPLANNER_SESSION_MAX_HOURS", "8.5")
    found = settings(tmp_path)
    assert (found["SESSION_IDLE_MINUTES"], found["SESSION_MAX_HOURS"]) == (10, 8.5)
    monkeypatch.setenv("MESOPLANNER_SESSION_IDLE_MINUTES", "0")
    assert "SESSION_IDLE_MINUTES" not in settings(tmp_path)  # nonsense keeps the default


def test_a_short_idle_limit_is_kept_by_activity(app, client):
    """'Last seen' is written often enough for any idle limit (a tenth of it when short)."""
    from planner.models import LoginSession

    app.config.update(SESSION_IDLE_MINUTES=1)
    make_user(app)
    login(client)
    for _ in range(4):
        shift(app, LoginSession, seen_at=timedelta(seconds=20))
        assert opens_patients(client)


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


# One fixed instant for the failures and for the wait read after them: the wait is the same
# however long the machine takes to write 2,000 failures (it is never read off a clock).
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def fail(app, username: str, address: str, count: int, ago: timedelta = timedelta(),
         at: datetime = NOW) -> None:
    from planner.extensions import db
    from planner.models import LoginFailure

    with app.app_context():
        db.session.add_all(LoginFailure(username=username, address=address, at=at - ago)
                           for _ in range(count))
        db.session.commit()


def wait(app, username: str, address: str, monkeypatch) -> int:
    from planner.web import login_waits

    monkeypatch.setattr(login_waits, "now", lambda: NOW)
    with app.test_request_context():
        return login_waits.wait_seconds(username, address)


@settings(max_examples=30, deadline=None)
@given(by_user=st.integers(0, 200), by_address=st.integers(0, 500))
def test_the_wait_grows_with_the_failures_and_never_becomes_a_lockout(by_user, by_address):
    from planner.web.login_waits import (
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
        app, monkeypatch, failures, expected):
    make_user(app)
    fail(app, "doctor", "198.51.100.1", failures)
    assert wait(app, "doctor", "203.0.113.9", monkeypatch) == expected


@pytest.mark.parametrize(("failures", "expected"), [(9, 0), (10, 1), (12, 4), (15, 30),
                                                    (2000, 30)])
def test_wrong_logins_from_one_address_slow_it_down_up_to_half_a_minute(app, monkeypatch,
                                                                          failures, expected):
    make_user(app)
    fail(app, "someone-else", "203.0.113.9", failures)
    assert wait(app, "doctor", "203.0.113.9", monkeypatch) == expected
    assert wait(app, "doctor", "198.51.100.1", monkeypatch) == 0  # another address: no wait


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
    assert "Too many failed logins: wait 1 second, then" in response.get_data(as_text=True)
    shift(app, LoginFailure, at=timedelta(seconds=2))  # the wait passes
    token = csrf_token(client, "/login")
    assert client.post("/login", data={"username": "doctor", "password": PASSWORD,
                                       "csrf_token": token},
                       environ_base=remote).status_code == 303
    failed = events(app, "login-failed")
    assert failed == [("login-failed", "user", 1, "wrong password")] * 3  # kept after success
    assert "Retry-After" in response.headers
    assert events(app, "login-refused") and events(app, "login")


def test_an_unknown_name_is_audited_as_a_tag_never_as_typed(app, client):
    """People type passwords and patients' names into the username box: the trail, which can
    forget nothing, keeps only a tag of a name that is no account's."""
    make_user(app)
    for name in ("Tavolo-Verde-Mela-42", "Mariagrazia Rossi", "Tavolo-Verde-Mela-42"):
        assert try_login(client, name, "whatever it is") == 401
    failed = [e[3] for e in events(app, "login-failed")]
    assert len(failed) == 3 and failed[0] == failed[2] != failed[1]
    assert all(d.startswith("unknown username #") for d in failed)
    everything = " ".join(e[3] for e in events(app))
    assert "Tavolo" not in everything and "Rossi" not in everything
    assert "whatever it is" not in everything  # never a password


def test_no_address_is_exempt_but_no_one_waits_more_than_a_minute(app, monkeypatch):
    """Behind a proxy set up without MESOPLANNER_BEHIND_PROXY every client is 127.0.0.1: an
    exemption for the server's machine would let anyone guess the administrator's password
    without limit. The waits are short instead, and `mesoplanner unlock` clears them."""
    make_user(app, "admin", role="admin")
    fail(app, "admin", "127.0.0.1", 50)
    assert 0 < wait(app, "admin", "127.0.0.1", monkeypatch) <= 60
    assert 0 < wait(app, "admin", "::1", monkeypatch) <= 60


def test_proxy_headers_without_the_setting_are_warned_about_once(app, client, caplog):
    make_user(app)
    for _ in range(2):
        token = csrf_token(client, "/login")
        client.post("/login", data={"username": "doctor", "password": "nope nope",
                                    "csrf_token": token},
                    headers={"X-Forwarded-For": "203.0.113.5"})
    warnings = [r for r in caplog.records if "MESOPLANNER_BEHIND_PROXY" in r.getMessage()]
    assert len(warnings) == 1


def test_behind_a_proxy_the_clients_address_is_slowed_not_the_proxys(tmp_path, database):
    from flask_migrate import upgrade

    from planner.app import create_app
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
    fail(app, "doctor", "203.0.113.9", 5, ago=timedelta(minutes=20), at=datetime.now(UTC))
    assert try_login(client, "doctor", "wrong password!") == 401
    with app.app_context():
        assert db.session.query(LoginFailure).count() == 1  # only the failure in the window


@pytest.mark.parametrize("change", ["own password", "reset", "role", "everywhere"])
def test_api_tokens_do_not_outlive_the_password_the_role_or_log_out_everywhere(app, change):
    make_user(app, "admin", role="admin")
    make_user(app, "doctor")
    admin, doctor = app.test_client(), app.test_client()
    login(admin, "admin")
    login(doctor, "doctor")
    api = Api(app, stored_token(app, user_id=2))
    assert api.get("/patients").status_code == 200
    if change == "own password":
        response = post(doctor, "/account/password", {
            "current": PASSWORD, "password": "a new secret phrase",
            "confirm": "a new secret phrase"})
        assert "1 API token was revoked" in doctor.get(response.location).get_data(as_text=True)
    elif change == "reset":
        post(admin, "/users/2/password", {"password": "handed over in person",
                                          "confirm": "handed over in person"})
    elif change == "role":
        post(admin, "/users/2", {"full_name": "Dr Doctor", "role": "assistant",
                                 "language": "en", "active": "1"})
    else:
        post(doctor, "/account/sessions")
    assert api.get("/patients").status_code == 401
    assert events(app, "login-failed")[-1] == ("login-failed", "api_token", 1,
                                               "API, revoked token")
