"""Browser-test fixtures: the app on a live local server, Debian's Chromium through Playwright."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture
def server(tmp_path, database) -> Iterator[tuple[str, Any]]:
    """The app (as configured for a clinic, not TESTING) on a fresh data folder and migrated
    database, served on a free local port: (its address, the app)."""
    from planner.app import create_app
    from planner.extensions import db

    app = create_app({"DATA_DIR": str(tmp_path), "SQLALCHEMY_DATABASE_URI": database})
    app.config["SETUP_TOKEN"] = "first-run-token"
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}", app
    httpd.shutdown()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def chromium():
    """Chromium, launched once for a test module's tests (half a second a launch).

    Not once per test process: while Playwright's sync API runs, it marks the thread's asyncio
    loop as running, and asyncio.run() in a later test of another module would then fail."""
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


@pytest.fixture
def browser(chromium):
    """The module's Chromium: a test's pages are its own (each page or context a fresh
    profile: no cookie or storage of another test's), and closed after it."""
    assert not chromium.contexts, "a page of another test is still open"
    yield chromium
    for context in chromium.contexts:
        context.close()
