"""Fictitious demo patients and plans, offered at first run and always marked DEMO."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from planner import engine
from planner.core.plan import dump, from_dict
from planner.extensions import db
from planner.models import Patient, PlanRecord, SavedMixture, User, audit

LIDOCAINE_MIX = [
    {"name": "lidocaine 2%", "drug": "lidocaine", "mg_per_ml": "20", "volume_ml": "1.00"},
    {"name": "thiocolchicoside 4 mg/2 mL", "drug": "thiocolchicoside", "mg_per_ml": "2",
     "volume_ml": "2.00"},
    {"name": "saline 0.9%", "volume_ml": "2.00"},
]


def load_demo(user: User) -> None:
    """Add two fictitious patients (DEMO), a clinic mixture and a knee plan."""
    db.session.add(SavedMixture(name="DEMO lido-thio", components_json=json.dumps(LIDOCAINE_MIX),
                                created_by_id=user.id))
    rossi = Patient(record_number="DEMO-001", family_name="Rossi (DEMO)", given_name="Maria",
                    birth_date=date(1958, 4, 12), sex="female", weight_kg=Decimal("68.0"),
                    allergies="", is_demo=True, notes="Fictitious patient for trying the app.")
    garcia = Patient(record_number="DEMO-002", family_name="García (DEMO)", given_name="Luis",
                     birth_date=date(1971, 11, 3), sex="male", weight_kg=Decimal("82.5"),
                     anticoagulants=True, anticoagulant_details="acetylsalicylic acid 100 mg",
                     is_demo=True)
    db.session.add_all([rossi, garcia])
    db.session.flush()
    doc = {"format": "mesoplanner.plan/1", "bodymap": "knee-anterior", "side": "right",
           "treatment": "antalgic", "mixtures": {"A": {"components": LIDOCAINE_MIX}},
           "areas": [{"label": "medial knee", "region": "knee-anterior/medial",
                      "spacing_mm": 15, "pattern": "staggered"}]}
    result, _view = engine.run(from_dict(doc))
    db.session.add(PlanRecord(patient_id=rossi.id, title="DEMO knee, medial",
                              treatment="antalgic", bodymap="knee-anterior",
                              bodymap_version=result.plan.bodymap_version, side="right",
                              plan_json=json.dumps(dump(result.plan)), points=len(result.xy),
                              total_ml=str(result.total_ml), is_demo=True,
                              created_by_id=user.id, updated_by_id=user.id))
    for patient in (rossi, garcia):
        audit(user, "create", "patient", patient.id, "demo")
