"""Plans previewed and saved through the web pages."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

LIDOCAINE = {"components": [
    {"name": "lidocaine 2%", "drug": "lidocaine", "mg_per_ml": 20, "volume_ml": "1.00"},
    {"name": "saline 0.9%", "volume_ml": "1.00"},
]}


def knee_plan(**area: Any) -> dict[str, Any]:
    """A medial-knee plan; 0.50 mL per point of a 1:1 lidocaine 2% mixture (10 mg/mL)."""
    return {"format": "mesoplanner.plan/1", "bodymap": "knee-anterior", "side": "right",
            "treatment": "antalgic", "mixtures": {"A": LIDOCAINE},
            "areas": [{"label": "medial knee", "region": "knee-anterior/medial",
                       "spacing_mm": 15, "volume_ml": "0.50", "mixture": "A", **area}]}


def engine_result(doc: dict[str, Any], weight: float | None = None):
    """What `mesoplanner grid` computes for the document."""
    from planner import engine
    from planner.core.plan_reader import from_dict

    doc = dict(doc)
    if weight is not None:
        doc["patient"] = {"weight_kg": weight}
    return engine.run(from_dict(doc))[0]


def warning_codes(html: str) -> list[str]:
    return re.findall(r'data-code="([^"]+)"', html)


def plan_error(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    alert = soup.find(id="plan-error")  # its first line; the second says the map is stale
    return alert.find("p").get_text(" ", strip=True) if alert else ""


def records(app) -> list[Any]:
    from sqlalchemy import select

    from planner.extensions import db
    from planner.models import PlanRecord

    with app.app_context():
        found = list(db.session.scalars(select(PlanRecord).order_by(PlanRecord.id)))
        db.session.expunge_all()
        return found


def preview(doctor, patient_id: int, doc: Any, raw: str | None = None, **kwargs: Any):
    plan = raw if raw is not None else json.dumps(doc)
    return doctor("/plans/preview", {"patient_id": str(patient_id), "plan": plan},
                  headers={"HX-Request": "true"}, **kwargs)


def save(doctor, patient_id: int, doc: Any, raw: str | None = None, **fields: Any):
    plan = raw if raw is not None else json.dumps(doc)
    return doctor("/plans/save", {"patient_id": str(patient_id), "plan": plan,
                                  "title": "Knee, medial", **fields})


def saved_id(response) -> int:
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    match = re.fullmatch(r"/plans/(\d+)", urlsplit(response.location).path)
    assert match, response.location
    return int(match.group(1))


def field_words(path: str, language: str = "en") -> str:
    """A plan file's field as the pages and printouts name it ("Area 1 · spacing" for
    ``areas[0].spacing_mm``), in ``language``."""
    from babel.support import Translations

    from planner.core.field_words import field_message
    from planner.formatting import digits_text

    catalogue = Translations.load(str(Path(__file__).resolve().parents[2] / "planner" /
                                      "translations"), [language])
    return field_message(path).render(catalogue.gettext, lambda d: digits_text(d, language),
                                      language)
