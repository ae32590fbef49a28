"""What a stencil tile's edges face, written at them in the drawing's own words (LATERAL,
PROXIMAL, PATIENT'S RIGHT...); on a tile of a limb drawn bent at its joint (an elbow's inset)
its part's words: PROXIMAL just above the humerus's cut end, DISTAL just past the forearm's,
at its level (or at the tile's edges where those places are off the tile).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import shapely
import svgwrite

from planner.core.whereabouts import Axes, Bend, bend_at
from planner.drawing.stencil_landmarks import NAME_MM
from planner.drawing.stencil_words import Words
from planner.drawing.style import FONT_FAMILY

Frame = tuple[float, float, float, float]  # x, y, width, height in mm of the map
Spot = tuple[float, float, str]  # a word's baseline (x, y) and its text-anchor
ALONG = (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8)  # along an edge, the middle first


def draw_sides(dwg: svgwrite.Drawing, axes: Axes | None, sides: Mapping[str, str],
               bends: Sequence[Bend], frame: Frame, words: Words) -> None:
    """The tile's side words (``sides``: a word for each direction code), each in the first
    of its places that ``words`` finds free."""
    if axes is None:
        return
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
        for edge, code in codes.items():
            spots[edge] = _part_spots(bend, edge, code, frame) + spots[edge]
    group = dwg.g(font_family=FONT_FAMILY, font_size=str(NAME_MM), fill="#a52714")
    for edge, code in codes.items():
        word = sides.get(code)
        spot = words.place(word, NAME_MM, spots[edge], shift_in=True) if word else None
        if word and spot is not None:
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
