"""What a stencil tile's edges face, written at them in the drawing's own words (LATERAL,
PROXIMAL, PATIENT'S RIGHT...); on a tile of a limb drawn bent at its joint (an elbow's inset)
its part's words: PROXIMAL just above the humerus's cut end, DISTAL just past the forearm's,
at its level (or at the tile's edges where those places are off the tile).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import shapely
import svgwrite
from shapely.geometry.base import BaseGeometry

from planner.core.whereabouts import Axes, Bend, bend_at
from planner.drawing.stencil_landmarks import NAME_MM
from planner.drawing.stencil_words import ASCENT_EM, DESCENT_EM, Words, text_width
from planner.drawing.style import FONT_FAMILY

Frame = tuple[float, float, float, float]  # x, y, width, height in mm of the map
Spot = tuple[float, float, str]  # a word's baseline (x, y) and its text-anchor
ALONG = (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.1, 0.9, 0.05, 0.95)  # the middle first
PAD_MM = 0.6  # the white box behind a word that found no clear place


def draw_sides(dwg: svgwrite.Drawing, axes: Axes | None, sides: Mapping[str, str],
               bends: Sequence[Bend], frame: Frame, words: Words,
               lines: BaseGeometry | None = None, shapes: BaseGeometry | None = None,
               body: BaseGeometry | None = None) -> None:
    """The tile's side words (``sides``: a word for each direction code), each in the first
    of its places that ``words`` finds free and where it crosses none of the drawing's
    ``lines`` (the body's outline and details, the area's outline) and covers no landmark
    (``shapes``), off the ``body`` if it can; where there is no such place, in the first free
    one off the landmarks, on a white box (the points are kept free by ``words``: no box
    hides one)."""
    if axes is None:
        return
    for geometry in (lines, shapes, body):
        if geometry is not None:
            shapely.prepare(geometry)

    def off(geometry: BaseGeometry | None, box: tuple[float, float, float, float]) -> bool:
        return geometry is None or not geometry.intersects(shapely.box(*box))

    def clear(box: tuple[float, float, float, float]) -> bool:
        return off(lines, box) and off(shapes, box)

    def outside(box: tuple[float, float, float, float]) -> bool:
        return clear(box) and off(body, box)

    def beside(box: tuple[float, float, float, float]) -> bool:
        return off(shapes, box)

    x, y, w, h = frame
    spots = {"left": [(x, y + h * f, "start") for f in ALONG],
             "right": [(x + w, y + h * f, "end") for f in ALONG],
             "top": [(x + w * f, y + 9.0 + d, "middle") for d in (0.0, 4.0) for f in ALONG],
             "bottom": [(x + w * f, y + h - 2.0 - d, "middle") for d in (0.0, 4.0)
                        for f in ALONG]}
    codes = {"left": axes.left, "right": axes.right, "top": axes.up, "bottom": axes.down}
    bend = tile_bend(bends, frame)
    if bend is not None:
        codes = bend.edges()
    group = dwg.g(font_family=FONT_FAMILY, font_size=str(NAME_MM), fill="#a52714")
    for edge, code in codes.items():
        word = sides.get(code)
        if not word:
            continue
        # A bent part's word by its segment's end (clear, else boxed); else at the edge, off
        # the body, or on clear skin, or boxed.
        own = _part_spots(bend, edge, code, frame) if bend is not None else []
        tries = [(own, clear, False), (own, beside, True)] if own else []
        tries += [(spots[edge], outside, False), (spots[edge], clear, False),
                  (spots[edge], beside, True)]
        found = next(((spot, boxed) for where, accept, boxed in tries
                      if (spot := words.place(word, NAME_MM, where, shift_in=True,
                                              accept=accept)) is not None), None)
        if found is None:
            continue
        spot, boxed = found
        if boxed:  # over the drawing's lines: on a white box, as a point's number
            wide = text_width(word, NAME_MM)
            group.add(dwg.rect((spot[0] - PAD_MM, spot[1] - ASCENT_EM * NAME_MM - PAD_MM / 2),
                               (wide + 2 * PAD_MM, (ASCENT_EM + DESCENT_EM) * NAME_MM + PAD_MM),
                               rx=0.4, fill="#ffffff", class_="side-word-box"))
        group.add(dwg.text(word, insert=spot[:2], class_="side-word"))
    dwg.add(group)


def _part_spots(bend: Bend, edge: str, code: str, frame: Frame) -> list[Spot]:
    """Where a bent part's word goes first: over the segment's axis where it leaves the
    drawing, the word for the top (bottom) at the tile's top (bottom), the word for a side
    just past the segment's cut end, on its axis, or above or below it."""
    x, y, w, h = frame
    ex, ey = bend.proximal_end if code == "proximal" else bend.distal_end
    if edge in ("top", "bottom"):  # just past the cut end, off its line; else at the edge
        past = [(ex, ey - 1.2, "middle"), (ex, ey + NAME_MM + 1.2, "middle")]
        at_edge = [(ex, y + 9.0 + d, "middle") if edge == "top" else
                   (ex, y + h - 2.0 - d, "middle") for d in (0.0, 4.0)]
        return (past if edge == "top" else past[::-1]) + at_edge if \
            y <= ey <= y + h else at_edge
    if not (x <= ex <= x + w and y <= ey <= y + h):
        return [(x + w if edge == "right" else x, ey + d, "end" if edge == "right" else "start")
                for d in (0.0, -6.0, 6.0)]
    gap = 1.0 if edge == "right" else -1.0
    return [(ex + gap, ey + d, "start" if edge == "right" else "end") for d in (1.0, -6.0, 8.0)]


def tile_bend(bends: Sequence[Bend], frame: Frame) -> Bend | None:
    """The bent part a tile shows most of (None on a view of none)."""
    x, y, w, h = frame
    tile = shapely.box(x, y, x + w, y + h)
    shown = [(b.area.intersection(tile).area, k) for k, b in enumerate(bends)
             if b.area is not None and b.area.intersects(tile)]
    if not shown:
        return bend_at(x + w / 2, y + h / 2, bends)
    return bends[max(shown)[1]]
