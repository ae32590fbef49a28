"""From the clinician's marks (mm) to valid areas: repair, clip, subtract exclusions.

All coordinates are millimetres in the body-map view (x to the right, y down, as in SVG).

>>> shape, notes = polygon_from([(0, 0), (10, 10), (10, 0), (0, 10)], "areas[0].polygon")
>>> round(shape.area, 6), notes[0].code
(50.0, 'stroke-repaired')
"""

from __future__ import annotations

import marshal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from planner.core.field_words import Field
from planner.core.memo import Recent, ready
from planner.core.messages import N_, Message, Number, PlanError, PlanWarning
from planner.core.plan import Area

# Surfaces below this are treated as empty: 0.01 mm2 is far below anything injectable, and
# keeps floating-point crumbs of clipping from being mistaken for areas.
MIN_SURFACE_MM2 = 0.01

# Zones are closed sets: a point on the edge of an eye is in the eye. A point this close to a
# zone counts as on its edge, which absorbs the rounding of coordinates computed from the drawing
# (the midpoint of an edge is rarely exactly on it in floating point); far below any needle.
ZONE_TOLERANCE_MM = 1e-6

Coords = Sequence[tuple[float, float]]
# [our default]: the areas kept between calls (memo.Recent): a few plans' worth of areas.
KEPT_AREAS = 256


@dataclass(frozen=True)
class MapShapes:
    """What the engine needs of a body-map view, all in mm in the view's coordinates."""

    outline: BaseGeometry | None = None
    # The union of the no-go zones: left out of every area.
    no_go: BaseGeometry | None = None
    regions: Mapping[str, BaseGeometry] = field(default_factory=dict)
    guides: Mapping[str, BaseGeometry] = field(default_factory=dict)
    # Danger zones by name (e.g. the glabella): points inside them get a warning, not a refusal.
    warning_zones: Mapping[str, BaseGeometry] = field(default_factory=dict)
    # The no-go zones one by one, by name (an eye, the lips): a point placed in one by hand gets
    # a warning naming it.
    no_go_zones: Mapping[str, BaseGeometry] = field(default_factory=dict)
    # The danger and no-go zones' names in other languages, by name and language ({"it": ...}).
    zone_labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


# Plain paper: no body map. One object, so that the areas kept for it are found again.
NO_MAP = MapShapes()


@dataclass(frozen=True)
class AreaShape:
    """A marked area ready for the grid: ``surface`` (polygonal) and, for lines, ``line``."""

    surface: BaseGeometry
    line: BaseGeometry | None
    warnings: tuple[PlanWarning, ...]


def covers_xy(zone: BaseGeometry, xy: NDArray[np.float64],
              tolerance_mm: float = ZONE_TOLERANCE_MM) -> NDArray[np.bool_]:
    """Which points lie in a zone taken as a closed set: inside it, on its edge, or within
    ``tolerance_mm`` of it (coordinates in mm, one row per point).

    Only the points within the zone's bounds are tested, so thousands of points cost little.
    The test prepares a zone not yet prepared in place: a zone shared by several threads comes
    prepared (the atlas's and the engine's: memo.ready, memo.ready_for_all).

    >>> square = shapely.box(0, 0, 10, 10)
    >>> covers_xy(square, np.array([[5, 5], [10, 3], [10 + 1e-9, 3], [10.01, 3]])).tolist()
    [True, True, True, False]
    """
    found = np.zeros(len(xy), dtype=bool)
    if zone.is_empty or not len(xy):
        return found
    minx, miny, maxx, maxy = zone.bounds
    x, y = xy[:, 0], xy[:, 1]
    near = np.flatnonzero((x >= minx - tolerance_mm) & (x <= maxx + tolerance_mm)
                          & (y >= miny - tolerance_mm) & (y <= maxy + tolerance_mm))
    if not len(near):
        return found
    hit = shapely.intersects_xy(zone, x[near], y[near])
    found[near[hit]] = True
    close = near[~hit]
    if len(close):
        found[close] = shapely.dwithin(zone, shapely.points(xy[close]), tolerance_mm)
    return found


def polygonal(geom: BaseGeometry) -> Polygon | MultiPolygon:
    """Keep only the polygon parts of a geometry (drop lines and points left by repairs).

    >>> mixed = shapely.GeometryCollection([shapely.box(0, 0, 1, 1), LineString([(0, 0), (5, 5)])])
    >>> polygonal(mixed)
    <POLYGON ((1 0, 1 1, 0 1, 0 0, 1 0))>
    """
    parts = [
        p for p in shapely.get_parts(geom)
        if isinstance(p, Polygon | MultiPolygon) and p.area >= MIN_SURFACE_MM2
    ]
    flat: list[Polygon] = []
    for part in parts:
        flat.extend(shapely.get_parts(part) if isinstance(part, MultiPolygon) else [part])
    if not flat:
        return Polygon()
    if len(flat) == 1:
        return flat[0]
    # Parts may touch or overlap (lobes of a repaired stroke): their union is valid.
    merged = shapely.union_all(flat)
    parts2 = [p for p in shapely.get_parts(merged)
              if isinstance(p, Polygon) and p.area >= MIN_SURFACE_MM2]
    if len(parts2) == 1:
        return parts2[0]
    return MultiPolygon(parts2) if parts2 else Polygon()


def polygon_from(coords: Coords, where: str, area: int | None = None
                 ) -> tuple[Polygon | MultiPolygon, list[PlanWarning]]:
    """A valid polygon from a drawn outline, repairing a stroke that crosses itself.

    Raises PlanError when the outline encloses no surface (all points on a line, or repeated).
    """
    ring = shapely.polygons(np.asarray(coords, dtype=np.float64))
    notes: list[PlanWarning] = []
    if ring.is_valid:
        shape: Polygon | MultiPolygon = ring
    else:
        # A self-crossing stroke: the structure method keeps every lobe the stroke encloses,
        # rather than cancelling lobes that turn the other way (the "linework" behaviour).
        shape = polygonal(shapely.make_valid(ring, method="structure", keep_collapsed=False))
        if shape.area >= MIN_SURFACE_MM2:
            drawn = abs(_shoelace(coords))
            notes.append(PlanWarning(
                "stroke-repaired", "medium",
                Message(N_("%(where)s: the outline crosses itself; it was repaired into "
                           "%(parts)s part(s) of %(mm2)s mm2 in all (the crossed outline "
                           "measured %(drawn)s mm2, a change of %(change)s mm2); check the shape"),
                        where=Field(where), parts=len(shapely.get_parts(shape)),
                        mm2=Number(shape.area, ".0f"), drawn=Number(drawn, ".0f"),
                        change=Number(shape.area - drawn, "+.0f")),
                area,
            ))
    if shape.is_empty or shape.area < MIN_SURFACE_MM2:
        raise PlanError(where, N_("the outline encloses no surface (its points lie on a line or "
                                  "repeat); draw an area"))
    return shape, notes


def _shoelace(coords: Coords) -> float:
    total = 0.0
    for (x1, y1), (x2, y2) in zip(coords, [*coords[1:], coords[0]], strict=True):
        total += x1 * y2 - x2 * y1
    return total / 2.0


_KEPT: Recent[AreaShape] = Recent(KEPT_AREAS)


def area_shape(area: Area, index: int, shapes: MapShapes) -> AreaShape:
    """The surface (and line) to fill for one area, after clipping and exclusions.

    Kept between calls (memo.Recent), by the area's outlines, region and line (coordinates to
    the bit), its pattern and index, and the very map shapes given: the same area on the same
    map is checked, repaired, clipped and prepared once, whatever its spacing.
    """
    # marshal (version 2: no back-references) writes each coordinate's 8 bytes: -0.0 is not
    # 0.0, nor 1 1.0; equal bytes are equal areas.
    try:
        key = (marshal.dumps((area.region, area.polygon, area.exclude, area.line, area.pattern,
                              index), 2), id(shapes))
    except ValueError:  # coordinates that are not plain numbers (made by hand): not kept
        return _area_shape(area, index, shapes)
    return _KEPT.get(key, (shapes,), lambda: _ready(_area_shape(area, index, shapes)))


def _ready(shape: AreaShape) -> AreaShape:
    """The shape's geometries prepared before another thread can see them (memo.ready)."""
    ready(shape.surface)
    if shape.line is not None:
        ready(shape.line)
    return shape


def _area_shape(area: Area, index: int, shapes: MapShapes) -> AreaShape:
    where = f"areas[{index}]"
    notes: list[PlanWarning] = []
    surface: BaseGeometry | None = None
    if area.region is not None:
        region = shapes.regions.get(area.region)
        if region is None:
            raise PlanError(f"{where}.region", N_("unknown region %(region)s (see 'mesoplanner "
                                                  "bodymaps')"), region=repr(area.region))
        surface = polygonal(region)
    if area.polygon is not None:
        drawn, repaired = polygon_from(area.polygon, f"{where}.polygon", index)
        notes.extend(repaired)
        if surface is not None:
            clipped = polygonal(shapely.intersection(drawn, surface))
            if clipped.is_empty:
                raise PlanError(f"{where}.polygon", N_("does not overlap region %(region)s"),
                                region=repr(area.region))
            surface = clipped
        else:
            surface = drawn
    line = _line(area, where, shapes) if area.pattern == "line" else None
    if surface is None:
        # A line plan with no area: the line itself is what is treated.
        surface = Polygon()
    else:
        surface = _subtract(surface, area, where, shapes, notes, index)
        if line is not None:
            line = lines_of(shapely.intersection(line, surface))
    if line is not None:
        line = _trim_line(line, area, shapes)
    if area.line is not None and area.pattern != "line":
        notes.append(PlanWarning("line-ignored", "info", Message(
            N_("%(where)s: a line is only used with the pattern along a line; it was ignored"),
            where=Field(f"{where}.line")), index))
    return AreaShape(surface=surface, line=line, warnings=tuple(notes))


def _subtract(surface: BaseGeometry, area: Area, where: str, shapes: MapShapes,
              notes: list[PlanWarning], index: int) -> Polygon | MultiPolygon:
    before = surface.area
    for i, ring in enumerate(area.exclude):
        hole, repaired = polygon_from(ring, f"{where}.exclude[{i}]", index)
        notes.extend(repaired)
        surface = shapely.difference(surface, hole)
    if shapes.no_go is not None and not shapes.no_go.is_empty:
        cut = shapely.difference(surface, shapes.no_go)
        if surface.area - cut.area > MIN_SURFACE_MM2:
            notes.append(PlanWarning("no-go-removed", "info", Message(
                N_("%(where)s: %(mm2)s mm2 over a no-go zone of the body map was left out"),
                where=Field(where), mm2=Number(surface.area - cut.area, ".0f")), index))
        surface = cut
    if shapes.outline is not None and not shapes.outline.is_empty:
        cut = shapely.intersection(surface, shapes.outline)
        if surface.area - cut.area > MIN_SURFACE_MM2:
            notes.append(PlanWarning("outside-body", "info", Message(
                N_("%(where)s: %(mm2)s mm2 outside the body outline was left out"),
                where=Field(where), mm2=Number(surface.area - cut.area, ".0f")), index))
        surface = cut
    result = polygonal(surface)
    if result.is_empty and before >= MIN_SURFACE_MM2:
        notes.append(PlanWarning("area-empty", "high", Message(
            N_("%(where)s: nothing is left of this area after exclusions, no-go zones and the "
               "body outline; it gets no points"), where=Field(where)), index))
    return result


def _line(area: Area, where: str, shapes: MapShapes) -> BaseGeometry:
    if isinstance(area.line, str):
        guide = shapes.guides.get(area.line)
        if guide is None:
            raise PlanError(f"{where}.line", N_("unknown guide line %(line)s (see 'mesoplanner "
                                                "bodymaps')"), line=repr(area.line))
        return guide
    assert area.line is not None  # checked by the plan reader
    line = LineString(area.line)
    if line.length <= 0:
        raise PlanError(f"{where}.line", N_("has no length (its points repeat)"))
    return line


def _trim_line(line: BaseGeometry, area: Area, shapes: MapShapes) -> BaseGeometry:
    for ring in area.exclude:
        line = shapely.difference(line, polygon_from(ring, "exclude")[0])
    if shapes.no_go is not None and not shapes.no_go.is_empty:
        line = shapely.difference(line, shapes.no_go)
    if shapes.outline is not None and not shapes.outline.is_empty:
        line = shapely.intersection(line, shapes.outline)
    return lines_of(line)


def lines_of(geom: BaseGeometry) -> BaseGeometry:
    """Only the line parts of a geometry, merged where they touch end to end."""
    parts = [p for p in shapely.get_parts(geom) if isinstance(p, LineString) and p.length > 0]
    flat: list[LineString] = []
    for part in parts:
        flat.extend(shapely.get_parts(part))
    if not flat:
        return LineString()
    return shapely.line_merge(MultiLineString(flat)) if len(flat) > 1 else flat[0]
