"""One atlas style: every view drawn into a plan with the same palette and line weights, its
treatment regions visible without a click, its landmarks on top and named; and the regions that
saved plans point into keep their place and size while a view keeps its version."""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import svgwrite

from planner.bodymaps import atlas
from planner.bodymaps.atlas import get_view
from planner.drawing.body import draw_view

SVG = "{http://www.w3.org/2000/svg}"
VIEW_IDS = [p.stem for p in sorted(atlas.BODYMAP_DIR.glob("*.svg"))]
RECORDED = json.loads((Path(__file__).parent / "region_geometry.json").read_text())


def drawn(view_id: str, side: str | None = None, language: str = "en") -> ET.Element:
    view = get_view(view_id, side=side)
    dwg = svgwrite.Drawing(size=("10mm", "10mm"), debug=False, profile="full")
    draw_view(dwg, view, language)
    body = ET.fromstring(dwg.tostring()).find(f".//{SVG}g[@id='bodymap']")
    assert body is not None
    return body


def region_paths(body: ET.Element) -> list[ET.Element]:
    return [e for e in body.iter(f"{SVG}path") if e.get("data-region")]


def look(elem: ET.Element) -> tuple[str | None, ...]:
    return (elem.get("fill"), elem.get("fill-opacity"), elem.get("stroke"),
            elem.get("stroke-width"), elem.get("stroke-dasharray"))


def test_every_view_has_one_palette_and_one_line_weight():
    outlines, decors, regions = set(), set(), {}
    for view_id in VIEW_IDS:
        body = drawn(view_id)
        outline = body.find(f"{SVG}path[@class='bodymap-outline']")
        assert outline is not None, view_id
        outlines.add(look(outline))
        decor = body.find(f"{SVG}g[@class='bodymap-decor']")
        assert decor is not None, view_id
        decors.add(look(decor))
        assert all(look(p) == (None,) * 5 for p in decor), f"{view_id}: a decor line styled alone"
        for path in region_paths(body):
            kind = path.get("class").split("region-")[1]
            regions.setdefault(kind, set()).add(look(path))
    assert len(outlines) == 1 and len(decors) == 1
    assert set(regions) == {"treatment", "warning", "no-go", "landmark"}
    assert all(len(styles) == 1 for styles in regions.values()), regions
    # the kinds are told apart by colour
    assert len({next(iter(s))[0] for s in regions.values()}) == 4


@pytest.mark.parametrize("view_id", VIEW_IDS)
def test_treatment_regions_show_without_a_click_and_landmarks_lie_on_top(view_id):
    view = get_view(view_id)
    paths = region_paths(drawn(view_id))
    assert sorted(p.get("data-region") for p in paths) == sorted(r.id for r in view.regions)
    kinds = [p.get("class") for p in paths]
    for path in paths:
        assert path.get("class") == f"region region-{view.region(path.get('data-region')).kind}"
        assert path.get("fill") != "none" and float(path.get("fill-opacity")) >= 0.15
        assert path.get("stroke") != "none" and float(path.get("stroke-width")) >= 0.3
    landmarks = [k == "region region-landmark" for k in kinds]
    assert landmarks == sorted(landmarks), "a region drawn over a landmark would hide its name"


@pytest.mark.parametrize("language", ["it", "es", "en"])
def test_every_landmark_is_named_in_the_readers_language(language):
    for view_id in VIEW_IDS:
        view = get_view(view_id)
        for path in region_paths(drawn(view_id, language=language)):
            title = path.find(f"{SVG}title")
            assert title is not None
            assert title.text == view.region(path.get("data-region")).label[language]


@pytest.mark.parametrize("view_id", [v for v in VIEW_IDS if get_view(v).single_limb])
def test_a_mirrored_limb_is_drawn_in_the_same_style(view_id):
    right = [look(p) for p in region_paths(drawn(view_id, "right"))]
    left = [look(p) for p in region_paths(drawn(view_id, "left"))]
    assert right == left


@pytest.mark.parametrize("view_id", VIEW_IDS)
def test_saved_plans_regions_stay_where_they_were_at_this_version(view_id):
    """A region moved or resized needs a migration of the saved plans and a new data-version
    (then record the new geometry in region_geometry.json); so does a redrawn outline, which
    also keeps the earlier outline (test_outline_versions.py)."""
    view = get_view(view_id)
    recorded = RECORDED[view_id]
    assert view.version >= recorded["version"]
    ids = {r.id for r in view.regions}
    assert set(recorded["regions"]) <= ids, "a region id was removed or renamed"
    if view.version != recorded["version"]:
        pytest.fail(f"{view_id} is now version {view.version}: keep the earlier outline or "
                    "write the migration of its saved plans, then record the view in "
                    "region_geometry.json")
    assert view.regions_since == recorded["regions_since"], (
        "data-regions-since says since which version saved plans point into these regions")
    for region_id, was in recorded["regions"].items():
        region = view.region(region_id)
        assert (region.kind, region.snomed, region.laterality) == (
            was["kind"], was["snomed"], was["laterality"]), region_id
        assert math.isclose(region.area_mm2, was["area_mm2"], rel_tol=0.01), region_id
        c = region.geometry.centroid
        assert math.dist((c.x, c.y), was["centroid"]) < 0.5, region_id


@pytest.mark.parametrize("view_id", VIEW_IDS)
def test_an_outline_never_changes_under_its_version(view_id):
    """Hand-drawn areas are clipped to the outline: a redrawn silhouette needs a new
    data-version, with the earlier outline kept in the file (<defs id="earlier-outlines">) so
    that the plans saved on it reopen with the same points."""
    view = get_view(view_id)
    recorded = RECORDED[view_id]["outlines"]
    outlines = {view.version: view.outline, **view.earlier_outlines}
    assert sorted(recorded) == sorted(str(v) for v in outlines), (
        f"{view_id}: an earlier outline was dropped or added without being recorded")
    for version, outline in outlines.items():
        was = recorded[str(version)]
        where = f"{view_id}, outline of version {version}"
        assert math.isclose(outline.area, was["area_mm2"], abs_tol=0.1), where
        c = outline.centroid
        assert math.dist((c.x, c.y), was["centroid"]) < 0.01, where
        assert all(math.isclose(a, b, abs_tol=0.01)
                   for a, b in zip(outline.bounds, was["bounds"], strict=True)), where
