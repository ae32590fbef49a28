"""Plans in a patient's record: compute one for the patient, save a version, copy, export.

A saved plan is versioned: every save is a new version of its row, guarded by the version the
editor read. A plan that a signed session used is never changed: saving it makes a new plan.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from planner import engine
from planner.bodymaps.view import View
from planner.core.compute import Result
from planner.core.messages import N_, PlanError
from planner.core.plan import Plan
from planner.core.plan_reader import from_dict
from planner.core.plan_writer import dump
from planner.extensions import db
from planner.models import Cycle, Patient, PlanRecord, SessionRecord, User, audit, now
from planner.services.photo_plans import beyond_reach, plan_photo
from planner.services.refusals import Changed


@dataclass(frozen=True)
class Saved:
    """A saved plan, and the plan it was copied from when that one was kept as signed."""

    record: PlanRecord
    kept: PlanRecord | None = None


def with_patient(doc: dict[str, Any], patient: Patient) -> dict[str, Any]:
    """The plan document with the weight from the patient's record (never from the browser)."""
    doc = {k: v for k, v in doc.items() if k != "patient"}
    if patient.weight_kg is not None:
        doc["patient"] = {"weight_kg": float(patient.weight_kg)}
    return doc


def compute_doc(doc: object, patient: Patient) -> tuple[Result, View | None]:
    """Validate and compute a plan document for a patient (PlanError when invalid: a plan
    on a photo must be on one of the patient's calibrated photos)."""
    if not isinstance(doc, dict):
        raise PlanError("plan", N_("must be a JSON object"))
    plan = from_dict(with_patient(doc, patient))
    ground = plan_photo(plan, patient)
    result, view = engine.run(plan)
    return (result if ground is None else beyond_reach(result, ground)), view


def without_patient(plan: Plan) -> Plan:
    """The plan as stored: the weight stays in the patient's record, not in the plan file."""
    return replace(plan, weight_kg=None)


def used_in_signed(plan: PlanRecord) -> bool:
    """Whether a signed session record was made from this plan: it is then never edited in
    place (saving makes a new plan), so what the plan said stays what was signed."""
    return db.session.scalar(
        select(SessionRecord.id).where(SessionRecord.plan_id == plan.id,
                                       SessionRecord.status == "signed").limit(1)) is not None


def save_plan(patient: Patient, record: PlanRecord | None, doc: dict[str, Any], title: str,
              actor: User, version: int | None, via: str = "",
              computed: Result | None = None) -> Saved:
    """Save a plan document into the patient's record: a new plan (``record`` None) or the
    next version of ``record``, read at ``version``; committed with its audit event.

    PlanError: the document does not compute. Changed: the plan moved on since ``version``
    (or in the very moment of saving), nothing written. A plan that a signed session used
    stays as it was: the changes become a new plan copied from it, and the cycles that followed
    it follow the new one (``Saved.kept`` is the plan kept). ``via``: the audit event's detail
    (the API's events say "API"). ``computed``: the document already computed for the patient
    by the caller (the API checks it before its schema), not computed again.
    """
    result = computed if computed is not None else compute_doc(doc, patient)[0]
    if record is not None and version != record.version:
        raise Changed(record)
    saved = dump(without_patient(result.plan))
    kept = record if record is not None and used_in_signed(record) else None
    if record is None or kept is not None:
        record = PlanRecord(patient_id=patient.id, created_by_id=actor.id,
                            copied_from_id=kept.id if kept else None)
        db.session.add(record)
    else:
        record.version += 1
    _store(record, saved, result, title, actor)
    try:
        db.session.flush()
        if kept is not None:
            for cycle in db.session.scalars(select(Cycle).where(Cycle.plan_id == kept.id)):
                cycle.plan_id = record.id  # the cycle's next sessions follow the new plan
            audit(actor, "create", "plan", record.id, ", ".join(filter(None, (
                f"new plan from plan {kept.id}, which a signed session used", via))))
        else:
            audit(actor, "create" if record.version == 1 else "update", "plan", record.id, via)
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise Changed(None) from None
    return Saved(record, kept)


def _store(record: PlanRecord, doc: dict[str, Any], result: Result, title: str,
           actor: User) -> None:
    """Copy a computed plan's summary and file onto its record, saved by ``actor``."""
    record.title = title
    record.treatment = result.plan.treatment
    record.bodymap = result.plan.bodymap
    record.bodymap_version = result.plan.bodymap_version
    record.side = result.plan.side
    record.plan_json = json.dumps(doc, ensure_ascii=False)
    record.points = len(result.xy)
    record.total_ml = str(result.total_ml)
    record.updated_by_id = actor.id
    record.updated_at = now()


def copy_plan(source: PlanRecord, actor: User) -> PlanRecord:
    """A new plan for the next session, starting from ``source``; committed."""
    record = PlanRecord(patient_id=source.patient_id, title=source.title,
                        treatment=source.treatment, bodymap=source.bodymap,
                        bodymap_version=source.bodymap_version, side=source.side,
                        plan_json=source.plan_json, points=source.points,
                        total_ml=source.total_ml, copied_from_id=source.id,
                        created_by_id=actor.id, updated_by_id=actor.id)
    db.session.add(record)
    db.session.flush()
    audit(actor, "copy", "plan", record.id, f"from plan {source.id}")
    db.session.commit()
    return record
