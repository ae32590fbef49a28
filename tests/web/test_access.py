"""Who may open what: every route of the app, for an anonymous visitor and a logged-in doctor.

The table below must list every (rule, method) of ``app.url_map``: a new route fails
``test_every_route_is_in_the_table`` until it is added here with its expected answers.
"""

from __future__ import annotations

import json
import re
from datetime import date
from urllib.parse import urlsplit

import pytest

from planner.web.audit_reads import UNAUDITED
from tests.helpers.access import PLAN, RECORD_FORM, ROUTES, VALID_PATIENT
from tests.helpers.audit import audit_count
from tests.helpers.databases import copy_files, copy_of
from tests.helpers.users import PASSWORD, csrf_token, login

PUBLIC = {"/static/<path:filename>", "/login", "/setup", "/healthz", "/api/v1/openapi.json"}

# Routes with ids, for the 404 of a record that does not exist.
MISSING = [
    ("GET", "/patients/999", {}),
    ("GET", "/patients/999/edit", {}),
    ("POST", "/patients/999/edit", VALID_PATIENT),
    ("POST", "/patients/999/archive", {}),
    ("GET", "/patients/999/plans/new", {}),
    ("GET", "/plans/999", {}),
    ("POST", "/plans/999/copy", {}),
    ("GET", "/plans/999/thumbnail.svg", {}),
    ("GET", "/plans/999/plan.json", {}),
    ("GET", "/plans/999/sheet", {}),
    ("GET", "/plans/999/cycle", {}),
    ("POST", "/sessions/999/date", {"planned_on": "2026-12-02"}),
    ("GET", "/sessions/999/record", {}),
    ("POST", "/sessions/999/record", RECORD_FORM),
    ("GET", "/plans/999/record", {}),
    ("POST", "/plans/999/record", RECORD_FORM),
    ("GET", "/records/999", {}),
    ("GET", "/records/999/fhir.json", {}),
    ("GET", "/plans/999/points.csv", {}),
    ("GET", "/patients/999/sessions.csv", {}),
    ("GET", "/patients/999/plans/import", {}),
    ("POST", "/patients/999/plans/import", {}),
    ("GET", "/cycles/999/report", {}),
    ("POST", "/cycles/999/sessions", {"planned_on": "2026-12-30"}),
    ("POST", "/sessions/999/cancel", {}),
    ("GET", "/cycles/999/report.pdf", {}),
    ("POST", "/records/999", {**RECORD_FORM, "version": "1"}),
    ("POST", "/records/999/sign", {"password": PASSWORD, "version": "1"}),
    ("POST", "/records/999/discard", {}),
    ("POST", "/records/999/addenda", {"text": "late"}),
    ("GET", "/plans/999/handout.pdf", {}),
    ("POST", "/plans/preview", {"patient_id": "999", "plan": json.dumps(PLAN)}),
    ("POST", "/plans/save", {"patient_id": "999", "plan": json.dumps(PLAN)}),
    ("POST", "/plans/save", {"patient_id": "1", "plan_id": "999", "version": "1",
                             "plan": json.dumps(PLAN)}),
    ("GET", "/mixtures/999/edit", {}),
    ("POST", "/mixtures/999/edit", {"name": "x", "component-0": "saline", "volume_ml-0": "2",
                                    "version": "1"}),
    ("POST", "/mixtures/999/archive", {}),
    ("POST", "/mixtures/999/restore", {}),
    ("GET", "/patients/999/photos/new", {}),
    ("POST", "/patients/999/photos", {"moment": "before", "site_text": "knee"}),
    ("GET", "/patients/1/photos/new?record_id=999", {}),
    ("GET", "/photos/999", {}),
    ("GET", "/photos/999/image", {}),
    ("GET", "/photos/999/preview", {}),
    ("GET", "/photos/999/download", {}),
    ("POST", "/photos/999/teaching", {"teaching": "1"}),
    ("POST", "/photos/999/delete", {}),
    ("GET", "/cycles/999/photos", {}),
]


@pytest.fixture
def database(request, tmp_path, template_database):
    """A test that uses ``seeded`` starts from a copy of the seeded template (seed() run once per
    test process: tests/conftest.py) and of its photo files, not from a seeding of its own; the
    others from the migrated template, with no user (the 503 before the first account)."""
    if "seeded" not in request.fixturenames:
        with copy_of(template_database, tmp_path) as url:
            yield url
        return
    template = request.getfixturevalue("seeded_template")
    copy_files(template, tmp_path)
    with copy_of(template.url, tmp_path) as url:
        yield url


@pytest.fixture
def seeded(app):
    """The app on a database and data folder as seed() leaves them (``database`` above)."""
    return app


def table_keys(app) -> set[tuple[str, str]]:
    return {(rule.rule, method) for rule in app.url_map.iter_rules()
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_every_route_is_in_the_table(app):
    routes = table_keys(app)
    missing = sorted(routes - set(ROUTES))
    stale = sorted(set(ROUTES) - routes)
    assert not missing, f"routes without an access expectation (add them to ROUTES): {missing}"
    assert not stale, f"ROUTES lists routes the app no longer has: {stale}"


def test_public_endpoints_match_the_table():
    from planner.web.paths import PUBLIC_ENDPOINTS

    assert set(PUBLIC_ENDPOINTS) == {"auth.login", "auth.setup", "static", "healthz"}
    for (rule, _method), (_path, _data, anonymous, *_roles) in ROUTES.items():
        if rule.startswith("/api/") and rule not in PUBLIC:
            assert anonymous == 401, rule  # a token, never a login page
        elif rule not in PUBLIC:
            assert anonymous == 302, rule


def counts(app) -> dict[str, int]:
    from sqlalchemy import func, select

    from planner.extensions import db
    from planner.models import (
        Addendum,
        Patient,
        PlanRecord,
        SavedMixture,
        SessionProduct,
        SessionRecord,
        User,
    )

    with app.app_context():
        return {m.__name__: db.session.scalar(select(func.count()).select_from(m)) or 0
                for m in (Patient, PlanRecord, SavedMixture, User, SessionRecord,
                          SessionProduct, Addendum)}


def archived_flags(app) -> list[bool]:
    from sqlalchemy import select

    from planner.extensions import db
    from planner.models import Patient

    with app.app_context():
        return list(db.session.scalars(select(Patient.archived).order_by(Patient.id)))


@pytest.mark.parametrize("key", sorted(ROUTES), ids=lambda k: f"{k[1]} {k[0]}")
def test_anonymous(seeded, client, key):
    path, data, expected, *_roles = ROUTES[key]
    method = key[1]
    before = counts(seeded), archived_flags(seeded)
    if method == "GET":
        response = client.get(path)
    else:
        token = csrf_token(client, "/login")
        response = client.open(path, method=method, data={**data, "csrf_token": token})
    assert response.status_code == expected, response.get_data(as_text=True)[:300]
    if expected == 302:
        assert urlsplit(response.location).path == "/login"
        # Nothing of the page leaks into the redirect.
        assert "Seeded" not in response.get_data(as_text=True)
    assert (counts(seeded), archived_flags(seeded)) == before, "an anonymous request changed data"


ROLES = ("admin", "doctor", "assistant")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("key", sorted(ROUTES), ids=lambda k: f"{k[1]} {k[0]}")
def test_logged_in(seeded, client, key, role):
    login(client, role)
    path, data, _anonymous, *by_role = ROUTES[key]
    expected = by_role[ROLES.index(role)]
    before = counts(seeded), archived_flags(seeded)
    method = key[1]
    form = {} if method == "GET" else {**data, "csrf_token": csrf_token(client)}
    audited = audit_count(seeded)
    response = client.get(path) if method == "GET" else client.open(path, method=method,
                                                                      data=form)
    assert response.status_code == expected, response.get_data(as_text=True)[:300]
    # Every request of a logged-in user leaves an audit event (web/audit_reads.py), but those
    # of the few endpoints that show no patient data (each with its reason) and the 404s.
    endpoint = next(r.endpoint for r in seeded.url_map.iter_rules() if r.rule == key[0])
    if endpoint not in UNAUDITED and expected != 404 and not key[0].startswith("/api/"):
        assert audit_count(seeded) > audited, f"{method} {path} left no audit event"
    if expected in (302, 303):
        assert response.location
        target = urlsplit(response.location)
        assert target.netloc in ("", "localhost")
    if key == ("/", "GET"):
        assert urlsplit(response.location).path == "/patients"
    if key == ("/logout", "POST"):
        assert urlsplit(response.location).path == "/login"
        assert client.get("/patients").status_code == 302, "still logged in after logout"
    if expected == 403:
        assert "cannot do this" in response.get_data(as_text=True)
        assert (counts(seeded), archived_flags(seeded)) == before, "a refused request wrote"


@pytest.mark.parametrize(("method", "path", "data"), MISSING,
                         ids=[f"{m} {p} {d.get('patient_id', '')}{d.get('plan_id', '')}"
                              for m, p, d in MISSING])
def test_missing_records_are_404(seeded, client, method, path, data):
    login(client)
    before = counts(seeded)
    if method == "GET":
        response = client.get(path)
    else:
        response = client.post(path, data={**data, "csrf_token": csrf_token(client)})
    assert response.status_code == 404
    assert counts(seeded) == before


def test_unknown_url_is_404_for_everyone(seeded, client):
    assert client.get("/no-such-page").status_code == 404
    login(client)
    assert client.get("/no-such-page").status_code == 404


def test_login_page_is_503_before_the_first_account(app, client):
    response = client.get("/login")
    assert response.status_code == 503
    assert "not set up yet" in response.get_data(as_text=True)


def test_inactive_user_is_logged_out(seeded, client):
    from planner.extensions import db
    from planner.models import User

    login(client)
    assert client.get("/patients").status_code == 200
    with seeded.app_context():
        db.session.get(User, 1).active = False
        db.session.commit()
    response = client.get("/patients")
    assert response.status_code == 302
    assert urlsplit(response.location).path == "/login"


# htmx fragments -------------------------------------------------------------------------------


def test_patient_search_fragment_is_only_rows(seeded, client):
    login(client)
    token = csrf_token(client)
    with seeded.app_context():
        from planner.extensions import db
        from planner.models import Patient

        db.session.add(Patient(record_number="R-2", family_name="Other", given_name="Person",
                               birth_date=date(1980, 3, 4), sex="female"))
        db.session.commit()
    response = client.post("/patients", data={"q": "seeded", "csrf_token": token},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.get_data(as_text=True).strip()
    assert html.startswith("<tr"), html[:200]
    assert html.endswith("</tr>")
    for whole_page in ("<html", "<!doctype", "<head>", "<body", "<form", "<table", "<nav"):
        assert whole_page not in html.lower()
    assert "Seeded, Patient" in html
    assert "Other" not in html
    assert re.findall(r'href="([^"]+)"', html) == ["/patients/1"]


def test_patient_search_without_htmx_is_a_whole_page(seeded, client):
    login(client)
    response = client.post("/patients", data={"q": "seeded", "csrf_token": csrf_token(client)})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert 'id="patient-rows"' in html
    assert "Seeded, Patient" in html


def test_plan_preview_fragment_is_the_workspace(seeded, client):
    login(client)
    response = client.post("/plans/preview",
                           data={"patient_id": "1", "plan": json.dumps(PLAN)},
                           headers={"HX-Request": "true", "X-CSRFToken": csrf_token(client)})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for whole_page in ("<html", "<!doctype", "<head>", "<body", 'id="plan-form"', "<nav"):
        assert whole_page not in html.lower()
    assert 'id="map"' in html
    assert 'id="results"' in html
    assert "<svg" in html
    assert int(re.search(r'data-testid="total-points">(\d+)<', html).group(1)) > 0


def test_an_id_beyond_what_the_database_holds_is_404_not_an_error(seeded, client):
    """PostgreSQL's integer ends at 2,147,483,647: a larger id in a URL must not reach it."""
    login(client)
    for path in ("/patients/2147483648", "/plans/99999999999/sheet", "/records/2147483648"):
        assert client.get(path).status_code == 404, path
    assert client.get("/patients/2147483647").status_code == 404  # the largest id: looked up
