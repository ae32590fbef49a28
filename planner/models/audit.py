"""The audit trail: who did what to which record, and when, in an append-only hash chain."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import g, has_request_context
from sqlalchemy import ForeignKey, String, event, select
from sqlalchemy.orm import Mapped, mapped_column

from planner.audit_chain import GENESIS, event_hash
from planner.extensions import db
from planner.models.accounts import User
from planner.models.times import UtcInstant, now


class AuditEvent(db.Model):  # type: ignore[name-defined,misc]
    """Who did what to which record, and when; never holds patient data itself.

    Append-only: triggers refuse UPDATE and DELETE (migration 0011), and each event carries the
    hash of the one before (``seq`` orders the chain; planner/audit_chain.py), so that a change
    made behind the app's back shows up in ``mesoplanner audit verify``.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcInstant, default=now, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None]
    detail: Mapped[str] = mapped_column(String(200), default="")
    seq: Mapped[int | None] = mapped_column(unique=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    row_hash: Mapped[str | None] = mapped_column(String(64))


class AuditHead(db.Model):  # type: ignore[name-defined,misc]
    """The end of the audit chain: one row (id 1), locked by every transaction that adds events,
    so that the chain is written one transaction at a time (planner/audit_chain.py)."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


def audit(user: User | None, action: str, entity: str, entity_id: int | None,
          detail: str = "") -> None:
    """Add an audit event to the current transaction (committed with the change itself); its
    place in the hash chain is given when it is written (planner/audit_chain.py)."""
    db.session.add(AuditEvent(at=now(), user_id=user.id if user is not None else None,
                              action=action, entity=entity, entity_id=entity_id,
                              detail=detail[:200]))
    if has_request_context():
        g.audited = True  # this request left its row (web/audit_reads.py adds one otherwise)


@event.listens_for(db.session.__class__, "before_flush")
def _chain_audit_events(session: Any, _context: object, _instances: object) -> None:
    """Give the new audit events their place in the chain, in the order they were added: lock
    the head row (an UPDATE, which takes PostgreSQL's row lock and SQLite's write lock, so two
    transactions never chain onto the same event), then hash each onto the one before."""
    new = sorted((obj for obj in session.new if isinstance(obj, AuditEvent) and obj.seq is None),
                 key=lambda obj: obj.at or now())
    if not new:
        return
    connection = session.connection()
    head_table = AuditHead.__table__
    locked = connection.execute(head_table.update().where(head_table.c.id == 1)
                                .values(seq=head_table.c.seq)).rowcount
    if not locked:
        connection.execute(head_table.insert().values(id=1, seq=0, last_hash=GENESIS))
    seq, last = connection.execute(select(head_table.c.seq, head_table.c.last_hash)
                                   .where(head_table.c.id == 1)).one()
    for obj in new:
        obj.at = obj.at or now()
        seq += 1
        obj.seq, obj.prev_hash = seq, last
        obj.row_hash = last = event_hash(last, seq, obj.at, obj.user_id, obj.action,
                                         obj.entity, obj.entity_id, obj.detail or "")
    connection.execute(head_table.update().where(head_table.c.id == 1)
                       .values(seq=seq, last_hash=last))
