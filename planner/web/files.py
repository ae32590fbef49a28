"""Files in and out of the app (issue 8): a plan file imported into a patient (checked, then
shown in the editor to be saved like any plan), the points of a plan and a patient's sessions
as CSV for a spreadsheet. Exports carry the record's number in their name, never a name."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, flash, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from planner.core.messages import PlanError
from planner.core.plan import MAX_FILE_BYTES, loads
from planner.csv_files import PLAIN, Spreadsheet, points_csv, safe, table
from planner.extensions import db
from planner.models import Patient, SessionRecord, audit
from planner.web import records
from planner.web.i18n import current_locale, plan_message
from planner.web.patients import get_patient
from planner.web.plans import compute_doc, editor_page, get_record
from planner.web.roles import role_names
from planner.wording import technique_names

bp = Blueprint("files", __name__)


def spreadsheet() -> Spreadsheet:
    """The CSV the user's spreadsheet reads: in Italian and Spanish, semicolons, decimal commas
    and the columns and codes in words; in English, the plain form the command line writes."""
    if current_locale() == "en":
        return PLAIN
    headings = {
        # the points of a plan
        "number": _("Point"), "area": _("Area number"), "area_label": _("Area"),
        "x_mm": _("x (mm)"), "y_mm": _("y (mm)"), "volume_ml": _("Volume (mL)"),
        "mixture": _("Mixture"), "depth_mm": _("Depth (mm)"), "technique": _("Technique"),
        "label": _("Label"),
        # a patient's sessions, the recall
        "session": _("Session record"), "date": _("Date"), "time": _("Time"),
        "status": _("Status"), "plan": _("Plan"), "plan_version": _("Plan version"),
        "cycle_session": _("Session of the cycle"), "performed_by": _("Performed by"),
        "performer_role": _("Performer's role"), "signer_role": _("Signer's role"),
        "points": _("Points"), "total_ml": _("Total (mL)"), "pain_scale": _("Pain scale"),
        "pain_before": _("Pain before"), "pain_after": _("Pain after"),
        "adverse_events": _("Adverse events"), "products_and_lots": _("Products and lots"),
        "signed_by": _("Signed by"), "signed_at": _("Signed on"),
        "record_number": _("Record"), "family_name": _("Family name"),
        "given_name": _("Given name"), "birth_date": _("Birth date"),
        "session_at": _("Session"), "product": _("Product"), "lot": _("Lot"),
        "expiry": _("Expiry"), "session_record": _("Session record")}
    words = {**technique_names(_), **records.scale_names(), **records.adverse_names(),
             **role_names(),
             "draft": _("Draft"), "signed": _("Signed"), "discarded": _("Discarded draft")}
    return Spreadsheet(";", ",", headings, words, bom=True)


def csv_response(text: str, name: str) -> Response:
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/plans/<int:plan_id>/points.csv")
def plan_points(plan_id: int) -> ResponseReturnValue:
    """The points of a saved plan, one row each, in injection order."""
    record = get_record(plan_id)
    try:
        result, _view = compute_doc(json.loads(record.plan_json), record.patient)
    except PlanError as exc:
        flash(_("This plan cannot be computed: %(error)s", error=plan_message(exc)), "error")
        return editor_page(record.patient, json.loads(record.plan_json), record,
                           record.title, status=409)
    audit(current_user, "export", "plan", record.id, f"points CSV, version {record.version}")
    db.session.commit()
    return csv_response(points_csv(result, spreadsheet()),
                        f"mesoplanner-plan-{record.id}-v{record.version}-points.csv")


SESSION_COLUMNS = ("session", "date", "time", "status", "plan", "plan_version", "cycle_session",
                   "performed_by", "performer_role", "points", "total_ml", "pain_scale",
                   "pain_before", "pain_after", "adverse_events", "products_and_lots",
                   "signed_by", "signer_role", "signed_at")


@bp.get("/patients/<int:patient_id>/sessions.csv")
def patient_sessions(patient_id: int) -> ResponseReturnValue:
    """A patient's recorded sessions (drafts and signed; not the discarded), oldest first."""
    patient = get_patient(patient_id)
    sheet = spreadsheet()
    rows = [session_row(r, sheet) for r in sorted(records.patient_records(patient),
                                                  key=lambda r: (r.performed_at, r.id))]
    audit(current_user, "export", "patient", patient.id, f"sessions CSV, {len(rows)} sessions")
    db.session.commit()
    return csv_response(table(SESSION_COLUMNS, rows, sheet),
                        f"mesoplanner-patient-{patient.id}-sessions.csv")


def session_row(r: SessionRecord, sheet: Spreadsheet = PLAIN) -> list[Any]:
    """A session record as one row: a signed one says who performed and signed it, and their
    roles, as they were at the signing; a draft its performer as the account now reads."""
    adverse = [sheet.word(code) for code in json.loads(r.adverse_json)]
    lots = "; ".join(f"{p.product} {p.lot}".strip() for p in r.products)
    return [r.id, r.performed_at.date().isoformat(), r.performed_at.strftime("%H:%M"),
            sheet.word(r.status), safe(r.plan.title), r.plan_version,
            r.scheduled.number if r.scheduled else "", safe(r.performed_by_name),
            sheet.word(r.performer_role) if r.signed and r.performer_role else "",
            r.points_done, sheet.number(r.total_ml), sheet.word(r.pain_scale),
            "" if r.pain_before is None else r.pain_before,
            "" if r.pain_after is None else r.pain_after,
            safe(", ".join(adverse)), safe(lots),
            safe(r.signed_by_name or ""),
            sheet.word(r.signer_role) if r.signed and r.signer_role else "",
            r.signed_at.isoformat(timespec="minutes") if r.signed_at else ""]


@bp.route("/patients/<int:patient_id>/plans/import", methods=["GET", "POST"])
def import_plan(patient_id: int) -> ResponseReturnValue:
    """A plan file (PLAN-FORMAT.md) from another installation or `mesoplanner grid`: checked,
    then opened in the editor as a new plan, computed for this patient. Nothing is saved until
    the clinician saves it there."""
    patient = get_patient(patient_id)
    if request.method == "GET":
        return render_template("plans/import.html", patient=patient, error=None)
    upload = request.files.get("plan")
    if upload is None or not upload.filename:
        return import_refused(patient, _("Choose a plan file (.json) to import."))
    data = upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        return import_refused(patient, _("The file is larger than a plan file can be."))
    try:
        loads(data)  # the plan file's own checks (PLAN-FORMAT.md), naming the field
        doc = json.loads(data)
        doc.pop("patient", None)  # the weight comes from this patient's record
        compute_doc(doc, patient)
    except PlanError as exc:
        return import_refused(patient, plan_message(exc))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return import_refused(patient, _("This file is not a plan file (it is not JSON)."))
    audit(current_user, "import", "patient", patient.id, f"plan file {upload.filename[:80]}")
    db.session.commit()
    flash(_("Imported from %(file)s: check the plan, then save it in the record.",
            file=upload.filename[:80]), "success")
    title = _("Imported plan")
    return editor_page(patient, doc, None, title)


def import_refused(patient: Patient, error: str) -> ResponseReturnValue:
    return render_template("plans/import.html", patient=patient, error=error), 422
