"""Narrow and tiny areas: how wide and long an area is, its centre, points on its centre line.

An area narrower than the spacing gets its points on its centre line; one smaller than a grid
cell gets one point at its centre (planner.core.grid decides which).
"""

from __future__ import annotations

import math

import numpy as np
import shapely
import shapely.ops
from numpy.typing import NDArray
from shapely.geometry import Polygon
from shapely.geometry.base import BaseGeometry

from planner.core.along_line import spaced_along
from planner.core.centre_line import centre_line
from planner.core.geometry import MIN_SURFACE_MM2
from planner.core.memo import Recent

Points = NDArray[np.float64]


def extent(shape: BaseGeometry, spacing: float) -> tuple[float, float]:
    """Width and length of the smallest rotated rectangle around a shape.

    A connected shape inside a w x L rectangle has area <= w * L and perimeter >= 2 * L, so
    its width is at least 2 * area / perimeter: when that is already the spacing, the shape is
    neither narrow nor tiny and the (costlier) rectangle is not needed. The rectangle does not
    depend on the spacing: it is kept for this very shape object (memo.Recent), so that a
    slider moving the spacing of a narrow area measures it once.
    """
    if isinstance(shape, Polygon) and 2 * shape.area / shape.length >= spacing:
        return float("inf"), float("inf")
    return _SIDES.get((id(shape),), (shape,), lambda: _sides(shape))


# [our default]: the shapes' rectangles kept between calls, as many as grid.KEPT_FRAMES.
KEPT_SIDES = 256
_SIDES: Recent[tuple[float, float]] = Recent(KEPT_SIDES)


def _sides(shape: BaseGeometry) -> tuple[float, float]:
    """Width and length of the smallest rotated rectangle around a shape (extent's)."""
    rect = shapely.minimum_rotated_rectangle(shape)
    if isinstance(rect, Polygon) and rect.area >= shape.area * (1 - 1e-6):
        corners = np.asarray(rect.exterior.coords)[:4]
        sides = np.hypot(*(np.roll(corners, -1, axis=0) - corners).T)
        return float(sides.min()), float(sides.max())
    # A rectangle smaller than the shape it should hold: GEOS (3.14) returns one of no area for
    # some hulls with runs of nearly collinear vertices (a half-lens turned to 225 degrees),
    # which made a narrow area look like a tiny one. Measure the hull instead.
    hull = shapely.convex_hull(shape)
    if not isinstance(hull, Polygon):
        return 0.0, float(hull.length)
    return _smallest_rectangle(np.asarray(hull.exterior.coords))


def _smallest_rectangle(ring: Points) -> tuple[float, float]:
    """Sides (short, long) of the smallest-area rectangle around a convex ring.

    The smallest rectangle has a side along an edge of the hull, so every edge direction is
    tried (in blocks, to bound memory).
    """
    pts = ring - ring.mean(axis=0)  # about its middle: no cancellation far from the origin
    edges = np.diff(pts, axis=0)
    lengths = np.hypot(edges[:, 0], edges[:, 1])
    along = edges[lengths > 0] / lengths[lengths > 0, None]
    best = (math.inf, 0.0, 0.0)
    for start in range(0, len(along), 256):
        u = along[start:start + 256]
        a = pts @ u.T
        b = pts @ np.column_stack([-u[:, 1], u[:, 0]]).T
        wa, wb = a.max(axis=0) - a.min(axis=0), b.max(axis=0) - b.min(axis=0)
        k = int(np.argmin(wa * wb))
        if wa[k] * wb[k] < best[0]:
            best = (float(wa[k] * wb[k]), float(wa[k]), float(wb[k]))
    return min(best[1], best[2]), max(best[1], best[2])


def centre(shape: BaseGeometry) -> Points:
    """The centre of a small area: its centroid, or its most interior point if that is outside."""
    point = shape.centroid
    if not shapely.contains(shape, point):
        largest = max(shapely.get_parts(shape), key=lambda p: p.area)
        point = shapely.ops.polylabel(largest, tolerance=0.01)
        if not shapely.contains(shape, point):
            point = largest.representative_point()
    return np.array([[point.x, point.y]])


def along_centre_line(shape: BaseGeometry, spacing: float) -> Points:
    """Points every ``spacing`` along the centre line, centred on it, numbered along it.

    The line (planner.core.centre_line) moves with the area and runs the way the numbering
    does, left to right and top to bottom, so a small move of the area moves the points by
    about as much and never reverses their order.
    """
    line = centre_line(shape)
    if line is None:
        return np.empty((0, 2))
    if line.length < MIN_SURFACE_MM2:
        p = line.interpolate(0.5, normalized=True)
        pts = np.array([[p.x, p.y]])
    else:
        pts = spaced_along(line, spacing, chord=True)
    inside = shapely.contains_xy(shape, pts[:, 0], pts[:, 1])
    return _keep_apart(pts[inside], spacing)


def _keep_apart(pts: Points, spacing: float) -> Points:
    """Drop points closer than the spacing to an earlier one (a mid-line can fold back).

    Kept points are filed by cells of the spacing's size, so each point is compared only with
    those in its own and the eight neighbouring cells (a long stroke has thousands of points).
    """
    limit = spacing - 1e-9
    cells: dict[tuple[int, int], list[tuple[float, float]]] = {}
    kept: list[int] = []
    for k, (x, y) in enumerate(pts.tolist()):
        cx, cy = math.floor(x / spacing), math.floor(y / spacing)
        if any(math.hypot(x - qx, y - qy) < limit
               for dx in (-1, 0, 1) for dy in (-1, 0, 1)
               for qx, qy in cells.get((cx + dx, cy + dy), ())):
            continue
        kept.append(k)
        cells.setdefault((cx, cy), []).append((x, y))
    result: Points = pts[kept]
    return result
