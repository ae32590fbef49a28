"""Named sample areas (mm, y down) shared by the tests: the shapes clinicians actually draw."""

from __future__ import annotations

Ring = list[list[float]]

SQUARE: Ring = [[0, 0], [100, 0], [100, 100], [0, 100]]  # 10 x 10 cm
RECTANGLE: Ring = [[10, 20], [70, 20], [70, 100], [10, 100]]  # 6 x 8 cm
L_SHAPE: Ring = [[0, 0], [40, 0], [40, 80], [100, 80], [100, 120], [0, 120]]
WITH_HOLE_OUTER: Ring = [[0, 0], [120, 0], [120, 120], [0, 120]]
WITH_HOLE_INNER: Ring = [[40, 40], [80, 40], [80, 80], [40, 80]]
SLIVER: Ring = [[0, 0], [200, 0], [200, 3], [0, 3]]  # 20 cm long, 3 mm wide
DIAGONAL_SLIVER: Ring = [[0, 0], [4, -4], [144, 136], [140, 140]]  # ~5.7 mm wide, 45 degrees
TINY: Ring = [[50, 50], [55, 50], [55, 55], [50, 55]]  # 5 x 5 mm
SMALLER_THAN_SPACING: Ring = [[0, 0], [15, 0], [15, 12], [0, 12]]  # one cell at 20 mm
BOW_TIE: Ring = [[0, 0], [60, 60], [60, 0], [0, 60]]  # a stroke that crosses itself
FIGURE_EIGHT: Ring = [[0, 0], [40, 0], [0, 80], [40, 80]]
COLLINEAR: Ring = [[0, 0], [10, 10], [20, 20]]
REPEATED: Ring = [[5, 5], [5, 5], [5, 5]]
TRIANGLE: Ring = [[0, 0], [120, 0], [60, 100]]


def plan(areas: list[dict[str, object]], **top: object) -> dict[str, object]:
    """A minimal plan document around some areas."""
    return {"format": "mesoplanner.plan/1", "areas": areas, **top}


def area(polygon: Ring, **keys: object) -> dict[str, object]:
    """A plan area on a polygon, spacing 20 mm and 0.10 mL unless told otherwise."""
    return {"label": "test", "polygon": polygon, "spacing_mm": 20, "volume_ml": "0.10", **keys}
