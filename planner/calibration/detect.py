"""The card's markers in a photo: OpenCV's ArUco detector, its corners refined to sub-pixel
(``CORNER_REFINE_SUBPIX``), then measured again from the markers' edges (edges.py); markers of
other dictionaries or ids (another card, a stray sticker) are not the card's and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from planner.calibration.edges import Edges, refine
from planner.calibration.errors import CalibrationError
from planner.calibration.layout import CARD, DICTIONARY, Card

# [our default] The smallest marker looked for, as a share of the photo's longer side (OpenCV's
# minMarkerPerimeterRate is 0.03): a card seen too small is found, and refused with that reason
# (plane.py), rather than reported as no card at all.
MIN_PERIMETER_RATE = 0.01
WORKING_PX = 2000  # [our default] the longer side at which a large photo is searched first


@dataclass(frozen=True)
class Found:
    """A marker of the card, found: its id, its corners (4 x 2 px, ArUco's order: the printed
    marker's top-left, top-right, bottom-right, bottom-left) and its edges' measure."""

    marker_id: int
    corners: NDArray[np.floating[Any]]
    edges: Edges


def grey(image: NDArray[np.generic]) -> NDArray[np.uint8]:
    """A photo (BGR, BGRA or grey; 8 or 16 bits) as 8-bit grey."""
    if image.ndim not in (2, 3) or image.size == 0 or (
            image.ndim == 3 and image.shape[2] not in (1, 3, 4)):
        raise CalibrationError("bad_image", "not a photo: expected a grey or colour image")
    if image.dtype == np.uint16:
        image = (image // 257).astype(np.uint8)
    elif image.dtype != np.uint8:
        raise CalibrationError("bad_image", f"not a photo: pixels of type {image.dtype}")
    if image.ndim == 2:
        return np.ascontiguousarray(image, dtype=np.uint8)
    if image.shape[2] == 1:
        return np.ascontiguousarray(image[..., 0], dtype=np.uint8)
    code = cv2.COLOR_BGR2GRAY if image.shape[2] == 3 else cv2.COLOR_BGRA2GRAY
    return np.asarray(cv2.cvtColor(np.asarray(image, dtype=np.uint8), code), dtype=np.uint8)


def detector() -> cv2.aruco.ArucoDetector:
    """A detector of the card's dictionary (one per call: cheap, and never shared between
    threads)."""
    parameters = cv2.aruco.DetectorParameters()
    parameters.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    parameters.minMarkerPerimeterRate = MIN_PERIMETER_RATE
    dictionary = cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, DICTIONARY))
    return cv2.aruco.ArucoDetector(dictionary, parameters)


def find_markers(image: NDArray[np.uint8], card: Card = CARD) -> list[Found]:
    """The card's markers in a grey photo, in the card's order; none if there is no card.
    Refused if a marker is seen twice (two cards in the photo: which plane is meant?).

    A large photo is searched at ``WORKING_PX`` first (a 12 MP photo at a quarter of its
    pixels: ArUco's time grows with the dark blobs it looks at, tenfold on a noisy photo), and
    at full size only if a marker is missing there; the corners are then measured on the
    full photo either way (edges.py), so nothing is lost to the smaller copy."""
    height, width = image.shape[:2]
    factor = max(height, width) / WORKING_PX
    if factor > 1.25:
        small = np.asarray(cv2.resize(image, (round(width / factor), round(height / factor)),
                                      interpolation=cv2.INTER_AREA), dtype=np.uint8)
        scale = np.array([width / small.shape[1], height / small.shape[0]])
        seen = {i: (quad + 0.5) * scale - 0.5 for i, quad in _quads(small, card).items()}
        if len(seen) < len(card.marker_ids):
            whole = _quads(image, card)
            seen = whole if len(whole) > len(seen) else seen
    else:
        seen = _quads(image, card)
    return [Found(i, (edges := refine(image, seen[i])).corners, edges)
            for i in card.marker_ids if i in seen]


def _quads(image: NDArray[np.uint8], card: Card) -> dict[int, NDArray[np.floating[Any]]]:
    """ArUco's corners of each of the card's markers found in ``image`` (id -> 4 x 2 px)."""
    corners, ids, _rejected = detector().detectMarkers(image)
    if ids is None:
        return {}
    seen: dict[int, NDArray[np.floating[Any]]] = {}
    for quad, found_id in zip(corners, ids.ravel().tolist(), strict=True):
        marker_id = int(found_id)
        if marker_id not in card.marker_ids:
            continue
        if marker_id in seen:
            raise CalibrationError(
                "two_cards", "two calibration cards in the photo: keep one in the picture",
                marker=marker_id)
        seen[marker_id] = np.asarray(quad, dtype=np.float64).reshape(4, 2)
    return seen
