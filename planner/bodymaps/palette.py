"""The atlas's one look: the colours and line weights every view is drawn with, in a plan
(planner/drawing/body.py) and on the review contact sheet (catalogue.py), whatever colours a
view's source file was drawn with.

Line weights are millimetres at 1:1. Treatment regions carry a light tint and a solid edge so
that they show without a click, in a pale teal that stays under the mixtures' saturated colours;
cautions are amber and dashed, no-go zones red, landmarks (bony points) a bone brown.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["DECOR", "DECOR_MM", "GUIDE", "KIND_STYLE", "OUTLINE", "OUTLINE_MM", "SKIN", "KindStyle"]

SKIN = "#f7ebe1"
OUTLINE = "#5b4636"
DECOR = "#9a8373"
GUIDE = "#2a8a2a"  # guide lines (the sciatic nerve), dashed
OUTLINE_MM = 0.7
DECOR_MM = 0.4


class KindStyle(NamedTuple):
    """How a region of one kind is drawn."""

    fill: str
    opacity: float  # of the fill
    stroke: str
    width_mm: float
    dash: str | None  # SVG stroke-dasharray in mm, or None for a solid edge


KIND_STYLE: dict[str, KindStyle] = {
    "treatment": KindStyle("#6fb0c9", 0.22, "#3b7f99", 0.45, None),
    "warning": KindStyle("#f4b400", 0.28, "#a87800", 0.45, "2,1"),
    "no-go": KindStyle("#d93025", 0.32, "#a52714", 0.45, None),
    "landmark": KindStyle("#9c8678", 0.4, "#5e4e44", 0.4, None),
}
