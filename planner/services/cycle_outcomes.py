"""A cycle so far, from its signed records: sessions done, the pain trend and its chart, and
what it used in all (drafts are not counted until signed)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from babel.dates import format_skeleton

from planner.core import outcomes
from planner.core.dosing import ComponentTotal
from planner.core.messages import PlanError
from planner.drawing.pain_chart import pain_chart_svg
from planner.models import Cycle
from planner.services.session_records import given


@dataclass(frozen=True)
class CycleOutcome:
    """A cycle so far: sessions done, the pain trend and its chart, what it used in all."""

    cycle: Cycle
    done: int
    planned: int
    trend: outcomes.Trend
    labels: tuple[str, ...]  # the chart's sessions: their days, in the reader's language
    chart: str
    components: tuple[ComponentTotal, ...]
    total_ml: Decimal
    unknown_components: int = 0  # signed sessions whose plan no longer computes


def cycle_outcome(cycle: Cycle, language: str = "en", text: Any = None) -> CycleOutcome:
    """The summary of a cycle from its signed records (drafts are not counted yet); with
    ``text`` (a gettext), its pain chart too."""
    signed = [s.record for s in cycle.sessions if s.record is not None and s.record.signed]
    scale = signed[0].pain_scale if signed else "nrs"
    same_scale = [r for r in signed if r.pain_scale == scale]
    trend = outcomes.trend([outcomes.PainScore(r.scheduled.number, r.pain_before, r.pain_after)
                            for r in same_scale if r.scheduled is not None],
                           "vas" if scale == "vas" else "nrs")
    labels = tuple(str(format_skeleton("MMMd", r.performed_at, locale=language))
                   for r in same_scale)
    components: list[tuple[ComponentTotal, ...]] = []
    broken = 0
    for r in signed:
        try:
            components.append(given(r)[1].components)
        except (PlanError, ValueError):
            # Its plan no longer computes: the volume stored at signing still counts, the
            # components cannot be known (the summary says so).
            broken += 1
    return CycleOutcome(
        cycle, len(signed), len([s for s in cycle.sessions if s.status != "cancelled"]), trend,
        labels, pain_chart_svg(trend, labels, text=text) if signed and text else "",
        tuple(outcomes.cycle_components(components)),
        sum((Decimal(r.total_ml) for r in signed), Decimal("0.00")), broken)
