"""Who may open what: every route of the app, for an anonymous visitor and a logged-in doctor.

The table below must list every (rule, method) of ``app.url_map``: a new route fails
``test_every_route_is_in_the_table`` until it is added here with its expected answers.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest

from planner.web.audit_reads import UNAUDITED
from tests.conftest import PASSWORD, csrf_token, login, make_user

PLAN = {"format": "mesoplanner.plan/1", "bodymap": "knee-anterior", "side": "right",
        "treatment": "antalgic",
        "areas": [{"label": "medial knee", "region": "knee-anterior/medial",
                   "spacing_mm": 15}]}

# A complete session record form for the seeded plan (no mixture: no products needed).
RECORD_FORM = {"performed_at": "2026-11-23T10:00", "performer_id": "1", "pain_scale": "nrs",
               "pain_before": "6", "product-0": "saline", "lot-0": "S-1",
               **{f"q-{code}": "no" for code in ("pregnancy", "breastfeeding", "bleeding",
                                                 "allergy", "infection", "heart", "same-site")},
               "q-skin-test": "yes"}

VALID_PATIENT = {"family_name": "Access", "given_name": "Tester", "birth_date": "1970-05-06",
                 "sex": "female", "weight_kg": "60"}

# (rule, method) -> (path to request, form data, then the status for an anonymous visitor, an
# administrator, a doctor and an assistant)
# The ids 1 are the patient and the plan made by ``seeded``. Anonymous POSTs carry a valid CSRF
# token of their own session, so that what is tested is the login requirement, not CSRF.
ROUTES: dict[tuple[str, str], tuple[str, dict[str, Any], int, int, int, int]] = {
    ("/static/<path:filename>", "GET"): ("/static/planner.css", {}, 200, 200, 200, 200),
    ("/login", "GET"): ("/login", {}, 200, 200, 200, 200),
    ("/login", "POST"): ("/login", {"username": "nobody", "password": "wrong password"}, 401, 401, 401, 401),
    ("/logout", "POST"): ("/logout", {}, 302, 303, 303, 303),
    ("/alive", "GET"): ("/alive", {}, 302, 204, 204, 204),
    ("/setup", "GET"): ("/setup", {}, 404, 404, 404, 404),
    ("/setup", "POST"): ("/setup", {"token": "guess"}, 404, 404, 404, 404),
    ("/language", "POST"): ("/language", {"language": "it", "next": "/patients"}, 302, 303, 303, 303),
    ("/patients", "GET"): ("/patients", {}, 302, 200, 200, 200),
    ("/patients", "POST"): ("/patients", {"q": "access"}, 302, 200, 200, 200),
    ("/patients/new", "GET"): ("/patients/new", {}, 302, 200, 200, 403),
    ("/patients/new", "POST"): ("/patients/new", VALID_PATIENT, 302, 303, 303, 403),
    ("/patients/<int:patient_id>", "GET"): ("/patients/1", {}, 302, 200, 200, 200),
    ("/patients/<int:patient_id>/edit", "GET"): ("/patients/1/edit", {}, 302, 200, 200, 403),
    ("/patients/<int:patient_id>/edit", "POST"): ("/patients/1/edit", {**VALID_PATIENT, "version": "1"}, 302, 303, 303, 403),
    ("/patients/<int:patient_id>/archive", "POST"): ("/patients/1/archive", {}, 302, 303, 303, 403),
    ("/patients/<int:patient_id>/plans/new", "GET"): ("/patients/1/plans/new", {}, 302, 200, 200, 403),
    ("/plans/<int:plan_id>", "GET"): ("/plans/1", {}, 302, 200, 200, 200),
    ("/plans/preview", "POST"): ("/plans/preview", {"patient_id": "1", "plan": json.dumps(PLAN)}, 302, 200, 200, 200),
    ("/plans/save", "POST"): ("/plans/save", {"patient_id": "1", "plan": json.dumps(PLAN),
                                              "title": "access"}, 302, 303, 303, 403),
    ("/plans/<int:plan_id>/copy", "POST"): ("/plans/1/copy", {}, 302, 303, 303, 403),
    ("/plans/<int:plan_id>/thumbnail.svg", "GET"): ("/plans/1/thumbnail.svg", {}, 302, 200, 200, 200),
    ("/plans/<int:plan_id>/plan.json", "GET"): ("/plans/1/plan.json", {}, 302, 200, 200, 200),
    ("/plans/<int:plan_id>/<any(sheet, stencil, handout):kind>", "GET"):
        ("/plans/1/sheet", {}, 302, 200, 200, 200),
    ("/plans/<int:plan_id>/<any(sheet, stencil, handout):kind>.pdf", "GET"):
        ("/plans/1/stencil.pdf", {}, 302, 200, 200, 200),
    # Clinic settings are the administrator's.
    ("/settings", "GET"): ("/settings", {}, 302, 200, 403, 403),
    ("/settings", "POST"): ("/settings", {"name": "Forged"}, 302, 303, 403, 403),
    ("/plans/<int:plan_id>/cycle", "GET"): ("/plans/1/cycle", {}, 302, 200, 200, 403),
    ("/plans/<int:plan_id>/cycle", "POST"): ("/plans/1/cycle", {
        "template": "antalgic", "start": "2026-12-01", "confirm": "1"}, 302, 303, 303, 403),
    ("/sessions", "GET"): ("/sessions", {}, 302, 200, 200, 200),
    ("/sessions/<int:session_id>/date", "POST"): ("/sessions/1/date",
                                                  {"planned_on": "2026-12-02"}, 302, 303, 303, 303),
    # Session 2 of the seeded cycle has no record yet; record 1 is a draft of session 1.
    ("/sessions/<int:session_id>/record", "GET"): ("/sessions/2/record", {}, 302, 200, 200, 200),
    ("/sessions/<int:session_id>/record", "POST"): ("/sessions/2/record", RECORD_FORM, 302, 303, 303, 303),
    ("/plans/<int:plan_id>/record", "GET"): ("/plans/1/record", {}, 302, 200, 200, 200),
    ("/plans/<int:plan_id>/record", "POST"): ("/plans/1/record", RECORD_FORM, 302, 303, 303, 303),
    ("/records/<int:record_id>", "GET"): ("/records/1", {}, 302, 200, 200, 200),
    ("/records/<int:record_id>", "POST"): ("/records/1", {**RECORD_FORM, "version": "1"}, 302, 303, 303, 303),
    ("/records/<int:record_id>/sign", "POST"): ("/records/1/sign", {"version": "1"}, 302, 303, 303, 403),
    ("/records/<int:record_id>/discard", "POST"): ("/records/1/discard", {}, 302, 303, 303, 403),
    # Addenda are for signed records: the seeded draft answers 409.
    ("/records/<int:record_id>/addenda", "POST"): ("/records/1/addenda", {"text": "late"}, 302, 409, 409, 403),
    # Only a signed record is exported: the seeded draft answers 409.
    ("/records/<int:record_id>/fhir.json", "GET"): ("/records/1/fhir.json", {}, 302, 409, 409, 403),
    ("/plans/<int:plan_id>/points.csv", "GET"): ("/plans/1/points.csv", {}, 302, 200, 200, 200),
    ("/patients/<int:patient_id>/sessions.csv", "GET"): ("/patients/1/sessions.csv", {}, 302, 200, 200, 403),
    ("/patients/<int:patient_id>/plans/import", "GET"): ("/patients/1/plans/import", {}, 302, 200, 200, 403),
    # No file sent: the form comes back naming the field.
    ("/patients/<int:patient_id>/plans/import", "POST"): ("/patients/1/plans/import", {}, 302, 422, 422, 403),
    ("/account/tokens", "GET"): ("/account/tokens", {}, 302, 200, 200, 200),
    ("/account/tokens", "POST"): ("/account/tokens", {"name": "a script"}, 302, 201, 201, 201),
    # Nobody has a token in the seeded database: each user revokes only their own.
    ("/account/tokens/<int:token_id>/revoke", "POST"): ("/account/tokens/1/revoke", {}, 302, 404, 404, 404),
    # The API takes a token, never the browser's cookie: logged in or not, 401 (tests/web/test_api.py
    # checks what each role's token gets). Its description is public.
    ("/api/v1/openapi.json", "GET"): ("/api/v1/openapi.json", {}, 200, 200, 200, 200),
    ("/api/v1/bodymaps", "GET"): ("/api/v1/bodymaps", {}, 401, 401, 401, 401),
    ("/api/v1/bodymaps/<view_id>", "GET"): ("/api/v1/bodymaps/knee-anterior", {}, 401, 401, 401, 401),
    ("/api/v1/grid", "POST"): ("/api/v1/grid", {}, 401, 401, 401, 401),
    ("/api/v1/patients", "GET"): ("/api/v1/patients", {}, 401, 401, 401, 401),
    ("/api/v1/patients", "POST"): ("/api/v1/patients", {}, 401, 401, 401, 401),
    ("/api/v1/patients/search", "POST"): ("/api/v1/patients/search", {}, 401, 401, 401, 401),
    ("/api/v1/patients/<int:patient_id>", "GET"): ("/api/v1/patients/1", {}, 401, 401, 401, 401),
    ("/api/v1/patients/<int:patient_id>/plans", "GET"): ("/api/v1/patients/1/plans", {}, 401, 401, 401, 401),
    ("/api/v1/patients/<int:patient_id>/plans", "POST"): ("/api/v1/patients/1/plans", {}, 401, 401, 401, 401),
    ("/api/v1/plans/<int:plan_id>", "GET"): ("/api/v1/plans/1", {}, 401, 401, 401, 401),
    ("/api/v1/plans/<int:plan_id>", "PUT"): ("/api/v1/plans/1", {}, 401, 401, 401, 401),
    ("/api/v1/patients/<int:patient_id>/sessions", "GET"): ("/api/v1/patients/1/sessions", {}, 401, 401, 401, 401),
    ("/api/v1/sessions/<int:session_id>", "GET"): ("/api/v1/sessions/1", {}, 401, 401, 401, 401),
    ("/cycles/<int:cycle_id>/report", "GET"): ("/cycles/1/report", {}, 302, 200, 200, 200),
    ("/cycles/<int:cycle_id>/report.pdf", "GET"): ("/cycles/1/report.pdf", {}, 302, 200, 200, 200),
    ("/cycles/<int:cycle_id>/sessions", "POST"): ("/cycles/1/sessions",
                                                  {"planned_on": "2026-12-30"}, 302, 303, 303, 303),
    # Cancelling is a clinician's decision, with a reason (an assistant moves the date instead).
    ("/sessions/<int:session_id>/cancel", "POST"): ("/sessions/2/cancel",
                                                    {"reason": "febbre, 38,5"},
                                                    302, 303, 303, 403),
    ("/recall", "GET"): ("/recall?lot=S1", {}, 302, 200, 200, 200),
    ("/recall.csv", "GET"): ("/recall.csv?lot=S1", {}, 302, 200, 200, 403),
    ("/mixtures", "GET"): ("/mixtures", {}, 302, 200, 200, 200),
    ("/mixtures", "POST"): ("/mixtures", {"name": "access mix", "component-0": "saline",
                                          "volume_ml-0": "2"}, 302, 303, 303, 403),
    # No mixture in the seeded database: a clinician gets 404 (tests/web/test_mixtures.py has
    # the answers on a real mixture); an assistant is refused before any lookup.
    ("/mixtures/<int:mixture_id>/edit", "GET"): ("/mixtures/1/edit", {}, 302, 404, 404, 403),
    ("/mixtures/<int:mixture_id>/edit", "POST"): ("/mixtures/1/edit", {
        "name": "access mix", "component-0": "saline", "volume_ml-0": "2", "version": "1"},
        302, 404, 404, 403),
    ("/mixtures/<int:mixture_id>/archive", "POST"): ("/mixtures/1/archive", {}, 302, 404, 404, 403),
    ("/mixtures/<int:mixture_id>/restore", "POST"): ("/mixtures/1/restore", {}, 302, 404, 404, 403),
    ("/", "GET"): ("/", {}, 302, 302, 302, 302),
    ("/healthz", "GET"): ("/healthz", {}, 200, 200, 200, 200),
    ("/account/password", "GET"): ("/account/password", {}, 302, 200, 200, 200),
    ("/account/sessions", "GET"): ("/account/sessions", {}, 302, 200, 200, 200),
    ("/account/sessions", "POST"): ("/account/sessions", {}, 302, 303, 303, 303),
    ("/account/password", "POST"): ("/account/password", {
        "current": PASSWORD, "password": "a new long password",
        "confirm": "a new long password"}, 302, 303, 303, 303),
    ("/users", "GET"): ("/users", {}, 302, 200, 403, 403),
    ("/users/new", "GET"): ("/users/new", {}, 302, 200, 403, 403),
    ("/users/new", "POST"): ("/users/new", {
        "username": "newbie", "full_name": "New Bie", "role": "assistant", "language": "it",
        "password": "a long enough password", "confirm": "a long enough password"},
        302, 303, 403, 403),
    ("/users/<int:user_id>", "GET"): ("/users/1", {}, 302, 200, 403, 403),
    ("/users/<int:user_id>", "POST"): ("/users/1", {
        "full_name": "Dr Renamed", "role": "doctor", "language": "en", "active": "1"},
        302, 303, 403, 403),
    ("/users/<int:user_id>/password", "POST"): ("/users/1/password", {
        "password": "another long password", "confirm": "another long password"},
        302, 303, 403, 403),
    ("/audit", "GET"): ("/audit", {}, 302, 200, 403, 403),
    ("/audit.csv", "GET"): ("/audit.csv", {}, 302, 200, 403, 403),
}

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
    ("POST", "/records/999/sign", {"version": "1"}),
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
]


def seed(app) -> None:
    """A user, patient 1 and their plan 1, a cycle of two sessions, a draft record of the
    first (record 1, lot S-1)."""
    from planner import engine
    from planner.core.plan import dump, from_dict
    from planner.extensions import db
    from planner.models import (
        Cycle,
        Patient,
        PlanRecord,
        ScheduledSession,
        SessionProduct,
        SessionRecord,
    )

    user_id = make_user(app)  # user 1, "doctor"
    make_user(app, "admin", role="admin")
    make_user(app, "assistant", role="assistant")
    with app.app_context():
        patient = Patient(record_number="R-1", family_name="Seeded", given_name="Patient",
                          birth_date=date(1960, 1, 2), sex="male", weight_kg=Decimal("70"))
        db.session.add(patient)
        db.session.flush()
        result, _view = engine.run(from_dict(PLAN))
        db.session.add(PlanRecord(patient_id=patient.id, title="seeded", treatment="antalgic",
                                  bodymap="knee-anterior", side="right",
                                  plan_json=json.dumps(dump(result.plan)),
                                  points=len(result.xy), total_ml=str(result.total_ml),
                                  created_by_id=user_id, updated_by_id=user_id))
        db.session.flush()
        db.session.add(Cycle(patient_id=patient.id, plan_id=1, template="antalgic",
                             created_by_id=user_id,
                             sessions=[ScheduledSession(number=1, planned_on=date.today()),
                                       ScheduledSession(number=2, planned_on=date.today())]))
        db.session.flush()
        answers = {k.removeprefix("q-"): v for k, v in RECORD_FORM.items() if k[:2] == "q-"}
        db.session.add(SessionRecord(
            patient_id=patient.id, plan_id=1, plan_version=1, scheduled_id=1,
            plan_json=json.dumps(dump(result.plan)), performed_at=datetime(2026, 11, 23, 10),
            performer_id=user_id, pain_before=6, checklist_json=json.dumps(answers),
            created_by_id=user_id, products=[SessionProduct(product="saline", lot="S-1")]))
        db.session.commit()


@pytest.fixture
def seeded(app):
    seed(app)
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
    from planner.web import PUBLIC_ENDPOINTS

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


def audit_count(app) -> int:
    from sqlalchemy import func, select

    from planner.extensions import db
    from planner.models import AuditEvent

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEvent)) or 0


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
