"""Treatment cycles: schedule the sessions of a saved plan, and see what is coming up."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from planner import wording
from planner.extensions import db
from planner.models import Cycle, Patient, ScheduledSession, User
from planner.services import cycles as service
from planner.services.refusals import NoReason, NotPlanned, TooMany
from planner.web import cycle_form
from planner.web.lookups import get_plan

bp = Blueprint("cycles", __name__)

UPCOMING_DAYS = 7  # "today, this week" (issue #6)
DEFAULT_TEMPLATE = {"antalgic": "antalgic", "cellulite": "antalgic", "face": "face",
                    "microneedling": "microneedling"}


@bp.route("/plans/<int:plan_id>/cycle", methods=["GET", "POST"])
def new(plan_id: int) -> ResponseReturnValue:
    """Schedule a cycle of sessions from a saved plan (the template's dates, editable)."""
    record = get_plan(plan_id)
    values: dict[str, Any] = {"template": DEFAULT_TEMPLATE.get(record.treatment, "antalgic"),
                              "start": date.today().isoformat(), "sessions": "",
                              "interval_days": ""}
    problems: dict[str, str] = {}
    dates: list[date] = []
    if request.method == "POST":
        values, problems, dates = cycle_form.read(request.form)
        if not problems and request.form.get("confirm") == "1":
            service.schedule_cycle(record, values["template"], dates, current_user)
            flash(_("Cycle scheduled: %(n)d sessions.", n=len(dates)), "success")
            return redirect(url_for("patients.show", patient_id=record.patient_id), 303)
    return render_template("cycles/new.html", record=record, values=values, problems=problems,
                           dates=dates, names=wording.cycle_names(_)), 422 if problems else 200


@bp.get("/sessions")
def upcoming() -> ResponseReturnValue:
    """The clinic's planned sessions: today and the coming week (not of archived patients)."""
    today = date.today()
    rows = db.session.execute(
        select(ScheduledSession, Cycle).join(Cycle).join(Patient, Cycle.patient_id == Patient.id)
        .where(ScheduledSession.status == "planned", ~Patient.archived,
               ScheduledSession.planned_on >= today,
               ScheduledSession.planned_on <= today + timedelta(days=UPCOMING_DAYS))
        .order_by(ScheduledSession.planned_on, ScheduledSession.id)).all()
    return render_template("cycles/upcoming.html", rows=rows, today=today)


@bp.post("/sessions/<int:session_id>/date")
def move(session_id: int) -> ResponseReturnValue:
    """Move a planned session to another day."""
    planned = db.get_or_404(ScheduledSession, session_id)
    try:
        day = date.fromisoformat(request.form.get("planned_on", ""))
    except ValueError:
        flash(_("The session was not moved: enter a date (year-month-day)."), "error")
        return redirect(url_for("patients.show", patient_id=planned.cycle.patient_id), 303)
    try:
        service.move_session(planned, day, current_user)
    except NotPlanned:
        flash(_("Only a planned session can be moved."), "error")
    else:
        flash(_("Session moved."), "success")
    return redirect(url_for("patients.show", patient_id=planned.cycle.patient_id), 303)


@bp.post("/cycles/<int:cycle_id>/sessions")
def add_session(cycle_id: int) -> ResponseReturnValue:
    """Add a session to a cycle, on a chosen day (numbered after the last one)."""
    cycle = db.get_or_404(Cycle, cycle_id)
    try:
        day = date.fromisoformat(request.form.get("planned_on", ""))
    except ValueError:
        flash(_("No session was added: enter a date (year-month-day)."), "error")
        return redirect(url_for("patients.show", patient_id=cycle.patient_id), 303)
    try:
        service.add_session(cycle, day, current_user)
    except TooMany:
        flash(_("No session was added: a cycle has at most %(n)d sessions.",
                n=service.MAX_SESSIONS), "error")
        return redirect(url_for("patients.show", patient_id=cycle.patient_id), 303)
    flash(_("Session added."), "success")
    return redirect(url_for("patients.show", patient_id=cycle.patient_id), 303)


@bp.post("/sessions/<int:session_id>/cancel")
def cancel(session_id: int) -> ResponseReturnValue:
    """Cancel a planned session that has no record, saying why (it stays in the cycle, marked,
    with the reason, who cancelled it and when). A clinician's decision (roles.py)."""
    planned = db.get_or_404(ScheduledSession, session_id)
    back = redirect(url_for("patients.show", patient_id=planned.cycle.patient_id), 303)
    reason = request.form.get("reason", "").strip().replace("\r\n", "\n")
    try:
        service.cancel_session(planned, reason, current_user)
    except NotPlanned:
        flash(_("Only a planned session with no record can be cancelled."), "error")
        return back
    except NoReason:
        flash(_("The session was not cancelled: write the reason for cancelling (from 1 to "
                "%(n)d characters).", n=service.MAX_CANCEL_REASON), "error")
        return back
    flash(_("Session cancelled."), "success")
    return back


@bp.app_template_global()
def user_name(user_id: int | None) -> str:
    """An account's name as it is now ("" for none): who cancelled a session before the name
    was kept with it."""
    user = db.session.get(User, user_id) if user_id is not None else None
    return user.full_name if user is not None else ""
