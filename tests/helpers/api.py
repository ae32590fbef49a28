"""The JSON API as a script uses it: tokens, requests, a seeded patient and plan."""

from __future__ import annotations

import re
from datetime import date

from tests.helpers.patients import add, created_id
from tests.helpers.plans import knee_plan, save, saved_id
from tests.helpers.records import CLEAR, HEALTHY, consented, form, record_id
from tests.helpers.users import PASSWORD, csrf_token, login, make_user

PLAN = {"format": "mesoplanner.plan/1", "bodymap": "knee-anterior", "side": "right",
        "areas": [{"region": "knee-anterior/medial", "spacing_mm": 15}]}


PATIENT = {"family_name": "Api", "given_name": "Anna", "birth_date": "1970-01-01",
           "sex": "female", "weight_kg": 70}


def make_token(app, username: str = "doctor", role: str = "doctor") -> str:
    """A user and a token made on their tokens page."""
    make_user(app, username, role=role)
    client = app.test_client()
    login(client, username)
    response = client.post("/account/tokens", data={
        "name": "script", "csrf_token": csrf_token(client, "/account/tokens")})
    assert response.status_code == 201
    return re.search(r'<code class="token">([^<]+)<', response.get_data(as_text=True)).group(1)


def seeded_api(app, token: str | None = None) -> str:
    """A doctor's token (a new one unless given), with a patient and a plan to read."""
    token = token or make_token(app)
    api = Api(app, token)
    patient = api.post("/patients", PATIENT).json["id"]
    api.post(f"/patients/{patient}/plans", {"title": "Knee", "plan": PLAN})
    return token


def stored_token(app, user_id: int = 1, token: str = "mp_test") -> str:
    """A token for an existing user (one made on the web pages), written straight in."""
    from planner.extensions import db
    from planner.models import ApiToken
    from planner.web.token_digest import digest

    with app.app_context():
        db.session.add(ApiToken(user_id=user_id, name="t", token_hash=digest(token),
                                prefix=token[:10]))
        db.session.commit()
    return token


def signed_session(doctor) -> tuple[int, int]:
    """A healthy patient, a knee plan and a signed session record of it, made on the web pages
    by the logged-in ``doctor``: the patient's and the record's ids."""

    patient = created_id(add(doctor, family_name="Rossi", given_name="Maria", **HEALTHY))
    plan = saved_id(save(doctor, patient, knee_plan()))
    # Done today, after the patient signed the consent (one signed later blocks the signing).
    today = f"{date.today().isoformat()}T00:00"
    record = record_id(doctor(f"/plans/{plan}/record", form(**CLEAR, performed_at=today)))
    consented(doctor, patient)
    assert doctor(f"/records/{record}/sign", {
        "password": PASSWORD, "version": "1"}).status_code == 303
    return patient, record


class Api:
    def __init__(self, app, token: str) -> None:
        self.client, self.headers = app.test_client(), {"Authorization": f"Bearer {token}"}

    def get(self, path: str):
        return self.client.get(f"/api/v1{path}", headers=self.headers)

    def post(self, path: str, body):
        return self.client.post(f"/api/v1{path}", json=body, headers=self.headers)

    def put(self, path: str, body):
        return self.client.put(f"/api/v1{path}", json=body, headers=self.headers)
