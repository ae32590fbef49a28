"""The orientation words of a drawing's parts that have their own anatomical axes (the elbow's
two insets, each a limb bent at its joint: planner.bodymaps' ``Part``): PROXIMAL where the
inset's humerus runs (its top), DISTAL where its forearm does (its side), each over the part
of that inset the frame shows: a word for the part's top on the top line, one for its side on
the line nearest the segment's end (the forearm's is low on the inset: on the bottom line, at
that side's end).

The sheet (planner/drawing/plan.py) places them on its lines; the editor lays them out again
at every zoom and pan from the same words' ``data-`` attributes (static/editor/labels.js).
"""

from __future__ import annotations

from dataclasses import dataclass

import shapely

from planner.bodymaps.view import View
from planner.core.whereabouts import Bend
from planner.drawing.style import Text
from planner.wording import edge_words

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class PartWord:
    """One part's word: what an edge of the part faces (PROXIMAL...), the edge (top, bottom,
    left, right), the line it is written on (top or bottom), the x (mm) of the segment's end it
    names (a word for the top or the bottom goes over it) and the part's bounds (x0, y0, x1, y1
    in mm)."""

    words: str
    edge: str
    line: str
    at: float
    bounds: Box

    def attributes(self) -> dict[str, str]:
        """What the editor needs to lay the word out again (labels.js, pin "part")."""
        x0, y0, x1, y1 = self.bounds
        return {"data-edge": self.edge, "data-line": self.line, "data-at": f"{self.at:.2f}",
                "data-x0": f"{x0:.2f}",
                "data-y0": f"{y0:.2f}", "data-x1": f"{x1:.2f}", "data-y1": f"{y1:.2f}"}


def part_words(view: View | None, frame: Box, text: Text) -> list[PartWord]:
    """The words of each part of the view that the frame (x0, y0, x1, y1 in mm) shows."""
    if view is None or not view.parts:
        return []
    words = edge_words(text)
    shown = shapely.box(*frame)
    out = []
    for part in view.parts:
        if not part.area.intersects(shown):
            continue
        bend = Bend(*part.axis, bend=part.bend, area=part.area)
        x0, y0, x1, y1 = part.area.bounds
        for edge, code in bend.edges().items():
            end = part.proximal_end if code == "proximal" else part.distal_end
            line = edge if edge in ("top", "bottom") else \
                "bottom" if end[1] > (y0 + y1) / 2 else "top"
            out.append(PartWord(words[code], edge, line, end[0], (x0, y0, x1, y1)))
    return out


def spot(word: PartWord, wide: float, frame: Box, pad: float) -> tuple[float, str]:
    """Where the word goes across (x in mm, and its text-anchor), ``wide`` mm wide: over the
    part's span in the frame (less ``pad`` at the frame's edges), at its end of that span for a
    side word, over the segment's end for a top or bottom word; inside the frame always."""
    low, high = frame[0] + pad, frame[2] - pad
    left = max(low, word.bounds[0])
    right = min(high, word.bounds[2])
    if word.edge == "left":
        x = left
    elif word.edge == "right":
        x = right - wide
    else:
        x = min(max(word.at - wide / 2, left), right - wide)
    x = min(max(x, low), high - wide)
    return x, "start"


def clear(box: Box, boxes: list[Box], gap: float) -> bool:
    """Whether ``box`` keeps ``gap`` from every box of ``boxes`` (on the same line)."""
    return not any(box[0] < b[2] + gap and b[0] < box[2] + gap and box[1] < b[3] and
                   b[1] < box[3] for b in boxes)
