"""Treatment cycles: the dates of a cycle's sessions from a schedule template.

Pure: dates in, dates out. The templates follow the clinic pages the project started from
(CLINICAL.md, "Schedules") and issue #6; every one is a default the doctor can change.

>>> [d.isoformat() for d in schedule("antalgic", date(2026, 12, 1))]
['2026-12-01', '2026-12-08', '2026-12-15', '2026-12-22']
>>> [d.isoformat() for d in schedule("maintenance", date(2026, 1, 31), sessions=3)]
['2026-01-31', '2026-02-28', '2026-03-31']
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from planner.core.messages import N_, PlanError


@dataclass(frozen=True)
class Template:
    """A schedule: the first ``lead`` gaps in days, then ``interval_days`` (or whole months)."""

    sessions: int
    interval_days: int
    lead: tuple[int, ...] = ()
    monthly: bool = False
    source: str = ""


TEMPLATES: dict[str, Template] = {
    # Severe pain: two sessions a few days apart, then one a week, at least four (CLINICAL.md,
    # seed clinic pages; issue #6: "3-4 days apart"): 4 days, then weekly.
    "antalgic-severe": Template(4, 7, lead=(4,), source="CLINICAL.md schedules: antalgic"),
    # Pain: one session a week, usually at least four (CLINICAL.md; issue #6: weekly x 4).
    "antalgic": Template(4, 7, source="CLINICAL.md schedules: antalgic"),
    # Microneedling with exosomes: two sessions 1 to 1.5 months apart (CLINICAL.md; issue #6:
    # 4-6 weeks): the middle, 5 weeks.
    "microneedling": Template(2, 35, source="CLINICAL.md schedules: microneedling"),
    # Facial mesotherapy: four sessions every 15 days (issue #6).
    "face": Template(4, 15, source="issue #6: face"),
    # Maintenance: monthly, on the same day of the month (CLINICAL.md: "e.g. monthly"); three
    # sessions unless the doctor says otherwise [our default].
    "maintenance": Template(3, 0, monthly=True, source="CLINICAL.md schedules: maintenance"),
}

SESSIONS_RANGE = (1, 52)  # [our bounds]: one session to a year of weekly sessions
INTERVAL_RANGE_DAYS = (1, 365)


def schedule(template: str, start: date, *, sessions: int | None = None,
             interval_days: int | None = None) -> list[date]:
    """The dates of a cycle's sessions, the first on ``start``.

    ``sessions`` and ``interval_days`` change the template's (a monthly template keeps its
    months unless ``interval_days`` is given). Out-of-range values are refused, naming the field.
    """
    chosen = TEMPLATES.get(template)
    if chosen is None:
        raise PlanError("template", N_("one of %(choices)s (got %(got)s)"),
                        choices=", ".join(TEMPLATES), got=repr(template))
    count = chosen.sessions if sessions is None else sessions
    if not SESSIONS_RANGE[0] <= count <= SESSIONS_RANGE[1]:
        raise PlanError("sessions", N_("must be between %(lo)s and %(hi)s (got %(got)s)"),
                        lo=SESSIONS_RANGE[0], hi=SESSIONS_RANGE[1], got=count)
    if interval_days is not None and not (
            INTERVAL_RANGE_DAYS[0] <= interval_days <= INTERVAL_RANGE_DAYS[1]):
        raise PlanError("interval_days", N_("must be between %(lo)s and %(hi)s days (got "
                                            "%(got)s)"),
                        lo=INTERVAL_RANGE_DAYS[0], hi=INTERVAL_RANGE_DAYS[1], got=interval_days)
    monthly = chosen.monthly and interval_days is None
    gap = interval_days if interval_days is not None else chosen.interval_days
    dates = [start]
    for k in range(1, count):
        if monthly:
            dates.append(add_months(start, k))
        else:
            lead = chosen.lead[k - 1] if interval_days is None and k - 1 < len(chosen.lead) \
                else gap
            dates.append(dates[-1] + timedelta(days=lead))
    return dates


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it is shorter.

    >>> add_months(date(2026, 1, 31), 1), add_months(date(2026, 11, 15), 2)
    (datetime.date(2026, 2, 28), datetime.date(2027, 1, 15))
    """
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
