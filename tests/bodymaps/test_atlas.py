"""The body-map atlas: every drawn view must read into valid, labelled, coded regions in mm."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon

from planner.bodymaps import atlas
from planner.bodymaps.atlas import get_region, get_view, parse_view, views
from planner.bodymaps.catalogue import catalogue, render_contact_sheet
from planner.bodymaps.view import BodyMapError, view_of

VIEW_IDS = [p.stem for p in sorted(atlas.BODYMAP_DIR.glob("*.svg"))]
SINGLE_LIMB = [v for v in VIEW_IDS if get_view(v).single_limb]
AREA_TOLERANCE = 0.005  # mirrored and flattened areas agree to 0.5 %

SVG_HEAD = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="100mm" height="80mm" viewBox="0 0 100 80" '
    'data-view="test-view" data-version="1" data-label-it="Prova" data-label-es="Prueba" '
    'data-label-en="Test" data-single-limb="true" data-patient-right="none" data-snomed="72696002">'
    '<g id="outline"><rect x="0" y="0" width="100" height="80" data-kind="outline"/></g>'
)
LABELS = 'data-label-it="a" data-label-es="b" data-label-en="c"'


def _svg(body: str) -> str:
    return f'{SVG_HEAD}<g id="regions">{body}</g></svg>'


def test_it_finds_views() -> None:
    assert VIEW_IDS, "no body-map SVG in planner/bodymaps"
    assert [v.id for v in views()] == VIEW_IDS


@pytest.mark.parametrize("view_id", VIEW_IDS)
def test_it_reads_view_metadata(view_id: str) -> None:
    view = get_view(view_id)
    assert view.id == view_id
    assert view.version >= 1
    assert view.width_mm > 0 and view.height_mm > 0
    assert view.patient_right in ("left", "right", "none")
    assert view.snomed.isdigit()
    assert all(view.label[lang].strip() for lang in ("it", "es", "en"))
    assert view.side is None
    assert view.outline.is_valid and not view.outline.is_empty
    assert any(r.kind != "landmark" for r in view.regions), "a view needs at least one region"


@pytest.mark.parametrize("view_id", VIEW_IDS)
def test_it_keeps_regions_valid_and_inside(view_id: str) -> None:
    view = get_view(view_id)
    box = shapely.box(0, 0, view.width_mm, view.height_mm)
    allowed = view.outline.buffer(0.5)
    for region in view.regions:
        geom = region.geometry
        assert isinstance(geom, Polygon | MultiPolygon), region.id
        assert geom.is_valid and not geom.is_empty, region.id
        assert region.area_mm2 > 1.0, region.id
        assert math.isclose(region.area_cm2 * 100, region.area_mm2)
        assert box.buffer(0.01).contains(geom), f"{region.id} leaves the view box"
        outside = geom.difference(allowed).area
        assert outside < 0.01, f"{region.id} lies {outside:.1f} mm2 outside the outline"


@pytest.mark.parametrize("view_id", VIEW_IDS)
def test_it_labels_and_codes_every_region(view_id: str) -> None:
    view = get_view(view_id)
    for item in (*view.regions, *view.guides):
        assert item.id.startswith(f"{view_id}/")
        assert view_of(item.id) == view_id
        assert all(item.label[lang].strip() for lang in ("it", "es", "en")), item.id
    for region in view.regions:
        assert region.kind in ("treatment", "warning", "no-go", "landmark")
        assert region.laterality in ("left", "right", "bilateral", "none", "side")
        assert region.snomed.isdigit(), region.id
        if region.laterality == "side":
            assert view.single_limb


def test_it_has_unique_ids_across_the_atlas() -> None:
    ids = [r.id for v in views() for r in v.regions] + [g.id for v in views() for g in v.guides]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("view_id", SINGLE_LIMB)
def test_it_mirrors_single_limb_views_for_the_left_side(view_id: str) -> None:
    right = get_view(view_id, "right")
    left = get_view(view_id, "left")
    assert (right.side, left.side) == ("right", "left")
    width = right.width_mm
    for r, m in zip(right.regions, left.regions, strict=True):
        assert r.id == m.id
        assert math.isclose(r.area_mm2, m.area_mm2, rel_tol=AREA_TOLERANCE)
        r_minx, r_miny, r_maxx, _r_maxy = r.geometry.bounds
        m_minx, m_miny, m_maxx, _m_maxy = m.geometry.bounds
        assert math.isclose(m_minx, width - r_maxx, abs_tol=0.01)
        assert math.isclose(m_maxx, width - r_minx, abs_tol=0.01)
        assert math.isclose(m_miny, r_miny, abs_tol=0.01)
        c_r, c_m = r.geometry.centroid, m.geometry.centroid
        assert math.isclose(c_m.x, width - c_r.x, abs_tol=0.01)
        assert m.geometry.is_valid
        if r.laterality == "side":
            assert (r.laterality, m.laterality) == ("right", "left")
    assert math.isclose(left.outline.area, right.outline.area, rel_tol=AREA_TOLERANCE)


def test_it_moves_regions_when_mirrored() -> None:
    assert SINGLE_LIMB, "the atlas ships single-limb views (knee, shoulder, ...)"
    view_id = SINGLE_LIMB[0]
    region = next(r for r in get_view(view_id).regions if r.kind == "treatment")
    mirrored = get_region(region.id, side="left")
    assert not mirrored.geometry.equals(region.geometry) or math.isclose(
        region.geometry.centroid.x, get_view(view_id).width_mm / 2, abs_tol=0.01
    )


def test_it_leaves_views_of_both_sides_unmirrored() -> None:
    both = [v for v in VIEW_IDS if not get_view(v).single_limb]
    for view_id in both:
        assert get_view(view_id, "left") is get_view(view_id)


def test_it_caches_views() -> None:
    assert get_view(VIEW_IDS[0]) is get_view(VIEW_IDS[0])
    assert get_view(VIEW_IDS[0], "left") is get_view(VIEW_IDS[0], "left")


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: get_view("no-such-view"), "no-such-view"),
        (lambda: get_region(f"{VIEW_IDS[0]}/no-such-region"), "no-such-region"),
        (lambda: get_region("nonsense"), "nonsense"),
        (lambda: get_view(VIEW_IDS[0], "middle"), "middle"),
        (lambda: view_of("knee-anterior"), "knee-anterior"),
    ],
)
def test_it_explains_unknown_names(call: object, words: str) -> None:
    with pytest.raises(BodyMapError, match=words) as info:
        call()  # type: ignore[operator]
    assert len(str(info.value)) > len(words) + 10


def test_it_finds_a_region_by_short_name() -> None:
    view = get_view(VIEW_IDS[0])
    first = view.regions[0]
    assert view.region(first.name) is first
    assert get_region(first.id) == first


def test_it_flattens_curves_precisely() -> None:
    view = parse_view(
        _svg(
            f'<circle cx="40" cy="40" r="20" data-id="test-view/c" data-kind="treatment" {LABELS} '
            'data-laterality="side" data-snomed="1"/>'
            f'<ellipse cx="75" cy="40" rx="15" ry="7" data-id="test-view/e" data-kind="warning" '
            f'{LABELS} data-laterality="none" data-snomed="1"/>'
            '<path d="M60,70 C60,60 80,60 80,70 Z" data-id="test-view/b" data-kind="no-go" '
            f'{LABELS} data-laterality="none" data-snomed="1"/>'
        )
    )
    circle, ellipse, bezier = view.regions
    assert math.isclose(circle.area_mm2, math.pi * 20**2, rel_tol=AREA_TOLERANCE)
    assert math.isclose(ellipse.area_mm2, math.pi * 15 * 7, rel_tol=AREA_TOLERANCE)
    # a cubic from (0,0) via (0,-h) (w,-h) to (w,0) closes 18/30 * w * h (w=20, h=10)
    assert math.isclose(bezier.area_mm2, 0.6 * 20 * 10, rel_tol=AREA_TOLERANCE)
    assert view.no_go() is not None and math.isclose(view.no_go().area, bezier.area_mm2)
    assert view.warning_regions() == (ellipse,)


def test_it_applies_transforms_and_keeps_holes() -> None:
    view = parse_view(
        SVG_HEAD
        + '<g id="regions" transform="translate(10,5)">'
        + '<path d="M0,0 h40 v40 h-40 Z M10,10 h10 v10 h-10 Z" data-id="test-view/ring" '
        + f'data-kind="treatment" {LABELS} data-laterality="none" data-snomed="1"/></g></svg>'
    )
    ring = view.regions[0]
    assert math.isclose(ring.area_mm2, 1600 - 100)
    assert ring.geometry.bounds == (10.0, 5.0, 50.0, 45.0)


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (
            f'<rect x="1" y="1" width="5" height="5" data-id="test-view/a" {LABELS} '
            'data-laterality="none" data-snomed="1"/>',
            "data-kind",
        ),
        (
            f'<rect x="1" y="1" width="5" height="5" data-id="test-view/a" data-kind="treatment" '
            f'{LABELS} data-laterality="up" data-snomed="1"/>',
            "data-laterality",
        ),
        (
            f'<rect x="1" y="1" width="5" height="5" data-id="test-view/a" data-kind="treatment" '
            f'{LABELS} data-laterality="none" data-snomed="knee"/>',
            "data-snomed",
        ),
        (
            '<rect x="1" y="1" width="5" height="5" data-id="test-view/a" data-kind="treatment" '
            'data-label-it="a" data-label-en="c" data-laterality="none" data-snomed="1"/>',
            "'es'",
        ),
        (
            f'<rect x="1" y="1" width="5" height="5" data-id="other/a" data-kind="treatment" '
            f'{LABELS} data-laterality="none" data-snomed="1"/>',
            "data-id",
        ),
    ],
)
def test_it_rejects_incomplete_regions(body: str, words: str) -> None:
    with pytest.raises(BodyMapError, match=words):
        parse_view(_svg(body))


def test_it_rejects_drawings_not_in_mm() -> None:
    with pytest.raises(BodyMapError, match="mm"):
        parse_view(_svg("").replace('width="100mm"', 'width="100px"'))


def test_catalogue_is_json_with_the_contract_fields() -> None:
    data = json.loads(json.dumps(catalogue()))
    assert [v["id"] for v in data["views"]] == VIEW_IDS
    for entry in data["views"]:
        assert set(entry) >= {
            "id",
            "label",
            "width_mm",
            "height_mm",
            "version",
            "single_limb",
            "patient_right",
            "snomed",
            "regions",
            "guides",
        }
        view = get_view(entry["id"])
        for reg in entry["regions"]:
            assert set(reg) >= {"id", "kind", "label", "laterality", "snomed", "area_mm2", "wkt"}
            assert set(reg["label"]) == {"it", "es", "en"}
            geom = shapely.from_wkt(reg["wkt"])
            region = view.region(reg["id"])
            expected = region.area_mm2
            # Coordinates rounded to 0.01 mm move the area by at most that much times the
            # perimeter (a landmark of 7 mm² more than 0.1 %).
            slack = region.geometry.length * 0.01 * math.sqrt(2) / 2
            assert math.isclose(geom.area, expected, rel_tol=0.001, abs_tol=slack)
            assert math.isclose(reg["area_mm2"], expected, abs_tol=0.01)
        for guide in entry["guides"]:
            assert shapely.from_wkt(guide["wkt"]).length > 0


def test_contact_sheet_has_one_svg_per_view(tmp_path: Path) -> None:
    written = render_contact_sheet(tmp_path / "sheet")
    names = sorted(p.name for p in written)
    assert names == sorted([f"{v}.svg" for v in VIEW_IDS] + ["index.html", "contact-sheet.png"])
    index = (tmp_path / "sheet" / "index.html").read_text()
    for view_id in VIEW_IDS:
        text = (tmp_path / "sheet" / f"{view_id}.svg").read_text()
        assert text.startswith("<svg") and view_id in text
        assert f"{view_id}.svg" in index


def test_it_reads_what_the_edges_face_and_refuses_an_unknown_word() -> None:
    faced = parse_view(_svg("").replace('data-view="test-view"',
                                        'data-view="test-view" data-edge-top="proximal"'))
    assert dict(faced.edges) == {"top": "proximal"}
    with pytest.raises(BodyMapError, match="data-edge-top"):
        parse_view(_svg("").replace('data-view="test-view"',
                                    'data-view="test-view" data-edge-top="upwards"'))
