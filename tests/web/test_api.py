"""The JSON API (/api/v1): tokens, what each operation answers, version checks, roles, audit."""

from __future__ import annotations

import re

import pytest

from tests.helpers.api import PATIENT, PLAN, Api, make_token, signed_session, stored_token
from tests.helpers.patients import add, created_id
from tests.helpers.plans import knee_plan, save, saved_id
from tests.helpers.records import CLEAR, HEALTHY, form
from tests.helpers.users import csrf_token, login, make_user


@pytest.fixture
def api(app) -> Api:
    return Api(app, make_token(app))


def audit_events(app) -> list[tuple[str, str, str]]:
    from sqlalchemy import select

    from planner.extensions import db
    from planner.models import AuditEvent

    with app.app_context():
        return [(e.action, e.entity, e.detail) for e in db.session.scalars(
            select(AuditEvent).order_by(AuditEvent.id))]


def test_without_a_valid_token_nothing_is_answered_not_even_with_a_logged_in_cookie(app):
    make_user(app)
    client = app.test_client()
    login(client)
    for headers in ({}, {"Authorization": "Bearer mp_forged"}, {"Authorization": "Basic x"}):
        response = client.get("/api/v1/patients", headers=headers)
        assert response.status_code == 401
        assert response.json["error"]["status"] == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/openapi.json").status_code == 200  # the description is public


def test_a_revoked_token_or_a_disabled_user_stops_at_once(app):
    from planner.extensions import db
    from planner.models import ApiToken, User

    token = make_token(app)
    api = Api(app, token)
    assert api.get("/bodymaps").status_code == 200
    with app.app_context():
        db.session.get(User, 1).active = False
        db.session.commit()
    assert api.get("/bodymaps").status_code == 401
    with app.app_context():
        db.session.get(User, 1).active = True
        db.session.get(ApiToken, 1).revoked_at = db.func.now()
        db.session.commit()
    assert api.get("/bodymaps").status_code == 401


def test_tokens_are_made_shown_once_stored_hashed_and_revoked_on_the_page(app, client):
    from planner.extensions import db
    from planner.models import ApiToken

    token = make_token(app)
    with app.app_context():
        stored = db.session.get(ApiToken, 1)
        assert token not in (stored.token_hash, stored.prefix) and stored.prefix == token[:10]
    login(client)
    page = client.get("/account/tokens").get_data(as_text=True)
    assert token not in page and token[:10] in page
    response = client.post("/account/tokens/1/revoke",
                           data={"csrf_token": csrf_token(client, "/account/tokens")})
    assert response.status_code == 303
    assert Api(app, token).get("/bodymaps").status_code == 401
    assert ("revoke", "api_token", "script") in audit_events(app)


def test_nobody_revokes_someone_elses_token(app, client):
    make_token(app, "doctor")
    make_user(app, "other")
    login(client, "other")
    response = client.post("/account/tokens/1/revoke",
                           data={"csrf_token": csrf_token(client, "/account/tokens")})
    assert response.status_code == 404


def test_a_patient_and_a_plan_through_the_api_with_the_version_check(app, api):
    created = api.post("/patients", PATIENT)
    assert created.status_code == 201 and created.json["weight_kg"] == "70.0"
    pid = created.json["id"]
    plan = api.post(f"/patients/{pid}/plans", {"title": "Knee", "plan": PLAN})
    assert plan.status_code == 201
    assert (plan.json["version"], plan.json["points"]) == (1, 14)
    assert "patient" not in plan.json["plan"]  # the weight stays in the record
    plid = plan.json["id"]
    wider = {**PLAN, "areas": [{"region": "knee-anterior/medial", "spacing_mm": 20}]}
    updated = api.put(f"/plans/{plid}", {"plan": wider, "version": 1})
    assert updated.status_code == 200 and updated.json["version"] == 2
    assert updated.json["points"] < 14
    stale = api.put(f"/plans/{plid}", {"plan": PLAN, "version": 1})
    assert stale.status_code == 409 and stale.json["error"]["field"] == "version"
    assert api.get(f"/plans/{plid}").json["version"] == 2  # the stale write wrote nothing
    assert [p["id"] for p in api.get(f"/patients/{pid}/plans").json["plans"]] == [plid]
    assert api.post("/patients/search", {"q": "api ann"}).json["patients"][0]["id"] == pid
    assert ("view", "plan", "API") in audit_events(app)


@pytest.mark.parametrize(("body", "field"), [
    ({**PATIENT, "family_name": ""}, "family_name"),
    ({**PATIENT, "birth_date": "yesterday"}, "birth_date"),
    ({**PATIENT, "weight_kg": 4000}, "weight_kg"),
    ({**PATIENT, "sex": "robot"}, "sex"),
    ({**PATIENT, "colour": "blue"}, "colour"),
    ({**PATIENT, "notes": ["a list"]}, "notes"),
])
def test_a_bad_patient_names_the_field_and_saves_nothing(api, body, field):
    response = api.post("/patients", body)
    assert response.status_code == 422 and response.json["error"]["field"] == field
    assert api.get("/patients").json["total"] == 0


def test_a_bad_plan_names_the_field_inside_the_plan(api):
    pid = api.post("/patients", PATIENT).json["id"]
    bad = {**PLAN, "areas": [{"region": "knee-anterior/medial", "spacing_mm": 0}]}
    response = api.post(f"/patients/{pid}/plans", {"plan": bad})
    assert response.status_code == 422
    assert response.json["error"]["field"] == "plan.areas[0].spacing_mm"
    assert not response.json["error"]["message"].startswith("areas[0]")
    assert api.get(f"/patients/{pid}/plans").json["plans"] == []


def test_grid_computes_a_plan_file_as_the_command_line_does(api):
    from planner import engine
    from planner.core.plan_reader import from_dict

    response = api.post("/grid", PLAN)
    assert response.status_code == 200
    assert response.json["points"] == engine.run(from_dict(PLAN))[0].as_dict()["points"]


def test_an_assistants_token_reads_but_does_not_write(app):
    api = Api(app, make_token(app, "assistant", role="assistant"))
    assert api.get("/patients").status_code == 200
    response = api.post("/patients", PATIENT)
    assert response.status_code == 403 and response.json["error"]["status"] == 403


def test_garbage_gets_json_errors_never_a_page(app, api):
    assert api.client.post("/api/v1/patients", data="{", headers={
        **api.headers, "Content-Type": "application/json"}).status_code == 400
    assert api.get("/patients?page=0").status_code == 400
    assert api.get("/patients/999").json["error"]["status"] == 404
    assert api.client.delete("/api/v1/patients", headers=api.headers).status_code == 405
    huge = api.client.post("/api/v1/grid", data=b"{" + b" " * (3 * 1024 * 1024),
                           headers={**api.headers, "Content-Type": "application/json"})
    assert huge.status_code == 413 and huge.json["error"]["status"] == 413
    assert "2 MB" in huge.json["error"]["message"]  # the request limit, not the plan file's
    nul = api.post("/patients", {**PATIENT, "notes": "a\x00b"})
    assert nul.status_code == 400


def test_sessions_are_read_with_their_products(app, client, doctor):
    patient = created_id(add(doctor, family_name="Rossi", given_name="Maria", **HEALTHY))
    plan = saved_id(save(doctor, patient, knee_plan()))
    response = doctor(f"/plans/{plan}/record", form(**CLEAR))
    assert response.status_code == 303
    api = Api(app, stored_token(app))
    sessions = api.get(f"/patients/{patient}/sessions").json["sessions"]
    assert len(sessions) == 1 and sessions[0]["products"][0]["lot"] == "LIDO-1"
    one = api.get(f"/sessions/{sessions[0]['id']}")
    assert one.status_code == 200 and one.json["pain_before"] == 7
    # Times say their offset: a session's as the clinic typed it, with the server's offset.
    assert re.fullmatch(r"2026-10-05T10:00[+-]\d\d:\d\d", one.json["performed_at"])
    assert one.json["signed_by"] is None  # a draft: nobody signed, no roles kept
    assert one.json["signed_by_role"] is None and one.json["performed_by_role"] is None
    assert one.json["performed_by"] == "Dr Doctor"  # a draft's performer: the account's name


def test_a_signed_session_shows_the_names_and_roles_kept_at_the_signing(app, doctor):
    from planner.extensions import db
    from planner.models import User

    patient, record = signed_session(doctor)
    api = Api(app, stored_token(app))
    kept = {"signed_by": "Dr Doctor", "signed_by_role": "doctor", "performed_by": "Dr Doctor",
            "performed_by_role": "doctor"}
    signed = api.get(f"/sessions/{record}").json
    assert {k: signed[k] for k in kept} == kept and signed["status"] == "signed"
    with app.app_context():
        account = db.session.get(User, 1)
        account.full_name, account.role = "Dr Renamed", "admin"
        db.session.commit()
    later = api.get(f"/sessions/{record}").json
    assert {k: later[k] for k in kept} == kept
    listed = api.get(f"/patients/{patient}/sessions").json["sessions"][0]
    assert {k: listed[k] for k in kept} == kept
