"""A photo's scale (issue 20, item 4): the calibration card looked for in the photo as kept
(cleaned: upright, no metadata), and what was found written in the photo's row.

Looked for when the photo is taken (services/photos.add_photo), or later, for a photo taken
before the app looked (``look_again``, the photo page's button). A photo without a card, or
whose card cannot give a scale, is kept all the same, with the reason (planner/calibration's
CalibrationError); any other failure of the search leaves the photo with no scale and its
columns empty (the page offers to look again), logged without any patient data: never a
server error, never a photo refused for it.

The photo is decoded once, to grey (all the card's search reads). A photo larger than
``MAX_SIDE_PX`` on its longer side is searched on a copy of that size, and the plane found there
carried back to the photo's own pixels (``scaled_to``). Measured on a busy 2-core machine, a
12 MP photo (4000 x 3000) searched at full size took 0.2-0.4 s with the card, but 1-1.8 s for a
noisy photo without one (a search that finds no marker on detect.py's working copy is made again
on the whole photo); on a 3000 px copy, decoding included, 0.1 s with the card and 0.2 s
without, a 48 MP photo 0.3 s. The card is still found, as accurately, down to 3 px per mm of
the photo (tests/calibration/test_photo_copy.py checks the plane carried back).
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from planner.calibration.errors import CalibrationError
from planner.calibration.plane import Calibration, calibrate
from planner.extensions import db
from planner.models import Photo, User, audit, now
from planner.photos.stores import PhotoStore
from planner.services.refusals import Refused

log = logging.getLogger(__name__)

# [our default] The longer side, in px, at which a photo is searched for the card: a phone's
# 12 MP photo (4000 x 3000) on a copy three quarters its size (a card taken from 40 cm then
# still some 7 px per mm: well within the accuracy of tests/calibration).
MAX_SIDE_PX = 3000

# An upload's audit words (web/audit_words.py says them again).
CALIBRATED = "calibrated"
NO_SCALE = "no scale"
LOOKED_AGAIN = "calibration card looked for"


@dataclass(frozen=True)
class Scale:
    """What the search for the card gives a photo's row: its three columns (all None: the
    search failed, the photo has no scale and may be looked at again), and the audit's word."""

    calibration_json: str | None
    residual_mm: float | None
    at: datetime | None
    word: str

    def apply(self, photo: Photo) -> None:
        photo.calibration_json = self.calibration_json
        photo.calibration_residual_mm = self.residual_mm
        photo.calibrated_at = self.at


def grey_of(data: bytes) -> NDArray[np.uint8]:
    """A kept photo's bytes (JPEG or PNG) decoded once, as 8-bit grey (CalibrationError
    bad_image if they cannot be)."""
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_GRAYSCALE)
    if image is None or image.size == 0:
        raise CalibrationError("bad_image", "the photo could not be decoded")
    return np.asarray(image, dtype=np.uint8)


def calibration_of(data: bytes, max_side_px: int = MAX_SIDE_PX) -> Calibration:
    """The card's plane in a kept photo, in the photo's own pixels (CalibrationError if none):
    found on a copy ``max_side_px`` long if the photo is larger."""
    image = grey_of(data)
    height, width = image.shape[:2]
    factor = max(height, width) / max_side_px
    if factor <= 1:
        return calibrate(image)
    small = cv2.resize(image, (round(width / factor), round(height / factor)),
                       interpolation=cv2.INTER_AREA)
    return scaled_to(calibrate(np.asarray(small, dtype=np.uint8)), (width, height))


def scaled_to(found: Calibration, size: tuple[int, int]) -> Calibration:
    """A calibration found on a resized copy of a photo, carried to the photo of ``size``
    (width, height): the pixel centres' convention of OpenCV (a copy's pixel i is the photo's
    (i + 0.5) * s - 0.5) applied to the homography and the markers' corners; the scale in px
    per mm grows with the photo; what is in mm (residual, errors, blur) is the copy's."""
    sx, sy = size[0] / found.image_size[0], size[1] / found.image_size[1]
    to_full = np.array([[sx, 0, 0.5 * sx - 0.5], [0, sy, 0.5 * sy - 0.5], [0, 0, 1.0]])
    matrix = to_full @ found.matrix()
    matrix /= matrix[2, 2]
    markers = tuple(
        (marker_id, tuple(float(v) for v in
                          ((np.reshape(corners, (-1, 2)) + 0.5) * (sx, sy) - 0.5).ravel()))
        for marker_id, corners in found.markers)
    return replace(found, homography=tuple(float(v) for v in matrix.ravel()),
                   image_size=size, px_per_mm=found.px_per_mm * math.sqrt(sx * sy),
                   markers=markers)


def refusal_of(error: CalibrationError) -> dict[str, Any]:
    """What a refused photo's row keeps: the reason's code, its words in English (for a
    reason a page does not know yet) and its finite numbers."""
    return {"refused": error.reason, "message": str(error),
            "numbers": {key: float(value) for key, value in error.numbers.items()
                        if isinstance(value, int | float) and math.isfinite(value)}}


def look_for_card(data: bytes) -> Scale:
    """The card looked for in a kept photo's bytes: its plane, or why there is none (never an
    exception: an unexpected failure is logged, without the photo or its patient, and gives
    no scale)."""
    try:
        found = calibration_of(data)
        kept = json.dumps(found.as_dict(), allow_nan=False)
    except CalibrationError as error:
        return Scale(json.dumps(refusal_of(error), allow_nan=False), None, now(), NO_SCALE)
    except Exception:
        log.exception("the calibration card could not be looked for in a photo")
        return Scale(None, None, None, NO_SCALE)
    return Scale(kept, found.residual_max_mm, now(), CALIBRATED)


class AlreadyCalibrated(Refused):
    """The photo has its scale already: it is never looked for again."""


def look_again(photo: Photo, store: PhotoStore, actor: User) -> Scale:
    """Look for the card in a photo already kept (one taken before the app looked): its bytes
    read from ``store`` (StoreError, PhotoMissing), the outcome written with its audit event;
    committed. A photo that has its scale keeps it (AlreadyCalibrated): plans are drawn in its
    millimetres, and a search that failed this time must not take them away."""
    if photo.plane is not None:
        raise AlreadyCalibrated()
    scale = look_for_card(store.get(photo.storage_key))
    scale.apply(photo)
    audit(actor, "update", "photo", photo.id, f"{LOOKED_AGAIN}, {scale.word}")
    db.session.commit()
    return scale
