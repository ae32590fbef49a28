"""The engine shared by a server's threads: every geometry they share is prepared (its indexes
built) before any of them sees it, and plans computed from several threads at once are those
computed one at a time.

A point test (shapely.contains_xy, intersects_xy) prepares a geometry that is not yet prepared
in place; two threads doing so at once, or one testing while another prepares, is the race of
planner/core/memo.py's docstring. The atlas readies every geometry of a view when it makes the
view, the engine whatever it keeps (memo.ready).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor

import pytest
import shapely
from shapely.geometry.base import BaseGeometry

from planner import engine
from planner.bodymaps import atlas
from planner.bodymaps.view import View
from planner.core import geometry, grid, narrow
from planner.core.compute import Result, compute
from planner.core.plan import Plan
from planner.core.plan_reader import from_dict
from tests.helpers.shapes import plan

THREADS = 4
ROUNDS = 3


def geometries_in(value: object) -> Iterator[BaseGeometry]:
    """Every geometry held by a value, however deep: in dataclasses' fields, mappings' values,
    tuples and lists (so that a geometry a View or MapShapes gains later is looked at too)."""
    if isinstance(value, BaseGeometry):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from geometries_in(getattr(value, f.name))
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from geometries_in(item)
    elif isinstance(value, tuple | list):
        for item in value:
            yield from geometries_in(item)


def unready(value: object) -> list[str]:
    """The geometries of a value left unprepared (an empty geometry has nothing to prepare)."""
    return [g.geom_type for g in geometries_in(value)
            if not g.is_empty and not shapely.is_prepared(g)]


# Every view the atlas hands out: as drawn, and for each side (a view of both sides of the body
# is the same object whatever the side).
VIEWS = [(view_id, side) for view_id in atlas.view_ids() for side in (None, *atlas.SIDES)]


def copied(view: View) -> View:
    """The view with every geometry a new, unprepared copy (a view built by hand)."""
    def copy(g: BaseGeometry) -> BaseGeometry:
        return shapely.from_wkb(shapely.to_wkb(g))

    return dataclasses.replace(
        view, outline=copy(view.outline),
        earlier_outlines={v: copy(g) for v, g in view.earlier_outlines.items()},
        regions=tuple(dataclasses.replace(r, geometry=copy(r.geometry)) for r in view.regions),
        guides=tuple(dataclasses.replace(g, geometry=copy(g.geometry)) for g in view.guides))


# --- every shared geometry is ready ------------------------------------------------------------

@pytest.mark.parametrize(("view_id", "side"), VIEWS)
def test_every_geometry_of_a_view_is_prepared_by_the_atlas(view_id, side):
    view = atlas.get_view(view_id, side)
    held = list(geometries_in(view))
    assert len(held) > 1
    assert unready(view) == []
    # View.geometries (what the atlas readies) names every geometry the view holds.
    assert {id(g) for g in view.geometries()} == {id(g) for g in held}


@pytest.mark.parametrize(("view_id", "side"), VIEWS)
def test_the_engine_keeps_only_prepared_shapes(view_id, side):
    view = atlas.get_view(view_id, side)
    versions = [None, *view.earlier_outlines]
    for version in versions:
        shapes = engine.shapes_of(view, Plan(areas=(), bodymap_version=version))
        assert shapes.outline is view.outline_for(version)
        assert unready(shapes) == []


def test_a_view_built_by_hand_is_readied_by_the_engine_before_it_is_kept():
    view = copied(atlas.get_view("face-frontal"))
    assert unready(view) != []  # the copies are not prepared: the check can fail
    shapes = engine.shapes_of(view, Plan(areas=()))
    assert unready(shapes) == []
    assert shapes.warning_zones and shapes.no_go_zones and shapes.no_go is not None


def test_two_zones_of_one_name_are_kept_as_one_prepared_union():
    view = atlas.get_view("face-frontal")
    first, second = [r for r in view.regions if r.kind == "warning"][:2]
    twin = dataclasses.replace(second, label={**second.label, "en": first.label["en"]})
    view = dataclasses.replace(view, regions=tuple(twin if r is second else r
                                                   for r in view.regions))
    zone = engine.shapes_of(view, Plan(areas=())).warning_zones[first.label["en"]]
    assert zone.area == pytest.approx(first.geometry.union(second.geometry).area)
    assert shapely.is_prepared(zone)


def test_the_areas_kept_for_a_plan_are_prepared():
    result, _ = engine.run(from_dict(plan([
        {"region": "lumbar-posterior/paravertebral-left", "spacing_mm": 15},
        {"pattern": "line", "line": "lumbar-posterior/sciatic-nerve-right",
         "spacing_mm": 20}])))
    assert [a.points > 0 for a in result.areas] == [True, True]
    assert unready(result.areas) == []


# --- several threads at once ---------------------------------------------------------------------

def face_plans() -> list[Plan]:
    """Plans on one view (the face: danger and no-go zones, an outline): regions, a hand-drawn
    area over an eye and danger zones, turned and staggered with a margin, at a slider's
    spacings, and points placed by hand in zones and off the face."""
    view = atlas.get_view("face-frontal")
    x0, y0, x1, y1 = view.region("face-frontal/eye-right").geometry.bounds
    over_eye = [[x0 - 30, y0 - 40], [x1 + 50, y0 - 40], [x1 + 50, y1 + 30], [x0 - 30, y1 + 30]]
    glabella = view.region("face-frontal/danger-glabella").geometry.representative_point()
    eye = view.region("face-frontal/eye-left").geometry.representative_point()
    docs = [
        plan([{"region": "face-frontal/forehead", "spacing_mm": 10}], bodymap="face-frontal"),
        plan([{"region": "face-frontal/cheek-right", "spacing_mm": 8},
              {"region": "face-frontal/perioral", "spacing_mm": 6, "pattern": "staggered"}],
             bodymap="face-frontal"),
        plan([], bodymap="face-frontal", points=[
            {"x": glabella.x, "y": glabella.y}, {"x": eye.x, "y": eye.y}, {"x": 1.0, "y": 1.0}]),
    ]
    docs += [plan([{"polygon": over_eye, "spacing_mm": spacing, "pattern": "staggered",
                    "angle_deg": 15, "margin_mm": 2}], bodymap="face-frontal")
             for spacing in (6, 6.5, 7, 8)]
    return [from_dict(doc) for doc in docs]


def fingerprint(result: Result) -> tuple[bytes, dict[str, object]]:
    return result.xy.tobytes(), result.as_dict()


def forget_kept_shapes() -> None:
    """Empty every table of kept shapes, so that the threads make them anew, at once."""
    for table in (engine._KEPT, engine._REGION_IDS, geometry._KEPT, grid._FRAMES,
                  narrow._SIDES):
        table.clear()


def test_plans_computed_from_several_threads_at_once_are_those_of_one_thread():
    plans = face_plans()
    forget_kept_shapes()
    expected = [fingerprint(engine.run(p)[0]) for p in plans]
    assert any(w["code"] == "danger-zone" for w in expected[2][1]["warnings"])
    assert any(w["code"] == "no-go-zone" for w in expected[2][1]["warnings"])
    forget_kept_shapes()
    start = threading.Barrier(THREADS)

    def work(k: int) -> list[tuple[int, tuple[bytes, dict[str, object]]]]:
        start.wait()
        order = [*range(k, len(plans)), *range(k)]  # each thread begins with another plan
        return [(i, fingerprint(engine.run(plans[i])[0])) for _ in range(ROUNDS) for i in order]

    with ThreadPoolExecutor(THREADS) as pool:
        done = list(pool.map(work, range(THREADS)))
    for found in done:
        assert len(found) == ROUNDS * len(plans)
        for i, (xy, doc) in found:
            assert xy == expected[i][0], f"plan {i}: other points"
            assert doc == expected[i][1], f"plan {i}: another result"


def test_the_core_from_several_threads_on_a_view_built_by_hand():
    """A view not made by the atlas comes unprepared: the threads that first keep its shapes
    at once ready its geometries one at a time (the engine's lock), and compute alike."""
    view = copied(atlas.get_view("face-frontal"))
    plans = face_plans()
    reference = copied(view)
    expected = [fingerprint(compute(p, engine.shapes_of(reference, p))) for p in plans]
    start = threading.Barrier(THREADS)

    def work(k: int) -> list[tuple[int, tuple[bytes, dict[str, object]]]]:
        start.wait()
        return [(i, fingerprint(compute(plans[i], engine.shapes_of(view, plans[i]))))
                for i in [*range(k, len(plans)), *range(k)]]

    with ThreadPoolExecutor(THREADS) as pool:
        done = [pair for found in pool.map(work, range(THREADS)) for pair in found]
    assert len(done) == THREADS * len(plans)
    assert [found for _, found in done] == [expected[i] for i, _ in done]
    assert unready(engine.shapes_of(view, Plan(areas=()))) == []
