"""Batch recall: every session that received a product's lot (a safety notice names a lot)."""

from __future__ import annotations

from sqlalchemy import select

from planner.extensions import db
from planner.models import Patient, SessionProduct, SessionRecord, search_key

MIN_LOT = 2  # [our default]: a one-character lot would match half the clinic


MAX_ROWS = 5000  # [our default]: more than any recall of one clinic


def find(product: str, lot: str) -> list[tuple[SessionProduct, SessionRecord, Patient]]:
    """Every session that received ``lot`` (compared folded, without spaces or dashes), of a
    product whose name contains ``product`` when it is given; newest first."""
    query = (select(SessionProduct, SessionRecord, Patient)
             .join(SessionRecord, SessionProduct.record_id == SessionRecord.id)
             .join(Patient, SessionRecord.patient_id == Patient.id)
             .where(SessionProduct.lot_key == search_key(lot),
                    SessionRecord.status != "discarded"))
    if search_key(product):
        query = query.where(SessionProduct.product_key.contains(search_key(product),
                                                                autoescape=True))
    rows = db.session.execute(query.order_by(SessionRecord.performed_at.desc())
                              .limit(MAX_ROWS)).all()
    return [(p, r, pt) for p, r, pt in rows]
