"""Landmarks a clinician measures from (issue 17, item 3): every view has some, the knee has the
lower pole of the patella and the joint lines, the abdomen its umbilicus; and a landmark is
only a place to measure from: it never moves a plan's points, so adding one needs no new
version of its view."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import shapely

from planner import engine
from planner.bodymaps import atlas
from planner.bodymaps.atlas import get_view
from planner.bodymaps.view import View
from planner.core.compute import compute
from planner.core.plan_reader import from_dict
from planner.core.whereabouts import Landmark, axes_of, whereabouts_of

VIEW_IDS = [p.stem for p in sorted(atlas.BODYMAP_DIR.glob("*.svg"))]


def landmarks(view: View) -> list[Landmark]:
    return [Landmark(r.id, r.label["en"], r.geometry) for r in view.landmarks()]


def said(view: View, x: float, y: float) -> tuple[str, int, str | None, int, str | None]:
    """The nearest landmark of (x, y) and the two distances to its centre, as printed."""
    axes = axes_of(single_limb=view.single_limb, side=view.side,
                   patient_right=view.patient_right, edges=view.edges)
    (where,) = whereabouts_of([(x, y)], landmarks(view), axes)
    assert where is not None
    return (where.landmark.name, where.across.mm, where.across.direction, where.along.mm,
            where.along.direction)


@pytest.mark.parametrize("view_id", VIEW_IDS)
def test_every_view_has_a_landmark_whose_centre_lies_on_it(view_id):
    view = get_view(view_id)
    assert view.landmarks(), f"{view_id}: nothing to measure a point's position from"
    for lm in landmarks(view):
        assert lm.geometry.buffer(1e-6).covers(shapely.Point(lm.centre)), lm.id
        assert view.outline.contains(shapely.Point(lm.centre)), lm.id


@pytest.mark.parametrize("side", ["right", "left"])
def test_a_point_below_and_medial_of_the_kneecap_is_measured_from_its_lower_pole(side):
    view = get_view("knee-anterior", side)
    pole = view.region("patella-lower-pole").geometry.centroid
    medial = 1 if side == "right" else -1  # the right knee's medial side: the drawing's right
    assert said(view, pole.x + medial * 12, pole.y + 5) == (
        "Lower pole of the patella", 12, "medial", 5, "distal")


@pytest.mark.parametrize(("view_id", "side", "point", "nearest"), [
    ("knee-anterior", "right", (30.0, 170.0), "Lateral joint line"),
    ("knee-anterior", "right", (128.0, 164.0), "Medial joint line"),
    ("knee-anterior", "left", (30.0, 170.0), "Medial joint line"),
    ("knee-posterior", "right", (80.0, 175.0), "Middle of the popliteal crease"),
    ("knee-posterior", "right", (28.0, 160.0), "Medial joint line"),
    ("knee-posterior", "right", (132.0, 165.0), "Lateral joint line"),
    ("hips-thighs-posterior", None, (150.0, 330.0), "Middle of the left gluteal fold"),
    ("hips-thighs-posterior", None, (395.0, 250.0), "Right greater trochanter"),
    ("lumbar-posterior", None, (250.0, 270.0), "Right posterior superior iliac spine"),
    # The face is measured from its own features, never from the neck's suprasternal notch.
    ("face-frontal", None, (120.0, 108.0), "Glabella"),
    ("face-frontal", None, (84.0, 168.0), "Right infraorbital foramen"),
    ("face-frontal", None, (146.0, 180.0), "Left nasal ala"),
    ("face-frontal", None, (100.0, 214.0), "Right oral commissure"),
    ("face-frontal", None, (160.0, 222.0), "Left angle of the mandible"),
    ("face-frontal", None, (66.0, 140.0), "Right lateral canthus"),
])
def test_a_point_is_measured_from_the_landmark_a_clinician_would_use(view_id, side, point,
                                                                     nearest):
    assert said(get_view(view_id, side), *point)[0] == nearest


def test_every_facial_area_is_measured_from_a_feature_of_the_face_near_it():
    """A cheek, the forehead or the chin is placed from the eyes, nose, mouth, jaw or ear, a
    few centimetres away at most; only the neck is measured from the suprasternal notch."""
    view = get_view("face-frontal")
    neck = {"face-frontal/anterior-neck"}
    for region in view.regions:
        if region.kind != "treatment" or region.id in neck:
            continue
        centre = region.geometry.representative_point()
        name, across, _, along, _ = said(view, centre.x, centre.y)
        assert name != "Suprasternal notch", region.id
        assert math.hypot(across, along) <= 45, (region.id, name, across, along)


def test_the_umbilicus_is_a_landmark_inside_its_no_go_zone():
    """The periumbilical area's points are measured from the umbilicus; none lies on it."""
    view = get_view("abdomen-anterior")
    centre = view.region("umbilicus-centre").geometry
    assert view.region("umbilicus").geometry.contains(centre)
    result, _view = engine.run(from_dict({
        "format": "mesoplanner.plan/1", "bodymap": "abdomen-anterior",
        "areas": [{"region": "abdomen-anterior/periumbilical", "spacing_mm": 8}]}))
    xy = result.xy
    assert len(xy) > 50
    assert not shapely.contains_xy(view.no_go(), xy[:, 0], xy[:, 1]).any()
    near = [p for p in xy if math.dist(p, (200, 214)) < 40]
    assert near and all(said(view, *p)[0] == "Umbilicus" for p in near)


@pytest.mark.parametrize("view_id", VIEW_IDS)
def test_landmarks_never_move_a_plans_points(view_id):
    """A hand-drawn area over the whole view and every treatment region computed with the
    view's landmarks and without them: the very same points (so adding a landmark keeps the
    view's version, and saved plans reopen unchanged and unwarned)."""
    view = get_view(view_id, "right")
    x0, y0, x1, y1 = view.outline.bounds
    areas = [{"label": "all", "polygon": [[x0, y0], [x1, y0], [x1, y1], [x0, y1]],
              "spacing_mm": 12}]
    areas += [{"label": r.name, "region": r.id, "spacing_mm": 12}
              for r in view.treatment_regions()]
    document = {"format": "mesoplanner.plan/1", "bodymap": view_id, "areas": areas,
                "bodymap_version": view.version}
    if view.single_limb:
        document["side"] = "right"
    result, _view = engine.run(from_dict(document))
    assert "bodymap-version" not in {w.code for w in result.warnings}
    plan = from_dict(document)
    bare = dataclasses.replace(view, regions=tuple(r for r in view.regions
                                                   if r.kind != "landmark"))
    without = compute(plan, engine.shapes_of(bare, plan))
    assert np.array_equal(result.xy, without.xy) and len(result.xy) > 0
