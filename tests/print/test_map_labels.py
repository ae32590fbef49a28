"""The points' labels on the printed map: never on each other or on a point, at least 2 mm tall
at the size printed, the grid named at its edges where the numbers do not fit, and then an
enlarged drawing on the sheet where every number fits, with its scale."""

from __future__ import annotations

import base64
import math
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import engine
from planner.core.plan_reader import from_dict
from planner.drawing.labels import place_labels
from planner.drawing.plan import plan_svg
from planner.printing.paper import SheetInfo
from planner.printing.plan_pages import sheet_html
from planner.printing.sheet_map import svg_size
from tests.helpers import print_drawings

SOME = settings(max_examples=80, deadline=None, database=None,
                derandomize=bool(os.environ.get("CI")),
                suppress_health_check=[HealthCheck.too_slow])
SVG = "{http://www.w3.org/2000/svg}"
INFO = SheetInfo(language="it")


def overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@SOME
@given(points=st.lists(st.tuples(st.floats(0, 60), st.floats(0, 60)), min_size=1,
                       max_size=120),
       size=st.floats(1.0, 5.0), r=st.floats(0.3, 2.5))
def test_placed_labels_cover_no_label_no_point_and_stay_in_the_frame(points, size, r):
    frame = (-5.0, -5.0, 65.0, 65.0)
    placed = place_labels(points, r, [str(k + 1) for k in range(len(points))], size, frame)
    boxes = [p.box for p in placed if p is not None]
    for k, a in enumerate(boxes):
        assert frame[0] <= a[0] and frame[1] <= a[1] and a[2] <= frame[2] and a[3] <= frame[3]
        assert not any(overlap(a, b) for b in boxes[k + 1:])
    for k, p in enumerate(placed):
        if p is not None:
            assert not any(overlap(p.box, (x - r, y - r, x + r, y + r))
                           for j, (x, y) in enumerate(points) if j != k), "on another point"
    if len(points) == 1:
        assert placed[0] is not None, "a lone point always gets its number"
    # Each number is read as its own point's: no other point is nearer it.
    for k, p in enumerate(placed):
        if p is not None:
            own = box_gap(p.box, *points[k])
            assert all(box_gap(p.box, x, y) > own for j, (x, y) in enumerate(points)
                       if j != k and (x, y) != points[k]), "read as another point's"


def box_gap(box, x, y) -> float:
    return math.hypot(max(box[0] - x, 0, x - box[2]), max(box[1] - y, 0, y - box[3]))


@pytest.mark.parametrize("pattern", ["square", "staggered"])
@pytest.mark.parametrize("spacing", [3.0, 4.0, 5.0, 6.3, 8.0])
def test_in_a_regular_grid_no_number_lies_nearer_another_point(spacing, pattern):
    """A reviewer read "100" above and right of point 100 as point 105's, its neighbour up
    the next row: a grid's numbers sit where they are their own point's or nowhere."""
    result, _view = engine.run(from_dict(knee(spacing, pattern)))
    xy = [tuple(p) for p in result.xy.tolist()]
    placed = place_labels(xy, 0.8, [str(k + 1) for k in range(len(xy))], 2.8,
                          (-50.0, -50.0, 250.0, 300.0))
    assert any(placed)
    for k, p in enumerate(placed):
        if p is not None:
            own = box_gap(p.box, *xy[k])
            assert min(box_gap(p.box, x, y) for j, (x, y) in enumerate(xy) if j != k) > own


def knee(spacing: float, pattern: str = "square") -> dict:
    return {"format": "mesoplanner.plan/1", "bodymap": "knee-anterior", "side": "right",
            "treatment": "antalgic",
            "areas": [{"label": "medial", "region": "knee-anterior/medial",
                       "spacing_mm": spacing, "volume_ml": "0.10", "pattern": pattern}]}


def layers(svg: str) -> tuple[ET.Element, ET.Element]:
    root = ET.fromstring(svg)
    return root.find(f".//{SVG}g[@id='points']"), root.find(f".//{SVG}g[@id='grid-names']")


def test_a_sparse_grid_has_every_number_beside_its_point():
    result, view = engine.run(from_dict(knee(15)))
    points, names = layers(plan_svg(result, view, crop=True))
    numbers = [t.text for t in points.iter(f"{SVG}text")]
    assert sorted(numbers, key=int) == [str(k) for k in range(1, len(result.xy) + 1)]
    assert float(points.get("font-size")) >= 2.0
    assert points.get("data-unlabelled") == "0"
    assert not names.findall(f"{SVG}g[@data-shown]")
    rects = [tuple(float(r.get(k)) for k in ("x", "y", "width", "height"))
             for r in points.iter(f"{SVG}rect")]
    boxes = [(x, y, x + w, y + h) for x, y, w, h in rects]
    assert not any(overlap(a, b) for k, a in enumerate(boxes) for b in boxes[k + 1:])


def test_a_dense_grid_names_its_rows_and_columns_instead():
    result, view = engine.run(from_dict(knee(5)))
    points, names = layers(plan_svg(result, view, crop=True))
    assert not list(points.iter(f"{SVG}text")), "no number where they cannot all fit"
    assert int(points.get("data-unlabelled")) == len(result.xy)
    [shown] = names.findall(f"{SVG}g[@data-shown]")
    rows = [t.text for t in shown.iter(f"{SVG}text") if t.get("class") == "grid-row"
            and t.get("display") != "none"]
    columns = [t.text for t in shown.iter(f"{SVG}text") if t.get("class") == "grid-column"
               and t.get("display") != "none"]
    assert rows[:3] == ["A", "B", "C"] and len(rows) >= 20
    assert "1" in columns and len(columns) >= 6
    # Each point says its name when hovered.
    titles = [g.find(f"{SVG}title").text for g in points.iter(f"{SVG}g")
              if g.get("class") == "point"]
    assert all(re.match(r"\d+ · [A-Z]+\d+: ", t) for t in titles), titles[:3]


def test_labels_print_at_least_2_mm_tall_at_any_print_scale():
    result, view = engine.run(from_dict(knee(15)))
    for scale in (0.27, 0.5, 1.0, 2.5):
        points, _names = layers(plan_svg(result, view, crop=True, print_scale=scale))
        assert float(points.get("font-size")) * scale >= 2.0


def _enlarged(html: str) -> list[tuple[str, str]]:
    """Each enlarged drawing of a sheet's HTML: (its caption, its SVG)."""
    found = re.findall(r'data-testid="enlarged-map">.*?base64,([A-Za-z0-9+/=]+)".*?'
                       r'<p class="caption">(.*?)</p>', html, re.S)
    return [(caption, base64.b64decode(data).decode()) for data, caption in found]


def test_a_sheet_too_dense_to_label_adds_an_enlarged_drawing_where_every_number_fits():
    result, view = engine.run(from_dict(knee(5)))
    html = sheet_html(result, view, replace(INFO, language="en"))
    map_scale = float(re.search(r"Map at (true scale|([0-9]+)% of true size)", html).group(2)
                      or 100) / 100
    drawings = _enlarged(html)
    assert drawings
    seen: set[str] = set()
    for caption, svg in drawings:
        scale = float(re.search(r"Scale ([0-9.]+):1", caption).group(1))
        assert scale > 1.2 * map_scale
        assert "10 mm on the skin measure" in caption
        points, _names = layers(svg)
        assert float(points.get("font-size")) * scale >= 2.0
        seen |= {p.label for p in print_drawings.point_marks(ET.fromstring(svg)).values()
                 if p.label}
        # The drawing prints at its scale: its size is its frame's times the scale.
        width, _h = svg_size(svg)
        frame = ET.fromstring(svg).get("viewBox").replace(",", " ").split()
        assert abs(width - float(frame[2]) * scale) < 0.05
    assert seen == {str(k) for k in range(1, len(result.xy) + 1)}, "a number is on no drawing"


def test_a_sheet_whose_numbers_fit_has_no_enlarged_drawing():
    result, view = engine.run(from_dict(knee(15)))
    assert not _enlarged(sheet_html(result, view, INFO))
    assert not _enlarged(sheet_html(result, view, replace(INFO, compact=True)))


def test_a_compact_sheet_adds_one_only_where_its_grid_names_do_not_find_every_point():
    for spacing, pattern in ((8, "square"), (5, "staggered")):
        result, view = engine.run(from_dict(knee(spacing, pattern)))
        html = sheet_html(result, view, replace(INFO, compact=True))
        svg = base64.b64decode(re.search(r'class="map-drawing"><img src="data:image/svg\+xml;'
                                         r'base64,([A-Za-z0-9+/=]+)"', html).group(1)).decode()
        points, _names = layers(svg)
        unnamed = int(points.get("data-unnamed"))
        assert bool(_enlarged(html)) == (unnamed > 0), (spacing, unnamed)
        if spacing == 8:
            assert unnamed == 0  # rows and columns all named: the sheet stays one page
