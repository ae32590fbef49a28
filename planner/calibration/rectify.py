"""A calibrated photo seen square on: the photo warped onto the card's plane, in millimetres,
so that a plan can be drawn on it as on a body map (one SVG unit = 1 mm, origin at the card's
centre, x to the right and y down as the card is read).

The plane is right near the card only (plane.py, reach.py): the warp covers the part of the
plane the photo shows within ``REACH_MM`` of the card's centre, and what lies further on a
curved limb is stretched. The pages say so; here it is only the picture.

>>> import numpy as np
>>> from planner.calibration.plane import Calibration
>>> photo = np.full((300, 400, 3), 200, np.uint8)
>>> seen = Calibration.from_dict(dict(
...     homography=[2, 0, 200, 0, 2, 150, 0, 0, 1], image_size=[400, 300], card_id="MPC-1",
...     markers_found=4, markers_expected=4, residual_rms_mm=0.1, residual_max_mm=0.2,
...     px_per_mm=2, foreshortening=1, blur_mm=0.2, card_span_mm=[77.6, 45.98],
...     fit_error_mm=[[0, 0.1], [100, 0.5]], markers=[]))
>>> plane = rectified(photo, seen, most_px_per_mm=1)
>>> plane.box_mm, plane.image.shape
((-100.0, -75.0, 100.0, 75.0), (150, 200, 3))
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from planner.calibration.layout import CARD, Card
from planner.calibration.plane import Calibration

# [our defaults] How much of the plane the warped photo covers, and how finely:
REACH_MM = 250.0  # from the card's centre: beyond it a limb has long curved away (reach.py)
MOST_PX_PER_MM = 4.0  # finer than a 0.25 mm pixel shows nothing a plan needs
MOST_SIDE_PX = 2400  # nor a side longer than this (a browser draws it at every preview)
SAMPLES = 24  # points along each side of the photo, to find what of the plane it shows
FILL = (235, 235, 235)  # where the plane is outside the photo: light grey, not skin

Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class Plane:
    """The photo warped onto the card's plane: ``image`` (BGR) covers ``box_mm`` (x0, y0, x1,
    y1 in mm on the plane), at ``px_per_mm``."""

    image: NDArray[np.uint8]
    box_mm: Box
    px_per_mm: float


def shown_mm(found: Calibration, reach_mm: float = REACH_MM) -> Box:
    """The box of the plane (mm) that the photo shows, within ``reach_mm`` of the card's
    centre each way: the photo's edges and inside taken to the plane, beyond its horizon
    left out."""
    width, height = found.image_size
    u = np.linspace(0, width, SAMPLES)
    v = np.linspace(0, height, SAMPLES)
    grid = np.array([(x, y) for x in u for y in v], dtype=np.float64)
    mm = found.to_mm(grid)
    mm = mm[np.isfinite(mm).all(axis=1) & _in_front(found, mm)]
    if not len(mm):  # cannot be (the card is in the photo), but never an empty picture
        return (-reach_mm, -reach_mm, reach_mm, reach_mm)
    low = np.clip(mm.min(axis=0), -reach_mm, reach_mm)
    high = np.clip(mm.max(axis=0), -reach_mm, reach_mm)
    return (math.floor(low[0]), math.floor(low[1]), math.ceil(high[0]), math.ceil(high[1]))


def _in_front(found: Calibration, mm: NDArray[np.floating[Any]]) -> NDArray[np.bool_]:
    """Which points of the plane are in front of the camera (the homography's w is positive
    where the card's centre is: a point past the horizon comes back mirrored)."""
    h = found.matrix()
    w = mm @ h[2, :2] + h[2, 2]
    return np.asarray(np.sign(w) == np.sign(h[2, 2]))


def rectified(photo: NDArray[np.uint8], found: Calibration, *, reach_mm: float = REACH_MM,
              most_px_per_mm: float = MOST_PX_PER_MM, most_side_px: int = MOST_SIDE_PX
              ) -> Plane:
    """The photo (BGR, as calibrated: the size the calibration saw) warped onto the card's
    plane over ``shown_mm``, no finer than the photo itself is at the card."""
    x0, y0, x1, y1 = shown_mm(found, reach_mm)
    k = min(most_px_per_mm, found.px_per_mm, most_side_px / max(x1 - x0, y1 - y0))
    size = (max(1, round((x1 - x0) * k)), max(1, round((y1 - y0) * k)))
    # The warped picture's pixel (u, v) covers u / k to (u + 1) / k mm from x0, as an SVG image
    # lays it: its centre is the plane's (x0 + (u + 0.5) / k, y0 + (v + 0.5) / k) mm.
    to_plane = np.array([[1 / k, 0, x0 + 0.5 / k], [0, 1 / k, y0 + 0.5 / k], [0, 0, 1]],
                        dtype=np.float64)
    to_photo = found.matrix() @ to_plane
    image = cv2.warpPerspective(photo, to_photo, size, flags=cv2.INTER_AREA
                                | cv2.WARP_INVERSE_MAP, borderMode=cv2.BORDER_CONSTANT,
                                borderValue=FILL)
    u, v = np.meshgrid(np.arange(size[0]) + 0.5, np.arange(size[1]) + 0.5)
    w = to_photo[2, 0] * u + to_photo[2, 1] * v + to_photo[2, 2]
    image[np.sign(w) != np.sign(found.matrix()[2, 2])] = FILL  # past the horizon: nothing
    return Plane(image=np.asarray(image, dtype=np.uint8),
                 box_mm=(float(x0), float(y0), float(x1), float(y1)),
                 px_per_mm=float(k))


def card_outline_mm(card: Card = CARD) -> tuple[tuple[float, float], ...]:
    """The card's edge on its plane (mm, its corners clockwise from the top left), to draw
    where it lay."""
    w, h = card.width_mm / 2, card.height_mm / 2
    return ((-w, -h), (w, -h), (w, h), (-w, h))
