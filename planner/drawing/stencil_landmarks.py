"""The landmarks on a stencil's tile: each shape hatched grey with a cross at its centre, where
the ruler goes, and its name beside it, read as its own (planner/drawing/stencil.py draws the
rest of the tile)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import shapely
import svgwrite
from shapely.geometry.base import BaseGeometry

from planner.core.whereabouts import Landmark
from planner.drawing.labels import gap
from planner.drawing.paths import path_d
from planner.drawing.stencil_words import ASCENT_EM, DESCENT_EM, Box, Words, text_width

NAME_MM = 2.8  # a landmark's name: at least 2 mm tall on paper (issue 17)
LONG_LANDMARK_MM = 15.0  # a landmark longer than this is named beside its cross


def draw_landmark(dwg: svgwrite.Drawing, lm: Landmark, clip: BaseGeometry,
                   words: Words) -> None:
    """A landmark: its shape (hatched grey) and a cross at its centre."""
    shape = lm.geometry.intersection(clip)
    dwg.add(dwg.path(d=path_d(shape), fill="#d9d9d9", stroke="#333333", stroke_width=0.35,
                     stroke_dasharray="1.2,0.6"))
    cx, cy = lm.centre
    if clip.contains(shapely.Point(cx, cy)):
        dwg.add(dwg.path(d=f"M{cx - 2:.2f},{cy:.2f} H{cx + 2:.2f} M{cx:.2f},{cy - 2:.2f} "
                           f"V{cy + 2:.2f}", stroke="#111111", stroke_width=0.3))
        words.block((cx - 2, cy - 2, cx + 2, cy + 2))


def name_landmark(dwg: svgwrite.Drawing, names: Any, lm: Landmark, clip: BaseGeometry,
                   words: Words, others: Sequence[Landmark]) -> None:
    """A landmark's name beside it; where it is nearer another landmark than its own (the
    face's canthi, a few mm apart), a thin line leads from the name to its cross."""
    shape = lm.geometry.intersection(clip)
    cx, cy = lm.centre
    x0, y0, x1, y1 = shape.bounds
    mid = (x0 + x1) / 2
    spots = [(mid, y0 - 1.0, "middle"), (mid, y1 + 1.0 + ASCENT_EM * NAME_MM, "middle"),
             (x1 + 1.0, cy + 1.0, "start"), (x0 - 1.0, cy + 1.0, "end"),
             (mid, cy - 2.5, "middle"), (mid, cy + 2.5 + ASCENT_EM * NAME_MM, "middle")]
    spots += [(mid + dx, yy, "middle") for dy in (0, 4, 8, 12) for dx in (-20, 20, -40, 40)
              for yy in (y0 - 1.0 - dy, y1 + 3.2 + dy)]
    if max(x1 - x0, y1 - y0) > LONG_LANDMARK_MM:
        # A long structure (the spine of the scapula, the iliac crest): its name beside its
        # cross, over its light shape, rather than beside its bounds, far from the cross.
        spots[:0] = [(cx, cy - 2.6, "middle"), (cx, cy + 2.6 + ASCENT_EM * NAME_MM, "middle"),
                     (cx + 2.6, cy + 1.0, "start"), (cx - 2.6, cy + 1.0, "end")]
    # A spot where the name is nearer its own landmark than any other first, in that order.
    width = text_width(lm.name, NAME_MM)
    spots.sort(key=lambda spot: not _nearest_is(lm, _word_box(spot, width), others))
    spot = words.place(lm.name, NAME_MM, spots, shift_in=True)
    if spot is None:
        return
    names.add(dwg.text(lm.name, insert=spot[:2], class_="landmark-name"))
    box = _word_box(spot, width)
    if not _nearest_is(lm, box, others):
        # From the name's edge nearest the cross to the cross's end.
        ex = min(max(cx, box[0]), box[2])
        ey = min(max(cy, box[1]), box[3])
        length = math.hypot(cx - ex, cy - ey)
        if length > 2.5:
            tx, ty = cx + (ex - cx) * 2.2 / length, cy + (ey - cy) * 2.2 / length
            names.add(dwg.line((ex, ey), (tx, ty), stroke="#555555", stroke_width=0.2,
                               class_="leader"))


def _word_box(spot: tuple[float, float, str], width: float) -> Box:
    """The box of a name of ``width`` at ``spot`` (x, y of its baseline, anchor)."""
    x, y, anchor = spot
    left = x - {"start": 0.0, "middle": width / 2, "end": width}[anchor]
    return (left, y - ASCENT_EM * NAME_MM, left + width, y + DESCENT_EM * NAME_MM)


def _nearest_is(lm: Landmark, box: Box, others: Sequence[Landmark]) -> bool:
    """No other landmark's centre is nearer the name's box than ``lm``'s."""
    own = gap(box, *lm.centre)
    return all(gap(box, *o.centre) > own for o in others if o is not lm)
