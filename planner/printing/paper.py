"""What a printout says besides the plan (who, when, where) and the paper it is printed on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from planner.drawing.ground import Ground
from planner.vocabulary import LANGUAGES

# Paper: (name, width, height) in mm, and the page margins of print.css (12 mm, 16 mm below
# for the running foot).
PAPERS = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
PAGE_MARGIN_MM = 12.0
PAGE_FOOT_MM = 16.0


@dataclass(frozen=True)
class SheetInfo:
    """What the sheet says besides the plan: who, when, where. Nothing here is required: a plan
    file printed from the command line has no patient."""

    language: str = "en"
    paper: str = "a4"
    compact: bool = False
    clinic: str = ""
    clinic_phone: str = ""
    patient_name: str | None = None
    birth_date: date | None = None
    record_number: str | None = None
    # What the patient's record says for a checklist item (CHECKLIST), e.g. {"anticoagulants":
    # "yes: warfarin"}; items the record does not mention are left for the doctor to tick.
    recorded: dict[str, str] = field(default_factory=dict)
    session_date: date | None = None
    doctor: str | None = None
    plan_id: int | None = None
    plan_version: int | None = None
    title: str | None = None
    url: str | None = None
    next_session: date | None = None
    handout_text: str | None = None  # the clinic's own aftercare text for this language
    static_base: str = ""  # where print.css is: "" for PDF, "/static/" for the web page
    # A plan drawn on a calibrated photo: the photo seen square on under its map, inlined (the
    # PDF fetches nothing else), and its card on the stencil (issue 20).
    ground: Ground | None = None


def usable_mm(paper: str) -> tuple[float, float]:
    """The width and height in mm inside the page margins of ``paper``."""
    width, height = PAPERS[paper]
    return width - 2 * PAGE_MARGIN_MM, height - PAGE_MARGIN_MM - PAGE_FOOT_MM


def check(info: SheetInfo) -> None:
    """Refuse a paper or a language the printouts do not know (ValueError)."""
    if info.paper not in PAPERS:
        raise ValueError(f"paper: one of {', '.join(PAPERS)} (got {info.paper!r})")
    if info.language not in LANGUAGES:
        raise ValueError(f"language: one of {', '.join(LANGUAGES)} (got {info.language!r})")
