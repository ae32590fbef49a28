"""Browser-test helpers for signatures: a patient signs the consent pad, a doctor signs a
record with their password."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.helpers.browser import shot

# A signature's shape on the pad, as fractions of its box: a name written across it.
STROKE = [(0.08, 0.6), (0.2, 0.3), (0.32, 0.7), (0.45, 0.35), (0.6, 0.65), (0.75, 0.3),
          (0.9, 0.55)]


def draw_signature(page: Page) -> None:
    """Sign the consent pad with the mouse (pointer events, as a finger or a pen)."""
    pad = page.locator("[data-testid=signature-pad]")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box is not None
    points = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in STROKE]
    page.mouse.move(*points[0])
    page.mouse.down()
    for x, y in points[1:]:
        page.mouse.move(x, y, steps=4)
    page.mouse.up()


def sign_consent(page: Page, *, photos_record: str = "yes", photos_teaching: str = "no",
                 screenshot: str = "") -> None:
    """From a record's page: the patient reads the consent, answers on photos, signs; back on the
    record. ``screenshot``: the name of a screenshot of the signed pad, before it is sent."""
    page.get_by_role("link", name="Have the patient sign the consent").click()
    expect(page.locator("[data-testid=consent-text]")).to_contain_text("I consent to the treatment")
    page.check(f"input[name=photos_record][value={photos_record}]")
    page.check(f"input[name=photos_teaching][value={photos_teaching}]")
    draw_signature(page)
    if screenshot:
        shot(page, screenshot)
    page.click("button:has-text('Sign the consent')")
    expect(page.locator(".flash")).to_contain_text("Consent signed.")
    expect(page.locator("[data-testid=consent-status]")).to_contain_text("Consent signed by")


def sign_record(page: Page, password: str, button: str = "Sign the record") -> None:
    """The doctor confirms with their password and signs the record."""
    gate = page.locator("[data-testid=gate]")
    gate.locator("input[name=password]").fill(password)
    gate.locator(f"button:has-text('{button}')").click()
