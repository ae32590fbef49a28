"""Photos of the treated site (issue 20): a patient's, taken before or after a session (or at
another moment), of a site of the body map or one described in words.

A row says whose photo it is and what it shows; the bytes are in the photo store under a random
key (planner/photos/stores.py), stripped of every metadata (planner/photos/cleaning.py).

A photo's scale (issue 20, items 3-4, planner/calibration; services/photo_scale.py): the
calibration card is looked for in the photo when it is taken, and the three calibration columns
say what was found:

- ``calibration_json`` is ``Calibration.as_dict()`` (the homography from the card's plane in mm
  to the photo's pixels, the markers found and their corners in px, the residual, the scale,
  the fit's estimated error by distance): the photo has a scale (``plane``);
- or ``{"refused": reason, "message": words, "numbers": {...}}`` (CalibrationError's reason
  code, its English words, its finite numbers): looked for, no scale, and why
  (``calibration_refusal``);
- or empty: never looked for (a photo taken before the app looked, or whose search failed
  unexpectedly): no scale; the photo's page offers to look.

``calibration_residual_mm`` is the largest corner residual of a calibration (None otherwise);
``calibrated_at`` is when the card was looked for, whatever was found (None: never).
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.calibration.plane import Calibration
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
    # The calibration card looked for in the photo (see the module's docstring): its plane or
    # why there is none; the plane's largest residual in mm; when it was looked for.
    calibration_json: Mapped[str | None] = mapped_column(Text)
    calibration_residual_mm: Mapped[float | None] = mapped_column(Float)
    calibrated_at: Mapped[datetime | None] = mapped_column(UtcInstant)
    # Numbered marks a clinician placed on the photo, with or without a scale (migration
    # 0015): [{"x": 0.41, "y": 0.52, "text": "trigger point"}], x and y as fractions of the
    # photo's width and height, numbered in this order (services/photo_marks.py).
    marks_json: Mapped[str | None] = mapped_column(Text)

    patient: Mapped[Patient] = relationship()
    record: Mapped[SessionRecord | None] = relationship()
    created_by: Mapped[User] = relationship()

    @property
    def calibration(self) -> dict[str, Any] | None:
        """What the search for the card left, as stored: a calibration or a refusal (None:
        never looked for). ``plane`` and ``calibration_refusal`` tell them apart."""
        if not self.calibration_json:
            return None
        found: dict[str, Any] = json.loads(self.calibration_json)
        return found

    @property
    def plane(self) -> Calibration | None:
        """The card's plane found in the photo: its scale (None: the photo has none)."""
        return _plane(self.calibration_json) if self.calibration_json else None

    @property
    def calibration_refusal(self) -> tuple[str, dict[str, float]] | None:
        """Why the card gave the photo no scale: the reason's code (CalibrationError's) and
        its numbers (None: calibrated, or never looked for)."""
        found = self.calibration
        if found is None or "refused" not in found:
            return None
        numbers = found.get("numbers") or {}
        return str(found["refused"]), {str(k): float(v) for k, v in numbers.items()}

    @property
    def locked(self) -> bool:
        """A signed record's photo stays as it was, as the record does: not deleted, its
        marks not changed."""
        return self.record is not None and self.record.signed

    @property
    def marks(self) -> list[dict[str, Any]]:
        """The marks placed on the photo, in their numbering order (none: an empty list)."""
        if not self.marks_json:
            return []
        found: list[dict[str, Any]] = json.loads(self.marks_json)
        return found

    @property
    def file_name(self) -> str:
        """The name a download gets: the photo's number, never the patient's name."""
        return f"mesoplanner-photo-{self.id}.{self.storage_key.rsplit('.', 1)[1]}"


@lru_cache(maxsize=256)
def _plane(text: str) -> Calibration | None:
    """A stored calibration's plane, read once per text (a page asks a photo for it several
    times; a calibration found again is another text). None: a refusal, or not a calibration
    as we keep one."""
    found = json.loads(text)
    if "refused" in found:
        return None
    try:
        return Calibration.from_dict(found)
    except (KeyError, TypeError, ValueError, IndexError):
        return None
