"""The audit trail, for the administrator: who viewed, created, changed, printed or exported
which record, and when. Read-only: no route of the app changes or deletes an audit event."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Blueprint, Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from planner.csv_files import safe
from planner.extensions import db
from planner.models import AuditEvent, User, audit
from planner.web import audit_words

bp = Blueprint("audit", __name__)

PAGE = 100  # events per page
FIRST_YEAR, LAST_YEAR = 1900, 9000  # the filter's dates (year 1 or 9999 overflow the time zone)
MAX_EXPORT = 100_000  # [our default]: a year of a busy clinic; narrow the filter for more
ACTIONS = ("view", "create", "update", "delete", "copy", "print", "export", "import", "search",
           "sign", "override", "discard", "cancel", "revoke", "login", "logout", "login-failed",
           "login-refused", "denied", "refused", "unlock", "archive", "restore")
ENTITIES = ("patient", "plan", "mixture", "cycle", "session", "session_record", "addendum",
            "recall", "settings", "user", "api_token", "audit", "database", "page", "consent",
            "consent_text", "photo")


def filters() -> tuple[dict[str, str], dict[str, str]]:
    """The filter form's values and problems (query string: no patient data in it)."""
    values = {k: request.args.get(k, "").strip()[:40] for k in (
        "user", "action", "entity", "entity_id", "since", "until")}
    problems: dict[str, str] = {}
    for name in ("user", "entity_id"):
        if values[name] and not (values[name].isascii() and values[name].isdigit()
                                 and len(values[name]) <= 9):
            problems[name] = _("Enter a whole number.")
    for name in ("since", "until"):
        if values[name]:
            try:
                day = date.fromisoformat(values[name])
            except ValueError:
                problems[name] = _("Enter a date (year-month-day).")
                continue
            if not FIRST_YEAR <= day.year <= LAST_YEAR:
                problems[name] = _("Enter a date between %(first)d and %(last)d.",
                                   first=FIRST_YEAR, last=LAST_YEAR)
    if values["action"] and values["action"] not in ACTIONS:
        problems["action"] = _("Choose an action from the list.")
    if values["entity"] and values["entity"] not in ENTITIES:
        problems["entity"] = _("Choose a kind of record from the list.")
    return values, problems


def query(values: dict[str, str]) -> Any:
    """The events matching the filter, newest first."""
    q = select(AuditEvent, User).outerjoin(User, AuditEvent.user_id == User.id)
    if values["user"]:
        q = q.where(AuditEvent.user_id == int(values["user"]))
    if values["action"]:
        q = q.where(AuditEvent.action == values["action"])
    if values["entity"]:
        q = q.where(AuditEvent.entity == values["entity"])
    if values["entity_id"]:
        q = q.where(AuditEvent.entity_id == int(values["entity_id"]))
    if values["since"]:
        q = q.where(AuditEvent.at >= day_start_utc(values["since"]))
    if values["until"]:
        q = q.where(AuditEvent.at < day_start_utc(values["until"], days_after=1))
    return q.order_by(AuditEvent.id.desc())


def day_start_utc(day: str, days_after: int = 0) -> datetime:
    """The first instant of a day of the clinic's calendar (the server's time zone, as the page
    shows the times), in UTC as the events are stored."""
    start = datetime.fromisoformat(day) + timedelta(days=days_after)
    return start.astimezone(UTC)


@bp.get("/audit")
def index() -> ResponseReturnValue:
    """The trail, filtered, a page at a time."""
    values, problems = filters()
    page = request.args.get("page", "1")
    number = int(page) if page.isascii() and page.isdigit() and 0 < len(page) <= 6 else 1
    rows: list[Any] = []
    total = 0
    if not problems:
        q = query(values)
        total = db.session.scalar(select(func.count()).select_from(q.subquery())) or 0
        rows = list(db.session.execute(q.limit(PAGE).offset((max(number, 1) - 1) * PAGE)))
    everyone = db.session.scalars(select(User).order_by(User.full_name)).all()
    return render_template("audit/index.html", values=values, problems=problems, rows=rows,
                           total=total, page=max(number, 1), pages=max(1, -(-total // PAGE)),
                           users=everyone, actions=ACTIONS, entities=ENTITIES,
                           action_names=audit_words.action_names(),
                           entity_names=audit_words.entity_names(),
                           detail_words=audit_words.detail_words), \
        422 if problems else 200


@bp.get("/audit.csv")
def export() -> ResponseReturnValue:
    """The filtered trail as CSV; the export is itself audited."""
    values, problems = filters()
    if problems:
        return index()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "at", "user_id", "user", "action", "entity", "entity_id", "detail"])
    count = 0
    for event, user in db.session.execute(query(values).limit(MAX_EXPORT)):
        writer.writerow([safe(v) for v in (
            event.id, event.at.isoformat(timespec="seconds"), event.user_id or "",
            user.username if user else "", event.action, event.entity,
            event.entity_id if event.entity_id is not None else "", event.detail)])
        count += 1
    audit(current_user, "export", "audit", None, f"CSV, {count} events")
    db.session.commit()
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="audit.csv"'})
