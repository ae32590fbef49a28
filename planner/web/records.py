"""Session records: record a session, save a draft again, sign, discard, add an addendum.

A record is a draft until a doctor signs it. Signed means final: every route that changes a
record refuses a signed one (409); a correction is an addendum shown with the original. The
events themselves are the service's (services/session_records.py); this module reads the
request, calls it, and words its refusals.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from planner.core import checklist
from planner.core.messages import PlanError
from planner.extensions import db
from planner.models import PlanRecord, ScheduledSession, SessionRecord, audit
from planner.services import session_records as service
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
from planner.web.accounts_rules import MAX_PASSWORD
from planner.web.login_waits import failed, wait_seconds
from planner.web.lookups import get_plan
from planner.web.record_findings import stored_findings
from planner.web.record_form import (
    MAX_TEXT,
    carried_values,
    new_values,
    parse,
    scale_names,
    signed_as,
)
from planner.web.record_pages import plan_broken, raced, refuse_signed, render_form, show_record

bp = Blueprint("records", __name__)
bp.add_app_template_global(signed_as)


def _start(plan: PlanRecord, scheduled: ScheduledSession | None) -> ResponseReturnValue:
    """Show or save a new record of a session of ``plan``. A session of a cycle starts from the
    previous session's signed record: its plan version (unless the form asks for the plan's
    current one), its safety answers and its lots, marked until confirmed."""
    weight = service.patient_weight(plan.patient)
    previous = service.previous_in_cycle(scheduled)
    use_current = request.values.get("plan_source") == "current"
    source = previous if previous is not None and not use_current else None
    version = (source.plan_version, source.plan_json) if source is not None else None
    try:
        result = service.computed_plan(version[1] if version else plan.plan_json, weight)
    except (PlanError, ValueError) as exc:
        if version is None:
            return plan_broken(plan.patient_id, exc)
        # The previous session's version no longer computes (its body map changed): the
        # plan's current version, as if asked for.
        version, use_current = None, True
        try:
            result = service.computed_plan(plan.plan_json, weight)
        except (PlanError, ValueError) as again:
            return plan_broken(plan.patient_id, again)
    scale = service.cycle_scale(scheduled)
    carry = {"previous": previous, "version": version[0] if version else plan.version,
             "current": use_current}
    if request.method == "GET":
        values = new_values(plan, result)
        if previous is not None:
            values.update(carried_values(previous, first=False))
        values["pain_scale"] = scale or "nrs"
        return render_form(plan, result, values, {}, scheduled=scheduled, carry=carry)
    values, problems = parse(request.form, result, weight, scale)
    if problems:
        return render_form(plan, result, values, problems, scheduled=scheduled, status=422,
                           carry=carry)
    try:
        record = service.record_session(plan, scheduled, values, result, current_user,
                                        version)
    except Clash:
        # Someone recorded the same planned session a moment ago: keep what was typed.
        flash(_("This session was recorded by someone else a moment ago: nothing was saved. "
                "Your entries are shown; open the session from the patient's page."), "error")
        return render_form(plan, result, values, {}, scheduled=None, status=409)
    flash(_("Session recorded as a draft. Check the safety list, then sign it."), "success")
    return redirect(url_for("records.show", record_id=record.id), 303)


@bp.route("/sessions/<int:session_id>/record", methods=["GET", "POST"])
def record_scheduled(session_id: int) -> ResponseReturnValue:
    """Record a planned session of a cycle (its record, if it has one already)."""
    scheduled = db.get_or_404(ScheduledSession, session_id)
    if scheduled.record is not None:
        return redirect(url_for("records.show", record_id=scheduled.record.id), 303)
    if scheduled.status != "planned":
        flash(_("Only a planned session can be recorded."), "error")
        return redirect(url_for("patients.show", patient_id=scheduled.cycle.patient_id), 303)
    return _start(scheduled.cycle.plan, scheduled)


@bp.route("/plans/<int:plan_id>/record", methods=["GET", "POST"])
def record_plan(plan_id: int) -> ResponseReturnValue:
    """Record a session of a saved plan outside any cycle."""
    return _start(get_plan(plan_id), None)


@bp.get("/records/<int:record_id>")
def show(record_id: int) -> ResponseReturnValue:
    """A session record: the form while a draft, the signed record with its addenda after."""
    return show_record(db.get_or_404(SessionRecord, record_id))


@bp.post("/records/<int:record_id>")
def update(record_id: int) -> ResponseReturnValue:
    """Save a draft record again (a signed one is refused)."""
    record = db.get_or_404(SessionRecord, record_id)
    if record.status != "draft":
        return refuse_signed(record)
    weight = service.weight_of(record)
    try:
        result = service.computed_plan(record.plan_json, weight)
    except (PlanError, ValueError) as exc:
        return plan_broken(record.patient_id, exc)
    values, problems = parse(request.form, result, weight,
                             service.cycle_scale(record.scheduled))
    version = request.form.get("version", type=int)
    if version != record.version:
        flash(_("This record was changed by someone else while you were editing. Your values "
                "are shown: save again to keep them."), "error")
        return show_record(record, values, problems, status=409)
    if problems:
        return show_record(record, values, problems, status=422)
    try:
        service.update_draft(record, values, result, current_user, version)
    except Changed:
        return raced(record)
    flash(_("Session record saved."), "success")
    return redirect(url_for("records.show", record_id=record.id), 303)


@bp.post("/records/<int:record_id>/sign")
def sign(record_id: int) -> ResponseReturnValue:
    """Sign a draft: the gate must pass, or the doctor overrides its findings with a reason."""
    record = db.get_or_404(SessionRecord, record_id)
    reason = request.form.get("override_reason", "").strip()[:MAX_TEXT]
    address = (request.remote_addr or "")[:64]
    wait = wait_seconds(current_user.username, address)
    if wait > 0 and record.status == "draft":
        # The login's waits: a password is not guessed at an unattended tablet's signature.
        flash(ngettext("Too many wrong passwords: wait %(num)d second, then sign again.",
                       "Too many wrong passwords: wait %(num)d seconds, then sign again.",
                       wait), "error")
        return show_record(record, status=429, reason=reason)
    try:
        service.sign(record, current_user, reason, request.form.get("version", type=int),
                     stored_findings, request.form.get("password", "")[:MAX_PASSWORD + 1])
    except NotDraft:
        return refuse_signed(record)
    except NotAllowed:
        flash(_("Only a doctor can sign a session record."), "error")
        return show_record(record, status=403)
    except WrongPassword:
        failed(current_user.username, address)
        audit(current_user, "refused", "session_record", record.id, "signing: wrong password")
        db.session.commit()
        flash(_("Not signed: your password was not right. Enter your password to sign."),
              "error")
        return show_record(record, status=422, reason=reason)
    except Changed as exc:
        if exc.current is None:
            return raced(record)
        flash(_("This record was changed by someone else: check it again before signing."),
              "error")
        return show_record(record, status=409)
    except NoConsent:
        flash(_("Not signed: the patient has not signed the consent to this treatment. Have "
                "the patient sign it first."), "error")
        return show_record(record, status=422, reason=reason)
    except OtherScale as exc:
        flash(_("Not signed: this cycle's pain is scored on %(scale)s; change the draft's scale "
                "first.", scale=scale_names()[exc.scale]), "error")
        return show_record(record, status=422, reason=reason)
    except (PlanError, ValueError) as exc:
        return plan_broken(record.patient_id, exc)
    except GateMissing:
        flash(_("Not signed: complete what the safety list asks first."), "error")
        return show_record(record, status=422, reason=reason)
    except GateNeedsReason:
        flash(_("Not signed: the safety list found something. To go ahead, write your reason "
                "for the override (at least %(n)d characters).",
                n=checklist.MIN_OVERRIDE_REASON), "error")
        return show_record(record, status=422, reason=reason)
    flash(_("Session record signed."), "success")
    return redirect(url_for("records.show", record_id=record.id), 303)


@bp.post("/records/<int:record_id>/discard")
def discard(record_id: int) -> ResponseReturnValue:
    """Set a draft aside (services/session_records.discard). A signed record stays."""
    record = db.get_or_404(SessionRecord, record_id)
    try:
        service.discard(record, current_user)
    except NotDraft:
        return refuse_signed(record)
    except Changed:
        return raced(record)
    flash(_("Draft discarded."), "success")
    return redirect(url_for("patients.show", patient_id=record.patient_id), 303)


@bp.post("/records/<int:record_id>/addenda")
def add_addendum(record_id: int) -> ResponseReturnValue:
    """Add a correction to a signed record; the original stays as it was signed."""
    record = db.get_or_404(SessionRecord, record_id)
    text = request.form.get("text", "").strip()
    if record.signed and (not text or len(text) > MAX_TEXT):
        flash(_("The addendum was not saved: write from 1 to %(n)d characters.", n=MAX_TEXT),
              "error")
        return show_record(record, status=422)
    try:
        service.amend(record, text, current_user)
    except NotDraft:
        return refuse_signed(record)
    except NotSigned:
        flash(_("A draft is corrected by editing it; addenda are for signed records."), "error")
        return show_record(record, status=409)
    flash(_("Addendum added."), "success")
    return redirect(url_for("records.show", record_id=record.id), 303)
