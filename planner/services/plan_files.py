"""Plan files (PLAN-FORMAT.md) in and out of a patient's record: an import is checked and
computed for the patient, then saved like any plan; an export is the saved file itself."""

from __future__ import annotations

import json
from typing import Any

from planner.core.plan_reader import loads
from planner.extensions import db
from planner.models import Patient, PlanRecord, User, audit
from planner.services.plans import compute_doc
from planner.services.refusals import NotAPlanFile


def import_plan_file(data: bytes, file_name: str, patient: Patient, actor: User
                     ) -> dict[str, Any]:
    """The plan document of an uploaded file, checked and computed for ``patient`` (the file's
    weight is dropped: the record's counts). Nothing is saved but the audit event of the import:
    the clinician saves the plan from the editor.

    PlanError: the plan file's own problem, naming the field. NotAPlanFile: not JSON at all.
    """
    try:
        loads(data)  # the plan file's own checks (PLAN-FORMAT.md), naming the field
        doc = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise NotAPlanFile(file_name) from None
    doc.pop("patient", None)  # the weight comes from this patient's record
    compute_doc(doc, patient)
    audit(actor, "import", "patient", patient.id, f"plan file {file_name[:80]}")
    db.session.commit()
    return dict(doc)


def export_plan_file(record: PlanRecord, actor: User) -> tuple[str, str]:
    """The saved plan file and its name (the plan's number, never the patient's name), its
    export audited. It carries no patient data: the weight stays in the record."""
    audit(actor, "export", "plan", record.id, f"plan file, version {record.version}")
    db.session.commit()
    return f"mesoplanner-plan-{record.id}-v{record.version}.json", record.plan_json
