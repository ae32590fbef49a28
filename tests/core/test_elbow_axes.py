"""The elbow's own axes (issue 17 item 4): each inset is a limb bent 90 degrees at the elbow,
and a point is measured along the bone it lies over (planner.core.whereabouts.Bend): over the
humerus proximal or distal along it and anterior (toward the crook) or posterior across it;
over the forearm distal along it toward the wrist and anterior (toward the crook) or
posterior (along the ulna) across it. Never "left/up on the drawing"; the millimetres are the
legs of the ruler, exact; a left elbow (the mirror image) says the same words."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point
from shapely.ops import nearest_points

from planner.bodymaps.atlas import get_view
from planner.core.whereabouts import (
    AS_DRAWN,
    Axes,
    Bend,
    Landmark,
    axes_at,
    axes_of,
    bend_at,
    in_its_part,
    whereabouts,
    whereabouts_of,
)

SIDES = ("right", "left")


def _elbow(side: str):
    view = get_view("elbow-lateral", side)
    bends = tuple(Bend(*p.axis, bend=p.bend, area=p.area) for p in view.parts)
    marks = [Landmark(r.id, r.label["en"], r.geometry) for r in view.landmarks()]
    axes = axes_of(single_limb=True, side=side, patient_right=view.patient_right,
                   edges=view.edges)
    return view, bends, marks, axes


ELBOWS = {side: _elbow(side) for side in SIDES}


def _mark(side: str, name: str) -> Landmark:
    return next(m for m in ELBOWS[side][2] if m.id.endswith("/" + name))


def _mirror(side: str, x: float) -> float:
    return x if side == "right" else ELBOWS[side][0].width_mm - x


def _said(side: str, x: float, y: float, name: str) -> str:
    """The position in the table's words: "5 anterior, 25 distal"."""
    _view, bends, _marks, axes = ELBOWS[side]
    where = whereabouts(x, y, _mark(side, name), axes_at(x, y, axes, bends))
    return ", ".join(f"{o.mm} {o.direction}" for o in (where.across, where.along)
                     if o.direction)


@pytest.mark.parametrize("side", SIDES)
def test_each_inset_has_its_humerus_up_and_its_forearm_toward_the_other(side):
    view, bends, marks, _axes = ELBOWS[side]
    parts = {p.name: p for p in view.parts}
    assert set(parts) == {"lateral", "medial"}
    lateral, medial = parts["lateral"], parts["medial"]
    # The right elbow's lateral inset is drawn on the left; a left elbow's is its mirror image.
    assert (lateral.joint[0] < view.width_mm / 2) == (side == "right")
    for part in (lateral, medial):
        bend = next(b for b in bends if b.joint == part.joint)
        assert bend.proximal == (0.0, -1.0)  # the humerus up, toward the shoulder
        toward_middle = 1.0 if part.joint[0] < view.width_mm / 2 else -1.0
        assert bend.distal == (toward_middle, 0.0)  # the forearm forward, to the middle
        assert bend.edges() == {"top": "proximal",
                                "right" if toward_middle > 0 else "left": "distal"}
        assert part.bend == "anterior"
    # Each inset's landmarks lie in its own part.
    names = {m.id.split("/")[1]: m for m in marks}
    for name in ("olecranon", "lateral-epicondyle-tip", "radial-head"):
        assert lateral.area.covers(Point(names[name].centre))
    assert medial.area.covers(Point(names["medial-epicondyle-tip"].centre))


@pytest.mark.parametrize("side", SIDES)
def test_the_clinicians_words_on_each_inset(side):
    """Along the forearm from the lateral epicondyle: distal; up the arm: proximal; behind the
    arm: posterior; on the medial inset, along its forearm (drawn the other way): distal."""
    # Lateral epicondyle's tip at (49.8, 118.0) on the right elbow.
    assert _said(side, _mirror(side, 74.8), 115.0, "lateral-epicondyle-tip") == \
        "3 anterior, 25 distal"  # over the forearm: up is the crook's side
    assert _said(side, _mirror(side, 49.8), 90.0, "lateral-epicondyle-tip") == "28 proximal"
    assert _said(side, _mirror(side, 39.8), 118.0, "lateral-epicondyle-tip") == "10 posterior"
    assert _said(side, _mirror(side, 61.8), 113.0, "lateral-epicondyle-tip") == \
        "12 anterior, 5 proximal"  # over the humerus: forward is the crook's side
    assert _said(side, _mirror(side, 70.0), 140.0, "radial-head") == "10 posterior"
    # The medial epicondyle's tip at (270.0, 114.0): its forearm runs to the drawing's left.
    assert _said(side, _mirror(side, 240.0), 125.0, "medial-epicondyle-tip") == \
        "11 posterior, 30 distal"
    assert _said(side, _mirror(side, 280.0), 114.0, "medial-epicondyle-tip") == "10 posterior"
    assert _said(side, _mirror(side, 270.0), 80.0, "medial-epicondyle-tip") == "34 proximal"


def test_a_point_is_measured_along_the_bone_it_lies_over():
    """The line halving the elbow's angle, from the crook through the joint's centre, parts the
    humerus's points from the forearm's."""
    bend = Bend((59, 5), (59, 127), (152, 127))
    assert bend.over_proximal(70, 110) and not bend.over_proximal(80, 115)
    assert bend.axes_at(70, 110) == Axes("posterior", "anterior", "proximal", "distal",
                                         (1.0, 0.0), (0.0, 1.0))
    assert bend.axes_at(80, 115) == Axes("posterior", "anterior", "proximal", "distal",
                                         (0.0, -1.0), (1.0, 0.0))
    knee = Bend((100, 5), (100, 100), (5, 100), bend="posterior")  # a knee bent backward
    assert knee.axes_at(50, 110).right == "posterior" and knee.axes_at(50, 110).across == \
        (0.0, -1.0)
    assert bend_at(1, 1, ()) is None and axes_at(1, 1, knee.axes_at(0, 0)) == \
        knee.axes_at(0, 0)


def _inside(side: str, k: int):
    """Points inside the k-th inset of the side's elbow."""
    area = ELBOWS[side][0].parts[k].area
    inner = area.buffer(-0.5)
    x0, y0, x1, y1 = area.bounds
    return st.tuples(st.floats(x0, x1), st.floats(y0, y1)).map(
        lambda p: p if area.covers(Point(p)) else nearest_points(inner, Point(p))[0].coords[0])


@settings(max_examples=120, deadline=None)
@given(st.sampled_from(SIDES), st.integers(0, 1), st.data())
def test_every_point_of_an_inset_is_said_in_its_bones_words_exactly(side, k, data):
    view, bends, marks, axes = ELBOWS[side]
    x, y = data.draw(_inside(side, k))
    bend = bend_at(x, y, bends)
    assert bend is not None and bend.area is not None and bend.area.covers(Point(x, y))
    own = in_its_part(x, y, marks, view.outline)
    assert own and all(bend.area.covers(Point(m.centre)) for m in own)
    where = whereabouts_of([(x, y)], own, axes, bends)[0]
    assert where is not None
    cx, cy = where.landmark.centre
    dx, dy = x - cx, y - cy
    # The legs of the ruler: over the humerus across is the drawing's horizontal (toward the
    # forearm: anterior) and along its vertical (down: distal); over the forearm across is the
    # vertical (up: anterior) and along the horizontal (toward the wrist: distal).
    toward_wrist = bend.distal[0]
    if bend.over_proximal(x, y):
        legs = ((where.across, dx * toward_wrist, "anterior", "posterior"),
                (where.along, dy, "distal", "proximal"))
    else:
        legs = ((where.across, -dy, "anterior", "posterior"),
                (where.along, dx * toward_wrist, "distal", "proximal"))
    for offset, delta, plus, minus in legs:
        assert offset.mm == math.floor(abs(delta) + 0.5)
        assert offset.direction == (None if offset.mm == 0 else plus if delta > 0 else minus)
        assert offset.direction not in AS_DRAWN
    # The same point on the other elbow (the mirror image) is said in the same words.
    other = "left" if side == "right" else "right"
    mirrored = whereabouts_of([(view.width_mm - x, y)], [
        m for m in ELBOWS[other][2] if m.id == where.landmark.id], ELBOWS[other][3],
        ELBOWS[other][1])[0]
    assert mirrored is not None
    for mine, theirs, (_o, delta, _p, _m) in zip((where.across, where.along),
                                                 (mirrored.across, mirrored.along), legs,
                                                 strict=True):
        if mine != theirs:  # only a distance of a half mm, rounded up on one side only
            assert abs(abs(delta) % 1 - 0.5) < 1e-6, (mine, theirs)


def test_a_view_without_parts_keeps_its_drawings_axes():
    knee = axes_of(single_limb=True, side="right", patient_right="left",
                   edges={"top": "proximal", "bottom": "distal"})
    lm = Landmark("k/p", "Patella", Point(0, 0).buffer(2))
    assert axes_at(18, 6, knee) is knee
    where = whereabouts(18.0, 6.0, lm, knee)
    assert (where.across.direction, where.along.direction) == ("medial", "distal")
