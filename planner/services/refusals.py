"""Why a clinical event was refused: exceptions that each caller words its own way."""

from __future__ import annotations

from typing import Any


class Refused(Exception):
    """A clinical event that did not happen; nothing was written."""


class Changed(Refused):
    """Someone else changed the thing since it was read (its version moved on).

    ``current`` is the thing as it now stands (None: the race was lost at the very commit).
    """

    def __init__(self, current: Any = None) -> None:
        super().__init__("changed by someone else")
        self.current = current


class NotDraft(Refused):
    """A session record that is signed or discarded cannot be changed."""


class NotAllowed(Refused):
    """The acting user's role may not do this (only a doctor signs)."""


class Clash(Refused):
    """The same thing was done by someone else a moment ago (a session recorded twice)."""


class OtherScale(Refused):
    """The cycle's pain is scored on another scale (``scale``)."""

    def __init__(self, scale: str) -> None:
        super().__init__(f"the cycle's scale is {scale}")
        self.scale = scale


class GateMissing(Refused):
    """The safety list has unanswered questions."""


class WrongPassword(Refused):
    """The signer did not confirm who they are with their password."""


class NoConsent(Refused):
    """The patient has not signed a consent to the record's treatment."""


class GateNeedsReason(Refused):
    """The safety list found something: signing needs the doctor's reason to override it."""


class NotSigned(Refused):
    """An addendum is for a signed record; a draft is corrected by editing it."""


class NotAPlanFile(Refused):
    """An uploaded file is not JSON (a plan file's own problems are a core PlanError)."""


class NotPlanned(Refused):
    """Only a planned session (with no record) can be moved or cancelled."""


class TooMany(Refused):
    """A cycle has at most cycles.MAX_SESSIONS sessions."""


class NoReason(Refused):
    """A cancellation needs its reason, from 1 to cycles.MAX_CANCEL_REASON characters."""
