"""A point's position from a landmark (planner.core.whereabouts): the direction words' codes
agree with the geometry, the millimetres are the distance to the nearest whole mm, the nearest
landmark is the nearest."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, Polygon, box

from planner.core.whereabouts import (
    Axes,
    Landmark,
    axes_of,
    nearest,
    ranked,
    rounded_mm,
    whereabouts,
    whereabouts_of,
)

KNEE_RIGHT = axes_of(single_limb=True, side="right", patient_right="left",
                     edges={"top": "proximal", "bottom": "distal"})
coordinate = st.floats(min_value=-300, max_value=300, allow_nan=False, allow_infinity=False)
axes = st.sampled_from([
    KNEE_RIGHT,
    axes_of(single_limb=True, side="left", patient_right="left", edges={}),
    axes_of(single_limb=False, side=None, patient_right="right", edges={}),
    axes_of(single_limb=True, side="right", patient_right="none",
            edges={"top": "distal", "bottom": "proximal", "left": "lateral", "right": "medial"}),
])


@st.composite
def landmarks(draw):
    x, y = draw(coordinate), draw(coordinate)
    w, h = draw(st.floats(1, 60)), draw(st.floats(1, 60))
    return Landmark("v/l", "Landmark", box(x, y, x + w, y + h))


@settings(max_examples=300, deadline=None)
@given(landmarks(), coordinate, coordinate, axes)
def test_the_words_agree_with_the_geometry_and_the_mm_are_exact(lm, x, y, ax):
    where = whereabouts(x, y, lm, ax)
    cx, cy = lm.centre
    for offset, delta, minus, plus in ((where.across, x - cx, ax.left, ax.right),
                                       (where.along, y - cy, ax.up, ax.down)):
        assert abs(offset.mm - abs(delta)) <= 0.5 + 1e-9
        assert offset.mm == math.floor(abs(delta) + 0.5)
        if offset.mm == 0:
            assert offset.direction is None
        else:  # towards the drawing's left edge: what that edge faces
            assert offset.direction == (minus if delta < 0 else plus)


def test_the_issues_example():
    patella = Landmark("knee-anterior/patella", "Patella", box(60, 110, 100, 160))
    where = whereabouts(80 + 18.3, 135 + 6.2, patella, KNEE_RIGHT)
    assert (where.across.mm, where.across.direction) == (18, "medial")
    assert (where.along.mm, where.along.direction) == (6, "distal")
    lateral = whereabouts(80 - 30, 135 - 12.6, patella, KNEE_RIGHT)
    assert (lateral.across.direction, lateral.along.mm, lateral.along.direction) == \
        ("lateral", 13, "proximal")


@pytest.mark.parametrize(("side", "patient_right", "left", "right"), [
    ("right", "left", "lateral", "medial"),  # anterior view of a right limb
    ("left", "left", "medial", "lateral"),
    ("right", "right", "medial", "lateral"),  # posterior view
    ("left", "right", "lateral", "medial"),
])
def test_a_limbs_lateral_side_depends_on_its_side_and_the_view(side, patient_right, left,
                                                               right):
    ax = axes_of(single_limb=True, side=side, patient_right=patient_right, edges={})
    assert (ax.left, ax.right) == (left, right)


def test_the_trunk_says_the_patients_right_and_left_and_above_below():
    assert axes_of(single_limb=False, side=None, patient_right="left", edges={}) == \
        Axes("right", "left", "cranial", "caudal")
    assert axes_of(single_limb=False, side=None, patient_right="right", edges={}) == \
        Axes("left", "right", "cranial", "caudal")


def test_a_sole_is_distal_and_an_unknown_drawing_is_as_drawn():
    ankle = axes_of(single_limb=True, side="right", patient_right="none",
                    edges={"top": "proximal", "bottom": "plantar", "left": "posterior",
                           "right": "anterior"})
    assert ankle == Axes("posterior", "anterior", "proximal", "distal")
    assert axes_of(single_limb=True, side="right", patient_right="none", edges={}) == \
        Axes("drawing-left", "drawing-right", "drawing-up", "drawing-down")
    # Edges that do not face opposite ways are not trusted.
    odd = axes_of(single_limb=True, side="right", patient_right="none",
                  edges={"top": "proximal", "bottom": "proximal"})
    assert (odd.up, odd.down) == ("drawing-up", "drawing-down")


@settings(max_examples=100, deadline=None)
@given(st.lists(landmarks(), min_size=1, max_size=6),
       st.lists(st.tuples(coordinate, coordinate), min_size=1, max_size=20))
def test_the_nearest_landmark_is_the_nearest_centre(marks, points):
    found = nearest(points, marks)
    for (x, y), k in zip(points, found, strict=True):
        best = min(math.dist((x, y), lm.centre) for lm in marks)
        assert math.dist((x, y), marks[k].centre) == pytest.approx(best)
        assert math.dist((x, y), ranked(x, y, marks, 1)[0].centre) == pytest.approx(best)
    where = whereabouts_of(np.array(points), marks, KNEE_RIGHT)
    assert [w.landmark for w in where if w] == [marks[k] for k in found]


def test_no_landmark_no_position():
    assert whereabouts_of([(1.0, 2.0), (3.0, 4.0)], [], KNEE_RIGHT) == [None, None]
    assert len(nearest([(1.0, 2.0)], [])) == 0


def test_a_crescents_centre_lies_on_it():
    crescent = Polygon([(0, 0), (100, 0), (100, 10), (10, 10), (10, 100), (0, 100)])
    lm = Landmark("v/crest", "Crest", crescent)
    assert crescent.distance(Point(lm.centre)) < 1e-6


@pytest.mark.parametrize(("distance", "mm"), [(0.49, 0), (0.5, 1), (1.5, 2), (2.5, 3),
                                              (-2.5, 3), (17.96, 18)])
def test_halves_round_up(distance, mm):
    assert rounded_mm(distance) == mm
