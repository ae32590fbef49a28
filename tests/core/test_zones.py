"""Every point of a plan is checked against the zones of its view (issue 14, part 4).

Whatever made a point (a grid, a line, a manual or trigger point, an imported file, the API), a
point inside a no-go zone, outside the body outline or inside a danger zone gets a high-severity
warning naming the point's number and the zone. Zones are closed sets: a point on an edge is
inside. Every view and every zone comes from the atlas itself, so a zone added to a drawing is
tested without touching this file.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from datetime import date
from typing import Any

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import engine
from planner.bodymaps import atlas
from planner.bodymaps.view import Region
from planner.core import checklist, sessions
from planner.core.compute import Result, compute
from planner.core.messages import PlanError
from planner.core.plan import FORMAT
from planner.core.plan_reader import from_dict
from tests.helpers.zones import view_of, with_manual_points

ZONE_CODES = {"no-go": "no-go-zone", "warning": "danger-zone"}
POSITION_CODES = {"no-go-zone", "outside-outline", "danger-zone"}
PUSH_MM = 0.01  # "just outside": this far from the zone
MAX_EDGE_SAMPLES = 60  # vertices and edge midpoints tested per zone (evenly sampled beyond this)
NAMED_AT_MOST = 20  # a warning lists this many point numbers, then "..."
SETTINGS = settings(max_examples=100, deadline=None, database=None,
                    derandomize=bool(os.environ.get("CI")),
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def view_cases() -> list[tuple[str, str | None]]:
    """Every view of the atlas; a single-limb view on both sides (the left one is mirrored)."""
    cases: list[tuple[str, str | None]] = []
    for view_id in atlas.view_ids():
        sides = ("right", "left") if atlas.get_view(view_id).single_limb else (None,)
        cases.extend((view_id, side) for side in sides)
    return cases


VIEWS = view_cases()


def zone_cases() -> list[tuple[str, str | None, str]]:
    """Every no-go and danger zone of every view (and side)."""
    return [(view_id, side, r.id) for view_id, side in VIEWS
            for r in view_of(view_id, side).regions if r.kind in ZONE_CODES]


ZONES = zone_cases()


def case_id(case: tuple[Any, ...]) -> str:
    return "-".join(str(part) for part in case if part is not None)


def named(result: Result, code: str) -> dict[str, list[str]]:
    """For each zone a warning of ``code`` names (English), the point numbers it lists."""
    out: dict[str, list[str]] = {}
    for w in result.warnings:
        if w.code != code:
            continue
        params = dict(w.text.params)
        zone = str(params.get("zone", ""))
        out.setdefault(zone, []).extend(str(params["numbers"]).split(", "))
    return out


def zone_named(result: Result, region: Region) -> list[str]:
    return named(result, ZONE_CODES[region.kind]).get(region.label["en"], [])


def sampled(coords: np.ndarray) -> np.ndarray:
    if len(coords) <= MAX_EDGE_SAMPLES:
        return coords
    return coords[np.linspace(0, len(coords) - 1, MAX_EDGE_SAMPLES).round().astype(int)]


def rings(geometry: Any) -> list[np.ndarray]:
    """Every ring (outer and holes) of a polygonal geometry, open (last vertex not repeated)."""
    out = []
    for polygon in shapely.get_parts(geometry):
        for ring in (polygon.exterior, *polygon.interiors):
            out.append(np.asarray(ring.coords)[:-1])
    return out


def edge_points(geometry: Any) -> np.ndarray:
    """Vertices and midpoints of edges of a zone's rings (sampled when there are many)."""
    found = []
    for ring in rings(geometry):
        following = np.roll(ring, -1, axis=0)
        found.append(sampled(ring))
        found.append(sampled((ring + following) / 2.0))
    return np.concatenate(found)


def pushed_out(geometry: Any, xy: tuple[float, float]) -> tuple[float, float] | None:
    """A point PUSH_MM from ``xy``, as far from the zone as that allows; None when no
    direction leaves it clearly (a needle-thin spike of the outline)."""
    angles = np.linspace(0.0, 2.0 * math.pi, 64, endpoint=False)
    candidates = np.column_stack([xy[0] + PUSH_MM * np.cos(angles),
                                  xy[1] + PUSH_MM * np.sin(angles)])
    distances = shapely.distance(geometry, shapely.points(candidates))
    best = int(np.argmax(distances))
    if distances[best] < PUSH_MM / 2.0:
        return None
    return float(candidates[best, 0]), float(candidates[best, 1])


def in_chunks(view_id: str, side: str | None, xy: np.ndarray, size: int = NAMED_AT_MOST):
    """Plans of at most ``size`` manual points each (a warning names at most 20 numbers)."""
    for start in range(0, len(xy), size):
        yield start, with_manual_points(view_id, side, xy[start:start + size])


# --- manual points in a zone -------------------------------------------------------------------

@pytest.mark.parametrize(("view_id", "side", "zone_id"), ZONES, ids=[case_id(c) for c in ZONES])
def test_a_manual_point_inside_a_zone_is_named_with_the_zone(view_id, side, zone_id):
    region = view_of(view_id, side).region(zone_id)
    inner = region.geometry.representative_point()
    result = with_manual_points(view_id, side, [(inner.x, inner.y)])
    warnings = [w for w in result.warnings if w.code == ZONE_CODES[region.kind]]
    assert warnings and all(w.severity == "high" for w in warnings)
    assert zone_named(result, region) == ["1"]
    assert region.label["en"] in " ".join(w.message for w in warnings)


@pytest.mark.parametrize(("view_id", "side", "zone_id"), ZONES, ids=[case_id(c) for c in ZONES])
def test_every_vertex_and_edge_midpoint_of_a_zone_is_inside_it(view_id, side, zone_id):
    """Zones are closed sets: a point exactly on the edge (or within 1e-6 mm) is inside."""
    region = view_of(view_id, side).region(zone_id)
    xy = edge_points(region.geometry)
    missed = []
    for start, result in in_chunks(view_id, side, xy):
        listed = zone_named(result, region)
        count = min(NAMED_AT_MOST, len(xy) - start)
        missed.extend(xy[start + k].tolist() for k in range(count) if str(k + 1) not in listed)
    assert not missed, f"{len(missed)} edge points of {zone_id} not warned about: {missed[:5]}"


@pytest.mark.parametrize(("view_id", "side", "zone_id"), ZONES, ids=[case_id(c) for c in ZONES])
def test_a_point_just_outside_a_zone_is_not_named_with_it(view_id, side, zone_id):
    region = view_of(view_id, side).region(zone_id)
    outside = [p for p in map(lambda c: pushed_out(region.geometry, c),
                              map(tuple, edge_points(region.geometry))) if p is not None]
    assert len(outside) > 10
    wrongly = []
    for start, result in in_chunks(view_id, side, np.array(outside)):
        listed = zone_named(result, region)
        wrongly.extend(outside[start + int(n) - 1] for n in listed if n != "...")
    assert not wrongly, f"points {PUSH_MM} mm outside {zone_id} named with it: {wrongly[:5]}"


@pytest.mark.parametrize(("view_id", "side"), VIEWS, ids=[case_id(c) for c in VIEWS])
def test_a_point_in_no_zone_gets_no_position_warning(view_id, side):
    """Well inside each treatment region, away from every zone and the outline's edge."""
    view = view_of(view_id, side)
    zones = [r.geometry for r in view.regions if r.kind in ZONE_CODES]
    keep_off = shapely.union_all([*zones, view.outline.boundary]).buffer(1.0)
    tested = 0
    for region in view.treatment_regions():
        free = region.geometry.difference(keep_off).intersection(view.outline)
        if free.area < 1.0:
            continue
        p = free.representative_point()
        result = with_manual_points(view_id, side, [(p.x, p.y)])
        assert not {w.code for w in result.warnings} & POSITION_CODES, \
            [w.message for w in result.warnings]
        tested += 1
    assert tested >= 1


# --- the body outline --------------------------------------------------------------------------

@pytest.mark.parametrize(("view_id", "side"), VIEWS, ids=[case_id(c) for c in VIEWS])
def test_points_outside_the_outline_are_named(view_id, side):
    view = view_of(view_id, side)
    minx, miny, maxx, maxy = view.outline.bounds
    far = [(minx - 10.0, miny - 10.0), (maxx + 5.0, (miny + maxy) / 2.0)]
    just_out = [p for p in (pushed_out(view.outline, tuple(c))
                            for c in sampled(rings(view.outline)[0])[:8]) if p is not None]
    result = with_manual_points(view_id, side, [*far, *just_out])
    warnings = [w for w in result.warnings if w.code == "outside-outline"]
    assert len(warnings) == 1 and warnings[0].severity == "high"
    numbers = str(dict(warnings[0].text.params)["numbers"]).split(", ")
    assert numbers == [str(k + 1) for k in range(len(far) + len(just_out))]


@pytest.mark.parametrize(("view_id", "side"), VIEWS, ids=[case_id(c) for c in VIEWS])
def test_points_on_the_outline_are_inside_the_body(view_id, side):
    view = view_of(view_id, side)
    ring = rings(view.outline)[0]
    vertices = sampled(ring)[:NAMED_AT_MOST // 2]
    midpoints = sampled((ring + np.roll(ring, -1, axis=0)) / 2.0)[:NAMED_AT_MOST // 2]
    result = with_manual_points(view_id, side, np.concatenate([vertices, midpoints]))
    assert "outside-outline" not in {w.code for w in result.warnings}


# --- random points: the warning agrees with the geometry ---------------------------------------

WITH_ZONES = [c for c in VIEWS if any(r.kind in ZONE_CODES for r in view_of(*c).regions)]


@pytest.mark.parametrize(("view_id", "side"), WITH_ZONES, ids=[case_id(c) for c in WITH_ZONES])
@SETTINGS
@given(data=st.data())
def test_random_points_are_named_with_exactly_the_zones_that_hold_them(view_id, side, data):
    view = view_of(view_id, side)
    zones = [r for r in view.regions if r.kind in ZONE_CODES]
    zone = data.draw(st.sampled_from(zones), label="zone")
    minx, miny, maxx, maxy = zone.geometry.bounds
    pad = data.draw(st.sampled_from([0.0, 0.001, 1.0]), label="pad")
    xy = data.draw(st.lists(st.tuples(st.floats(minx - pad, maxx + pad),
                                      st.floats(miny - pad, maxy + pad)),
                            min_size=1, max_size=NAMED_AT_MOST), label="points")
    # Points on an edge, at a random place along it.
    ring = rings(zone.geometry)[0]
    for k, t in data.draw(st.lists(st.tuples(st.integers(0, len(ring) - 1), st.floats(0, 1)),
                                   max_size=5), label="on edges"):
        a, b = ring[k], ring[(k + 1) % len(ring)]
        xy.append((float(a[0] + t * (b[0] - a[0])), float(a[1] + t * (b[1] - a[1]))))
    xy = xy[:NAMED_AT_MOST]
    result = with_manual_points(view_id, side, xy)
    for region in zones:
        distance = shapely.distance(region.geometry, shapely.points(xy))
        listed = set(zone_named(result, region))
        for k, d in enumerate(distance):
            if d <= 1e-9:
                assert str(k + 1) in listed, (region.id, xy[k])
            elif d >= 1e-5:
                assert str(k + 1) not in listed, (region.id, xy[k], d)
    outside = shapely.distance(view.outline, shapely.points(xy))
    listed = set(named(result, "outside-outline").get("", []))
    for k, d in enumerate(outside):
        if d <= 1e-9:
            assert str(k + 1) not in listed
        elif d >= 1e-5:
            assert str(k + 1) in listed


def test_a_warning_names_twenty_points_then_says_there_are_more():
    eye = atlas.get_view("face-frontal").region("face-frontal/eye-right")
    p = eye.geometry.representative_point()
    result = with_manual_points("face-frontal", None, [(p.x, p.y)] * 25)
    [warning] = [w for w in result.warnings if w.code == "no-go-zone"]
    params = dict(warning.text.params)
    assert params["count"] == 25
    assert params["numbers"] == ", ".join(str(k) for k in range(1, 21)) + " ..."


def test_the_zone_is_named_in_the_readers_language():
    eye = atlas.get_view("face-frontal").region("face-frontal/eye-left")
    p = eye.geometry.representative_point()
    result = with_manual_points("face-frontal", None, [(p.x, p.y)])
    [warning] = [w for w in result.warnings if w.code == "no-go-zone"]
    rendered = warning.text.render(lambda t: t, lambda d: d, "it")
    assert eye.label["it"] in rendered and eye.label["en"] not in rendered


def test_points_are_numbered_in_injection_order_after_the_areas():
    """A manual point's number counts the generated points before it."""
    view = atlas.get_view("face-frontal")
    eye = view.region("face-frontal/eye-right").geometry.representative_point()
    doc = {"format": FORMAT, "bodymap": "face-frontal", "treatment": "face",
           "areas": [{"region": "face-frontal/forehead", "spacing_mm": 10}],
           "points": [{"x": eye.x, "y": eye.y}]}
    result, _ = engine.run(from_dict(doc))
    generated = result.areas[0].points
    assert generated > 5
    assert named(result, "no-go-zone") == {"Right eye and eyelid margins": [str(generated + 1)]}


def test_plain_paper_has_no_zones():
    doc = {"format": FORMAT, "areas": [], "points": [{"x": -4000, "y": 4000}]}
    result = compute(from_dict(doc))
    assert not {w.code for w in result.warnings} & POSITION_CODES


# --- generated points never fall in a zone -----------------------------------------------------

def region_cases() -> list[tuple[str, str | None, str]]:
    return [(view_id, side, r.id) for view_id, side in VIEWS
            for r in view_of(view_id, side).treatment_regions()]


REGIONS = region_cases()


@pytest.mark.parametrize(("view_id", "side", "region_id"), REGIONS,
                         ids=[case_id(c) for c in REGIONS])
def test_a_whole_region_grid_never_lands_in_a_no_go_zone_or_outside(view_id, side, region_id):
    area = view_of(view_id, side).region(region_id).geometry.area
    spacing = max(4, math.ceil(math.sqrt(area / 2000)))  # a dense grid, within the point limit
    doc: dict[str, Any] = {"format": FORMAT, "bodymap": view_id,
                           "areas": [{"region": region_id, "spacing_mm": spacing,
                                      "pattern": "staggered"}]}
    if side is not None:
        doc["side"] = side
    result, view = engine.run(from_dict(doc))
    codes = {w.code for w in result.warnings}
    assert not codes & {"no-go-zone", "outside-outline"}, \
        [w.message for w in result.warnings if w.code in ("no-go-zone", "outside-outline")]
    no_go = view.no_go()
    if no_go is not None and len(result.xy):
        assert shapely.distance(no_go, shapely.points(result.xy)).min() > 1e-6


@pytest.mark.parametrize(("view_id", "side"), VIEWS, ids=[case_id(c) for c in VIEWS])
def test_a_grid_over_the_whole_outline_never_lands_in_a_no_go_zone(view_id, side):
    """The whole drawing as one area: the no-go zones are cut out of it, edges included."""
    view = view_of(view_id, side)
    outline = max(shapely.get_parts(view.outline), key=lambda p: p.area)
    spacing = max(5, math.ceil(math.sqrt(outline.area / 2000)))
    doc: dict[str, Any] = {"format": FORMAT, "bodymap": view_id,
                           "areas": [{"polygon": [list(c) for c in outline.exterior.coords][:-1],
                                      "spacing_mm": spacing}]}
    if side is not None:
        doc["side"] = side
    result, _ = engine.run(from_dict(doc))
    assert len(result.xy) > 10
    assert not {w.code for w in result.warnings} & {"no-go-zone", "outside-outline"}


def test_a_line_cut_by_a_no_go_zone_keeps_its_points_off_the_zone():
    """A line ending on a zone's edge: a point exactly there would be inside the (closed)
    zone, so the generated points stay off it (the no-go zones are left out, edges included)."""
    eye = atlas.get_view("face-frontal").region("face-frontal/eye-right").geometry
    minx, miny, maxx, maxy = eye.bounds
    y = (miny + maxy) / 2.0
    crossings = shapely.intersection(eye.boundary, shapely.LineString([(minx - 1, y),
                                                                       (maxx + 1, y)]))
    edge_x = max(p.x for p in shapely.get_parts(crossings))
    # Past the cut, the line's piece runs from the eye's edge for exactly one spacing: the
    # points along it would be at both of its ends, one of them on the eye's edge.
    doc = {"format": FORMAT, "bodymap": "face-frontal", "treatment": "face",
           "areas": [{"pattern": "line", "line": [[minx - 0.5, y], [edge_x + 20.0, y]],
                      "spacing_mm": 20}]}
    result, _ = engine.run(from_dict(doc))
    assert len(result.xy) >= 2
    assert not [w for w in result.warnings if w.code == "no-go-zone"]
    assert shapely.distance(eye, shapely.points(result.xy)).min() > 1e-6
    assert np.isclose(result.xy[:, 0].max(), edge_x + 20.0)


# --- the same through the command line, the editor and the API ---------------------------------

def eye_doc() -> dict[str, Any]:
    eye = atlas.get_view("face-frontal").region("face-frontal/eye-right")
    edge = np.asarray(eye.geometry.exterior.coords)[0]
    return {"format": FORMAT, "bodymap": "face-frontal", "treatment": "face",
            "areas": [{"region": "face-frontal/forehead", "spacing_mm": 10}],
            "points": [{"x": float(edge[0]), "y": float(edge[1]), "label": "on the eyelid"},
                       {"x": -50, "y": -50, "label": "off the drawing"}]}


def test_the_command_line_warns_about_a_point_in_a_no_go_zone(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(eye_doc()))
    done = subprocess.run([sys.executable, "-m", "planner.cli", "grid", str(path)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    codes = {w["code"]: w for w in out["warnings"]}
    n = len(out["points"])
    assert codes["no-go-zone"]["severity"] == "high"
    assert codes["no-go-zone"]["message"].startswith("1 point lies in a no-go zone: ")
    assert f"(point {n - 1})" in codes["no-go-zone"]["message"]
    assert "Right eye" in codes["no-go-zone"]["message"]
    assert f"(point {n})" in codes["outside-outline"]["message"]
    assert "warning: [high] no-go-zone:" in done.stderr
    assert "warning: [high] outside-outline:" in done.stderr


def test_the_command_line_grid_of_a_whole_region_has_no_zone_warning(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps({"format": FORMAT, "bodymap": "face-frontal", "treatment": "face",
                                "areas": [{"region": "face-frontal/cheek-right",
                                           "spacing_mm": 4}]}))
    done = subprocess.run([sys.executable, "-m", "planner.cli", "grid", str(path)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    codes = {w["code"] for w in json.loads(done.stdout)["warnings"]}
    assert not codes & {"no-go-zone", "outside-outline"}
    assert "no-go-zone" not in done.stderr and "outside-outline" not in done.stderr


# --- a session given with such points: its record needs an override -------------------------

@pytest.mark.parametrize(("view_id", "side", "zone_id"),
                         [c for c in zone_cases() if view_of(c[0], c[1]).regions
                          and next(r for r in view_of(c[0], c[1]).regions
                                   if r.id == c[2]).kind == "no-go"])
def test_a_point_given_in_a_no_go_zone_blocks_signing_unless_it_was_skipped(
        view_id: str, side: str | None, zone_id: str) -> None:
    view = view_of(view_id, side)
    zone = next(r for r in view.regions if r.id == zone_id)
    inside = zone.geometry.representative_point()
    doc: dict[str, Any] = {"format": FORMAT, "bodymap": view_id, "areas": [],
                           "points": [{"x": inside.x, "y": inside.y}]}
    if side is not None:
        doc["side"] = side
    result = engine.run(from_dict(doc))[0]
    answers = checklist.Answers({q.code: "no" for q in checklist.QUESTIONS} | {"skin-test": "yes"})

    def blocks(skipped: frozenset[int]) -> list[str]:
        done = sessions.performed(result, sessions.Adjustments(skipped=skipped))
        gate = checklist.gate(answers, first_session=True, record=checklist.Record(),
                              session_day=date(2026, 12, 6), dose_warnings=done.warnings)
        return [f.code for f in gate.blocks]

    assert blocks(frozenset()) == ["no-go-zone"]
    assert blocks(frozenset({1})) == []


def test_a_point_given_off_the_body_blocks_signing() -> None:
    doc = {"format": FORMAT, "bodymap": "knee-anterior", "side": "right", "areas": [],
           "points": [{"x": -1000, "y": -1000}, {"x": -1001, "y": -1000}]}
    result = engine.run(from_dict(doc))[0]
    done = sessions.performed(result, sessions.Adjustments(skipped=frozenset({1})))
    (note,) = [w for w in done.warnings if w.code == "outside-outline"]
    assert note.points == (2,) and "(points 2)" in note.message and note.message.startswith("1 ")
    assert "outside-outline" in checklist.BLOCKING_CODES


@pytest.mark.parametrize(("view_id", "side", "zone_id"),
                         [c for c in zone_cases()
                          if next(r for r in view_of(c[0], c[1]).regions
                                  if r.id == c[2]).kind == "no-go"])
def test_a_no_go_zone_taken_as_an_area_is_refused_saying_so(view_id: str, side: str | None,
                                                             zone_id: str) -> None:
    doc: dict[str, Any] = {"format": FORMAT, "bodymap": view_id, "areas": [{"region": zone_id}]}
    if side is not None:
        doc["side"] = side
    with pytest.raises(PlanError) as caught:
        engine.run(from_dict(doc))
    assert caught.value.field == "areas[0].region" and "no-go zone" in caught.value.message
