"""A photo with the calibration card, taken into a session record on a 1024x768 touch tablet
(issue 20, item 4): the photo's page says how far its scale holds and draws the card's markers
where they are in the photo, over the image as the browser shows it.

Screenshot: photos-scale-tablet."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.helpers.browser import shot, tablet
from tests.helpers.card_photos import card_jpeg


def photos_consented(app) -> None:
    """The seeded patient's newest consent says yes to photos in the record."""
    from planner.consent_texts import built_in
    from planner.extensions import db
    from planner.models import Consent
    from tests.helpers.records import SIGNATURE

    with app.app_context():
        db.session.add(Consent(patient_id=1, treatment="antalgic", language="it",
                               text_version=1, body=built_in("antalgic", "it"),
                               signer_name="Giulia Seeded", strokes_json=SIGNATURE,
                               taken_by_id=1, taken_by_name="Marta Ferrari",
                               photos_record=True, photos_teaching=False))
        db.session.commit()


def test_a_calibrated_photo_shows_its_confidence_and_the_markers_found(seeded, server,
                                                                       browser):
    base, app = server  # seeded: patient 1, plan 1, draft record 1; doctor is user 1
    photos_consented(app)
    _context, page, problems = tablet(browser, base)
    page.goto(f"{base}/patients/1/photos/new?record_id=1")
    page.wait_for_load_state("load")
    page.locator("[data-testid=photo-camera]").set_input_files(
        {"name": "IMG_3001.jpg", "mimeType": "image/jpeg", "buffer": card_jpeg()})
    page.locator("input[name=moment][value=before]").check()
    page.locator("[data-testid=photo-site]").select_option(index=1)
    page.locator("[data-testid=photo-save]").tap()
    expect(page.locator(".flash")).to_contain_text("Photo saved")

    photo = page.locator("[data-testid=record-photos] figure[data-calibrated]")
    expect(photo).to_have_count(1)
    expect(photo.locator("[data-testid=photo-overlay] .card-marker")).to_have_count(4)
    photo.locator("a").tap()
    expect(page.locator("[data-testid=photo-scale]")).to_contain_text("calibrated")
    confidence = page.locator("[data-testid=photo-confidence]")
    expect(confidence).to_contain_text("4 of 4 markers found")
    expect(confidence).to_contain_text("stays within 1 mm")
    expect(confidence.locator("[data-testid=photo-curve] tbody tr")).to_have_count(3)
    page.wait_for_function("""() => { const img = document.querySelector(
        '[data-testid=photo-image]'); return img.complete && img.naturalWidth > 0; }""")

    # The markers drawn where the image shows them: the photo shown in its own proportions,
    # each marker's corners (in the photo's pixels) at the same place of the image on screen.
    found = page.evaluate("""() => {
        const img = document.querySelector('[data-testid=photo-image]');
        const box = img.getBoundingClientRect();
        const k = box.width / img.naturalWidth;
        return {box: [box.width, box.height, img.naturalWidth, img.naturalHeight],
                markers: [...document.querySelectorAll('.photo-full .card-marker')].map(p => {
                    const points = p.getAttribute('points').split(' ')
                        .map(q => q.split(',').map(Number));
                    const xs = points.map(q => box.x + q[0] * k);
                    const ys = points.map(q => box.y + q[1] * k);
                    const drawn = p.getBoundingClientRect();
                    return [[drawn.left, drawn.top, drawn.right, drawn.bottom],
                            [Math.min(...xs), Math.min(...ys), Math.max(...xs),
                             Math.max(...ys)]]; })}; }""")
    shown_w, shown_h, natural_w, natural_h = found["box"]
    assert abs(shown_w / shown_h - natural_w / natural_h) < 0.01  # not squashed
    assert len(found["markers"]) == 4
    for drawn, expected in found["markers"]:
        assert max(abs(a - b) for a, b in zip(drawn, expected, strict=True)) < 1.5, \
            (drawn, expected)
        side = (expected[2] - expected[0]) / (shown_w / natural_w)  # in the photo's px
        assert 60 < side < 110  # a 15 mm marker at 5 px per mm, turned and tilted
    page.locator("[data-testid=photo-image]").scroll_into_view_if_needed()
    shot(page, "photos-scale-tablet")
    confidence.scroll_into_view_if_needed()
    shot(page, "photos-scale-confidence-tablet")
    assert problems == []
