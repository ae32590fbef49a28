"""Batch recall: which patients and sessions received a product's lot, on screen and as CSV."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from planner.csv_files import safe, table
from planner.extensions import db
from planner.models import audit, search_key
from planner.services.recall import MIN_LOT, find
from planner.web.downloads import csv_response, spreadsheet

bp = Blueprint("recall", __name__)

RECALL_COLUMNS = ("record_number", "family_name", "given_name", "birth_date", "session_at",
                  "status", "performed_by", "product", "lot", "expiry", "session_record")


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
    return csv_response(text, "recall.csv")
