"""The calibrated photo seen square on (calibration/rectify.py): the card's markers land where
they are on the card, in mm, whatever the photo's tilt and turn; nothing past the plane's horizon
is drawn; the picture is no finer than the photo and never huge."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.calibration.detect import find_markers, grey
from planner.calibration.layout import CARD, corners_mm
from planner.calibration.plane import Calibration, calibrate
from planner.calibration.rectify import (
    FILL,
    MOST_SIDE_PX,
    card_outline_mm,
    rectified,
    shown_mm,
)
from tests.helpers.calibration_photos import Look, View, photo


def markers_on_plane(view: View, look: Look | None = None) -> dict[int, np.ndarray]:
    """Each marker found again in the warped photo, its corners in mm on the plane."""
    image = photo(view, look or Look())
    plane = rectified(image, calibrate(image))
    x0, y0, _x1, _y1 = plane.box_mm
    found = find_markers(grey(plane.image), CARD)
    # OpenCV's pixel centres are at whole numbers: pixel (u, v) covers u - 0.5 .. u + 0.5.
    return {f.marker_id: (f.corners.reshape(4, 2) + 0.5) / plane.px_per_mm + [x0, y0]
            for f in found}


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tilt=st.floats(0, 45), axis=st.floats(0, 360), roll=st.floats(0, 360),
       px_per_mm=st.floats(4, 6))
def test_the_markers_land_where_they_are_on_the_card(tilt, axis, roll, px_per_mm):
    view = View(tilt_deg=tilt, tilt_axis_deg=axis, roll_deg=roll, px_per_mm=px_per_mm)
    again = markers_on_plane(view, Look(blur_px=0.5, noise=2, jpeg=90))
    assert len(again) >= 3
    errors = np.concatenate([corners - corners_mm(marker_id)
                             for marker_id, corners in again.items()])
    assert np.abs(errors).max() < 0.35
    assert np.abs(errors.mean(axis=0)).max() < 0.08  # no shift (half a pixel was 0.125 mm)


def test_a_turned_phone_gives_the_plane_the_right_way_up():
    again = markers_on_plane(View(roll_deg=90.0))
    top_left = again[CARD.marker_ids[0]].mean(axis=0)
    bottom_right = again[CARD.marker_ids[2]].mean(axis=0)
    assert top_left[0] < 0 < bottom_right[0] and top_left[1] < 0 < bottom_right[1]


def test_it_covers_what_the_photo_shows_within_its_reach():
    view = View(px_per_mm=5.0, size=(1500, 1125))
    found = calibrate(photo(view))
    x0, y0, x1, y1 = shown_mm(found)
    assert x0 == pytest.approx(-150, abs=2) and x1 == pytest.approx(150, abs=2)
    assert y0 == pytest.approx(-112.5, abs=2) and y1 == pytest.approx(112.5, abs=2)
    assert shown_mm(found, reach_mm=60) == (-60, -60, 60, 60)


def test_it_is_no_finer_than_the_photo_and_never_huge():
    view = View(px_per_mm=2.5, size=(3000, 2250), centre=(0.5, 0.5))
    image = photo(view)
    found = calibrate(image)
    plane = rectified(image, found)
    assert plane.px_per_mm <= found.px_per_mm + 1e-9
    assert max(plane.image.shape[:2]) <= MOST_SIDE_PX
    small = rectified(image, found, most_side_px=300)
    assert max(small.image.shape[:2]) <= 301


def leaning(row: tuple[float, float, float]) -> Calibration:
    """A made-up calibration whose plane has its horizon where ``row`` (the homography's last
    row) is 0: a photo of a floor running away from the camera."""
    return Calibration.from_dict(dict(
        homography=[2, 0, 400, 0, 2, 300, *row], image_size=[800, 600], card_id="MPC-1",
        markers_found=4, markers_expected=4, residual_rms_mm=0.1, residual_max_mm=0.2,
        px_per_mm=2, foreshortening=1, blur_mm=0.2, card_span_mm=[77.6, 45.98],
        fit_error_mm=[[0, 0.1], [100, 0.5]], markers=[]))


def test_nothing_past_the_horizon_is_drawn():
    found = leaning((0.004, 0.004, 1.0))  # the horizon: x + y = -250 mm
    image = np.full((600, 800, 3), 90, np.uint8)
    plane = rectified(image, found, most_px_per_mm=1)
    x0, y0, _x1, _y1 = plane.box_mm
    rows, cols = plane.image.shape[:2]
    v, u = np.mgrid[0:rows, 0:cols]
    x, y = x0 + u + 0.5, y0 + v + 0.5
    behind = x + y < -250
    assert behind.any() and (~behind).any()
    assert (plane.image[behind] == FILL).all()
    assert (plane.image[~behind] == 90).all(axis=1).mean() > 0.3  # the photo, in front


def test_the_cards_outline_is_centred_on_the_plane():
    corners = np.array(card_outline_mm())
    assert corners.mean(axis=0).tolist() == [0.0, 0.0]
    assert corners[2].tolist() == [CARD.width_mm / 2, CARD.height_mm / 2]
