"""The points given, skipped and added, tapped on the plan's drawing of a session record with a
finger (a 1024x768 touch tablet), the text field staying the alternative; the signed record
shows them marked."""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect

from planner.extensions import db
from planner.models import SessionRecord
from tests.helpers.browser import shot, tablet
from tests.helpers.signing import sign_record
from tests.helpers.users import PASSWORD


def centre(page: Page, number: int) -> tuple[float, float]:
    box = page.locator(f"[data-points-given] g.point[data-number='{number}'] circle").first
    found = box.bounding_box()
    assert found is not None
    return found["x"] + found["width"] / 2, found["y"] + found["height"] / 2


def test_points_are_skipped_and_added_by_tapping_the_drawing(seeded, server, browser):
    # seeded: patient 1 with plan 1, a cycle, a draft record of session 1, a consent
    base, app = server
    context, page, problems = tablet(browser, base)
    page.goto(f"{base}/records/1")
    drawing = page.locator("[data-testid=points-given]")
    drawing.scroll_into_view_if_needed()
    points = drawing.locator("g.point").count()
    assert points >= 8

    # A finger beside point 2 (within reach, not on it) skips it; a second tap gives it back;
    # points 3, 4 and 5 skipped are written as a range.
    x, y = centre(page, 2)
    page.touchscreen.tap(x + 6, y + 4)
    expect(page.locator("input[name=skipped]")).to_have_value("2")
    expect(drawing.locator(".skip-cross")).to_have_count(1)
    page.touchscreen.tap(*centre(page, 2))
    expect(page.locator("input[name=skipped]")).to_have_value("")
    for number in (3, 4, 5):
        page.touchscreen.tap(*centre(page, number))
    expect(page.locator("input[name=skipped]")).to_have_value("3-5")
    expect(drawing.locator("g.point.skipped")).to_have_count(3)

    # The text field is the alternative: what is typed there is marked on the drawing.
    page.fill("input[name=skipped]", "3-5, 7")
    expect(drawing.locator(".skip-cross")).to_have_count(4)

    # A place tapped in "added" mode is one more added point, there; tapped again, it goes.
    page.get_by_role("button", name="Tap a place: a point added there").tap()
    svg = drawing.locator("svg").bounding_box()
    assert svg is not None
    spot = (svg["x"] + svg["width"] * 0.15, svg["y"] + svg["height"] * 0.2)
    kept = (svg["x"] + svg["width"] * 0.85, svg["y"] + svg["height"] * 0.2)
    kept_mm = page.evaluate("""([x, y]) => {
        const svg = document.querySelector('[data-points-given] svg');
        const p = new DOMPoint(x, y).matrixTransform(svg.getScreenCTM().inverse());
        return [p.x, p.y]; }""", list(kept))
    page.touchscreen.tap(*spot)
    page.touchscreen.tap(*kept)
    expect(page.locator("input[name=added]")).to_have_value("2")
    expect(drawing.locator(".added-plus")).to_have_count(2)
    page.touchscreen.tap(*spot)
    expect(page.locator("input[name=added]")).to_have_value("1")
    expect(drawing.locator(".added-plus")).to_have_count(1)
    page.fill("input[name=added_volume_ml]", "0.10")
    shot(page, "record-points-given-tablet")
    page.click("button:has-text('Save the draft')")
    expect(page.locator(".flash")).to_contain_text("Session record saved")

    # Saved: the drawing shows them again, and the record counts what was given.
    expect(page.locator("input[name=skipped]")).to_have_value("3, 4, 5, 7")
    expect(page.locator("[data-testid=points-given] .skip-cross")).to_have_count(4)
    expect(page.locator("[data-testid=points-given] .added-plus")).to_have_count(1)
    expect(page.locator("[data-testid=given]")).to_contain_text(
        f"Given: {points - 4 + 1} of {points} points")
    # The place is kept in the plan's millimetres, where the finger was (a touch lands on a
    # whole pixel: within half a millimetre; a place kept in screen pixels would be far off).
    with app.app_context():
        stored = json.loads(db.session.get(SessionRecord, 1).adjustments_json)
    [(x_mm, y_mm)] = stored["added_at"]
    assert abs(x_mm - kept_mm[0]) <= 0.5 and abs(y_mm - kept_mm[1]) <= 0.5, (stored, kept_mm)
    assert (stored["skipped"], stored["added"]) == ([3, 4, 5, 7], 1)

    # Signed, the record shows the same marks, read-only.
    sign_record(page, PASSWORD)
    expect(page.locator("[data-testid=signed]")).to_have_text("Signed")
    signed = page.locator("[data-testid=points-given]")
    expect(signed.locator(".skip-cross")).to_have_count(4)
    expect(signed.locator(".added-plus")).to_have_count(1)
    signed.scroll_into_view_if_needed()
    shot(page, "record-points-given-signed")
    assert problems == [], problems
    context.close()
