"""The stencil that can be placed and the point table that can be measured (issue 17, item
3): landmarks named on the tiles, the words of each point's position agreeing with the words
at the drawing's edges and with the geometry, no two words overlapping, none cut, none under
2 mm, on every view with landmarks."""

from __future__ import annotations

import html as html_text
import math
import re
from collections import Counter
from dataclasses import replace

import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from planner import engine, wording
from planner.bodymaps.atlas import get_view, views
from planner.core.plan_reader import from_dict
from planner.core.whereabouts import whereabouts
from planner.drawing.plan import plan_svg
from planner.printing import plan_pages
from planner.printing.paper import SheetInfo
from planner.printing.pdf import to_pdf
from planner.printing.templates import translations
from tests.helpers.stencil_words import knee_doc, overlapping, page_words, tile_frames

INFO = SheetInfo(patient_name="Verdi, Giulia", plan_id=12, plan_version=3)
VIEWS = [(v.id, side) for v in views() if v.landmarks()
         for side in (("right", "left") if v.single_limb else (None,))]


def identity(text: str) -> str:
    return text


def edge_words_drawn(view) -> dict[str, str]:
    """The words the plan drawing writes at its left and right edges (its orientation)."""
    result, _ = engine.run(from_dict({"format": "mesoplanner.plan/1", "bodymap": view.id,
                                      "side": view.side or "none", "treatment": "antalgic",
                                      "areas": []}))
    svg = plan_svg(result, view)
    group = re.search(r'<g[^>]*id="orientation".*?</g>', svg, re.S)
    assert group
    found = {}
    for anchor, word in re.findall(r'<text[^>]*text-anchor="(start|end)"[^>]*>([^<]+)<',
                                   group.group(0)):
        found["left" if anchor == "start" else "right"] = word
    return found


@pytest.mark.parametrize(("view_id", "side"), VIEWS)
def test_the_position_words_are_the_words_at_the_drawings_edges(view_id, side):
    view = get_view(view_id, side)
    axes = plan_pages.view_axes(view)
    drawn = edge_words_drawn(view)
    words = wording.tile_edge_words(identity)
    for edge, code in (("left", axes.left), ("right", axes.right)):
        if code in words and edge in drawn:
            assert drawn[edge] == words[code], (view_id, side, edge)
            if code in wording.edge_words(identity):  # a limb: lateral, medial...
                assert wording.direction_words(identity)[code] == words[code].lower()


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(VIEWS), st.floats(0, 1), st.floats(0, 1))
def test_a_point_says_the_side_it_lies_on(view_side, fx, fy):
    view = get_view(*view_side)
    x0, y0, x1, y1 = view.outline.bounds
    x, y = x0 + fx * (x1 - x0), y0 + fy * (y1 - y0)
    if not view.outline.contains(shapely.Point(x, y)):
        return
    landmarks = plan_pages.view_landmarks(view, "en")
    axes = plan_pages.view_axes(view)
    lm = min(landmarks, key=lambda m: math.dist((x, y), m.centre))
    where = whereabouts(x, y, lm, axes)
    cx, cy = lm.centre
    words = wording.direction_words(identity)
    text = wording.offsets_text(where, identity)
    if abs(x - cx) >= 0.5:
        side_code = axes.left if x < cx else axes.right
        assert f"{math.floor(abs(x - cx) + 0.5)} mm {words[side_code]}" in text
    if abs(y - cy) >= 0.5:
        side_code = axes.up if y < cy else axes.down
        assert f"{math.floor(abs(y - cy) + 0.5)} mm {words[side_code]}" in text


def stencil(doc, info=INFO):
    result, view = engine.run(from_dict(doc))
    return result, view, to_pdf(plan_pages.stencil_html(result, view, info))


@pytest.mark.parametrize(("spacing", "side", "language"), [(15, "right", "en"),
                                                           (6, "left", "it"),
                                                           (8, "right", "es")])
def test_every_tile_names_its_landmarks_and_no_word_overlaps_or_is_cut(spacing, side,
                                                                      language):
    result, view, pdf = stencil(knee_doc(spacing, side), replace(INFO, language=language))
    pages, frames = page_words(pdf), tile_frames(pdf)
    names = {lm.name for lm in plan_pages.view_landmarks(view, language)}
    # The drawing's words are read back without their spaces (its text has no space glyphs
    # for a reader to split on): compare the names without them.
    text = "".join(w["text"] for page in pages for w in page)
    for name in names:
        assert name.replace(" ", "") in text, name
    for words, (fx0, ftop, fx1, fbottom) in zip(pages, frames, strict=True):
        assert not overlapping(words), overlapping(words)[:5]
        inside = [w for w in words if fx0 - 0.1 <= w["x0"] and w["x1"] <= fx1 + 0.1
                  and ftop - 0.1 <= w["top"] and w["bottom"] <= fbottom + 0.1]
        drawn = [w for w in words if w["top"] > ftop - 0.1 and w["bottom"] < fbottom + 3
                 and w not in inside and w["top"] < fbottom]
        assert not drawn, f"words cut at the tile's edge: {drawn[:3]}"
        assert all(w["size"] >= 2.0 for w in inside), min(w["size"] for w in inside)
    numbers = {int(w["text"]) for page in pages for w in page if w["text"].isdigit()}
    letters = {w["text"] for page in pages for w in page
               if w["text"].isalpha() and w["text"].isupper() and len(w["text"]) <= 2}
    # Every point is found: by its number, or where a number found no place that is its own
    # (the 6 mm grid), by its row's letter and column's number, as the point table names it.
    assert {p.number for p in result.points} <= numbers or {"A", "B", "C"} <= letters


def test_a_trigger_point_is_printed_with_its_nearest_landmarks_and_their_distances():
    result, view, pdf = stencil(knee_doc(15, "right"))
    trigger = next(p for p in result.points if p.area is None)
    landmarks = plan_pages.view_landmarks(view, "en")
    axes = plan_pages.view_axes(view)
    two = sorted(landmarks, key=lambda m: math.dist((trigger.x, trigger.y), m.centre))[:2]
    last = " ".join(w["text"] for w in page_words(pdf)[-1])
    for lm in two:
        where = whereabouts(trigger.x, trigger.y, lm, axes)
        assert wording.position_text(where, identity) in last
        for offset in (where.across, where.along):  # each leg marked with its mm
            if offset.mm:
                assert f"{offset.mm} mm" in last
    # The right knee: the trigger point at x 100 lies to the patella's medial side.
    assert "Patella (centre): 20 mm medial, 16 mm distal" in last


def test_the_point_table_measures_each_area_from_the_landmark_nearest_most_of_it():
    """One ruler's origin per area, its points in injection order: the landmark nearest to
    most of them; a trigger point from its own nearest."""
    result, view = engine.run(from_dict(knee_doc(15, "left")))
    html = plan_pages.sheet_html(result, view, INFO)
    landmarks = plan_pages.view_landmarks(view, "en")
    # Each point's position on the line under its number in its own cell of the table (a
    # trigger point's under its row); a point's cell and a trigger point's row each say it once.
    cells = [c for c in re.findall(r"<td>[^<]*&#10;([^<]*)</td>", html) if c]
    cells += re.findall(r'<tr class="where"><td></td><td colspan="\d">([^<]*)</td>', html)
    manual = [p for p in result.points if p.area is None]
    areas = [p for p in result.points if p.area is not None]
    assert len(cells) == len(areas) + len(manual)
    origins = {}
    for area in sorted({p.area for p in areas}):
        nearest = Counter(min(landmarks, key=lambda m: math.dist((p.x, p.y), m.centre)).name
                          for p in areas if p.area == area)
        origins[area] = next(m for m in landmarks if m.name == nearest.most_common(1)[0][0])
    headings = re.findall(r"Position from ([^<]+) \(its centre\), in mm", html)
    # One part per area: its points in injection order, as the table's title says.
    assert headings == [origins[area].name for area in sorted(origins)]
    # A left knee's lateral side is on the drawing's right: a point to the right of its
    # area's origin says lateral.
    for p in areas:
        across = p.x - origins[p.area].centre[0]
        if abs(across) >= 0.5:
            word = "lateral" if across > 0 else "medial"
            said = f"{math.floor(abs(across) + 0.5)} {word}"
            assert any(c.startswith(said) for c in cells), (p.number, said)


def test_the_table_is_in_the_readers_language():
    result, view = engine.run(from_dict(knee_doc(15, "right")))
    html = plan_pages.sheet_html(result, view, replace(INFO, language="it"))
    _ = translations("it").gettext
    assert _("medial") in html and "rotula" in html.lower()


def test_a_300_point_sheet_stays_short():
    result, view = engine.run(from_dict(knee_doc(3.4, "right", trigger=None)))
    assert len(result.points) >= 300
    pdf = to_pdf(plan_pages.sheet_html(result, view, INFO))
    pages = page_words(pdf)
    # The map's enlarged drawings (too dense to label at 1:1) take pages of their own: the
    # rest, the point table first, stays short.
    enlarged = [words for words in pages if any(w["text"] == "Enlarged" for w in words)]
    assert len(pages) - len(enlarged) <= 8, len(pages)
    table = [[w for w in words if w["top"] >= heads[0]["top"]] for words in pages
             if (heads := [w for w in words if w["text"] == "No."])]
    assert len(table) >= 2
    for words in table:  # the point table's words (the map is another test's)
        assert not overlapping(words), overlapping(words)[:5]
        assert re.search(r"\d+ (medial|lateral|proximal|distal)",
                         " ".join(w["text"] for w in words))


def test_plain_paper_has_no_positions_and_no_landmark():
    doc = {"format": "mesoplanner.plan/1", "treatment": "cellulite",
           "mixtures": {"A": {"components": [{"name": "saline", "volume_ml": "5.00"}]}},
           "areas": [{"label": "flank", "polygon": [[0, 0], [60, 0], [60, 60], [0, 60]],
                      "spacing_mm": 10, "volume_ml": "0.05", "mixture": "A"}]}
    result, view = engine.run(from_dict(doc))
    html = plan_pages.sheet_html(result, view, INFO)
    assert 'class="where"' not in html and "Position from" not in html
    assert "Position from" not in plan_pages.stencil_html(result, view, INFO)


@pytest.mark.parametrize("language", ["en", "it", "es"])
@pytest.mark.parametrize(("view_id", "side"), VIEWS)
def test_a_landmark_s_name_is_read_as_its_own(view_id, side, language):
    """On every tile, no landmark's name lies on another landmark's cross, and a name nearer
    another landmark than its own (the face's canthi are a few mm apart) has a line leading to
    its own cross."""
    from planner.drawing.stencil_landmarks import NAME_MM as size
    from planner.drawing.stencil_words import ASCENT_EM, DESCENT_EM
    from planner.drawing.stencil_words import text_width as width_of

    view = get_view(view_id, side)
    region = max(view.treatment_regions(), key=lambda r: r.area_mm2)
    doc = {"format": "mesoplanner.plan/1", "bodymap": view_id, "treatment": "antalgic",
           "areas": [{"label": "a", "region": region.id, "spacing_mm": 12}]}
    if side:
        doc["side"] = side
    result, view = engine.run(from_dict(doc))
    html = plan_pages.stencil_html(result, view, replace(INFO, language=language))
    marks = {lm.name: lm.centre for lm in plan_pages.view_landmarks(view, language)}
    tiles = re.findall(r"<svg.*?</svg>", html, re.S)
    named = 0
    for tile in tiles:
        leaders = []
        for tag in re.findall(r'<line[^>]*class="leader"[^>]*>', tile):
            at = dict(re.findall(r'([\w-]+)="([^"]*)"', tag))
            leaders.append(tuple(float(at[k]) for k in ("x1", "x2", "y1", "y2")))
        for tag, name in re.findall(r'(<text[^>]*class="landmark-name"[^>]*>)([^<]+)</text>',
                                    tile):
            at = dict(re.findall(r'([\w-]+)="([^"]*)"', tag))
            name = html_text.unescape(name)
            x, y, wide = float(at["x"]), float(at["y"]), width_of(name, size)
            box = (x, y - ASCENT_EM * size, x + wide, y + DESCENT_EM * size)
            named += 1

            def gap(centre, box=box):
                return math.hypot(max(box[0] - centre[0], 0, centre[0] - box[2]),
                                  max(box[1] - centre[1], 0, centre[1] - box[3]))
            for other, (cx, cy) in marks.items():
                if other != name:
                    cross = shapely.box(cx - 2, cy - 2, cx + 2, cy + 2)
                    assert not cross.intersects(shapely.box(*box).buffer(-0.05)), (name, other)
            own = marks[name]
            if any(gap(c) <= gap(own) for other, c in marks.items() if other != name):
                # A leader from the name's box to within 2.5 mm of its own cross.
                assert any(math.dist((x2, y2), own) <= 2.5 and gap((x1, y1)) <= 0.01
                           for x1, x2, y1, y2 in leaders), f"{name}: no line to its cross"
    assert named > 0


@pytest.mark.parametrize("spacing", [6, 10, 30])
def test_no_word_of_a_stencil_lies_on_a_point(spacing):
    """The words at a tile's edges (PATIENT'S RIGHT...) and the landmarks' names are placed
    after every point of the tile is known: none covers a dot (one lay on point 17)."""
    from planner.drawing.stencil_landmarks import NAME_MM
    from planner.drawing.stencil_words import ASCENT_EM, DESCENT_EM
    from planner.drawing.stencil_words import text_width as width_of

    doc = {"format": "mesoplanner.plan/1", "bodymap": "hips-thighs-posterior",
           "treatment": "cellulite", "areas": [{"label": "both", "spacing_mm": spacing,
                                                 "polygon": [[80, 150], [360, 150],
                                                             [360, 420], [80, 420]]}]}
    result, view = engine.run(from_dict(doc))
    html = plan_pages.stencil_html(result, view, INFO)
    covered = []
    for tile in re.findall(r"<svg.*?</svg>", html, re.S):
        for tag, word in re.findall(
                r'(<text[^>]*class="(?:side-word|landmark-name)"[^>]*>)([^<]+)</text>', tile):
            at = dict(re.findall(r'([\w-]+)="([^"]*)"', tag))
            x, y = float(at["x"]), float(at["y"])
            box = shapely.box(x, y - ASCENT_EM * NAME_MM,
                              x + width_of(html_text.unescape(word), NAME_MM),
                              y + DESCENT_EM * NAME_MM)
            covered += [(word, p.number) for p in result.points
                        if box.intersects(shapely.Point(p.x, p.y).buffer(0.6))]
    assert not covered, covered[:5]


@pytest.mark.parametrize("side", ["right", "left"])
def test_a_point_is_measured_from_a_landmark_of_its_own_inset(side):
    """The elbow's two insets show two sides of one elbow: a trigger point on the medial
    inset is measured from the medial epicondyle and the olecranon of that inset, never from
    the lateral inset's radial head (170 mm away on paper, nowhere on the body); so is each
    area's table."""
    import shapely as shp

    view = get_view("elbow-lateral", side)
    medial = view.region("medial-epicondyle-tip").geometry.centroid
    doc = {"format": "mesoplanner.plan/1", "bodymap": "elbow-lateral", "side": side,
           "treatment": "antalgic", "areas": [{"label": "m", "region":
                                                "elbow-lateral/medial-epicondyle",
                                                "spacing_mm": 6}],
           "points": [{"x": medial.x + 3, "y": medial.y + 8, "volume_ml": "0.20"}]}
    result, view = engine.run(from_dict(doc))
    part = min(shp.get_parts(view.outline), key=medial.distance)
    here = {lm.name for lm in plan_pages.view_landmarks(view, "en")
            if part.covers(shp.Point(lm.centre))}
    others = {lm.name for lm in plan_pages.view_landmarks(view, "en")} - here
    assert here and others
    stencil = plan_pages.stencil_html(result, view, INFO)
    sheet = plan_pages.sheet_html(result, view, INFO)
    said = re.findall(r"([A-Z][a-z][\w' -]{0,60}?) \(centre\)", stencil + sheet)
    said += re.findall(r"Position from ([^<]+) \(its centre\)", sheet)
    assert said and set(said) <= here, (set(said) - here)
