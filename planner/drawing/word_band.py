"""Where a drawing's side words (PATIENT'S RIGHT, PATIENT'S LEFT) would cover anatomy that
matters, a white band above the drawing for them.

The words go on the top line of a printed drawing. A drawing cropped to a face's cheeks starts
at the eyes, and the words then lay over them; there they go instead in a band above the
drawing (the body drawn from below it), as they would be written beside a sketch on paper.
What matters: the view's no-go zones (the eyes), danger zones and landmarks; plain skin and the
treatment regions' tint do not.
"""

from __future__ import annotations

from collections.abc import Sequence

import shapely

from planner.bodymaps.view import View

Box = tuple[float, float, float, float]

MATTERS = ("no-go", "warning", "landmark")
BAND_PAD_MM = 1.0  # printed, below the words' lowest box


def covers_anatomy(view: View, boxes: Sequence[Box]) -> bool:
    """Whether any of ``boxes`` (mm of the view) lies over a region that matters."""
    if not boxes:
        return False
    shapes = shapely.union_all([shapely.box(*b) for b in boxes])
    return any(r.kind in MATTERS and r.geometry.intersects(shapes) for r in view.regions)


def words_band(view: View, boxes: Sequence[Box], top: float, print_scale: float) -> float:
    """The height (mm of the drawing) of a band from ``top`` that holds ``boxes`` (the side
    words' boxes on the drawing's top line), or 0 where they cover no anatomy that matters."""
    if view.single_limb or not covers_anatomy(view, boxes):
        return 0.0
    return max(b[3] for b in boxes) - top + BAND_PAD_MM / print_scale
