"""Who logs in: the accounts, their browser sessions, their API tokens and the failed logins."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from planner.extensions import db
from planner.models.times import UtcInstant, now


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
    created_at: Mapped[datetime] = mapped_column(UtcInstant, default=now)

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
    created_at: Mapped[datetime] = mapped_column(UtcInstant, default=now)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcInstant)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcInstant)

    user: Mapped[User] = relationship()


class LoginFailure(db.Model):  # type: ignore[name-defined,misc]
    """A failed login, kept a short while to slow down password guessing (web/auth.py)."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcInstant, default=now, index=True)
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
    started_at: Mapped[datetime] = mapped_column(UtcInstant, default=now)
    seen_at: Mapped[datetime] = mapped_column(UtcInstant, default=now)
    ended_at: Mapped[datetime | None] = mapped_column(UtcInstant)
    end_reason: Mapped[str] = mapped_column(String(20), default="", server_default="")
    # Which browser and where from, to tell one's sessions apart ("Chrome on Android").
    client: Mapped[str] = mapped_column(String(60), default="", server_default="")
    address: Mapped[str] = mapped_column(String(64), default="", server_default="")

    user: Mapped[User] = relationship()
