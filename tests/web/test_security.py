"""Security: headers, no inline script or style, CSRF, setup, login, redirects, URLs, vendoring."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.helpers.access import PLAN, RECORD_FORM
from tests.helpers.pages import check_headers, inline_problems, soup_problems
from tests.helpers.records import consent_form
from tests.helpers.users import PASSWORD, csrf_token, login, make_user

ROOT = Path(__file__).resolve().parents[2] / "planner"

# ---------------------------------------------------------------------------------- headers


ANONYMOUS_GETS = ["/login", "/healthz", "/", "/patients", "/setup", "/no-such-page",
                  "/plans/1/thumbnail.svg", "/plans/1/plan.json"]
LOGGED_GETS = ["/", "/patients", "/patients/new", "/patients/1", "/patients/1/edit",
               "/patients/1/plans/new",
               "/patients/1/plans/new?view=knee-anterior&side=right&treatment=antalgic",
               "/plans/1", "/plans/1/thumbnail.svg", "/plans/1/plan.json", "/plans/1/sheet",
               "/plans/1/stencil", "/plans/1/handout", "/plans/1/cycle", "/sessions",
               "/mixtures", "/sessions/2/record", "/plans/1/record", "/records/1", "/recall",
               "/recall?lot=S1", "/recall?lot=x", "/cycles/1/report", "/users", "/audit",
               "/account/password", "/patients/1/photos/new?record_id=1", "/photos/1",
               "/cycles/1/photos",
               "/healthz", "/login",
               "/patients/999", "/no-such-page"]


@pytest.mark.parametrize("path", ANONYMOUS_GETS)
def test_headers_anonymous(seeded, client, path):
    check_headers(client.get(path))


@pytest.mark.parametrize("path", LOGGED_GETS)
def test_headers_logged_in(seeded, client, path):
    login(client)
    check_headers(client.get(path))


@pytest.mark.parametrize("filename", ["planner.css", "planner.js", "htmx.min.js", "print.css",
                                      "print.js"])
def test_headers_on_static_files(app, client, filename):
    response = client.get(f"/static/{filename}")
    assert response.status_code == 200
    check_headers(response, page=False)


def test_headers_on_posts_fragments_and_errors(seeded, client):
    login(client)
    token = csrf_token(client)
    responses = [
        client.post("/patients", data={"q": "x", "csrf_token": token},
                    headers={"HX-Request": "true"}),
        client.post("/plans/preview", data={"patient_id": "1", "plan": json.dumps(PLAN),
                                            "csrf_token": token}),
        client.post("/plans/preview", data={"patient_id": "1", "plan": "{",
                                            "csrf_token": token}),
        client.post("/patients/new", data={"csrf_token": token}),
        client.post("/patients/new", data={}),  # CSRF refusal (400)
        client.post("/plans/1/copy", data={"csrf_token": token}),  # redirect
    ]
    assert [r.status_code for r in responses] == [200, 200, 422, 422, 400, 303]
    for response in responses:
        check_headers(response)


def test_htmx_responses_vary_on_hx_request(seeded, client):
    login(client)
    response = client.get("/patients")
    assert "hx-request" in response.headers.get("Vary", "").lower()


# ----------------------------------------------------------------- no inline script or style


def markup_files() -> list[Path]:
    files = sorted((ROOT / "templates").rglob("*.html"))
    files += sorted(p for p in (ROOT / "static").rglob("*") if p.suffix in (".html", ".svg"))
    return files


def test_template_files_are_found():
    names = {p.name for p in markup_files()}
    assert {"base.html", "editor.html", "_workspace.html", "index.html", "login.html"} <= names


@pytest.mark.parametrize("path", markup_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_inline_code_or_style_in_templates(path):
    problems = inline_problems(path.read_text(encoding="utf-8"))
    assert not problems, problems


def rendered_pages(client) -> dict[str, str]:
    """Every kind of page and fragment the app renders, with data in it (the seeded rows)."""
    pages = {"login": client.get("/login").get_data(as_text=True)}
    login(client)
    token = csrf_token(client)
    client.post("/mixtures", data={"name": "lido", "component-0": "lidocaine 2%",
                                   "drug-0": "lidocaine", "mg_per_ml-0": "20",
                                   "volume_ml-0": "1", "csrf_token": token})
    for path in LOGGED_GETS:
        pages[path] = client.get(path).get_data(as_text=True)
    pages["search fragment"] = client.post(
        "/patients", data={"q": "seed", "csrf_token": token},
        headers={"HX-Request": "true"}).get_data(as_text=True)
    pages["preview"] = client.post("/plans/preview", data={
        "patient_id": "1", "plan": json.dumps(PLAN), "csrf_token": token}).get_data(as_text=True)
    pages["preview error"] = client.post("/plans/preview", data={
        "patient_id": "1", "plan": "[", "csrf_token": token}).get_data(as_text=True)
    pages["patient form errors"] = client.post(
        "/patients/new", data={"csrf_token": token}).get_data(as_text=True)
    pages["mixture errors"] = client.post(
        "/mixtures", data={"csrf_token": token}).get_data(as_text=True)
    return pages


def test_rendered_pages_have_no_inline_code_or_style(seeded, client):
    pages = rendered_pages(client)
    assert len(pages) > 15
    found = {name: soup_problems(html) + inline_problems(html) for name, html in pages.items()}
    assert not {k: v for k, v in found.items() if v}


def test_setup_page_has_no_inline_code_or_style(app, client):
    app.config["SETUP_TOKEN"] = "secret-token"
    html = client.get("/setup?token=secret-token").get_data(as_text=True)
    assert "Create the first account" in html
    assert not soup_problems(html) + inline_problems(html)


# ---------------------------------------------------------------------------------- CSRF


def snapshot(app) -> dict[str, Any]:
    """Every row of every table except the audit trail's events of reads, refusals and failed
    logins (a refused request is recorded: that is not a change)."""
    from sqlalchemy import select

    from planner.extensions import db
    from planner.models import (
        Addendum,
        AuditEvent,
        Cycle,
        Patient,
        Photo,
        PlanRecord,
        SavedMixture,
        ScheduledSession,
        SessionProduct,
        SessionRecord,
        User,
    )

    def rows(model):
        return [{c.name: getattr(obj, c.name) for c in model.__table__.columns}
                for obj in db.session.scalars(select(model).order_by(model.id))]

    with app.app_context():
        return {
            "patients": rows(Patient), "plans": rows(PlanRecord),
            "mixtures": rows(SavedMixture), "users": rows(User), "cycles": rows(Cycle),
            "sessions": rows(ScheduledSession), "records": rows(SessionRecord),
            "products": rows(SessionProduct), "addenda": rows(Addendum),
            "photos": rows(Photo),
            "audit": [e for e in rows(AuditEvent) if e["action"] not in (
                "view", "search", "refused", "denied", "login-failed")],
        }


NEW_PATIENT = {"family_name": "Csrf", "given_name": "Victim", "birth_date": "1950-01-01",
               "sex": "male", "weight_kg": "80"}
CSRF_POSTS = [
    ("/account/sessions", {}),
    ("/mixtures/1/edit", {"name": "csrf", "component-0": "saline", "volume_ml-0": "1",
                          "version": "1"}),
    ("/mixtures/1/archive", {}),
    ("/mixtures/1/restore", {}),
    ("/mixtures/defaults", {"default-antalgic": "1", "was-antalgic": ""}),
    ("/patients/new", NEW_PATIENT),
    ("/patients/1/edit", {**NEW_PATIENT, "record_number": "R-1", "version": "1"}),
    ("/patients/1/archive", {}),
    ("/plans/save", {"patient_id": "1", "plan": json.dumps(PLAN), "title": "csrf"}),
    ("/plans/save", {"patient_id": "1", "plan_id": "1", "version": "1",
                     "plan": json.dumps(PLAN), "title": "csrf"}),
    ("/plans/1/copy", {}),
    ("/mixtures", {"name": "csrf", "component-0": "saline", "volume_ml-0": "1"}),
    ("/language", {"language": "it", "next": "/patients"}),
    ("/logout", {}),
    ("/plans/preview", {"patient_id": "1", "plan": json.dumps(PLAN)}),
    ("/patients", {"q": "seed"}),
    ("/settings", {"name": "csrf"}),
    ("/plans/1/cycle", {"template": "antalgic", "start": "2026-12-01", "confirm": "1"}),
    ("/sessions/1/date", {"planned_on": "2026-12-02"}),
    ("/sessions/1/record", RECORD_FORM),
    ("/plans/1/record", RECORD_FORM),
    ("/records/1", {**RECORD_FORM, "version": "1"}),
    ("/records/1/sign", {"password": PASSWORD, "version": "1"}),
    ("/records/1/discard", {}),
    ("/records/1/addenda", {"text": "forged"}),
    ("/cycles/1/sessions", {"planned_on": "2026-12-30"}),
    ("/sessions/1/cancel", {}),
    ("/account/password", {"current": PASSWORD, "password": "a forged new password",
                           "confirm": "a forged new password"}),
    ("/users/new", {"username": "forged", "full_name": "Forged", "role": "admin",
                    "language": "en", "password": "a forged password",
                    "confirm": "a forged password"}),
    ("/users/1", {"full_name": "Forged", "role": "admin", "language": "en", "active": "1"}),
    ("/users/1/password", {"password": "a forged password", "confirm": "a forged password"}),
    ("/account/tokens", {"name": "forged"}),
    ("/account/tokens/1/revoke", {}),
    ("/patients/1/plans/import", {}),
    ("/patients/1/consent/antalgic", consent_form()),
    ("/settings/consents", {"treatment": "antalgic", "language": "en", "version": "1",
                            "body": "forged"}),
    ("/patients/1/photos", {"moment": "before", "site_text": "knee"}),
    ("/photos/1/teaching", {"teaching": "1"}),
    ("/photos/1/delete", {}),
    ("/photos/1/calibration", {}),
    ("/photos/1/marks", {"mark-x": "0.5", "mark-y": "0.5", "mark-text": "forged"}),
]


def test_every_post_route_is_covered_by_the_csrf_test(app):
    posted = {path for path, _data in CSRF_POSTS}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/"):
            continue  # no cookie counts there: see the test below
        if "POST" in rule.methods and rule.rule not in ("/login", "/setup"):
            concrete = re.sub(r"<int:\w+>", "1", rule.rule).replace("<treatment>", "antalgic")
            assert concrete in posted, f"{rule.rule} has no CSRF test"


def test_a_forged_api_call_riding_the_cookie_changes_nothing(seeded, app, client):
    """The API is exempt from CSRF because the cookie never authenticates it: a page that
    makes a logged-in browser post to it gets 401 and writes nothing."""
    login(client)
    before = snapshot(app)
    for method, path in (("POST", "/api/v1/patients"), ("POST", "/api/v1/patients/1/plans"),
                         ("PUT", "/api/v1/plans/1")):
        response = client.open(path, method=method, json={
            "family_name": "Forged", "given_name": "X", "birth_date": "1950-01-01",
            "sex": "male", "plan": PLAN, "version": 1})
        assert response.status_code == 401, path
    assert snapshot(app) == before


@pytest.mark.parametrize(("path", "data"), CSRF_POSTS,
                         ids=[f"{p}{'-' + d['plan_id'] if 'plan_id' in d else ''}"
                              for p, d in CSRF_POSTS])
@pytest.mark.parametrize("token", ["missing", "wrong"])
def test_post_without_csrf_token_is_refused(seeded, app, client, path, data, token):
    login(client)
    before = snapshot(app)
    form = dict(data)
    if token == "wrong":
        form["csrf_token"] = "not-a-token"
    response = client.post(path, data=form)
    assert response.status_code == 400
    assert snapshot(app) == before
    # Still logged in, language unchanged.
    page = client.get("/patients")
    assert page.status_code == 200
    assert 'lang="en"' in page.get_data(as_text=True)


def test_csrf_header_as_sent_by_htmx_is_accepted(seeded, client):
    login(client)
    response = client.post("/patients", data={"q": "seed"},
                           headers={"HX-Request": "true", "X-CSRFToken": csrf_token(client)})
    assert response.status_code == 200


def test_csrf_token_of_another_session_is_refused(seeded, app, client):
    other = app.test_client()
    login(other)
    foreign = csrf_token(other)
    login(client)
    before = snapshot(app)
    response = client.post("/patients/new", data={**NEW_PATIENT, "csrf_token": foreign})
    assert response.status_code == 400
    assert snapshot(app) == before


def test_login_without_csrf_token_is_refused(app, client):
    make_user(app)
    response = client.post("/login", data={"username": "doctor", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/patients").status_code == 302


def test_setup_without_csrf_token_is_refused(app, client):
    app.config["SETUP_TOKEN"] = "secret-token"
    response = client.post("/setup", data={
        "token": "secret-token", "username": "admin", "full_name": "Dr Admin",
        "password": PASSWORD, "confirm": PASSWORD, "language": "en"})
    assert response.status_code == 400
    assert snapshot(app)["users"] == []


# ---------------------------------------------------------------------------------- setup

SETUP_FORM = {"username": "admin", "full_name": "Dr Admin", "password": PASSWORD,
              "confirm": PASSWORD, "language": "en"}


def test_setup_is_404_without_a_configured_token(app, client):
    app.config.pop("SETUP_TOKEN", None)
    assert client.get("/setup").status_code == 404
    assert client.get("/setup?token=").status_code == 404
    assert client.get("/setup?token=None").status_code == 404


@pytest.mark.parametrize("given", ["", "wrong", "secret-toke", "secret-token-", "SECRET-TOKEN"])
def test_setup_is_404_with_a_wrong_token(app, client, given):
    app.config["SETUP_TOKEN"] = "secret-token"
    assert client.get(f"/setup?token={given}").status_code == 404
    # A POST with a wrong token creates nothing (the CSRF token comes from the login page).
    token = csrf_token(client, "/setup?token=secret-token")
    response = client.post("/setup", data={**SETUP_FORM, "token": given, "csrf_token": token})
    assert response.status_code == 404
    assert snapshot(app)["users"] == []


def test_setup_with_the_right_token_then_never_again(app, client):
    app.config["SETUP_TOKEN"] = "secret-token"
    assert client.get("/setup?token=secret-token").status_code == 200
    token = csrf_token(client, "/setup?token=secret-token")
    response = client.post("/setup", data={**SETUP_FORM, "token": "secret-token",
                                           "csrf_token": token})
    assert response.status_code == 303
    assert len(snapshot(app)["users"]) == 1
    assert snapshot(app)["users"][0]["role"] == "admin"
    # The token is spent, and even a re-configured token does not reopen it once a user exists.
    assert client.get("/setup?token=secret-token").status_code == 404
    app.config["SETUP_TOKEN"] = "another-token"
    assert client.get("/setup?token=another-token").status_code == 404
    token = csrf_token(client)  # the login at setup began a new session, with a new token
    response = client.post("/setup", data={**SETUP_FORM, "username": "intruder",
                                           "token": "another-token", "csrf_token": token})
    assert response.status_code == 404
    assert len(snapshot(app)["users"]) == 1


def test_setup_is_404_once_a_user_exists(app, client):
    make_user(app)
    app.config["SETUP_TOKEN"] = "secret-token"
    assert client.get("/setup?token=secret-token").status_code == 404


def test_setup_validation_names_fields(app, client):
    app.config["SETUP_TOKEN"] = "secret-token"
    token = csrf_token(client, "/setup?token=secret-token")
    response = client.post("/setup", data={"token": "secret-token", "csrf_token": token,
                                           "username": "bad name!", "full_name": "",
                                           "password": "short", "confirm": "short",
                                           "language": "xx"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    for field in ("username", "full_name", "password"):
        assert f'id="{field}-error"' in html, field
    assert snapshot(app)["users"] == []


def test_setup_names_a_wrong_language(app, client):
    app.config["SETUP_TOKEN"] = "secret-token"
    token = csrf_token(client, "/setup?token=secret-token")
    response = client.post("/setup", data={**SETUP_FORM, "language": "xx",
                                           "token": "secret-token", "csrf_token": token})
    assert response.status_code == 422
    assert snapshot(app)["users"] == []
    # The page must say what is wrong, not only refuse.
    assert "Choose a language." in response.get_data(as_text=True)


# ---------------------------------------------------------------------------------- login


def login_attempt(client, username: str, password: str):
    token = csrf_token(client, "/login")
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token})


def without_tokens(html: str) -> str:
    return re.sub(r'value="[^"]*"', 'value=""', re.sub(r'"X-CSRFToken": "[^"]*"', "", html))


def test_login_error_does_not_reveal_whether_the_username_exists(app, client):
    from planner.extensions import db
    from planner.models import User

    make_user(app)
    make_user(app, "retired")
    with app.app_context():
        db.session.scalar(db.select(User).where(User.username == "retired")).active = False
        db.session.commit()
    answers = {
        "wrong password": login_attempt(client, "doctor", "wrong password!"),
        "unknown user": login_attempt(client, "nobody", "wrong password!"),
        "unknown user, right password": login_attempt(client, "nobody", PASSWORD),
        "disabled user, right password": login_attempt(client, "retired", PASSWORD),
        "empty": login_attempt(client, "", ""),
    }
    statuses = {name: r.status_code for name, r in answers.items()}
    assert set(statuses.values()) == {401}, statuses
    bodies = {name: without_tokens(r.get_data(as_text=True)) for name, r in answers.items()}
    assert len(set(bodies.values())) == 1, "the login answer differs between cases"
    assert "Wrong username or password." in bodies["unknown user"]
    assert "nobody" not in bodies["unknown user"]
    assert client.get("/patients").status_code == 302


def test_login_costs_one_password_hash_for_an_unknown_username(app, client, monkeypatch):
    """An unknown name must cost a password hash too, or the answer time reveals the name.

    Counted rather than timed: a wrong name and a wrong password each check one hash.
    """
    import werkzeug.security

    from planner.models import accounts
    from planner.web import auth

    make_user(app, production_hash=True)  # the hash an account gets: werkzeug's default
    checks: list[str] = []

    def counting(pwhash: str, password: str) -> bool:
        checks.append(pwhash.split("$", 1)[0])
        return werkzeug.security.check_password_hash(pwhash, password)

    monkeypatch.setattr(auth, "check_password_hash", counting)
    monkeypatch.setattr(accounts, "check_password_hash", counting)  # User.check_password
    for username in ("doctor", "nobody"):
        checks.clear()
        token = csrf_token(client, "/login")
        response = client.post("/login", data={"username": username,
                                               "password": "wrong password!",
                                               "csrf_token": token})
        assert response.status_code == 401
        # One check, with the same kind of hash (method and cost) as a real account's.
        assert checks == [werkzeug.security.generate_password_hash("x").split("$", 1)[0]], \
            username


# ---------------------------------------------------------------------------- open redirects

EVIL = ["https://evil.example", "//evil.example", "https:evil.example", "/\\evil.example",
        "\\\\evil.example", "/\\/evil.example", "/\t/evil.example", " //evil.example",
        "javascript:alert(1)"]


def stays_here(location: str) -> bool:
    """Whether a browser following this Location stays on the app's host."""
    normalised = re.sub(r"[\t\n\r]", "", location).strip().replace("\\", "/")
    target = urlsplit(urljoin("http://localhost/login", normalised))
    return target.scheme == "http" and target.netloc == "localhost"


@pytest.mark.parametrize("target", EVIL)
def test_login_next_is_never_an_open_redirect(app, client, target):
    make_user(app)
    token = csrf_token(client, "/login")
    response = client.post("/login", query_string={"next": target},
                           data={"username": "doctor", "password": PASSWORD,
                                 "csrf_token": token})
    assert response.status_code == 303
    assert stays_here(response.location), response.location


def test_login_next_within_the_app_is_followed(app, client):
    make_user(app)
    token = csrf_token(client, "/login")
    response = client.post("/login?next=/patients/new", data={
        "username": "doctor", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303
    assert urlsplit(response.location).path == "/patients/new"


@pytest.mark.parametrize("target", EVIL)
def test_language_next_is_never_an_open_redirect(app, client, target):
    make_user(app)
    login(client)
    response = client.post("/language", data={"language": "it", "next": target,
                                              "csrf_token": csrf_token(client)})
    assert response.status_code == 303
    assert stays_here(response.location), response.location


# ------------------------------------------------------------------ no patient names in URLs

NAME = {"family_name": "Zanardelli", "given_name": "Ottavia", "birth_date": "1961-03-12",
        "sex": "female", "weight_kg": "64", "record_number": "ZX-77"}


def urls_in(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    urls = []
    for tag in soup.find_all(True):
        for attr in ("href", "src", "action", "formaction", "hx-get", "hx-post", "hx-put",
                     "hx-delete", "hx-patch", "data-url"):
            if tag.get(attr):
                urls.append(tag[attr])
    return urls


def test_no_patient_name_in_any_url(app, client):
    make_user(app)
    login(client)
    token = csrf_token(client)
    created = client.post("/patients/new", data={**NAME, "csrf_token": token})
    assert created.status_code == 303
    locations = [created.location]
    pid = int(urlsplit(created.location).path.rsplit("/", 1)[-1])
    saved = client.post("/plans/save", data={"patient_id": str(pid), "plan": json.dumps(PLAN),
                                             "title": "knee", "csrf_token": token})
    locations.append(saved.location)
    pages = {
        "list": client.get("/patients").get_data(as_text=True),
        "search": client.post("/patients", data={"q": "Zanardelli", "csrf_token": token})
        .get_data(as_text=True),
        "search fragment": client.post("/patients", data={"q": "Ottavia", "csrf_token": token},
                                       headers={"HX-Request": "true"}).get_data(as_text=True),
        "patient": client.get(f"/patients/{pid}").get_data(as_text=True),
        "edit": client.get(f"/patients/{pid}/edit").get_data(as_text=True),
        "chooser": client.get(f"/patients/{pid}/plans/new").get_data(as_text=True),
        "editor": client.get(saved.location).get_data(as_text=True),
    }
    assert "Zanardelli" in pages["search fragment"] or "Ottavia" in pages["search fragment"]
    all_urls = list(locations)
    for html in pages.values():
        all_urls += urls_in(html)
    for url in all_urls:
        lowered = url.lower()
        for secret in ("zanardelli", "ottavia", "1961-03-12", "zx-77"):
            assert secret not in lowered, url
    # Links to patients and plans carry only numeric ids.
    for url in urls_in(pages["list"]) + urls_in(pages["patient"]):
        path = urlsplit(url).path
        if path.startswith(("/patients/", "/plans/")) and path != "/patients/new":
            assert re.fullmatch(r"/(patients|plans)/\d+(/[a-z.]+)*(/\d+)?", path), url
            # A plan started with its treatment (the patient page's shortcuts) says only that.
            assert re.fullmatch(r"(treatment=[a-z]+)?", urlsplit(url).query), url
    # The search form posts: what is typed never lands in the address bar.
    soup = BeautifulSoup(pages["list"], "html.parser")
    search = soup.find("form", attrs={"role": "search"})
    assert search is not None
    assert search.get("method", "get").lower() == "post"


def test_a_name_in_the_query_string_is_not_a_search(app, client):
    make_user(app)
    login(client)
    token = csrf_token(client)
    client.post("/patients/new", data={**NAME, "csrf_token": token})
    client.post("/patients/new", data={**NAME, "family_name": "Other", "record_number": "",
                                       "csrf_token": token})
    html = client.get("/patients?q=Zanardelli").get_data(as_text=True)
    # GET ignores q: the whole list is shown, and the search box stays empty.
    assert "Other, Ottavia" in html
    assert 'value="Zanardelli"' not in html


# ---------------------------------------------------------------------------------- vendored


def test_vendored_htmx_has_the_recorded_checksum():
    table = (ROOT / "static" / "VENDORED.md").read_text(encoding="utf-8")
    row = next(line for line in table.splitlines() if line.startswith("| htmx.min.js"))
    recorded = re.search(r"\b([0-9a-f]{64})\b", row)
    assert recorded, row
    actual = hashlib.sha256((ROOT / "static" / "htmx.min.js").read_bytes()).hexdigest()
    assert actual == recorded.group(1)


def test_every_static_file_is_ours_or_vendored():
    table = (ROOT / "static" / "VENDORED.md").read_text(encoding="utf-8")
    ours = {"planner.css", "planner.js", "VENDORED.md", "print.css", "print.js", "paper-a4.css",
            "paper-letter.css", "keepalive.js", "forms/autosubmit.js", "forms/date-words.js",
            "forms/drug-field.js", "forms/chosen-treatment.js", "editor/areas.js",
            "editor/drafting.js", "editor/editor.js",
            "editor/history.js", "editor/map.js", "editor/mixtures.js", "editor/points.js",
            "editor/tools.js", "editor/labels.js", "editor/landmarks.js", "landmarks.css",
            "print-stencil.css", "menu.js", "tablet.css", "records.css",
            "forms/signature-pad.js", "forms/carried.js", "forms/points-given.js",
            "print-progress.js", "print-progress.css", "photos.css", "photos.js", "photo-marks.js",
            "calibration-card.css"}
    for path in (ROOT / "static").rglob("*"):
        name = path.relative_to(ROOT / "static").as_posix()
        assert path.is_dir() or name in ours or f"| {name} |" in table, name


@pytest.mark.parametrize(("browser", "offered"), [("it-IT,it;q=0.9", "it"), ("es", "es"),
                                                  ("en-US", "en"), ("de", "en")])
def test_setup_offers_the_language_the_page_speaks(app, client, browser, offered):
    """A setup page in Italian offers Italian as the first account's language, not English."""
    from bs4 import BeautifulSoup

    app.config["SETUP_TOKEN"] = "secret-token"
    html = client.get("/setup?token=secret-token", headers={"Accept-Language": browser})
    soup = BeautifulSoup(html.get_data(as_text=True), "html.parser")
    assert soup.html["lang"] == offered
    assert soup.select_one("select[name=language] option[selected]")["value"] == offered
