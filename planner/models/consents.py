"""Consent: the texts a patient reads before a treatment (the clinic's, versioned) and the
consents patients signed on the screen.

A text is never changed in place: the clinic's edit adds the next version (version 1 is the
built-in text, planner/consent_texts.py). A signed consent keeps the very text the patient read,
its version and language, and the signature as vector strokes (planner/core/signature.py), so
that it prints exactly as it was signed whatever the clinic writes later.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.extensions import db
from planner.models.times import UtcInstant, now

if TYPE_CHECKING:
    from planner.models.accounts import User
    from planner.models.patients import Patient


class ConsentText(db.Model):  # type: ignore[name-defined,misc]
    """One version of the clinic's consent text for a treatment, in one language."""

    __tablename__ = "consent_texts"
    __table_args__ = (UniqueConstraint("treatment", "language", "version",
                                       name="uq_consent_texts_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    treatment: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(2))
    version: Mapped[int]
    body: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcInstant, default=now)

    created_by: Mapped[User] = relationship()


class Consent(db.Model):  # type: ignore[name-defined,misc]
    """A patient's signed consent to a treatment, with their separate answers on photos."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    treatment: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(2))
    text_version: Mapped[int]
    body: Mapped[str] = mapped_column(Text)  # the text as the patient read it
    # Photos are consented apart from the treatment, each use on its own (the photo issue).
    photos_record: Mapped[bool] = mapped_column(default=False)
    photos_teaching: Mapped[bool] = mapped_column(default=False)
    signer_name: Mapped[str] = mapped_column(String(120))
    strokes_json: Mapped[str] = mapped_column(Text)  # core.signature.Signature.as_json()
    signed_at: Mapped[datetime] = mapped_column(UtcInstant, default=now)
    taken_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    taken_by_name: Mapped[str] = mapped_column(String(120))

    patient: Mapped[Patient] = relationship()
    taken_by: Mapped[User] = relationship()
