"""Session records: what was done in one session, the products given, and later addenda."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import ForeignKey, Numeric, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from planner.extensions import db
from planner.models.search_keys import search_key
from planner.models.times import ClinicWallClock, UtcInstant, now

if TYPE_CHECKING:
    from planner.models.accounts import User
    from planner.models.consents import Consent
    from planner.models.cycles import ScheduledSession
    from planner.models.patients import Patient
    from planner.models.plans import PlanRecord

ADVERSE_EVENTS = ("bruising", "bleeding", "wheal", "burning", "itching", "infection",
                  "vasovagal", "allergic", "other")  # issue #6's list (CLINICAL.md)


class SessionRecord(db.Model):  # type: ignore[name-defined,misc]
    """What was done in one session: a draft until the doctor signs it, then final.

    The plan is copied in as it was (``plan_json``, version ``plan_version``): a later edit of the
    plan never changes what a signed record says was injected. ``adjustments_json`` holds the
    points skipped, changed or added at the couch (planner.core.sessions).
    """

    __tablename__ = "session_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    plan_version: Mapped[int]
    plan_json: Mapped[str] = mapped_column(Text)
    scheduled_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id"), unique=True)
    # The clinic's local time as typed, never converted (times.py); every other time is UTC.
    performed_at: Mapped[datetime] = mapped_column(ClinicWallClock)
    performer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    adjustments_json: Mapped[str] = mapped_column(Text, default="{}")
    points_done: Mapped[int] = mapped_column(default=0)
    total_ml: Mapped[str] = mapped_column(String(20), default="0.00")
    pain_scale: Mapped[str] = mapped_column(String(3), default="nrs")
    pain_before: Mapped[int | None]
    pain_after: Mapped[int | None]
    adverse_json: Mapped[str] = mapped_column(Text, default="[]")
    adverse_details: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    checklist_json: Mapped[str] = mapped_column(Text, default="{}")
    status: Mapped[str] = mapped_column(String(10), default="draft")
    # At signing: the weight the doses were checked against, the findings that blocked the
    # signing (their English text) and the doctor's reason for going ahead anyway.
    signed_weight_kg: Mapped[Decimal | None] = mapped_column(Numeric(5, 1))
    override_findings: Mapped[str] = mapped_column(Text, default="")
    override_reason: Mapped[str] = mapped_column(Text, default="")
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime | None] = mapped_column(UtcInstant)
    # Who signed and who performed, as they were at the signing (migration 0011): a signed
    # record shows these, whatever happens to the accounts later (a rename, a role change).
    signer_name: Mapped[str | None] = mapped_column(String(120))
    signer_role: Mapped[str | None] = mapped_column(String(20))
    performer_name: Mapped[str | None] = mapped_column(String(120))
    performer_role: Mapped[str | None] = mapped_column(String(20))
    # The patient's consent the doctor signed on (migration 0012), and the fields a new record
    # carried over from the cycle's previous session that nobody has confirmed yet.
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consents.id"))
    carried_json: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcInstant, default=now)
    updated_at: Mapped[datetime] = mapped_column(UtcInstant, default=now)

    patient: Mapped[Patient] = relationship()
    plan: Mapped[PlanRecord] = relationship()
    scheduled: Mapped[ScheduledSession | None] = relationship(back_populates="record")
    performer: Mapped[User] = relationship(foreign_keys=[performer_id])
    signed_by: Mapped[User | None] = relationship(foreign_keys=[signed_by_id])
    products: Mapped[list[SessionProduct]] = relationship(
        back_populates="record", order_by="SessionProduct.id", cascade="all, delete-orphan")
    addenda: Mapped[list[Addendum]] = relationship(order_by="Addendum.id")
    consent: Mapped[Consent | None] = relationship()

    # Every UPDATE of a record says "WHERE version = <the version read>": a change racing a
    # signing (or another change) finds no row and fails (StaleDataError) instead of writing
    # over a signed record. The views set the new version themselves.
    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": version,
                                                  "version_id_generator": False}

    @property
    def signed(self) -> bool:
        """A signed record is final: only addenda can follow it."""
        return self.status == "signed"

    @property
    def signed_by_name(self) -> str | None:
        """The signer's name as it was at the signing (None on a draft)."""
        if not self.signed:
            return None
        return self.signer_name or (self.signed_by.full_name if self.signed_by else None)

    @property
    def performed_by_name(self) -> str:
        """Who performed the session: as at the signing on a signed record, else the account's
        current name (a draft can still change its performer)."""
        if self.signed and self.performer_name:
            return self.performer_name
        return self.performer.full_name


class SessionProduct(db.Model):  # type: ignore[name-defined,misc]
    """A product given in a session, with its batch (lot) number and expiry: what a recall
    searches."""

    __tablename__ = "session_products"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("session_records.id"), index=True)
    product: Mapped[str] = mapped_column(String(120))
    lot: Mapped[str] = mapped_column(String(60), default="")
    expiry: Mapped[date | None]
    # Product and lot folded (see folded()) and without spaces: what the recall search matches.
    product_key: Mapped[str] = mapped_column(String(120), default="", index=True)
    lot_key: Mapped[str] = mapped_column(String(60), default="", index=True)

    record: Mapped[SessionRecord] = relationship(back_populates="products")


@event.listens_for(SessionProduct, "before_insert")
@event.listens_for(SessionProduct, "before_update")
def _fold_product_keys(_mapper: object, _connection: object, product: SessionProduct) -> None:
    product.product_key = search_key(product.product)
    product.lot_key = search_key(product.lot)


class Addendum(db.Model):  # type: ignore[name-defined,misc]
    """A correction to a signed session record: the original stays, this is shown with it."""

    __tablename__ = "session_addenda"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("session_records.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UtcInstant, default=now)
    # The author's name and role when the addendum was written (migration 0011).
    author_name: Mapped[str | None] = mapped_column(String(120))
    author_role: Mapped[str | None] = mapped_column(String(20))

    created_by: Mapped[User] = relationship()

    @property
    def author(self) -> str:
        """The author's name as it was when the addendum was written."""
        return self.author_name or self.created_by.full_name
