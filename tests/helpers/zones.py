"""Plans of trigger points placed by hand on a body map's view, computed as the engine hands
them to the core: for the zone tests (tests/core/test_zones.py and its neighbours)."""

from __future__ import annotations

from functools import cache
from typing import Any

from planner import engine
from planner.bodymaps import atlas
from planner.bodymaps.view import View
from planner.core.compute import Result, compute
from planner.core.geometry import MapShapes
from planner.core.plan import FORMAT, Plan
from planner.core.plan_reader import from_dict


def view_of(view_id: str, side: str | None) -> View:
    return atlas.get_view(view_id, side)


@cache
def shapes(view_id: str, side: str | None) -> MapShapes:
    return engine.shapes_of(view_of(view_id, side), Plan(areas=()))


def manual_plan(view_id: str, side: str | None, xy: Any) -> Plan:
    doc: dict[str, Any] = {"format": FORMAT, "bodymap": view_id, "areas": [],
                           "points": [{"x": float(x), "y": float(y)} for x, y in xy]}
    if side is not None:
        doc["side"] = side
    return from_dict(doc)


def with_manual_points(view_id: str, side: str | None, xy: Any) -> Result:
    """The plan computed on the view's shapes, as the engine hands them to the core."""
    return compute(manual_plan(view_id, side, xy), shapes(view_id, side))
