"""Treatment cycles: a saved plan repeated over sessions scheduled on planned dates."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.extensions import db
from planner.models.times import UtcInstant, now

if TYPE_CHECKING:
    from planner.models.plans import PlanRecord
    from planner.models.records import SessionRecord


class Cycle(db.Model):  # type: ignore[name-defined,misc]
    """A treatment cycle: a saved plan repeated over scheduled sessions (planner.core.cycles)."""

    __tablename__ = "cycles"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    template: Mapped[str] = mapped_column(String(30))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcInstant, default=now)

    plan: Mapped[PlanRecord] = relationship()
    sessions: Mapped[list[ScheduledSession]] = relationship(
        back_populates="cycle", order_by="ScheduledSession.number")


class ScheduledSession(db.Model):  # type: ignore[name-defined,misc]
    """One session of a cycle, on its planned date: "planned", then "done" once its record is
    signed, or "cancelled"."""

    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("cycles.id"), index=True)
    number: Mapped[int]
    planned_on: Mapped[date] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(12), default="planned")
    # A cancelled session: who cancelled it, when, and why (web/cycles.py; migration 0011).
    cancel_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    cancelled_by_name: Mapped[str | None] = mapped_column(String(120))  # as at the cancelling
    cancelled_at: Mapped[datetime | None] = mapped_column(UtcInstant)

    cycle: Mapped[Cycle] = relationship(back_populates="sessions")
    record: Mapped[SessionRecord | None] = relationship(back_populates="scheduled")
