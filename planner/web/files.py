"""Files in and out of the app (issue 8): a plan file imported into a patient (checked, then
shown in the editor to be saved like any plan), the points of a plan and a patient's sessions
as CSV for a spreadsheet. Exports carry the record's number in their name, never a name."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, flash, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from planner.core.messages import PlanError
from planner.core.plan_reader import MAX_FILE_BYTES
from planner.csv_files import PLAIN, Spreadsheet, points_csv, safe, table
from planner.extensions import db
from planner.formatting import clinic_time
from planner.models import Patient, SessionRecord, audit
from planner.services.plan_files import import_plan_file
from planner.services.plans import compute_doc
from planner.services.refusals import NotAPlanFile
from planner.services.session_records import patient_records
from planner.web.downloads import csv_response, spreadsheet
from planner.web.editor import editor_page
from planner.web.i18n import plan_message
from planner.web.lookups import get_patient, get_plan

bp = Blueprint("files", __name__)


@bp.get("/plans/<int:plan_id>/points.csv")
def plan_points(plan_id: int) -> ResponseReturnValue:
    """The points of a saved plan, one row each, in injection order."""
    record = get_plan(plan_id)
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
    rows = [session_row(r, sheet) for r in sorted(patient_records(patient),
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
            # UTC without its offset, as this column has always been written
            clinic_time(r.signed_at).isoformat(timespec="minutes") if r.signed_at else ""]


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
        doc = import_plan_file(data, upload.filename, patient, current_user)
    except PlanError as exc:
        return import_refused(patient, plan_message(exc))
    except NotAPlanFile:
        return import_refused(patient, _("This file is not a plan file (it is not JSON)."))
    flash(_("Imported from %(file)s: check the plan, then save it in the record.",
            file=upload.filename[:80]), "success")
    title = _("Imported plan")
    return editor_page(patient, doc, None, title)


def import_refused(patient: Patient, error: str) -> ResponseReturnValue:
    return render_template("plans/import.html", patient=patient, error=error), 422
