"""Plans on real body maps: regions, clipping, no-go zones, sides, danger zones."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from planner import engine
from planner.bodymaps import atlas
from planner.core.messages import PlanError
from planner.core.plan_reader import from_dict
from tests.helpers.shapes import plan


def run(doc: dict[str, object]):
    return engine.run(from_dict(doc))


def inside(geom, result, area_index=0) -> bool:
    pts = np.array([(p.x, p.y) for p in result.points if p.area == area_index])
    return bool(shapely.contains_xy(geom, pts[:, 0], pts[:, 1]).all())


def test_a_region_is_filled_within_its_outline():
    result, view = run(plan([{"region": "knee-anterior/medial", "spacing_mm": 15}],
                            bodymap="knee-anterior", side="right"))
    region = view.region("knee-anterior/medial")
    assert len(result.points) > 5
    assert inside(region.geometry, result)
    assert result.areas[0].surface_mm2 == pytest.approx(region.area_mm2, rel=1e-6)


def test_a_polygon_with_a_region_is_clipped_to_the_region():
    region = atlas.get_region("knee-anterior/medial")
    x0, y0, x1, y1 = region.geometry.bounds
    half = [[x0 - 50, y0 - 50], [x1 + 50, y0 - 50], [x1 + 50, (y0 + y1) / 2],
            [x0 - 50, (y0 + y1) / 2]]
    result, _ = run(plan([{"region": "knee-anterior/medial", "polygon": half,
                           "spacing_mm": 10}], side="right"))
    clipped = region.geometry.intersection(shapely.Polygon(half))
    assert result.areas[0].surface_mm2 == pytest.approx(clipped.area, rel=1e-6)
    assert inside(clipped, result)


def test_the_view_is_taken_from_the_region_when_bodymap_is_omitted():
    result, view = run(plan([{"region": "knee-anterior/medial"}], side="right"))
    assert view is not None and view.id == "knee-anterior"
    assert result.points


def test_a_left_limb_is_planned_on_the_mirrored_view():
    right, rview = run(plan([{"region": "knee-anterior/medial", "spacing_mm": 15}],
                            side="right"))
    left, lview = run(plan([{"region": "knee-anterior/medial", "spacing_mm": 15}],
                           side="left"))
    assert len(left.points) == len(right.points)
    assert lview.side == "left"
    # Medial is toward the midline: the drawing's right for a right knee seen from the front,
    # the drawing's left for a left knee.
    mid = rview.width_mm / 2
    assert np.mean([p.x for p in right.points]) > mid
    assert np.mean([p.x for p in left.points]) < mid


def test_a_single_limb_view_without_side_is_taken_as_right_with_a_warning():
    result, view = run(plan([{"region": "knee-anterior/medial"}]))
    assert view.side == "right"
    assert "side-missing" in [w.code for w in result.warnings]


def test_no_go_zones_never_receive_points():
    view = atlas.get_view("face-frontal")
    outline = view.outline
    result, _ = run(plan([{"polygon": [list(c) for c in outline.exterior.coords][:-1],
                           "spacing_mm": 5}], bodymap="face-frontal", treatment="face"))
    no_go = view.no_go()
    pts = np.array([(p.x, p.y) for p in result.points])
    assert len(pts) > 100
    assert not shapely.contains_xy(no_go, pts[:, 0], pts[:, 1]).any()
    assert "no-go-removed" in [w.code for w in result.warnings]
    assert "danger-zone" in [w.code for w in result.warnings]


def test_points_in_a_facial_danger_zone_are_warned_about():
    result, _ = run(plan([{"region": "face-frontal/forehead", "spacing_mm": 8}],
                         bodymap="face-frontal", treatment="face"))
    warnings = [w for w in result.warnings if w.code == "danger-zone"]
    assert any("glabella" in w.message.lower() for w in warnings)
    assert all(w.severity == "high" for w in warnings)


def test_a_guide_line_can_carry_a_line_plan():
    view = atlas.get_view("lumbar-posterior")
    guide = view.guides[0]
    result, _ = run(plan([{"pattern": "line", "line": guide.id, "spacing_mm": 20}],
                         bodymap="lumbar-posterior"))
    assert len(result.points) >= int(guide.geometry.length // 20)
    pts = shapely.points([(p.x, p.y) for p in result.points])
    assert shapely.distance(pts, guide.geometry).max() < 1e-6


@pytest.mark.parametrize(("doc", "message"), [
    (plan([{"region": "knee-anterior/nowhere"}], side="right"),
     "areas[0].region: unknown region 'knee-anterior/nowhere'"),
    (plan([{"region": "face-frontal/forehead"}], bodymap="knee-anterior", side="right"),
     "areas[0].region: 'face-frontal/forehead' belongs to view 'face-frontal'"),
    (plan([{"polygon": [[0, 0], [9, 0], [9, 9]]}], bodymap="no-such-view"), "bodymap: "),
    (plan([{"region": "knee-anterior/medial"}], side="bilateral"), "side: knee-anterior shows"),
    (plan([{"pattern": "line", "line": "lumbar-posterior/none"}], bodymap="lumbar-posterior"),
     "areas[0].line: unknown guide line"),
])
def test_bad_references_name_their_field(doc, message):
    with pytest.raises(PlanError) as info:
        run(doc)
    assert str(info.value).startswith(message)


def test_a_computed_plan_records_the_view_version_it_was_drawn_on():
    from planner.core.plan_writer import dump

    result, view = run(plan([{"region": "knee-anterior/medial"}], side="right"))
    assert result.as_dict()["bodymap_version"] == view.version
    saved = dump(result.plan)
    assert saved["bodymap"] == "knee-anterior"
    assert saved["bodymap_version"] == view.version
    assert from_dict(saved).bodymap_version == view.version


def test_a_plan_drawn_on_an_older_version_of_the_view_is_flagged():
    doc = plan([{"region": "knee-anterior/medial"}], side="right", bodymap="knee-anterior",
               bodymap_version=999)
    result, view = run(doc)
    warning = next(w for w in result.warnings if w.code == "bodymap-version")
    assert f"version 999 of knee-anterior, which is now version {view.version}" in warning.message
