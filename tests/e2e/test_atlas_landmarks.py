"""The body map's landmarks named on the screen (issue 17): hovered with a mouse (the drawing's
title) or tapped on a tablet (a label beside the finger), in the reader's language, while the
treatment regions show without a click."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.helpers.browser import open_editor, watch


@pytest.mark.parametrize("size", ["desktop", "tablet"])
def test_a_landmark_tapped_says_its_name(server, browser, size):
    base, app = server
    page = open_editor(base, app, browser, size=size)
    problems = watch(page)
    patella = page.locator('#map [data-region="knee-anterior/patella"]')
    expect(patella).to_have_class("region region-landmark")
    # Its name is in the drawing for a mouse's hover.
    assert patella.locator("title").text_content() == "Patella"
    # A tap (a click with the select tool) shows it beside the pointer, and Escape hides it.
    page.click("button[data-tool=select]")
    patella.click()
    label = page.locator(".landmark-name")
    expect(label).to_be_visible()
    expect(label).to_have_text("Patella")
    box = label.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    page.keyboard.press("Escape")
    expect(label).to_be_hidden()
    # The treatment regions are tinted: visible before any click.
    medial = page.locator('#map [data-region="knee-anterior/medial"]')
    opacity = medial.evaluate("e => parseFloat(getComputedStyle(e).fillOpacity)")
    assert opacity > 0
    assert problems == []
