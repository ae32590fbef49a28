"""Shapes as SVG path data: the one way every drawing writes an outline, a hole or a line."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import shapely
from shapely.geometry import LineString, Polygon
from shapely.geometry.base import BaseGeometry

# A printed outline is the drawn one simplified to within this (Douglas-Peucker, on its own
# vertices): its coordinates are written to the hundredth of a mm anyway, and the atlas's curves
# have a vertex every half mm where a print shows no difference at two; WeasyPrint reads and
# writes each vertex of each drawing of a sheet (a body map's were a third of its map's time).
PRINTED_MM = 0.01


def path_d(geom: BaseGeometry, tolerance: float = 0.0) -> str:
    """SVG path data for polygons (holes included) and lines; with ``tolerance`` (mm), of the
    shape simplified to within it (its topology kept)."""
    if tolerance:
        geom = shapely.simplify(geom, tolerance)
    parts = []
    for part in shapely.get_parts(geom):
        if isinstance(part, Polygon):
            for ring in [part.exterior, *part.interiors]:
                parts.append(ring_d(ring.coords, closed=True))
        elif isinstance(part, LineString):
            parts.append(ring_d(part.coords, closed=False))
        elif hasattr(part, "geoms"):
            parts.append(path_d(part, tolerance))
    return " ".join(p for p in parts if p)


def ring_d(coords: Iterable[tuple[float, ...]], *, closed: bool) -> str:
    """SVG path data for one ring or line of points (mm), to the hundredth (the coordinates
    read as one array, not a shapely object's coordinate at a time)."""
    xy = np.asarray(coords if hasattr(coords, "__len__") else list(coords), dtype=np.float64)
    if not xy.size:
        return ""
    flat = iter(xy.reshape(len(xy), -1)[:, :2].ravel().tolist())  # no list for each point
    pts = [f"{x:.2f},{y:.2f}" for x, y in zip(flat, flat, strict=True)]
    return "M" + " L".join(pts) + (" Z" if closed else "")
