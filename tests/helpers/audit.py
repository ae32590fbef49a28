"""The audit trail as the tests read it."""

from __future__ import annotations


def audit_count(app) -> int:
    from sqlalchemy import func, select

    from planner.extensions import db
    from planner.models import AuditEvent

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEvent)) or 0


def events(app, action: str | None = None) -> list[tuple[str, str, int | None, str]]:
    from sqlalchemy import select

    from planner.extensions import db
    from planner.models import AuditEvent

    with app.app_context():
        q = select(AuditEvent).order_by(AuditEvent.id)
        if action:
            q = q.where(AuditEvent.action == action)
        return [(e.action, e.entity, e.entity_id, e.detail) for e in db.session.scalars(q)]


def audit_actions(app, entity: str) -> list[tuple[str, str]]:
    from sqlalchemy import select

    from planner.extensions import db
    from planner.models import AuditEvent

    with app.app_context():
        return [(e.action, e.detail) for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.entity == entity).order_by(AuditEvent.id))]
