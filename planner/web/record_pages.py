"""A session record's page: the form while a draft (with the safety gate), the signed record
with its addenda after, and the answers when a change is refused or lost a race."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from planner.core import checklist, sessions
from planner.core.compute import Result
from planner.core.messages import PlanError
from planner.extensions import db
from planner.models import PlanRecord, ScheduledSession, SessionRecord, User
from planner.services.consents import latest as latest_consent
from planner.services.session_records import Reading, read, signed_before, treatment_of
from planner.vocabulary import SIGNING_ROLES
from planner.web.i18n import plan_message
from planner.web.record_drawing import given_drawing
from planner.web.record_findings import override_lines
from planner.web.record_form import adverse_names, form_values


def performers() -> list[User]:
    """Who can be named as having performed a session: the active users."""
    return list(db.session.scalars(select(User).where(User.active).order_by(User.full_name)))


def render_form(plan: PlanRecord, result: Result, values: dict[str, Any],
                problems: dict[str, str], *, record: SessionRecord | None = None,
                scheduled: ScheduledSession | None = None, status: int = 200,
                reading: Reading | None = None, carry: dict[str, Any] | None = None,
                reason: str = "") -> ResponseReturnValue:
    """The record form (new or draft) with the plan's summary and, for a draft, the gate and
    the patient's consent to the treatment."""
    treatment = treatment_of(record) if record is not None else plan.treatment
    return render_template(
        "records/form.html", plan=plan, result=result, values=values, problems=problems,
        record=record, scheduled=scheduled, reading=reading, performers=performers(),
        adverse=adverse_names(), questions=checklist.QUESTIONS,
        first=reading.first_session if reading else not signed_before(plan.patient_id,
                                                                      datetime.now()),
        can_sign=current_user.role in SIGNING_ROLES,
        min_reason=checklist.MIN_OVERRIDE_REASON,
        blocking_codes=checklist.BLOCKING_CODES, treatment=treatment,
        consent=latest_consent(plan.patient_id, treatment), carry=carry, reason=reason,
        drawing=given_drawing(result, plan.patient)), status


def plan_broken(patient_id: int, exc: Exception) -> ResponseReturnValue:
    """A saved plan that no longer computes (its body map changed, say): say so, go back."""
    detail = plan_message(exc) if isinstance(exc, PlanError) else str(_("damaged plan file"))
    flash(_("This plan cannot be computed any more: %(error)s", error=detail), "error")
    return redirect(url_for("patients.show", patient_id=patient_id), 303)


def show_record(record: SessionRecord, values: dict[str, Any] | None = None,
                problems: dict[str, str] | None = None, status: int = 200,
                reason: str = "") -> ResponseReturnValue:
    """A record's page (with whatever was flashed; a draft's form with ``values`` and
    ``problems`` as typed, and the override ``reason`` typed before a signing was refused),
    answered with ``status``."""
    try:
        reading: Reading | None = read(record)
    except (PlanError, ValueError) as exc:
        if record.status == "draft":
            return plan_broken(record.patient_id, exc)
        # A signed record is shown whatever happened to its plan: what was stored at signing.
        reading = None
    if record.status != "draft":
        return render_template(
            "records/show.html", record=record, reading=reading, adverse=adverse_names(),
            override_findings=override_lines(record.override_findings),
            questions=checklist.QUESTIONS, answers=json.loads(record.checklist_json),
            events=json.loads(record.adverse_json),
            adj=sessions.Adjustments.from_dict(json.loads(record.adjustments_json)),
            drawing=given_drawing(reading.result, record.patient) if reading else None), status
    assert reading is not None
    return render_form(record.plan, reading.result, values or form_values(record),
                       problems or {}, record=record, scheduled=record.scheduled,
                       status=status, reading=reading, reason=reason)


def refuse_signed(record: SessionRecord) -> ResponseReturnValue:
    """The answer to any change of a signed (or discarded) record: 409, the record as it is."""
    if record.signed:
        flash(_("This session record is signed and cannot be changed. Add an addendum to "
                "correct it."), "error")
    else:
        flash(_("This draft was discarded and cannot be changed."), "error")
    return show_record(record, status=409)


def raced(record: SessionRecord) -> ResponseReturnValue:
    """The answer when a change lost the race: the record as it now stands, 409."""
    db.session.refresh(record)
    if record.status != "draft":
        return refuse_signed(record)
    flash(_("This record was changed by someone else a moment ago: nothing was saved. Check "
            "it again."), "error")
    return show_record(record, status=409)


