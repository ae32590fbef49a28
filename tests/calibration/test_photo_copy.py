"""A photo larger than services/photo_scale.MAX_SIDE_PX is searched for the card on a smaller
copy, and the plane found there carried back to the photo's own pixels: still within the
accuracy of tests/calibration/test_accuracy.py (1 mm at 100 mm from the card's centre)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from planner.calibration.errors import CalibrationError
from planner.calibration.plane import calibrate
from planner.services.photo_scale import calibration_of, grey_of, look_for_card
from tests.helpers.calibration_photos import Look, View, on_plane, photo, ring

VIEW = View(tilt_deg=35, tilt_axis_deg=60, roll_deg=100, px_per_mm=7, size=(1500, 1125))


def jpeg(image: np.ndarray) -> bytes:
    return bytes(cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes())


@pytest.mark.parametrize("side", [1000, 700])
def test_the_plane_found_on_a_copy_holds_on_the_photo(side):
    data = jpeg(photo(VIEW, Look(blur_px=0.6, noise=3), seed=2))
    whole = calibrate(grey_of(data))
    found = calibration_of(data, max_side_px=side)
    assert found.image_size == VIEW.size == whole.image_size
    for radius in (50, 100):
        truth = ring(radius, 16)
        assert np.hypot(*(found.to_mm(on_plane(VIEW, truth)) - truth).T).max() < 1.0
    # The scale and the markers in the photo's pixels, as found on the photo itself.
    assert found.px_per_mm == pytest.approx(whole.px_per_mm, rel=0.01)
    for (i, corners), (j, own) in zip(found.markers, whole.markers, strict=True):
        assert i == j
        assert np.abs(np.subtract(corners, own)).max() < 1.5  # px of the photo
    assert np.hypot(*(found.to_image(ring(40)) - whole.to_image(ring(40))).T).max() < 1.5


def test_a_photo_within_the_size_is_searched_as_it_is():
    data = jpeg(photo(VIEW, Look(noise=2), seed=1))
    assert calibration_of(data) == calibrate(grey_of(data))


def test_bytes_that_are_no_image_are_refused_not_raised():
    with pytest.raises(CalibrationError) as refused:
        calibration_of(b"not a photo at all")
    assert refused.value.reason == "bad_image"
    scale = look_for_card(b"not a photo at all")
    assert scale.calibration_json is not None and '"refused": "bad_image"' in \
        scale.calibration_json
    assert scale.residual_mm is None and scale.word == "no scale"
