"""The patients: identity, and what matters before injecting."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import Index, Numeric, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.extensions import db
from planner.models.search_keys import folded
from planner.models.times import UtcInstant, now

if TYPE_CHECKING:
    from planner.models.cycles import Cycle
    from planner.models.plans import PlanRecord


class Patient(db.Model):  # type: ignore[name-defined,misc]
    """A patient's record: identity and what matters before injecting."""

    __tablename__ = "patients"
    # The list with no search, in alphabetical order (migration 0007; see patients.search).
    __table_args__ = (Index("ix_patients_name", "family_name", "given_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_number: Mapped[str] = mapped_column(String(40), unique=True)
    family_name: Mapped[str] = mapped_column(String(100))
    given_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[date] = mapped_column(index=True)
    sex: Mapped[str] = mapped_column(String(10))
    weight_kg: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    allergies: Mapped[str] = mapped_column(Text, default="")
    anticoagulants: Mapped[bool] = mapped_column(default=False)
    anticoagulant_details: Mapped[str] = mapped_column(Text, default="")
    pregnant: Mapped[bool] = mapped_column(default=False)
    breastfeeding: Mapped[bool] = mapped_column(default=False)
    bleeding_disorder: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    # The language of what the patient takes home (the aftercare handout).
    language: Mapped[str] = mapped_column(String(5), default="it")
    # Names and record number, folded (see folded()): what the patient search matches.
    search_text: Mapped[str] = mapped_column(String(300), default="")
    archived: Mapped[bool] = mapped_column(default=False)
    is_demo: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UtcInstant, default=now)
    updated_at: Mapped[datetime] = mapped_column(UtcInstant, default=now, onupdate=now)

    plans: Mapped[list[PlanRecord]] = relationship(
        back_populates="patient", order_by="desc(PlanRecord.created_at)")
    cycles: Mapped[list[Cycle]] = relationship(order_by="desc(Cycle.created_at)")

    # Every UPDATE says "WHERE version = <the version read>" (see SessionRecord): two saves
    # racing cannot both be written. The views set the new version themselves.
    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": version,
                                                  "version_id_generator": False}

    @property
    def display_name(self) -> str:
        """Family name, given name: the order clinics file by."""
        return f"{self.family_name}, {self.given_name}"


@event.listens_for(Patient, "before_insert")
@event.listens_for(Patient, "before_update")
def _fold_search_text(_mapper: object, _connection: object, patient: Patient) -> None:
    patient.search_text = folded(
        f"{patient.family_name} {patient.given_name} {patient.record_number}")
