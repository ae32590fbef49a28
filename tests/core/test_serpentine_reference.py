"""The grid's points and their order, checked against a plain reference written here: the lattice
as numpy.meshgrid makes it, every candidate tested with shapely.contains_xy, and the points
sorted with numpy.lexsort (part, row, x left to right or right to left), as the engine did it
before it learned to keep its shapes and to order the points without sorting (issue 19).

The engine must give the very same points in the very same order (bit for bit), on areas of one
part and of several, square and staggered, turned and with a margin; and serpentine_order must
match the reference sort on any rows and parts.
"""

from __future__ import annotations

import math
import os

import numpy as np
import shapely
import shapely.affinity
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Polygon

from planner.core.geometry import polygonal
from planner.core.grid import EDGE_EPSILON_MM, SQRT3_2, points_in, serpentine_order

SETTINGS = settings(max_examples=150, deadline=None, database=None,
                    derandomize=bool(os.environ.get("CI")),
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


# --- the reference -----------------------------------------------------------------------------

def reference_order(x: np.ndarray, row: np.ndarray, part: np.ndarray) -> np.ndarray:
    """Serpentine order by sorting: part, then row, then x (each part's rows that have points
    alternate, the first left to right)."""
    stride = int(row.max()) + 2
    keys, inverse = np.unique(part * stride + row, return_inverse=True)
    key_part = keys // stride
    row_rank = np.arange(len(keys)) - np.searchsorted(key_part, key_part)
    direction = np.where(row_rank[inverse] % 2 == 0, 1.0, -1.0)
    return np.lexsort((x * direction, row, part))


def centred(low: float, high: float, step: float) -> np.ndarray:
    span = high - low
    count = math.floor(max(span - EDGE_EPSILON_MM, 0.0) / step) + 1
    first = low + (span - (count - 1) * step) / 2.0
    return first + step * np.arange(count, dtype=np.float64)


def reference_grid(surface: Polygon | MultiPolygon, spacing: float, pattern: str,
                   angle: float, margin: float) -> np.ndarray:
    """The lattice points of a surface, in order, the plain way (for areas that get a grid)."""
    surface = polygonal(surface)
    inner = surface
    if margin > EDGE_EPSILON_MM:
        inner = polygonal(surface.buffer(-margin, quad_segs=32).intersection(surface))
    c = surface.centroid
    origin = (c.x, c.y)
    turned = shapely.affinity.rotate(inner, -angle, origin=origin) if angle else inner
    edge = None
    if margin > EDGE_EPSILON_MM:
        outer = shapely.affinity.rotate(surface, -angle, origin=origin) if angle else surface
        edge = outer.boundary
    minx, miny, maxx, maxy = turned.bounds
    xs = centred(minx, maxx, spacing)
    if len(xs) == 1:
        pattern = "square"
    ys = centred(miny, maxy, spacing * SQRT3_2 if pattern == "staggered" else spacing)
    gx, gy = np.meshgrid(xs, ys)
    gr = np.broadcast_to(np.arange(len(ys))[:, None], gx.shape)
    if pattern == "staggered":
        gx = gx + np.where(gr % 2 == 1, spacing / 2.0, 0.0)
    x, y, row = gx.ravel(), gy.ravel(), gr.ravel()
    inside = shapely.contains_xy(turned, x, y)
    if edge is not None and inside.any():
        near = shapely.dwithin(shapely.points(x[inside], y[inside]), edge, margin - 1e-9)
        inside[np.flatnonzero(inside)[near]] = False
    x, y, row = x[inside], y[inside], row[inside]
    part = np.zeros(len(x), dtype=np.int64)
    pieces = list(shapely.get_parts(turned)) if isinstance(turned, MultiPolygon) else []
    if len(pieces) > 1:
        for k, piece in enumerate(pieces):
            part[shapely.contains_xy(piece, x, y)] = k
        first = {k: (row[part == k].min(), x[part == k].min()) for k in np.unique(part)}
        rank = {k: i for i, k in enumerate(sorted(first, key=lambda k: first[k]))}
        part = np.array([rank[k] for k in part], dtype=np.int64)
    order = reference_order(x, row, part)
    points = np.column_stack([x[order], y[order]])
    if angle:
        theta = math.radians(angle)
        cos, sin = math.cos(theta), math.sin(theta)
        dx, dy = points[:, 0] - origin[0], points[:, 1] - origin[1]
        points = np.column_stack([origin[0] + cos * dx - sin * dy,
                                  origin[1] + sin * dx + cos * dy])
    return points


# --- shapes --------------------------------------------------------------------------------------

@st.composite
def blobs(draw: st.DrawFn) -> Polygon | MultiPolygon:
    """One to three star-shaped outlines of radius up to 40 mm, apart, touching or overlapping,
    some with a hole: areas of one part or of several."""
    shapes = []
    for _ in range(draw(st.integers(1, 3))):
        n = draw(st.integers(3, 16))
        radii = draw(st.lists(st.floats(0.3, 1.0), min_size=n, max_size=n))
        size = draw(st.floats(4.0, 40.0))
        cx, cy = draw(st.floats(-60, 60)), draw(st.floats(-60, 60))
        angles = np.linspace(0, 2 * math.pi, n, endpoint=False) + draw(st.floats(0, 1))
        ring = [(cx + size * r * math.cos(a), cy + size * r * math.sin(a))
                for r, a in zip(radii, angles, strict=True)]
        shape = Polygon(ring)
        if draw(st.booleans()):
            shape = shape.difference(shapely.Point(cx, cy).buffer(size * 0.2))
        shapes.append(shape)
    return polygonal(shapely.union_all(shapes))


# --- the properties ------------------------------------------------------------------------------

@SETTINGS
@given(surface=blobs(), spacing=st.floats(1.5, 12.0),
       pattern=st.sampled_from(["square", "staggered"]),
       angle=st.one_of(st.just(0.0), st.sampled_from([15.0, 45.0, -30.0, 90.0]),
                       st.floats(-180, 180)),
       margin=st.one_of(st.just(0.0), st.floats(0.5, 4.0)))
def test_the_grid_is_the_reference_grid(surface, spacing, pattern, angle, margin):
    assume(not surface.is_empty and surface.area / spacing**2 < 3000)
    fill = points_in(surface, spacing_mm=spacing, pattern=pattern, angle_deg=angle,
                     margin_mm=margin)
    assume(fill.how == "grid")
    expected = reference_grid(surface, spacing, pattern, angle, margin)
    assert fill.points.shape == expected.shape
    # Bit for bit: the same floating-point numbers, in the same order.
    assert fill.points.tobytes() == expected.tobytes()
    again = points_in(surface, spacing_mm=spacing, pattern=pattern, angle_deg=angle,
                      margin_mm=margin)  # from the kept frame
    assert again.points.tobytes() == expected.tobytes()


@SETTINGS
@given(data=st.data(), rows=st.integers(1, 12), parts=st.integers(1, 4))
def test_serpentine_order_is_the_sorted_order(data, rows, parts):
    """Any points given row by row, x ascending in each row, in any parts."""
    counts = data.draw(st.lists(st.integers(0, 6), min_size=rows, max_size=rows))
    assume(sum(counts) > 0)
    row = np.repeat(np.arange(rows), counts)
    x = np.concatenate([np.sort(np.array(data.draw(st.lists(
        st.floats(-100, 100), min_size=c, max_size=c, unique=True)), dtype=np.float64))
        for c in counts])
    part = np.array(data.draw(st.lists(st.integers(0, parts - 1), min_size=len(x),
                                       max_size=len(x))), dtype=np.int64)
    assert serpentine_order(x, row, part).tolist() == reference_order(x, row, part).tolist()
    zeros = np.zeros(len(x), dtype=np.int64)
    assert serpentine_order(x, row, None).tolist() == reference_order(x, row, zeros).tolist()
