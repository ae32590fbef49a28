"""The grid's names for its points ("C7"): one name per gridded point, unique in its area, row
and column read off the lattice whatever the area's shape, pattern and angle."""

from __future__ import annotations

import math
import os

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.core.compute import compute
from planner.core.plan_reader import from_dict
from planner.core.point_names import grid_names, row_letters
from tests.helpers.shapes import (
    L_SHAPE,
    SLIVER,
    TRIANGLE,
    WITH_HOLE_INNER,
    WITH_HOLE_OUTER,
    area,
    plan,
)

SOME = settings(max_examples=60, deadline=None, database=None,
                derandomize=bool(os.environ.get("CI")),
                suppress_health_check=[HealthCheck.too_slow])


def _split(name: str) -> tuple[int, int]:
    """("C", 7) -> (2, 6): a name's row and column from 0."""
    letters = name.rstrip("0123456789")
    row = 0
    for ch in letters:
        row = row * 26 + (ord(ch) - ord("A") + 1)
    return row - 1, int(name[len(letters):]) - 1


def test_row_letters_run_as_a_spreadsheet_s_columns():
    names = [row_letters(k) for k in range(800)]
    assert len(set(names)) == 800
    assert all(_split(f"{n}1") == (k, 0) for k, n in enumerate(names))


shapes = st.sampled_from([L_SHAPE, TRIANGLE, [[0, 0], [90, 0], [90, 60], [0, 60]]])


@SOME
@given(ring=shapes, spacing=st.sampled_from([4.0, 5.0, 7.5, 10.0, 15.0]),
       pattern=st.sampled_from(["square", "staggered"]), angle=st.floats(-90, 90))
def test_each_point_of_a_grid_has_one_name_that_finds_it(ring, spacing, pattern, angle):
    result = compute(from_dict(plan([area(ring, spacing_mm=spacing, pattern=pattern,
                                          angle_deg=angle)])))
    names = grid_names(result)
    assert len(names.names) == len(result.xy)
    if result.areas[0].placement != "grid":
        assert set(names.names) == {None}
        return
    assert None not in names.names
    assert len(set(names.names)) == len(names.names), "two points of one area share a name"
    # Turned back by the grid's angle, a row is a line across and a column a line down, one
    # spacing (a staggered row: its height; a staggered column: half a spacing) apart.
    a = math.radians(-angle)
    turned = result.xy @ np.array([[math.cos(a), math.sin(a)], [-math.sin(a), math.cos(a)]])
    rows, columns = zip(*(_split(n) for n in names.names), strict=True)
    pitch_y = spacing * math.sqrt(3) / 2 if pattern == "staggered" else spacing
    pitch_x = spacing / 2 if pattern == "staggered" else spacing
    y0, x0 = turned[:, 1].min(), turned[:, 0].min()
    assert np.allclose(turned[:, 1], y0 + np.array(rows) * pitch_y, atol=1e-6)
    assert np.allclose(turned[:, 0], x0 + np.array(columns) * pitch_x, atol=1e-6)
    assert min(rows) == 0 and min(columns) == 0
    # Every row and every column is named once at the area's edge.
    [edges] = names.areas
    assert sorted(_split(f"{e.text}1")[0] for e in edges.rows) == sorted(set(rows))
    assert sorted(int(e.text) - 1 for e in edges.columns) == sorted(set(columns))
    for e in edges.rows + edges.columns:
        assert math.isclose(math.hypot(e.ux, e.uy), 1.0)


def test_an_area_with_a_hole_names_its_points_across_the_hole():
    doc = plan([area(WITH_HOLE_OUTER, exclude=[WITH_HOLE_INNER], spacing_mm=10)])
    result = compute(from_dict(doc))
    names = grid_names(result).names
    # Row F runs through the hole: its columns jump over it (F4 then F9), and no name repeats.
    row_f = sorted(_split(n)[1] + 1 for n in names if n and n.startswith("F") and
                   n[1:].isdigit())
    assert row_f[:4] == [1, 2, 3, 4] and 5 not in row_f and row_f[-1] == 12
    assert len(set(names)) == len(names)


def test_points_on_a_line_and_trigger_points_keep_their_number_only():
    doc = plan([area(SLIVER, spacing_mm=10)], points=[{"x": 300, "y": 300,
                                                        "volume_ml": "0.10"}])
    result = compute(from_dict(doc))
    assert result.areas[0].placement == "centre-line"
    assert set(grid_names(result).names) == {None}
    assert grid_names(result).areas == ()


def test_two_areas_name_their_rows_on_from_each_other_so_no_name_repeats():
    square = [[0, 0], [40, 0], [40, 40], [0, 40]]
    moved = [[x + 100, y] for x, y in square]
    result = compute(from_dict(plan([area(square, spacing_mm=10), area(moved, spacing_mm=10)])))
    names = grid_names(result)
    first = [n for n, a in zip(names.names, result.area_of, strict=True) if a == 0]
    second = [n for n, a in zip(names.names, result.area_of, strict=True) if a == 1]
    assert len(set(first + second)) == len(first) + len(second)
    assert sorted({n[0] for n in first}) == ["A", "B", "C", "D"]
    assert sorted({n[0] for n in second}) == ["E", "F", "G", "H"]
    assert "E1" in second and "H4" in second
    assert [e.text for e in names.areas[1].rows] == ["E", "F", "G", "H"]
