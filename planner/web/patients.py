"""Patients: list and search, create, edit, archive (never a hard delete), and the record page."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from planner.extensions import db
from planner.formatting import clock_text
from planner.models import AuditEvent, Patient, User, audit
from planner.services.consents import patient_consents
from planner.services.cycle_outcomes import cycle_outcome
from planner.services.patients import create_patient, search
from planner.services.session_records import patient_records
from planner.web.i18n import current_locale
from planner.web.lookups import get_patient
from planner.web.patient_form import FIELDS, FLAGS, field_names, parse_form, snapshot
from planner.wording import treatment_names

bp = Blueprint("patients", __name__, url_prefix="/patients")


@bp.route("", methods=["GET", "POST"])
def index() -> ResponseReturnValue:
    """The patient list; the search is POSTed so that no name ever appears in a URL."""
    query = request.form.get("q", "").strip()[:100] if request.method == "POST" else ""
    archived = request.values.get("archived") == "1"
    patients = search(query, archived)
    if request.headers.get("HX-Request"):
        return render_template("patients/_rows.html", patients=patients, query=query)
    return render_template("patients/index.html", patients=patients, query=query,
                           archived=archived)


@bp.route("/new", methods=["GET", "POST"])
def create() -> ResponseReturnValue:
    """A new patient."""
    values: dict[str, Any] = {"sex": "", "language": current_user.language,
                              **dict.fromkeys(FLAGS, False)}
    problems: dict[str, str] = {}
    if request.method == "POST":
        values, problems = parse_form(request.form, None)
        if not problems:
            patient = create_patient(values, current_user)
            flash(_("Patient saved."), "success")
            return redirect(url_for("patients.show", patient_id=patient.id), 303)
    status = 422 if problems else 200
    return render_template("patients/form.html", values=values, problems=problems,
                           patient=None), status


@bp.get("/<int:patient_id>")
def show(patient_id: int) -> ResponseReturnValue:
    """A patient's record: details, cautions, plans, cycles with their pain trend, sessions."""
    patient = get_patient(patient_id)
    audit(current_user, "view", "patient", patient.id)
    db.session.commit()
    cycles = [cycle_outcome(c, current_locale(), text=_) for c in patient.cycles]
    return render_template("patients/show.html", patient=patient, cycles=cycles,
                           week=timedelta(days=7), treatments=treatment_names(_),
                           records=patient_records(patient),
                           consents=patient_consents(patient.id))


@bp.route("/<int:patient_id>/edit", methods=["GET", "POST"])
def edit(patient_id: int) -> ResponseReturnValue:
    """Change a patient's details. A save based on an old version is refused, never written
    over what someone else saved: the form comes back with both, and what changed."""
    patient = get_patient(patient_id)
    values = {c: getattr(patient, c) for c in FIELDS}
    problems: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        values, problems = parse_form(request.form, patient)
        if request.form.get("version", type=int) != patient.version:
            return stale(patient, values, problems)
        if not problems:
            values["record_number"] = values["record_number"] or patient.record_number
            changed = sorted(k for k, v in values.items() if getattr(patient, k) != v)
            for key, value in values.items():
                setattr(patient, key, value)
            patient.version += 1
            audit(current_user, "update", "patient", patient.id, ", ".join(changed))
            try:
                db.session.commit()
            except StaleDataError:  # saved by someone else between the check and now
                db.session.rollback()
                return stale(get_patient(patient_id), values, problems)
            flash(_("Patient saved."), "success")
            return redirect(url_for("patients.show", patient_id=patient.id), 303)
        status = 422
    return render_template("patients/form.html", values=values, problems=problems,
                           patient=patient, original=snapshot(patient)), status


def stale(patient: Patient, values: dict[str, Any], problems: dict[str, str]
          ) -> ResponseReturnValue:
    """409: the record changed since the form was opened. The form keeps what was typed; the
    message says who changed what, and saving again (on the new version) keeps the typed values."""
    try:
        original = json.loads(request.form.get("original", "{}"))
    except ValueError:
        original = {}
    now_saved = snapshot(patient)
    names = field_names()
    changed = [f"{names[k]}: {now_saved[k] or '—'}" for k in FIELDS
               if isinstance(original, dict) and original.get(k, now_saved[k]) != now_saved[k]]
    flash(_("%(who)s saved this patient at %(when)s while you were editing; nothing of yours was "
            "saved. They changed: %(fields)s. Your values are below: check them and save again "
            "to keep them.", who=patient_editor(patient), when=clock_text(patient.updated_at),
            fields="; ".join(changed) or _("nothing you can see here")), "error")
    return render_template("patients/form.html", values=values, problems=problems,
                           patient=patient, original=now_saved), 409


def patient_editor(patient: Patient) -> str:
    """Who last changed the patient (from the audit trail)."""
    event = db.session.scalar(select(AuditEvent).where(
        AuditEvent.entity == "patient", AuditEvent.entity_id == patient.id,
        AuditEvent.action.in_(("update", "create"))).order_by(AuditEvent.id.desc()).limit(1))
    user = db.session.get(User, event.user_id) if event and event.user_id else None
    return user.full_name if user else str(_("Someone"))


@bp.post("/<int:patient_id>/archive")
def archive(patient_id: int) -> ResponseReturnValue:
    """Archive a patient (hidden from the list, never deleted); POST restore=1 to undo."""
    patient = get_patient(patient_id)
    restore = request.form.get("restore") == "1"
    patient.archived = not restore
    audit(current_user, "restore" if restore else "archive", "patient", patient.id)
    db.session.commit()
    flash(_("Patient restored.") if restore else _("Patient archived."), "success")
    return redirect(url_for("patients.show", patient_id=patient.id), 303)
