"""The editor's preview after issue 19: each preview computes its plan once, and draws its own
view's body map (side and language) whatever the previews before it drew and kept."""

from __future__ import annotations

import pytest
import svgwrite

from planner import engine
from planner.bodymaps import atlas
from planner.drawing.body import draw_view
from tests.helpers.languages import set_language
from tests.helpers.patients import add, created_id
from tests.helpers.plans import knee_plan, preview


@pytest.fixture
def patient(doctor):
    """A 70 kg patient's id."""
    return created_id(add(doctor, weight_kg="70"))


def fresh(view_id: str, side: str | None, language: str) -> str:
    """The view's body map drawn now, with nothing kept."""
    dwg = svgwrite.Drawing(debug=False, profile="full")
    draw_view(dwg, atlas.get_view(view_id, side), language)
    return dwg.elements[-1].tostring()


def test_a_preview_computes_its_plan_once(doctor, patient, monkeypatch):
    runs = []
    real = engine.run
    monkeypatch.setattr(engine, "run", lambda plan: runs.append(plan) or real(plan))
    response = preview(doctor, patient, knee_plan())
    assert response.status_code == 200
    assert len(runs) == 1
    assert 'class="point"' in response.get_data(as_text=True)


def test_each_preview_draws_its_own_side_and_language(app, doctor, patient):
    seen = []
    for language, side in (("en", "right"), ("en", "left"), ("it", "left"), ("it", "right"),
                           ("es", "right"), ("en", "right")):
        set_language(app, "doctor", language)
        doc = {**knee_plan(), "side": side}
        html = preview(doctor, patient, doc).get_data(as_text=True)
        own = fresh("knee-anterior", side, language)
        assert own in html, (language, side)
        others = [fresh("knee-anterior", s, lang) for lang in ("en", "it", "es")
                  for s in ("right", "left") if (lang, s) != (language, side)]
        assert not any(other in html for other in others), (language, side)
        seen.append(html.count('<g id="bodymap"'))
    assert seen == [1] * 6


def test_a_view_of_both_sides_after_a_limb_draws_the_whole_body(doctor, patient):
    knee = preview(doctor, patient, knee_plan()).get_data(as_text=True)
    doc = {"format": "mesoplanner.plan/1", "bodymap": "body-front", "areas": [
        {"region": "body-front/abdomen", "spacing_mm": 30, "volume_ml": "0.10"}]}
    whole = preview(doctor, patient, doc).get_data(as_text=True)
    assert fresh("body-front", None, "en") in whole
    assert fresh("knee-anterior", "right", "en") in knee
    assert 'data-region="knee-anterior/medial"' not in whole
