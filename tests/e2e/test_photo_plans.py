"""Planning on a calibrated photo on a 1024x768 touch tablet (issue 20, item 4): from the photo,
the editor opens on it seen square on; the doctor draws an area beside the card with a finger,
the grid comes in mm on the card's plane; the plan is saved with its photo, and its points are
drawn back on the photo as taken; its sheet is printed on the photo, its stencil with the card.

Screenshots: photo-plan-editor-tablet, photo-plan-on-photo-tablet,
photo-plan-sheet-tablet; a photo without a scale is
annotated with numbered marks instead: photo-marks-tablet, photo-marks-shown-tablet."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from tests.helpers.browser import drag, plan_doc, shot, tablet, total_points
from tests.helpers.photo_plans import seed_card_photo
from tests.helpers.users import make_user


def seed_patient(app) -> int:
    from planner.extensions import db
    from planner.models import Patient

    with app.app_context():
        patient = Patient(record_number="E2E-P", family_name="Neri", given_name="Paolo",
                          birth_date=date(1970, 3, 3), sex="male", weight_kg=70)
        db.session.add(patient)
        db.session.commit()
        return int(patient.id)


def test_a_plan_is_drawn_on_the_patients_photo(server, browser):
    base, app = server
    make_user(app)
    patient = seed_patient(app)
    photo = seed_card_photo(app, patient)
    context, page, problems = tablet(browser, base)
    page.goto(f"{base}/patients/{patient}/plans/new?photo={photo}")
    page.locator("#map svg #photo-ground image").wait_for(state="attached")
    page.locator("#plan-form[data-ready]").wait_for(state="attached")
    page.wait_for_function("""() => { const img = new Image();
        img.src = document.querySelector('#photo-ground image').getAttribute('xlink:href');
        return img.decode().then(() => img.naturalWidth > 0); }""")
    expect(page.locator(".tool[aria-pressed=true]")).to_have_attribute("data-tool", "polygon")
    expect(page.locator(".tool[data-tool=region]")).to_have_count(0)
    page.click("button[data-tool=freehand]")
    drag(page, [(50, -25), (110, -25), (115, 0), (110, 25), (50, 25), (48, 0), (50, -24)])
    expect(page.locator(".area-panel")).to_have_count(1)
    doc = plan_doc(page)
    assert doc["photo"] == photo and "bodymap" not in doc
    assert total_points(page) >= 6
    shot(page, "photo-plan-editor-tablet")
    points = total_points(page)
    page.locator("#save-plan").tap()
    expect(page.locator(".flash")).to_contain_text("saved")

    # Back on the photo as taken: the plan's points where the camera saw them.
    page.goto(f"{base}/photos/{photo}")
    overlay = page.locator("[data-testid=photo-overlay]")
    expect(overlay.locator(".point-on-photo")).to_have_count(points)
    expect(page.locator("[data-testid=plan-over]")).to_contain_text(f"{points} points")
    page.wait_for_function("document.querySelector('[data-testid=photo-image]').complete")
    frame = page.locator(".photo-frame").bounding_box()
    dot = overlay.locator(".point-on-photo circle").first.bounding_box()
    assert frame["x"] <= dot["x"] <= frame["x"] + frame["width"]
    assert frame["y"] <= dot["y"] <= frame["y"] + frame["height"]
    shot(page, "photo-plan-on-photo-tablet")

    # The printouts from the plan's Print menu: the sheet's map on the photo, the stencil with
    # the card at true scale to lay on the card.
    app.config["PRINTOUTS_INLINE"] = True  # no print worker in this test's server
    page.locator("[data-testid=plan-over] a").tap()
    page.locator(".print-menu summary").tap()
    sheet_page = page.locator(".print-menu a", has_text="Treatment sheet")
    with context.expect_page() as opened:
        sheet_page.tap()
    sheet = opened.value
    sheet.wait_for_load_state("load")
    sheet.wait_for_function("""() => [...document.images].every(i => i.complete)
                               && document.images.length > 0""")
    shot(sheet, "photo-plan-sheet-tablet")
    for kind in ("sheet", "stencil"):
        href = page.locator(".print-menu a", has_text="PDF" if kind == "sheet" else
                            "True-scale stencil").first.get_attribute("href")
        response = page.request.get(base + href)
        assert response.status == 200 and response.headers["content-type"] == \
            "application/pdf", (kind, response.status)
        pdf = response.body()
        assert (b"/DCTDecode" in pdf) == (kind == "sheet")  # the photo, under the sheet's map
    assert not problems, problems


def test_a_photo_without_a_scale_is_annotated_with_marks(server, browser):
    base, app = server
    make_user(app)
    patient = seed_patient(app)
    photo = seed_card_photo(app, patient, calibrated=False)
    _context, page, problems = tablet(browser, base)
    page.goto(f"{base}/photos/{photo}")
    expect(page.locator("[data-testid=plan-on-this-photo]")).to_have_count(0)
    page.locator("[data-testid=mark-this-photo]").tap()
    page.locator("#marks-form[data-ready]").wait_for(state="attached")
    page.wait_for_load_state("load")  # photos.css too: without it the overlay is not laid out
    page.wait_for_function("document.querySelector('[data-testid=photo-image]').complete")
    box = page.locator("#marks-frame svg.photo-marks").bounding_box()
    for fx, fy, words in ((0.3, 0.4, "trigger point"), (0.7, 0.6, "tender")):
        page.touchscreen.tap(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
        page.locator(".mark-row input[name=mark-text]").last.fill(words)
    expect(page.locator("#marks-frame g.mark")).to_have_count(2)
    shot(page, "photo-marks-tablet")
    page.locator("[data-testid=marks-save]").tap()
    expect(page.locator(".flash")).to_contain_text("Marks saved")
    expect(page.locator("[data-testid=photo-marks] g.mark")).to_have_count(2)
    expect(page.locator("[data-testid=photo-marks-list] li")).to_have_text(
        ["trigger point", "tender"])
    page.wait_for_load_state("load")
    dot = page.locator("[data-testid=photo-marks] g.mark circle").first.bounding_box()
    image = page.locator("[data-testid=photo-image]").bounding_box()
    assert abs(dot["x"] + dot["width"] / 2 - (image["x"] + 0.3 * image["width"])) < 6
    assert abs(dot["y"] + dot["height"] / 2 - (image["y"] + 0.4 * image["height"])) < 6
    shot(page, "photo-marks-shown-tablet")
    assert not problems, problems
