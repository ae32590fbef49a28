"""The last defects a reviewer saw on the printouts and the stencil (issue 17), each read back as
the reviewer read it:

- a map printed below (or at) true scale shows no strip of the body's lines along its bottom
  edge (the drawing went on under its legend's white band; a PDF reader drew its edge);
- on a face drawing the patient's right and left cover no eye, landmark or danger zone (a
  drawing cropped to the cheeks started at the eyes): on the sheet, in a band above it, and on
  the stencil, where the words keep off the drawing's lines too;
- a grid's row letter sits at its own row's end (its first point, else its last), on the sheet,
  the stencil and, through the anchors the editor lays them out from, the screen;
- a trigger point's ruler legs: no two of different walks side by side on one line, every leg's
  millimetres written, crossing no other leg and nearer their own leg than another walk's;
- a stencil's edge words cross none of the drawing's lines, or sit on a white box.
"""

from __future__ import annotations

import math
import re
import subprocess
import xml.etree.ElementTree as ET
from functools import cache

import numpy as np
import pytest
import shapely

from planner import engine
from planner.core.plan_reader import from_dict
from planner.core.point_names import grid_names
from planner.drawing.labels import ASCENT_EM, PAD_EM, text_width
from planner.drawing.plan import point_radius
from planner.drawing.stencil import stencil_tiles
from planner.drawing.stencil_legs import LEG_MM, SEPARATE_MM
from planner.drawing.stencil_words import ASCENT_EM as STENCIL_ASCENT
from planner.drawing.stencil_words import DESCENT_EM
from planner.drawing.style import LABEL_SIZE_MM
from planner.printing import plan_pages
from planner.printing.paper import SheetInfo, usable_mm
from planner.printing.pdf import laid_out
from planner.printing.sheet_map import fitted_map
from planner.printing.templates import translations
from planner.wording import tile_edge_words
from tests.helpers.paper_cases import CASES, plan_document
from tests.helpers.pdf_words import _drawings, pdf_pages

SVG = "{http://www.w3.org/2000/svg}"
MATTERS = ("no-go", "warning", "landmark")


def areas(view: str, regions: list[str], spacing: float, **extra) -> dict:
    return {"format": "mesoplanner.plan/1", "bodymap": view,
            "areas": [{"label": r.split("/")[1], "region": r, "spacing_mm": spacing,
                       "volume_ml": "0.05", "depth_mm": 2} for r in regions], **extra}


# The plans the reviewer walked: a face plan on both cheeks, a dense knee at 5 mm, a cellulite
# plan at 10 mm, an elbow plan.
PLANS = {
    "face": areas("face-frontal", ["face-frontal/cheek-right", "face-frontal/cheek-left"], 10,
                  treatment="face"),
    "knee": areas("knee-anterior", ["knee-anterior/medial"], 5, side="right",
                  treatment="antalgic"),
    "cellulite": areas("hips-thighs-posterior", ["hips-thighs-posterior/lateral-thigh-left",
                                                  "hips-thighs-posterior/lateral-thigh-right"],
                       10, treatment="cellulite"),
    "elbow": areas("elbow-lateral", ["elbow-lateral/lateral-epicondyle"], 5, side="right",
                   treatment="antalgic"),
}


@cache
def run(name: str):
    return engine.run(from_dict(PLANS[name]))


def svg_root(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def viewbox(element: ET.Element) -> list[float]:
    return [float(v) for v in re.split(r"[ ,]+", element.get("viewBox").strip())]


def shown(element: ET.Element) -> bool:
    return element.get("display") != "none"


# --- 1 and 2: the face's compact sheet, read back as printed -----------------------------------

@pytest.fixture(scope="module")
def face_compact():
    """The face plan's compact sheet on Letter in Spanish: its map printed at 59%."""
    return printed("face", SheetInfo(language="es", paper="letter", compact=True))


def the_map(pages):
    """The page and drawing of the sheet's map (the drawing with the body map)."""
    for page in pages:
        for drawing in page.drawings:
            if drawing.svg.find(f".//{SVG}g[@id='bodymap']") is not None:
                return page, drawing
    raise AssertionError("no map drawn")


@pytest.mark.parametrize(("name", "language", "paper", "compact"), [
    ("cellulite", "en", "a4", False), ("face", "es", "letter", True),
    ("knee", "it", "a4", False)])
def test_a_maps_body_stops_at_its_frame_not_under_its_legend(name, language, paper, compact):
    """Reduced (the cellulite plan at 49%, the compact face at 59%) or at true scale (the
    knee): the body's lines end at the drawing's frame (its lines' width past it), none runs
    on under the legend's white band to the drawing's edge."""
    result, view = run(name)
    info = SheetInfo(language=language, paper=paper, compact=compact)
    width = 92.0 if compact else usable_mm(paper)[0]
    svg, _scale = fitted_map(result, view, info, width, 200.0)
    root = svg_root(svg)
    x, _y, w, _h = viewbox(root)
    band = root.find(f".//{SVG}rect[@id='legend-band']")
    bottom = float(band.get("y"))
    body = root.find(f".//{SVG}g[@id='bodymap']")
    coords = [(float(a), float(b)) for path in body.iter(f"{SVG}path")
              for a, b in re.findall(r"(-?[0-9.]+),(-?[0-9.]+)", path.get("d"))]
    assert max(cy for _cx, cy in coords) <= bottom + 2.5, "the body runs on under the legend"
    assert x - 2.5 <= min(cx for cx, _cy in coords) and max(cx for cx, _cy in coords) <= \
        x + w + 2.5


def printed(name: str, info: SheetInfo):
    """A plan's sheet as printed: the PDF and its pages read back."""
    result, view = run(name)
    document = laid_out(plan_pages.sheet_html(result, view, info))
    drawings = [tuple(_drawings(page)) for page in document.pages]
    pdf = document.write_pdf()
    return pdf, pdf_pages(pdf, drawings)


@pytest.fixture(scope="module")
def cellulite_sheet():
    """The cellulite plan's sheet, A4 in English: its map printed at 49%."""
    return printed("cellulite", SheetInfo(language="en"))


def test_a_reduced_map_shows_no_strip_of_the_body_along_its_bottom_edge(cellulite_sheet,
                                                                        tmp_path):
    """As a reviewer saw it (poppler's pdftoppm): the rows along the map's bottom edge, where
    its legend's band ends, are paper."""
    pdf, pages = cellulite_sheet
    page, drawing = the_map(pages)
    assert any(w.text == "49%" for w in page.words), "the map is printed reduced"
    drawing_box = drawing.box
    (tmp_path / "sheet.pdf").write_bytes(pdf)
    dpi = 150
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page.number), "-l",
                    str(page.number), "-singlefile", str(tmp_path / "sheet.pdf"),
                    str(tmp_path / "page")], check=True)
    from PIL import Image

    pixels = np.asarray(Image.open(tmp_path / "page.png").convert("L"))
    px = dpi / 72
    x0, _y0, x1, y1 = (round(v * px) for v in drawing_box)
    # The legend's band ends the drawing: its last rows, and the first below it, are paper.
    strip = pixels[round(y1) - 3:round(y1) + 2, x0 + 2:x1 - 2]
    assert strip.min() >= 245, f"{int((strip < 245).sum())} pixels drawn along the edge"


def test_the_patients_sides_sit_above_the_faces_eyes_on_the_printed_sheet(face_compact):
    _pdf, pages = face_compact
    page, drawing = the_map(pages)
    _result, view = run("face")
    vb = viewbox(drawing.svg)
    bx0, by0, bx1, by1 = drawing.box
    k = vb[2] / (bx1 - bx0)

    def to_view(box):
        return (vb[0] + (box[0] - bx0) * k, vb[1] + (box[1] - by0) * k,
                vb[0] + (box[2] - bx0) * k, vb[1] + (box[3] - by0) * k)

    words = [w for w in page.words if w.text in ("DERECHA", "IZQUIERDA", "PACIENTE")
             and bx0 <= w.box[0] and w.box[2] <= bx1 and by0 <= w.box[1] and w.box[3] <= by1]
    assert len(words) == 4, [w.text for w in words]
    drawn = visible_body(drawing.svg)
    for word in words:
        box = shapely.box(*to_view(word.box))
        covered = [r.id for r in view.regions if r.kind in MATTERS and
                   r.geometry.intersection(drawn).intersects(box)]
        assert not covered, (word.text, covered)


def visible_body(svg: ET.Element) -> shapely.Polygon:
    """The part of the view the drawing shows the body in: below its words' band, if any."""
    x, y, w, h = viewbox(svg)
    band = svg.find(f".//{SVG}rect[@class='words-band']")
    top = y if band is None else float(band.get("y")) + float(band.get("height"))
    return shapely.box(x, top, x + w, y + h)


@pytest.mark.parametrize("language", ["it", "es", "en"])
@pytest.mark.parametrize("compact", [False, True])
def test_the_patients_sides_cover_no_eye_landmark_or_danger_zone(language, compact):
    """The sheet's map of the face's cheeks (full and compact), in each language: each side
    word, as drawn, lies on no eye, landmark or danger zone that the drawing shows."""
    result, view = run("face")
    info = SheetInfo(language=language, compact=compact)
    width = 92.0 if compact else usable_mm(info.paper)[0]
    svg, _scale = fitted_map(result, view, info, width, 200.0)
    root = svg_root(svg)
    drawn = visible_body(root)
    words = root.find(f".//{SVG}g[@id='orientation']")
    size = float(words.get("font-size"))
    found = 0
    for t in words.iter(f"{SVG}text"):
        if t.get("data-pin") not in ("left", "right"):
            continue
        found += 1
        box = shapely.box(*word_box(t, size, bold=True))
        covered = [r.id for r in view.regions if r.kind in MATTERS and
                   r.geometry.intersection(drawn).intersects(box)]
        assert not covered, (t.text, covered)
    assert found == 2


def word_box(t: ET.Element, size: float, bold: bool = False):
    x, y = float(t.get("x")), float(t.get("y"))
    wide = text_width(t.text, size, bold)
    left = x - {"start": 0.0, "middle": wide / 2, "end": wide}[t.get("text-anchor", "start")]
    return left, y - ASCENT_EM * size, left + wide, y + (1 - ASCENT_EM) * size


# --- 2 and 5: the stencil's edge words -----------------------------------------------------------

def tiles(name: str, language: str = "en", triggers=()):
    doc = dict(PLANS[name])
    if triggers:
        doc = {**doc, "points": [{"x": x, "y": y, "volume_ml": "0.10"} for x, y in triggers]}
    result, view = engine.run(from_dict(doc))
    _ = translations(language).gettext
    back = plan_pages.backdrop(view, language, tile_edge_words(_))
    width, height = usable_mm("a4")
    return result, view, back, list(stencil_tiles(result, width, height - 30.0, back, 8.0))


@pytest.mark.parametrize(("name", "language"), [("face", "it"), ("face", "es"), ("face", "en"),
                                                ("knee", "en"), ("cellulite", "es")])
def test_a_stencils_edge_words_cross_no_line_cover_no_landmark_and_hide_no_point(name, language):
    result, view, back, laid = tiles(name, language)
    lines = [*back.decor, back.outline.boundary]
    eyes = [r.geometry for r in view.regions if r.kind in ("no-go", "warning")]
    for tile in laid:
        root = svg_root(str(tile.svg))
        x, y, w, h = viewbox(root)
        frame = shapely.box(x, y, x + w, y + h)
        drawn = [*lines, result.areas[tile.area].shape.surface.boundary]  # its own area's
        dots = [shapely.Point(p.x, p.y).buffer(0.5) for p in result.points
                if frame.contains(shapely.Point(p.x, p.y))]
        boxes = [tuple(float(r.get(k)) for k in ("x", "y", "width", "height"))
                 for r in root.iter(f"{SVG}rect") if r.get("class") == "side-word-box"]
        seen = 0
        for t in root.iter(f"{SVG}text"):
            if t.get("class") != "side-word":
                continue
            seen += 1
            size = 2.8
            left, base = float(t.get("x")), float(t.get("y"))
            box = shapely.box(left, base - STENCIL_ASCENT * size,
                              left + text_width(t.text, size), base + DESCENT_EM * size)
            assert frame.contains(box), (t.text, "cut at the tile's edge")
            assert not any(lm.geometry.intersects(box) for lm in back.landmarks), t.text
            assert not any(e.intersects(box) for e in eyes), (t.text, "over an eye or zone")
            assert not any(d.intersects(box) for d in dots), (t.text, "over a point")
            crossed = any(line.intersection(frame).intersects(box) for line in drawn)
            boxed = any(bx <= box.bounds[0] and by <= box.bounds[1] and
                        box.bounds[2] <= bx + bw and box.bounds[3] <= by + bh
                        for bx, by, bw, bh in boxes)
            assert boxed or not crossed, (t.text, "across the drawing's lines")
        assert seen >= 2, "the tile says which way it faces"


# --- 3: a row's letter at its own row's end ------------------------------------------------

def rows_of(result) -> dict[str, list[tuple[float, float]]]:
    names = grid_names(result).names
    rows: dict[str, list[tuple[float, float]]] = {}
    for name, (x, y) in zip(names, result.xy.tolist(), strict=True):
        if name:
            rows.setdefault(name.rstrip("0123456789"), []).append((x, y))
    return rows


def at_its_rows_end(box, row: list[tuple[float, float]], r: float, size: float, text: str,
                    pitch: float) -> str | None:
    """What is wrong with a row letter's box (None: beside its row's first or last point, on
    the row's line, no farther out than its second lane)."""
    xs = [x for x, _y in row]
    y = sum(yy for _x, yy in row) / len(row)
    if abs((box[1] + box[3]) / 2 - y) > pitch / 2:
        return f"{text} off its row's line"
    lane = text_width(text, size, True) + 0.3 * size
    reach = r + 0.3 * size + lane + PAD_EM * size + 0.5
    if box[2] <= min(xs) and min(xs) - box[2] <= reach:
        return None
    if box[0] >= max(xs) and box[0] - max(xs) <= reach:
        return None
    return f"{text} at x {box[0]:.1f}-{box[2]:.1f}, its row from {min(xs):.1f} to {max(xs):.1f}"


@pytest.mark.parametrize("name", ["knee", "elbow", "cellulite"])
def test_each_row_letter_sits_at_its_own_rows_end_on_the_sheets_map(name):
    result, view = run(name)
    info = SheetInfo(language="en")
    svg, scale = fitted_map(result, view, info, usable_mm(info.paper)[0], 200.0)
    root = svg_root(svg)
    size, r = LABEL_SIZE_MM / scale, point_radius(result, scale)
    rows = rows_of(result)
    pitch = min(a.area.spacing_mm for a in result.areas) * 0.8
    letters = [t for t in root.iter(f"{SVG}text") if t.get("class") == "grid-row" and shown(t)]
    assert len(letters) >= 8
    wrong = [at_its_rows_end(word_box(t, size, True), rows[t.text], r, size, t.text, pitch)
             for t in letters]
    assert not [w for w in wrong if w], wrong
    # The editor lays the letters out again from their anchors: each row's own ends.
    for t in root.iter(f"{SVG}text"):
        if t.get("class") == "grid-row":
            xs = [x for x, _y in rows[t.text]]
            assert math.isclose(float(t.get("data-x")), min(xs), abs_tol=0.01), t.text
            assert math.isclose(float(t.get("data-x2")), max(xs), abs_tol=0.01), t.text


def test_each_row_letter_sits_at_its_own_rows_end_on_the_stencil():
    result, _view, _back, laid = tiles("knee")
    rows = rows_of(result)
    letters = []
    for tile in laid:
        for t in svg_root(str(tile.svg)).iter(f"{SVG}text"):
            if t.get("font-weight") == "bold" and re.fullmatch(r"[A-Z]+", t.text or ""):
                letters.append(t)
    assert len(letters) >= 15
    wrong = [at_its_rows_end(word_box(t, 2.8, True), rows[t.text], 0.6, 2.8, t.text, 4.0)
             for t in letters]
    assert not [w for w in wrong if w], wrong


# --- 4: a trigger point's ruler legs --------------------------------------------------------

SHOULDER = next(c for c in CASES if c.name == "shoulder-20mm-triggers")


# Two trigger points 3-5 mm apart by the patella: legs from the same landmarks on one line,
# or parallel a few mm apart (to the side, below, diagonally).
KNEE_PAIRS = (((100, 150), (103, 152)), ((100, 150), (100, 154)), ((100, 150), (105, 150)),
              ((100, 120), (96, 124)))


def merged(a: shapely.LineString, b: shapely.LineString) -> bool:
    """Two legs drawn as one: on one line, one within the other, from or to one end."""
    ends = any(math.dist(p, q) < 0.05 for p in a.coords for q in b.coords)
    return ends and (a.buffer(0.05).contains(b) or b.buffer(0.05).contains(a))


def trigger_tiles():
    """Trigger points a few mm apart near one landmark: the shoulder case's, and pairs by the
    knee's patella (KNEE_PAIRS)."""
    result, view = engine.run(from_dict(plan_document(SHOULDER)))
    back = plan_pages.backdrop(view, "es", tile_edge_words(translations("es").gettext))
    width, height = usable_mm("a4")
    yield from (t for t in stencil_tiles(result, width, height - 30.0, back, 8.0)
                if t.area is None)
    for pair in KNEE_PAIRS:
        _r, _v, _b, laid = tiles("knee", triggers=pair)
        yield from (t for t in laid if t.area is None)


@pytest.mark.parametrize("tile", list(trigger_tiles()),
                         ids=["shoulder", *(f"knee-{a}-{b}" for a, b in KNEE_PAIRS)])
def test_every_leg_of_a_trigger_point_is_drawn_apart_and_its_length_readable(tile):
    root = svg_root(str(tile.svg))
    legs = {t.get("data-leg"): t for t in root.iter(f"{SVG}line") if t.get("class") == "leg"}
    lengths = {t.get("data-leg"): t for t in root.iter(f"{SVG}text")
               if t.get("class") == "leg-length"}
    walks = sum(len(found) for _p, found in tile.triggers)
    assert len(legs) >= walks, "a leg for each landmark of each point"
    assert set(lengths) == set(legs), "every leg has its millimetres"
    lines = {k: shapely.LineString([(float(e.get("x1")), float(e.get("y1"))),
                                    (float(e.get("x2")), float(e.get("y2")))])
             for k, e in legs.items()}
    boxes = {}
    for k, t in lengths.items():
        left, base = float(t.get("x")), float(t.get("y"))
        boxes[k] = shapely.box(left, base - STENCIL_ASCENT * LEG_MM,
                               left + text_width(t.text, LEG_MM), base + DESCENT_EM * LEG_MM)
    for k, box in boxes.items():
        assert not any(box.intersects(o) for j, o in boxes.items() if j != k), "on another"
        assert not any(box.intersects(line) for j, line in lines.items() if j != k), \
            (lengths[k].text, "across another leg")
        own = box.distance(lines[k])
        nearer = [lengths[j].text for j, line in lines.items()
                  if j != k and not line.touches(lines[k]) and not merged(line, lines[k])
                  and box.distance(line) < own]
        assert not nearer, (lengths[k].text, "nearer the legs of", nearer)
    # No two legs side by side (parallel, nearer than SEPARATE_MM, overlapping), but those
    # that meet end to end (one walk's two legs, or two walks to one point) and those merged
    # into one: on one line to one end (two walks to one point, or from one landmark).
    for (a, la), (b, lb) in [(p, q) for p in lines.items() for q in lines.items() if p < q]:
        if la.touches(lb) or la.length < 1 or lb.length < 1 or merged(la, lb):
            continue
        da = np.subtract(la.coords[1], la.coords[0]) / la.length
        db = np.subtract(lb.coords[1], lb.coords[0]) / lb.length
        if abs(da[0] * db[1] - da[1] * db[0]) < 0.17 and la.distance(lb) < SEPARATE_MM - 0.5:
            side = la.buffer(SEPARATE_MM - 0.5, cap_style="flat").intersection(lb).length
            assert side < 1.0, (lengths[a].text, lengths[b].text, "side by side")


# --- 6: a warning counts its points as a clinician writes --------------------------------

@pytest.mark.parametrize(("language", "words"), [
    ("en", ("3 points lie in a danger zone: Right infraorbital (", "Danger zone")),
    ("it", ("Zona di pericolo infraorbitaria destra (", "punto/i")),
    ("es", ("Zona de peligro infraorbitaria derecha (", "punto(s)"))])
def test_the_sheet_says_how_many_points_lie_in_a_danger_zone(language, words):
    """The sheet's warnings (the print path's own catalogue): "3 points lie ...", "3 punti"."""
    from planner.printing.templates import environment

    result, _view = run("face")
    detail = environment(language).globals["detail"]
    said = [detail(w) for w in result.warnings if w.code == "danger-zone"]
    assert said and all("(s)" not in text for text in said), said
    right = next(text for text in said if words[0] in text)
    assert words[1] not in right
    assert {"en": "3 points", "it": "3 punti", "es": "3 puntos"}[language] in right, right
