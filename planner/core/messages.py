"""The core's exception and warning types: what a clinician reads when something is off."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["info", "medium", "high"]


class PlanError(ValueError):
    """Invalid input, named by its field (``areas[0].spacing_mm``) with a readable reason.

    >>> str(PlanError("areas[0].spacing_mm", "must be between 2 and 100 mm (got 0)"))
    'areas[0].spacing_mm: must be between 2 and 100 mm (got 0)'
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class PlanWarning:
    """Something the clinician must see; it never changes or refuses the plan.

    ``area`` is the index of the area it concerns, or None for the whole plan.
    """

    code: str
    severity: Severity
    message: str
    area: int | None = None

    def as_dict(self) -> dict[str, object]:
        """The warning as it appears in the plan output."""
        out: dict[str, object] = {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
        }
        if self.area is not None:
            out["area"] = self.area
        return out
