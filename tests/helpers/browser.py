"""Browser-test helpers: logging in, the body map's coordinates, the page's console, screenshots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Locator, Page

from tests.helpers.users import PASSWORD, make_user

SHOTS = Path(__file__).resolve().parents[1] / "e2e" / "screenshots"


SIZES = {"desktop": (1366, 768), "tablet": (1024, 768)}


def watch(page: Page) -> list[str]:
    """Collect console errors and CSP violations: a clean page has none."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.wait_for_load_state("load")  # after a click that navigates: the page's scripts ran
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)


def total_points(page: Page) -> int:
    return int(page.locator("[data-testid=total-points]").inner_text())


def map_point(page: Page, x_mm: float, y_mm: float) -> tuple[float, float]:
    """Screen position of a point of the body map given in mm."""
    x, y = page.evaluate("""([x, y]) => {
        const svg = document.querySelector('#map svg');
        const p = svg.createSVGPoint(); p.x = x; p.y = y;
        const q = p.matrixTransform(svg.getScreenCTM());
        return [q.x, q.y]; }""", [x_mm, y_mm])
    return float(x), float(y)


def open_editor(base: str, app: Any, browser: Any, size: str = "desktop",
                view: str = "knee-anterior", side: str = "right") -> Page:
    """A logged-in doctor on the editor of a new plan for a new patient."""
    from datetime import date

    from planner.extensions import db
    from planner.models import Patient

    make_user(app)
    with app.app_context():
        patient = Patient(record_number="E2E-1", family_name="Neri", given_name="Paolo",
                          birth_date=date(1970, 3, 3), sex="male")
        db.session.add(patient)
        db.session.commit()
        patient_id = patient.id
    width, height = SIZES[size]
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{base}/login")
    page.fill("input[name=username]", "doctor")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    query = f"view={view}&treatment=antalgic" + (f"&side={side}" if side else "")
    page.goto(f"{base}/patients/{patient_id}/plans/new?{query}")
    wait_for_editor(page)
    return page


def wait_for_editor(page: Page) -> None:
    """Until the editor's scripts have set their handlers (ES modules run after the page is
    shown: a click on the map before that does nothing)."""
    page.locator("#map svg").wait_for()
    page.locator("#plan-form[data-ready]").wait_for(state="attached")


def log_in(page, base: str, username: str = "rossi") -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def top_menu(page: Page, text: str) -> Locator:
    """A link or button of the top bar with this text: on a screen where the bar is folded into
    its Menu (a tablet), the Menu is opened first."""
    # Until tablet.css has come, planner.css hides the Menu's button: seen hidden then, the Menu
    # was left closed (on a busy machine). The page's scripts, after tablet.css, wait for it.
    page.wait_for_load_state("domcontentloaded")
    button = page.locator(".topbar summary.menu-button")
    if button.is_visible() and page.locator(".topbar details.menu[open]").count() == 0:
        button.click()
    return page.locator(".topbar .menu-panel").locator(f"text={text}")


def plan_doc(page: Page) -> dict[str, Any]:
    """The plan file the editor holds."""
    return dict(page.evaluate("JSON.parse(document.getElementById('plan-json').value)"))


def drag(page: Page, path: list[tuple[float, float]]) -> None:
    """A stroke on the map through ``path`` (mm of the map), as a finger or a mouse draws."""
    page.mouse.move(*map_point(page, *path[0]))
    page.mouse.down()
    for x, y in path[1:]:
        page.mouse.move(*map_point(page, x, y), steps=4)
    page.mouse.up()


def tablet(browser: Any, base: str, username: str = "doctor") -> tuple[Any, Page, list[str]]:
    """A 1024x768 touch tablet's browser context, its page logged in as ``username``, and the
    page's console problems (watch)."""
    width, height = SIZES["tablet"]
    context = browser.new_context(viewport={"width": width, "height": height}, has_touch=True)
    page = context.new_page()
    problems = watch(page)
    log_in(page, base, username)
    return context, page, problems
