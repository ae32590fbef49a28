"""Outcomes of a cycle: the pain trend against its baseline, and what the cycle used in all.

Pain is scored before (and optionally after) each session, on the NRS 0-10 (LOINC 72514-3) or a
VAS 0-100 mm (LOINC 38214-3). The baseline is the score before the cycle's first session; each
later score is compared with it as a percentage reduction, read with the IMMPACT thresholds
(CLINICAL.md, "Outcomes": 10-20% minimal, >=30% moderately important, >=50% substantial).
Percentages are exact fractions, shown to one decimal, so 30.0% is 30%, never 29.999%.

>>> points = [PainScore(1, 7), PainScore(2, 6), PainScore(3, 4), PainScore(4, 3)]
>>> t = trend(points)
>>> [str(s.reduction_pct) for s in t.sessions], [s.category for s in t.sessions]
(['0.0', '14.3', '42.9', '57.1'], ['none', 'minimal', 'moderate', 'substantial'])
>>> str(t.line_30), str(t.line_50)
('4.9', '3.5')
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Literal

from planner.core.dosing import ComponentTotal
from planner.core.messages import N_, PlanError

Scale = Literal["nrs", "vas"]
Category = Literal["none", "minimal", "moderate", "substantial", "worse"]
SCALE_MAX = {"nrs": 10, "vas": 100}  # NRS 0-10 points, VAS 0-100 mm (CLINICAL.md)
# IMMPACT (Dworkin et al., J Pain 2008), as CLINICAL.md quotes them: reductions from baseline.
MINIMAL_PCT = Fraction(10)
MODERATE_PCT = Fraction(30)
SUBSTANTIAL_PCT = Fraction(50)


@dataclass(frozen=True)
class PainScore:
    """One session's pain: before it (required for the trend) and after it (optional)."""

    session: int
    before: int | None
    after: int | None = None


@dataclass(frozen=True)
class SessionTrend:
    """A session's pain before it, compared with the baseline."""

    session: int
    before: int | None
    after: int | None
    reduction_pct: Decimal | None  # from the baseline, one decimal; negative when worse
    category: Category | None


@dataclass(frozen=True)
class Trend:
    """The pain over a cycle, with the baseline and the 30% and 50% reduction lines."""

    scale: Scale
    baseline: int | None
    line_30: Decimal | None
    line_50: Decimal | None
    sessions: tuple[SessionTrend, ...]

    @property
    def last_reduction_pct(self) -> Decimal | None:
        """The reduction at the last session with a score: the cycle's result so far."""
        scored = [s.reduction_pct for s in self.sessions if s.reduction_pct is not None]
        return scored[-1] if scored else None


def trend(scores: Iterable[PainScore], scale: Scale = "nrs") -> Trend:
    """The pain trend of a cycle's sessions (in session order)."""
    top = SCALE_MAX[scale]
    ordered = sorted(scores, key=lambda s: s.session)
    for s in ordered:
        for name, value in (("before", s.before), ("after", s.after)):
            if value is not None and not 0 <= value <= top:
                # 0-based as every path (the session numbered 1 is sessions[0])
                raise PlanError(f"sessions[{s.session - 1}].pain_{name}",
                                N_("must be between 0 and %(top)s (got %(got)s)"),
                                top=top, got=value)
    baseline = next((s.before for s in ordered if s.before is not None), None)
    rows = []
    for s in ordered:
        pct = None if baseline in (None, 0) or s.before is None else \
            Fraction(baseline - s.before, baseline) * 100
        rows.append(SessionTrend(s.session, s.before, s.after,
                                 None if pct is None else _one_decimal(pct),
                                 None if pct is None else category(pct)))
    lines = (None, None) if baseline is None else (
        _one_decimal(Fraction(baseline) * (1 - MODERATE_PCT / 100)),
        _one_decimal(Fraction(baseline) * (1 - SUBSTANTIAL_PCT / 100)))
    return Trend(scale, baseline, lines[0], lines[1], tuple(rows))


def category(reduction_pct: Fraction) -> Category:
    """The IMMPACT reading of a reduction from baseline (in %).

    >>> [category(Fraction(p)) for p in (-5, 0, 10, 29, 30, 49, 50, 100)]
    ['worse', 'none', 'minimal', 'minimal', 'moderate', 'moderate', 'substantial', 'substantial']
    """
    if reduction_pct < 0:
        return "worse"
    if reduction_pct >= SUBSTANTIAL_PCT:
        return "substantial"
    if reduction_pct >= MODERATE_PCT:
        return "moderate"
    if reduction_pct >= MINIMAL_PCT:
        return "minimal"
    return "none"


def cycle_components(sessions: Sequence[Sequence[ComponentTotal]]) -> list[ComponentTotal]:
    """What a cycle used in all: each component (name, drug, concentration) added up exactly
    over the sessions' totals.

    >>> one = ComponentTotal("lidocaine 2%", "lidocaine", Decimal("20"), Fraction(1, 2),
    ...                      Fraction(10))
    >>> [c.as_dict() for c in cycle_components([[one], [one], [one]])]
    [{'name': 'lidocaine 2%', 'drug': 'lidocaine', 'volume_ml': '1.50', 'mg': '30.00'}]
    """
    totals: dict[tuple[str, str | None, Decimal | None], list[Fraction | None]] = {}
    for components in sessions:
        for c in components:
            key = (c.name, c.drug, c.mg_per_ml)
            volume, mg = totals.setdefault(key, [Fraction(0), Fraction(0)])
            assert volume is not None
            totals[key] = [volume + c.volume_ml,
                           None if mg is None or c.mg is None else mg + c.mg]
    return [ComponentTotal(name, drug, conc, volume or Fraction(0),
                           None if conc is None else mg)
            for (name, drug, conc), (volume, mg) in totals.items()]


def _one_decimal(value: Fraction) -> Decimal:
    """An exact fraction rounded once, half up, to one decimal."""
    scaled = Decimal(value.numerator * 10) / Decimal(value.denominator)
    return (scaled.quantize(Decimal(1), rounding=ROUND_HALF_UP) / 10).quantize(Decimal("0.1"))
