"""Photos of the treated site (issue 20): a patient's, taken before or after a session (or at
another moment), of a site of the body map or one described in words.

A row says whose photo it is and what it shows; the bytes are in the photo store under a random
key (planner/photos/stores.py), stripped of every metadata (planner/photos/cleaning.py).

A photo's calibration (issue 20, items 3-4, planner/calibration) is filled in later by the code
that finds the calibration card in it: the homography from the photo's pixels to millimetres on
the card's plane, how many markers were found and the residual error in mm. Until then, and for
a photo without a card, those columns are empty: the photo has no scale.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.extensions import db
from planner.models.times import ClinicWallClock, UtcInstant, now

if TYPE_CHECKING:
    from planner.models.accounts import User
    from planner.models.patients import Patient
    from planner.models.records import SessionRecord

# When a photo was taken, in relation to the session: the before/after pair a comparison shows.
MOMENTS = ("before", "after", "other")


class Photo(db.Model):  # type: ignore[name-defined,misc]
    """A photo of a patient's treated site, linked to a session record and a cycle if taken at
    one."""

    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    record_id: Mapped[int | None] = mapped_column(ForeignKey("session_records.id"), index=True)
    cycle_id: Mapped[int | None] = mapped_column(ForeignKey("cycles.id"), index=True)
    moment: Mapped[str] = mapped_column(String(10))  # MOMENTS
    # The site: a body-map view, its side and one of its regions (from the plans' areas), or
    # words when no map fits; a comparison puts the photos of one site side by side.
    site_view: Mapped[str] = mapped_column(String(60), default="")
    site_side: Mapped[str] = mapped_column(String(10), default="")
    site_region: Mapped[str] = mapped_column(String(100), default="")
    site_text: Mapped[str] = mapped_column(String(120), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    # Marked for teaching use: counts only while the patient's newest consent says yes to it
    # (services/photos.py).
    teaching: Mapped[bool] = mapped_column(default=False)
    # The bytes: in the photo store under random keys (never a name), as cleaned.
    storage_key: Mapped[str] = mapped_column(String(80), unique=True)
    preview_key: Mapped[str] = mapped_column(String(80))
    content_type: Mapped[str] = mapped_column(String(20))
    width: Mapped[int]
    height: Mapped[int]
    byte_size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    # The camera's clock (as the clinic's wall clock: EXIF has no time zone), if it said.
    taken_at: Mapped[datetime | None] = mapped_column(ClinicWallClock)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_by_name: Mapped[str] = mapped_column(String(120))  # as when it was taken
    created_at: Mapped[datetime] = mapped_column(UtcInstant, default=now)
    # The calibration card found in the photo (issue 20, items 3-4; empty until then):
    # {"homography": 3x3 rows, image px -> mm on the card's plane, "markers": [ids found],
    #  "detector": its version}, and the residual error in mm as its own column.
    calibration_json: Mapped[str | None] = mapped_column(Text)
    calibration_residual_mm: Mapped[float | None] = mapped_column(Float)
    calibrated_at: Mapped[datetime | None] = mapped_column(UtcInstant)

    patient: Mapped[Patient] = relationship()
    record: Mapped[SessionRecord | None] = relationship()
    created_by: Mapped[User] = relationship()

    @property
    def calibration(self) -> dict[str, Any] | None:
        """The calibration found in the photo (None: none, the photo has no scale)."""
        if not self.calibration_json:
            return None
        found: dict[str, Any] = json.loads(self.calibration_json)
        return found

    @property
    def file_name(self) -> str:
        """The name a download gets: the photo's number, never the patient's name."""
        return f"mesoplanner-photo-{self.id}.{self.storage_key.rsplit('.', 1)[1]}"
