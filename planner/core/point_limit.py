"""The point limit of a plan: refused as soon as it is surely passed, naming the field to change.

Refused twice over: before any grid is made, when the areas' fewest possible points already
pass the limit, and as the areas are filled, as soon as one passes it.
"""

from __future__ import annotations

from planner.core import clinical, grid
from planner.core.geometry import AreaShape
from planner.core.messages import N_, Number, PlanError
from planner.core.plan import Plan


def refuse_huge(plan: Plan, shapes: list[AreaShape]) -> None:
    """Refuse at once, before any grid is made, a plan that surely holds more points than the
    limit (its areas' fewest possible points and its manual points)."""
    lows = []
    for area, shape in zip(plan.areas, shapes, strict=True):
        # Any area left with a surface (or a line) gets at least one point: a tiny one its
        # centre (grid.points_in), a short line its middle.
        if area.pattern in ("square", "staggered") and not shape.surface.is_empty:
            cell = grid.cell_area_mm2(area.spacing_mm, area.pattern)
            surface = shape.surface
            low = max(1.0, surface.area / cell - surface.length / area.spacing_mm - 1)
        elif area.pattern == "line" and shape.line is not None and not shape.line.is_empty:
            low = max(1.0, shape.line.length / area.spacing_mm - 1)
        else:
            low = 0.0
        lows.append(low)
    _refuse_over_limit(plan, lows, sum(lows) + len(plan.points), estimated=True)


def refuse_too_many(plan: Plan, fills: list[grid.Fill]) -> None:
    """Refuse a plan whose areas filled so far and manual points pass the limit."""
    counts = [float(len(f.points)) for f in fills]
    _refuse_over_limit(plan, counts, int(sum(counts)) + len(plan.points), estimated=False)


def _refuse_over_limit(plan: Plan, counts: list[float], total: float, *, estimated: bool
                       ) -> None:
    """Refuse a plan of more than the limit's points, naming the field that holds most: the
    area with the most points (its spacing), or the manual points when they outnumber it.
    ``estimated``: the areas' points are their fewest possible, before any grid is made."""
    limit = clinical.MAX_POINTS_PER_PLAN
    if total <= limit:
        return
    worst = max(range(len(counts)), key=counts.__getitem__, default=None)
    by_hand = worst is None or counts[worst] < len(plan.points)
    field = "points" if by_hand else f"areas[{worst}].spacing_mm"
    template = _OVER_LIMIT[estimated, by_hand]
    raise PlanError(field, template, points=Number(total, ",.0f"),
                    manual=Number(len(plan.points), ","), limit=Number(limit, ","))


# What a refusal says: (estimated before the grid, most points placed by hand) -> template.
_OVER_LIMIT = {
    (True, False): N_("this plan would have more than %(points)s points, above the limit of "
                      "%(limit)s per plan; use a larger spacing or a smaller area"),
    (True, True): N_("this plan would have more than %(points)s points, %(manual)s of them "
                     "placed by hand, above the limit of %(limit)s per plan; remove some points"),
    (False, False): N_("this plan has %(points)s points, above the limit of %(limit)s per plan; "
                       "use a larger spacing or a smaller area"),
    (False, True): N_("this plan has %(points)s points, %(manual)s of them placed by hand, "
                      "above the limit of %(limit)s per plan; remove some points"),
}
