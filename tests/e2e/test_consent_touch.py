"""A patient signs the consent with a finger on a 1024x768 touch tablet, in their language."""

from __future__ import annotations

import json

from playwright.sync_api import expect

from planner.consent_texts import built_in
from tests.helpers.browser import shot, tablet
from tests.helpers.signing import STROKE


def test_a_patient_signs_with_a_finger_in_spanish(seeded, server, browser):
    from planner.extensions import db
    from planner.models import Consent

    base, app = server
    # The assistant hands over the tablet.
    context, page, problems = tablet(browser, base, "assistant")
    page.goto(f"{base}/patients/1")
    section = page.locator("[data-testid=consents]")
    expect(section.locator("tbody tr")).to_have_count(1)  # the seeded consent to pain
    section.get_by_role("link", name="Cellulite").tap()
    page.get_by_role("link", name="Español").tap()
    expect(page.locator("[data-testid=consent-text]")).to_have_attribute("lang", "es")
    expect(page.locator("[data-testid=consent-text]")).to_contain_text(
        "mesoterapia para la celulitis")
    page.locator("input[name=photos_record][value=no]").tap()
    page.locator("input[name=photos_teaching][value=no]").tap()

    # A finger on the pad: touch events, as the tablet's screen sends them.
    pad = page.locator("[data-testid=signature-pad]")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box is not None
    cdp = context.new_cdp_session(page)
    at = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in STROKE]
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart",
                                          "touchPoints": [{"x": at[0][0], "y": at[0][1]}]})
    for x, y in at[1:]:
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove",
                                              "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    expect(page.locator("input[name=strokes]")).not_to_have_value("")
    shot(page, "consent-finger-tablet")
    # Clicked, not tapped: in Chromium's touch emulation the first tap after a touch drag on
    # a touch-action: none element is swallowed, with or without any script on the page
    # (checked on a bare page). Not yet checked on a real tablet (noted for the team).
    page.locator("button:has-text('Sign the consent')").click()
    expect(page.locator(".flash")).to_contain_text("Consent signed.")
    expect(section.locator("tbody tr")).to_have_count(2)
    with app.app_context():
        consent = db.session.query(Consent).order_by(Consent.id.desc()).first()
        assert (consent.treatment, consent.language, consent.text_version) == (
            "cellulite", "es", 1)
        assert consent.body == built_in("cellulite", "es")
        assert (consent.photos_record, consent.photos_teaching) == (False, False)
        strokes = json.loads(consent.strokes_json)["strokes"]
        assert [s["pointer"] for s in strokes] == ["touch"]
        times = [p[2] for p in strokes[0]["points"]]
        assert len(times) >= len(STROKE) and times == sorted(times)
    assert problems == [], problems
    context.close()
