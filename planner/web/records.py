"""Session records: what was done in a session, the safety gate, signing and addenda.

A record is a draft until a doctor signs it. Signed means final: every route that changes a
record refuses a signed one (409); a correction is an addendum shown with the original.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from babel.dates import format_skeleton
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from planner import engine
from planner.core import checklist, outcomes, sessions
from planner.core.compute import Result
from planner.core.dosing import ComponentTotal
from planner.core.messages import PlanError
from planner.core.plan import from_dict
from planner.drawing.pain_chart import pain_chart_svg
from planner.extensions import db
from planner.models import (
    ADVERSE_EVENTS,
    SIGNING_ROLES,
    Addendum,
    Cycle,
    Patient,
    PlanRecord,
    ScheduledSession,
    SessionProduct,
    SessionRecord,
    User,
    audit,
    now,
    search_key,
)
from planner.web import recall
from planner.web.i18n import format_digits, plan_message
from planner.web.plans import get_record
from planner.web.record_findings import override_lines, stored_findings
from planner.web.roles import role_names

bp = Blueprint("records", __name__)

MAX_PRODUCTS = 12  # [our default]: rows of products on one session record
EMPTY_PRODUCT_ROWS = 2
MAX_TEXT = 4000  # [our default]: notes, adverse event details, addenda, override reasons
MAX_PRODUCT = 120
MAX_LOT = 60
# [our default]: a session record is written on the day, or caught up later; never ahead of time
# (a day's slack for clocks and time zones), and not before this software's era.
EARLIEST = datetime(2000, 1, 1)
FUTURE_SLACK = timedelta(days=1)


@dataclass(frozen=True)
class Reading:
    """A record read through the core: its plan computed, what was given, the safety gate."""

    result: Result
    performed: sessions.Performed
    gate: checklist.Gate
    first_session: bool


def adverse_names() -> dict[str, str]:
    """The adverse events of the form, in the user's language."""
    return {"bruising": _("Bruising"), "bleeding": _("Bleeding"),
            "wheal": _("Persistent wheal"), "burning": _("Burning"), "itching": _("Itching"),
            "infection": _("Infection"), "vasovagal": _("Vasovagal reaction"),
            "allergic": _("Allergic reaction"), "other": _("Other")}


@bp.app_template_global()
def signed_as(name: str | None, role: str | None) -> str:
    """Someone as a signature shows them: "Dr Rossi (doctor)", the role in the reader's words;
    the name alone when no role was kept ("" for nobody)."""
    if not name:
        return ""
    if not role:
        return name
    return str(_("%(name)s (%(role)s)", name=name, role=role_names().get(role, role)))


def weight_of(record: SessionRecord) -> float | None:
    """The weight the doses are checked against: the one signed with, else the record's now."""
    weight = record.signed_weight_kg if record.signed else record.patient.weight_kg
    return None if weight is None else float(weight)


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
        same_site_days=same_site_days(record))
    return Reading(result, done, gate, first)


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


def plain_int(text: str, digits: int) -> int | None:
    """A whole number typed in ASCII digits (at most ``digits`` of them), else None: "²", "٣"
    or a 5,000-digit number are not numbers a clinician meant."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= digits else None


def parse(form: Any, result: Result, weight_kg: float | None, cycle_scale: str | None = None
          ) -> tuple[dict[str, Any], dict[str, str]]:
    """A record form's values (as typed, for showing again) and its problems by field.

    ``cycle_scale`` is the pain scale the cycle's signed sessions used: a cycle's trend compares
    scores on one scale only.
    """
    values: dict[str, Any] = {k: form.get(k, "").strip() for k in (
        "performed_at", "performer_id", "skipped", "volumes", "added", "added_volume_ml",
        "added_mixture", "pain_scale", "pain_before", "pain_after", "adverse_details",
        "notes")}
    values["adverse"] = [code for code in form.getlist("adverse") if code in ADVERSE_EVENTS]
    values["checklist"] = {q.code: form.get(f"q-{q.code}", "") for q in checklist.QUESTIONS}
    values["products"] = [{k: form.get(f"{k}-{i}", "").strip()
                           for k in ("product", "lot", "expiry")} for i in range(MAX_PRODUCTS)]
    problems: dict[str, str] = {}
    try:
        values["performed_at_dt"] = datetime.fromisoformat(values["performed_at"])
        if values["performed_at_dt"].tzinfo is not None:  # the form sends the clinic's time
            raise ValueError("a time zone")
    except ValueError:
        problems["performed_at"] = _("Enter a date and a time.")
    else:
        if not EARLIEST <= values["performed_at_dt"] <= datetime.now() + FUTURE_SLACK:
            problems["performed_at"] = _("Enter when the session was done (not in the "
                                         "future, not before %(year)d).", year=EARLIEST.year)
    performer_id = plain_int(values["performer_id"], 9)
    performer = db.session.get(User, performer_id) if performer_id is not None else None
    if performer is None or not performer.active:
        problems["performer_id"] = _("Choose who performed the session.")
    values["adjustments"] = _adjustments(values, result, weight_kg, problems)
    scale = values["pain_scale"] if values["pain_scale"] in outcomes.SCALE_MAX else "nrs"
    values["pain_scale"] = scale
    if cycle_scale is not None and scale != cycle_scale:
        problems["pain_scale"] = _("This cycle's pain is scored on %(scale)s: keep the same "
                                   "scale, so that the trend compares like with like.",
                                   scale=scale_names()[cycle_scale])
    for name in ("pain_before", "pain_after"):
        text = values[name]
        top = outcomes.SCALE_MAX[scale]
        score = plain_int(text, 3)
        if text and (score is None or score > top):
            problems[name] = _("Enter a whole number from 0 to %(top)d.", top=top)
    if "other" in values["adverse"] and not values["adverse_details"]:
        problems["adverse_details"] = _("Describe the other adverse event.")
    for name in ("adverse_details", "notes"):
        if len(values[name]) > MAX_TEXT:
            problems[name] = _("At most %(n)d characters.", n=MAX_TEXT)
    _check_products(values["products"], problems)
    beyond = [k for k in form if k.startswith(("product-", "lot-", "expiry-"))
              and k.split("-", 1)[1] not in {str(i) for i in range(MAX_PRODUCTS)} and form[k]]
    if beyond:
        problems["products"] = _("At most %(n)d products per session.", n=MAX_PRODUCTS)
    return values, problems


def scale_names() -> dict[str, str]:
    """The pain scales, in the user's language."""
    return {"nrs": _("NRS 0-10"), "vas": _("VAS 0-100 mm")}


def _adjustments(values: dict[str, Any], result: Result, weight_kg: float | None,
                 problems: dict[str, str]) -> sessions.Adjustments | None:
    """The points skipped, changed and added, checked against the plan (problems by field)."""
    count = len(result.points)
    try:
        added = int(values["added"] or 0)
    except ValueError:
        problems["added"] = _("Enter a whole number.")
        return None
    try:
        adjustments = sessions.Adjustments(
            skipped=sessions.parse_numbers(values["skipped"], "skipped", count),
            volumes=sessions.parse_volumes(values["volumes"], "volumes", count),
            added=added,
            added_volume_ml=sessions.volume(values["added_volume_ml"], "added_volume_ml")
            if added else Decimal("0.00"),
            added_mixture=values["added_mixture"] or None)
        sessions.performed(result, adjustments, weight_kg)
    except PlanError as exc:
        problems[exc.field.split("[")[0]] = plan_message(exc)
        return None
    return adjustments


def _check_products(rows: list[dict[str, str]], problems: dict[str, str]) -> None:
    for i, row in enumerate(rows):
        if not any(row.values()):
            continue
        if not row["product"]:
            problems[f"product-{i}"] = _("Name the product of this lot.")
        elif len(row["product"]) > MAX_PRODUCT:
            problems[f"product-{i}"] = _("At most %(n)d characters.", n=MAX_PRODUCT)
        if len(row["lot"]) > MAX_LOT:
            problems[f"lot-{i}"] = _("At most %(n)d characters.", n=MAX_LOT)
        elif row["lot"] and len(search_key(row["lot"])) < recall.MIN_LOT:
            # The recall compares letters and digits only: "---" could never be found.
            problems[f"lot-{i}"] = _("A lot number has at least %(n)d letters or digits.",
                                     n=recall.MIN_LOT)
        if row["expiry"]:
            try:
                date.fromisoformat(row["expiry"])
            except ValueError:
                problems[f"expiry-{i}"] = _("Enter a date (year-month-day).")


def store(record: SessionRecord, values: dict[str, Any], result: Result,
          weight_kg: float | None, first: bool) -> None:
    """Copy a valid form onto a draft record (products replaced as a whole). Only the
    questions asked are kept (``first``: the patient's first session, with the skin test)."""
    adjustments = values["adjustments"]
    done = sessions.performed(result, adjustments, weight_kg)
    record.performed_at = values["performed_at_dt"]
    record.performer_id = int(values["performer_id"])  # checked by parse()
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
    record.products = [
        SessionProduct(product=row["product"], lot=row["lot"],
                       expiry=date.fromisoformat(row["expiry"]) if row["expiry"] else None)
        for row in values["products"] if row["product"]]
    record.updated_at = now()


def form_values(record: SessionRecord) -> dict[str, Any]:
    """A stored record as the form shows it."""
    adjustments = sessions.Adjustments.from_dict(json.loads(record.adjustments_json))
    products = [{"product": p.product, "lot": p.lot,
                 "expiry": p.expiry.isoformat() if p.expiry else ""} for p in record.products]
    return {
        "performed_at": record.performed_at.strftime("%Y-%m-%dT%H:%M"),
        "performer_id": str(record.performer_id),
        "skipped": ", ".join(str(n) for n in sorted(adjustments.skipped)),
        # Volumes the reader's way (0,30 in Italian and Spanish); the form reads either.
        "volumes": "\n".join(f"{n}={format_digits(str(v))}"
                             for n, v in sorted(adjustments.volumes.items())),
        "added": str(adjustments.added) if adjustments.added else "",
        "added_volume_ml": format_digits(str(adjustments.added_volume_ml))
        if adjustments.added else "",
        "added_mixture": adjustments.added_mixture or "",
        "pain_scale": record.pain_scale,
        "pain_before": "" if record.pain_before is None else str(record.pain_before),
        "pain_after": "" if record.pain_after is None else str(record.pain_after),
        "adverse": json.loads(record.adverse_json), "adverse_details": record.adverse_details,
        "notes": record.notes, "checklist": json.loads(record.checklist_json),
        "products": products + [{"product": "", "lot": "", "expiry": ""}] * max(
            0, min(EMPTY_PRODUCT_ROWS, MAX_PRODUCTS - len(products))),
    }


def new_values(plan: PlanRecord, result: Result) -> dict[str, Any]:
    """A new record's form: now, by the current user, the plan's components as products."""
    names = list(dict.fromkeys(c.name for c in result.components))[:MAX_PRODUCTS]
    products = [{"product": n, "lot": "", "expiry": ""} for n in names]
    return {"performed_at": datetime.now().strftime("%Y-%m-%dT%H:%M"),
            "performer_id": str(current_user.id), "skipped": "", "volumes": "", "added": "",
            "added_volume_ml": "", "added_mixture": "", "pain_scale": "nrs",
            "pain_before": "", "pain_after": "", "adverse": [], "adverse_details": "",
            "notes": "", "checklist": {},
            "products": products + [{"product": "", "lot": "", "expiry": ""}] * max(
                0, min(EMPTY_PRODUCT_ROWS, MAX_PRODUCTS - len(products)))}


def performers() -> list[User]:
    """Who can be named as having performed a session: the active users."""
    return list(db.session.scalars(select(User).where(User.active).order_by(User.full_name)))


def render_form(plan: PlanRecord, result: Result, values: dict[str, Any],
                problems: dict[str, str], *, record: SessionRecord | None = None,
                scheduled: ScheduledSession | None = None, status: int = 200,
                reading: Reading | None = None) -> ResponseReturnValue:
    """The record form (new or draft) with the plan's summary and, for a draft, the gate."""
    return render_template(
        "records/form.html", plan=plan, result=result, values=values, problems=problems,
        record=record, scheduled=scheduled, reading=reading, performers=performers(),
        adverse=adverse_names(), questions=checklist.QUESTIONS,
        first=reading.first_session if reading else not signed_before(plan.patient_id,
                                                                      datetime.now()),
        can_sign=current_user.role in SIGNING_ROLES,
        min_reason=checklist.MIN_OVERRIDE_REASON,
        blocking_codes=checklist.BLOCKING_CODES), status


def cycle_scale(scheduled: ScheduledSession | None) -> str | None:
    """The pain scale of the cycle's signed sessions (None: no cycle, or nothing signed yet)."""
    if scheduled is None:
        return None
    return next((s.record.pain_scale for s in scheduled.cycle.sessions
                 if s.record is not None and s.record.signed), None)


def plan_broken(patient_id: int, exc: Exception) -> ResponseReturnValue:
    """A saved plan that no longer computes (its body map changed, say): say so, go back."""
    detail = plan_message(exc) if isinstance(exc, PlanError) else str(_("damaged plan file"))
    flash(_("This plan cannot be computed any more: %(error)s", error=detail), "error")
    return redirect(url_for("patients.show", patient_id=patient_id), 303)


def _start(plan: PlanRecord, scheduled: ScheduledSession | None) -> ResponseReturnValue:
    """Show or save a new record of a session of ``plan``."""
    weight = None if plan.patient.weight_kg is None else float(plan.patient.weight_kg)
    try:
        result = computed_plan(plan.plan_json, weight)
    except (PlanError, ValueError) as exc:
        return plan_broken(plan.patient_id, exc)
    scale = cycle_scale(scheduled)
    if request.method == "GET":
        values = new_values(plan, result)
        values["pain_scale"] = scale or "nrs"
        return render_form(plan, result, values, {}, scheduled=scheduled)
    values, problems = parse(request.form, result, weight, scale)
    if problems:
        return render_form(plan, result, values, problems, scheduled=scheduled, status=422)
    record = SessionRecord(patient_id=plan.patient_id, plan_id=plan.id,
                           plan_version=plan.version, plan_json=plan.plan_json,
                           scheduled_id=scheduled.id if scheduled else None,
                           created_by_id=current_user.id)
    store(record, values, result, weight,
          first=not signed_before(plan.patient_id, values["performed_at_dt"]))
    db.session.add(record)
    try:
        db.session.flush()
    except IntegrityError:
        # Someone recorded the same planned session a moment ago: keep what was typed.
        db.session.rollback()
        flash(_("This session was recorded by someone else a moment ago: nothing was saved. "
                "Your entries are shown; open the session from the patient's page."), "error")
        return render_form(plan, result, values, {}, scheduled=None, status=409)
    audit(current_user, "create", "session_record", record.id,
          f"plan {plan.id} v{plan.version}" + (f", session {scheduled.id}" if scheduled else ""))
    db.session.commit()
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
    return _start(get_record(plan_id), None)


@bp.get("/records/<int:record_id>")
def show(record_id: int) -> ResponseReturnValue:
    """A session record: the form while a draft, the signed record with its addenda after."""
    record = db.get_or_404(SessionRecord, record_id)
    return _show(record)


def page(record: SessionRecord, status: int = 200) -> ResponseReturnValue:
    """A record's page (with whatever was flashed), answered with ``status``."""
    return _show(record, status=status)


def _show(record: SessionRecord, values: dict[str, Any] | None = None,
          problems: dict[str, str] | None = None, status: int = 200) -> ResponseReturnValue:
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
            adj=sessions.Adjustments.from_dict(json.loads(record.adjustments_json))), status
    assert reading is not None
    return render_form(record.plan, reading.result, values or form_values(record),
                       problems or {}, record=record, scheduled=record.scheduled,
                       status=status, reading=reading)


def refuse_signed(record: SessionRecord) -> ResponseReturnValue:
    """The answer to any change of a signed (or discarded) record: 409, the record as it is."""
    if record.signed:
        flash(_("This session record is signed and cannot be changed. Add an addendum to "
                "correct it."), "error")
    else:
        flash(_("This draft was discarded and cannot be changed."), "error")
    return _show(record, status=409)


def committed(record: SessionRecord) -> bool:
    """Commit a change of a record; False (and nothing written) when another change of it was
    committed since it was read: the UPDATE is guarded by the version read (models.py)."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        return False
    finally:
        db.session.autoflush = True
    return True


def raced(record: SessionRecord) -> ResponseReturnValue:
    """The answer when a change lost the race: the record as it now stands, 409."""
    db.session.refresh(record)
    if record.status != "draft":
        return refuse_signed(record)
    flash(_("This record was changed by someone else a moment ago: nothing was saved. Check "
            "it again."), "error")
    return _show(record, status=409)


@bp.post("/records/<int:record_id>")
def update(record_id: int) -> ResponseReturnValue:
    """Save a draft record again (a signed one is refused)."""
    record = db.get_or_404(SessionRecord, record_id)
    if record.status != "draft":
        return refuse_signed(record)
    weight = weight_of(record)
    try:
        result = computed_plan(record.plan_json, weight)
    except (PlanError, ValueError) as exc:
        return plan_broken(record.patient_id, exc)
    values, problems = parse(request.form, result, weight, cycle_scale(record.scheduled))
    if request.form.get("version", type=int) != record.version:
        flash(_("This record was changed by someone else while you were editing. Your values "
                "are shown: save again to keep them."), "error")
        return _show(record, values, problems, status=409)
    if problems:
        return _show(record, values, problems, status=422)
    first = not signed_before(record.patient_id, values["performed_at_dt"], record.id)
    with db.session.no_autoflush:  # the guarded UPDATE is written at commit, nowhere before
        store(record, values, result, weight, first)
    record.version += 1
    audit(current_user, "update", "session_record", record.id)
    if not committed(record):
        return raced(record)
    flash(_("Session record saved."), "success")
    return redirect(url_for("records.show", record_id=record.id), 303)


@bp.post("/records/<int:record_id>/sign")
def sign(record_id: int) -> ResponseReturnValue:
    """Sign a draft: the gate must pass, or the doctor overrides its findings with a reason."""
    record = db.get_or_404(SessionRecord, record_id)
    if record.status != "draft":
        return refuse_signed(record)
    if current_user.role not in SIGNING_ROLES:
        flash(_("Only a doctor can sign a session record."), "error")
        return _show(record, status=403)
    if request.form.get("version", type=int) != record.version:
        flash(_("This record was changed by someone else: check it again before signing."),
              "error")
        return _show(record, status=409)
    scale = cycle_scale(record.scheduled)
    if scale is not None and record.pain_scale != scale:
        flash(_("Not signed: this cycle's pain is scored on %(scale)s; change the draft's scale "
                "first.", scale=scale_names()[scale]), "error")
        return _show(record, status=422)
    try:
        reading = read(record)
    except (PlanError, ValueError) as exc:
        return plan_broken(record.patient_id, exc)
    reason = request.form.get("override_reason", "").strip()[:MAX_TEXT]
    if reading.gate.missing:
        flash(_("Not signed: complete what the safety list asks first."), "error")
        return _show(record, status=422)
    if not reading.gate.allows(reason):
        flash(_("Not signed: the safety list found something. To go ahead, write your reason "
                "for the override (at least %(n)d characters).",
                n=checklist.MIN_OVERRIDE_REASON), "error")
        return _show(record, status=422)
    performer = record.performer
    db.session.autoflush = False  # the guarded UPDATE is written at commit, nowhere before
    record.status = "signed"
    record.signed_by_id = current_user.id
    record.signed_at = now()
    # Who signed and who performed, as they are now: a later rename, role change or disabled
    # account does not change what the signed record says (models.SessionRecord).
    record.signer_name, record.signer_role = current_user.full_name, current_user.role
    record.performer_name, record.performer_role = performer.full_name, performer.role
    record.signed_weight_kg = record.patient.weight_kg
    # Kept in every language as signed, with the messages themselves (stored_findings), so that
    # every reader sees them in their own words; records signed before kept English text.
    record.override_findings = stored_findings(reading.gate.blocks)
    record.override_reason = reason if reading.gate.blocks else ""
    record.points_done = reading.performed.points_done
    record.total_ml = str(reading.performed.total_ml)
    record.version += 1
    if record.scheduled is not None:
        record.scheduled.status = "done"
    audit(current_user, "sign", "session_record", record.id)
    if reading.gate.blocks:
        audit(current_user, "override", "session_record", record.id,
              ", ".join(f.code for f in reading.gate.blocks))
    if not committed(record):
        return raced(record)
    flash(_("Session record signed."), "success")
    return redirect(url_for("records.show", record_id=record.id), 303)


@bp.post("/records/<int:record_id>/discard")
def discard(record_id: int) -> ResponseReturnValue:
    """Set a draft aside: kept (so the audit trail's ids stay true), out of the cycle, the
    summaries and the recall; its session can be recorded again. A signed record stays."""
    record = db.get_or_404(SessionRecord, record_id)
    if record.status != "draft":
        return refuse_signed(record)
    record.status = "discarded"
    record.scheduled_id = None
    record.version += 1
    audit(current_user, "discard", "session_record", record.id)
    if not committed(record):
        return raced(record)
    flash(_("Draft discarded."), "success")
    return redirect(url_for("patients.show", patient_id=record.patient_id), 303)


@bp.post("/records/<int:record_id>/addenda")
def add_addendum(record_id: int) -> ResponseReturnValue:
    """Add a correction to a signed record; the original stays as it was signed."""
    record = db.get_or_404(SessionRecord, record_id)
    if record.status == "discarded":
        return refuse_signed(record)
    if not record.signed:
        flash(_("A draft is corrected by editing it; addenda are for signed records."), "error")
        return _show(record, status=409)
    text = request.form.get("text", "").strip()
    if not text or len(text) > MAX_TEXT:
        flash(_("The addendum was not saved: write from 1 to %(n)d characters.", n=MAX_TEXT),
              "error")
        return _show(record, status=422)
    addendum = Addendum(record_id=record.id, text=text, created_by_id=current_user.id,
                        author_name=current_user.full_name, author_role=current_user.role)
    db.session.add(addendum)
    db.session.flush()
    audit(current_user, "create", "addendum", addendum.id, f"session record {record.id}")
    db.session.commit()
    flash(_("Addendum added."), "success")
    return redirect(url_for("records.show", record_id=record.id), 303)


def patient_records(patient: Patient) -> list[SessionRecord]:
    """A patient's session records (not the discarded drafts), newest first."""
    return list(db.session.scalars(
        select(SessionRecord).where(SessionRecord.patient_id == patient.id,
                                    SessionRecord.status != "discarded")
        .order_by(SessionRecord.performed_at.desc())))


@dataclass(frozen=True)
class CycleOutcome:
    """A cycle so far: sessions done, the pain trend and its chart, what it used in all."""

    cycle: Cycle
    done: int
    planned: int
    trend: outcomes.Trend
    labels: tuple[str, ...]  # the chart's sessions: their days, in the reader's language
    chart: str
    components: tuple[ComponentTotal, ...]
    total_ml: Decimal
    unknown_components: int = 0  # signed sessions whose plan no longer computes


def cycle_outcome(cycle: Cycle, language: str = "en", text: Any = None) -> CycleOutcome:
    """The summary of a cycle from its signed records (drafts are not counted yet); with
    ``text`` (a gettext), its pain chart too."""
    signed = [s.record for s in cycle.sessions if s.record is not None and s.record.signed]
    scale = signed[0].pain_scale if signed else "nrs"
    same_scale = [r for r in signed if r.pain_scale == scale]
    trend = outcomes.trend([outcomes.PainScore(r.scheduled.number, r.pain_before, r.pain_after)
                            for r in same_scale if r.scheduled is not None],
                           "vas" if scale == "vas" else "nrs")
    labels = tuple(str(format_skeleton("MMMd", r.performed_at, locale=language))
                   for r in same_scale)
    components: list[tuple[ComponentTotal, ...]] = []
    broken = 0
    for r in signed:
        try:
            components.append(given(r)[1].components)
        except (PlanError, ValueError):
            # Its plan no longer computes: the volume stored at signing still counts, the
            # components cannot be known (the summary says so).
            broken += 1
    return CycleOutcome(
        cycle, len(signed), len([s for s in cycle.sessions if s.status != "cancelled"]), trend,
        labels, pain_chart_svg(trend, labels, text=text) if signed and text else "",
        tuple(outcomes.cycle_components(components)),
        sum((Decimal(r.total_ml) for r in signed), Decimal("0.00")), broken)
