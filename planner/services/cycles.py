"""Treatment cycles: schedule the sessions of a saved plan, move, add and cancel them."""

from __future__ import annotations

from datetime import date

from planner.extensions import db
from planner.models import Cycle, PlanRecord, ScheduledSession, User, audit, now
from planner.services.refusals import NoReason, NotPlanned, TooMany

MAX_SESSIONS = 52  # [our default]: a year of weekly sessions in one cycle
MAX_CANCEL_REASON = 500  # [our default]: a sentence or two; the reason stays in the sessions table


def schedule_cycle(plan: PlanRecord, template: str, dates: list[date], actor: User) -> Cycle:
    """A cycle of sessions of ``plan`` on ``dates`` (from the core's template, as confirmed by
    the clinician); committed."""
    cycle = Cycle(patient_id=plan.patient_id, plan_id=plan.id, template=template,
                  created_by_id=actor.id)
    cycle.sessions = [ScheduledSession(number=k, planned_on=d)
                      for k, d in enumerate(dates, start=1)]
    db.session.add(cycle)
    db.session.flush()
    audit(actor, "create", "cycle", cycle.id, f"plan {plan.id}, {len(dates)} sessions")
    db.session.commit()
    return cycle


def move_session(planned: ScheduledSession, day: date, actor: User) -> None:
    """Move a planned session to another day; committed."""
    if planned.status != "planned":
        raise NotPlanned(planned.status)
    old = planned.planned_on
    planned.planned_on = day
    audit(actor, "update", "session", planned.id, f"moved from {old} to {day}")
    db.session.commit()


def add_session(cycle: Cycle, day: date, actor: User) -> ScheduledSession:
    """Add a session to a cycle on ``day``, numbered after the last one; committed."""
    if len(cycle.sessions) >= MAX_SESSIONS:
        raise TooMany(len(cycle.sessions))
    number = max((s.number for s in cycle.sessions), default=0) + 1
    added = ScheduledSession(number=number, planned_on=day)
    cycle.sessions.append(added)
    db.session.flush()
    audit(actor, "create", "session", added.id, f"cycle {cycle.id}, session {number} on {day}")
    db.session.commit()
    return added


def cancel_session(planned: ScheduledSession, reason: str, actor: User) -> None:
    """Cancel a planned session that has no record, saying why: it stays in the cycle, marked,
    with the reason, who cancelled it and when. A refusal is audited too (and committed)."""
    if planned.status != "planned" or planned.record is not None:
        audit(actor, "refused", "session", planned.id, "cancel: not a planned session")
        db.session.commit()
        raise NotPlanned(planned.status)
    if not reason or len(reason) > MAX_CANCEL_REASON:
        audit(actor, "refused", "session", planned.id, "cancel: no reason given"
              if not reason else "cancel: reason too long")
        db.session.commit()
        raise NoReason()
    planned.status = "cancelled"
    planned.cancel_reason = reason
    planned.cancelled_by_id = actor.id
    planned.cancelled_by_name = actor.full_name
    planned.cancelled_at = now()
    # The reason may name the patient: the audit trail says only that one was given.
    audit(actor, "cancel", "session", planned.id, f"reason given ({len(reason)} characters)")
    db.session.commit()
