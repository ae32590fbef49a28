"""Flattening svgelements shapes into shapely geometry, in mm.

Curves are sampled densely; closed rings become areas (subpaths combine even-odd, so an inner
ring cuts a hole), an open one a guide line, and decor is kept as lines and polygons.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, Polygon
from shapely.geometry.base import BaseGeometry
from svgelements import (  # type: ignore[import-untyped,unused-ignore]
    Close,
    Line,
    Move,
)

from planner.bodymaps.view import BodyMapError, Geometry, polygonal

__all__ = ["Ring", "area_of", "decor_of", "line_of", "rings_of"]

# Flattening: a curved segment is sampled every _STEP_MM along its control polygon, with at
# least _MIN_SAMPLES points. For a circle drawn with 4 arcs this gives > 100 vertices: the area
# error of the inscribed polygon is about 2*pi^2/(3*n^2) < 0.1%, well under the 0.5% we promise.
_STEP_MM = 0.5
_MIN_SAMPLES = 24
_MAX_SAMPLES = 400

Ring = tuple[list[tuple[float, float]], bool]  # points, closed


def _samples(segment: Any) -> int:
    controls = (
        segment.start,
        getattr(segment, "control1", None),
        getattr(segment, "control", None),
        getattr(segment, "control2", None),
        segment.end,
    )
    pts = [p for p in controls if p is not None]
    length = sum(math.dist((a.x, a.y), (b.x, b.y)) for a, b in itertools.pairwise(pts))
    if hasattr(segment, "sweep") and hasattr(segment, "rx"):  # elliptical arc
        length = max(length, abs(float(segment.sweep)) * max(float(segment.rx), float(segment.ry)))
    return max(_MIN_SAMPLES, min(_MAX_SAMPLES, math.ceil(length / _STEP_MM)))


def rings_of(shape: Any) -> list[Ring]:
    """Flatten a shape into point rings, sampling curves densely."""
    rings: list[Ring] = []
    current: list[tuple[float, float]] = []

    def flush(closed: bool) -> None:
        nonlocal current
        if len(current) >= 2:
            rings.append((current, closed))
        current = []

    for seg in shape.segments(transformed=True):
        if isinstance(seg, Move):
            flush(False)
            current = [(float(seg.end.x), float(seg.end.y))]
        elif isinstance(seg, Close):
            if seg.end is not None and not current:
                current = [(float(seg.end.x), float(seg.end.y))]
            flush(True)
        elif isinstance(seg, Line):
            if not current:
                current = [(float(seg.start.x), float(seg.start.y))]
            current.append((float(seg.end.x), float(seg.end.y)))
        else:
            if not current:
                current = [(float(seg.start.x), float(seg.start.y))]
            n = _samples(seg)
            # One vectorised call per curve (svgelements' npoint) instead of one per sample.
            samples = np.asarray(seg.npoint(np.arange(1, n + 1) / n), dtype=np.float64)
            current.extend((float(x), float(y)) for x, y in samples)
    flush(False)
    return rings


def area_of(rings: list[Ring], where: str) -> Geometry:
    """Closed rings -> area; subpaths combine even-odd (an inner ring cuts a hole)."""
    result: BaseGeometry | None = None
    for points, _closed in rings:
        if len(points) < 3:
            continue
        ring = shapely.make_valid(Polygon(points))
        result = ring if result is None else shapely.symmetric_difference(result, ring)
    if result is None:
        raise BodyMapError(f"{where}: the shape is not a closed area.")
    return polygonal(result, where)


def line_of(rings: list[Ring], where: str) -> LineString:
    """One open ring -> a guide line."""
    if len(rings) != 1:
        raise BodyMapError(f"{where}: a guide must be one open line.")
    points, closed = rings[0]
    if closed:
        points = [*points, points[0]]
    return LineString(points)


def decor_of(rings: list[Ring]) -> Iterator[LineString | Polygon]:
    """Rings -> decor: valid closed rings as polygons, anything else as lines."""
    for points, closed in rings:
        if closed and len(points) >= 3:
            poly = Polygon(points)
            yield poly if poly.is_valid else LineString([*points, points[0]])
        elif len(points) >= 2:
            yield LineString(points)
