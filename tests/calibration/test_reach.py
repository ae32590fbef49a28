"""How far the plane can be trusted: the fit's estimated error grows with the distance from
the card, the skin's curve is modelled apart, and a calibration keeps as plain JSON."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from planner.calibration.layout import all_corners_mm
from planner.calibration.plane import Calibration, calibrate
from planner.calibration.reach import dlt, fit_errors, surface_error_mm
from tests.helpers.calibration_photos import Look, View, on_plane, photo


def test_the_linear_fit_finds_a_known_homography():
    view = View(tilt_deg=35, roll_deg=120, px_per_mm=4)
    card = all_corners_mm()
    found = dlt(card, on_plane(view, card))
    assert np.allclose(found, view.homography() / view.homography()[2, 2], rtol=1e-6)


def test_the_fit_error_grows_with_the_distance_and_the_scatter():
    view = View(tilt_deg=35, roll_deg=120, px_per_mm=4)
    card = all_corners_mm()
    seen = on_plane(view, card)
    small = fit_errors(card, seen, 0.1)
    large = fit_errors(card, seen, 0.3)
    errors = [e for _, e in small]
    assert errors == sorted(errors) and errors[0] < errors[-1]
    assert [e for _, e in large] == pytest.approx([3 * e for e in errors], rel=1e-3)


def test_the_fit_error_of_a_smaller_card_in_the_photo_is_larger():
    card = all_corners_mm()
    near = dict(fit_errors(card, on_plane(View(px_per_mm=8), card), 0.2))
    far = dict(fit_errors(card, on_plane(View(px_per_mm=3), card), 0.2))
    assert far[100] > 2 * near[100]


def test_the_skin_off_the_plane():
    assert surface_error_mm(0, 50) == 0
    across = [surface_error_mm(d, 50) for d in (10, 25, 50, 75)]
    assert across == sorted(across) and across[0] < 0.1 and across[-1] > 10
    assert surface_error_mm(50, 200) < surface_error_mm(50, 80) < surface_error_mm(50, 50)


def test_a_calibration_keeps_as_json_and_says_how_far_it_holds():
    found = calibrate(photo(View(tilt_deg=30, px_per_mm=5), Look(noise=3, jpeg=85)))
    kept = Calibration.from_dict(json.loads(json.dumps(found.as_dict(), allow_nan=False)))
    assert kept == found
    assert found.error_mm(0) < found.error_mm(100) < found.error_mm(200)
    assert found.error_mm(250) == math.inf
    reach = found.within_mm(found.error_mm(100))
    assert reach == pytest.approx(100, abs=0.5)
    assert found.within_mm(1e-6) == 0.0
    assert found.within_mm(1e6) == 200.0
