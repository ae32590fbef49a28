"""One rule for saving a plan that a signed session used, whoever saves it: the editor, the
API or a direct call of the service. The plan stays as it was signed; the changes become a new
plan copied from it, and the cycle that followed it follows the new one."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tests.helpers.api import Api, stored_token
from tests.helpers.patients import add, created_id
from tests.helpers.plans import knee_plan, save, saved_id
from tests.helpers.records import CLEAR, HEALTHY, consented, signed


def plans_of(app, patient: int) -> list[tuple[int, int, int | None, str]]:
    from planner.extensions import db
    from planner.models import PlanRecord

    with app.app_context():
        return [(p.id, p.version, p.copied_from_id, p.plan_json) for p in db.session.scalars(
            select(PlanRecord).where(PlanRecord.patient_id == patient).order_by(PlanRecord.id))]


def cycle_plan(app) -> int:
    from planner.extensions import db
    from planner.models import Cycle

    with app.app_context():
        return db.session.scalars(select(Cycle)).one().plan_id


def by_web(app, doctor, patient: int, plan: int) -> int:
    response = save(doctor, patient, knee_plan(spacing_mm=20), plan_id=str(plan), version="1")
    assert response.status_code == 303
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def by_api(app, doctor, patient: int, plan: int) -> int:
    api = Api(app, stored_token(app))
    answer = api.put(f"/plans/{plan}", {"version": 1, "plan": knee_plan(spacing_mm=20)})
    assert answer.status_code == 201, answer.json
    assert answer.headers["Location"] == f"/api/v1/plans/{answer.json['id']}"
    return int(answer.json["id"])


def by_service(app, doctor, patient: int, plan: int) -> int:
    """The service called with no request at all: the rule is the service's, not a page's."""
    from planner.extensions import db
    from planner.models import Patient, PlanRecord, User
    from planner.services.plans import save_plan

    with app.app_context():
        saved = save_plan(db.session.get(Patient, patient), db.session.get(PlanRecord, plan),
                          knee_plan(spacing_mm=20), "Plan", db.session.get(User, 1), 1)
        assert saved.kept is not None and saved.kept.id == plan
        return int(saved.record.id)


@pytest.mark.parametrize("saver", [by_web, by_api, by_service], ids=["web", "api", "service"])
def test_a_plan_a_signed_session_used_stays_as_signed(app, doctor, saver):
    patient = created_id(add(doctor, family_name="Rossi", given_name="Maria", **HEALTHY))
    plan = saved_id(save(doctor, patient, knee_plan()))
    assert doctor(f"/plans/{plan}/cycle", {"template": "antalgic", "start": "2026-11-23",
                                           "confirm": "1"}).status_code == 303
    consented(doctor, patient, app=app)
    signed(doctor, **CLEAR)
    [(_, _, _, signed_json)] = plans_of(app, patient)

    new = saver(app, doctor, patient, plan)

    kept, made = plans_of(app, patient)
    assert kept == (plan, 1, None, signed_json)  # what the signed session used, untouched
    assert made[0] == new and made[2] == plan  # a new plan, copied from it
    assert json.loads(made[3])["areas"][0]["spacing_mm"] == 20
    assert cycle_plan(app) == new  # the cycle's next sessions follow the new plan


@pytest.mark.parametrize("saver", [by_web, by_api, by_service], ids=["web", "api", "service"])
def test_a_plan_no_signed_session_used_gets_a_new_version(app, doctor, saver):
    patient = created_id(add(doctor, family_name="Rossi", given_name="Maria", **HEALTHY))
    plan = saved_id(save(doctor, patient, knee_plan()))
    if saver is by_api:
        api = Api(app, stored_token(app))
        answer = api.put(f"/plans/{plan}", {"version": 1, "plan": knee_plan(spacing_mm=20)})
        assert answer.status_code == 200 and answer.json["id"] == plan
    elif saver is by_web:
        assert save(doctor, patient, knee_plan(spacing_mm=20), plan_id=str(plan),
                    version="1").status_code == 303
    else:
        from planner.extensions import db
        from planner.models import Patient, PlanRecord, User
        from planner.services.plans import save_plan

        with app.app_context():
            saved = save_plan(db.session.get(Patient, patient),
                              db.session.get(PlanRecord, plan), knee_plan(spacing_mm=20),
                              "Plan", db.session.get(User, 1), 1)
            assert saved.kept is None
    [(pid, version, copied, text)] = plans_of(app, patient)
    assert (pid, version, copied) == (plan, 2, None)
    assert json.loads(text)["areas"][0]["spacing_mm"] == 20
