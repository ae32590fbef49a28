"""From an area and a spacing to points, numbered in serpentine injection order.

Lengths are mm in the view's coordinates (x right, y down). A positive ``angle_deg`` turns the
grid clockwise as seen on the drawing (the SVG convention, since y points down).

>>> import shapely
>>> fill = points_in(shapely.box(0, 0, 60, 40), spacing_mm=20)
>>> fill.how, fill.points.tolist()
('grid', [[10.0, 10.0], [30.0, 10.0], [50.0, 10.0], [50.0, 30.0], [30.0, 30.0], [10.0, 30.0]])
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import shapely
import shapely.affinity
from numpy.typing import NDArray
from shapely.geometry import LineString, MultiPolygon
from shapely.geometry.base import BaseGeometry

from planner.core.along_line import spaced_along
from planner.core.geometry import polygonal
from planner.core.narrow import along_centre_line, centre, extent

Points = NDArray[np.float64]
How = Literal["grid", "centre-line", "centre", "line", "empty"]

# Keeps lattice points off the area's edge when the width is an exact multiple of the spacing
# (a point exactly on the edge is neither inside nor outside). 1e-6 mm is far below any tolerance.
EDGE_EPSILON_MM = 1e-6
# Candidate lattice points handled at once: bounds the memory of one contains_xy call.
CHUNK_CANDIDATES = 1_000_000
SQRT3_2 = math.sqrt(3.0) / 2.0


@dataclass(frozen=True)
class Fill:
    """Points of one area in injection order, and how they were placed.

    ``how`` is ``grid`` (a lattice), ``centre-line`` (the area is narrower than the spacing),
    ``centre`` (smaller than a grid cell: one point), ``line`` or ``empty``. ``margin_kept`` is
    False when the area is narrower than twice the margin, so the margin could not be kept.
    """

    points: Points
    how: How
    margin_kept: bool = True


def cell_area_mm2(spacing_mm: float, pattern: str) -> float:
    """Skin surface per point of a large grid: s^2, or s^2 * sqrt(3)/2 when staggered.

    >>> cell_area_mm2(20, "square"), round(cell_area_mm2(20, "staggered"), 2)
    (400.0, 346.41)
    """
    return spacing_mm * spacing_mm * (SQRT3_2 if pattern == "staggered" else 1.0)


def estimate_count(surface: BaseGeometry, spacing_mm: float, pattern: str) -> int:
    """A quick upper estimate of the points a grid puts in a surface, to refuse huge plans early.

    Lattice points in a region exceed area/cell by at most about perimeter/spacing + 1.
    """
    if surface.is_empty:
        return 0
    cell = cell_area_mm2(spacing_mm, pattern)
    return math.ceil(float(surface.area) / cell + float(surface.length) / spacing_mm + 1)


def points_in(surface: BaseGeometry, *, spacing_mm: float, pattern: str = "square",
              angle_deg: float = 0.0, margin_mm: float = 0.0) -> Fill:
    """Fill a surface with a square or staggered (hexagonal) grid centred in it.

    Every point is inside the surface, at least ``margin_mm`` from its edge and at least
    ``spacing_mm`` from every other point. Narrow and tiny areas get points on their centre
    line or one point at their centre instead of none; points on a centre line are numbered
    along it, left to right and top to bottom (planner.core.centre_line.REFERENCE_DEG).
    """
    surface = polygonal(surface)
    if surface.is_empty:
        return Fill(np.empty((0, 2)), "empty")
    inner = surface
    margin_kept = True
    if margin_mm > EDGE_EPSILON_MM:
        # GEOS may drop a hole when it erodes by a vanishing distance (1e-100 mm): intersecting
        # with the surface keeps every exclusion out of the eroded area whatever happens.
        inner = polygonal(surface.buffer(-margin_mm, quad_segs=32).intersection(surface))
        if inner.is_empty:
            inner, margin_kept = surface, False
    width, length = extent(inner, spacing_mm)
    if length < spacing_mm:
        return Fill(centre(inner), "centre", margin_kept)
    if width < spacing_mm or not margin_kept:
        line_points = along_centre_line(inner, spacing_mm)
        if len(line_points):
            return Fill(line_points, "centre-line", margin_kept)
        return Fill(centre(inner), "centre", margin_kept)
    points = _lattice(surface, inner, spacing_mm, pattern, angle_deg, margin_mm)
    if len(points):
        return Fill(points, "grid", margin_kept)
    line_points = along_centre_line(inner, spacing_mm)
    if len(line_points):
        return Fill(line_points, "centre-line", margin_kept)
    return Fill(centre(inner), "centre", margin_kept)


def points_along(line: BaseGeometry, *, spacing_mm: float) -> Points:
    """Points along a (multi)line every ``spacing_mm`` of its length, centred on each piece.

    >>> points_along(LineString([(0, 0), (0, 100)]), spacing_mm=20)[:, 1].tolist()
    [0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    """
    pieces = [p for p in shapely.get_parts(line) if isinstance(p, LineString) and p.length > 0]
    chunks = [spaced_along(piece, spacing_mm, chord=False) for piece in pieces]
    return np.concatenate(chunks) if chunks else np.empty((0, 2))


# --- the lattice -----------------------------------------------------------------------------

def _lattice(surface: BaseGeometry, inner: BaseGeometry, spacing: float, pattern: str,
             angle_deg: float, margin: float) -> Points:
    centre = surface.centroid
    origin = (centre.x, centre.y)
    # Work in a frame where the grid is axis-aligned: turn the area back by the grid's angle.
    turned = shapely.affinity.rotate(inner, -angle_deg, origin=origin) if angle_deg else inner
    turned_edge = None
    if margin > EDGE_EPSILON_MM:
        outer = shapely.affinity.rotate(surface, -angle_deg, origin=origin) if angle_deg \
            else surface
        turned_edge = outer.boundary
        shapely.prepare(turned_edge)
    shapely.prepare(turned)
    minx, miny, maxx, maxy = turned.bounds
    xs = _centred(minx, maxx, spacing)
    if len(xs) == 1:
        # One column only: the shifted rows of a staggered grid would be empty, so the points
        # form a single column, spacing apart, like a square grid.
        pattern = "square"
    row_step = spacing * SQRT3_2 if pattern == "staggered" else spacing
    ys = _centred(miny, maxy, row_step)
    kept: list[Points] = []
    if len(xs) * len(ys) > CHUNK_CANDIDATES:
        # A thin shape across a large box (a long diagonal strip): test only the stretch of
        # each row that crosses the shape, not the whole box.
        xs_of_row = _row_spans(turned, xs, ys, spacing if pattern == "staggered" else 0.0)
    else:
        xs_of_row = None
    rows_per_chunk = max(1, CHUNK_CANDIDATES // max(1, len(xs)))
    if xs_of_row is not None:
        found = _scan_rows(turned, xs_of_row, ys, turned_edge, margin)
        return _finish(found, turned, angle_deg, origin)
    for start in range(0, len(ys), rows_per_chunk):
        row_index = np.arange(start, min(start + rows_per_chunk, len(ys)))
        gx, gy = np.meshgrid(xs, ys[row_index])
        gr = np.broadcast_to(row_index[:, None], gx.shape)
        if pattern == "staggered":
            # Odd rows shift by half a spacing: with the even rows centred, they are centred too.
            gx = gx + np.where(gr % 2 == 1, spacing / 2.0, 0.0)
        x, y, r = gx.ravel(), gy.ravel(), gr.ravel().astype(np.float64)
        inside = shapely.contains_xy(turned, x, y)
        if turned_edge is not None and inside.any():
            # The eroded outline is approximated by chords; check the true distance as well.
            near = shapely.dwithin(shapely.points(x[inside], y[inside]), turned_edge,
                                   margin - 1e-9)
            inside[np.flatnonzero(inside)[near]] = False
        kept.append(np.column_stack([x[inside], y[inside], r[inside]]))
    found = np.concatenate(kept) if kept else np.empty((0, 3))
    return _finish(found, turned, angle_deg, origin)


def _finish(found: Points, turned: BaseGeometry, angle_deg: float,
            origin: tuple[float, float]) -> Points:
    if not len(found):
        return np.empty((0, 2))
    ordered = _serpentine(found, turned)
    if angle_deg:
        ordered = _rotate(ordered, angle_deg, origin)
    return ordered


def _row_spans(turned: BaseGeometry, xs: NDArray[np.float64], ys: NDArray[np.float64],
               shift: float) -> list[NDArray[np.float64]]:
    """For each lattice row, the lattice x positions that fall within the shape's extent there."""
    minx, _, maxx, _ = turned.bounds
    rows = shapely.linestrings(np.stack([
        np.column_stack([np.full(len(ys), minx - 1.0), ys]),
        np.column_stack([np.full(len(ys), maxx + 1.0), ys])], axis=1))
    cuts = shapely.intersection(rows, turned)
    spans = []
    for j, cut in enumerate(cuts):
        row_xs = xs + (shift / 2.0 if shift and j % 2 == 1 else 0.0)
        if cut.is_empty:
            spans.append(row_xs[:0])
            continue
        x0, _, x1, _ = cut.bounds
        spans.append(row_xs[(row_xs > x0 - 1e-9) & (row_xs < x1 + 1e-9)])
    return spans


def _scan_rows(turned: BaseGeometry, xs_of_row: list[NDArray[np.float64]],
               ys: NDArray[np.float64], edge: BaseGeometry | None, margin: float) -> Points:
    counts = np.array([len(r) for r in xs_of_row])
    if counts.sum() == 0:
        return np.empty((0, 3))
    x = np.concatenate(xs_of_row)
    y = np.repeat(ys, counts)
    r = np.repeat(np.arange(len(ys), dtype=np.float64), counts)
    inside = shapely.contains_xy(turned, x, y)
    if edge is not None and inside.any():
        near = shapely.dwithin(shapely.points(x[inside], y[inside]), edge, margin - 1e-9)
        inside[np.flatnonzero(inside)[near]] = False
    return np.column_stack([x[inside], y[inside], r[inside]])


def _centred(low: float, high: float, step: float) -> NDArray[np.float64]:
    """Positions ``step`` apart between low and high, with even gaps at both ends."""
    span = high - low
    count = math.floor(max(span - EDGE_EPSILON_MM, 0.0) / step) + 1
    first = low + (span - (count - 1) * step) / 2.0
    return first + step * np.arange(count, dtype=np.float64)


def _serpentine(found: Points, turned: BaseGeometry) -> Points:
    """Order points row by row, alternating direction, one part of the area after another."""
    x, y, row = found[:, 0], found[:, 1], found[:, 2]
    part = np.zeros(len(found), dtype=np.int64)
    parts = list(shapely.get_parts(turned)) if isinstance(turned, MultiPolygon) else []
    if len(parts) > 1:
        for k, piece in enumerate(parts):
            part[shapely.contains_xy(piece, x, y)] = k
        # Parts are treated top first, then left first, by their first row of points.
        first_row = {k: (row[part == k].min(), x[part == k].min()) for k in np.unique(part)}
        rank = {k: i for i, k in enumerate(sorted(first_row, key=lambda k: first_row[k]))}
        part = np.array([rank[k] for k in part], dtype=np.int64)
    # Rank of each row within its part, so the direction alternates over rows that have points.
    stride = int(row.max()) + 2
    keys, inverse = np.unique(part * stride + row.astype(np.int64), return_inverse=True)
    key_part = keys // stride
    row_rank = np.arange(len(keys)) - np.searchsorted(key_part, key_part)
    direction = np.where(row_rank[inverse] % 2 == 0, 1.0, -1.0)
    order = np.lexsort((x * direction, row, part))
    return np.column_stack([x[order], y[order]])


def _rotate(points: Points, angle_deg: float, origin: tuple[float, float]) -> Points:
    theta = math.radians(angle_deg)
    c, s = math.cos(theta), math.sin(theta)
    ox, oy = origin
    dx, dy = points[:, 0] - ox, points[:, 1] - oy
    return np.column_stack([ox + c * dx - s * dy, oy + s * dx + c * dy])


__all__ = ["Fill", "cell_area_mm2", "estimate_count", "points_along", "points_in"]
