"""A whole plan computed: areas -> numbered points -> volumes, totals, syringes and warnings.

>>> from planner.core.plan_reader import loads
>>> plan = loads('''{"format": "mesoplanner.plan/1", "areas": [{"label": "knee",
...   "polygon": [[0, 0], [60, 0], [60, 40], [0, 40]], "spacing_mm": 20, "volume_ml": "0.10"}]}''')
>>> result = compute(plan)
>>> len(result.points), str(result.total_ml)
(6, '0.60')
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property
from typing import Any

import numpy as np
from numpy.typing import NDArray

from planner.core import grid, safety
from planner.core.dosing import ComponentTotal, SyringePlan, components_of, syringe_plan
from planner.core.field_words import Field
from planner.core.geometry import NO_MAP, AreaShape, MapShapes, area_shape, covers_xy
from planner.core.messages import N_, Message, Number, PlanWarning, by_severity
from planner.core.plan import FORMAT, Area, Plan
from planner.core.point_limit import refuse_huge, refuse_too_many
from planner.core.point_warnings import (
    manual_point_notes,
    only_given,
    placement_notes,
    technique_notes,
    zone_notes,
)

# [our default]: an override applies to the generated point within 1 mm of where it was made.
OVERRIDE_MATCH_MM = 1.0

@dataclass(frozen=True)
class PlacedPoint:
    """One numbered injection point."""

    number: int
    area: int | None
    x: float
    y: float
    volume_ml: Decimal
    mixture: str | None
    depth_mm: float
    technique: str
    label: str | None = None

    def as_dict(self) -> dict[str, object]:
        """The point as it appears in the plan output."""
        out: dict[str, object] = {
            "number": self.number, "area": self.area,
            "x": round(self.x, 4), "y": round(self.y, 4),
            "volume_ml": str(self.volume_ml), "mixture": self.mixture,
            "depth_mm": self.depth_mm, "technique": self.technique,
        }
        if self.label is not None:
            out["label"] = self.label
        return out


@dataclass(frozen=True)
class AreaResult:
    """One area as computed: its final shape, how it was filled, its totals."""

    index: int
    area: Area
    shape: AreaShape
    placement: str
    points: int
    total_ml: Decimal
    components: tuple[ComponentTotal, ...]

    @property
    def surface_mm2(self) -> float:
        """Treated surface in mm2 (0 for a line with no area)."""
        return float(self.shape.surface.area)

    def as_dict(self) -> dict[str, object]:
        """The area as it appears in the plan output."""
        out: dict[str, object] = {
            "label": self.area.label, "pattern": self.area.pattern,
            "placement": self.placement, "points": self.points,
            "area_mm2": round(self.surface_mm2, 2),
            "area_cm2": round(self.surface_mm2 / 100.0, 2),
            "total_ml": str(self.total_ml),
            "components": [c.as_dict() for c in self.components],
        }
        if self.area.pattern == "area":
            out["product_ml"] = str(self.area.volume_ml)
        return out


@dataclass(frozen=True)
class Result:
    """A computed plan: every point, every total, every warning.

    The points are kept as arrays (injection order): ``xy`` in mm, ``area_of`` (-1 for manual
    points) and ``hundredths`` (each volume in exact hundredths of a mL); ``points`` gives them
    as objects when they are needed one by one.
    """

    plan: Plan
    xy: NDArray[np.float64]
    area_of: NDArray[np.int64]
    hundredths: NDArray[np.int64]
    areas: tuple[AreaResult, ...]
    total_ml: Decimal
    components: tuple[ComponentTotal, ...]
    syringes: tuple[SyringePlan, ...]
    warnings: tuple[PlanWarning, ...] = field(default_factory=tuple)

    @cached_property
    def points(self) -> tuple[PlacedPoint, ...]:
        """Every point, numbered from 1 in injection order."""
        out = []
        manual = iter(self.plan.points)
        for k in range(len(self.xy)):
            a = int(self.area_of[k])
            volume = Decimal(int(self.hundredths[k])).scaleb(-2)
            x, y = float(self.xy[k, 0]), float(self.xy[k, 1])
            if a >= 0:
                area = self.plan.areas[a]
                out.append(PlacedPoint(k + 1, a, x, y, volume, area.mixture, area.depth_mm,
                                       area.technique))
            else:
                m = next(manual)
                out.append(PlacedPoint(k + 1, None, x, y, volume, m.mixture, m.depth_mm,
                                       m.technique, m.label))
        return tuple(out)

    def as_dict(self) -> dict[str, object]:
        """The ``--format json`` output of PLAN-FORMAT.md."""
        return {
            "format": FORMAT,
            "bodymap": self.plan.bodymap,
            "bodymap_version": self.plan.bodymap_version,
            "side": self.plan.side,
            "treatment": self.plan.treatment,
            "points": [p.as_dict() for p in self.points],
            "areas": [a.as_dict() for a in self.areas],
            "total_ml": str(self.total_ml),
            "components": [c.as_dict() for c in self.components],
            "syringes": [s.as_dict(self.plan.syringe_ml) for s in self.syringes],
            "warnings": [w.as_dict() for w in self.warnings],
        }


def compute(plan: Plan, shapes: MapShapes | None = None) -> Result:
    """Compute every point, volume, total and warning of a plan.

    Raises PlanError for input that cannot be computed (unknown region, empty outline,
    more than ``clinical.MAX_POINTS_PER_PLAN`` points).
    """
    shapes = NO_MAP if shapes is None else shapes
    notes: list[PlanWarning] = []
    area_shapes = [area_shape(a, i, shapes) for i, a in enumerate(plan.areas)]
    for s in area_shapes:
        notes.extend(s.warnings)
    refuse_huge(plan, area_shapes)
    fills: list[grid.Fill] = []
    for area, shape in zip(plan.areas, area_shapes, strict=True):
        fills.append(_off_no_go(_fill(area, shape), shapes))
        refuse_too_many(plan, fills)  # as soon as the limit is passed, not after every area

    chunks_xy: list[NDArray[np.float64]] = []
    chunks_area: list[NDArray[np.int64]] = []
    chunks_volume: list[NDArray[np.int64]] = []
    results: list[AreaResult] = []
    volume_by_mixture: dict[str, Decimal] = {}
    components_in = _components_memo(plan)
    for i, (area, shape, fill) in enumerate(zip(plan.areas, area_shapes, fills, strict=True)):
        notes.extend(placement_notes(i, area, shape, fill))
        volumes, area_notes = _volumes(i, area, fill.points, plan.treatment)
        notes.extend(area_notes)
        points = fill.points
        if area.overrides or area.volume_ml < 0:  # only an override skips a point (-1)
            kept = volumes >= 0
            points, volumes = points[kept], volumes[kept]
        chunks_xy.append(points)
        chunks_volume.append(volumes)
        chunks_area.append(np.full(len(points), i, dtype=np.int64))
        area_total = _ml(int(volumes.sum()) if area.overrides else
                         len(points) * _cents(area.volume_ml))
        if area.pattern == "area" and not shape.surface.is_empty:
            area_total = area.volume_ml
        by_mixture = {area.mixture: area_total} if area.mixture and area_total else {}
        for name, vol in by_mixture.items():
            volume_by_mixture[name] = volume_by_mixture.get(name, Decimal("0.00")) + vol
        if area.mixture is None and plan.mixtures and area_total:
            notes.append(PlanWarning("no-mixture", "info", Message(
                N_("%(where)s has no mixture: its %(ml)s mL are not in the totals per drug"),
                where=Field(f"areas[{i}]"), ml=area_total), i))
        notes.extend(technique_notes(i, area))
        results.append(AreaResult(i, area, shape, fill.how, len(points), area_total,
                                  components_in(by_mixture)))
    if plan.points:
        chunks_xy.append(np.array([(p.x, p.y) for p in plan.points], dtype=np.float64))
        chunks_volume.append(np.array([_cents(p.volume_ml) for p in plan.points],
                                      dtype=np.int64))
        chunks_area.append(np.full(len(plan.points), -1, dtype=np.int64))
    for point in plan.points:
        if point.mixture:
            volume_by_mixture[point.mixture] = (volume_by_mixture.get(point.mixture, Decimal(0))
                                                + point.volume_ml)
    xy = _joined(chunks_xy, np.empty((0, 2)))
    hundredths = _joined(chunks_volume, np.empty(0, np.int64))
    area_of = _joined(chunks_area, np.empty(0, np.int64))
    notes.extend(manual_point_notes(plan))
    notes.extend(zone_notes(xy, shapes))
    total = sum((a.total_ml for a in results), Decimal("0.00")) + sum(
        (p.volume_ml for p in plan.points), Decimal("0.00"))
    components = components_in(volume_by_mixture)
    notes.extend(safety.anaesthetic_warnings(components, plan.weight_kg))
    syringes = tuple(
        syringe_plan(plan.mixtures[name], volume, plan.syringe_ml)
        for name, volume in volume_by_mixture.items() if volume > 0
    )
    for syringe in syringes:
        if syringe.notice is not None:
            notes.append(PlanWarning("syringe-split", "info", Message(
                N_("mixture %(mixture)s: %(note)s"), mixture=syringe.mixture,
                note=syringe.notice)))
    return Result(plan, xy, area_of, hundredths, tuple(results),
                  total.quantize(Decimal("0.01")), components, syringes, by_severity(notes))


def _components_memo(plan: Plan) -> Callable[[dict[str, Decimal]], tuple[ComponentTotal, ...]]:
    """dosing.components_of for this plan's mixtures, each set of volumes reckoned once (a plan
    of one area has the same volumes in that area as in all)."""
    found: dict[tuple[tuple[str, Decimal], ...], tuple[ComponentTotal, ...]] = {}

    def components_in(volume_by_mixture: dict[str, Decimal]) -> tuple[ComponentTotal, ...]:
        # Equal volumes (0.10 or 0.1) are the same exact amounts: the same components.
        key = tuple(volume_by_mixture.items())
        if key not in found:
            found[key] = tuple(components_of(volume_by_mixture, plan.mixtures))
        return found[key]

    return components_in


def _joined(chunks: list[NDArray[Any]], empty: NDArray[Any]) -> NDArray[Any]:
    """The areas' (and manual points') arrays end to end: a plan's only one as it is."""
    if len(chunks) == 1:
        return chunks[0]
    return np.concatenate(chunks) if chunks else empty


def _cents(volume_ml: Decimal) -> int:
    """A volume in whole hundredths of a mL (volumes are validated to 0.01 mL steps)."""
    return int(volume_ml.scaleb(2))


def _ml(hundredths: int) -> Decimal:
    return Decimal(hundredths).scaleb(-2).quantize(Decimal("0.01"))


def _fill(area: Area, shape: AreaShape) -> grid.Fill:
    if area.pattern == "area":
        return grid.Fill(np.empty((0, 2)), "empty")
    if area.pattern == "line":
        if shape.line is None or shape.line.is_empty:
            return grid.Fill(np.empty((0, 2)), "empty")
        return grid.Fill(grid.points_along(shape.line, spacing_mm=area.spacing_mm), "line")
    return grid.points_in(shape.surface, spacing_mm=area.spacing_mm, pattern=area.pattern,
                          angle_deg=area.angle_deg, margin_mm=area.margin_mm)


def _off_no_go(fill: grid.Fill, shapes: MapShapes) -> grid.Fill:
    """The generated points, less any on the edge of a no-go zone (zones are closed sets).

    The no-go zones are cut out of every area, but a line cut by one ends on its edge, and a
    point placed at that end would be in the zone.
    """
    if shapes.no_go is None or not len(fill.points):
        return fill
    on_edge = covers_xy(shapes.no_go, fill.points)
    return replace(fill, points=fill.points[~on_edge]) if on_edge.any() else fill


def _volumes(i: int, area: Area, points: NDArray[np.float64], treatment: str
             ) -> tuple[NDArray[np.int64], list[PlanWarning]]:
    """Each generated point's volume in hundredths of a mL (-1 when skipped), overrides applied."""
    volumes = np.full(len(points), _cents(area.volume_ml), dtype=np.int64)
    notes: list[PlanWarning] = []
    if area.pattern != "area":
        notes.extend(only_given([safety.volume_warning(area.volume_ml, treatment,
                                                    f"areas[{i}].volume_ml", i)]))
    for j, override in enumerate(area.overrides):
        where = f"areas[{i}].overrides[{j}]"
        dist = np.hypot(points[:, 0] - override.x, points[:, 1] - override.y)
        k = int(np.argmin(dist)) if len(points) else -1
        if k < 0 or dist[k] > OVERRIDE_MATCH_MM:
            notes.append(PlanWarning("override-unmatched", "medium", Message(
                N_("%(where)s: no point of this area is within %(mm)s mm of (%(x)s, %(y)s); the "
                   "change was not applied"),
                where=Field(where), mm=Number(OVERRIDE_MATCH_MM, "g"), x=Number(override.x, "g"),
                y=Number(override.y, "g")), i))
            continue
        if override.skip:
            volumes[k] = -1
        elif override.volume_ml is not None:
            volumes[k] = _cents(override.volume_ml)
            notes.extend(only_given([safety.volume_warning(override.volume_ml, treatment,
                                                        f"{where}.volume_ml", i)]))
    return volumes, notes
