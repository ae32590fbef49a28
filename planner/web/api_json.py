"""The JSON API's answers: body maps, patients, plans and session records as JSON.

Instants carry their offset (UTC); a session's time is the clinic's, with the clinic's offset.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from planner.bodymaps.view import View
from planner.models import Patient, PlanRecord, SessionRecord


def number(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def view_json(view: View, regions: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"id": view.id, "label": dict(view.label), "version": view.version,
                           "width_mm": view.width_mm, "height_mm": view.height_mm,
                           "single_limb": view.single_limb, "snomed": view.snomed}
    if regions:
        out["regions"] = [{"id": r.id, "kind": r.kind, "label": dict(r.label),
                           "laterality": r.laterality, "snomed": r.snomed,
                           "area_cm2": round(r.area_cm2, 2)} for r in view.regions]
    return out


def patient_summary(p: Patient) -> dict[str, Any]:
    """A patient in a list: who, not their record."""
    return {"id": p.id, "record_number": p.record_number, "family_name": p.family_name,
            "given_name": p.given_name, "birth_date": p.birth_date.isoformat()}


def patient_json(p: Patient) -> dict[str, Any]:
    return {"id": p.id, "record_number": p.record_number, "family_name": p.family_name,
            "given_name": p.given_name, "birth_date": p.birth_date.isoformat(), "sex": p.sex,
            "weight_kg": number(p.weight_kg), "allergies": p.allergies,
            "anticoagulants": p.anticoagulants, "anticoagulant_details": p.anticoagulant_details,
            "pregnant": p.pregnant, "breastfeeding": p.breastfeeding,
            "bleeding_disorder": p.bleeding_disorder, "notes": p.notes,
            "language": p.language, "archived": p.archived, "version": p.version}


def plan_json(record: PlanRecord) -> dict[str, Any]:
    return {"id": record.id, "patient_id": record.patient_id, "title": record.title,
            "version": record.version, "points": record.points, "total_ml": record.total_ml,
            "updated_at": record.updated_at.isoformat(timespec="seconds"),
            "plan": json.loads(record.plan_json)}


def session_json(r: SessionRecord) -> dict[str, Any]:
    return {"id": r.id, "patient_id": r.patient_id, "plan_id": r.plan_id,
            "plan_version": r.plan_version, "status": r.status,
            # The clinic's time as typed, with the server's (the clinic's) offset, as in FHIR.
            "performed_at": r.performed_at.astimezone().isoformat(timespec="minutes"),
            # Who signed and performed as they were at the signing, whatever the accounts
            # became since (a rename, a role change); a draft's performer is the account's.
            "performed_by": r.performed_by_name,
            "performed_by_role": r.performer_role if r.signed else None,
            "points": r.points_done,
            "total_ml": r.total_ml, "pain_scale": r.pain_scale, "pain_before": r.pain_before,
            "pain_after": r.pain_after, "adverse_events": json.loads(r.adverse_json),
            "products": [{"product": p.product, "lot": p.lot,
                          "expiry": p.expiry.isoformat() if p.expiry else None}
                         for p in r.products],
            "signed_by": r.signed_by_name,
            "signed_by_role": r.signer_role if r.signed else None,
            "signed_at": r.signed_at.isoformat(timespec="seconds") if r.signed_at else None,
            "notes": r.notes}
