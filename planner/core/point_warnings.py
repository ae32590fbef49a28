"""What the placed points are warned about: how each area was filled, and where points lie.

Narrow, tiny and empty areas, a margin not kept, an area's depth for its technique, manual
points' volumes and depths (one warning per kind, naming the points), and every point checked
against the view's no-go zones, body outline and danger zones.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import NDArray

from planner.core import grid, safety
from planner.core.field_words import Field
from planner.core.geometry import AreaShape, MapShapes, covers_xy
from planner.core.messages import N_, Label, Message, Number, Param, PlanWarning, ngettext
from planner.core.plan import Area, Plan

# A warning about points in a zone lists this many numbers, then "...".
NUMBERS_LISTED = 20
_PLACEMENT_NOTES = {
    "centre-line": ("area-narrow", N_("%(where)s (%(label)s) is narrower than the spacing: its "
                                      "points were put on its centre line")),
    "centre": ("area-tiny", N_("%(where)s (%(label)s) is smaller than one grid cell: it gets "
                               "one point at its centre")),
}


def placement_notes(i: int, area: Area, shape: AreaShape, fill: grid.Fill) -> list[PlanWarning]:
    """How the area was filled, when it was not a plain grid: narrow, tiny, margin not kept,
    a line left with no points."""
    where = f"areas[{i}]"
    notes = []
    if fill.how in _PLACEMENT_NOTES:
        code, template = _PLACEMENT_NOTES[fill.how]
        notes.append(PlanWarning(code, "medium", Message(template, where=Field(where),
                                                         label=area.label), i))
    if not fill.margin_kept:
        notes.append(PlanWarning("margin-not-kept", "medium", Message(
            N_("%(where)s (%(label)s) is narrower than twice the margin of %(margin)s mm: points "
               "are closer to its edge"),
            where=Field(where), label=area.label, margin=Number(area.margin_mm, "g")), i))
    if area.pattern == "line" and fill.how == "empty":
        notes.append(PlanWarning("line-empty", "high", Message(
            N_("%(where)s (%(label)s): no part of the line is left inside the area; it gets no "
               "points"), where=Field(where), label=area.label), i))
    return notes


def technique_notes(i: int, area: Area) -> list[PlanWarning]:
    """The area's depth checked against its technique."""
    return only_given([safety.depth_warning(area.depth_mm, area.technique,
                                         f"areas[{i}].depth_mm", i)])


def manual_point_notes(plan: Plan) -> list[PlanWarning]:
    """Volume and depth checks of manual points: one warning per kind, naming the points."""
    notes: list[PlanWarning] = []
    for check, key in ((safety.volume_warning, "volume_ml"), (safety.depth_warning, "depth_mm")):
        found = [(j, w) for j, p in enumerate(plan.points)
                 if (w := check(getattr(p, key), p.technique if key == "depth_mm"
                                else plan.treatment, f"points[{j}].{key}", None)) is not None]
        if len(found) == 1:
            notes.append(found[0][1])
        elif found:
            names: Param = Field(*(f"points[{j}]" for j, _ in found[:10]))
            if len(found) > 10:
                names = Message(N_("%(names)s and %(more)s more"), names=names,
                                more=len(found) - 10)
            first = found[0][1]
            # The first point's message, naming all of them (its template starts "%(where)s: ").
            notes.append(PlanWarning(first.code, first.severity, first.text.but(where=names)))
    return notes


def zone_notes(xy: NDArray[np.float64], shapes: MapShapes) -> list[PlanWarning]:
    """Every point, however it was made, checked against the view: in a no-go zone, outside the
    body outline, in a danger zone (facial danger zones: Scheuer et al. 2017). Zones are closed
    sets: a point on an edge is inside (geometry.covers_xy). Points are numbered from 1 in
    injection order, as the sheet prints them."""
    if not len(xy):
        return []
    notes = []
    for name, zone in shapes.no_go_zones.items():
        inside = covers_xy(zone, xy)
        if inside.any():
            count = int(inside.sum())
            notes.append(PlanWarning("no-go-zone", "high", ngettext(
                "%(count)s point lies in a no-go zone: %(zone)s (point %(numbers)s); do not "
                "inject there: move or remove it",
                "%(count)s points lie in a no-go zone: %(zone)s (points %(numbers)s); do not "
                "inject there: move or remove them", count,
                count=count, zone=_zone_label(name, shapes),
                numbers=_numbers(inside)), points=_chosen(inside)))
    if shapes.outline is not None and not shapes.outline.is_empty:
        outside = ~covers_xy(shapes.outline, xy)
        if outside.any():
            count = int(outside.sum())
            notes.append(PlanWarning("outside-outline", "high", ngettext(
                "%(count)s point lies outside the body outline (point %(numbers)s): it is not "
                "on the body; move or remove it",
                "%(count)s points lie outside the body outline (points %(numbers)s): they are "
                "not on the body; move or remove them", count,
                count=count, numbers=_numbers(outside)), points=_chosen(outside)))
    for name, zone in shapes.warning_zones.items():
        inside = covers_xy(zone, xy)
        if inside.any():
            # The zone's name says what lies there (the face's arteries, Scheuer et al., Plast
            # Reconstr Surg 2017; the elbow's ulnar nerve): the message cannot name one source.
            count = int(inside.sum())
            notes.append(PlanWarning("danger-zone", "high", ngettext(
                "%(count)s point lies in a danger zone: %(zone)s (point %(numbers)s); the "
                "vessel or nerve there can be reached by mistake",
                "%(count)s points lie in a danger zone: %(zone)s (points %(numbers)s); the "
                "vessel or nerve there can be reached by mistake", count,
                count=count, zone=_zone_label(name, shapes),
                numbers=_numbers(inside)), points=_chosen(inside)))
    return notes


def _zone_label(name: str, shapes: MapShapes) -> Label:
    return Label(name, tuple(shapes.zone_labels.get(name, {}).items()))


def _chosen(chosen: NDArray[np.bool_]) -> tuple[int, ...]:
    """The numbers of the chosen points (1 for the first)."""
    return tuple(int(k) + 1 for k in np.flatnonzero(chosen))


def _numbers(chosen: NDArray[np.bool_]) -> str:
    return point_list(_chosen(chosen))


def point_list(numbers: Sequence[int]) -> str:
    """Point numbers as a message lists them: the first NUMBERS_LISTED, then "...".

    >>> point_list([3, 4]), point_list(range(1, 30))[-10:]
    ('3, 4', '19, 20 ...')
    """
    text = ", ".join(str(n) for n in list(numbers)[:NUMBERS_LISTED])
    return text + " ..." if len(numbers) > NUMBERS_LISTED else text


def only_given(found: Iterable[PlanWarning | None]) -> list[PlanWarning]:
    """The warnings some checks gave (a check gives None when all is well)."""
    return [w for w in found if w is not None]
