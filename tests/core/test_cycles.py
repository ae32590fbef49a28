"""Cycle schedules and the pain trend (pure core)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

import pytest

from planner.core.cycles import TEMPLATES, schedule
from planner.core.dosing import ComponentTotal
from planner.core.messages import PlanError
from planner.core.outcomes import PainScore, cycle_components, trend

START = date(2026, 12, 1)  # a Tuesday


def gaps(dates: list[date]) -> list[int]:
    return [(b - a).days for a, b in pairwise(dates)]


@pytest.mark.parametrize(("template", "expected"), [
    ("antalgic-severe", [4, 7, 7]),  # two sessions 3-4 days apart, then weekly, four in all
    ("antalgic", [7, 7, 7]),  # weekly x 4
    ("microneedling", [35]),  # two sessions 4-6 weeks apart
    ("face", [15, 15, 15]),  # four sessions every 15 days
])
def test_templates(template, expected):
    dates = schedule(template, START)
    assert dates[0] == START
    assert gaps(dates) == expected


def test_maintenance_is_monthly_on_the_same_day_or_the_months_last():
    assert schedule("maintenance", date(2026, 10, 31), sessions=4) == [
        date(2026, 10, 31), date(2026, 11, 30), date(2026, 12, 31), date(2027, 1, 31)]


def test_every_template_cites_its_source():
    assert all(t.source for t in TEMPLATES.values())


def test_templates_are_editable():
    assert gaps(schedule("antalgic", START, sessions=6)) == [7] * 5
    assert gaps(schedule("antalgic-severe", START, interval_days=10)) == [10, 10, 10]
    assert gaps(schedule("maintenance", START, sessions=3, interval_days=28)) == [28, 28]


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"template": "weekly-forever"}, "template"),
    ({"sessions": 0}, "sessions"),
    ({"sessions": 53}, "sessions"),
    ({"interval_days": 0}, "interval_days"),
    ({"interval_days": 366}, "interval_days"),
])
def test_bad_schedules_are_refused_naming_the_field(kwargs, field):
    template = kwargs.pop("template", "antalgic")
    with pytest.raises(PlanError) as caught:
        schedule(template, START, **kwargs)
    assert caught.value.field == field


def test_a_knee_cycle_from_7_to_3():
    t = trend([PainScore(1, 7, 5), PainScore(2, 6, 4), PainScore(3, 4, 3), PainScore(4, 3, 2)])
    assert t.baseline == 7
    assert (t.line_30, t.line_50) == (Decimal("4.9"), Decimal("3.5"))
    assert [s.reduction_pct for s in t.sessions] == [Decimal("0.0"), Decimal("14.3"),
                                                       Decimal("42.9"), Decimal("57.1")]
    assert [s.category for s in t.sessions] == ["none", "minimal", "moderate", "substantial"]
    assert t.last_reduction_pct == Decimal("57.1")


def test_thresholds_are_exact():
    # 10 -> 7 is exactly 30%: moderately important, not "minimal" by a rounding error.
    t = trend([PainScore(1, 10), PainScore(2, 7), PainScore(3, 5)])
    assert [s.category for s in t.sessions] == ["none", "moderate", "substantial"]
    assert t.sessions[1].reduction_pct == Decimal("30.0")


def test_worse_missing_and_zero_baselines():
    t = trend([PainScore(1, 4), PainScore(2, None), PainScore(3, 6)])
    assert [s.category for s in t.sessions] == ["none", None, "worse"]
    assert t.sessions[2].reduction_pct == Decimal("-50.0")
    zero = trend([PainScore(1, 0), PainScore(2, 0)])
    assert zero.baseline == 0 and zero.sessions[1].reduction_pct is None
    empty = trend([])
    assert empty.baseline is None and empty.line_30 is None and empty.last_reduction_pct is None


def test_vas_scale_and_out_of_range_scores():
    t = trend([PainScore(1, 80), PainScore(2, 40)], scale="vas")
    assert t.sessions[1].category == "substantial" and t.line_50 == Decimal("40.0")
    with pytest.raises(PlanError) as caught:
        trend([PainScore(1, 11)])
    assert caught.value.field == "sessions[0].pain_before"  # the session numbered 1
    with pytest.raises(PlanError):
        trend([PainScore(1, 5, -1)])


def test_cycle_components_add_up_exactly():
    third = ComponentTotal("lidocaine 2%", "lidocaine", Decimal("20"), Fraction(1, 3),
                           Fraction(20, 3))
    saline = ComponentTotal("saline", None, None, Fraction(2, 3), None)
    total = {c.name: c for c in cycle_components([[third, saline]] * 3)}
    assert total["lidocaine 2%"].volume_ml == Fraction(1)
    assert total["lidocaine 2%"].mg == Fraction(20)
    assert total["saline"].volume_ml == Fraction(2) and total["saline"].mg is None


def test_schedule_never_goes_backwards():
    for name in TEMPLATES:
        dates = schedule(name, START)
        assert all(later > earlier for earlier, later in pairwise(dates))
        assert dates[-1] - dates[0] < timedelta(days=400)
