"""An area made from a region reads in the reader's language unless it was renamed (issue 18,
item 9): on the sheet, the stencil, the handout and the editor's panel."""

from __future__ import annotations

import html

import pytest
from bs4 import BeautifulSoup

from planner import engine
from planner.area_names import in_readers_language
from planner.bodymaps import atlas
from planner.core.plan_reader import from_dict
from planner.printing import plan_pages
from planner.printing.paper import SheetInfo

LANGUAGES = ("it", "es", "en")


def doc_named(label: str) -> dict:
    return {"format": "mesoplanner.plan/1", "bodymap": "knee-anterior", "side": "right",
            "treatment": "antalgic",
            "areas": [{"label": label, "region": "knee-anterior/medial", "spacing_mm": 15},
                      {"label": "my own name", "region": "knee-anterior/infrapatellar",
                       "spacing_mm": 15}]}


@pytest.mark.parametrize("made_in", LANGUAGES)
@pytest.mark.parametrize("read_in", LANGUAGES)
def test_a_region_s_area_is_named_in_the_readers_language(made_in, read_in):
    region = atlas.get_view("knee-anterior", "right").region("medial")
    result, view = engine.run(from_dict(doc_named(region.label[made_in])))
    shown = in_readers_language(result, view, read_in)
    assert [a.label for a in shown.plan.areas] == [region.label[read_in], "my own name"]
    assert [r.area.label for r in shown.areas] == [region.label[read_in], "my own name"]
    assert (shown.xy == result.xy).all() and shown.total_ml == result.total_ml
    info = SheetInfo(language=read_in)
    for page in (plan_pages.sheet_html(result, view, info),
                 plan_pages.stencil_html(result, view, info)):
        text = html.unescape(BeautifulSoup(page, "html.parser").get_text(" "))
        assert region.label[read_in] in text and "my own name" in text
        others = {region.label[k] for k in LANGUAGES} - {region.label[read_in]}
        assert not any(o in text for o in others), read_in


def test_a_renamed_area_keeps_its_name():
    result, view = engine.run(from_dict(doc_named("Ginocchio, lato interno")))
    assert in_readers_language(result, view, "es").plan.areas[0].label == \
        "Ginocchio, lato interno"
