"""Photos on a 1024x768 touch tablet (issue 20): the patient's consent says no to photos, so the
record's photo form sends to the consent; signed with a yes, the doctor takes a photo with the
camera's input into the session record, sees it there, is refused a file that is not a photo
(the field named), and compares the cycle's sessions side by side.

Screenshots: photos-record-tablet, photos-refused-tablet, photos-cycle-compare-tablet,
photos-photo-tablet, photos-patient-tablet."""

from __future__ import annotations

import io
import json
from datetime import datetime

from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect

from tests.helpers.browser import shot, tablet
from tests.helpers.signing import draw_signature

SITE = "knee-anterior|right|knee-anterior/medial"


def knee_photo(redness: int) -> dict:
    """A photo of a knee (a skin-toned field, the knee's outline, wheals as red dots whose
    redness fades from session to session), as the file input receives it."""
    image = Image.new("RGB", (960, 720), (226, 188, 160))
    draw = ImageDraw.Draw(image)
    draw.ellipse((300, 140, 660, 600), fill=(214, 172, 143), outline=(170, 128, 104), width=6)
    for row in range(5):
        for col in range(4):
            x, y = 380 + col * 60, 230 + row * 65
            draw.ellipse((x - 9, y - 9, x + 9, y + 9), fill=(200 + redness // 5, 120, 110))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=88)
    return {"name": "IMG_2044.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def second_record(app) -> int:
    """A draft record of the cycle's second session (as the record form would save it)."""
    from planner.extensions import db
    from planner.models import PlanRecord, SessionRecord

    with app.app_context():
        plan = db.session.get(PlanRecord, 1)
        record = SessionRecord(patient_id=1, plan_id=1, plan_version=plan.version,
                               plan_json=plan.plan_json, scheduled_id=2,
                               performed_at=datetime(2026, 11, 30, 10), performer_id=1,
                               checklist_json=json.dumps({}), created_by_id=1)
        db.session.add(record)
        db.session.commit()
        return int(record.id)


def add_photo(page: Page, photo: dict, moment: str) -> None:
    """On a record's page: open Add a photo, take it with the camera's input, say when and
    where, save; back on the record."""
    page.wait_for_load_state("load")  # the form's script listens before a photo is chosen
    card = page.locator("[data-testid=record-photos]")
    if card.locator("details.photo-add[open]").count() == 0:
        card.locator("details.photo-add summary").tap()
    card.locator("[data-testid=photo-camera]").set_input_files(photo)
    expect(card.locator("[data-photo-chosen]")).to_contain_text("IMG_2044.jpg")
    card.locator(f"input[name=moment][value={moment}]").check()
    card.locator("[data-testid=photo-site]").select_option(SITE)
    card.locator("[data-testid=photo-save]").tap()
    expect(page.locator(".flash")).to_contain_text("Photo saved")


def images_shown(page: Page, scope: str, count: int) -> None:
    """Until the browser has drawn ``count`` photos in ``scope`` (each one's image loaded; they
    load lazily, when scrolled into sight)."""
    page.locator(scope).first.scroll_into_view_if_needed()
    page.wait_for_function("""([scope, count]) => [...document.querySelectorAll(scope + ' img')]
        .filter(img => img.complete && img.naturalWidth > 0).length === count""",
                           arg=[scope, count])


def test_a_photo_is_taken_into_the_record_and_compared_across_the_cycle(seeded, server,
                                                                       browser):
    # seeded: patient 1, plan 1, a cycle of 2 sessions, draft record 1, photo 1 of it; the
    # patient's consent says no to photos
    base, app = server
    _context, page, problems = tablet(browser, base)
    page.goto(f"{base}/records/1#photos")
    card = page.locator("[data-testid=record-photos]")
    expect(card.locator("[data-testid=photo-consent]")).to_contain_text(
        "says no to photos in the record")
    # The way to the consent, from the photo form: the patient answers yes to photos in the
    # record, signs, and the record comes back.
    card.locator("[data-testid=photo-consent-link]").tap()
    page.check("input[name=photos_record][value=yes]")
    page.check("input[name=photos_teaching][value=no]")
    draw_signature(page)
    page.click("button:has-text('Sign the consent')")
    expect(page.locator(".flash")).to_contain_text("Consent signed.")
    expect(page.locator("[data-testid=record-photos] details.photo-add")).to_have_count(1)

    page.goto(f"{base}/records/1#photos")
    add_photo(page, knee_photo(250), "before")
    add_photo(page, knee_photo(230), "after")
    expect(card.locator("[data-testid=photo]")).to_have_count(3)
    images_shown(page, "[data-testid=record-photos]", 3)
    card.scroll_into_view_if_needed()
    shot(page, "photos-record-tablet")

    # A file that is not a photo: refused, the field named, nothing kept.
    page.goto(f"{base}/patients/1/photos/new?record_id=1")
    page.locator("[data-testid=photo-file]").set_input_files(
        {"name": "knee.jpg", "mimeType": "image/jpeg", "buffer": b"%PDF-1.7 not a photo"})
    page.locator("input[name=moment][value=after]").check()
    page.locator("[data-testid=photo-save]").tap()
    expect(page.locator("[data-testid=photo-refused]")).to_contain_text(
        "Photo: a PDF file is not taken")
    shot(page, "photos-refused-tablet")
    assert all("status of 422" in p for p in problems), problems  # the refusal's own answer
    problems.clear()

    # The second session's record: its photos, then the cycle's side by side.
    record = second_record(app)
    page.goto(f"{base}/records/{record}#photos")
    add_photo(page, knee_photo(120), "before")
    add_photo(page, knee_photo(60), "after")
    page.locator("[data-testid=compare-link]").tap()
    expect(page.locator("h1")).to_contain_text("Photos of the cycle")
    knee = page.locator("[data-testid=compare-site]", has_text="Medial")
    heads = knee.locator("[data-testid=compare-column-head]")
    expect(heads).to_have_count(2)
    expect(heads.nth(0)).to_contain_text("Session 1")
    expect(heads.nth(1)).to_contain_text("Session 2")
    for moment in ("before", "after"):  # each moment a row: the two sessions side by side
        row = knee.locator(f"tbody tr[data-moment={moment}] [data-testid=photo]")
        expect(row).to_have_count(2)
        boxes = [row.nth(i).bounding_box() for i in range(2)]
        assert boxes[0]["y"] == boxes[1]["y"] and boxes[0]["x"] < boxes[1]["x"]
    images_shown(page, "[data-testid=compare-site]", 5)  # and the seeded one
    shot(page, "photos-cycle-compare-tablet")

    # A photo at full size, and the patient's photos.
    knee.locator("[data-testid=photo] a").first.tap()
    expect(page.locator("[data-testid=photo-scale]")).to_contain_text("none")
    images_shown(page, ".photo-full", 1)
    shot(page, "photos-photo-tablet")
    page.goto(f"{base}/patients/1#photos")
    images_shown(page, "[data-testid=patient-photos]", 5)
    shot(page, "photos-patient-tablet")
    assert problems == []
