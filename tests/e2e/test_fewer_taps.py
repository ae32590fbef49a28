"""Fewer taps (issue 18, item 6): from the patient's page, a cellulite plan of both posterior
thighs (178 points) with the treatment's spacing and volume and the clinic's default mixture is
saved in 5 interactions, each counted as the clinician would make it:

1. "Cellulite" on the patient's page (a plan of that treatment);
2. the hips and thighs on the back figure of New plan;
3. and 4. the left and the right posterior thigh on the body map;
5. Save plan.
"""

from __future__ import annotations

import json

from playwright.sync_api import Locator, Page, expect

from planner.core import clinical
from tests.helpers.browser import SIZES, shot, wait_for_editor, watch
from tests.helpers.mixtures import add_mixture
from tests.helpers.plans import records
from tests.helpers.users import PASSWORD, make_user

TAPS_ALLOWED = 5
MIXTURE = [{"name": "caffeine", "drug": "caffeine", "volume_ml": "2.00"},
           {"name": "saline 0.9%", "drug": "sodium-chloride", "volume_ml": "8.00"}]


class Counted:
    """The clinician's hand: every click, fill, selection and key press through it is one
    interaction (typing a whole value in a field counts as one)."""

    def __init__(self) -> None:
        self.count = 0

    def click(self, target: Locator) -> None:
        self.count += 1
        target.click()

    def fill(self, target: Locator, value: str) -> None:
        self.count += 1
        target.fill(value)

    def select(self, target: Locator, value: str) -> None:
        self.count += 1
        target.select_option(value)

    def press(self, target: Locator, key: str) -> None:
        self.count += 1
        target.press(key)


def a_clinic_with_a_cellulite_default(base: str, app, browser) -> tuple[Page, int, int]:
    """A doctor logged in, a patient, and the clinic's mixture chosen on the mixtures page as
    cellulite's default (before the count starts): the page, the patient's and mixture's ids."""
    from datetime import date
    from decimal import Decimal

    from planner.extensions import db
    from planner.models import Patient

    user = make_user(app)
    family = add_mixture(app, "Cellulite A", MIXTURE, user)
    with app.app_context():
        patient = Patient(record_number="T-1", family_name="Conti", given_name="Laura",
                          birth_date=date(1984, 6, 2), sex="female", weight_kg=Decimal("61"))
        db.session.add(patient)
        db.session.commit()
        patient_id = patient.id
    width, height = SIZES["desktop"]
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{base}/login")
    page.fill("input[name=username]", "doctor")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{base}/mixtures")
    page.select_option("select[name=default-cellulite]", label="Cellulite A")
    page.click("form.mixture-defaults button[type=submit]")
    expect(page.locator(".flash")).to_contain_text("Default mixtures saved")
    return page, patient_id, family


def test_a_100_point_plan_from_the_patient_page_in_5_taps(server, browser):
    base, app = server
    page, patient_id, _family = a_clinic_with_a_cellulite_default(base, app, browser)
    problems = watch(page)
    page.goto(f"{base}/patients/{patient_id}")
    shot(page, "taps-1-patient")
    hand = Counted()

    hand.click(page.get_by_test_id("new-plan-cellulite"))
    expect(page.locator("input[name=treatment][value=cellulite]")).to_be_checked()
    shot(page, "taps-2-choose")
    hand.click(page.locator('a.overview-link[href*="view=hips-thighs-posterior"]').first)
    wait_for_editor(page)
    for n, side in enumerate(("left", "right"), start=1):
        hand.click(page.locator(f'[data-region="hips-thighs-posterior/posterior-thigh-{side}"]'))
        expect(page.locator(".area-panel")).to_have_count(n)
    expect(page.get_by_test_id("mixture-default")).to_be_visible()
    shot(page, "taps-3-editor")
    hand.click(page.locator("#save-plan"))
    expect(page.locator(".flash")).to_contain_text("Plan saved")
    shot(page, "taps-4-saved")

    assert hand.count <= TAPS_ALLOWED, hand.count
    (saved,) = records(app)
    plan = json.loads(saved.plan_json)
    cellulite = clinical.TREATMENTS["cellulite"]
    assert saved.points >= 100 and saved.treatment == "cellulite"
    assert [a["region"] for a in plan["areas"]] == [
        "hips-thighs-posterior/posterior-thigh-left", "hips-thighs-posterior/posterior-thigh-right"]
    for area in plan["areas"]:
        assert area["spacing_mm"] == cellulite.spacing_mm
        assert area["volume_ml"] == str(cellulite.volume_ml)
        assert area["pattern"] == cellulite.pattern
        assert area["mixture"] == "Cellulite A"
    assert plan["mixtures"] == {"Cellulite A": {"components": MIXTURE}}
    # The saved plan's page says where its mixture came from.
    expect(page.get_by_test_id("mixture-origin")).to_contain_text("Cellulite A, version 1")
    expect(page.get_by_test_id("mixture-default")).to_contain_text("default for Cellulite")
    assert not problems
