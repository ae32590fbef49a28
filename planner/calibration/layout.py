"""The calibration card as numbers: its size, its four ArUco markers (which, where, how big) and
its ruler, in millimetres on the card, origin at the card's centre, x to the right and y down as
the card is read (as in SVG and the body maps). The drawing (card.py) and the detection
(plane.py) both read it; nothing here loads OpenCV.

>>> CARD.width_mm, CARD.height_mm, CARD.marker_mm
(85.6, 53.98, 15.0)
>>> corners_mm(0).tolist()
[[-38.8, -22.99], [-23.8, -22.99], [-23.8, -7.99], [-38.8, -7.99]]
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

# The card is an ID-1 card (ISO/IEC 7810, a bank card: 85.60 x 53.98 mm) [our choice]:
# - it lies nearly flat on a knee or a shoulder (a knee is some 100 mm across), where a larger
#   card (A6, 148 x 105 mm) would bridge the curve and rock;
# - every clinician has a bank card to lay on the printed one: a print at 97 % ("fit to page")
#   is 2.6 mm short over its length, which the eye sees at once. The photo cannot see it
#   (markers and ruler shrink together), so this check on paper is the one that catches it.
# The markers are ArUco's DICT_4X4_50 [our choice]: of the standard dictionaries, 4x4 bits has
# the largest cells for a given marker size (6 cells across with the black border, against
# 8-10 for 5x5, 6x6 and AprilTag 36h11), so a marker stays readable furthest from the camera.
# 15 mm markers (2.5 mm cells) [our choice]: a knee-and-thigh photo 400 mm across on a 1500 px
# image has about 3.7 px per mm, 9 px per cell, where ArUco reads reliably from about 4 px per
# cell; at a tilt of 50 degrees a cell is still 6 px. Larger markers would crowd out the ruler.
# One marker in each corner, 4 mm from the edges (a quiet zone wider than a cell, kept white
# when the card is cut out a millimetre off the line): the corners as far apart as the card
# allows, so the plane is measured over the card's whole span. Three of four suffice (a
# finger on one corner): ``MIN_MARKERS``.
DICTIONARY = "DICT_4X4_50"
MIN_MARKERS = 3


@dataclass(frozen=True)
class Card:
    """One version of the card: what is printed and where (mm)."""

    version: int
    card_id: str  # printed on the card, with the markers' dictionary
    width_mm: float
    height_mm: float
    corner_radius_mm: float
    marker_mm: float
    margin_mm: float  # from the card's edge to a marker's black border
    marker_ids: tuple[int, int, int, int]  # top-left, top-right, bottom-right, bottom-left
    ruler_mm: int  # the ruler's length along the bottom edge, between the bottom markers

    @property
    def cell_mm(self) -> float:
        """One bit's square: a 4x4 marker is 6 cells across with its black border."""
        return self.marker_mm / 6


CARD = Card(version=1, card_id="MPC-1", width_mm=85.6, height_mm=53.98, corner_radius_mm=3.18,
            marker_mm=15.0, margin_mm=4.0, marker_ids=(0, 1, 2, 3), ruler_mm=40)

# The inner 4x4 bits of each marker (1 = white), row by row from its top-left corner, as
# OpenCV's DICT_4X4_50 makes them (tests/calibration checks them against cv2.aruco), kept here
# so that drawing the card does not load OpenCV.
MARKER_BITS: dict[int, tuple[str, str, str, str]] = {
    0: ("1011", "0101", "0011", "0010"),
    1: ("0000", "1111", "1001", "1010"),
    2: ("0011", "0011", "0010", "1101"),
    3: ("1001", "1001", "0100", "0110"),
}


def marker_origin_mm(marker_id: int, card: Card = CARD) -> tuple[float, float]:
    """The top-left corner of a marker's black border, from the card's top-left corner."""
    slot = card.marker_ids.index(marker_id)
    right = slot in (1, 2)
    bottom = slot in (2, 3)
    x = card.width_mm - card.margin_mm - card.marker_mm if right else card.margin_mm
    y = card.height_mm - card.margin_mm - card.marker_mm if bottom else card.margin_mm
    return x, y


def corners_mm(marker_id: int, card: Card = CARD) -> NDArray[np.float64]:
    """A marker's four corners (4 x 2, mm from the card's centre) in ArUco's order: top-left,
    top-right, bottom-right, bottom-left of the marker as printed."""
    x, y = marker_origin_mm(marker_id, card)
    s = card.marker_mm
    square = np.array([[x, y], [x + s, y], [x + s, y + s], [x, y + s]])
    return np.round(square - [card.width_mm / 2, card.height_mm / 2], 6)


def all_corners_mm(card: Card = CARD) -> NDArray[np.float64]:
    """Every marker's corners, marker after marker in ``card.marker_ids``' order (16 x 2)."""
    return np.concatenate([corners_mm(i, card) for i in card.marker_ids])


def white_cells(marker_id: int) -> list[tuple[int, int]]:
    """The (row, column) of each white bit of a marker, 0-3 inside its black border."""
    return [(r, c) for r, row in enumerate(MARKER_BITS[marker_id])
            for c, bit in enumerate(row) if bit == "1"]
