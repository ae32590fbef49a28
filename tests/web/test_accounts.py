"""Accounts: passwords, the administrator's users page, the audit trail page; and what each role
sees. (Logins, their throttling and sessions: test_sessions.py.)"""

from __future__ import annotations

import csv
import io

import pytest
from bs4 import BeautifulSoup

from tests.helpers.audit import events
from tests.helpers.pages import check_headers, inline_problems, soup_problems
from tests.helpers.patients import created_id
from tests.helpers.users import PASSWORD, csrf_token, login, make_user, post, try_login

# ------------------------------------------------------------------------- passwords


@pytest.mark.parametrize(("fields", "field"), [
    ({"current": "not my password"}, "current"),
    ({"password": "short", "confirm": "short"}, "password"),
    ({"password": "p" * 201, "confirm": "p" * 201}, "password"),
    ({"confirm": "something else entirely"}, "confirm"),
])
def test_a_bad_password_change_names_the_field(app, client, fields, field):
    make_user(app)
    login(client)
    data = {"current": PASSWORD, "password": "a brand new password",
            "confirm": "a brand new password", **fields}
    response = post(client, "/account/password", data)
    assert response.status_code == 422
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.select_one(f"#{field}-error").get_text().strip()
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    assert try_login(client, "doctor", PASSWORD) == 303  # unchanged


def test_a_user_changes_their_password(app, client):
    make_user(app)
    login(client)
    assert post(client, "/account/password", {"current": PASSWORD,
                                              "password": "a brand new password",
                                              "confirm": "a brand new password"}
                ).status_code == 303
    assert ("update", "user", 1, "password changed") in events(app, "update")
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    assert try_login(client, "doctor", PASSWORD) == 401
    assert try_login(client, "doctor", "a brand new password") == 303


# ------------------------------------------------------------------------------ users


def test_the_administrator_creates_an_account_that_can_log_in(app, admin):
    response = post(admin, "/users/new", {"username": "lucia", "full_name": "Lucia Neri",
                                          "role": "assistant", "language": "it",
                                          "password": "a long enough password",
                                          "confirm": "a long enough password"})
    assert response.status_code == 303
    soup = BeautifulSoup(admin.get("/users").get_data(as_text=True), "html.parser")
    rows = [[td.get_text(strip=True) for td in tr.select("td")]
            for tr in soup.select("[data-testid=users] tbody tr")]
    assert ["Lucia Neri", "lucia", "assistant", "active"] in rows
    assert ("create", "user", 2, "role assistant") in events(app, "create")
    other = admin.application.test_client()
    assert try_login(other, "lucia", "a long enough password") == 303


@pytest.mark.parametrize(("fields", "field"), [
    ({"username": "admin"}, "username"),
    ({"username": "bad name!"}, "username"),
    ({"role": "superuser"}, "role"),
    ({"language": "fr"}, "language"),
    ({"full_name": ""}, "full_name"),
    ({"password": "short", "confirm": "short"}, "password"),
])
def test_a_bad_new_account_names_the_field(app, admin, fields, field):
    data = {"username": "lucia", "full_name": "Lucia Neri", "role": "assistant",
            "language": "it", "password": "a long enough password",
            "confirm": "a long enough password", **fields}
    response = post(admin, "/users/new", data)
    assert response.status_code == 422
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.select_one(f"#{field}-error").get_text().strip()
    assert [e for e in events(app, "create") if e[1] == "user"] == []


def test_a_disabled_user_is_logged_out_and_keeps_their_records(app, admin):
    make_user(app, "doctor")
    doctor = admin.application.test_client()
    login(doctor, "doctor")
    patient = created_id(post(doctor, "/patients/new", {
        "family_name": "Kept", "given_name": "Record", "birth_date": "1970-01-01",
        "sex": "male"}))
    assert post(admin, "/users/2", {"full_name": "Dr Doctor", "role": "doctor",
                                    "language": "en"}).status_code == 303  # active unticked
    assert doctor.get("/patients").status_code == 302  # logged out
    assert try_login(doctor, "doctor", PASSWORD) == 401
    assert "Kept, Record" in admin.get(f"/patients/{patient}").get_data(as_text=True)
    assert ("update", "user", 2, "active: True -> False") in events(app, "update")


def test_the_last_administrator_cannot_be_demoted_or_disable_themselves(app, admin):
    response = post(admin, "/users/1", {"full_name": "Dr Admin", "role": "doctor",
                                        "language": "en", "active": "1"})
    assert response.status_code == 422 and "only active administrator" in \
        response.get_data(as_text=True)
    make_user(app, "second", role="admin")
    response = post(admin, "/users/1", {"full_name": "Dr Admin", "role": "admin",
                                        "language": "en"})
    assert response.status_code == 422 and "your own account" in \
        response.get_data(as_text=True)
    # With a second administrator, the first may become a doctor.
    assert post(admin, "/users/1", {"full_name": "Dr Admin", "role": "doctor",
                                    "language": "en", "active": "1"}).status_code == 303


def test_the_administrator_resets_a_forgotten_password(app, admin):
    make_user(app, "doctor")
    assert post(admin, "/users/2/password", {"password": "a fresh long password",
                                             "confirm": "a fresh long password"}
                ).status_code == 303
    assert ("update", "user", 2, "password reset by an administrator") in events(app)
    other = admin.application.test_client()
    assert try_login(other, "doctor", PASSWORD) == 401
    assert try_login(other, "doctor", "a fresh long password") == 303
    assert post(admin, "/users/2/password", {"password": "x", "confirm": "x"}
                ).status_code == 422


def test_after_a_reset_the_user_must_choose_their_own_password_first(app, admin):
    """The administrator knows the password they set: until the user picks their own, every
    page leads to the password form (logging out still works)."""
    make_user(app, "doctor")
    post(admin, "/users/2/password", {"password": "a fresh long password",
                                      "confirm": "a fresh long password"})
    doctor = admin.application.test_client()
    assert try_login(doctor, "doctor", "a fresh long password") == 303
    for path in ("/patients", "/patients/new", "/audit", "/plans/mixtures"):
        response = doctor.get(path)
        assert response.status_code == 302 and response.location.endswith("/account/password")
    page = doctor.get("/account/password")
    assert page.status_code == 200  # the form itself is not redirected, and says why it shows
    assert "An administrator set your password" in page.get_data(as_text=True)
    response = doctor.post("/patients/new", data={"csrf_token": csrf_token(doctor,
                                                                          "/account/password"),
                                                  "family_name": "X"})
    assert response.status_code == 303 and response.location.endswith("/account/password")
    def change(new: str):
        return doctor.post("/account/password", data={
            "current": "a fresh long password", "password": new, "confirm": new,
            "csrf_token": csrf_token(doctor, "/account/password")})

    same = change("a fresh long password")
    assert same.status_code == 422 and "different from the current" in \
        same.get_data(as_text=True)
    assert change("only I know this one").status_code == 303
    assert doctor.get("/patients").status_code == 200


def test_a_new_account_chooses_its_own_password_but_a_reset_of_ones_own_does_not(app, admin):
    post(admin, "/users/new", {"username": "lucia", "full_name": "Lucia Neri",
                               "role": "doctor", "language": "it",
                               "password": "a long enough password",
                               "confirm": "a long enough password"})
    lucia = admin.application.test_client()
    assert try_login(lucia, "lucia", "a long enough password") == 303
    assert lucia.get("/patients").status_code == 302
    post(admin, "/users/1/password", {"password": "the admin's new password",
                                      "confirm": "the admin's new password"})
    assert admin.get("/patients").status_code == 200


@pytest.mark.parametrize("weak", ["1234567890", "abcdefghijkl", "aaaaaaaaaaaa", "Password123!",
                                  "qwertyuiop", "Mesoterapia2026", "ababababababab",
                                  "password password", "0987654321", "doctor-is-me-1"])
def test_an_easily_guessed_password_is_refused_with_a_reason(app, client, weak):
    make_user(app, "doctor")
    login(client)
    response = post(client, "/account/password", {"current": PASSWORD, "password": weak,
                                                   "confirm": weak})
    assert response.status_code == 422, weak
    message = BeautifulSoup(response.get_data(as_text=True), "html.parser").select_one(
        "#password-error").get_text()
    assert "too easy to guess" in message or "username" in message


# -------------------------------------------------------------------------- audit trail


def test_the_audit_trail_filters_and_exports(app, admin):
    make_user(app, "doctor")
    other = admin.application.test_client()
    login(other, "doctor")
    post(other, "/patients/new", {"family_name": "Audit", "given_name": "Me",
                                  "birth_date": "1970-01-01", "sex": "male"})
    soup = BeautifulSoup(admin.get("/audit", query_string={"action": "create",
                                                           "entity": "patient"})
                         .get_data(as_text=True), "html.parser")
    rows = [[td.get_text(strip=True) for td in tr.select("td")]
            for tr in soup.select("[data-testid=audit] tbody tr")]
    # The page says what was done in words; the filter and the CSV keep the stored codes.
    assert [r[1:4] for r in rows] == [["Dr Doctor", "created", "patient 1"]]
    by_user = BeautifulSoup(admin.get("/audit", query_string={"user": "2"})
                            .get_data(as_text=True), "html.parser")
    assert {tr.select("td")[1].get_text() for tr in
            by_user.select("[data-testid=audit] tbody tr")} == {"Dr Doctor"}
    response = admin.get("/audit.csv", query_string={"entity": "patient"})
    assert response.mimetype == "text/csv"
    exported = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert exported[0][:5] == ["id", "at", "user_id", "user", "action"]
    assert [exported[1][k] for k in (2, 3, 4, 5, 6)] == ["2", "doctor", "create", "patient", "1"]
    assert ("export", "audit", None, f"CSV, {len(exported) - 1} events") in events(app)
    # No patient data in the trail itself: names are never written into it.
    assert not [e for e in events(app) if "Audit" in e[3]]


@pytest.mark.parametrize("query", [{"user": "x"}, {"since": "yesterday"}, {"action": "drop"},
                                   {"since": "0001-01-01"}, {"until": "9999-12-31"},
                                   {"entity": "everything"}, {"entity_id": "9" * 30},
                                   {"page": "-1"}])
def test_a_bad_audit_filter_names_the_field(admin, query):
    response = admin.get("/audit", query_string=query)
    if "page" in query:
        assert response.status_code == 200  # an impossible page is the first one
        return
    assert response.status_code == 422
    field = next(iter(query))
    assert f'id="{field}-error"' in response.get_data(as_text=True)


def test_no_route_of_the_app_writes_to_the_audit_trail_except_by_adding():
    """The app's code never updates or deletes an audit event (append-only)."""
    from pathlib import Path

    source = "\n".join(p.read_text() for p in Path("planner").rglob("*.py")
                       if "migrations" not in p.parts)
    assert "delete(AuditEvent" not in source and "update(AuditEvent" not in source


# ------------------------------------------------------------------- what roles see


def test_an_assistant_sees_but_does_not_change(seeded, client):
    login(client, "assistant")
    patient = BeautifulSoup(client.get("/patients/1").get_data(as_text=True), "html.parser")
    assert patient.find("a", string="Edit") is None
    assert patient.find("a", string="New plan") is None
    assert patient.select_one("form[action$='/archive']") is None
    editor = BeautifulSoup(client.get("/plans/1").get_data(as_text=True), "html.parser")
    assert editor.select_one("#save-plan") is None
    assert editor.select_one("[data-testid=view-only]") is not None
    page = client.get("/patients/1/edit")
    assert page.status_code == 403 and "assistant" in page.get_data(as_text=True)
    nav = [a.get_text() for a in patient.select(".mainnav a")]
    assert "Accounts" not in nav and "Audit" not in nav and "Settings" not in nav


def test_the_administrator_sees_the_admin_pages(app, admin):
    nav = [a.get_text() for a in BeautifulSoup(admin.get("/patients").get_data(as_text=True),
                                               "html.parser").select(".mainnav a")]
    assert {"Accounts", "Audit", "Settings"} <= set(nav)


def test_the_account_pages_have_no_inline_code_or_style(app, admin):
    for path in ("/users", "/users/new", "/users/1", "/audit", "/audit?action=login",
                 "/account/password"):
        response = admin.get(path)
        assert response.status_code == 200, path
        check_headers(response)
        html = response.get_data(as_text=True)
        assert not soup_problems(html) + inline_problems(html), path


def test_a_password_of_the_longest_allowed_length_logs_in_and_a_longer_one_is_refused(app, admin):
    longest = ("correct horse battery staple " * 8)[:200]
    assert post(admin, "/users/new", {"username": "long", "full_name": "Long Pass",
                                      "role": "doctor", "language": "en", "password": longest,
                                      "confirm": longest}).status_code == 303
    assert try_login(admin.application.test_client(), "long", longest) == 303
    too_long = "p" * 201
    response = post(admin, "/users/new", {"username": "longer", "full_name": "Longer",
                                          "role": "doctor", "language": "en",
                                          "password": too_long, "confirm": too_long})
    assert response.status_code == 422 and 'id="password-error"' in response.get_data(
        as_text=True)


def test_every_audited_action_and_entity_can_be_filtered():
    """The audit page's filter lists know every action and entity the code writes: an event the
    administrator cannot filter for is an event they will not find."""
    import re
    from pathlib import Path

    from planner.web.audit import ACTIONS, ENTITIES

    written = set()
    for path in (Path(__file__).resolve().parents[2] / "planner").rglob("*.py"):
        written |= set(re.findall(r'audit(?:ed)?\([^"\n]*"([a-z_-]+)", "([a-z_]+)"',
                                  path.read_text(encoding="utf-8")))
    assert len(written) > 30
    assert not {action for action, _entity in written} - set(ACTIONS)
    assert not {entity for _action, entity in written} - set(ENTITIES)
