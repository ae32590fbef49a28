"""A plan drawn back on the photo as taken (drawing/on_photo.py): each point where the camera saw
that spot of the card's plane, its number beside it, its size that of the skin there."""

from __future__ import annotations

import numpy as np
from bs4 import BeautifulSoup

from planner.drawing.on_photo import points_on_photo
from tests.helpers.calibration_photos import View
from tests.helpers.plans import engine_result

VIEW = View(tilt_deg=35.0, tilt_axis_deg=20.0, roll_deg=80.0, px_per_mm=5.0)


def homography(points):
    """The synthetic camera's own homography: the truth (OpenCV's pixels)."""
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    h = VIEW.homography()
    seen = np.c_[pts, np.ones(len(pts))] @ h.T
    return seen[:, :2] / seen[:, 2:]


def plan():
    return engine_result({"format": "mesoplanner.plan/1", "areas": [
        {"polygon": [[30, -20], [90, -20], [90, 30], [30, 30]], "spacing_mm": 10,
         "volume_ml": "0.1"},
        {"polygon": [[-90, -20], [-40, -20], [-40, 20], [-90, 20]],
         "exclude": [[[-70, -5], [-60, -5], [-60, 5], [-70, 5]]], "spacing_mm": 8}]})


def test_each_point_is_where_the_camera_saw_it_with_its_number():
    result = plan()
    soup = BeautifulSoup(points_on_photo(result, homography), "html.parser")
    drawn = soup.select("g.point-on-photo")
    assert len(drawn) == len(result.xy)
    truth = homography(result.xy) + 0.5  # as an SVG lays the photo's pixels
    for k, group in enumerate(drawn):
        circle = group.select_one("circle")
        assert int(group["data-number"]) == k + 1
        assert group.select_one("text").get_text() == str(k + 1)
        got = [float(circle["cx"]), float(circle["cy"])]
        assert np.hypot(*(np.array(got) - truth[k])) < 0.1


def test_the_areas_outlines_and_holes_are_drawn_through_the_same_camera():
    soup = BeautifulSoup(points_on_photo(plan(), homography), "html.parser")
    outlines = soup.select("path.area-on-photo")
    assert len(outlines) == 3  # two areas, one hole
    first = outlines[0]["d"]
    corner = homography([[30, -20]])[0] + 0.5
    assert any(abs(float(x) - corner[0]) < 0.1 and abs(float(y) - corner[1]) < 0.1
               for x, y in (p.split(",") for p in first[1:-1].split("L")))


def test_points_nearer_the_camera_are_drawn_larger():
    result = plan()
    soup = BeautifulSoup(points_on_photo(result, homography), "html.parser")
    radii = np.array([float(c["r"]) for c in soup.select("circle")])
    scale = np.array([np.sqrt(abs(np.linalg.det(np.c_[homography([p + np.array([1, 0])])[0]
                                                      - homography([p])[0],
                                                      homography([p + np.array([0, 1])])[0]
                                                      - homography([p])[0]])))
                      for p in result.xy])
    assert radii.max() > radii.min() * 1.1  # the tilt is seen
    assert np.corrcoef(radii, scale)[0, 1] > 0.99


def test_digits_are_written_the_readers_way():
    soup = BeautifulSoup(points_on_photo(plan(), homography, digits=lambda s: f"#{s}"),
                         "html.parser")
    assert soup.select_one("text").get_text() == "#1"
