"""Session records: what a session gave, read through the core, and the events of a record's
life: recorded as a draft, saved again, signed (the safety gate passed, or overridden with the
doctor's reason), discarded, corrected by an addendum.

Signed means final: every event that changes a record refuses a signed one (NotDraft). Each
change is guarded by the version read (models.SessionRecord), so two changes racing cannot both
be written (Changed).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from planner import engine
from planner.core import checklist, clinical, sessions
from planner.core.compute import Result
from planner.core.plan_reader import from_dict
from planner.extensions import db
from planner.formatting import clinic_time
from planner.models import (
    Addendum,
    Consent,
    Patient,
    PlanRecord,
    ScheduledSession,
    SessionProduct,
    SessionRecord,
    User,
    audit,
    now,
)
from planner.services.consents import latest as latest_consent
from planner.services.refusals import (
    Changed,
    Clash,
    GateMissing,
    GateNeedsReason,
    NoConsent,
    NotAllowed,
    NotDraft,
    NotSigned,
    OtherScale,
    WrongPassword,
)
from planner.vocabulary import SIGNING_ROLES


@dataclass(frozen=True)
class Reading:
    """A record read through the core: its plan computed, what was given, the safety gate."""

    result: Result
    performed: sessions.Performed
    gate: checklist.Gate
    first_session: bool


def weight_of(record: SessionRecord) -> float | None:
    """The weight the doses are checked against: the one signed with, else the record's now."""
    weight = record.signed_weight_kg if record.signed else record.patient.weight_kg
    return None if weight is None else float(weight)


def patient_weight(patient: Patient) -> float | None:
    """The patient's weight as the engine takes it (None: not recorded)."""
    return None if patient.weight_kg is None else float(patient.weight_kg)


def computed_plan(plan_json: str, weight_kg: float | None) -> Result:
    """The plan as copied into a record, computed (PlanError if it no longer computes)."""
    doc = {k: v for k, v in json.loads(plan_json).items() if k != "patient"}
    if weight_kg is not None:
        doc["patient"] = {"weight_kg": weight_kg}
    return engine.run(from_dict(doc))[0]


def given(record: SessionRecord) -> tuple[Result, sessions.Performed]:
    """A record's plan computed, and what the session gave (no safety gate: no queries)."""
    weight = weight_of(record)
    result = computed_plan(record.plan_json, weight)
    return result, sessions.performed(result, sessions.Adjustments.from_dict(
        json.loads(record.adjustments_json)), weight)


def read(record: SessionRecord) -> Reading:
    """Compute a record: the plan, what was given, and the safety gate before signing."""
    result, done = given(record)
    first = first_session(record)
    patient = record.patient
    gate = checklist.gate(
        checklist.Answers(json.loads(record.checklist_json)), first_session=first,
        record=checklist.Record(patient.pregnant, patient.breastfeeding,
                                patient.bleeding_disorder, patient.anticoagulants,
                                patient.allergies),
        session_day=record.performed_at.date(), components=done.components,
        dose_warnings=done.warnings, pain_scored=record.pain_before is not None,
        products=[checklist.Product(p.product, p.lot, p.expiry) for p in record.products],
        same_site_days=same_site_days(record), carried=json.loads(record.carried_json),
        consent_day=consent_day(record))
    return Reading(result, done, gate, first)


def consent_of(record: SessionRecord) -> Consent | None:
    """The consent a record is signed on: the one it was signed on, or for a draft the
    patient's newest consent to the record's treatment."""
    if record.signed:
        return record.consent
    return latest_consent(record.patient_id, treatment_of(record))


def consent_day(record: SessionRecord) -> date | None:
    """The clinic's day the record's consent was signed (None: no consent)."""
    consent = consent_of(record)
    return None if consent is None else clinic_time(consent.signed_at).date()


def first_session(record: SessionRecord) -> bool:
    """Whether no signed session of this patient came before this one (the skin test rule)."""
    return not signed_before(record.patient_id, record.performed_at, record.id)


def signed_before(patient_id: int, when: datetime, record_id: int | None = None) -> bool:
    """Whether the patient has a signed session before ``when`` (other than ``record_id``)."""
    earlier = db.session.scalar(
        select(SessionRecord.id).where(SessionRecord.patient_id == patient_id,
                                       SessionRecord.status == "signed",
                                       SessionRecord.id != (record_id or 0),
                                       SessionRecord.performed_at < when)
        .limit(1))
    return earlier is not None


def same_site_days(record: SessionRecord) -> list[date]:
    """Days of the patient's signed sessions on the same view and side, outside this cycle."""
    if record.plan.bodymap is None:
        return []
    cycle_id = record.scheduled.cycle_id if record.scheduled is not None else None
    since = record.performed_at - timedelta(days=checklist.SAME_SITE_DAYS)
    rows = db.session.scalars(
        select(SessionRecord).join(PlanRecord, SessionRecord.plan_id == PlanRecord.id)
        .where(SessionRecord.patient_id == record.patient_id, SessionRecord.id != record.id,
               SessionRecord.status == "signed", SessionRecord.performed_at >= since,
               SessionRecord.performed_at <= record.performed_at,
               PlanRecord.bodymap == record.plan.bodymap, PlanRecord.side == record.plan.side))
    return [r.performed_at.date() for r in rows
            if cycle_id is None or r.scheduled is None or r.scheduled.cycle_id != cycle_id]


def cycle_scale(scheduled: ScheduledSession | None) -> str | None:
    """The pain scale of the cycle's signed sessions (None: no cycle, or nothing signed yet)."""
    if scheduled is None:
        return None
    return next((s.record.pain_scale for s in scheduled.cycle.sessions
                 if s.record is not None and s.record.signed), None)


def patient_records(patient: Patient) -> list[SessionRecord]:
    """A patient's session records (not the discarded drafts), newest first."""
    return list(db.session.scalars(
        select(SessionRecord).where(SessionRecord.patient_id == patient.id,
                                    SessionRecord.status != "discarded")
        .order_by(SessionRecord.performed_at.desc())))


def _store(record: SessionRecord, values: dict[str, Any], result: Result,
           weight_kg: float | None, first: bool) -> None:
    """Copy a checked form onto a draft record (products replaced as a whole). Only the
    questions asked are kept (``first``: the patient's first session, with the skin test).

    ``values`` are a record form's, checked (web/record_form.parse): ``performed_at_dt``, the
    performer's id, ``adjustments``, the pain scale and scores, the adverse events, notes,
    checklist answers and product rows, and the fields carried over from the cycle's previous
    session that nobody has confirmed (``carried_keys``: see checklist.gate)."""
    adjustments = values["adjustments"]
    done = sessions.performed(result, adjustments, weight_kg)
    record.performed_at = values["performed_at_dt"]
    record.performer_id = int(values["performer_id"])
    record.adjustments_json = json.dumps(adjustments.as_dict())
    record.points_done = done.points_done
    record.total_ml = str(done.total_ml)
    record.pain_scale = values["pain_scale"]
    record.pain_before = int(values["pain_before"]) if values["pain_before"] else None
    record.pain_after = int(values["pain_after"]) if values["pain_after"] else None
    record.adverse_json = json.dumps(values["adverse"])
    record.adverse_details = values["adverse_details"]
    record.notes = values["notes"]
    asked = {q.code for q in checklist.questions(first)}
    record.checklist_json = json.dumps({k: v for k, v in values["checklist"].items()
                                        if v in ("yes", "no") and k in asked})
    record.carried_json = json.dumps(values.get("carried_keys", []))
    record.products = [
        SessionProduct(product=row["product"], lot=row["lot"],
                       expiry=date.fromisoformat(row["expiry"]) if row["expiry"] else None)
        for row in values["products"] if row["product"]]
    record.updated_at = now()


def previous_in_cycle(scheduled: ScheduledSession | None) -> SessionRecord | None:
    """The signed record of the cycle's latest session before ``scheduled`` (None: no cycle,
    or nothing signed before it): what a new record of the cycle starts from."""
    if scheduled is None:
        return None
    earlier = [s.record for s in scheduled.cycle.sessions
               if s.number < scheduled.number and s.record is not None and s.record.signed]
    return max(earlier, key=lambda r: (r.scheduled.number if r.scheduled else 0),
               default=None)


def record_session(plan: PlanRecord, scheduled: ScheduledSession | None,
                   values: dict[str, Any], result: Result, actor: User,
                   version: tuple[int, str] | None = None) -> SessionRecord:
    """A new draft record of a session of ``plan`` (of a cycle's planned session, if any),
    from a checked form; committed. ``version``: the plan's version and file as copied, when
    not the plan's current one (the cycle's previous session's). Clash: that planned session
    was recorded a moment ago."""
    weight = patient_weight(plan.patient)
    plan_version, plan_json = version or (plan.version, plan.plan_json)
    record = SessionRecord(patient_id=plan.patient_id, plan_id=plan.id,
                           plan_version=plan_version, plan_json=plan_json,
                           scheduled_id=scheduled.id if scheduled else None,
                           created_by_id=actor.id)
    _store(record, values, result, weight,
           first=not signed_before(plan.patient_id, values["performed_at_dt"]))
    db.session.add(record)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Clash() from None
    audit(actor, "create", "session_record", record.id,
          f"plan {plan.id} v{plan_version}" + (f", session {scheduled.id}" if scheduled else ""))
    db.session.commit()
    return record


def _committed() -> None:
    """Commit a change of a record, guarded by the version read (Changed: another change of
    it was committed since, and nothing of this one is written)."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise Changed(None) from None
    finally:
        db.session.autoflush = True


def _draft(record: SessionRecord) -> None:
    """NotDraft: a signed or discarded record is never changed."""
    if record.status != "draft":
        raise NotDraft(record.status)


def _read_at(record: SessionRecord, version: int | None) -> None:
    """Changed: the record moved on since ``version`` was read (a form without it, too)."""
    if version != record.version:
        raise Changed(record)


def update_draft(record: SessionRecord, values: dict[str, Any], result: Result,
                 actor: User, version: int | None) -> None:
    """Save a draft again from a checked form read at ``version``; committed."""
    _draft(record)
    _read_at(record, version)
    first = not signed_before(record.patient_id, values["performed_at_dt"], record.id)
    with db.session.no_autoflush:  # the guarded UPDATE is written at commit, nowhere before
        _store(record, values, result, weight_of(record), first)
    record.version += 1
    audit(actor, "update", "session_record", record.id)
    _committed()


def treatment_of(record: SessionRecord) -> str:
    """The treatment of the plan a record copied."""
    treatment = json.loads(record.plan_json).get("treatment", clinical.DEFAULT_TREATMENT)
    # As the plan reader takes it: a plan file saved without one is antalgic; a record's plan
    # always computed (it was read to be saved), so anything else is the reader's default too.
    return treatment if isinstance(treatment, str) and treatment in clinical.TREATMENTS \
        else clinical.DEFAULT_TREATMENT


def sign(record: SessionRecord, signer: User, reason: str, version: int | None,
         kept_findings: Callable[[Sequence[checklist.Finding]], str],
         password: str) -> Reading:
    """Sign a draft read at ``version``: the doctor confirms with their ``password``, the
    patient has signed a consent to the treatment, and the safety gate passes, or the doctor
    overrides its findings with ``reason``. ``kept_findings`` words the findings overridden as
    they are kept with the record (in every language: web/record_findings.py). Committed; the
    reading signed.

    Refused (nothing written): NotDraft, NotAllowed (only a doctor signs: vocabulary.SIGNING_ROLES),
    WrongPassword, Changed, NoConsent, OtherScale (the cycle's pain scale), GateMissing,
    GateNeedsReason; PlanError or ValueError when the record's plan no longer computes.
    """
    _draft(record)
    if signer.role not in SIGNING_ROLES:
        raise NotAllowed(signer.role)
    if not password or not signer.check_password(password):
        raise WrongPassword()
    _read_at(record, version)
    consent = consent_of(record)
    if consent is None:
        raise NoConsent()
    scale = cycle_scale(record.scheduled)
    if scale is not None and record.pain_scale != scale:
        raise OtherScale(scale)
    reading = read(record)
    if reading.gate.missing:
        raise GateMissing()
    if not reading.gate.allows(reason):
        raise GateNeedsReason()
    performer = record.performer
    db.session.autoflush = False  # the guarded UPDATE is written at commit, nowhere before
    record.status = "signed"
    record.signed_by_id = signer.id
    record.signed_at = now()
    # Who signed and who performed, as they are now: a later rename, role change or disabled
    # account does not change what the signed record says (models.SessionRecord).
    record.signer_name, record.signer_role = signer.full_name, signer.role
    record.performer_name, record.performer_role = performer.full_name, performer.role
    record.signed_weight_kg = record.patient.weight_kg
    record.consent_id = consent.id
    record.override_findings = kept_findings(reading.gate.blocks)
    record.override_reason = reason if reading.gate.blocks else ""
    record.points_done = reading.performed.points_done
    record.total_ml = str(reading.performed.total_ml)
    record.version += 1
    if record.scheduled is not None:
        record.scheduled.status = "done"
    audit(signer, "sign", "session_record", record.id)
    if reading.gate.blocks:
        audit(signer, "override", "session_record", record.id,
              ", ".join(f.code for f in reading.gate.blocks))
    _committed()
    return reading


def discard(record: SessionRecord, actor: User) -> None:
    """Set a draft aside: kept (so the audit trail's ids stay true), out of the cycle, the
    summaries and the recall; its session can be recorded again. A signed record stays."""
    _draft(record)
    record.status = "discarded"
    record.scheduled_id = None
    record.version += 1
    audit(actor, "discard", "session_record", record.id)
    _committed()


def amend(record: SessionRecord, text: str, actor: User) -> Addendum:
    """Add a correction to a signed record; the original stays as it was signed. Committed.
    NotDraft: the record was discarded; NotSigned: a draft is corrected by editing it."""
    if record.status == "discarded":
        raise NotDraft(record.status)
    if not record.signed:
        raise NotSigned()
    addendum = Addendum(record_id=record.id, text=text, created_by_id=actor.id,
                        author_name=actor.full_name, author_role=actor.role)
    db.session.add(addendum)
    db.session.flush()
    audit(actor, "create", "addendum", addendum.id, f"session record {record.id}")
    db.session.commit()
    return addendum
