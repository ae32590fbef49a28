"""Patients: list and search, create, edit, archive (never a hard delete), and the record page."""

from __future__ import annotations

import contextlib
import json
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm.exc import StaleDataError

from planner.extensions import db
from planner.formatting import clock_text
from planner.models import LANGUAGES, SEXES, Patient, audit, folded
from planner.search_index import in_index
from planner.web.i18n import current_locale

bp = Blueprint("patients", __name__, url_prefix="/patients")

TEXT_FIELDS = {"family_name": 100, "given_name": 100, "record_number": 40,
               "anticoagulant_details": 500, "allergies": 1000, "notes": 4000}
FLAGS = ("anticoagulants", "pregnant", "breastfeeding", "bleeding_disorder")
LIST_LIMIT = 200


def get_patient(patient_id: int) -> Patient:
    """A patient by id, or 404."""
    patient = db.session.get(Patient, patient_id)
    if patient is None:
        abort(404)
    return patient


def parse_form(form: Any, patient: Patient | None) -> tuple[dict[str, Any], dict[str, str]]:
    """Values and problems (by field) of a patient form; nothing is saved here."""
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for name, limit in TEXT_FIELDS.items():
        values[name] = form.get(name, "").strip()
        if len(values[name]) > limit:
            problems[name] = _("At most %(n)d characters.", n=limit)
    for name in ("family_name", "given_name"):
        if not values[name]:
            problems[name] = _("Required.")
    raw_birth = form.get("birth_date", "").strip()
    try:
        values["birth_date"] = date.fromisoformat(raw_birth)
        if not date(1900, 1, 1) <= values["birth_date"] <= date.today():
            problems["birth_date"] = _("Enter a birth date between 1900 and today.")
    except ValueError:
        values["birth_date"] = raw_birth
        problems["birth_date"] = _("Enter a date (year-month-day).") if raw_birth else \
            _("Required.")
    values["sex"] = form.get("sex", "")
    if values["sex"] not in SEXES:
        problems["sex"] = _("Choose one.")
    raw_weight = form.get("weight_kg", "").strip().replace(",", ".")
    values["weight_kg"] = None
    if raw_weight:
        try:
            weight = Decimal(raw_weight)
            if not weight.is_finite() or not Decimal("1") <= weight <= Decimal("400"):
                raise InvalidOperation
            values["weight_kg"] = weight.quantize(Decimal("0.1"))
        except InvalidOperation:
            values["weight_kg"] = form.get("weight_kg", "").strip()  # as typed, shown again
            problems["weight_kg"] = _("Enter a weight in kg between 1 and 400.")
    values["language"] = form.get("language", "").strip() or (
        patient.language if patient is not None else current_user.language)
    if values["language"] not in LANGUAGES:
        problems["language"] = _("Choose one.")
    for flag in FLAGS:
        values[flag] = form.get(flag) == "1"
    number = values["record_number"]
    if number:
        clash = db.session.scalar(select(Patient).where(Patient.record_number == number))
        if clash is not None and clash is not patient:
            problems["record_number"] = _("Another patient has this record number.")
    return values, problems


def next_record_number() -> str:
    """The next free automatic record number (MP-000001, MP-000002...)."""
    count = db.session.scalar(select(func.count()).select_from(Patient)) or 0
    while True:
        count += 1
        candidate = f"MP-{count:06d}"
        if db.session.scalar(select(Patient.id).where(Patient.record_number == candidate)) is None:
            return candidate


def search(query: str, archived: bool) -> list[Patient]:
    """Patients matching a name, a record number or a birth date (yyyy-mm-dd).

    Each word must match; accents and case are ignored, and % and _ are plain characters.
    """
    stmt = select(Patient).where(Patient.archived == archived)
    for word in query.split()[:5]:
        escaped = folded(word).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = Patient.search_text.like(f"%{escaped}%", escape="\\")
        born: ColumnElement[bool] | None = None
        with contextlib.suppress(ValueError):
            born = Patient.birth_date == date.fromisoformat(word)
        stmt = stmt.where(like if born is None else or_(like, born))
        # The index only narrows the rows (search_index.py); the LIKE above still decides.
        narrowed = in_index(db.engine, Patient.id, folded(word))
        if narrowed is not None:
            stmt = stmt.where(narrowed if born is None else or_(narrowed, born))
    if query.split():
        # Sorting the rows found must not walk the name index (ix_patients_name, for the list
        # with no search) through every patient, checking each: a birth date took 165 ms in
        # 100,000 patients on SQLite, 57 ms on PostgreSQL (bench/bench_search.py). "|| ''" gives
        # the same order with a sort key that index cannot serve.
        stmt = stmt.order_by(Patient.family_name.concat(""), Patient.given_name.concat(""))
    else:
        stmt = stmt.order_by(Patient.family_name, Patient.given_name)
    return list(db.session.scalars(stmt.limit(LIST_LIMIT)))


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
            values["record_number"] = values["record_number"] or next_record_number()
            patient = Patient(**values)
            db.session.add(patient)
            db.session.flush()
            audit(current_user, "create", "patient", patient.id)
            db.session.commit()
            flash(_("Patient saved."), "success")
            return redirect(url_for("patients.show", patient_id=patient.id), 303)
    status = 422 if problems else 200
    return render_template("patients/form.html", values=values, problems=problems,
                           patient=None), status


@bp.get("/<int:patient_id>")
def show(patient_id: int) -> ResponseReturnValue:
    """A patient's record: details, cautions, plans, cycles with their pain trend, sessions."""
    from planner.web import records  # records builds on plans, which builds on this module

    patient = get_patient(patient_id)
    audit(current_user, "view", "patient", patient.id)
    db.session.commit()
    cycles = [records.cycle_outcome(c, current_locale(), text=_) for c in patient.cycles]
    return render_template("patients/show.html", patient=patient, cycles=cycles,
                           week=timedelta(days=7),
                           records=records.patient_records(patient))


FIELDS = (*TEXT_FIELDS, "birth_date", "sex", "weight_kg", "language", *FLAGS)


def field_names() -> dict[str, str]:
    """The patient form's fields, as its labels name them."""
    return {"family_name": _("Family name"), "given_name": _("Given name"),
            "record_number": _("Record"), "anticoagulant_details": _("Which drug and dose"),
            "allergies": _("Allergies"), "notes": _("Notes"), "birth_date": _("Birth date"),
            "sex": _("Sex"), "weight_kg": _("Weight"), "language": _("Language"),
            "anticoagulants": _("Anticoagulant or antiplatelet therapy"),
            "pregnant": _("Pregnant"), "breastfeeding": _("Breastfeeding"),
            "bleeding_disorder": _("Bleeding disorder")}


def snapshot(patient: Patient) -> dict[str, str]:
    """The record's fields as text: what the form was opened with (to tell, at saving, what
    someone else changed meanwhile)."""
    return {k: "" if getattr(patient, k) is None else str(getattr(patient, k)) for k in FIELDS}


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
    from planner.models import AuditEvent, User

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
