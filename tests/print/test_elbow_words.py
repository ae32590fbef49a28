"""The elbow's words on paper (issue 17 item 4), read back from the PDFs as a reader sees them:
each inset says PROXIMAL over its humerus and DISTAL at its forearm's side on the sheet's map
(whole and cropped) and on the stencil's tiles, in the reader's language; no word on another
and none cut; the point table and a trigger point's lines give each point's position in the
inset's own words (proximal, distal, anterior, posterior), never "on the drawing". A right
elbow in English on A4, a left elbow in Italian and Spanish on Letter."""

from __future__ import annotations

import re
from functools import cache

import pytest

from planner import engine
from planner.bodymaps.atlas import get_view
from planner.core.plan_reader import from_dict
from planner.printing import plan_pages
from planner.printing.paper import SheetInfo
from tests.helpers import print_drawings
from tests.helpers.pdf_words import Page, colliding, read_back, within

# The edge words, the table's words, and what it said of the elbow before ("24 left on the
# drawing, 29 up on the drawing").
WORDS = {"en": ("PROXIMAL", "DISTAL", ("proximal", "distal", "anterior", "posterior"),
                ("on the drawing", "horizontal")),
         "it": ("PROSSIMALE", "DISTALE", ("prossimale", "distale", "anteriore", "posteriore"),
                ("nel disegno", "orizzontale")),
         "es": ("PROXIMAL", "DISTAL", ("proximal", "distal", "anterior", "posterior"),
                ("en el dibujo", "horizontal"))}
CASES = [("right", "en", "a4"), ("left", "it", "letter"), ("left", "es", "a4")]
OVERLAP_PT = 0.5


@cache
def printed(side: str, language: str, paper: str) -> dict[str, list[Page]]:
    """A tennis-elbow plan on the lateral inset and a trigger point on the medial one."""
    doc = {"format": "mesoplanner.plan/1", "bodymap": "elbow-lateral", "side": side,
           "treatment": "antalgic",
           "areas": [{"label": "ECRB", "region": "elbow-lateral/lateral-epicondyle",
                      "spacing_mm": 8, "volume_ml": "0.10"}],
           "points": [{"x": 240.0 if side == "right" else 80.0, "y": 125.0,
                       "volume_ml": "0.20"}]}
    result, view = engine.run(from_dict(doc))
    info = SheetInfo(language=language, paper=paper)
    return {kind: read_back(getattr(plan_pages, f"{kind}_html")(result, view, info))
            for kind in ("sheet", "stencil")}


def _in(page: Page, drawing, text: str):
    return [w for w in page.words if w.text == text and within(w.box, drawing.box)]


@pytest.mark.parametrize(("side", "language", "paper"), CASES)
def test_the_sheet_s_map_says_proximal_and_distal_on_the_inset(side, language, paper):
    proximal, distal, said, never = WORDS[language]
    pages = printed(side, language, paper)["sheet"]
    first = pages[0]
    maps = [d for d in first.drawings if len(print_drawings.point_marks(d.svg)) > 5]
    assert maps, "the sheet's map"
    up, down = _in(first, maps[0], proximal), _in(first, maps[0], distal)
    assert up and down, [w.text for w in first.words if within(w.box, maps[0].box)]
    # The lateral inset (the plan's): its humerus up, its forearm to the right on a right
    # elbow, to the left on a left elbow (the mirror image): PROXIMAL high, DISTAL low and out.
    top, low = min(up, key=lambda w: w.box[1]), max(down, key=lambda w: w.box[1])
    assert top.box[3] < low.box[1]
    assert (low.box[0] > top.box[2]) == (side == "right")
    for page in pages:
        assert not colliding(page.words, OVERLAP_PT), page.number
    table = " ".join(w.text for page in pages for w in page.words)
    assert all(re.search(rf"\b{word}\b", table) for word in said), said
    assert not any(word in table for word in never)


@pytest.mark.parametrize(("side", "language", "paper"), CASES)
def test_each_stencil_tile_says_proximal_and_distal_on_its_inset(side, language, paper):
    proximal, distal, said, never = WORDS[language]
    pages = printed(side, language, paper)["stencil"]
    assert len(pages) >= 2  # the area's tile(s), then the trigger point's
    radial_head = get_view("elbow-lateral").region("radial-head").label[language].split()[0]
    for page in pages:
        assert not colliding(page.words, OVERLAP_PT), page.number
        tile = max(page.drawings, key=lambda d: (d.box[2] - d.box[0]) * (d.box[3] - d.box[1]))
        up, down = _in(page, tile, proximal), _in(page, tile, distal)
        assert len(up) == 1 and len(down) == 1, (page.number, [w.text for w in page.words])
        # The humerus leaves the tile at its top, the forearm at its side: the lateral inset's
        # forearm (its tiles name the radial head) to the right on a right elbow, the medial
        # inset's (the trigger point's) to the left; the other way round on a left elbow.
        assert up[0].box[3] < down[0].box[1]
        lateral_tile = any(w.text == radial_head for w in page.words)
        assert (down[0].box[0] > up[0].box[2]) == ((side == "right") == lateral_tile), \
            page.number
    lines = " ".join(w.text for page in pages for w in page.words)
    assert any(re.search(rf"\b{word}\b", lines) for word in said)
    assert not any(word in lines for word in never)
