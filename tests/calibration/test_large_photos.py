"""A large photo is searched on a smaller copy first (detect.WORKING_PX), at full size only when
a marker is missing there; its corners are measured on the full photo either way."""

from __future__ import annotations

import numpy as np
import pytest

from planner.calibration import detect
from planner.calibration.plane import calibrate
from tests.helpers.calibration_photos import Look, View, on_plane, photo, ring

VIEW = View(tilt_deg=30, tilt_axis_deg=50, roll_deg=200, px_per_mm=5)


@pytest.fixture
def searches(monkeypatch):
    """The sizes of the images ArUco was given."""
    sizes: list[tuple[int, ...]] = []
    search = detect._quads

    def counted(image, card):
        sizes.append(image.shape)
        return search(image, card)

    monkeypatch.setattr(detect, "_quads", counted)
    return sizes


@pytest.mark.parametrize(("working_px", "looked_at"), [
    (1000, [(750, 1000)]),  # found on the copy: the full photo is not searched
    (150, [(112, 150), (1125, 1500)]),  # the copy too small to find the markers: then in full
])
def test_a_large_photo_is_searched_small_first(monkeypatch, searches, working_px, looked_at):
    monkeypatch.setattr(detect, "WORKING_PX", working_px)
    found = calibrate(photo(VIEW, Look(blur_px=0.6, noise=3, jpeg=85)))
    assert [s[:2] for s in searches] == looked_at
    assert found.markers_found == 4
    truth = ring(100, 16)
    assert np.hypot(*(found.to_mm(on_plane(VIEW, truth)) - truth).T).max() < 1.0
