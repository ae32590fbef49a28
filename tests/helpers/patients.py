"""Patients made and edited through the web pages."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

VALID = {"family_name": "Bianchi", "given_name": "Anna", "birth_date": "1961-03-12",
         "sex": "female", "weight_kg": "64.5", "allergies": "penicillin",
         "anticoagulants": "1", "anticoagulant_details": "warfarin 5 mg", "notes": "left knee"}


def add(doctor, **fields: Any):
    """POST a new patient (VALID, overridden by ``fields``; None drops a field)."""
    data = {k: v for k, v in {**VALID, **fields}.items() if v is not None}
    return doctor("/patients/new", data)


def created_id(response) -> int:
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    match = re.fullmatch(r"/patients/(\d+)", urlsplit(response.location).path)
    assert match, response.location
    return int(match.group(1))


def patients(app) -> list[Any]:
    from sqlalchemy import select

    from planner.extensions import db
    from planner.models import Patient

    with app.app_context():
        found = list(db.session.scalars(select(Patient).order_by(Patient.id)))
        db.session.expunge_all()
        return found


def edit_form(patient: Any, **changes: Any) -> dict[str, str]:
    data = {"family_name": patient.family_name, "given_name": patient.given_name,
            "birth_date": patient.birth_date.isoformat(), "sex": patient.sex,
            "weight_kg": "" if patient.weight_kg is None else str(patient.weight_kg),
            "record_number": patient.record_number, "allergies": patient.allergies,
            "anticoagulant_details": patient.anticoagulant_details, "notes": patient.notes,
            "version": str(patient.version)}
    for flag in ("anticoagulants", "pregnant", "breastfeeding", "bleeding_disorder"):
        if getattr(patient, flag):
            data[flag] = "1"
    data.update(changes)
    return data
