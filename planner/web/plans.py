"""The plan editor: choose a view, mark areas, preview live, save into the patient's record.

The browser keeps the plan file (PLAN-FORMAT.md) being edited and sends it whole; the server
computes every point through the planning engine and sends back the drawing and the totals.
"""

from __future__ import annotations

import json
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from planner import engine, wording
from planner.bodymaps import atlas
from planner.core import clinical
from planner.core.compute import Result
from planner.core.messages import N_, PlanError
from planner.core.plan import FORMAT, Plan, dump, from_dict
from planner.drawing.plan import plan_svg
from planner.extensions import db
from planner.models import (
    Cycle,
    Patient,
    PlanRecord,
    SessionRecord,
    audit,
    now,
)
from planner.web import clinic_mixtures
from planner.web.i18n import current_locale, format_digits, plan_message
from planner.web.patients import get_patient

bp = Blueprint("plans", __name__)

TREATMENTS = tuple(clinical.TREATMENTS)
MAX_TITLE = 200
# What the editor shows when a new plan's document arrived damaged: an empty plan, no map.
EMPTY_DOC: dict[str, Any] = {"format": FORMAT, "areas": [], "points": []}


def treatment_names() -> dict[str, str]:
    """Treatment types in the user's language."""
    return wording.treatment_names(_)


def pattern_names() -> dict[str, str]:
    """Grid patterns in the user's language."""
    return wording.pattern_names(_)


def warning_titles() -> dict[str, str]:
    """A short title in the user's language for each kind of warning of the engine."""
    return wording.warning_titles(_)


def with_patient(doc: dict[str, Any], patient: Patient) -> dict[str, Any]:
    """The plan document with the weight from the patient's record (never from the browser)."""
    doc = {k: v for k, v in doc.items() if k != "patient"}
    if patient.weight_kg is not None:
        doc["patient"] = {"weight_kg": float(patient.weight_kg)}
    return doc


def compute_doc(doc: object, patient: Patient) -> tuple[Result, atlas.View | None]:
    """Validate and compute a plan document for a patient (PlanError when invalid)."""
    if not isinstance(doc, dict):
        raise PlanError("plan", N_("must be a JSON object"))
    plan = from_dict(with_patient(doc, patient))
    return engine.run(plan)


def read_doc() -> dict[str, Any]:
    """The plan document sent by the editor (PlanError when it is not JSON)."""
    raw = request.form.get("plan", "")
    try:
        doc = json.loads(raw)
    except (ValueError, RecursionError):  # not JSON, or an integer of thousands of digits
        raise PlanError("plan", N_("the editor sent a damaged plan; reload the page")) from None
    if not isinstance(doc, dict):
        raise PlanError("plan", N_("must be a JSON object"))
    return doc


def drawing(result: Result, view: atlas.View | None) -> str:
    """The plan's SVG for the screen, in the user's language."""
    return plan_svg(result, view, text=_, language=current_locale(),
                    digits=format_digits)


def workspace(doc: dict[str, Any], patient: Patient, error: str | None = None
              ) -> tuple[str, int]:
    """The editor's live part (map, areas, totals) for a document, and its HTTP status."""
    status = 200
    result = view = None
    try:
        result, view = compute_doc(doc, patient)
    except PlanError as exc:
        error, status = plan_message(exc), 422
    html = render_template(
        "plans/_workspace.html", result=result, view=view, doc=doc, error=error,
        svg=drawing(result, view) if result is not None else None,
        treatments=treatment_names(), patterns=pattern_names(),
        saved_mixtures=clinic_mixtures.current(),
        origins=clinic_mixtures.origins(result.plan.mixtures) if result is not None else {},
        drug_of=clinic_mixtures.drug_of, warning_titles=warning_titles(),
        techniques=tuple(clinical.DEPTH_LIMITS), patient=patient)
    return html, status


@bp.get("/patients/<int:patient_id>/plans/new")
def new(patient_id: int) -> ResponseReturnValue:
    """Pick the treatment and the body map, then open the editor on an empty plan."""
    patient = get_patient(patient_id)
    view_id = request.args.get("view", "")
    treatment = request.args.get("treatment", "antalgic")
    side = request.args.get("side", "")
    if treatment not in TREATMENTS:
        treatment = "antalgic"
    views = {v.id: v for v in atlas.views()}
    chosen = views.get(view_id)
    if chosen is None or chosen.id.startswith("body-") or (
            chosen.single_limb and side not in ("left", "right")):
        return render_template("plans/choose.html", patient=patient, views=views,
                               chosen=chosen, treatment=treatment,
                               treatments=treatment_names(), language=current_locale())
    doc: dict[str, Any] = {"format": FORMAT, "bodymap": chosen.id, "treatment": treatment,
                           "areas": [], "points": []}
    if chosen.single_limb:
        doc["side"] = side
    title = f"{chosen.label.get(current_locale(), chosen.label['en'])}"
    return editor_page(patient, doc, None, title)


@bp.get("/plans/<int:plan_id>")
def edit(plan_id: int) -> ResponseReturnValue:
    """Open a saved plan in the editor: the same points as when it was saved."""
    record = get_record(plan_id)
    audit(current_user, "view", "plan", record.id)
    db.session.commit()
    return editor_page(record.patient, json.loads(record.plan_json), record, record.title)


def get_record(plan_id: int) -> PlanRecord:
    """A saved plan by id, or 404."""
    record = db.session.get(PlanRecord, plan_id)
    if record is None:
        abort(404)
    return record


def editor_page(patient: Patient, doc: dict[str, Any], record: PlanRecord | None,
                title: str, status: int | None = None) -> ResponseReturnValue:
    """The whole editor page around a plan document."""
    html, computed = workspace(doc, patient)
    return render_template("plans/editor.html", patient=patient, doc=doc, record=record,
                           title=title, workspace=html,
                           locked=record is not None and used_in_signed(record)
                           ), status or computed


def used_in_signed(plan: PlanRecord) -> bool:
    """Whether a signed session record was made from this plan: it is then never edited in
    place (saving makes a new plan), so what the plan said stays what was signed."""
    return db.session.scalar(
        select(SessionRecord.id).where(SessionRecord.plan_id == plan.id,
                                       SessionRecord.status == "signed").limit(1)) is not None


@bp.post("/plans/preview")
def preview() -> ResponseReturnValue:
    """The live part of the editor for the plan being edited (htmx fragment).

    Invalid input leaves the last good drawing in place: the message (naming the field) goes
    to the editor's error slot instead (HX-Retarget), with status 422.
    """
    patient = get_patient(request.form.get("patient_id", type=int) or 0)
    try:
        doc = read_doc()
        compute_doc(doc, patient)
    except PlanError as exc:
        html = render_template("plans/_error.html", error=plan_message(exc))
        return html, 422, {"HX-Retarget": "#plan-error-slot", "HX-Reswap": "innerHTML",
                           "HX-Reselect": "#plan-error"}
    html, status = workspace(doc, patient)
    return html, status


@bp.post("/plans/save")
def save() -> ResponseReturnValue:
    """Save the plan into the patient's record (a new plan, or a new version of one).

    Nothing the clinician drew is lost: an invalid plan comes back in the editor with the
    message, and a plan changed by someone else meanwhile comes back as a new, unsaved plan.
    """
    patient = get_patient(request.form.get("patient_id", type=int) or 0)
    title = request.form.get("title", "").strip()[:MAX_TITLE] or _("Plan")
    record_id = request.form.get("plan_id", type=int)
    record = get_record(record_id) if record_id else None
    if record is not None and record.patient_id != patient.id:
        abort(404)
    try:
        doc = read_doc()
    except PlanError as exc:
        # A damaged document cannot be shown again: reopen the saved version, if any.
        fallback = json.loads(record.plan_json) if record is not None else dict(EMPTY_DOC)
        return unsaved(patient, fallback, record, title, plan_message(exc))
    try:
        result, _view = compute_doc(doc, patient)
    except PlanError as exc:
        return unsaved(patient, doc, record, title, plan_message(exc))
    if record is not None and request.form.get("version", type=int) != record.version:
        flash(_("This plan was changed by %(who)s at %(when)s while you were editing. Your "
                "changes were not saved: they are shown here as a new plan, which you can "
                "save or leave.", who=record.updated_by.full_name,
                when=record.updated_at.strftime("%H:%M")), "error")
        return editor_page(patient, doc, None, title, status=409)
    saved = dump(without_patient(result.plan))
    source = record if record is not None and used_in_signed(record) else None
    if record is None or source is not None:
        record = PlanRecord(patient_id=patient.id, created_by_id=current_user.id,
                            copied_from_id=source.id if source else None)
        db.session.add(record)
    else:
        record.version += 1
    store(record, saved, result, title, current_user.id)
    try:
        db.session.flush()
    except StaleDataError:
        return lost_race(patient, doc, title)
    if source is not None:
        for cycle in db.session.scalars(select(Cycle).where(Cycle.plan_id == source.id)):
            cycle.plan_id = record.id  # the cycle's next sessions follow the new plan
        audit(current_user, "create", "plan", record.id,
              f"new plan from plan {source.id}, which a signed session used")
        flash(_("The plan was used in a signed session and stays as it was: your changes "
                "were saved as a new plan."), "success")
    else:
        audit(current_user, "create" if record.version == 1 else "update", "plan", record.id)
        flash(_("Plan saved."), "success")
    try:
        db.session.commit()
    except StaleDataError:
        return lost_race(patient, doc, title)
    return redirect(url_for("plans.edit", plan_id=record.id), 303)


def lost_race(patient: Patient, doc: dict[str, Any], title: str) -> ResponseReturnValue:
    """Someone saved the plan between the version check and this save: nothing is written, and
    the doctor's edits come back as a new, unsaved plan (409)."""
    db.session.rollback()
    session.pop("_flashes", None)
    flash(_("This plan was changed by someone else while you were saving. Your changes were "
            "not saved: they are shown here as a new plan, which you can save or leave."),
          "error")
    return editor_page(patient, doc, None, title, status=409)


def unsaved(patient: Patient, doc: dict[str, Any], record: PlanRecord | None, title: str,
            error: str) -> ResponseReturnValue:
    """The editor again, with the plan as sent and why it was not saved (status 422)."""
    flash(_("The plan was not saved: %(error)s", error=error), "error")
    html, _status = workspace(doc, patient, error)
    return render_template("plans/editor.html", patient=patient, doc=doc, record=record,
                           title=title, workspace=html), 422


def without_patient(plan: Plan) -> Plan:
    """The plan as stored: the weight stays in the patient's record, not in the plan file."""
    from dataclasses import replace

    return replace(plan, weight_kg=None)


def store(record: PlanRecord, doc: dict[str, Any], result: Result, title: str,
          user_id: int) -> None:
    """Copy a computed plan's summary and file onto its record, saved by ``user_id``."""
    record.title = title
    record.treatment = result.plan.treatment
    record.bodymap = result.plan.bodymap
    record.bodymap_version = result.plan.bodymap_version
    record.side = result.plan.side
    record.plan_json = json.dumps(doc, ensure_ascii=False)
    record.points = len(result.xy)
    record.total_ml = str(result.total_ml)
    record.updated_by_id = user_id
    record.updated_at = now()


@bp.post("/plans/<int:plan_id>/copy")
def copy(plan_id: int) -> ResponseReturnValue:
    """A new plan for the next session, starting from this one."""
    source = get_record(plan_id)
    record = PlanRecord(patient_id=source.patient_id, title=source.title,
                        treatment=source.treatment, bodymap=source.bodymap,
                        bodymap_version=source.bodymap_version, side=source.side,
                        plan_json=source.plan_json, points=source.points,
                        total_ml=source.total_ml, copied_from_id=source.id,
                        created_by_id=current_user.id, updated_by_id=current_user.id)
    db.session.add(record)
    db.session.flush()
    audit(current_user, "copy", "plan", record.id, f"from plan {source.id}")
    db.session.commit()
    flash(_("A copy of the plan was made for the next session."), "success")
    return redirect(url_for("plans.edit", plan_id=record.id), 303)


@bp.get("/plans/<int:plan_id>/thumbnail.svg")
def thumbnail(plan_id: int) -> ResponseReturnValue:
    """A small drawing of a saved plan for the patient page."""
    record = get_record(plan_id)
    try:
        result, view = compute_doc(json.loads(record.plan_json), record.patient)
        svg = drawing(result, view)
    except PlanError:
        abort(404)
    return Response(svg, mimetype="image/svg+xml")


@bp.get("/plans/<int:plan_id>/plan.json")
def export(plan_id: int) -> ResponseReturnValue:
    """The saved plan file (PLAN-FORMAT.md), as ``mesoplanner grid`` reads it.

    The file carries no patient data (the weight stays in the record; the file name is the
    plan's number), so ``mesoplanner grid`` on it warns that the weight is unknown.
    """
    record = get_record(plan_id)
    audit(current_user, "export", "plan", record.id, f"plan file, version {record.version}")
    db.session.commit()
    name = f"mesoplanner-plan-{record.id}-v{record.version}.json"
    return Response(record.plan_json, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
