"""Batch recall: which patients and sessions received a product's lot, on screen and as CSV."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from planner.csv_files import safe, table
from planner.extensions import db
from planner.models import Patient, SessionProduct, SessionRecord, audit, search_key

bp = Blueprint("recall", __name__)

MIN_LOT = 2  # [our default]: a one-character lot would match half the clinic
MAX_ROWS = 5000  # [our default]: more than any recall of one clinic
RECALL_COLUMNS = ("record_number", "family_name", "given_name", "birth_date", "session_at",
                  "status", "performed_by", "product", "lot", "expiry", "session_record")


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


def read_query() -> tuple[dict[str, str], dict[str, str]]:
    """The search form's values and problems (the lot is needed)."""
    values = {k: request.args.get(k, "").strip()[:120] for k in ("product", "lot")}
    problems: dict[str, str] = {}
    if "lot" in request.args and len(search_key(values["lot"])) < MIN_LOT:
        problems["lot"] = _("Enter the lot number (at least %(n)d characters).", n=MIN_LOT)
    return values, problems


@bp.get("/recall")
def search() -> ResponseReturnValue:
    """Search sessions by product and lot number."""
    values, problems = read_query()
    rows = find(values["product"], values["lot"]) if values["lot"] and not problems else None
    if rows is not None:
        audit(current_user, "search", "recall", None, f"{len(rows)} sessions")
        db.session.commit()
    return render_template("records/recall.html", values=values, problems=problems,
                           rows=rows), 422 if problems else 200


@bp.get("/recall.csv")
def export() -> ResponseReturnValue:
    """The recall's result as CSV (one row per session and product), audited."""
    values, problems = read_query()
    if problems or not values["lot"]:
        return search()
    from planner.web.files import spreadsheet

    rows = find(values["product"], values["lot"])
    sheet = spreadsheet()
    text = table(RECALL_COLUMNS, ([safe(v) for v in (
        patient.record_number, patient.family_name, patient.given_name,
        patient.birth_date.isoformat(), record.performed_at.isoformat(timespec="minutes"),
        sheet.word(record.status), record.performed_by_name, product.product, product.lot,
        product.expiry.isoformat() if product.expiry else "", record.id)]
        for product, record, patient in rows), sheet)
    audit(current_user, "export", "recall", None, f"CSV, {len(rows)} sessions")
    db.session.commit()
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="recall.csv"'})
