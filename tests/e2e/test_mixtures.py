"""An Italian doctor defines a clinic mixture from the drug catalogue, changes it into version 2,
adds it to a plan, and archives it.

Screenshots land in ``tests/e2e/screenshots/`` (git-ignored) to be looked at.
"""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import expect

from tests.helpers.browser import log_in, shot, wait_for_editor, watch
from tests.helpers.users import make_user


def test_an_italian_doctor_makes_changes_and_archives_a_mixture(server, browser):
    from planner.extensions import db
    from planner.models import Patient

    base, app = server
    make_user(app, "rossi", language="it")
    with app.app_context():
        db.session.add(Patient(record_number="IT-2", family_name="Bruno", given_name="Elena",
                               birth_date=date(1964, 2, 9), sex="female"))
        db.session.commit()
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    problems = watch(page)
    log_in(page, base)
    page.goto(f"{base}/mixtures")
    expect(page.locator("html")).to_have_attribute("lang", "it")

    # A refused save (no name) shows the form again, each row with what the catalogue made of
    # it: an anaesthetic it does not know is said to be unchecked.
    page.fill("input[name=component-0]", "Cinchocaina 1%")
    page.fill("input[name=mg_per_ml-0]", "10")
    page.fill("input[name=volume_ml-0]", "1")
    page.locator("form.mixture-form button[type=submit]").click()
    expect(page.locator("input[name=name]")).to_have_attribute("aria-invalid", "true")
    note = page.locator("tr.finding-row [data-code=anaesthetic-unidentified]")
    expect(note).to_contain_text("Cinchocaina 1%")
    shot(page, "mixtures-0-refused-it")
    problems.clear()  # the browser reports the 422 on its console

    # Typing part of a name offers the catalogue's drugs, in Italian, with their ATC codes.
    page.fill("input[name=name]", "Ginocchio A")
    page.fill("input[name=component-0]", "Lidocaina 2%")
    page.fill("input[name=mg_per_ml-0]", "")
    drug = page.locator("input[name=drug-0]")
    drug.press_sequentially("lidoc")
    offered = page.get_by_test_id("drug-suggestions")
    expect(offered).to_be_visible()
    expect(offered.locator("li").first).to_have_attribute("data-value", "lidocaina")
    expect(offered.locator("li").first).to_contain_text("N01BB02")
    expect(offered).to_contain_text("lidocaina con adrenalina")
    expect(drug).to_have_attribute("aria-expanded", "true")
    shot(page, "mixtures-1-drug-suggestions-it")
    offered.locator("li[data-value=lidocaina]").click()
    expect(drug).to_have_value("lidocaina")
    expect(offered).to_have_count(0)
    # The keyboard picks too; free text stays free.
    second = page.locator("input[name=drug-1]")
    second.press_sequentially("fisiol")
    second.press("ArrowDown")
    second.press("Enter")
    expect(second).to_have_value("soluzione fisiologica")
    page.fill("input[name=component-1]", "Fisiologica")
    page.fill("input[name=mg_per_ml-0]", "20")
    page.fill("input[name=volume_ml-0]", "1")
    page.fill("input[name=volume_ml-1]", "4")
    page.fill("input[name=component-2]", "Estratto misterioso")
    page.fill("input[name=volume_ml-2]", "0,5")
    page.locator("form.mixture-form button[type=submit]").click()

    current = page.get_by_test_id("current-mixtures")
    row = current.locator("tbody tr", has_text="Ginocchio A")
    expect(row.locator("td").nth(1)).to_have_text("1")
    findings = row.get_by_test_id("drug-finding")
    expect(findings.nth(0)).to_have_text(re.compile(r"lidocaina · anestetico locale · N01BB02"))
    expect(findings.nth(1)).to_contain_text("soluzione fisiologica")
    expect(findings.nth(2)).to_have_class(re.compile("drug-finding"))
    expect(findings.nth(2).locator(".drug-unknown")).to_have_count(1)
    shot(page, "mixtures-2-saved-it")

    # Changed: version 2; the page shows both versions.
    row.locator("a[href$='/edit']").click()
    expect(page.locator("input[name=volume_ml-2]")).to_have_value("0,5")
    page.fill("input[name=volume_ml-1]", "3")
    shot(page, "mixtures-3-edit-it")
    page.locator("form.mixture-form button[type=submit]").click()
    expect(row.locator("td").nth(1)).to_have_text("2")
    shot(page, "mixtures-4-version-2-it")
    row.locator("a[href$='/edit']").click()
    expect(page.get_by_test_id("versions").locator("tbody tr")).to_have_count(2)
    shot(page, "mixtures-5-versions-it")

    # In the editor: added from the clinic's list, it says which version it is.
    page.goto(f"{base}/patients/1/plans/new?view=knee-anterior&treatment=antalgic&side=right")
    wait_for_editor(page)
    page.locator("select[data-action=add-mixture]").select_option("Ginocchio A")
    origin = page.get_by_test_id("mixture-origin")
    expect(origin).to_contain_text("Ginocchio A")
    expect(origin).to_contain_text("2")
    expect(page.get_by_test_id("plan-mixture").locator("li").first).to_contain_text(
        "Lidocaina 2% 1,00 mL (20,00 mg/mL) · lidocaina")
    page.get_by_test_id("plan-mixture").scroll_into_view_if_needed()
    shot(page, "mixtures-6-editor-it")

    # Archived: listed apart, no longer offered by the editor.
    page.goto(f"{base}/mixtures")
    row.locator("form[action$='/archive'] button").click()
    archived = page.get_by_test_id("archived-mixtures")
    expect(archived.locator("tbody tr", has_text="Ginocchio A")).to_have_count(1)
    expect(page.get_by_test_id("current-mixtures")).to_have_count(0)
    shot(page, "mixtures-7-archived-it")
    page.goto(f"{base}/patients/1/plans/new?view=knee-anterior&treatment=antalgic&side=right")
    wait_for_editor(page)
    expect(page.locator("select[data-action=add-mixture]")).to_have_count(0)
    assert not problems, problems


def test_a_plan_with_an_older_recipe_takes_the_clinic_s_current_version_in_one_click(server,
                                                                                    browser):
    import json

    from planner.extensions import db
    from planner.models import Patient, SavedMixture, User

    base, app = server
    make_user(app, "rossi", language="it")
    old = [{"name": "Lidocaina 2%", "drug": "lidocaine", "mg_per_ml": "20", "volume_ml": "1.00"},
           {"name": "Fisiologica", "volume_ml": "4.00"}]
    with app.app_context():
        db.session.add(Patient(record_number="IT-3", family_name="Bruno", given_name="Elena",
                               birth_date=date(1964, 2, 9), sex="female"))
        user = db.session.scalar(db.select(User))
        db.session.add(SavedMixture(name="Ginocchio A", components_json=json.dumps(old),
                                    created_by_id=user.id))
        db.session.commit()
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    problems = watch(page)
    log_in(page, base)
    page.goto(f"{base}/patients/1/plans/new?view=knee-anterior&treatment=antalgic&side=right")
    wait_for_editor(page)
    page.locator("select[data-action=add-mixture]").select_option("Ginocchio A")
    expect(page.get_by_test_id("mixture-origin")).to_contain_text("versione 1")
    expect(page.get_by_test_id("use-current-version")).to_have_count(0)

    # Meanwhile the clinic's mixture becomes version 2 (less saline).
    other = context.new_page()
    other.goto(f"{base}/mixtures/1/edit")
    other.fill("input[name=volume_ml-1]", "3")
    other.locator("form.mixture-form button[type=submit]").click()
    # The save lands (the list says so) before the tab is closed: a tab closed while its
    # form is being sent leaves the server and the test racing.
    expect(other.locator(".flash, [role=status], [role=alert]").first).to_contain_text(
        "versione 2")
    other.close()

    # The workspace, redrawn, says the plan's recipe is older, and one click takes version 2.
    page.locator("[data-action=undo]").click()
    page.locator("[data-action=redo]").click()
    origin = page.get_by_test_id("mixture-origin")
    expect(origin).to_contain_text("versione 1")
    expect(origin).to_contain_text("la versione attuale dello studio è la 2")
    shot(page, "mixtures-8-older-recipe-it")
    page.get_by_test_id("use-current-version").click()
    expect(origin).to_contain_text("versione 2")
    expect(page.get_by_test_id("use-current-version")).to_have_count(0)
    expect(page.get_by_test_id("plan-mixture").locator("li").nth(1)).to_contain_text(
        "Fisiologica 3,00 mL")
    assert not problems, problems
