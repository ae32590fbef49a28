"""A redrawn silhouette never moves a saved plan's points: a plan saved on an earlier version of a
view is clipped to that version's outline (kept in the SVG, <defs id="earlier-outlines">), and a
new plan to the new one.

Issue 17 redrew the outlines of four views without moving a region; the outlines they had before
are fingerprinted in region_geometry.json (test_one_style.py), so "the earlier outline" below is
the one plans were computed on before the redraw.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely import affinity

from planner.bodymaps.atlas import get_view, parse_view
from planner.bodymaps.view import BodyMapError
from planner.core.compute import Result
from tests.helpers.outline_versions import (
    CASES,
    REDRAWN,
    doc,
    on_outline,
    reopened,
    run,
    same_points,
    star,
    widest_change,
)


# The views redrawn for issue 17 and the version plans were saved on before the redraw.
@pytest.mark.parametrize(("view_id", "side"), CASES)
@settings(max_examples=40, deadline=None, derandomize=True, database=None)
@given(where=st.floats(0, 1, exclude_max=True), radius=st.floats(8, 40),
       spokes=st.lists(st.floats(0.3, 1), min_size=3, max_size=8),
       turn=st.floats(0, 2 * math.pi), spacing=st.integers(3, 15),
       pattern=st.sampled_from(["square", "staggered"]), angle=st.integers(0, 89))
def test_an_area_drawn_across_the_earlier_edge_keeps_its_points(
        view_id, side, where, radius, spokes, turn, spacing, pattern, angle):
    old_version = REDRAWN[view_id]
    view = get_view(view_id, side)
    earlier = view.outline_for(old_version)
    on_edge = earlier.boundary.interpolate(where, normalized=True)
    polygon = star((on_edge.x, on_edge.y), radius, spokes, turn)
    saved = doc(view_id, side, polygon, old_version, spacing_mm=spacing, pattern=pattern,
                angle_deg=angle)

    result, _view = run(saved)
    before = on_outline(saved, earlier)
    assert same_points(result, before)
    assert "bodymap-version" not in {w.code for w in result.warnings}
    again = reopened(result)
    assert same_points(again, before)
    assert reopened(again).plan.bodymap_version == again.plan.bodymap_version
    # It moves to the new version only when the new outline gives it the very same points.
    new = on_outline(saved, view.outline)
    if result.plan.bodymap_version == view.version:
        assert same_points(new, before)
    else:
        assert result.plan.bodymap_version == old_version

    fresh, _view = run(doc(view_id, side, polygon, spacing_mm=spacing, pattern=pattern,
                           angle_deg=angle))
    assert fresh.plan.bodymap_version == view.version
    assert same_points(fresh, new)


@pytest.mark.parametrize(("view_id", "side"), CASES)
def test_where_the_outline_changed_a_saved_plan_keeps_its_version_and_a_new_plan_follows(
        view_id, side):
    old_version = REDRAWN[view_id]
    view = get_view(view_id, side)
    square = widest_change(view, old_version)

    saved, _view = run(doc(view_id, side, square, old_version))
    fresh, _view = run(doc(view_id, side, square))
    assert not np.array_equal(saved.xy, fresh.xy), "the square should cross the changed strip"
    assert same_points(saved, on_outline(doc(view_id, side, square), view.outline_for(
        old_version)))
    assert saved.plan.bodymap_version == old_version
    assert reopened(saved).plan.bodymap_version == old_version
    assert same_points(reopened(reopened(saved)), saved)
    assert fresh.plan.bodymap_version == view.version
    assert within(view.outline, fresh) and within(view.outline_for(old_version), saved)


def within(outline: object, result: Result) -> bool:
    return bool(shapely.contains_xy(shapely.buffer(outline, 1e-6), result.xy[:, 0],
                                    result.xy[:, 1]).all())


@pytest.mark.parametrize("view_id", list(REDRAWN))
def test_a_plan_the_redraw_does_not_touch_moves_to_the_new_version_with_the_same_points(
        view_id):
    view = get_view(view_id, "right")
    region = next(r for r in view.treatment_regions()
                  if r.geometry.buffer(1).within(view.outline_for(REDRAWN[view_id])))
    area = {"label": "region", "region": region.id, "spacing_mm": 15}
    base = {"format": "mesoplanner.plan/1", "bodymap": view_id, "side": "right",
            "areas": [area]}
    old, _view = run({**base, "bodymap_version": REDRAWN[view_id]})
    new, _view = run(base)
    assert same_points(old, new) and len(old.xy) > 0
    assert old.plan.bodymap_version == view.version
    assert not old.warnings or "bodymap-version" not in {w.code for w in old.warnings}


def test_a_plan_on_a_version_whose_regions_moved_keeps_its_warning_and_version():
    """Version 2 of the elbow moved its regions: a plan on version 1 is still flagged, clipped
    to version 2's outline (the one it was computed on until the redraw), and never moved to
    version 3 in silence."""
    view = get_view("elbow-lateral", "right")
    assert view.regions_since == 2
    square = widest_change(view, 2)
    result, _view = run(doc("elbow-lateral", "right", square, 1))
    assert "bodymap-version" in {w.code for w in result.warnings}
    assert result.plan.bodymap_version == 1
    assert same_points(result, on_outline(doc("elbow-lateral", "right", square),
                                          view.outline_for(2)))
    future, _view = run(doc("elbow-lateral", "right", square, 999))
    assert "bodymap-version" in {w.code for w in future.warnings}
    assert same_points(future, on_outline(doc("elbow-lateral", "right", square), view.outline))


@pytest.mark.parametrize("view_id", [v for v in REDRAWN if get_view(v).single_limb])
def test_the_earlier_outline_is_mirrored_for_the_left_limb(view_id):
    right, left = get_view(view_id, "right"), get_view(view_id, "left")
    version = REDRAWN[view_id]
    mirrored = affinity.scale(right.outline_for(version), xfact=-1.0, yfact=1.0,
                              origin=(right.width_mm / 2.0, 0.0))
    assert left.outline_for(version).symmetric_difference(mirrored).area < 1e-6
    assert not left.outline_for(version).equals(left.outline)


# ------------------------------------------------------------------- the SVG contract

HEAD = ('<svg xmlns="http://www.w3.org/2000/svg" width="100mm" height="80mm" '
        'viewBox="0 0 100 80" data-view="test-view" data-version="{version}" {extra} '
        'data-label-it="Prova" data-label-es="Prueba" data-label-en="Test" '
        'data-single-limb="false" data-patient-right="none" data-snomed="72696002">'
        '<g id="outline"><rect x="0" y="0" width="100" height="80"/></g>')


def svg(version: int, body: str = "", extra: str = "") -> str:
    return HEAD.format(version=version, extra=extra) + body + "</svg>"


def earlier(version: int, d: str) -> str:
    return f'<path data-outline-version="{version}" d="{d}"/>'


def test_the_outline_of_each_version_is_read_and_chosen_by_the_plans_version():
    view = parse_view(svg(4, '<defs id="earlier-outlines">'
                          + earlier(2, "M0,0 H50 V40 H0 Z") + earlier(2, "M60,0 H70 V10 H60 Z")
                          + earlier(3, "M0,0 H90 V80 H0 Z") + "</defs>",
                          'data-regions-since="2"'))
    assert sorted(view.earlier_outlines) == [2, 3]
    assert view.outline_for(2).area == 50 * 40 + 10 * 10  # the parts of one version joined
    assert view.outline_for(1).area == view.outline_for(2).area  # the nearest later one kept
    assert view.outline_for(3).area == 90 * 80
    assert view.outline_for(4) is view.outline is view.outline_for(None)
    assert view.outline_for(9) is view.outline
    assert [view.same_regions(v) for v in (None, 1, 2, 3, 4, 5)] == [
        True, False, True, True, True, False]
    assert parse_view(svg(4)).same_regions(3) is False  # no data-regions-since: this version


@pytest.mark.parametrize(("text", "words"), [
    (svg(2, earlier(1, "M0,0 H50 V40 H0 Z")), "inside <defs>"),
    (svg(2, "<defs>" + earlier(2, "M0,0 H50 V40 H0 Z") + "</defs>"), "from 1 to 1"),
    (svg(1, "<defs>" + earlier(1, "M0,0 H50 V40 H0 Z") + "</defs>"), "version 1"),
    (svg(2, "<defs>" + earlier(1, "M0,0 H50") + "</defs>"), "not a closed area"),
    (svg(2, "", 'data-regions-since="3"'), "data-regions-since"),
    (svg(2, "", 'data-regions-since="first"'), "data-regions-since"),
])
def test_a_wrong_earlier_outline_is_refused(text, words):
    with pytest.raises(BodyMapError, match=words):
        parse_view(text)
