"""Session records: the record form, drafts and signed records made through the web pages."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from tests.helpers.users import PASSWORD

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


# A signature as the pad sends it: one pen stroke across the box, a name's width of ink.
SIGNATURE = json.dumps({"strokes": [{"pointer": "pen", "points": [
    [40, 120, 0], [120, 60, 80], [200, 140, 160], [280, 70, 240], [360, 130, 320]]}]})


def consent_form(**fields: Any) -> dict[str, Any]:
    """A complete consent form (version 1 in English, photos for the record only)."""
    data = {"language": "en", "text_version": "1", "signer_name": "Maria Rossi",
            "photos_record": "yes", "photos_teaching": "no", "strokes": SIGNATURE, **fields}
    return {k: v for k, v in data.items() if v is not None}


# The day of a patient's first visit in the tests, before every session they record.
FIRST_VISIT = datetime(2026, 1, 2, 9, tzinfo=UTC)


def consented(doctor, patient: int = 1, treatment: str = "antalgic", app=None,
              **fields: Any) -> None:
    """The patient signs the consent to ``treatment`` on the screen; with ``app``, as if on
    their first visit (FIRST_VISIT), before the sessions a test records on past days (a
    consent signed after its session blocks the signing: core/checklist.py)."""
    response = doctor(f"/patients/{patient}/consent/{treatment}", consent_form(**fields))
    assert response.status_code == 303, response.get_data(as_text=True)[-1500:]
    if app is not None:
        from sqlalchemy import update

        from planner.extensions import db
        from planner.models import Consent

        with app.app_context():
            db.session.execute(update(Consent).where(
                Consent.patient_id == patient, Consent.treatment == treatment).values(
                signed_at=FIRST_VISIT))
            db.session.commit()


def sign(doctor, rid: int, version: int | str = 1, reason: str = "", **fields: Any):
    """The doctor signs a record, confirming with their password."""
    return doctor(f"/records/{rid}/sign", {"version": str(version), "override_reason": reason,
                                           "password": PASSWORD, **fields})


def draft(doctor, session: int = 1, **fields: Any) -> int:
    return record_id(doctor(f"/sessions/{session}/record", form(**fields)))


def signed(doctor, session: int = 1, reason: str = "", **fields: Any) -> int:
    """A record of a cycle's session, signed (the patient has signed the consent)."""
    rid = draft(doctor, session, **fields)
    response = sign(doctor, rid, 1, reason)
    assert response.status_code == 303, gate_text(response)
    return rid


def gate_text(response) -> str:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    gate = soup.select_one("[data-testid=gate]")
    return gate.get_text(" ", strip=True) if gate else soup.get_text(" ", strip=True)[:800]
