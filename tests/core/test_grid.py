"""The grid on named shapes: inside, spacing, margin, centring, order, narrow and tiny areas."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from shapely.geometry import Polygon

from planner.core import grid
from planner.core.compute import Result, compute
from planner.core.plan_reader import from_dict
from tests.helpers import shapes
from tests.helpers.shapes import area, plan

TOL = 0.01  # mm, the tolerance of PLAN-FORMAT.md


def run(*areas: dict[str, object], **top: object) -> Result:
    return compute(from_dict(plan(list(areas), **top)))


def xy(result: Result, area_index: int | None = 0) -> np.ndarray:
    return np.array([(p.x, p.y) for p in result.points if p.area == area_index])


def min_distance(points: np.ndarray) -> float:
    diff = points[:, None, :] - points[None, :, :]
    dist = np.hypot(diff[..., 0], diff[..., 1])
    np.fill_diagonal(dist, np.inf)
    return float(dist.min())


def codes(result: Result) -> list[str]:
    return [w.code for w in result.warnings]


@pytest.mark.parametrize("pattern", ["square", "staggered"])
@pytest.mark.parametrize("name", ["SQUARE", "RECTANGLE", "L_SHAPE", "TRIANGLE"])
@pytest.mark.parametrize("spacing", [7, 15, 20, 33])
@pytest.mark.parametrize("margin", [0, 6])
def test_it_keeps_points_inside_apart_and_off_the_edge(name, pattern, spacing, margin):
    ring = getattr(shapes, name)
    result = run(area(ring, pattern=pattern, spacing_mm=spacing, margin_mm=margin))
    pts = xy(result)
    poly = Polygon(ring)
    assert len(pts) > 0
    assert shapely.contains_xy(poly, pts[:, 0], pts[:, 1]).all()
    if len(pts) > 1 and result.areas[0].placement == "grid":
        assert min_distance(pts) >= spacing - TOL
    edge_distance = shapely.distance(shapely.points(pts), poly.exterior)
    assert edge_distance.min() >= margin - TOL


def test_it_centres_the_grid_with_even_gaps():
    # 6 x 8 cm at 20 mm: columns 20 mm apart centred in 60 mm, rows in 80 mm.
    result = run(area(shapes.RECTANGLE, spacing_mm=20))
    pts = xy(result)
    xs, ys = sorted(set(pts[:, 0].round(6))), sorted(set(pts[:, 1].round(6)))
    assert xs == [20.0, 40.0, 60.0]
    assert ys == [30.0, 50.0, 70.0, 90.0]
    assert xs[0] - 10 == pytest.approx(70 - xs[-1])
    assert ys[0] - 20 == pytest.approx(100 - ys[-1])


def test_it_keeps_points_off_the_edge_when_the_width_is_a_multiple_of_the_spacing():
    result = run(area(shapes.SQUARE, spacing_mm=20))
    pts = xy(result)
    assert len(pts) == 25  # 5 x 5, 10 mm from every edge, not 6 x 6 on the edges
    assert pts[:, 0].min() == pytest.approx(10.0)
    assert pts[:, 0].max() == pytest.approx(90.0)


def test_it_numbers_in_serpentine_rows():
    result = run(area(shapes.RECTANGLE, spacing_mm=20))
    pts = xy(result)
    assert [p.number for p in result.points] == list(range(1, 13))
    rows = pts.reshape(4, 3, 2)
    assert (np.diff(rows[0, :, 0]) > 0).all()  # first row left to right
    assert (np.diff(rows[1, :, 0]) < 0).all()  # second row back right to left
    assert (np.diff(rows[2, :, 0]) > 0).all()
    assert (np.diff(rows[:, 0, 1]) > 0).all()  # rows from top to bottom


def test_staggered_rows_are_hexagonal():
    result = run(area(shapes.SQUARE, pattern="staggered", spacing_mm=20))
    pts = xy(result)
    ys = sorted(set(pts[:, 1].round(6)))
    assert np.diff(ys) == pytest.approx([20 * math.sqrt(3) / 2] * (len(ys) - 1))
    assert min_distance(pts) == pytest.approx(20.0)
    # Each point's nearest neighbours in the next row are half a spacing to either side.
    row0 = pts[np.isclose(pts[:, 1], ys[0])][:, 0]
    row1 = pts[np.isclose(pts[:, 1], ys[1])][:, 0]
    assert sorted((row1[:, None] - row0[None, :]).ravel().round(6).tolist()).count(10.0) >= 3


def test_staggered_is_denser_than_square_by_the_hexagonal_ratio():
    big = [[0, 0], [600, 0], [600, 600], [0, 600]]
    square = len(run(area(big, spacing_mm=10)).points)
    hexagonal = len(run(area(big, spacing_mm=10, pattern="staggered")).points)
    assert hexagonal / square == pytest.approx(2 / math.sqrt(3), rel=0.03)
    assert square == pytest.approx(600 * 600 / 100, rel=0.05)


@pytest.mark.parametrize("angle", [15, 30, 45, 90, -60])
def test_it_turns_the_grid_by_the_angle(angle):
    result = run(area(shapes.SQUARE, spacing_mm=20, angle_deg=angle))
    pts = xy(result)
    # Neighbours 20 mm apart lie along the grid's two axes: the angle and the angle + 90.
    diff = pts[:, None, :] - pts[None, :, :]
    near = np.isclose(np.hypot(diff[..., 0], diff[..., 1]), 20.0)
    off = (np.degrees(np.arctan2(diff[near][:, 1], diff[near][:, 0])) - angle) % 90
    assert np.minimum(off, 90 - off).max() < 1e-6
    assert min_distance(pts) >= 20 - TOL
    assert shapely.contains_xy(Polygon(shapes.SQUARE), pts[:, 0], pts[:, 1]).all()


def test_it_leaves_the_hole_and_the_exclusions_empty():
    result = run(area(shapes.WITH_HOLE_OUTER, spacing_mm=10,
                      exclude=[shapes.WITH_HOLE_INNER, [[0, 0], [30, 0], [0, 30]]]))
    pts = xy(result)
    assert len(pts) > 50
    assert not shapely.contains_xy(Polygon(shapes.WITH_HOLE_INNER).buffer(TOL),
                                   pts[:, 0], pts[:, 1]).any()
    assert not shapely.contains_xy(Polygon([[0, 0], [30, 0], [0, 30]]), pts[:, 0],
                                   pts[:, 1]).any()
    assert result.areas[0].surface_mm2 == pytest.approx(120 * 120 - 40 * 40 - 450)


def test_a_sliver_gets_points_on_its_centre_line_with_a_warning():
    result = run(area(shapes.SLIVER, spacing_mm=20))
    pts = xy(result)
    assert result.areas[0].placement == "centre-line"
    assert "area-narrow" in codes(result)
    assert pts[:, 1] == pytest.approx([1.5] * len(pts))
    assert len(pts) == 10  # 200 mm less half the width at each end, every 20 mm
    assert min_distance(pts) >= 20 - TOL


def test_a_diagonal_sliver_gets_points_along_its_middle():
    result = run(area(shapes.DIAGONAL_SLIVER, spacing_mm=20))
    pts = xy(result)
    assert result.areas[0].placement == "centre-line"
    assert len(pts) >= 8
    # On the mid-line x - y = 4 of the strip (its edges are x - y = 0 and x - y = 8).
    assert np.abs(pts[:, 0] - pts[:, 1] - 4).max() < 0.05
    assert shapely.contains_xy(Polygon(shapes.DIAGONAL_SLIVER), pts[:, 0], pts[:, 1]).all()
    assert min_distance(pts) >= 20 - TOL


@pytest.mark.parametrize("ring", [shapes.TINY, shapes.SMALLER_THAN_SPACING])
def test_an_area_smaller_than_a_cell_gets_one_point_at_its_centre(ring):
    result = run(area(ring, spacing_mm=20))
    pts = xy(result)
    assert len(pts) == 1
    assert tuple(pts[0]) == pytest.approx(tuple(Polygon(ring).centroid.coords[0]))
    assert "area-tiny" in codes(result)


def test_an_area_narrower_than_twice_the_margin_says_so():
    result = run(area(shapes.RECTANGLE, spacing_mm=20, margin_mm=40))
    assert len(result.points) >= 1
    assert "margin-not-kept" in codes(result)


def test_a_bow_tie_is_repaired_into_two_lobes_each_filled_in_turn():
    result = run(area(shapes.BOW_TIE, spacing_mm=8))
    pts = xy(result)
    assert "stroke-repaired" in codes(result)
    assert result.areas[0].surface_mm2 == pytest.approx(1800.0)
    repaired = shapely.make_valid(Polygon(shapes.BOW_TIE), method="structure")
    assert shapely.contains_xy(repaired, pts[:, 0], pts[:, 1]).all()
    # One lobe is finished before the other starts: the lobe changes only once.
    left = pts[:, 0] < 30
    assert np.count_nonzero(np.diff(left.astype(int))) == 1


def test_a_line_pattern_puts_points_along_the_line_at_the_spacing():
    result = run({"label": "paravertebral", "pattern": "line", "line": [[0, 0], [0, 100]],
                  "spacing_mm": 20, "volume_ml": "0.10"})
    assert [tuple(p) for p in xy(result)] == [(0, 0), (0, 20), (0, 40), (0, 60), (0, 80),
                                                (0, 100)]


def test_a_line_pattern_follows_a_bent_line_and_is_clipped_to_its_area():
    result = run({"label": "l", "pattern": "line", "line": [[10, 10], [90, 10], [90, 90]],
                  "polygon": shapes.SQUARE, "spacing_mm": 10, "volume_ml": "0.10",
                  "exclude": [[[40, 0], [60, 0], [60, 20], [40, 20]]]})
    pts = xy(result)
    line = shapely.LineString([[10, 10], [90, 10], [90, 90]])
    assert shapely.distance(shapely.points(pts), line).max() < 1e-6
    assert not ((pts[:, 0] > 40) & (pts[:, 0] < 60) & (pts[:, 1] < 20)).any()


def test_an_area_pattern_has_no_points_and_reports_area_and_product():
    result = run(area(shapes.SQUARE, pattern="area", volume_ml="2.50"),
                 treatment="microneedling")
    assert result.points == ()
    assert result.areas[0].as_dict()["area_cm2"] == 100.0
    assert result.areas[0].as_dict()["product_ml"] == "2.50"
    assert str(result.total_ml) == "2.50"


def test_areas_are_numbered_in_order_then_manual_points():
    result = run(area(shapes.RECTANGLE), area(shapes.TRIANGLE),
                 points=[{"x": 5, "y": 5, "label": "trigger"}])
    areas = [p.area for p in result.points]
    assert areas == sorted(areas, key=lambda a: (a is None, a))
    assert result.points[-1].label == "trigger"
    assert result.points[-1].number == len(result.points)


def test_a_volume_override_and_a_skip_apply_to_the_nearest_point():
    result = run(area(shapes.RECTANGLE, overrides=[
        {"x": 20.3, "y": 30, "volume_ml": "0.25"}, {"x": 40, "y": 30, "skip": True},
        {"x": 0, "y": 0, "volume_ml": "0.30"}]))
    assert len(result.points) == 11
    first = result.points[0]
    assert (first.x, first.y, str(first.volume_ml)) == (20, 30, "0.25")
    assert (40, 30) not in [(p.x, p.y) for p in result.points]
    assert "override-unmatched" in codes(result)
    assert str(result.total_ml) == "1.25"


def test_the_grid_never_puts_a_point_in_silence_nowhere():
    empty = run(area(shapes.SQUARE, exclude=[[[-1, -1], [101, -1], [101, 101], [-1, 101]]]))
    assert empty.points == ()
    assert "area-empty" in codes(empty)


def test_estimate_count_bounds_the_real_count():
    for ring in (shapes.SQUARE, shapes.L_SHAPE, shapes.TRIANGLE):
        poly = Polygon(ring)
        for pattern in ("square", "staggered"):
            fill = grid.points_in(poly, spacing_mm=9, pattern=pattern)
            assert len(fill.points) <= grid.estimate_count(poly, 9, pattern)
