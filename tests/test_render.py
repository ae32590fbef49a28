"""The plan drawing: true scale, every point numbered, left and right written on it."""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET

import pytest

from planner import engine
from planner.bodymaps import atlas
from planner.core.compute import compute
from planner.core.plan_reader import from_dict
from planner.drawing import plan as drawing
from planner.drawing.pain_chart import CHART_H_MM, CHART_PAD, pain_chart_svg
from planner.drawing.style import identity
from planner.wording import edge_words
from tests.helpers import shapes
from tests.helpers.shapes import area, plan

SVG = "{http://www.w3.org/2000/svg}"


def parse(text: str) -> ET.Element:
    return ET.fromstring(text)


def test_a_plan_on_paper_is_drawn_in_millimetres_with_every_point():
    result = compute(from_dict(plan([area(shapes.RECTANGLE)],
                                    points=[{"x": 90, "y": 10, "label": "<b>tp</b>"}])))
    root = parse(drawing.plan_svg(result))
    assert root.get("width", "").endswith("mm") and root.get("height", "").endswith("mm")
    vb = [float(v) for v in re.split(r"[\s,]+", root.get("viewBox", "").strip())]
    assert float(root.get("width")[:-2]) == pytest.approx(vb[2], abs=0.01)
    numbers = [g.get("data-number") for g in root.iter(f"{SVG}g") if g.get("class") == "point"]
    assert numbers == [str(n) for n in range(1, len(result.points) + 1)]
    volumes = {g.get("data-volume-ml") for g in root.iter(f"{SVG}g") if g.get("class") == "point"}
    assert volumes == {"0.10"}
    circles = root.findall(f".//{SVG}g[@id='points']//{SVG}circle")
    assert (float(circles[0].get("cx")), float(circles[0].get("cy"))) == (20.0, 30.0)


def test_the_scale_bar_is_100_mm_long():
    result = compute(from_dict(plan([area(shapes.SQUARE)])))
    root = parse(drawing.plan_svg(result))
    legend = root.find(f".//{SVG}g[@id='legend']")
    bar = legend.find(f"{SVG}line")
    assert float(bar.get("x2")) - float(bar.get("x1")) == pytest.approx(100.0)
    assert "must measure 100 mm" in "".join(legend.itertext())


LIMB_VIEWS = [v.id for v in atlas.views() if v.single_limb and v.patient_right != "none"]


@pytest.mark.parametrize("side", ["right", "left"])
@pytest.mark.parametrize("view_id", LIMB_VIEWS)
def test_a_limbs_edges_say_lateral_and_medial_on_the_correct_side(view_id, side):
    """The lateral side of a right limb is the patient's right; of a left limb, the patient's
    left. Where the patient's right is drawn (the viewer's left on an anterior view) decides."""
    base = atlas.get_view(view_id, side=side)
    region = base.treatment_regions()[0].id
    result, view = engine.run(from_dict(plan([{"region": region}], bodymap=view_id, side=side)))
    root = parse(drawing.plan_svg(result, view))
    texts = {t.text: float(t.get("x")) for t in root.find(f".//{SVG}g[@id='orientation']")}
    patients_right_on_viewers_left = base.patient_right == "left"
    lateral_on_left = patients_right_on_viewers_left == (side == "right")
    assert (texts["LATERAL"] < texts["MEDIAL"]) is lateral_on_left
    assert "PATIENT'S RIGHT" not in texts and "PATIENT'S LEFT" not in texts
    part = view_id.split("-")[0].upper()
    assert f"{side.upper()} {part}" in texts  # "RIGHT KNEE": the site with its side in words
    assert root.find(f".//{SVG}g[@id='bodymap']") is not None


def test_the_trunk_keeps_the_patients_right_and_left():
    result, view = engine.run(from_dict(plan([{"region": "lumbar-posterior/paravertebral-left"}],
                                             bodymap="lumbar-posterior")))
    root = parse(drawing.plan_svg(result, view))
    texts = {t.text: float(t.get("x")) for t in root.find(f".//{SVG}g[@id='orientation']")}
    assert texts["PATIENT'S RIGHT"] > texts["PATIENT'S LEFT"]  # a posterior view
    assert "LATERAL" not in texts


def test_labels_from_the_plan_cannot_inject_markup():
    result = compute(from_dict(plan([area(shapes.SQUARE, label='<script>alert(1)</script>')])))
    text = drawing.plan_svg(result, title='<script>x</script>')
    assert "<script>" not in text
    parse(text)


def test_pain_chart_puts_each_score_at_its_height():
    import re

    from planner.core.outcomes import PainScore, trend
    t = trend([PainScore(1, 7, 5), PainScore(2, 6, 4), PainScore(3, 4, 3), PainScore(4, 3, 2)])
    svg = pain_chart_svg(t, ["1 Dec", "8 Dec", "15 Dec", "22 Dec"])
    top, bottom = CHART_PAD[1], CHART_H_MM - CHART_PAD[3]

    def height(cy: str) -> float:  # the score a y coordinate stands for
        return round(10 * (bottom - float(cy)) / (bottom - top), 6)

    befores = re.findall(r'<circle class="before" cx="[^"]+" cy="([^"]+)" data-score="(\d+)"',
                         svg)
    assert [(height(cy), int(s)) for cy, s in befores] == [(7, 7), (6, 6), (4, 4), (3, 3)]
    afters = re.findall(r'<circle class="after" cx="[^"]+" cy="([^"]+)" data-score="(\d+)"', svg)
    assert [height(cy) for cy, _s in afters] == [5, 4, 3, 2]
    lines = re.findall(r'<line class="reference" [^>]*y1="([^"]+)"', svg)
    assert [height(y) for y in lines] == [7, 4.9, 3.5]
    names = [" ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", m))
             for m in re.findall(r'<text class="line-name"[^>]*>(.*?)</text>', svg)]
    assert names == ["baseline", "\u221230%: moderately important", "\u221250%: substantial"]
    assert "22 Dec" in svg


@pytest.mark.parametrize("language", ["en", "it", "es"])
@pytest.mark.parametrize("crop", [False, True])
def test_the_patients_right_and_left_never_run_into_each_other(language, crop):
    """Both sides are written on one line at the drawing's edges, at least ORIENTATION_GAP_MM
    apart (in Spanish on a cropped knee they were 4 mm apart). Measured with the bold
    sans-serif the printouts use here (DejaVu Sans Bold)."""
    from PIL import ImageFont

    from planner.bodymaps import atlas
    from planner.printing.templates import translations

    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 100)
    text = translations(language).gettext
    checked = 0
    for view in atlas.views():
        if view.patient_right not in ("left", "right"):
            continue
        region = next(r for r in view.regions if r.kind == "treatment")
        side = "right" if view.single_limb else "bilateral"
        result, drawn = engine.run(from_dict(plan([{"region": region.id, "spacing_mm": 20}],
                                                  bodymap=view.id, side=side)))
        root = parse(drawing.plan_svg(result, drawn, text=text, language=language, crop=crop))
        layer = root.find(f".//{SVG}g[@id='orientation']")
        size = float(layer.get("font-size"))
        extents = []
        for t in layer.findall(f"{SVG}text")[:2]:
            width = font.getlength(t.text) / 100 * size
            x = float(t.get("x"))
            extents.append((x, x + width) if t.get("text-anchor") == "start" else (x - width, x))
        (_a0, a1), (b0, _b1) = sorted(extents)
        assert b0 - a1 >= drawing.ORIENTATION_GAP_MM, (view.id, size, extents)
        checked += 1
    assert checked >= 5


def chart_lines(svg: str) -> list[tuple[str, float, float, str, float, str | None, str]]:
    """Every line of words of a pain chart: text, x, y (its baseline), anchor, size in mm,
    rotation and class (a line's name is written in several lines, each a tspan)."""
    root = parse(svg)
    out = []

    def walk(node: ET.Element, size: float, anchor: str) -> None:
        size = float(node.get("font-size", size))
        anchor = node.get("text-anchor", anchor)
        if node.tag != f"{SVG}text":
            for child in node:
                walk(child, size, anchor)
            return
        x, y = float(node.get("x", 0)), float(node.get("y", 0))
        if node.text and node.text.strip():
            out.append((node.text, x, y, anchor, size, node.get("transform"),
                        node.get("class", "")))
        for span in node.findall(f"{SVG}tspan"):
            x = float(span.get("x", x))
            y += float(span.get("dy", 0))
            out.append((span.text or "", x, y, anchor, size, None, node.get("class", "")))

    walk(root, 16.0, "start")
    return out


@pytest.mark.parametrize("language", ["en", "it", "es"])
@pytest.mark.parametrize(("scale", "befores"), [
    ("nrs", [7, 6, 4, 3]),  # the lines in the middle
    ("nrs", [10, 9, 6]),  # high
    ("nrs", [1, 1, 0]),  # low: the names stacked at the bottom edge
    ("nrs", [0, 0]),  # the lowest: without room below, the names are moved up
    ("nrs", [3, 3, 2, 2, 1, 1]),
    ("vas", [85, 60, 40, 30, 20]),
    ("vas", [4, 3]),
])
def test_no_word_of_the_pain_chart_runs_past_its_edges(language, scale, befores):
    """Every word of the chart lies inside its viewBox, in every language: the 30% line's name
    lost its last letter in Italian (moderatamente importante) and two in Spanish. Widths are
    measured with DejaVu Sans (what draws "Helvetica, Arial, sans-serif" here, wider than
    either) and never taken below 0.6 em a letter; 0.8 em above a baseline, 0.25 below."""
    from PIL import ImageFont

    from planner.core.outcomes import PainScore, trend
    from planner.printing.templates import translations

    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 100)
    t = trend([PainScore(k + 1, b, max(0, b - 1)) for k, b in enumerate(befores)], scale)
    labels = [f"{k + 3} {'mar' if language == 'it' else 'Mar'}" for k in range(len(befores))]
    svg = pain_chart_svg(t, labels, text=translations(language).gettext)
    vb = [float(v) for v in re.split(r"[\s,]+", parse(svg).get("viewBox", "").strip())]
    x_min, y_min, x_max, y_max = vb[0], vb[1], vb[0] + vb[2], vb[1] + vb[3]
    names = []
    for words, x, y, anchor, size, rotation, kind in chart_lines(svg):
        width = max(font.getlength(words) / 100, 0.6 * len(words)) * size
        start = {"start": 0.0, "middle": -width / 2, "end": -width}[anchor]
        if rotation:  # the scale's name, turned a quarter: along the height
            assert rotation.startswith("rotate(-90 "), rotation
            assert y_min <= y + start and y - start <= y_max, (words, y, width)
            assert x - 0.8 * size >= x_min, (words, x)
            continue
        assert x_min <= x + start and x + start + width <= x_max, \
            (words, round(x + start + width - x_max, 2))
        assert y - 0.8 * size >= y_min and y + 0.25 * size <= y_max, (words, y)
        if kind == "line-name":
            names.append((y, size, words))
    assert len(names) >= 5
    names.sort()
    for (y0, size, w0), (y1, _s, w1) in itertools.pairwise(names):
        assert y1 - y0 >= size, f"{w0!r} and {w1!r} overlap"


@pytest.mark.parametrize(("language", "thirty"), [("it", "\u221230%:"), ("es", "\u221230\xa0%:")])
def test_the_reduction_lines_are_named_the_locales_way(language, thirty):
    from planner.core.outcomes import PainScore, trend
    from planner.printing.templates import translations

    t = trend([PainScore(1, 7, 5), PainScore(2, 5, 3)], "nrs")
    svg = pain_chart_svg(t, ["3", "10"], text=translations(language).gettext)
    names = [" ".join(re.findall(r"<tspan[^>]*>([^<]*)</tspan>", m))
             for m in re.findall(r'<text class="line-name"[^>]*>(.*?)</text>', svg)]
    assert names[1].startswith(thirty + " "), names


EDGE_VIEWS = [v.id for v in atlas.views() if v.single_limb and v.edges]


@pytest.mark.parametrize("side", ["right", "left"])
@pytest.mark.parametrize("view_id", EDGE_VIEWS)
def test_a_limbs_top_and_bottom_say_what_they_face(view_id, side):
    """Proximal at the top of a knee, distal at its foot; a hand's fingers (distal) up; what
    the left and right edges of a lateral view face swap with the mirror image of a left limb."""
    base = atlas.get_view(view_id, side=side)
    result, view = engine.run(from_dict(plan([{"region": base.treatment_regions()[0].id}],
                                             bodymap=view_id, side=side)))
    layer = parse(drawing.plan_svg(result, view)).find(f".//{SVG}g[@id='orientation']")
    at = {t.text: (float(t.get("x")), float(t.get("y"))) for t in layer.iter(f"{SVG}text")}
    top, bottom = base.edges["top"].upper(), base.edges["bottom"].upper()
    assert at[top][1] < 10 < at[bottom][1]  # the top's word at the top, the bottom's below
    assert at[bottom][1] > base.height_mm - 10
    if "left" in base.edges:
        left, right = base.edges["left"].upper(), base.edges["right"].upper()
        assert at[left][0] < at[right][0]
        mirrored = atlas.get_view(view_id, side="left" if side == "right" else "right")
        assert (mirrored.edges["left"], mirrored.edges["right"]) == (base.edges["right"],
                                                                     base.edges["left"])
    assert not [t for t in at if t.startswith("PATIENT'S")]  # a limb: its own words
    [box] = layer.iter(f"{SVG}rect")  # the bottom's word on a light box, over the drawing
    assert float(box.get("y")) < at[bottom][1] < float(box.get("y")) + float(box.get("height"))


def test_the_hand_is_drawn_with_the_fingers_up_and_the_thumb_lateral():
    """The words agree with the drawing: the thumb's joints lie on the lateral edge's half."""
    hand = atlas.get_view("hand-dorsal", side="right")
    thumb = hand.region("thumb-joints").geometry.centroid
    fingers = hand.region("finger-joints").geometry.centroid
    wrist = hand.region("wrist").geometry.centroid
    assert hand.edges["left"] == "lateral" and thumb.x < hand.width_mm / 2
    assert hand.edges["top"] == "distal" and fingers.y < wrist.y


def test_the_ankle_and_hip_face_forward_where_their_edges_say():
    ankle = atlas.get_view("ankle-lateral", side="right")
    assert ankle.edges["right"] == "anterior"
    assert ankle.region("fifth-metatarsal-base").geometry.centroid.x > \
        ankle.region("achilles").geometry.centroid.x  # the toes forward, the heel behind
    hip = atlas.get_view("hip-lateral", side="right")
    assert hip.edges["top"] == "proximal"
    assert hip.region("iliac-crest").geometry.centroid.y < \
        hip.region("greater-trochanter").geometry.centroid.y


def test_a_limb_with_no_edges_said_keeps_its_name_and_its_insets_words():
    result, view = engine.run(from_dict(plan([{"region": "elbow-lateral/radial-head"}],
                                             bodymap="elbow-lateral", side="right")))
    layer = parse(drawing.plan_svg(result, view)).find(f".//{SVG}g[@id='orientation']")
    words = {pin: [t.text for t in layer if t.tag == f"{SVG}text" and t.get("data-pin") == pin]
             for pin in ("site", "caption", "part")}
    # No word at the frame's edges (the insets face opposite ways): the site's name, under each
    # inset what it shows (data-caption), and each inset's own PROXIMAL and DISTAL (its humerus
    # and its forearm: planner/drawing/part_words.py), in the reader's words.
    assert words["site"] == ["RIGHT ELBOW"]
    captions = [edge_words(identity)[c.word] for c in view.captions]
    assert captions and sorted(words["caption"]) == sorted(captions)
    assert sorted(words["part"]) == ["DISTAL", "DISTAL", "PROXIMAL", "PROXIMAL"]
    texts = [t.text for t in layer if t.tag == f"{SVG}text"]
    assert not {"PATIENT'S RIGHT", "PATIENT'S LEFT"} & set(texts)
    assert len(texts) == sum(len(w) for w in words.values())
