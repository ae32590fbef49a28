"""The editor's preview drawn faster (issue 19) and drawn the same: the labels checked many places
at once land where one place at a time put them, to the last bit; a plan's bounds read from
arrays are its shapes' bounds; a body map drawn once is kept for that view, language and part
of it only."""

from __future__ import annotations

import os
import re
from types import SimpleNamespace

import numpy as np
import pytest
import shapely
import svgwrite
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import engine
from planner.bodymaps import atlas
from planner.bodymaps.atlas import parse_view
from planner.core.plan_reader import from_dict
from planner.drawing import body, labels
from planner.drawing.body import draw_view, view_markup
from planner.drawing.kept import Kept
from planner.drawing.labels import place_labels
from planner.drawing.paths import path_d
from planner.drawing.plan import plan_bounds, plan_svg
from tests.helpers import label_reference
from tests.helpers.plans import knee_plan

SOME = settings(max_examples=150, deadline=None, database=None,
                derandomize=bool(os.environ.get("CI")),
                suppress_health_check=[HealthCheck.too_slow])


@st.composite
def drawings(draw):
    """Points as plans have them: a lattice (where two distances can tie exactly), loose
    points, points on each other; some without a label (outside the part drawn); an order."""
    spacing = draw(st.sampled_from([1.2, 2.0, 2.5, 3.0, 4.0, 5.0, 7.5]))
    columns, rows = draw(st.integers(0, 14)), draw(st.integers(0, 14))
    lattice = [(i * spacing, j * spacing) for i in range(columns) for j in range(rows)]
    points = [p for p in lattice if draw(st.booleans()) or len(lattice) < 20]
    points += draw(st.lists(st.tuples(st.floats(-5, 50), st.floats(-5, 50)), max_size=25))
    if points:
        points += draw(st.lists(st.sampled_from(points), max_size=3))
    order = draw(st.permutations(range(len(points))))
    texts = [None if draw(st.integers(0, 9)) == 0 else str(k + 1) for k in range(len(points))]
    size = draw(st.sampled_from([1.4, 2.8, 3.5]) | st.floats(0.8, 5.0))
    r = draw(st.sampled_from([0.4, 0.8, 1.6]) | st.floats(0.2, 2.5))
    taken = draw(st.lists(st.tuples(st.floats(-5, 40), st.floats(-5, 40), st.floats(1, 20),
                                    st.floats(1, 8)), max_size=3))
    frame = draw(st.sampled_from([(-10.0, -10.0, 60.0, 60.0), (0.0, 0.0, 30.0, 45.0)]))
    return points, order, texts, size, r, [(x, y, x + w, y + h) for x, y, w, h in taken], frame


@SOME
@given(case=drawings())
def test_labels_land_where_one_place_at_a_time_put_them(case):
    points, order, texts, size, r, taken, frame = case
    fast = place_labels(points, r, texts, size, frame, taken, order)
    assert fast == label_reference.place_labels(points, r, texts, size, frame, taken, order)


@SOME
@given(case=drawings())
def test_places_as_near_another_point_as_their_own_are_checked_the_exact_way(case):
    """Two distances within a rounding error of each other are checked again one at a time
    (numpy's hypot and Python's may differ in the last bit): with a tolerance of half a
    millimetre most places are, and the labels are still the same."""
    points, order, texts, size, r, taken, frame = case
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(labels, "TOLERANCE", 0.5)
        fast = place_labels(points, r, texts, size, frame, taken, order)
    assert fast == label_reference.place_labels(points, r, texts, size, frame, taken, order)


@SOME
@given(case=drawings(), clashes=st.sampled_from([0, 1, 3]))
def test_labels_on_each_other_in_many_places_are_placed_one_at_a_time_the_same(case, clashes):
    """Where many points' first places overlap, the rest of the batch is placed one at a
    time: from the first such point on, or after a few were resolved at once."""
    points, order, texts, size, r, taken, frame = case
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(labels, "CLASHES", clashes)
        fast = place_labels(points, r, texts, size, frame, taken, order)
    assert fast == label_reference.place_labels(points, r, texts, size, frame, taken, order)


@SOME
@given(case=drawings(), data=st.data())
def test_labels_stop_once_every_group_left_has_a_label_missing(case, data):
    """The points layer names a gridded area's rows and columns as soon as one of its numbers
    does not fit: the placing may stop there, but every group's verdict is the same, and so is
    every label of a group that keeps its numbers."""
    points, order, texts, size, r, taken, frame = case
    groups = [data.draw(st.sampled_from([None, 0, 1, 2])) for _ in points]
    fast = place_labels(points, r, texts, size, frame, taken, order, groups=groups)
    plain = label_reference.place_labels(points, r, texts, size, frame, taken, order)

    def missing(placed):
        return {groups[k] for k in range(len(points))
                if texts[k] and placed[k] is None and groups[k] is not None}

    assert missing(fast) == missing(plain)
    for k in range(len(points)):
        if groups[k] is None or groups[k] not in missing(plain):
            assert fast[k] == plain[k], k


@pytest.mark.parametrize("spacing", [2.5, 4.0, 6.0, 9.0])
def test_a_grid_of_several_batches_is_labelled_as_one_at_a_time(spacing):
    """More points than the first batch (64): the labels of the batches before are in the
    way of the next batch's, as labels placed before are."""
    xy = [(i * spacing + (j % 2) * spacing / 2, j * spacing * 0.87) for j in range(14)
          for i in range(14)]
    texts = [str(k + 1) for k in range(len(xy))]
    frame = (-5.0, -5.0, 14 * spacing, 12 * spacing)
    order = list(range(len(xy)))[::-1]
    fast = place_labels(xy, 0.8, texts, 2.8, frame, [(10.0, 10.0, 25.0, 14.0)], order)
    plain = label_reference.place_labels(xy, 0.8, texts, 2.8, frame, [(10.0, 10.0, 25.0, 14.0)],
                                         order)
    assert fast == plain
    assert any(fast)


def test_a_dense_grid_stops_early_and_a_sparse_one_places_every_label():
    dense = [(i * 1.0, j * 1.0) for i in range(40) for j in range(40)]
    texts = [str(k + 1) for k in range(len(dense))]
    placed = place_labels(dense, 0.3, texts, 2.8, (-5.0, -5.0, 45.0, 45.0),
                          groups=[0] * len(dense))
    assert sum(p is not None for p in placed) < 64  # it gave up in the first batch
    sparse = [(i * 12.0, j * 12.0) for i in range(10) for j in range(10)]
    assert all(place_labels(sparse, 1.6, texts, 2.8, (-10.0, -10.0, 130.0, 130.0),
                            groups=[0] * len(sparse)))


def reference_bounds(shapes, xy):
    """The bounds as plan.py found them before issue 19: a shapely Point made for each point."""
    parts = [s for s in [*shapes, *(shapely.Point(x, y) for x, y in xy)] if not s.is_empty]
    return shapely.GeometryCollection(parts).bounds if parts else None


coordinate = st.floats(-400, 400, allow_nan=False)


@SOME
@given(surfaces=st.lists(st.lists(st.tuples(coordinate, coordinate), max_size=8), max_size=3),
       lines=st.lists(st.lists(st.tuples(coordinate, coordinate), min_size=2, max_size=5)
                      | st.none(), max_size=3),
       xy=st.lists(st.tuples(coordinate, coordinate), max_size=60))
def test_the_bounds_without_a_point_object_are_the_shapes_bounds(surfaces, lines, xy):
    areas = []
    for k, ring in enumerate(surfaces):
        surface = shapely.MultiPoint(ring).convex_hull.buffer(0.5 * k) if ring else \
            shapely.Polygon()
        line = shapely.LineString(lines[k]) if k < len(lines) and lines[k] else None
        areas.append(SimpleNamespace(shape=SimpleNamespace(surface=surface, line=line)))
    result = SimpleNamespace(areas=areas, xy=np.array(xy, dtype=np.float64).reshape(-1, 2))
    shapes = [a.shape.surface for a in areas] + [a.shape.line for a in areas
                                                 if a.shape.line is not None]
    assert plan_bounds(result) == reference_bounds(shapes, xy)


def test_a_computed_plans_bounds_are_its_shapes_and_points_bounds():
    doc = knee_plan()
    doc["points"] = [{"x": 3.0, "y": 2.5, "volume_ml": "0.10"}]  # far from the area
    result, _view = engine.run(from_dict(doc))
    shapes = [a.shape.surface for a in result.areas]
    assert plan_bounds(result) == reference_bounds(shapes, [(p.x, p.y) for p in result.points])
    assert plan_bounds(result)[:2] == (3.0, 2.5)


def fresh(view, language: str = "en", clip=None) -> str:
    """The body map drawn now, with nothing kept."""
    dwg = svgwrite.Drawing(debug=False, profile="full")
    draw_view(dwg, view, language, clip)
    return dwg.elements[-1].tostring()


OPTIONS = [("knee-anterior", "right", "en", None), ("knee-anterior", "left", "en", None),
           ("knee-anterior", "right", "it", None), ("knee-anterior", "left", "es", None),
           ("body-front", None, "en", None), ("knee-anterior", "right", "en", (20, 40, 90, 150)),
           ("knee-anterior", "right", "en", (0, 0, 160, 120))]


def test_each_view_language_and_part_has_its_own_drawing():
    for _round in range(2):  # the second round from what was kept
        drawn = {}
        for view_id, side, language, clip in OPTIONS:
            view = atlas.get_view(view_id, side)
            drawn[view_id, side, language, clip] = view_markup(view, language, clip)
            assert drawn[view_id, side, language, clip] == fresh(view, language, clip)
        assert len(set(drawn.values())) == len(OPTIONS)


def test_a_view_read_again_with_the_same_id_and_version_is_drawn_again():
    """The drawing is kept for the view itself: a view read from other text (a test's, an
    atlas being edited) with the same id and version is not drawn as the atlas's."""
    text = (atlas.BODYMAP_DIR / "knee-anterior.svg").read_text(encoding="utf-8")
    atlas_view = atlas.get_view("knee-anterior")
    assert "Rotula" in view_markup(atlas_view, "it")
    renamed = parse_view(text.replace('data-label-it="Rotula"', 'data-label-it="Patella X"'),
                         "knee-anterior")
    assert (renamed.id, renamed.version) == (atlas_view.id, atlas_view.version)
    assert "Patella X" in view_markup(renamed, "it")
    assert "Rotula" in view_markup(atlas_view, "it")


def test_the_drawings_kept_are_bounded(monkeypatch):
    monkeypatch.setattr(body, "KEPT", Kept(entries=2, characters=10**9))
    view = atlas.get_view("knee-anterior", "right")
    for language in ("en", "it", "es"):
        assert view_markup(view, language) == fresh(view, language)
    assert len(body.KEPT) == 2
    monkeypatch.setattr(body, "KEPT", Kept(entries=10, characters=1))  # one is always kept
    for language in ("en", "it"):
        assert view_markup(view, language) == fresh(view, language)
    assert len(body.KEPT) == 1


@pytest.mark.parametrize("side", ["right", "left"])
def test_a_plans_drawing_holds_its_own_views_body_map(side):
    doc = {**knee_plan(), "side": side}
    result, view = engine.run(from_dict(doc))
    for language in ("en", "it"):
        svg = plan_svg(result, view, language=language)
        assert fresh(view, language) in svg
        assert len(re.findall(r'<g id="bodymap"', svg)) == 1
        assert "bodymap-slot" not in svg and "points-slot" not in svg


def test_each_area_keeps_its_own_outline_while_the_spacing_moves():
    """The area's path is kept by its shape: the engine gives the same shape again when only
    the spacing changes, and another shape for another region."""
    drawn = {}
    for region, spacing in (("medial", 10), ("lateral", 10), ("medial", 12), ("lateral", 12)):
        result, view = engine.run(from_dict(knee_plan(region=f"knee-anterior/{region}",
                                                      spacing_mm=spacing)))
        svg = plan_svg(result, view)
        own = path_d(result.areas[0].shape.surface)
        assert f'd="{own}"' in svg
        drawn.setdefault(region, set()).add(own)
    assert all(len(paths) == 1 for paths in drawn.values())
    assert drawn["medial"] != drawn["lateral"]
