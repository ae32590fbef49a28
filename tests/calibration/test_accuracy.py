"""The scale and the positions of points of the plane near the card, recovered from synthetic
photos of known truth: within 1 mm at 100 mm from the card's centre, whatever the phone's turn,
a tilt up to 50 degrees, blur, noise, uneven light and JPEG."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from planner.calibration.plane import calibrate
from tests.helpers.calibration_photos import Look, View, on_plane, photo, ring

LIMIT_MM = 1.0


def errors_mm(view: View, image: np.ndarray) -> dict[str, float]:
    """The largest error of points 50 and 100 mm from the card's centre, and of the distance
    between two points 100 mm apart, each way."""
    found = calibrate(image)
    out = {}
    for radius in (50, 100):
        truth = ring(radius, 16)
        out[f"at {radius}"] = float(np.hypot(*(found.to_mm(on_plane(view, truth)) - truth).T)
                                    .max())
    ends = np.array([[-50.0, 0], [50, 0], [0, -50], [0, 50]])
    got = found.to_mm(on_plane(view, ends))
    out["scale"] = max(abs(float(np.hypot(*(got[1] - got[0]))) - 100),
                       abs(float(np.hypot(*(got[3] - got[2]))) - 100))
    out["estimate at 100"] = found.error_mm(100)
    return out


views = st.builds(
    View, tilt_deg=st.floats(0, 50), tilt_axis_deg=st.floats(0, 360),
    roll_deg=st.one_of(st.sampled_from([0.0, 90.0, 180.0, 270.0]), st.floats(0, 360)),
    px_per_mm=st.floats(4, 7), focal=st.floats(0.7, 1.2),
    centre=st.tuples(st.floats(0.35, 0.65), st.floats(0.35, 0.65)),
    size=st.sampled_from([(1500, 1125), (1125, 1500)]))
looks = st.builds(
    Look, blur_px=st.floats(0, 1.0), noise=st.floats(0, 6),
    light=st.tuples(st.floats(0.5, 1.0), st.floats(1.0, 1.15)),
    light_angle_deg=st.floats(0, 360), jpeg=st.integers(50, 95))


@settings(max_examples=12, suppress_health_check=[HealthCheck.too_slow])
@given(view=views, look=looks, seed=st.integers(0, 3))
# Noise and JPEG put two of ArUco's corners 3-5 px off; the markers' edges put them back
# (edges.MOST_MOVE_CELLS; kept to 3 px they stayed off, 2 mm at 100 mm).
@example(view=View(roll_deg=120.0, px_per_mm=4.5, focal=1.0, centre=(0.6184, 0.6411)),
         look=Look(noise=3.0, jpeg=64), seed=3)
def test_points_near_the_card_are_found_within_a_millimetre(view, look, seed):
    found = errors_mm(view, photo(view, look, seed=seed))
    assert found["at 50"] < LIMIT_MM, found
    assert found["at 100"] < LIMIT_MM, found
    assert found["scale"] < LIMIT_MM, found
    # The page's estimate of the error is not an understatement.
    assert found["at 100"] <= 1.5 * found["estimate at 100"] + 0.05, found


@pytest.mark.parametrize("roll", [0, 90, 180, 270])
def test_a_phone_held_any_way_round(roll):
    """Portrait or landscape, upside down: the card's own markers say which way it lies."""
    view = View(tilt_deg=45, tilt_axis_deg=30, roll_deg=roll, px_per_mm=4.5, size=(1125, 1500))
    found = errors_mm(view, photo(view, Look(blur_px=0.7, noise=4, light=(0.6, 1.1),
                                             jpeg=75), seed=roll))
    assert found["at 100"] < LIMIT_MM, found
    assert found["scale"] < LIMIT_MM, found


def test_the_plane_both_ways():
    """to_image undoes to_mm; one point keeps its shape; the card's corners land on the card."""
    view = View(tilt_deg=30, roll_deg=20, px_per_mm=5)
    found = calibrate(photo(view, Look(noise=2)))
    points = np.array([[10.0, -20.0], [100, 50], [-80, 0]])
    assert np.allclose(found.to_mm(found.to_image(points)), points, atol=1e-9)
    assert found.to_mm(found.to_image([3.0, 4.0])).shape == (2,)
    assert found.markers_found == found.markers_expected == 4
    assert found.residual_rms_mm <= found.residual_max_mm < 0.2
    assert found.px_per_mm == pytest.approx(5, rel=0.15)
    assert found.tilt_deg == pytest.approx(30, abs=8)
    assert found.card_span_mm == pytest.approx((77.6, 45.98), abs=0.2)
