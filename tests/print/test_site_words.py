"""The site named with its side in words ("right knee", "ginocchio sinistro", "rodilla
derecha") on the sheet, the stencil and the handout, for every view of one limb, both sides,
in the three languages; the trunk's views name no limb."""

from __future__ import annotations

import html
import re

import pytest

from planner import engine
from planner.bodymaps import atlas
from planner.core.plan_reader import from_dict
from planner.printing import plan_pages
from planner.printing.paper import SheetInfo

SITES = {  # the part's name with its side, as each language says it (the adjective agrees)
    "knee": {"en": ("right knee", "left knee"), "it": ("ginocchio destro", "ginocchio sinistro"),
             "es": ("rodilla derecha", "rodilla izquierda")},
    "shoulder": {"en": ("right shoulder", "left shoulder"),
                 "it": ("spalla destra", "spalla sinistra"),
                 "es": ("hombro derecho", "hombro izquierdo")},
    "ankle": {"en": ("right ankle", "left ankle"), "it": ("caviglia destra", "caviglia sinistra"),
              "es": ("tobillo derecho", "tobillo izquierdo")},
    "hip": {"en": ("right hip", "left hip"), "it": ("anca destra", "anca sinistra"),
            "es": ("cadera derecha", "cadera izquierda")},
    "elbow": {"en": ("right elbow", "left elbow"), "it": ("gomito destro", "gomito sinistro"),
              "es": ("codo derecho", "codo izquierdo")},
    "hand": {"en": ("right hand", "left hand"), "it": ("mano destra", "mano sinistra"),
             "es": ("mano derecha", "mano izquierda")},
}
LIMB_VIEWS = [v.id for v in atlas.views() if v.single_limb]


def computed(view_id: str, side: str | None):
    view = atlas.get_view(view_id, side=side)
    region = view.treatment_regions()[0].id
    doc = {"format": "mesoplanner.plan/1", "bodymap": view_id, "treatment": "antalgic",
           "areas": [{"label": "a", "region": region, "spacing_mm": 15, "volume_ml": "0.10"}]}
    if side:
        doc["side"] = side
    return engine.run(from_dict(doc))


def test_every_limb_view_has_its_words():
    assert {v.split("-")[0] for v in LIMB_VIEWS} == set(SITES)


@pytest.mark.parametrize("language", ["en", "it", "es"])
@pytest.mark.parametrize("side", ["right", "left"])
@pytest.mark.parametrize("view_id", LIMB_VIEWS)
def test_each_printout_names_the_site_with_its_side(view_id, side, language):
    result, view = computed(view_id, side)
    words = SITES[view_id.split("-")[0]][language][0 if side == "right" else 1]
    info = SheetInfo(language=language)
    sheet = plan_pages.sheet_html(result, view, info)
    stencil = plan_pages.stencil_html(result, view, info)
    handout = plan_pages.handout_html(result, view, info)
    assert words.capitalize() in sheet and words.capitalize() in stencil
    assert f"({words})" in handout  # "... the treated area (right knee)."
    other = SITES[view_id.split("-")[0]][language][1 if side == "right" else 0]
    assert other.capitalize() not in sheet + stencil and f"({other})" not in handout


@pytest.mark.parametrize("view_id", ["lumbar-posterior", "face-frontal", "abdomen-anterior"])
def test_a_trunk_or_face_view_names_no_limb(view_id):
    result, view = computed(view_id, None)
    sheet = plan_pages.sheet_html(result, view, SheetInfo())
    assert not any(w.capitalize() in sheet for part in SITES.values() for w in part["en"])


@pytest.mark.parametrize("side", ["right", "left"])
def test_the_elbow_s_insets_say_which_aspect_each_shows(side):
    """Under the elbow's two insets: LATERAL under the lateral one (the left inset of a right
    elbow, the right inset of a mirrored left elbow), MEDIAL under the other, and at their
    bottom corners which way is anterior and posterior; a cropped drawing writes only the
    captions that fit in its frame."""
    import re

    from planner.drawing.plan import plan_svg

    doc = {"format": "mesoplanner.plan/1", "bodymap": "elbow-lateral", "side": side,
           "treatment": "antalgic", "areas": [],
           "points": [{"x": 60, "y": 100, "volume_ml": "0.20"}]}
    result, view = engine.run(from_dict(doc))
    svg = plan_svg(result, view)
    found = {words: float(x) for x, words in re.findall(
        r'<text[^>]* x="([0-9.]+)"[^>]*>(LATERAL|MEDIAL)</text>', svg)}
    middle = view.width_mm / 2
    assert (found["LATERAL"] < middle) == (side == "right")
    assert (found["MEDIAL"] < middle) == (side == "left")
    assert svg.count(">ANTERIOR</text>") == 2 and svg.count(">POSTERIOR</text>") == 2
    cropped = plan_svg(result, view, crop=True)
    assert ">LATERAL</text>" not in cropped or ">MEDIAL</text>" not in cropped


def in_sentence(name: str) -> str:
    return name[0].lower() + name[1:] if name[1].islower() else name


NON_LIMB_VIEWS = [v.id for v in atlas.views() if not v.single_limb]


@pytest.mark.parametrize("language", ["en", "it", "es"])
@pytest.mark.parametrize("view_id", NON_LIMB_VIEWS)
def test_a_face_or_trunk_plan_names_the_regions_treated_not_the_view(view_id, language):
    """"Right cheek, left cheek", not "face, frontal view": an area taken from a region is
    named by it, a hand-drawn area by the regions it covers (a small one inside a region: by
    that region); each area's stencil pages by its own."""
    view = atlas.get_view(view_id)
    taken, drawn = view.treatment_regions()[:2]
    inner = drawn.geometry.buffer(-1.0) if drawn.geometry.buffer(-1.0).area > 0 \
        else drawn.geometry
    x, y = inner.representative_point().coords[0]
    square = [[x - 3, y - 3], [x + 3, y - 3], [x + 3, y + 3], [x - 3, y + 3]]
    doc = {"format": "mesoplanner.plan/1", "bodymap": view_id, "treatment": "antalgic",
           "areas": [{"label": "a", "region": taken.id, "spacing_mm": 15, "volume_ml": "0.10"},
                     {"label": "b", "polygon": square, "spacing_mm": 4, "volume_ml": "0.10"}]}
    result, view = engine.run(from_dict(doc))
    names = [in_sentence(r.label[language]) for r in (taken, drawn)]
    words = ", ".join(dict.fromkeys(names))
    info = SheetInfo(language=language)
    handout = html.unescape(plan_pages.handout_html(result, view, info))
    assert f"({words})" in handout
    assert words.capitalize() in html.unescape(plan_pages.sheet_html(result, view, info))
    # The stencil's pages of each area name that area's own region.
    stencil = html.unescape(plan_pages.stencil_html(result, view, info))
    heads = re.findall(r'<strong class="side">([^<]+)</strong>', stencil)
    assert [h for h in heads if h == names[0].capitalize()]
    assert [h for h in heads if h == names[1].capitalize()]


def test_many_regions_are_counted_after_the_first_four():
    view = atlas.get_view("face-frontal")
    regions = view.treatment_regions()[:6]
    doc = {"format": "mesoplanner.plan/1", "bodymap": "face-frontal", "treatment": "face",
           "areas": [{"label": r.id, "region": r.id, "spacing_mm": 10, "volume_ml": "0.05"}
                     for r in regions]}
    result, view = engine.run(from_dict(doc))
    handout = html.unescape(plan_pages.handout_html(result, view, SheetInfo(language="en")))
    first = ", ".join(in_sentence(r.label["en"]) for r in regions[:4])
    assert f"({first} and 2 more)" in handout


def test_an_area_drawn_over_both_buttocks_is_on_both():
    view = atlas.get_view("hips-thighs-posterior")
    left, right = (view.region(f"buttock-{side}") for side in ("left", "right"))
    box = left.geometry.union(right.geometry).envelope.buffer(-5).exterior.coords[:-1]
    doc = {"format": "mesoplanner.plan/1", "bodymap": "hips-thighs-posterior",
           "treatment": "cellulite",
           "areas": [{"label": "both", "polygon": [list(c) for c in box], "spacing_mm": 20}]}
    result, view = engine.run(from_dict(doc))
    stencil = html.unescape(plan_pages.stencil_html(result, view, SheetInfo(language="en")))
    heads = set(re.findall(r'<strong class="side">([^<]+)</strong>', stencil))
    assert heads == {"Left buttock, right buttock"} or heads == {"Right buttock, left buttock"}
