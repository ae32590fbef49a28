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
from shapely.geometry import LineString, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from planner.core.along_line import spaced_along
from planner.core.geometry import polygonal
from planner.core.memo import Recent, ready
from planner.core.narrow import along_centre_line, centre, extent

Points = NDArray[np.float64]
How = Literal["grid", "centre-line", "centre", "line", "empty"]

# Keeps lattice points off the area's edge when the width is an exact multiple of the spacing
# (a point exactly on the edge is neither inside nor outside). 1e-6 mm is far below any tolerance.
EDGE_EPSILON_MM = 1e-6
# Candidate lattice points handled at once: bounds the memory of one contains_xy call.
CHUNK_CANDIDATES = 1_000_000
SQRT3_2 = math.sqrt(3.0) / 2.0
# [our default]: the surfaces' frames kept between calls (memo.Recent), as many as the areas.
KEPT_FRAMES = 256


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
    frame = _frame_of(surface, angle_deg, margin_mm)
    if frame is None:
        return Fill(np.empty((0, 2)), "empty")
    inner, margin_kept = frame.inner, frame.margin_kept
    # narrow.extent's own first test, with the area and length measured once for the frame.
    width, length = ((math.inf, math.inf) if frame.wide >= spacing_mm
                     else extent(inner, spacing_mm))
    if length < spacing_mm:
        return Fill(centre(inner), "centre", margin_kept)
    if width < spacing_mm or not margin_kept:
        line_points = along_centre_line(inner, spacing_mm)
        if len(line_points):
            return Fill(line_points, "centre-line", margin_kept)
        return Fill(centre(inner), "centre", margin_kept)
    points = _lattice(frame, spacing_mm, pattern, angle_deg, margin_mm)
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


# --- the frame: what the grid needs of a surface, whatever the spacing ----------------------

@dataclass(frozen=True)
class _Frame:
    """A surface as the lattice sees it: within its margin (``inner``), turned back by the
    grid's angle about ``origin`` (``turned``, prepared), and the turned outer edge that the
    margin is measured from (``edge``, None without a margin). ``wide``: for an area of one
    part, twice its area over its perimeter, a width it is sure to have (narrow.extent);
    ``bounds`` and ``parts``: the turned area's bounds and number of parts."""

    inner: BaseGeometry
    margin_kept: bool
    origin: tuple[float, float]
    turned: BaseGeometry
    edge: BaseGeometry | None
    wide: float
    bounds: tuple[float, float, float, float]
    parts: int


_FRAMES: Recent[_Frame | None] = Recent(KEPT_FRAMES)


def _frame_of(surface: BaseGeometry, angle_deg: float, margin_mm: float) -> _Frame | None:
    """The surface's frame (None when it has no surface), kept between calls for this very
    surface object, angle and margin (memo.Recent): a slider moving the spacing reuses it."""
    return _FRAMES.get((id(surface), angle_deg, margin_mm), (surface,),
                       lambda: _make_frame(surface, angle_deg, margin_mm))


def _make_frame(surface: BaseGeometry, angle_deg: float, margin_mm: float) -> _Frame | None:
    surface = polygonal(surface)
    if surface.is_empty:
        return None
    inner = surface
    margin_kept = True
    if margin_mm > EDGE_EPSILON_MM:
        # GEOS may drop a hole when it erodes by a vanishing distance (1e-100 mm): intersecting
        # with the surface keeps every exclusion out of the eroded area whatever happens.
        inner = polygonal(surface.buffer(-margin_mm, quad_segs=32).intersection(surface))
        if inner.is_empty:
            inner, margin_kept = surface, False
    centre_point = surface.centroid
    origin = (centre_point.x, centre_point.y)
    # Work in a frame where the grid is axis-aligned: turn the area back by the grid's angle.
    turned = shapely.affinity.rotate(inner, -angle_deg, origin=origin) if angle_deg else inner
    edge = None
    if margin_mm > EDGE_EPSILON_MM:
        outer = shapely.affinity.rotate(surface, -angle_deg, origin=origin) if angle_deg \
            else surface
        edge = ready(outer.boundary)
    wide = 2 * inner.area / inner.length if isinstance(inner, Polygon) else -math.inf
    # Every geometry kept is ready before another thread can see it (memo.ready).
    minx, miny, maxx, maxy = turned.bounds
    return _Frame(ready(inner), margin_kept, origin, ready(turned), edge, wide,
                  (minx, miny, maxx, maxy), int(shapely.get_num_geometries(turned)))


# --- the lattice -----------------------------------------------------------------------------

def _lattice(frame: _Frame, spacing: float, pattern: str, angle_deg: float,
             margin: float) -> Points:
    turned, edge = frame.turned, frame.edge
    minx, miny, maxx, maxy = frame.bounds
    xs = _centred(minx, maxx, spacing)
    if len(xs) == 1:
        # One column only: the shifted rows of a staggered grid would be empty, so the points
        # form a single column, spacing apart, like a square grid.
        pattern = "square"
    row_step = spacing * SQRT3_2 if pattern == "staggered" else spacing
    ys = _centred(miny, maxy, row_step)
    shift = spacing if pattern == "staggered" else 0.0
    if len(xs) * len(ys) > CHUNK_CANDIDATES:
        # A thin shape across a large box (a long diagonal strip): test only the stretch of
        # each row that crosses the shape, not the whole box.
        x, y, row = _scan_rows(turned, _row_spans(turned, xs, ys, shift), ys, edge, margin)
        return _finish(x, y, row, turned, angle_deg, frame.origin)
    grid_x, grid_y = _candidates(xs, ys, shift)
    cx, cy = grid_x.ravel(), grid_y.ravel()  # row after row
    inside = _inside(turned, edge, margin, cx, cy)
    if frame.parts == 1:
        return _placed(_serpentine_rows(grid_x, grid_y, inside.reshape(grid_x.shape)),
                       angle_deg, frame.origin)
    taken = np.flatnonzero(inside)
    return _finish(cx[taken], cy[taken], taken // len(xs), turned, angle_deg, frame.origin)


def _candidates(xs: NDArray[np.float64], ys: NDArray[np.float64], shift: float
                ) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Every lattice position, one row of the grid for each of ``ys`` (x ascending in each row,
    as numpy.meshgrid(xs, ys)), the odd rows shifted by half of ``shift``."""
    grid_x = np.empty((len(ys), len(xs)))
    grid_x[...] = xs
    if shift:
        # Odd rows shift by half a spacing: with the even rows centred, they are centred too.
        grid_x[1::2] += shift / 2.0
    grid_y = np.empty((len(ys), len(xs)))
    grid_y[...] = ys[:, None]
    return grid_x, grid_y


def _serpentine_rows(grid_x: NDArray[np.float64], grid_y: NDArray[np.float64],
                     grid_inside: NDArray[np.bool_]) -> Points:
    """The inside candidates of an area of one part in serpentine_order's order, with no index
    built: every other row that has points is turned right to left (its x, in place, and which
    of its candidates are inside) before the inside ones are taken, row after row. The grid's
    fast path (nearly every area is of one part); tests/core/test_serpentine_reference.py
    holds it to the reference order, as it holds serpentine_order."""
    back = np.flatnonzero(grid_inside.any(axis=1))[1::2]  # the 2nd, 4th... rows with points
    if len(back):
        grid_x[back] = grid_x[back, ::-1]
        grid_inside[back] = grid_inside[back, ::-1]
    return np.column_stack([grid_x[grid_inside], grid_y[grid_inside]])


def _inside(turned: BaseGeometry, edge: BaseGeometry | None, margin: float, x: Points,
            y: Points) -> NDArray[np.bool_]:
    """Which candidates are inside the (turned) area and, with a margin, far enough from its
    outer edge."""
    inside: NDArray[np.bool_] = shapely.contains_xy(turned, x, y)
    if edge is not None and inside.any():
        # The eroded outline is approximated by chords; check the true distance as well.
        near = shapely.dwithin(shapely.points(x[inside], y[inside]), edge, margin - 1e-9)
        inside[np.flatnonzero(inside)[near]] = False
    return inside


def _finish(x: Points, y: Points, row: NDArray[np.int64], turned: BaseGeometry,
            angle_deg: float, origin: tuple[float, float]) -> Points:
    if not len(x):
        return np.empty((0, 2))
    order = serpentine_order(x, row, _part_ranks(x, y, row, turned))
    return _placed(np.column_stack([x[order], y[order]]), angle_deg, origin)


def _placed(ordered: Points, angle_deg: float, origin: tuple[float, float]) -> Points:
    """Ordered points turned back from the lattice's frame to the drawing's."""
    if angle_deg and len(ordered):
        return _rotate(ordered, angle_deg, origin)
    return ordered if len(ordered) else np.empty((0, 2))


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
               ys: NDArray[np.float64], edge: BaseGeometry | None, margin: float
               ) -> tuple[Points, Points, NDArray[np.int64]]:
    counts = np.array([len(r) for r in xs_of_row])
    if counts.sum() == 0:
        return np.empty(0), np.empty(0), np.empty(0, dtype=np.int64)
    x = np.concatenate(xs_of_row)
    y = np.repeat(ys, counts)
    row = np.repeat(np.arange(len(ys), dtype=np.int64), counts)
    inside = _inside(turned, edge, margin, x, y)
    return x[inside], y[inside], row[inside]


def _centred(low: float, high: float, step: float) -> NDArray[np.float64]:
    """Positions ``step`` apart between low and high, with even gaps at both ends."""
    span = high - low
    count = math.floor(max(span - EDGE_EPSILON_MM, 0.0) / step) + 1
    first = low + (span - (count - 1) * step) / 2.0
    return first + step * np.arange(count, dtype=np.float64)


# --- the numbering ---------------------------------------------------------------------------

def _part_ranks(x: Points, y: Points, row: NDArray[np.int64], turned: BaseGeometry
                ) -> NDArray[np.int64] | None:
    """Which part of the area each point is in, as the rank of that part in injection order:
    parts are treated top first, then left first, by their first row of points (None: the area
    is in one part)."""
    parts = list(shapely.get_parts(turned)) if isinstance(turned, MultiPolygon) else []
    if len(parts) <= 1:
        return None
    part = np.zeros(len(x), dtype=np.int64)
    for k, piece in enumerate(parts):
        part[shapely.contains_xy(piece, x, y)] = k
    first_row = {int(k): (row[part == k].min(), x[part == k].min()) for k in np.unique(part)}
    rank = np.zeros(len(parts), dtype=np.int64)
    for i, k in enumerate(sorted(first_row, key=lambda k: first_row[k])):
        rank[k] = i
    ranked: NDArray[np.int64] = rank[part]
    return ranked


def serpentine_order(x: Points, row: NDArray[np.int64], part: NDArray[np.int64] | None
                     ) -> NDArray[np.intp]:
    """The injection order of lattice points given row by row (rows ascending, x ascending in
    each row, as the lattice makes them): one part after another, row by row, the direction
    alternating over each part's rows that have points (the first left to right).

    In linear time, with no sort but a stable one by part: each row's run of points is kept,
    or reversed.

    >>> serpentine_order(np.array([0., 1., 2., 0., 1., 5.]), np.array([0, 0, 0, 1, 1, 3]),
    ...                  None).tolist()
    [0, 1, 2, 4, 3, 5]
    """
    n = len(x)
    order = np.arange(n) if part is None else np.argsort(part, kind="stable")
    row = row[order]
    new_group = np.empty(n, dtype=bool)
    new_group[0] = True
    np.not_equal(row[1:], row[:-1], out=new_group[1:])
    if part is not None:
        part = part[order]
        new_part = np.empty(n, dtype=bool)
        new_part[0] = True
        np.not_equal(part[1:], part[:-1], out=new_part[1:])
        new_group |= new_part
    starts = np.flatnonzero(new_group)
    ends = np.append(starts[1:], n)
    group_rank = np.arange(len(starts))
    if part is not None:
        # Rank of each row within its part: the direction starts left to right in every part.
        part_start = np.maximum.accumulate(np.where(new_part[starts], group_rank, 0))
        group_rank = group_rank - part_start
    of = np.repeat(np.arange(len(starts)), ends - starts)
    flip = (group_rank % 2 == 1)[of]
    position = np.arange(n)
    position[flip] = (starts + ends - 1)[of[flip]] - position[flip]
    result: NDArray[np.intp] = order[position]
    return result


def _rotate(points: Points, angle_deg: float, origin: tuple[float, float]) -> Points:
    theta = math.radians(angle_deg)
    c, s = math.cos(theta), math.sin(theta)
    ox, oy = origin
    dx, dy = points[:, 0] - ox, points[:, 1] - oy
    return np.column_stack([ox + c * dx - s * dy, oy + s * dx + c * dy])


__all__ = ["Fill", "cell_area_mm2", "estimate_count", "points_along", "points_in",
           "serpentine_order"]
