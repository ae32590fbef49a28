"""A photo's calibration said in the reader's language: every refusal's reason, and how far a
calibrated photo can be trusted."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from planner.calibration.errors import CalibrationError
from planner.calibration.plane import calibrate
from planner.web.calibration_words import confidence, refusal
from tests.helpers.calibration_photos import Look, View, photo

REASONS = {"no_card": {}, "too_few_markers": {"found": 2, "expected": 4, "needed": 3},
           "two_cards": {}, "too_small": {}, "too_blurred": {}, "too_oblique": {"tilt_deg": 64.2},
           "not_flat": {"residual_mm": 0.74}, "bad_image": {}}


@pytest.mark.parametrize("reason", sorted(REASONS))
def test_every_refusal_is_said_in_the_readers_language(app, reason):
    error = CalibrationError(reason, "in English", **REASONS[reason])
    with app.test_request_context():
        english = refusal(error)
        with force_locale("it"):
            italian = refusal(error)
    assert english != "in English" and italian != english
    if reason == "too_oblique":
        assert "64 " in english and "64 " in italian
    if reason == "not_flat":
        assert "0.7 mm" in english and "0,7 mm" in italian


def test_a_calibrated_photo_says_how_far_it_holds(app):
    found = calibrate(photo(View(tilt_deg=20, px_per_mm=5), Look(noise=3, jpeg=85)))
    with app.test_request_context(), force_locale("es"):
        lines = confidence(found)
    assert lines[0].startswith("Tarjeta de calibración: 4 de 4")
    assert "mm" in lines[1] and "100 mm" in lines[2]
