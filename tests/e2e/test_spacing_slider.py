"""The spacing slider (issue 18, item 4): its range is the treatment's useful one, from the
core's constants, and the map follows while it is dragged, not only when the pointer rests."""

from __future__ import annotations

from playwright.sync_api import expect

from planner.core import clinical
from tests.helpers.browser import open_editor


def test_the_slider_spans_the_treatment_and_the_map_follows_the_drag(server, browser):
    base, app = server
    page = open_editor(base, app, browser)
    page.locator('[data-region="knee-anterior/medial"]').click()
    expect(page.locator(".area-panel")).to_have_count(1)
    slider = page.locator('.area-panel input[type=range][data-area="0"]')
    for treatment in ("antalgic", "cellulite", "face"):
        page.locator("select[data-plan-key=treatment]").select_option(treatment)
        low, high = clinical.TREATMENTS[treatment].spacing_slider_mm
        expect(slider).to_have_attribute("min", f"{low:g}")
        expect(slider).to_have_attribute("max", f"{high:g}")
    # A slow drag along the slider: the previews go out while it moves.
    sent = []
    page.on("request", lambda r: sent.append(r.url) if "/plans/preview" in r.url else None)
    box = slider.bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + 4, y)
    page.mouse.down()
    for k in range(1, 11):
        page.mouse.move(box["x"] + 4 + k * (box["width"] - 8) / 10, y)
        page.wait_for_timeout(80)  # a hand's pace: 0.8 s for the whole slider
    moving = len(sent)
    page.mouse.up()
    assert moving >= 3, f"{moving} previews during the drag"
    high = clinical.TREATMENTS["face"].spacing_slider_mm[1]
    expect(page.locator('.area-panel input[type=number][data-key=spacing_mm]')).to_have_value(
        f"{high:g}")
