"""Times as the database keeps them, told apart by their column's type, not by convention.

- An **instant** (saved, signed, audited, logged in: every ``*_at`` column but one) is a
  ``UtcInstant``: the app holds it as an aware datetime in UTC (:func:`now`), the database as a
  naive UTC ``timestamp without time zone``, as every row has been kept since the first
  migration (no data changes, and the audit chain hashes the same text: audit_chain.py). A
  naive datetime given to such a column is a bug (which zone was it?): it raises.
- A session's ``performed_at`` is a ``ClinicWallClock``: the clinic's local date and time as the
  clinician typed it (naive), never converted: "the session was done at 10:30" stays 10:30
  whatever the server's zone. An aware datetime given to it raises.
- Calendar days (a birth date, a cycle's ``planned_on``, a product's expiry) are plain dates of
  the clinic's calendar: they have no time and no zone.

Pages turn an instant into the clinic's time with planner/formatting.py (``clinic_time``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


def now() -> datetime:
    """The current instant, aware, in UTC."""
    return datetime.now(UTC)


class UtcInstant(TypeDecorator[datetime]):
    """An instant: aware UTC in Python, naive UTC in the database."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Aware in, naive UTC to the database; naive in is refused."""
        if value is None:
            return None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError(f"an instant must be an aware datetime (models.now()), got "
                             f"{value!r}: which time zone it is in cannot be guessed")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """The stored naive UTC, aware again (a driver's aware value, turned to UTC)."""
        if value is None:
            return None
        stored: datetime = value
        return stored.replace(tzinfo=UTC) if stored.tzinfo is None else stored.astimezone(UTC)


class ClinicWallClock(TypeDecorator[datetime]):
    """The clinic's local date and time as typed (naive), stored and read back unchanged."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Naive in, as it is; aware in is refused (it is an instant, not a wall clock)."""
        if value is not None and (not isinstance(value, datetime) or value.tzinfo is not None):
            raise ValueError(f"a clinic's wall-clock time must be a naive datetime, got "
                             f"{value!r}")
        return value
