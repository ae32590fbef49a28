"""The plan editor: choose a view, mark areas, preview live, save into the patient's record.

The browser keeps the plan file (PLAN-FORMAT.md) being edited and sends it whole; the server
computes every point through the planning engine and sends back the drawing and the totals.
Saving is the service's (services/plans.py): this module reads the request and answers.
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
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user

from planner import wording
from planner.bodymaps import atlas
from planner.core.messages import PlanError
from planner.core.plan import FORMAT
from planner.extensions import db
from planner.formatting import clock_text
from planner.models import Patient, audit
from planner.services import plan_files
from planner.services.photo_plans import calibrated_photos
from planner.services.plans import compute_doc, copy_plan, save_plan
from planner.services.refusals import Changed
from planner.web import clinic_mixtures
from planner.web.editor import (
    EMPTY_DOC,
    MAX_TITLE,
    TREATMENTS,
    drawing,
    editor_page,
    read_doc,
    treatment_names,
    unsaved,
    workspace,
)
from planner.web.i18n import current_locale, plan_message
from planner.web.lookups import get_patient, get_photo, get_plan
from planner.web.paths import MAX_ID
from planner.web.photo_form import photo_site

bp = Blueprint("plans", __name__)


@bp.get("/patients/<int:patient_id>/plans/new")
def new(patient_id: int) -> ResponseReturnValue:
    """Pick the treatment and the body map, then open the editor on a plan with no area yet
    (with the clinic's default mixture for the treatment, if it has one)."""
    patient = get_patient(patient_id)
    view_id = request.args.get("view", "")
    treatment = request.args.get("treatment", "antalgic")
    side = request.args.get("side", "")
    if treatment not in TREATMENTS:
        treatment = "antalgic"
    photo_id = request.args.get("photo", type=int)
    if photo_id is not None:
        if not 1 <= photo_id <= MAX_ID:
            abort(404)
        return _new_on_photo(patient, photo_id, treatment)
    views = {v.id: v for v in atlas.views()}
    chosen = views.get(view_id)
    if chosen is None or chosen.id.startswith("body-") or (
            chosen.single_limb and side not in ("left", "right")):
        return render_template("plans/choose.html", patient=patient, views=views,
                               chosen=chosen, treatment=treatment,
                               treatments=treatment_names(), language=current_locale(),
                               photos=[(photo, photo_site(photo))
                                       for photo in calibrated_photos(patient.id)])
    doc: dict[str, Any] = {"format": FORMAT, "bodymap": chosen.id, "treatment": treatment,
                           "areas": [], "points": []}
    if chosen.single_limb:
        doc["side"] = side
    _with_default_mixture(doc, treatment)
    # The title a clinician would write: the site with its side ("Right knee"), else the view.
    site = wording.site_name(chosen.id, side, _) if chosen.single_limb else None
    title = site[:1].upper() + site[1:] if site else \
        chosen.label.get(current_locale(), chosen.label["en"])
    return editor_page(patient, doc, None, title)


def _with_default_mixture(doc: dict[str, Any], treatment: str) -> None:
    """The clinic's default mixture for the treatment (its current version) put in a new
    plan: every area taken gets it (static/editor/history.js), and the doctor can change or
    remove it."""
    starting = clinic_mixtures.default_for(treatment)
    if starting is not None:
        doc["mixtures"] = {starting.name: {"components": clinic_mixtures.components(starting)}}


def _new_on_photo(patient: Patient, photo_id: int, treatment: str) -> ResponseReturnValue:
    """The editor on a new plan drawn on one of the patient's calibrated photos (its grid in
    mm on the card's plane); back to the photo, saying why, when it has no scale."""
    photo = get_photo(photo_id)
    if photo.patient_id != patient.id:
        abort(404)
    if photo.plane is None:
        flash(_("This photo has no scale (no calibration card was found in it): a grid "
                "cannot be planned on it."), "error")
        return redirect(url_for("photos.show", photo_id=photo.id), 303)
    doc: dict[str, Any] = {"format": FORMAT, "photo": photo.id, "treatment": treatment,
                           "areas": [], "points": []}
    _with_default_mixture(doc, treatment)
    when = format_date(photo.taken_at or photo.created_at)
    return editor_page(patient, doc, None, _("Plan on the photo of %(date)s", date=when))


@bp.get("/plans/<int:plan_id>")
def edit(plan_id: int) -> ResponseReturnValue:
    """Open a saved plan in the editor: the same points as when it was saved."""
    record = get_plan(plan_id)
    audit(current_user, "view", "plan", record.id)
    db.session.commit()
    return editor_page(record.patient, json.loads(record.plan_json), record, record.title)


@bp.post("/plans/preview")
def preview() -> ResponseReturnValue:
    """The live part of the editor for the plan being edited (htmx fragment).

    Invalid input leaves the last good drawing in place: the message (naming the field) goes
    to the editor's error slot instead (HX-Retarget), with status 422.
    """
    patient = get_patient(request.form.get("patient_id", type=int) or 0)
    try:
        doc = read_doc()
        computed = compute_doc(doc, patient)  # once: the workspace draws this
    except PlanError as exc:
        html = render_template("plans/_error.html", error=plan_message(exc))
        return html, 422, {"HX-Retarget": "#plan-error-slot", "HX-Reswap": "innerHTML",
                           "HX-Reselect": "#plan-error"}
    html, status = workspace(doc, patient, computed=computed)
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
    record = get_plan(record_id) if record_id else None
    if record is not None and record.patient_id != patient.id:
        abort(404)
    try:
        doc = read_doc()
    except PlanError as exc:
        # A damaged document cannot be shown again: reopen the saved version, if any.
        fallback = json.loads(record.plan_json) if record is not None else dict(EMPTY_DOC)
        return unsaved(patient, fallback, record, title, plan_message(exc))
    try:
        saved = save_plan(patient, record, doc, title, current_user,
                          request.form.get("version", type=int))
    except PlanError as exc:
        return unsaved(patient, doc, record, title, plan_message(exc))
    except Changed as exc:
        if exc.current is None:
            return lost_race(patient, doc, title)
        flash(_("This plan was changed by %(who)s at %(when)s while you were editing. Your "
                "changes were not saved: they are shown here as a new plan, which you can "
                "save or leave.", who=exc.current.updated_by.full_name,
                when=clock_text(exc.current.updated_at)), "error")
        return editor_page(patient, doc, None, title, status=409)
    if saved.kept is not None:
        flash(_("The plan was used in a signed session and stays as it was: your changes "
                "were saved as a new plan."), "success")
    else:
        flash(_("Plan saved."), "success")
    return redirect(url_for("plans.edit", plan_id=saved.record.id), 303)


def lost_race(patient: Patient, doc: dict[str, Any], title: str) -> ResponseReturnValue:
    """Someone saved the plan between the version check and this save: nothing is written, and
    the doctor's edits come back as a new, unsaved plan (409)."""
    session.pop("_flashes", None)
    flash(_("This plan was changed by someone else while you were saving. Your changes were "
            "not saved: they are shown here as a new plan, which you can save or leave."),
          "error")
    return editor_page(patient, doc, None, title, status=409)


@bp.post("/plans/<int:plan_id>/copy")
def copy(plan_id: int) -> ResponseReturnValue:
    """A new plan for the next session, starting from this one."""
    record = copy_plan(get_plan(plan_id), current_user)
    flash(_("A copy of the plan was made for the next session."), "success")
    return redirect(url_for("plans.edit", plan_id=record.id), 303)


@bp.get("/plans/<int:plan_id>/thumbnail.svg")
def thumbnail(plan_id: int) -> ResponseReturnValue:
    """A small drawing of a saved plan for the patient page."""
    record = get_plan(plan_id)
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
    name, text = plan_files.export_plan_file(get_plan(plan_id), current_user)
    return Response(text, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
