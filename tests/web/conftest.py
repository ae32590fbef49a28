"""Fixtures of the web tests: an administrator, a patient's cycle of sessions."""

from __future__ import annotations

import pytest

from tests.helpers.patients import add, created_id
from tests.helpers.plans import knee_plan, save, saved_id
from tests.helpers.records import HEALTHY, consented
from tests.helpers.users import login, make_user


@pytest.fixture
def admin(app, client):
    """A client logged in as an administrator."""
    make_user(app, "admin", role="admin")
    login(client, "admin")
    return client


@pytest.fixture
def cycle(app, doctor) -> dict[str, int]:
    """A healthy patient, a knee plan with lidocaine, a weekly cycle of 4 sessions; the patient
    signed the consent to the treatment on their first visit."""
    patient = created_id(add(doctor, family_name="Rossi", given_name="Maria", **HEALTHY))
    plan = saved_id(save(doctor, patient, knee_plan()))
    response = doctor(f"/plans/{plan}/cycle", {"template": "antalgic", "start": "2026-11-23",
                                               "confirm": "1"})
    assert response.status_code == 303
    consented(doctor, patient, app=app)
    return {"patient": patient, "plan": plan}
