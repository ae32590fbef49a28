"""The points as printed (planner/drawing/paper_points.py: a path per circle of a marker, one
text for the numbers) are the points the editor draws (a group per point): the same points, each
marker at the same centre, the same numbers beside the same points at the same places, the
same label boxes; printed, the two drawings are the same picture. Over every marker (six
mixtures and none), trigger points on an area's points (drawn in runs of their own), a part of
a drawing (points_within) and scales from a map shrunk to a page to eight times true size
(label boxes too small for the rounded-corner outline). The outlines as printed are the drawn
ones simplified to within a hundredth of a mm."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET

import numpy as np
import pypdfium2 as pdfium
import pytest
import shapely
from shapely.geometry import MultiLineString

from planner import engine
from planner.bodymaps.atlas import get_view
from planner.core.plan_reader import from_dict
from planner.drawing.paths import PRINTED_MM, path_d
from planner.drawing.plan import plan_svg
from planner.printing.pdf import to_pdf
from planner.printing.sheet_map import data_address
from tests.helpers import print_drawings

MIXTURES = "ABCDEF"


def square(x: float, y: float, side: float) -> list[list[float]]:
    return [[x, y], [x + side, y], [x + side, y + side], [x, y + side]]


def plan(spacing: float = 8.0) -> dict:
    """Seven areas side by side, one per mixture and one of none (every marker), and two trigger
    points on an area's points (their markers on each other: runs of their own)."""
    mixtures = {name: {"components": [{"name": "saline", "volume_ml": "4.00"}]}
                for name in MIXTURES}
    areas = [{"label": f"area {k}", "spacing_mm": spacing, "volume_ml": "0.05",
              "pattern": "square", "polygon": square(k * 45.0, 0.0, 40.0),
              "mixture": MIXTURES[k] if k < len(MIXTURES) else None} for k in range(7)]
    result, _view = engine.run(from_dict({"format": "mesoplanner.plan/1", "mixtures": mixtures,
                                          "areas": areas}))
    first = result.xy[0].tolist()
    triggers = [{"x": first[0], "y": first[1], "volume_ml": "0.20", "mixture": "B"},
                {"x": first[0] + 0.5, "y": first[1], "volume_ml": "0.20", "mixture": "B"}]
    return {"format": "mesoplanner.plan/1", "mixtures": mixtures, "areas": areas,
            "points": triggers}


# A drawing at true scale, shrunk to half (its spacing wider: every number fits), and a part of
# one at eight times true size (its label boxes too small for the outlined corners).
CASES = {"true scale": (8.0, {}), "shrunk": (16.0, {"print_scale": 0.5}),
         "enlarged 8x, a part": (8.0, {"print_scale": 8.0, "frame": (-2.0, -5.0, 28.0, 25.0),
                                       "points_within": (-2.0, 0.0, 28.0, 20.0),
                                       "legend": False})}


def drawn(case: str, paper: bool) -> str:
    spacing, options = CASES[case]
    result, view = engine.run(from_dict(plan(spacing)))
    return plan_svg(result, view, paper=paper, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("case", CASES)
def test_the_printed_points_are_the_editor_s(case):
    editor, printed = (ET.fromstring(drawn(case, paper)) for paper in (False, True))
    points = print_drawings.point_marks(printed)
    assert points == print_drawings.point_marks(editor)
    assert len(points) >= 8 and sum(p.label is not None for p in points.values()) >= 8
    kinds = 7 if case != "enlarged 8x, a part" else 2  # the first area's, the triggers'
    assert len(print_drawings.markers_of(printed)) == len(print_drawings.markers_of(editor)) == \
        kinds
    assert {m.fill for m in print_drawings.markers_of(printed)} == \
        {m.fill for m in print_drawings.markers_of(editor)}
    assert label_boxes(printed) == label_boxes(editor)
    assert not printed.findall(".//{*}g[@class='point']"), "no group per point on paper"


def test_points_on_each_other_are_drawn_in_order():
    printed = drawn("true scale", True)
    runs = [set(re.findall(r'data-points="([0-9 ]+)"', run)) for run in
            re.findall(r'<g class="run">(.*?)</g>(?=<g class="run">|</g>)', printed, re.S)]
    last = len(print_drawings.point_marks(ET.fromstring(printed)))

    def run_of(number: int) -> int:
        [k] = [k for k, run in enumerate(runs) if any(str(number) in p.split() for p in run)]
        return k

    # The two trigger points (the last two), on the area's first point and on each other.
    assert run_of(1) < run_of(last - 1) < run_of(last)


def label_boxes(svg: ET.Element) -> list[tuple[float, ...]]:
    """The light boxes under the numbers (x0, y0, x1, y1), as the editor draws them (a rect with
    rounded corners each) or as printed (paper_points: each box's sides inset by its corners'
    radius, outlined as wide as the corners with round joins, in a group at the boxes' opacity;
    a box too small for that as the curves WeasyPrint draws for a rounded rect)."""
    boxes = []
    for rect in svg.iter("{http://www.w3.org/2000/svg}rect"):
        if rect.get("fill-opacity") == "0.85" and rect.get("rx") == "0.4":
            x, y, w, h = (float(rect.get(k)) for k in ("x", "y", "width", "height"))
            boxes.append((x, y, x + w, y + h))
    for path in svg.iter("{http://www.w3.org/2000/svg}path"):
        if path.get("class") == "label-boxes":  # too small for that: WeasyPrint's rounded rect
            assert path.get("fill-opacity") == "0.85"
            for sub in path.get("d").split("M")[1:]:
                xy = [float(v) for v in re.findall(r"-?[0-9.]+", sub)]
                boxes.append((min(xy[0::2]), min(xy[1::2]), max(xy[0::2]), max(xy[1::2])))
    for group in svg.iter("{http://www.w3.org/2000/svg}g"):
        if group.get("class") == "label-boxes":
            assert group.get("opacity") == "0.85"
            [path] = list(group)
            assert (path.get("stroke-width"), path.get("stroke-linejoin")) == ("0.800", "round")
            for x, y, w, h in re.findall(r"M(\S+) (\S+)h(\S+)v(\S+)h\S+z", path.get("d")):
                x0, y0 = float(x) - 0.4, float(y) - 0.4
                boxes.append((x0, y0, x0 + float(w) + 0.8, y0 + float(h) + 0.8))
    return sorted(tuple(round(v, 3) for v in box) for box in boxes)


def picture(svg: str) -> np.ndarray:
    """The drawing printed (WeasyPrint, as on a sheet) and read at 300 dpi: its pixels (RGB)."""
    width, height = (re.search(rf' {k}="([0-9.]+)mm"', svg).group(1) for k in ("width", "height"))
    pdf = to_pdf(f'<html><head><style>@page {{ size: {width}mm {height}mm; margin: 0 }}</style>'
                 f'</head><body style="margin:0"><img style="display:block;width:{width}mm" '
                 f'src="{data_address(svg)}"></body></html>')
    document = pdfium.PdfDocument(io.BytesIO(pdf))
    try:
        return document[0].render(scale=300 / 72).to_numpy()[:, :, :3].astype(np.int16)
    finally:
        document.close()


def blocks(pixels: np.ndarray, k: int = 8) -> np.ndarray:
    """The picture in blocks of k x k pixels (0.68 mm at 300 dpi), each its mean colour."""
    h, w = pixels.shape[0] // k * k, pixels.shape[1] // k * k
    return pixels[:h, :w].reshape(h // k, k, w // k, k, 3).mean(axis=(1, 3))


@pytest.mark.parametrize("case", CASES)
def test_the_printed_drawing_looks_the_same(case):
    editor, printed = (picture(drawn(case, paper)) for paper in (False, True))
    assert editor.shape == printed.shape
    # The same picture but for the anti-aliasing of the markers' edges (a disc is drawn round
    # and a ring in three curves where WeasyPrint's circle bulges by 0.6% between its four: a
    # hundredth of a mm; a dashed ring's dashes end as much further round):
    # no 0.68 mm square differs by more than a sixth of black on white (a marker moved by
    # 0.2 mm, a digit or a box missing differ by more), and the ink that differs is some
    # 40 pixels' worth (0.03 mm2) for each point at most, as it prints (a drawing to be printed
    # at half size is drawn here at twice its printed size).
    assert np.abs(blocks(editor) - blocks(printed)).max() <= 40
    points = len(print_drawings.point_marks(ET.fromstring(drawn(case, True))))
    larger = 1 / min(1.0, CASES[case][1].get("print_scale", 1.0))
    assert np.abs(editor - printed).sum() / 255 / 3 <= 40 * points * larger


def test_the_reader_finds_what_a_printed_drawing_lacks():
    """print_drawings.point_marks checks what it reads: a number whose digits are not all
    drawn, or a marker's circle away from its point's, is caught."""
    svg = drawn("true scale", True)
    text = re.search(r'(<text class="numbers"[^>]*>)(\d)', svg)
    other = "7" if text.group(2) != "7" else "1"
    with pytest.raises(AssertionError):
        print_drawings.point_marks(ET.fromstring(svg.replace(text.group(0),
                                                             text.group(1) + other, 1)))
    centre = re.search(r'class="centre" data-points="[^"]*"[^>]*d="M(\S+) ', svg).group(1)
    moved = svg.replace(f'd="M{centre} ', f'd="M{float(centre) + 0.2:.3f} ', 1)
    with pytest.raises(AssertionError):
        print_drawings.point_marks(ET.fromstring(moved))


def test_printed_outlines_keep_to_a_hundredth_of_a_mm():
    """A printed body map's and area's outlines are the drawn ones simplified (paths.PRINTED_MM):
    nowhere further from them than that and the hundredth their coordinates are written to, in
    a fraction of the vertices."""
    view = get_view("hips-thighs-posterior")
    shapes = [view.outline, *view.decor, *(r.geometry for r in view.regions)]
    drawn, printed = (MultiLineString([line for shape in shapes for line in _lines(
        path_d(shape, tolerance))]) for tolerance in (0.0, PRINTED_MM))
    assert drawn.hausdorff_distance(printed) <= PRINTED_MM + 0.01
    assert shapely.get_num_coordinates(printed) < shapely.get_num_coordinates(drawn) / 2


def _lines(d: str) -> list[list[tuple[float, float]]]:
    """Path data (paths.path_d: M, L and Z) as its lines' points."""
    return [[(float(x), float(y)) for x, y in re.findall(r"(-?[0-9.]+),(-?[0-9.]+)", part)]
            for part in d.split("M")[1:]]
