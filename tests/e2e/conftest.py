"""Browser-test fixtures: the app on a live local server, Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, sync_playwright
from werkzeug.serving import make_server

SHOTS = Path(__file__).parent / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SIZES = {"desktop": (1366, 768), "tablet": (1024, 768)}


@pytest.fixture
def server(tmp_path) -> Iterator[tuple[str, Any]]:
    from flask_migrate import upgrade

    from planner import create_app

    app = create_app({"DATA_DIR": str(tmp_path)})
    with app.app_context():
        upgrade()
    app.config["SETUP_TOKEN"] = "first-run-token"
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", app
    httpd.shutdown()


@pytest.fixture
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is required for the browser tests in CI (.ci/run installs it)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield browser
        browser.close()


def watch(page: Page) -> list[str]:
    """Collect console errors and CSP violations: a clean page has none."""
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
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
    from tests.conftest import PASSWORD, make_user

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
    page.locator("#map svg").wait_for()
    return page
