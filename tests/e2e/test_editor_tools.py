"""The editor's other tools in real Chromium: freehand, circle, line, exclusion, trigger point,
erase, undo and redo, zoom; and an invalid value that the server refuses by name."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.helpers.browser import (
    drag,
    map_point,
    open_editor,
    plan_doc,
    shot,
    total_points,
    watch,
)


def test_the_drawing_tools_make_areas_the_server_fills(server, browser):
    base, app = server
    page = open_editor(base, app, browser)
    problems = watch(page)

    page.click("button[data-tool=freehand]")
    drag(page, [(40, 40), (80, 30), (115, 45), (110, 85), (70, 95), (45, 80), (42, 45)])
    expect(page.locator(".area-panel")).to_have_count(1)
    assert len(plan_doc(page)["areas"][0]["polygon"]) > 10
    assert total_points(page) > 0

    page.click("button[data-tool=circle]")
    drag(page, [(80, 240), (100, 240)])
    expect(page.locator(".area-panel")).to_have_count(2)
    circle = plan_doc(page)["areas"][1]["polygon"]
    assert len(circle) == 48

    page.click("button[data-tool=line]")
    for point in [(60, 120), (60, 200)]:
        page.mouse.click(*map_point(page, *point))
    page.mouse.dblclick(*map_point(page, 60, 200))
    expect(page.locator(".area-panel")).to_have_count(3)
    assert plan_doc(page)["areas"][2]["pattern"] == "line"
    before = total_points(page)

    # An exclusion drawn inside the freehand area takes its points away.
    page.click("button[data-tool=exclude]")
    for point in [(60, 50), (100, 50), (100, 80), (60, 80)]:
        page.mouse.click(*map_point(page, *point))
    page.mouse.dblclick(*map_point(page, 60, 80))
    expect(page.locator("[data-testid=total-points]")).not_to_have_text(str(before))
    assert plan_doc(page)["areas"][0]["exclude"]
    assert total_points(page) < before

    # A trigger point, numbered last.
    count = total_points(page)
    page.click("button[data-tool=point]")
    page.mouse.click(*map_point(page, 130, 150))
    expect(page.locator("[data-testid=total-points]")).to_have_text(str(count + 1))
    last = page.locator(".point").last
    assert last.get_attribute("data-number") == str(count + 1)
    assert last.get_attribute("data-manual") == "0"
    shot(page, "tools-01-drawn")

    # Erase the circle by clicking on it, then undo and redo.
    page.click("button[data-tool=erase]")
    page.mouse.click(*map_point(page, 80, 258.5))  # inside the circle, near its edge
    expect(page.locator(".area-panel")).to_have_count(2)
    page.click("[data-action=undo]")
    expect(page.locator(".area-panel")).to_have_count(3)
    page.click("[data-action=redo]")
    expect(page.locator(".area-panel")).to_have_count(2)

    # Zoom in keeps working across redraws.
    base_box = page.locator("#map svg").get_attribute("viewBox")
    page.click("[data-action=zoom-in]")
    zoomed = page.locator("#map svg").get_attribute("viewBox")
    assert zoomed != base_box
    page.click("button[data-tool=point]")
    page.mouse.click(*map_point(page, 120, 150))
    expect(page.locator(".point[data-manual='1']")).to_have_count(1)
    assert page.locator("#map svg").get_attribute("viewBox") == zoomed
    shot(page, "tools-02-zoomed")
    assert problems == []


def test_an_impossible_value_is_refused_by_name_and_nothing_is_lost(server, browser):
    base, app = server
    page = open_editor(base, app, browser)
    page.locator('[data-region="knee-anterior/medial"]').click()
    expect(page.locator(".area-panel")).to_have_count(1)
    points = total_points(page)
    volume = page.locator('.area-panel input[data-key="volume_ml"]')
    volume.fill("0.105")
    # Named as the area panel and the sheet name it, not as the plan file does.
    expect(page.locator("#plan-error")).to_contain_text("Area 1 · volume per point:")
    expect(page.locator("#plan-error")).not_to_contain_text("areas[0]")
    # The points and totals still shown are the last computed plan's: they look out of date,
    # and the message says so.
    expect(page.locator("#plan-error .stale-note")).to_be_visible()
    stale = """() => [getComputedStyle(document.querySelector('#map #points')).opacity,
        getComputedStyle(document.querySelector('#results')).textDecorationLine,
        getComputedStyle(document.querySelector('.area-count')).textDecorationLine]"""
    opacity, results, count = page.evaluate(stale)
    assert float(opacity) < 0.5 and "line-through" in results and "line-through" in count
    shot(page, "tools-03-refused")
    volume.fill("0.10")
    expect(page.locator("#plan-error")).to_have_count(0)
    opacity, results, count = page.evaluate(stale)
    assert float(opacity) == 1 and "line-through" not in results + count
    assert total_points(page) == points
