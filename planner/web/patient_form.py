"""The patient form: its fields and their labels, and reading what was typed (values and
problems by field, in the user's language). The web page and the API both check with it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from planner.core import clinical
from planner.extensions import db
from planner.models import Patient
from planner.vocabulary import LANGUAGES, SEXES

TEXT_FIELDS = {"family_name": 100, "given_name": 100, "record_number": 40,
               "anticoagulant_details": 500, "allergies": 1000, "notes": 4000}


FLAGS = ("anticoagulants", "pregnant", "breastfeeding", "bleeding_disorder")


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
            low, high = (Decimal(str(x)) for x in clinical.WEIGHT_RANGE_KG)
            if not weight.is_finite() or not low <= weight <= high:
                raise InvalidOperation
            values["weight_kg"] = weight.quantize(Decimal("0.1"))
        except InvalidOperation:
            values["weight_kg"] = form.get("weight_kg", "").strip()  # as typed, shown again
            problems["weight_kg"] = _("Enter a weight in kg between %(low)d and %(high)d.",
                                      low=clinical.WEIGHT_RANGE_KG[0],
                                      high=clinical.WEIGHT_RANGE_KG[1])
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


