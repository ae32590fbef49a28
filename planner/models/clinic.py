"""The clinic's own settings: its name and telephone on paper, and its aftercare text."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from planner.extensions import db
from planner.models.times import UtcInstant, now


class ClinicSettings(db.Model):  # type: ignore[name-defined,misc]
    """The clinic's own words on paper: its name and telephone, and its aftercare text.

    One row (id 1). An empty handout text means the built-in one (templates/print/handout.html).
    """

    __tablename__ = "clinic_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    handout_it: Mapped[str] = mapped_column(Text, default="")
    handout_es: Mapped[str] = mapped_column(Text, default="")
    handout_en: Mapped[str] = mapped_column(Text, default="")
    # The clinic's default mixture per treatment (migration 0012): {"antalgic": <mixture family
    # id>, ...}; a new plan of that treatment starts with it.
    default_mixtures_json: Mapped[str] = mapped_column(Text, default="{}", server_default="{}")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UtcInstant, default=now)

    def handout(self, language: str) -> str:
        """The clinic's aftercare text in ``language`` ("" for the built-in one)."""
        return str(getattr(self, f"handout_{language}", "") or "")


def clinic_settings() -> ClinicSettings:
    """The clinic's settings (empty ones until an administrator fills them in)."""
    found = db.session.get(ClinicSettings, 1)
    return found if found is not None else ClinicSettings(id=1, name="", phone="",
                                                          handout_it="", handout_es="",
                                                          handout_en="",
                                                          default_mixtures_json="{}")
