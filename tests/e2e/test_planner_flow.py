"""What a clinician does, in real Chromium: first run, login, patient, plan a knee, save, reopen.

Screenshots of every step land in ``tests/e2e/screenshots/`` (git-ignored) to be looked at.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pdfplumber
import pytest
from playwright.sync_api import expect

from tests.helpers.browser import (
    SIZES,
    map_point,
    shot,
    top_menu,
    total_points,
    wait_for_editor,
    watch,
)

MM = 25.4 / 72  # mm per PDF point


@pytest.mark.parametrize("size", list(SIZES))
def test_a_doctor_plans_a_knee_and_finds_it_again(server, browser, size, tmp_path):
    base, _app = server
    width, height = SIZES[size]
    page = browser.new_page(viewport={"width": width, "height": height})
    problems = watch(page)

    # First run: the one-time setup link creates the first account.
    page.goto(f"{base}/setup?token=first-run-token")
    shot(page, f"{size}-01-setup")
    page.fill("input[name=full_name]", "Anna Bianchi")
    page.fill("input[name=username]", "abianchi")
    page.fill("input[name=password]", "a long enough password")
    page.fill("input[name=confirm]", "a long enough password")
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("Patients")

    # Log out and in again.
    top_menu(page, "Log out").click()  # on the tablet, in the folded bar's Menu
    expect(page.locator("h1")).to_have_text("Log in")
    shot(page, f"{size}-02-login")
    page.fill("input[name=username]", "abianchi")
    page.fill("input[name=password]", "a long enough password")
    page.click("button[type=submit]")

    # A new patient.
    page.click("text=New patient")
    page.fill("input[name=family_name]", "Verdi")
    page.fill("input[name=given_name]", "Giulia")
    page.fill("input[name=birth_date]", "1962-05-14")
    page.select_option("select[name=sex]", "female")
    page.fill("input[name=weight_kg]", "64")
    shot(page, f"{size}-03-new-patient")
    page.click("button:has-text('Save')")
    expect(page.locator("h1")).to_contain_text("Verdi, Giulia")
    shot(page, f"{size}-04-patient")

    # A new plan on the anterior view of the right knee.
    page.click("text=New plan")
    shot(page, f"{size}-05-choose")
    page.click("button:has-text('Knee, anterior view')")
    page.click("button:has-text(\"Patient's RIGHT\")")
    wait_for_editor(page)
    assert total_points(page) == 0

    # Take the medial region with a click.
    page.locator('[data-region="knee-anterior/medial"]').click()
    expect(page.locator(".area-panel")).to_have_count(1)
    first = total_points(page)
    assert first > 5

    # Draw a polygon over the distal thigh (mm on the drawing), finished with a double click.
    page.click("button[data-tool=polygon]")
    corners = [(40, 30), (120, 30), (120, 80), (40, 80)]
    for fx, fy in corners:
        x, y = map_point(page, fx, fy)
        page.mouse.click(x, y)
    x, y = map_point(page, *corners[-1])
    page.mouse.dblclick(x, y)
    expect(page.locator(".area-panel")).to_have_count(2)
    second = total_points(page)
    assert second > first

    # The spacing slider of the first area changes the count.
    slider = page.locator('.area-panel input[type=range][data-area="0"]')
    slider.fill("10")
    expect(page.locator('[data-area-panel="0"] [data-testid=area-points]')).not_to_have_text(
        str(first))
    denser = total_points(page)
    assert denser > second
    shot(page, f"{size}-06-editor")

    # Change one point's volume.
    before_ml = page.locator("[data-testid=total-ml]").inner_text()
    page.click("button[data-tool=select]")
    page.locator(".point circle").first.click()
    expect(page.locator(".popover-title")).to_have_text(
        re.compile(r"^#\d+ · [A-Z]+\d+ · 0\.\d\d mL · \d+\.\d mm$"))  # number, grid name,
    # volume and depth
    page.fill("#point-volume", "0.30")
    page.click("[data-action=point-apply]")
    expect(page.locator("[data-testid=total-ml]")).not_to_have_text(before_ml)
    after_ml = page.locator("[data-testid=total-ml]").inner_text()
    assert float(after_ml.replace(",", ".")) == pytest.approx(
        float(before_ml.replace(",", ".")) + 0.20)
    shot(page, f"{size}-07-point-volume")

    # Save, reload: the same points and totals.
    points_before = total_points(page)
    page.click("#save-plan")
    expect(page.locator(".flash")).to_contain_text("Plan saved")
    page.reload()
    assert total_points(page) == points_before
    expect(page.locator("[data-testid=total-ml]")).to_have_text(after_ml)
    shot(page, f"{size}-08-reopened")

    # The downloaded plan file gives the same points and total with `mesoplanner grid`.
    page.click("summary:has-text('Print')")
    shot(page, f"{size}-08b-print-menu")
    with page.expect_download() as download:
        page.click("text=Download plan file")
    plan_file = tmp_path / download.value.suggested_filename
    download.value.save_as(plan_file)
    done = subprocess.run([sys.executable, "-m", "planner.cli", "grid", str(plan_file)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    computed = json.loads(done.stdout)
    assert len(computed["points"]) == points_before
    assert computed["total_ml"] == after_ml.replace(",", ".")

    # The treatment sheet opens in a new tab, ready to print, with the same totals.
    with page.context.expect_page() as opened:
        page.click("text=Treatment sheet")
    sheet = opened.value
    sheet_problems = watch(sheet)
    sheet.wait_for_load_state()
    expect(sheet.locator("[data-print]")).to_be_visible()
    expect(sheet.locator("[data-testid=total-points]")).to_have_text(str(points_before))
    expect(sheet.locator("[data-testid=total-ml]")).to_have_text(after_ml)
    shot(sheet, f"{size}-08c-sheet")
    # Printed by the browser itself, the calibration bar measures 100 mm.
    printed = tmp_path / "sheet.pdf"
    sheet.pdf(path=str(printed), prefer_css_page_size=True)
    with pdfplumber.open(printed) as document:
        first = document.pages[0]
        assert (round(first.width * MM), round(first.height * MM)) == (210, 297)
        bars = [r["width"] * MM for p in document.pages for r in p.rects
                if abs(r["height"] * MM - 1.6) < 0.1 and r["width"] * MM > 50]
        text = first.extract_text()
    assert bars and all(abs(b - 100) <= 0.5 for b in bars), bars
    assert "Mesoplanner" not in text.splitlines()[0]  # no stray running foot at the top
    sheet.close()
    assert sheet_problems == []

    # A weekly cycle of four sessions from the saved plan.
    page.click("text=Schedule a cycle")
    page.click("text=Show the dates")
    expect(page.locator("[data-testid=cycle-dates] li")).to_have_count(4)
    shot(page, f"{size}-08d-cycle")
    page.click("text=Schedule the cycle")
    expect(page.locator(".flash")).to_contain_text("Cycle scheduled: 4 sessions")

    # The patient page shows the plan with its thumbnail, and the cycle.
    expect(page.locator(".plan-card")).to_have_count(1)
    expect(page.locator("[data-testid=cycle] .cycle-dates input[name=planned_on]")).to_have_count(4)
    shot(page, f"{size}-09-patient-with-plan")
    top_menu(page, "Sessions").click()
    expect(page.locator("[data-testid=upcoming] tbody tr")).to_have_count(2)
    shot(page, f"{size}-10-sessions")
    assert problems == []
