"""The true-scale stencil: each area cut into page-sized tiles drawn at 1:1 (1 mm on paper is
1 mm on the skin), with alignment marks where neighbouring tiles overlap."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import svgwrite
from markupsafe import Markup
from shapely.geometry.base import BaseGeometry

from planner.core.compute import PlacedPoint, Result
from planner.drawing.paths import path_d
from planner.drawing.style import (
    FONT_FAMILY,
    LABEL_SIZE_MM,
    NO_MIXTURE_COLOUR,
    POINT_RADIUS_MM,
    mixture_colours,
)

STENCIL_MARK_INSET_MM = 5.0  # alignment marks this far inside each stencil tile's edges
OVERLAP_MM = 2 * STENCIL_MARK_INSET_MM  # a tile's marks lie on its neighbour's


def stencil_svg(result: Result, surface: BaseGeometry | None, points: Iterable[PlacedPoint],
                frame: tuple[float, float, float, float]) -> str:
    """One stencil tile: a ``frame`` (x, y, width, height in mm of the map) drawn at 1:1, with
    the area's outline, its numbered points and four alignment marks.

    Neighbouring tiles overlap by twice ``STENCIL_MARK_INSET_MM``, so a mark near one tile's edge
    is the same place as the mark near the next tile's facing edge: lay one on the other.
    """
    x, y, w, h = frame
    dwg = svgwrite.Drawing(size=(f"{w:.2f}mm", f"{h:.2f}mm"), debug=False, profile="full")
    dwg.viewbox(x, y, w, h)
    dwg.add(dwg.rect((x, y), (w, h), fill="#ffffff", stroke="#888888", stroke_width=0.3,
                     stroke_dasharray="2,2"))
    if surface is not None and not surface.is_empty:
        dwg.add(dwg.path(d=path_d(surface), fill="#f2f2f2", stroke="#222222",
                         stroke_width=0.4, fill_rule="evenodd"))
    inset = STENCIL_MARK_INSET_MM
    for mx, my in ((x + inset, y + inset), (x + w - inset, y + inset),
                   (x + inset, y + h - inset), (x + w - inset, y + h - inset)):
        dwg.add(dwg.circle((mx, my), 2.0, fill="none", stroke="#111111", stroke_width=0.25))
        dwg.add(dwg.line((mx - 4, my), (mx + 4, my), stroke="#111111", stroke_width=0.25))
        dwg.add(dwg.line((mx, my - 4), (mx, my + 4), stroke="#111111", stroke_width=0.25))
    colours = mixture_colours(result)
    layer = dwg.g(font_family=FONT_FAMILY, font_size=str(LABEL_SIZE_MM))
    for p in points:
        if not (x <= p.x <= x + w and y <= p.y <= y + h):
            continue
        layer.add(dwg.circle((p.x, p.y), POINT_RADIUS_MM * 0.6,
                             fill=colours.get(p.mixture, NO_MIXTURE_COLOUR)))
        layer.add(dwg.text(str(p.number), insert=(p.x + 1.6, p.y - 1.4), fill="#111111"))
    dwg.add(layer)
    return str(dwg.tostring())


@dataclass(frozen=True)
class Tile:
    """One page of a stencil: a part of one area's drawing, at 1:1."""

    group: str
    row: int
    column: int
    rows: int
    columns: int
    svg: Markup


def stencil_tiles(result: Result, width_mm: float, height_mm: float) -> Iterator[Tile]:
    """The stencil's tiles: for each area (then the manual points), as many pages as its
    points and outline need at 1:1, each ``width_mm`` x ``height_mm`` at most."""
    groups: list[tuple[str, Any, list[Any]]] = []
    for res in result.areas:
        pts = [p for p in result.points if p.area == res.index]
        groups.append((res.area.label or f"{res.index + 1}", res.shape.surface, pts))
    manual = [p for p in result.points if p.area is None]
    if manual:
        groups.append(("", None, manual))
    for label, surface, pts in groups:
        bounds = _bounds(surface, pts)
        if bounds is None:
            continue
        x0, y0, x1, y1 = bounds
        step_x, step_y = width_mm - OVERLAP_MM, height_mm - OVERLAP_MM
        columns = max(1, math.ceil((x1 - x0 - OVERLAP_MM) / step_x))
        rows = max(1, math.ceil((y1 - y0 - OVERLAP_MM) / step_y))
        # Centre the tiled block on the group.
        left = (x0 + x1) / 2 - (columns * step_x + OVERLAP_MM) / 2
        top = (y0 + y1) / 2 - (rows * step_y + OVERLAP_MM) / 2
        for r in range(rows):
            for c in range(columns):
                frame = (left + c * step_x, top + r * step_y, width_mm, height_mm)
                yield Tile(label, r + 1, c + 1, rows, columns,
                           Markup(stencil_svg(result, surface, pts, frame)))


def _bounds(surface: Any, pts: list[Any]) -> tuple[float, float, float, float] | None:
    margin = 8.0  # room around the outermost points for their numbers
    xs = [p.x for p in pts]
    ys = [p.y for p in pts]
    if surface is not None and not surface.is_empty:
        bx0, by0, bx1, by1 = surface.bounds
        xs += [bx0, bx1]
        ys += [by0, by1]
    if not xs:
        return None
    return min(xs) - margin, min(ys) - margin, max(xs) + margin, max(ys) + margin
