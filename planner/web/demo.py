"""Fictitious demo patients and plans, offered at first run and always marked DEMO."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from planner import engine
from planner.core.plan_reader import from_dict
from planner.core.plan_writer import dump
from planner.extensions import db
from planner.models import Patient, PlanRecord, SavedMixture, User, audit

# The demo's words in the first user's language (data the clinician sees on every page: an
# Italian clinic must not meet English in it). Drugs are known by their "drug" key, not the name.
WORDS = {
    "en": {"lidocaine": "lidocaine 2%", "thio": "thiocolchicoside 4 mg/2 mL",
           "saline": "saline 0.9%", "note": "Fictitious patient for trying the app.",
           "aspirin": "acetylsalicylic acid 100 mg", "title": "DEMO knee, medial",
           "area": "medial knee"},
    "it": {"lidocaine": "lidocaina 2%", "thio": "tiocolchicoside 4 mg/2 mL",
           "saline": "soluzione fisiologica 0,9%",
           "note": "Paziente fittizia per provare l'app.",
           "aspirin": "acido acetilsalicilico 100 mg", "title": "DEMO ginocchio, mediale",
           "area": "ginocchio mediale"},
    "es": {"lidocaine": "lidocaína 2%", "thio": "tiocolchicósido 4 mg/2 mL",
           "saline": "suero fisiológico 0,9%",
           "note": "Paciente ficticia para probar la aplicación.",
           "aspirin": "ácido acetilsalicílico 100 mg", "title": "DEMO rodilla, medial",
           "area": "rodilla medial"},
}


def lidocaine_mix(words: dict[str, str]) -> list[dict[str, str]]:
    return [
        {"name": words["lidocaine"], "drug": "lidocaine", "mg_per_ml": "20", "volume_ml": "1.00"},
        {"name": words["thio"], "drug": "thiocolchicoside", "mg_per_ml": "2", "volume_ml": "2.00"},
        {"name": words["saline"], "volume_ml": "2.00"},
    ]


def load_demo(user: User) -> None:
    """Add two fictitious patients (DEMO), a clinic mixture and a knee plan, in the user's
    language."""
    words = WORDS.get(user.language, WORDS["en"])
    mix = lidocaine_mix(words)
    db.session.add(SavedMixture(name="DEMO lido-thio", components_json=json.dumps(mix),
                                created_by_id=user.id))
    rossi = Patient(record_number="DEMO-001", family_name="Rossi (DEMO)", given_name="Maria",
                    birth_date=date(1958, 4, 12), sex="female", weight_kg=Decimal("68.0"),
                    allergies="", is_demo=True, notes=words["note"],
                    language=user.language)
    garcia = Patient(record_number="DEMO-002", family_name="García (DEMO)", given_name="Luis",
                     birth_date=date(1971, 11, 3), sex="male", weight_kg=Decimal("82.5"),
                     anticoagulants=True, anticoagulant_details=words["aspirin"],
                     is_demo=True, language=user.language)
    db.session.add_all([rossi, garcia])
    db.session.flush()
    doc = {"format": "mesoplanner.plan/1", "bodymap": "knee-anterior", "side": "right",
           "treatment": "antalgic", "mixtures": {"A": {"components": mix}},
           "areas": [{"label": words["area"], "region": "knee-anterior/medial",
                      "spacing_mm": 15, "pattern": "staggered"}]}
    result, _view = engine.run(from_dict(doc))
    db.session.add(PlanRecord(patient_id=rossi.id, title=words["title"],
                              treatment="antalgic", bodymap="knee-anterior",
                              bodymap_version=result.plan.bodymap_version, side="right",
                              plan_json=json.dumps(dump(result.plan)), points=len(result.xy),
                              total_ml=str(result.total_ml), is_demo=True,
                              created_by_id=user.id, updated_by_id=user.id))
    for patient in (rossi, garcia):
        audit(user, "create", "patient", patient.id, "demo")
