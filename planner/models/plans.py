"""The plans saved in patients' records, and the mixtures the clinic reuses in them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.extensions import db
from planner.models.times import UtcInstant, now

if TYPE_CHECKING:
    from planner.models.accounts import User
    from planner.models.patients import Patient


class PlanRecord(db.Model):  # type: ignore[name-defined,misc]
    """A plan saved in a patient's record: the plan file, and who saved it when."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    title: Mapped[str] = mapped_column(String(200))
    treatment: Mapped[str] = mapped_column(String(20))
    bodymap: Mapped[str | None] = mapped_column(String(60))
    bodymap_version: Mapped[int | None]
    side: Mapped[str | None] = mapped_column(String(10))
    plan_json: Mapped[str] = mapped_column(Text)
    points: Mapped[int] = mapped_column(default=0)
    total_ml: Mapped[str] = mapped_column(String(20), default="0.00")
    copied_from_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    is_demo: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcInstant, default=now)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UtcInstant, default=now)

    patient: Mapped[Patient] = relationship(back_populates="plans")
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])

    # Every UPDATE is guarded by the version read (see SessionRecord): two saves of one plan
    # racing cannot both be written.
    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": version,
                                                  "version_id_generator": False}
    updated_by: Mapped[User] = relationship(foreign_keys=[updated_by_id])


class SavedMixture(db.Model):  # type: ignore[name-defined,misc]
    """One version of a mixture the clinic reuses: its components as in the plan file.

    An edit never changes a row: it marks the current one ``superseded`` and adds the next
    version (web/mixtures.py), so the recipe a plan copied stays findable by comparison. The
    versions of one mixture share its first row's id (``family``); archiving marks the current
    version. Among the versions not superseded (archived or not), a name is unique (migration
    0010's partial index): an archived mixture is restored, not named again.
    """

    __tablename__ = "mixtures"
    __table_args__ = (
        Index("ix_mixtures_current_name", "name", unique=True,
              sqlite_where=sql_text("NOT superseded"),
              postgresql_where=sql_text("NOT superseded")),
        UniqueConstraint("family_id", "version", name="uq_mixtures_family_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    components_json: Mapped[str] = mapped_column(Text)
    archived: Mapped[bool] = mapped_column(default=False)
    # The first version's id, on every later version; None on the first version itself (its
    # own id is the family's), so a first version needs no second write to know its family.
    family_id: Mapped[int | None] = mapped_column(ForeignKey("mixtures.id"), index=True)
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    superseded: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcInstant, default=now)

    created_by: Mapped[User] = relationship()

    @property
    def family(self) -> int:
        """The mixture's id across its versions (its first version's id)."""
        return self.family_id if self.family_id is not None else self.id
