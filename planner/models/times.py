"""Times as the database keeps them: instants in UTC (saved, signed, audited)."""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    """The current time, in UTC."""
    return datetime.now(UTC).replace(tzinfo=None)


def as_utc(stored: datetime) -> datetime:
    """An instant stored by :func:`now` (naive, UTC), aware of being UTC."""
    return stored.replace(tzinfo=UTC)


def utc_text(stored: datetime) -> str:
    """An instant stored by :func:`now`, with its offset: 2026-12-02T01:25:00+00:00."""
    return as_utc(stored).isoformat(timespec="seconds")
