"""The audit trail's hash chain: each event carries the SHA-256 of its content and of the event
before it, so that an event changed, removed or slipped in behind the app's back breaks the
chain from that point on (``mesoplanner audit verify``). Pure: no Flask, no database; the rows
are written by models/audit.py and read by the verify command.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

GENESIS = "0" * 64  # the "previous hash" of the first event
END = 0  # Verdict.broken_at when the chain's end is what does not fit


def utc_text(at: datetime) -> str:
    """An aware instant as the chain hashes it: UTC, naive, to the microsecond.

    >>> from datetime import timedelta, timezone
    >>> utc_text(datetime(2026, 12, 7, 10, 0, tzinfo=timezone(timedelta(hours=1))))
    '2026-12-07T09:00:00.000000'
    """
    if at.tzinfo is None:
        raise ValueError(f"an audit event's time must be aware (UTC), got {at!r}")
    return at.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds")


def event_hash(previous: str, seq: int, at: datetime, user_id: int | None, action: str,
               entity: str, entity_id: int | None, detail: str) -> str:
    """The hash of one event: its fields and the previous event's hash, as canonical JSON.

    ``at`` is an aware instant; it is hashed as the naive UTC text the chain has always hashed
    (2026-12-07T09:00:00.000000, no offset), so that a chain written before the times became
    aware still verifies.

    >>> nine = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    >>> a = event_hash(GENESIS, 1, nine, 3, "view", "patient", 12, "")
    >>> len(a), a == event_hash(GENESIS, 1, nine, 3, "view", "patient", 13, "")
    (64, False)
    """
    fields = [previous, seq, utc_text(at), user_id, action, entity, entity_id, detail]
    text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


class Event(Protocol):
    """What the chain reads of an audit event (models.AuditEvent has it)."""

    id: int
    seq: int | None
    at: datetime
    user_id: int | None
    action: str
    entity: str
    entity_id: int | None
    detail: str
    prev_hash: str | None
    row_hash: str | None


@dataclass(frozen=True)
class Verdict:
    """The chain checked: how many events, and the first break (None when intact)."""

    events: int
    last_hash: str
    broken_at: int | None = None  # the id of the first event that does not fit, or END
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify(events: Iterable[Event], head_seq: int | None = None,
           head_hash: str | None = None) -> Verdict:
    """Walk the events in ``seq`` order and say where the chain breaks, if it does.

    ``head_seq``/``head_hash`` are the chain's end as the database's head row records it: an
    event removed from the end shows as a head that points past the last event.
    """
    previous, expected_seq, count = GENESIS, 1, 0
    for event in events:
        count += 1
        if event.seq != expected_seq:
            return Verdict(count - 1, previous, event.id,
                           f"expected event number {expected_seq}, found {event.seq} "
                           "(an event is missing or out of order)")
        if event.prev_hash != previous:
            return Verdict(count - 1, previous, event.id,
                           "it does not point to the event before it")
        computed = event_hash(previous, expected_seq, event.at, event.user_id, event.action,
                              event.entity, event.entity_id, event.detail or "")
        if event.row_hash != computed:
            return Verdict(count - 1, previous, event.id,
                           "its content does not match its hash (it was changed)")
        previous, expected_seq = computed, expected_seq + 1
    if head_seq is not None and head_seq != expected_seq - 1:
        return Verdict(count, previous, END, f"the chain's end records {head_seq} events, "
                       f"{expected_seq - 1} found (events were removed from the end)")
    if head_hash is not None and head_hash != previous:
        return Verdict(count, previous, END, "the chain's end does not match the last event")
    return Verdict(count, previous)
