"""The cycle report: the pain chart with its baseline and IMMPACT lines, what was given in all,
and each session, planned, recorded, signed or cancelled."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from planner.core.dosing import ComponentTotal
from planner.core.outcomes import Trend
from planner.core.signature import HEIGHT, WIDTH
from planner.drawing.pain_chart import pain_chart_svg
from planner.printing.paper import SheetInfo, check
from planner.printing.templates import template, translations


@dataclass(frozen=True)
class CycleRow:
    """One session of a cycle on its report: planned, recorded (draft) or signed."""

    number: int
    planned_on: date
    status: str  # "planned", "cancelled", "draft" or "signed"
    performed_at: datetime | None = None
    points: int | None = None
    total_ml: Decimal | None = None
    pain_before: int | None = None
    pain_after: int | None = None
    pain_scale: str = "nrs"
    lots: str = ""
    signed_by: str | None = None  # who signed, as at the signing, with their role
    # A cancelled session: who cancelled it, when (the clinic's time) and why.
    cancelled_by: str | None = None
    cancelled_at: datetime | None = None
    cancel_reason: str = ""


@dataclass(frozen=True)
class ConsentPrint:
    """A consent the cycle's signed records were signed on, as the patient signed it."""

    treatment: str  # the treatment's name in the report's language
    signer: str
    signed_at: datetime  # the clinic's time
    text_version: int
    language: str  # the text's language: its code ("it")
    language_name: str  # and its own name ("Italiano")
    body: str
    photos_record: bool
    photos_teaching: bool
    signature_path: str  # an SVG path in the pad's units (core/signature.py)
    taken_by: str
    sessions: tuple[int, ...]  # the numbers of the sessions signed on it


@dataclass(frozen=True)
class CycleReport:
    """A cycle so far, for its printout: the pain trend (chart labels: the sessions' dates),
    what was given in all, and each session."""

    title: str
    trend: Trend
    labels: tuple[str, ...]
    done: int
    planned: int
    total_ml: Decimal
    components: tuple[ComponentTotal, ...]
    rows: tuple[CycleRow, ...]
    consents: tuple[ConsentPrint, ...] = ()


def cycle_html(report: CycleReport, info: SheetInfo) -> str:
    """The cycle report: pain chart with its baseline and IMMPACT lines, summary, sessions."""
    check(info)
    gettext = translations(info.language).gettext
    chart = pain_chart_svg(report.trend, report.labels, text=gettext) \
        if report.done else ""
    image = "data:image/svg+xml;base64," + base64.b64encode(chart.encode()).decode("ascii")
    return template("cycle.html", info).render(
        info=info, report=report, chart_image=image if chart else None,
        paper_css=f"paper-{info.paper}.css", static_base=info.static_base,
        pad=(WIDTH, HEIGHT))
