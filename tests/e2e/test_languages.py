"""An Italian doctor on a computer whose browser is set to US English (issue 8): the app speaks
Italian all the same, the date fields say their dates in Italian words beside the browser's own
format, an error is an Italian page, and the drawing writes decimal commas.

Screenshots land in ``tests/e2e/screenshots/`` (git-ignored) to be looked at.
"""

from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import expect

from tests.helpers.browser import shot, wait_for_editor, watch
from tests.helpers.users import PASSWORD, make_user


def test_an_italian_doctor_on_an_english_browser_reads_italian(server, browser):
    from planner.extensions import db
    from planner.models import Patient

    base, app = server
    make_user(app, "rossi", role="admin", language="it")
    with app.app_context():
        db.session.add(Patient(record_number="IT-1", family_name="Verdi", given_name="Lucia",
                               birth_date=date(1961, 4, 3), sex="female"))
        db.session.commit()
    page = browser.new_page(locale="en-US", viewport={"width": 1366, "height": 768})
    problems = watch(page)
    page.goto(f"{base}/login")
    page.fill("input[name=username]", "rossi")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("html")).to_have_attribute("lang", "it")

    # The birth date: the field shows the browser's mm/dd/yyyy, the words beside it say Italian.
    page.goto(f"{base}/patients/1")  # viewed: the audit trail will say so
    page.goto(f"{base}/patients/1/edit")
    words = page.get_by_test_id("date-words").first
    expect(words).to_have_text("3 apr 1961")
    page.fill("input[name=birth_date]", "1961-12-04")
    expect(words).to_have_text("4 dic 1961")
    shot(page, "languages-1-date-words-it")
    # A date and time (a session's) says both: the same script serves the record form.
    page.evaluate("""() => {
        const field = document.createElement("input");
        field.type = "datetime-local";
        document.querySelector("input[name=birth_date]").form.append(field);
        field.value = "2026-10-05T09:05";
        field.dispatchEvent(new Event("input", {bubbles: true}));
    }""")
    expect(page.get_by_test_id("date-words").last).to_have_text(
        re.compile(r"^5 ott 2026,? 09:05$"))
    assert not problems, problems

    # An address that does not exist: the app's own page, in Italian, with its menu.
    page.goto(f"{base}/patients/999")
    expect(page.locator("h1")).to_have_text("Non trovato")
    expect(page.get_by_test_id("error")).to_contain_text("non esiste")
    shot(page, "languages-2-not-found-it")
    problems.clear()  # the browser reports the 404 itself on its console

    # The editor's drawing writes 1,40 mL, never 1.40.
    page.goto(f"{base}/patients/1/plans/new?view=knee-anterior&treatment=antalgic&side=right")
    wait_for_editor(page)
    page.locator("#map [data-region='knee-anterior/medial']").first.click()
    expect(page.locator("#map svg #legend")).to_contain_text(re.compile(r"\d+ punti, \d+,\d\d mL"))
    assert not re.search(r"\d\.\d\d mL", page.locator("#map svg #legend").text_content() or "")
    shot(page, "languages-3-editor-it")

    # The audit trail says what was done in Italian words.
    page.goto(f"{base}/audit")
    expect(page.get_by_test_id("audit")).to_contain_text("visualizzato")
    expect(page.get_by_test_id("audit")).to_contain_text("accesso")
    shot(page, "languages-4-audit-it")
    assert not problems, problems
