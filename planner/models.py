"""The database: users, patients, saved plans, clinic mixtures and the audit trail.

Every schema change has an Alembic migration in ``planner/migrations/versions``.
"""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from flask import g, has_request_context
from flask_login import UserMixin
from sqlalchemy import (
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
    select,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from planner.audit_chain import GENESIS, event_hash
from planner.extensions import db

ROLES = ("admin", "doctor", "assistant")
LANGUAGES = ("it", "es", "en")
SEXES = ("female", "male", "other")


def folded(text: str) -> str:
    """Text for searching: accents removed and case folded, so "alvarez" finds "Álvarez".

    >>> folded("Álvarez Núñez, ÀNGELO")
    'alvarez nunez, angelo'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def now() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def as_utc(stored: datetime) -> datetime:
    """An instant stored by :func:`now` (naive, UTC), aware of being UTC."""
    return stored.replace(tzinfo=UTC)


def utc_text(stored: datetime) -> str:
    """An instant stored by :func:`now`, with its offset: 2026-12-02T01:25:00+00:00."""
    return as_utc(stored).isoformat(timespec="seconds")


class User(UserMixin, db.Model):  # type: ignore[name-defined,misc]
    """Someone who logs in: a doctor, an assistant or an administrator."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default="doctor")
    language: Mapped[str] = mapped_column(String(5), default="en")
    active: Mapped[bool] = mapped_column(default=True)
    # Set when an administrator chose the password (a new account, a reset): the user must pick
    # their own before anything else (web/auth.py).
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=now)

    def set_password(self, password: str) -> None:
        """Store a salted hash (werkzeug's scrypt), never the password."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """Whether ``password`` is this user's."""
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:
        """Disabled users cannot log in (their records stay)."""
        return self.active


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
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now, onupdate=now)

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
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=now)

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
    created_at: Mapped[datetime] = mapped_column(default=now)

    created_by: Mapped[User] = relationship()

    @property
    def family(self) -> int:
        """The mixture's id across its versions (its first version's id)."""
        return self.family_id if self.family_id is not None else self.id


class Cycle(db.Model):  # type: ignore[name-defined,misc]
    """A treatment cycle: a saved plan repeated over scheduled sessions (planner.core.cycles)."""

    __tablename__ = "cycles"

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), index=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    template: Mapped[str] = mapped_column(String(30))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)

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
    cancelled_at: Mapped[datetime | None]

    cycle: Mapped[Cycle] = relationship(back_populates="sessions")
    record: Mapped[SessionRecord | None] = relationship(back_populates="scheduled")


# Who may sign a session record: the doctor (the administrator of a one-doctor clinic is one).
SIGNING_ROLES = ("doctor", "admin")
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
    performed_at: Mapped[datetime]
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
    signed_at: Mapped[datetime | None]
    # Who signed and who performed, as they were at the signing (migration 0011): a signed
    # record shows these, whatever happens to the accounts later (a rename, a role change).
    signer_name: Mapped[str | None] = mapped_column(String(120))
    signer_role: Mapped[str | None] = mapped_column(String(20))
    performer_name: Mapped[str | None] = mapped_column(String(120))
    performer_role: Mapped[str | None] = mapped_column(String(20))
    version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)

    patient: Mapped[Patient] = relationship()
    plan: Mapped[PlanRecord] = relationship()
    scheduled: Mapped[ScheduledSession | None] = relationship(back_populates="record")
    performer: Mapped[User] = relationship(foreign_keys=[performer_id])
    signed_by: Mapped[User | None] = relationship(foreign_keys=[signed_by_id])
    products: Mapped[list[SessionProduct]] = relationship(
        back_populates="record", order_by="SessionProduct.id", cascade="all, delete-orphan")
    addenda: Mapped[list[Addendum]] = relationship(order_by="Addendum.id")

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


def search_key(text: str) -> str:
    """A lot number or product name as the recall compares them: folded, no spaces or dashes.

    >>> search_key(" AB-12 34 ") == search_key("ab1234")
    True
    """
    return "".join(ch for ch in folded(text) if ch.isalnum())


class Addendum(db.Model):  # type: ignore[name-defined,misc]
    """A correction to a signed session record: the original stays, this is shown with it."""

    __tablename__ = "session_addenda"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("session_records.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=now)
    # The author's name and role when the addendum was written (migration 0011).
    author_name: Mapped[str | None] = mapped_column(String(120))
    author_role: Mapped[str | None] = mapped_column(String(20))

    created_by: Mapped[User] = relationship()

    @property
    def author(self) -> str:
        """The author's name as it was when the addendum was written."""
        return self.author_name or self.created_by.full_name


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
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=now)

    def handout(self, language: str) -> str:
        """The clinic's aftercare text in ``language`` ("" for the built-in one)."""
        return str(getattr(self, f"handout_{language}", "") or "")


def clinic_settings() -> ClinicSettings:
    """The clinic's settings (empty ones until an administrator fills them in)."""
    found = db.session.get(ClinicSettings, 1)
    return found if found is not None else ClinicSettings(id=1, name="", phone="",
                                                          handout_it="", handout_es="",
                                                          handout_en="")


class ApiToken(db.Model):  # type: ignore[name-defined,misc]
    """A key for the JSON API (web/api.py), made by a user for a program acting as them. Only
    its SHA-256 is kept; the token itself is shown once, when made."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The first characters, to tell tokens apart in the list (not enough to use one).
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=now)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class LoginFailure(db.Model):  # type: ignore[name-defined,misc]
    """A failed login, kept a short while to slow down password guessing (web/auth.py)."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=now, index=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)


class LoginSession(db.Model):  # type: ignore[name-defined,misc]
    """One logged-in browser session (web/sessions.py; migration 0011). The cookie holds a random
    token; only its SHA-256 is kept here. A session ends at logout, after the idle time or the
    working day, and for every session of a user at once at a password change, a role change, a
    disabled account or "log out everywhere": a copied cookie then opens nothing."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    started_at: Mapped[datetime] = mapped_column(default=now)
    seen_at: Mapped[datetime] = mapped_column(default=now)
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str] = mapped_column(String(20), default="", server_default="")
    # Which browser and where from, to tell one's sessions apart ("Chrome on Android").
    client: Mapped[str] = mapped_column(String(60), default="", server_default="")
    address: Mapped[str] = mapped_column(String(64), default="", server_default="")

    user: Mapped[User] = relationship()


class AuditEvent(db.Model):  # type: ignore[name-defined,misc]
    """Who did what to which record, and when; never holds patient data itself.

    Append-only: triggers refuse UPDATE and DELETE (migration 0011), and each event carries the
    hash of the one before (``seq`` orders the chain; planner/audit_chain.py), so that a change
    made behind the app's back shows up in ``mesoplanner audit verify``.
    """

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=now, index=True)
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
