"""The records a page's URL names, or 404: a patient, a saved plan, a photo."""

from __future__ import annotations

from flask import abort

from planner.extensions import db
from planner.models import Patient, Photo, PlanRecord


def get_patient(patient_id: int) -> Patient:
    """A patient by id, or 404."""
    patient = db.session.get(Patient, patient_id)
    if patient is None:
        abort(404)
    return patient


def get_plan(plan_id: int) -> PlanRecord:
    """A saved plan by id, or 404."""
    record = db.session.get(PlanRecord, plan_id)
    if record is None:
        abort(404)
    return record


def get_photo(photo_id: int) -> Photo:
    """A photo by id, or 404."""
    photo = db.session.get(Photo, photo_id)
    if photo is None:
        abort(404)
    return photo
