"""The true-scale stencil: each area cut into page-sized tiles drawn at 1:1 (1 mm on paper is
1 mm on the skin), with alignment marks where neighbouring tiles overlap.

Each tile shows the body's outline and drawn details, the named landmarks that fall on it (a
cross at each one's centre, the point distances are measured from), the area and its numbered
points; a tile of trigger points draws, from each point's nearest landmarks, the two legs a
ruler follows with their millimetres. No two words overlap and none is cut at the tile's edge
(``Words``)."""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import shapely
import svgwrite
from markupsafe import Markup
from shapely.geometry.base import BaseGeometry

from planner.core.compute import PlacedPoint, Result
from planner.core.point_names import EdgeName, grid_names
from planner.core.whereabouts import (
    Axes,
    Bend,
    Landmark,
    Whereabouts,
    axes_at,
    in_its_part,
    ranked,
    whereabouts,
    within,
)
from planner.drawing.labels import OWN_MARGIN_EM, Obstacles, reads_as_own
from planner.drawing.paths import path_d
from planner.drawing.stencil_landmarks import NAME_MM, draw_landmark, name_landmark
from planner.drawing.stencil_legs import LEG_MM, draw_legs
from planner.drawing.stencil_names import area_edges, draw_edge_names, grid_edges
from planner.drawing.stencil_sides import draw_sides
from planner.drawing.stencil_words import ASCENT_EM, RING, Box, Words, text_width
from planner.drawing.style import (
    FONT_FAMILY,
    NO_MIXTURE_COLOUR,
    POINT_RADIUS_MM,
    mixture_colours,
)

STENCIL_MARK_INSET_MM = 5.0  # alignment marks this far inside each stencil tile's edges
OVERLAP_MM = 2 * STENCIL_MARK_INSET_MM  # a tile's marks lie on its neighbour's
NUMBER_MM = 2.8  # a point's number: its digits 2 mm tall on paper, as on the sheet (issue 17)
DOT_MM = POINT_RADIUS_MM * 0.4  # a pen's mark: small, so that a dense grid's numbers fit
TRIGGER_LANDMARKS = 2  # a trigger point is drawn with its two nearest landmarks
TRIGGER_REACH_MM = 200.0  # ... when their centres are this near: else the words say it
@dataclass(frozen=True)
class Backdrop:
    """What every tile shows under the plan: the body's outline and details, the landmarks
    (named in the reader's language) and what the drawing's directions are."""

    outline: BaseGeometry | None
    decor: tuple[BaseGeometry, ...]
    landmarks: tuple[Landmark, ...]
    axes: Axes | None
    sides: Mapping[str, str] = field(default_factory=dict)  # direction code: word at an edge
    bends: tuple[Bend, ...] = ()  # parts with their own axes (the elbow's insets)
    zones: tuple[BaseGeometry, ...] = ()  # no-go and danger zones: the edge words keep off
    # The landmarks are the only way to lay the stencil (a photo's calibration card): each
    # area's tiles take its nearest in, even at the cost of a page.
    anchor: bool = False


NO_BACKDROP = Backdrop(None, (), (), None)


def stencil_svg(result: Result, surface: BaseGeometry | None, points: Iterable[PlacedPoint],
                frame: tuple[float, float, float, float], back: Backdrop = NO_BACKDROP,
                triggers: bool = False, edges: Sequence[EdgeName] | None = None,
                scheme: Sequence[EdgeName] | None = None) -> str:
    """One stencil tile: a ``frame`` (x, y, width, height in mm of the map) drawn at 1:1, with
    the body's outline and the landmarks on it, the area's outline, its numbered points and
    four alignment marks; with ``triggers``, each point's legs from its nearest landmarks.

    Neighbouring tiles overlap by twice ``STENCIL_MARK_INSET_MM``, so a mark near one tile's edge
    is the same place as the mark near the next tile's facing edge: lay one on the other.
    """
    x, y, w, h = frame
    clip = shapely.box(x, y, x + w, y + h)
    words = Words(frame)
    dwg = svgwrite.Drawing(size=(f"{w:.2f}mm", f"{h:.2f}mm"), debug=False, profile="full")
    dwg.viewbox(x, y, w, h)
    dwg.add(dwg.rect((x, y), (w, h), fill="#ffffff", stroke="#888888", stroke_width=0.3,
                     stroke_dasharray="2,2"))
    if surface is not None and not surface.is_empty:
        dwg.add(dwg.path(d=path_d(surface), fill="#eeeeee", stroke="#222222",
                         stroke_width=0.4, fill_rule="evenodd"))
    _draw_body(dwg, back, clip)
    marks = _draw_marks(dwg, frame, words)
    pts = [p for p in points if x <= p.x <= x + w and y <= p.y <= y + h]
    for p in pts:  # before any word: no word lies on a point
        words.block((p.x - DOT_MM - 0.2, p.y - DOT_MM - 0.2, p.x + DOT_MM + 0.2,
                     p.y + DOT_MM + 0.2))
    draw_sides(dwg, back.axes, back.sides, back.bends, frame, words,
               *_anatomy(back, surface, clip))
    on_tile = within(back.landmarks, (x, y, x + w, y + h))
    names = dwg.g(font_family=FONT_FAMILY, font_size=str(NAME_MM), fill="#111111")
    for lm in on_tile:  # every cross first: no name may lie on another landmark's cross
        draw_landmark(dwg, lm, clip, words)
    for lm in on_tile:
        name_landmark(dwg, names, lm, clip, words, on_tile)
    legs = dwg.g(font_family=FONT_FAMILY, font_size=str(LEG_MM), fill="#333333")
    if triggers and back.axes is not None:
        axes = back.axes
        draw_legs(dwg, legs, [(p, whereabouts(p.x, p.y, lm, turned), turned) for p in pts
                              for turned in [axes_at(p.x, p.y, axes, back.bends)]
                              for lm in _nearest(p, back)], words)
    colours = mixture_colours(result)
    layer = dwg.g(font_family=FONT_FAMILY, font_size=str(NUMBER_MM))
    for p in pts:
        layer.add(dwg.circle((p.x, p.y), DOT_MM,
                             fill=colours.get(p.mixture, NO_MIXTURE_COLOUR)))
    numbers = dwg.g(font_family=FONT_FAMILY, font_size=str(NUMBER_MM))
    if edges is None:  # each number beside its dot where it fits, else further out
        centres = Obstacles(NUMBER_MM * 2)
        for p in pts:
            centres.add((p.x, p.y, p.x, p.y))
        tried = copy.deepcopy(words)
        every = all([_label_point(dwg, numbers, p, tried, centres, far=False) or
                     _label_point(dwg, numbers, p, tried, centres, far=True) for p in pts])
        if every or scheme is None:
            words = tried
        else:  # a number found no place on this tile: its grid's rows and columns named
            numbers, edges = dwg.g(font_family=FONT_FAMILY, font_size=str(NUMBER_MM)), scheme
    if edges is not None:  # a grid too dense for its numbers: its rows and columns named
        draw_edge_names(dwg, numbers, edges, words, NUMBER_MM, DOT_MM + 0.3)
    for part in (marks, legs, names, layer, numbers):
        dwg.add(part)
    return str(dwg.tostring())


def _nearest(p: PlacedPoint, back: Backdrop) -> list[Landmark]:
    """A trigger point's nearest landmarks, of its own part of the drawing."""
    return ranked(p.x, p.y, in_its_part(p.x, p.y, back.landmarks, back.outline),
                  TRIGGER_LANDMARKS)


def _anatomy(back: Backdrop, surface: BaseGeometry | None, clip: BaseGeometry
             ) -> tuple[BaseGeometry | None, BaseGeometry | None, BaseGeometry | None]:
    """What the tile's side words keep off: the lines drawn on it (the body's outline and
    details, the area's outline), the landmarks and the no-go and danger zones (the eyes, the
    face's arteries) and, where they can, the body."""
    lines = [geom for geom in back.decor if not geom.is_empty]
    if back.outline is not None:
        lines.append(back.outline.boundary)
    if surface is not None and not surface.is_empty:
        lines.append(surface.boundary)
    drawn = shapely.union_all(lines).intersection(clip) if lines else None
    kept = [lm.geometry for lm in back.landmarks] + list(back.zones)
    shapes = shapely.union_all(kept).intersection(clip) if kept else None
    return drawn, shapes, back.outline


def _draw_body(dwg: svgwrite.Drawing, back: Backdrop, clip: BaseGeometry) -> None:
    """The body's outline and drawn details, cut to the tile."""
    if back.outline is None:
        return
    lines = dwg.g(fill="none", stroke="#777777", stroke_width=0.25)
    for geom in back.decor:
        part = geom.intersection(clip)
        if not part.is_empty:
            lines.add(dwg.path(d=path_d(part)))
    dwg.add(lines)
    outline = back.outline.intersection(clip)
    if not outline.is_empty:
        dwg.add(dwg.path(d=path_d(outline.boundary.intersection(clip)), fill="none",
                         stroke="#111111", stroke_width=0.5))


def _draw_marks(dwg: svgwrite.Drawing, frame: tuple[float, float, float, float],
                words: Words) -> Any:
    """The four alignment marks, shared with the neighbouring tiles; words keep off them."""
    x, y, w, h = frame
    inset = STENCIL_MARK_INSET_MM
    group = dwg.g(stroke="#111111", stroke_width=0.25, fill="none")
    for mx, my in ((x + inset, y + inset), (x + w - inset, y + inset),
                   (x + inset, y + h - inset), (x + w - inset, y + h - inset)):
        group.add(dwg.circle((mx, my), 2.0))
        group.add(dwg.line((mx - 4, my), (mx + 4, my)))
        group.add(dwg.line((mx, my - 4), (mx, my + 4)))
        words.block((mx - 4, my - 4, mx + 4, my + 4))
    return group


def _label_point(dwg: svgwrite.Drawing, layer: Any, p: PlacedPoint, words: Words,
                 centres: Obstacles, far: bool) -> bool:
    """A point's number beside its dot, nearer it than any other dot (``centres``); ``far``:
    a little further, with a thin leader line to the dot. False when there is no room."""
    s, r = NUMBER_MM, DOT_MM + 0.3
    up, down, mid = p.y - r, p.y + r + ASCENT_EM * s, p.y + 0.27 * s
    near = [(p.x + r, up, "start"), (p.x + r + 0.3, mid, "start"), (p.x + r, down, "start"),
            (p.x - r, up, "end"), (p.x - r - 0.3, mid, "end"), (p.x - r, down, "end"),
            (p.x, up - 0.3, "middle"), (p.x, down + 0.3, "middle")]
    text = str(p.number)
    spot = words.place(text, s, [(x + k * dx, y + k * dy, a) for k in (3, 5, 7, 9)
                                 for x, y, a in near for dx, dy in RING] if far else near,
                       accept=None if far else  # the leader line says whose it is
                       lambda box: reads_as_own(box, p.x, p.y, centres, OWN_MARGIN_EM * s))
    if spot is None:
        return False
    tx, ty = spot[0], spot[1]
    width = text_width(text, s)
    if far:
        bx = min(max(p.x, tx), tx + width)
        by = min(max(p.y, ty - ASCENT_EM * s), ty)
        layer.add(dwg.line((p.x, p.y), (bx, by), stroke="#111111", stroke_width=0.15))
    layer.add(dwg.rect((tx - 0.2, ty - 0.75 * s), (width + 0.4, 0.95 * s), rx=0.4,
                       fill="#ffffff", fill_opacity=0.85))
    layer.add(dwg.text(text, insert=(tx, ty), fill="#111111"))
    return True


@dataclass(frozen=True)
class Tile:
    """One page of a stencil: a part of one area's drawing, at 1:1; a tile of trigger points
    also gives each point's position from its nearest landmarks."""

    group: str
    row: int
    column: int
    rows: int
    columns: int
    svg: Markup
    triggers: tuple[tuple[PlacedPoint, tuple[Whereabouts, ...]], ...] = ()
    area: int | None = None  # the area's index; None: the trigger points


def stencil_tiles(result: Result, width_mm: float, height_mm: float,
                  back: Backdrop = NO_BACKDROP, trigger_line_mm: float = 0.0) -> Iterator[Tile]:
    """The stencil's tiles: for each area (then the trigger points), as many pages as it needs
    at 1:1, each ``width_mm`` x ``height_mm`` at most (the trigger points' tiles
    ``trigger_line_mm`` shorter for each point's words)."""
    groups: list[tuple[str, Any, list[Any], Sequence[EdgeName] | None,
                       Sequence[EdgeName] | None, int | None]] = []
    names = grid_names(result)
    for res in result.areas:
        pts = [p for p in result.points if p.area == res.index]
        groups.append((res.area.label or f"{res.index + 1}", res.shape.surface, pts,
                       grid_edges(names, res.index, pts, NUMBER_MM, DOT_MM + 0.3),
                       area_edges(names, res.index), res.index))
    manual = [p for p in result.points if p.area is None]
    if manual:
        groups.append(("", None, manual, None, None, None))
    for label, surface, pts, edges, scheme, area in groups:
        triggers = not label and surface is None
        height = height_mm
        if triggers:
            height = max(height_mm / 2, height_mm - trigger_line_mm * len(pts))
        bounds = _bounds(surface, pts, back, triggers, (width_mm, height))
        if bounds is None:
            continue
        x0, y0, x1, y1 = bounds
        step_x, step_y = width_mm - OVERLAP_MM, height - OVERLAP_MM
        columns, rows = _counts(bounds, step_x, step_y)
        # Centre the tiled block on the group.
        left = (x0 + x1) / 2 - (columns * step_x + OVERLAP_MM) / 2
        top = (y0 + y1) / 2 - (rows * step_y + OVERLAP_MM) / 2
        for r in range(rows):
            for c in range(columns):
                frame = (left + c * step_x, top + r * step_y, width_mm, height)
                fx, fy = frame[0], frame[1]
                here = [p for p in pts if fx <= p.x <= fx + width_mm and fy <= p.y <= fy + height]
                lines = tuple((p, tuple(whereabouts(p.x, p.y, lm, axes_at(p.x, p.y, back.axes,
                                                                          back.bends))
                                        for lm in _nearest(p, back)))
                              for p in here) if triggers and back.axes is not None else ()
                yield Tile(label, r + 1, c + 1, rows, columns,
                           Markup(stencil_svg(result, surface, pts, frame, back, triggers,
                                              edges, scheme)),
                           lines, area)


def _counts(bounds: Box, step_x: float, step_y: float) -> tuple[int, int]:
    return (max(1, math.ceil((bounds[2] - bounds[0] - OVERLAP_MM) / step_x)),
            max(1, math.ceil((bounds[3] - bounds[1] - OVERLAP_MM) / step_y)))


def _bounds(surface: Any, pts: Sequence[Any], back: Backdrop, triggers: bool,
            size: tuple[float, float]) -> Box | None:
    """The map's part a group's tiles cover: its outline and points with room for their
    numbers; a trigger point's nearest landmarks (when near enough); an area's nearest
    landmark too when that takes no more pages (or always, when the backdrop is anchored)."""
    margin = 8.0  # room around the outermost points for their numbers
    xs = [p.x for p in pts]
    ys = [p.y for p in pts]
    if surface is not None and not surface.is_empty:
        bx0, by0, bx1, by1 = surface.bounds
        xs += [bx0, bx1]
        ys += [by0, by1]
    if not xs:
        return None
    own = (min(xs) - margin, min(ys) - margin, max(xs) + margin, max(ys) + margin)
    wanted: list[Landmark] = []
    for p in pts:
        near = ranked(p.x, p.y, back.landmarks, TRIGGER_LANDMARKS if triggers else 1)
        wanted += [lm for lm in near if math.dist((p.x, p.y), lm.centre) <= TRIGGER_REACH_MM]
    if not wanted:
        return own
    step = (size[0] - OVERLAP_MM, size[1] - OVERLAP_MM)
    grown = own
    for lm in dict.fromkeys(wanted):  # each once, in order
        cx, cy = lm.centre
        room = margin + NAME_MM  # its cross and its name
        # An anchoring landmark (a photo's card) whole, to lay the stencil on it.
        lx0, ly0, lx1, ly1 = lm.geometry.bounds if back.anchor else (cx, cy, cx, cy)
        bigger = (min(grown[0], lx0 - room), min(grown[1], ly0 - room),
                  max(grown[2], lx1 + room), max(grown[3], ly1 + room))
        if triggers or back.anchor or _counts(bigger, *step) == _counts(own, *step):
            grown = bigger
    return grown
