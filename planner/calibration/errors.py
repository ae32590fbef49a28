"""The calibration's one exception: why a photo gives no scale, in words a clinician can act
on, with a code (``reason``) and the numbers behind it, so that a page can say it in the
reader's language."""

from __future__ import annotations

from typing import Literal

Reason = Literal["no_card", "too_few_markers", "two_cards", "too_small", "too_blurred",
                 "too_oblique", "not_flat", "bad_image"]


class CalibrationError(ValueError):
    """A photo whose card cannot give the plane's scale, and why.

    >>> error = CalibrationError("too_few_markers", "2 of the card's 4 markers found", found=2)
    >>> error.reason, error.numbers["found"], str(error)
    ('too_few_markers', 2, "2 of the card's 4 markers found")
    """

    def __init__(self, reason: Reason, message: str, **numbers: float) -> None:
        super().__init__(message)
        self.reason: Reason = reason
        self.message = message
        self.numbers = numbers
