"""The pages' scripts are ES modules (static/planner.js on every page, static/editor/editor.js on
the editor's, and what they import), loaded by the browser with no build step: every module is
served as JavaScript, loads under the strict CSP (script-src 'self'), and starts without a
console error, on a plain page and in the editor.

Self-contained on purpose (only the server and browser fixtures): it first runs the setup link,
as a clinic's first visit does, so it needs no helper to make an account.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.helpers.signing import draw_signature

STATIC = Path(__file__).resolve().parents[2] / "planner" / "static"
# Every module: the entry and everything in static's subfolders (vendored htmx, keepalive.js and
# print.js are classic scripts at the top); a plain page loads all but the editor's.
MODULES = {"planner.js"} | {p.relative_to(STATIC).as_posix() for p in STATIC.rglob("*/*.js")}
EDITOR = {name for name in MODULES if name.startswith("editor/")}
CONSENT = {"forms/signature-pad.js"}  # the consent page's pad only
RECORD_VIOLATIONS = """document.addEventListener("securitypolicyviolation", (e) => {
    window.cspViolations = window.cspViolations || [];
    window.cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});"""


def watched_page(browser) -> tuple[Page, list[str], set[str], dict[str, str]]:
    """A page recording its console errors, failed requests and CSP violations, the scripts it
    asks /static/ for, and the Content-Type each was first served with."""
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    problems: list[str] = []
    asked: set[str] = set()
    kinds: dict[str, str] = {}
    page.add_init_script(RECORD_VIOLATIONS)
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url}"))

    def script(url: str) -> str | None:
        path = url.split("/static/", 1)[-1].split("?")[0]
        return path if "/static/" in url and path.endswith(".js") else None

    def served(response) -> None:
        path = script(response.url)
        if path and path not in kinds:
            kinds[path] = response.headers.get("content-type", "")

    page.on("request", lambda r: asked.add(script(r.url)) if script(r.url) else None)
    page.on("response", served)
    return page, problems, asked, kinds


def violations(page: Page) -> list[str]:
    return page.evaluate("window.cspViolations || []")


def test_the_modules_load_under_the_csp_and_start_the_editor(server, browser):
    from planner.extensions import db
    from planner.models import Patient

    base, app = server
    page, problems, asked, kinds = watched_page(browser)

    # A plain page: the setup link's form (goto waits for its load event, which follows the
    # modules' run), then the patients' list with the language menu.
    page.goto(f"{base}/setup?token=first-run-token")
    assert problems == [], problems  # a module refused (type, CSP, missing) says so here
    assert asked >= MODULES - EDITOR - CONSENT, MODULES - EDITOR - CONSENT - asked
    assert not asked & (EDITOR | CONSENT), asked & (EDITOR | CONSENT)
    page.fill("input[name=full_name]", "Anna Bianchi")
    page.fill("input[name=username]", "abianchi")
    page.fill("input[name=password]", "a long enough password")
    page.fill("input[name=confirm]", "a long enough password")
    page.click("button[type=submit]")
    expect(page.locator("select[data-autosubmit]")).to_have_count(1)

    # The editor: the same modules, and the editor started (it marks the map it drives).
    with app.app_context():
        patient = Patient(record_number="JS-1", family_name="Neri", given_name="Paolo",
                          birth_date=date(1970, 3, 3), sex="male")
        db.session.add(patient)
        db.session.commit()
        patient_id = patient.id
    asked.clear()
    page.goto(f"{base}/patients/{patient_id}/plans/new?view=knee-anterior&treatment=antalgic"
              "&side=right")
    expect(page.locator("#map")).to_have_attribute("data-active-tool", "region")
    expect(page.locator("#map svg")).to_have_attribute("data-base-viewbox", re.compile(r"\d"))
    page.click("button[data-tool=point]")
    expect(page.locator("#map")).to_have_attribute("data-active-tool", "point")

    assert asked >= MODULES - CONSENT, MODULES - CONSENT - asked

    # The consent page: the signature pad's module, started (a stroke fills the form's field).
    page.goto(f"{base}/patients/{patient_id}/consent/antalgic")
    draw_signature(page)
    assert page.locator("input[name=strokes]").input_value().startswith('{"strokes"')
    assert asked >= MODULES, MODULES - asked
    wrong = {name: kind for name, kind in kinds.items()
             if kind.split(";")[0].strip() not in ("text/javascript", "application/javascript")}
    assert not wrong, wrong
    assert violations(page) == []
    assert problems == []
