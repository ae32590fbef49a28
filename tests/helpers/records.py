"""Session records: the record form, drafts and signed records made through the web pages."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

QUESTIONS = ("pregnancy", "breastfeeding", "bleeding", "allergy", "infection", "heart",
             "same-site")


CLEAR = {**{f"q-{code}": "no" for code in QUESTIONS}, "q-skin-test": "yes"}


# A patient with nothing to stop a session (the patients tests' VALID has warfarin).
HEALTHY = {"allergies": "", "anticoagulants": None, "anticoagulant_details": "",
           "weight_kg": "70"}


def form(**fields: Any) -> dict[str, Any]:
    """A complete record form (pain 7, lidocaine lot LIDO-1), overridden by ``fields``."""
    data = {"performed_at": "2026-10-05T10:00", "performer_id": "1", "pain_scale": "nrs",
            "pain_before": "7", "pain_after": "5", "product-0": "lidocaine 2%",
            "lot-0": "LIDO-1", "expiry-0": "2030-01-31", **CLEAR, **fields}
    return {k: v for k, v in data.items() if v is not None}


def record_id(response) -> int:
    assert response.status_code == 303, response.get_data(as_text=True)[-1500:]
    match = re.fullmatch(r"/records/(\d+)", urlsplit(response.location).path)
    assert match, response.location
    return int(match.group(1))


def row(app, rid: int) -> dict[str, Any]:
    """A record's stored columns, with its products and addenda."""
    from planner.extensions import db
    from planner.models import SessionRecord

    with app.app_context():
        r = db.session.get(SessionRecord, rid)
        if r is None:
            return {}
        out = {c.name: getattr(r, c.name) for c in SessionRecord.__table__.columns}
        out["products"] = [(p.product, p.lot, p.expiry) for p in r.products]
        out["addenda"] = [a.text for a in r.addenda]
        out["scheduled_status"] = r.scheduled.status if r.scheduled else None
        return out


def draft(doctor, session: int = 1, **fields: Any) -> int:
    return record_id(doctor(f"/sessions/{session}/record", form(**fields)))


def signed(doctor, session: int = 1, reason: str = "", **fields: Any) -> int:
    rid = draft(doctor, session, **fields)
    response = doctor(f"/records/{rid}/sign", {"version": "1", "override_reason": reason})
    assert response.status_code == 303, gate_text(response)
    return rid


def gate_text(response) -> str:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    gate = soup.select_one("[data-testid=gate]")
    return gate.get_text(" ", strip=True) if gate else soup.get_text(" ", strip=True)[:800]
