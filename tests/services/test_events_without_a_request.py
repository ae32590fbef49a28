"""The clinical events are called with no request at all (only the app's database): each one
does its change, its audit event and its commit, or refuses and writes nothing."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from tests.helpers.plans import knee_plan
from tests.helpers.records import SIGNATURE
from tests.helpers.users import PASSWORD, make_user


@pytest.fixture
def ctx(app):
    from planner.extensions import db
    from planner.models import User

    make_user(app)
    make_user(app, "assistant", role="assistant")
    with app.app_context():
        yield {"doctor": db.session.scalars(select(User).where(User.username == "doctor")).one(),
               "assistant": db.session.scalars(
                   select(User).where(User.username == "assistant")).one()}


def audit_count() -> int:
    from planner.extensions import db
    from planner.models import AuditEvent

    return int(db.session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def patient(ctx):
    from planner.services.patients import create_patient

    return create_patient({"family_name": "Rossi", "given_name": "Maria",
                           "birth_date": date(1970, 1, 1), "sex": "female", "language": "it",
                           "weight_kg": None, "record_number": ""}, ctx["doctor"])


def values(performer_id: int) -> dict:
    from planner.core import sessions

    return {"performed_at_dt": datetime(2026, 11, 23, 10, 0), "performer_id": str(performer_id),
            "adjustments": sessions.Adjustments(), "pain_scale": "nrs", "pain_before": "6",
            "pain_after": "3", "adverse": [], "adverse_details": "", "notes": "",
            "checklist": {}, "products": []}


def test_a_patient_gets_the_next_record_number(ctx):
    made = patient(ctx)
    assert made.record_number == "MP-000001"
    assert audit_count() == 1


def test_a_plan_saved_then_changed_meanwhile_is_refused(ctx):
    from planner.services.plans import save_plan
    from planner.services.refusals import Changed

    p = patient(ctx)
    first = save_plan(p, None, knee_plan(), "Knee", ctx["doctor"], None).record
    save_plan(p, first, knee_plan(spacing_mm=20), "Knee", ctx["doctor"], 1)
    before = audit_count()
    with pytest.raises(Changed) as refused:
        save_plan(p, first, knee_plan(spacing_mm=25), "Knee", ctx["doctor"], 1)
    assert refused.value.current is first and first.version == 2
    assert audit_count() == before


def test_a_broken_plan_is_refused_by_the_core(ctx):
    from planner.core.messages import PlanError
    from planner.services.plans import save_plan

    with pytest.raises(PlanError) as refused:
        save_plan(patient(ctx), None, knee_plan(spacing_mm=0), "Knee", ctx["doctor"], None)
    assert refused.value.field == "areas[0].spacing_mm"


def test_only_a_doctor_signs_and_the_gate_decides(ctx):
    from planner.core.signature import read_signature
    from planner.services import consents
    from planner.services import session_records as service
    from planner.services.plans import save_plan
    from planner.services.refusals import (
        GateMissing,
        NoConsent,
        NotAllowed,
        NotDraft,
        WrongPassword,
    )

    p = patient(ctx)
    plan = save_plan(p, None, knee_plan(), "Knee", ctx["doctor"], None).record
    result = service.computed_plan(plan.plan_json, None)
    record = service.record_session(plan, None, values(ctx["doctor"].id), result,
                                    ctx["assistant"])
    with pytest.raises(NotAllowed):
        service.sign(record, ctx["assistant"], "", record.version, lambda found: "[]",
                     PASSWORD)
    for password in ("", "not the password"):
        with pytest.raises(WrongPassword):
            service.sign(record, ctx["doctor"], "", record.version, lambda found: "[]",
                         password)
    with pytest.raises(NoConsent):
        service.sign(record, ctx["doctor"], "", record.version, lambda found: "[]", PASSWORD)
    consents.take(p, "antalgic", "en", 1, read_signature(SIGNATURE), "Maria Rossi",
                  (False, False), ctx["assistant"])
    with pytest.raises(GateMissing):  # nothing of the safety list was answered
        service.sign(record, ctx["doctor"], "", record.version, lambda found: "[]", PASSWORD)
    assert record.status == "draft"
    service.discard(record, ctx["doctor"])
    with pytest.raises(NotDraft):
        service.sign(record, ctx["doctor"], "", record.version, lambda found: "[]", PASSWORD)


def test_a_cancellation_needs_its_reason(ctx):
    from planner.services.cycles import cancel_session, schedule_cycle
    from planner.services.plans import save_plan
    from planner.services.refusals import NoReason, NotPlanned

    p = patient(ctx)
    plan = save_plan(p, None, knee_plan(), "Knee", ctx["doctor"], None).record
    cycle = schedule_cycle(plan, "antalgic", [date(2026, 12, 1), date(2026, 12, 8)],
                           ctx["doctor"])
    first = cycle.sessions[0]
    with pytest.raises(NoReason):
        cancel_session(first, "", ctx["doctor"])
    assert first.status == "planned"
    cancel_session(first, "the patient has a fever", ctx["doctor"])
    assert (first.status, first.cancelled_by_name) == ("cancelled", "Dr Doctor")
    with pytest.raises(NotPlanned):
        cancel_session(first, "again", ctx["doctor"])


def test_a_file_that_is_not_json_is_refused_naming_the_plan(ctx):
    from planner.core.messages import PlanError
    from planner.services.plan_files import import_plan_file

    p = patient(ctx)
    before = audit_count()
    with pytest.raises(PlanError) as refused:
        import_plan_file(b"\xff\xfe not json", "photo.jpg", p, ctx["doctor"])
    assert refused.value.field == "plan"
    assert audit_count() == before  # an import refused is not an import


def test_an_imported_plan_loses_the_files_weight(ctx):
    import json

    from planner.services.plan_files import import_plan_file

    doc = import_plan_file(json.dumps({**knee_plan(), "patient": {"weight_kg": 70}}).encode(),
                           "knee.json", patient(ctx), ctx["doctor"])
    assert "patient" not in doc and doc["areas"][0]["spacing_mm"] == 15


def test_an_account_is_made_the_same_from_every_door(app):
    """The setup page, the accounts page and `mesoplanner create-user` call one service: the
    password hashed, the event audited as the door says."""
    from planner.extensions import db
    from planner.models import AuditEvent
    from planner.services.accounts import create_account

    with app.app_context():
        first = create_account("rossi", "Dr Rossi", "admin", "it", "a long passphrase here",
                               by=None, detail="first account (setup)", self_made=True)
        second = create_account("bianchi", "Dr Bianchi", "doctor", "es", "another passphrase",
                                by=first, detail="role doctor", must_change_password=True)
        third = create_account("neri", "Neri", "assistant", "en", "third passphrase ok",
                               by=None, detail="command line")
        assert second.check_password("another passphrase") and second.must_change_password
        assert "another passphrase" not in second.password_hash
        trail = [(e.user_id, e.entity_id, e.detail) for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "create").order_by(AuditEvent.id))]
        assert trail == [(first.id, first.id, "first account (setup)"),
                         (first.id, second.id, "role doctor"), (None, third.id, "command line")]


def test_a_signature_without_the_version_read_is_refused(ctx):
    """A forged form with no version signs nothing: the version read is part of the signing."""
    from planner.services import session_records as service
    from planner.services.plans import save_plan
    from planner.services.refusals import Changed

    p = patient(ctx)
    plan = save_plan(p, None, knee_plan(), "Knee", ctx["doctor"], None).record
    result = service.computed_plan(plan.plan_json, None)
    record = service.record_session(plan, None, values(ctx["doctor"].id), result, ctx["doctor"])
    for version in (None, record.version + 1):
        with pytest.raises(Changed):
            service.sign(record, ctx["doctor"], "", version, lambda found: "[]", PASSWORD)
    assert record.status == "draft"
