"""Plans on the four views whose silhouettes were redrawn (issue 17): documents, the engine's
result on a given outline, and the widest strip where the earlier and the new outline differ."""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from planner import engine
from planner.bodymaps.atlas import get_view
from planner.bodymaps.view import View
from planner.core.compute import Result, compute
from planner.core.plan_reader import from_dict
from planner.core.plan_writer import dump

# Each redrawn view and the version just before its latest redraw: the outline the tests compare
# the new one with. The elbow was redrawn twice (versions 3 and 4): its version-2 outline is still
# kept and read (test_outline_versions.py's plan on version 1, clipped to it).
REDRAWN = {"elbow-lateral": 3, "hip-lateral": 2, "abdomen-anterior": 1,
           "hips-thighs-posterior": 1}
CASES = [(v, side) for v in REDRAWN for side in (("right", "left") if get_view(v).single_limb
                                                  else (None,))]


def doc(view_id: str, side: str | None, polygon: list[list[float]], version: int | None = None,
        **area: object) -> dict[str, object]:
    out: dict[str, object] = {
        "format": "mesoplanner.plan/1", "bodymap": view_id, "treatment": "cellulite",
        "areas": [{"label": "drawn", "polygon": polygon, "spacing_mm": 8, **area}]}
    if side:
        out["side"] = side
    if version is not None:
        out["bodymap_version"] = version
    return out


def run(document: dict[str, object]) -> tuple[Result, View]:
    result, view = engine.run(from_dict(document))
    assert view is not None
    return result, view


def on_outline(document: dict[str, object], outline: object) -> Result:
    """The plan computed on the view's regions with the given outline: what the engine
    computed before the redraw when ``outline`` is the earlier one."""
    plan = from_dict(document)
    view, _notes = engine.load_view(plan)
    assert view is not None
    plan = dataclasses.replace(plan, side=view.side if view.single_limb else plan.side,
                               bodymap_version=view.version)
    return compute(plan, dataclasses.replace(engine.shapes_of(view, plan), outline=outline))


def same_points(a: Result, b: Result) -> bool:
    return (np.array_equal(a.xy, b.xy) and np.array_equal(a.hundredths, b.hundredths)
            and [x.as_dict() for x in a.areas] == [x.as_dict() for x in b.areas])


def reopened(result: Result) -> Result:
    """The plan saved (its file written) and opened again."""
    return run(dump(result.plan))[0]


def star(centre: tuple[float, float], radius: float, spokes: list[float], turn: float
         ) -> list[list[float]]:
    """A polygon star-shaped around ``centre`` (so containing it)."""
    n = len(spokes)
    return [[centre[0] + radius * k * math.cos(turn + 2 * math.pi * i / n),
             centre[1] + radius * k * math.sin(turn + 2 * math.pi * i / n)]
            for i, k in enumerate(spokes)]


def widest_change(view: View, version: int) -> list[list[float]]:
    """A 60 mm square on the largest strip where the earlier outline and the new one differ."""
    strip = view.outline_for(version).symmetric_difference(view.outline)
    part = max(getattr(strip, "geoms", [strip]), key=lambda g: g.area)
    c = part.representative_point()
    return [[c.x - 30, c.y - 30], [c.x + 30, c.y - 30], [c.x + 30, c.y + 30],
            [c.x - 30, c.y + 30]]
