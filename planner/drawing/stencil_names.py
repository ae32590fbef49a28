"""A stencil's dense grids: where an area's numbers do not all fit beside its points at 1:1,
its rows are lettered and its columns numbered at its edges instead (each point "C7", as on the
sheet's map and in its point table: planner.core.point_names)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import svgwrite

from planner.core.compute import PlacedPoint
from planner.core.point_names import EdgeName, GridNames
from planner.drawing.labels import edge_places, place_labels
from planner.drawing.stencil_words import Words

EVERYWHERE = (-math.inf, -math.inf, math.inf, math.inf)


def area_edges(names: GridNames, area: int) -> tuple[EdgeName, ...] | None:
    """An area's row and column names; None for an area with no grid."""
    edges = next((a for a in names.areas if a.area == area), None)
    return None if edges is None else edges.rows + edges.columns


def grid_edges(names: GridNames, area: int, points: Sequence[PlacedPoint], size: float,
               radius: float) -> tuple[EdgeName, ...] | None:
    """The row and column names to print for an area whose numbers (``size`` mm, beside dots
    of ``radius`` mm) do not all fit at 1:1; None where they fit, or the area has no grid."""
    edges = area_edges(names, area)
    if edges is None or not points:
        return None
    placed = place_labels([(p.x, p.y) for p in points], radius,
                          [str(p.number) for p in points], size, EVERYWHERE)
    return None if all(placed) else edges


def draw_edge_names(dwg: svgwrite.Drawing, layer: Any, edges: Sequence[EdgeName],
                    words: Words, size: float, radius: float) -> None:
    """Each row's letter and column's number beside the grid, where it overlaps nothing: at
    its left (top) edge, else at its right (bottom) edge."""
    for e in edges:
        spots = [(tx, ty, "start") for tx, ty in
                 edge_places(e.x, e.y, e.ux, e.uy, e.x2, e.y2, radius, e.text, size)]
        spot = words.place(e.text, size, spots, bold=True)
        if spot is not None:
            layer.add(dwg.text(e.text, insert=spot[:2], fill="#111111", font_weight="bold"))
