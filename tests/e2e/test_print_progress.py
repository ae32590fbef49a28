"""A PDF asked for in the editor while no PDF of it is made yet: the new tab shows the progress
(waiting, then laying out) and opens the PDF once the print worker (a thread running its loop
here) has made it; a failure says so, with Try again. Screenshots: print-progress-*.png."""

from __future__ import annotations

import threading
import time

from tests.helpers.browser import log_in, shot, watch
from tests.helpers.print_jobs import Renders, saved_plan, worker_thread
from tests.helpers.users import make_user


def open_print_menu(page, base: str, plan_id: int) -> None:
    page.goto(f"{base}/plans/{plan_id}")
    page.locator("details.print-menu summary").click()


def test_the_pdf_link_shows_the_progress_then_opens_the_pdf(server, browser):
    from planner.printing import pdf

    base, app = server
    make_user(app, "rossi", language="it")
    plan_id = saved_plan(app)
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    log_in(page, base)
    open_print_menu(page, base, plan_id)
    with page.expect_popup() as opened:
        page.locator(f"a[href='/plans/{plan_id}/sheet.pdf']").click()
    tab = opened.value
    problems = watch(tab)
    tab.wait_for_load_state("load")
    box = tab.locator("[data-print-progress]")
    assert tab.locator("h1").inner_text() == "Preparazione della scheda per la sala trattamenti…"
    words = box.locator("[data-progress-words]")
    words.filter(has_text="In attesa del servizio di stampa").wait_for()
    tab.locator("[data-print-progress][data-state=queued]").wait_for()  # its script asked
    shot(tab, "print-progress-1-waiting")
    assert "Verdi" not in tab.locator("main").inner_text()  # no patient data while it waits

    going = threading.Event()

    def slow(html: str) -> bytes:  # long enough to be seen laying out
        going.set()
        time.sleep(1.5)
        return pdf.to_pdf(html)

    with tab.expect_response(lambda r: r.url == f"{base}/plans/{plan_id}/sheet.pdf"
                             and r.status == 200, timeout=60_000) as made, \
            worker_thread(app, slow):
        tab.locator("[data-print-progress][data-state=making]").wait_for(timeout=30_000)
        assert tab.locator("[data-progress-words]").inner_text() == "Impaginazione in corso…"
        assert "finora" in tab.locator("[data-progress-time]").inner_text()
        shot(tab, "print-progress-2-laying-out")
        assert not problems, problems  # (Chromium's PDF viewer asks for a /favicon.ico)
    assert made.value.headers["content-type"] == "application/pdf"  # in Chromium's viewer
    tab.wait_for_url(f"{base}/plans/{plan_id}/sheet.pdf")
    time.sleep(1)  # the viewer draws the first page
    shot(tab, "print-progress-3-opened")
    assert tab.request.get(tab.url).body().startswith(b"%PDF-")  # what the viewer shows
    assert going.is_set()

    # The clinic has it now: the next click opens the PDF itself, with no waiting page.
    with page.expect_popup() as again:
        page.locator(f"a[href='/plans/{plan_id}/sheet.pdf']").click()
    second = again.value
    second.wait_for_load_state("commit")
    assert second.url == f"{base}/plans/{plan_id}/sheet.pdf"


def test_a_failed_pdf_says_so_and_offers_to_try_again(server, browser):
    base, app = server
    make_user(app, "rossi", language="es")
    plan_id = saved_plan(app)
    page = browser.new_page(viewport={"width": 1366, "height": 768})
    problems = watch(page)
    log_in(page, base)
    page.goto(f"{base}/plans/{plan_id}/stencil.pdf")
    with worker_thread(app, Renders(fail=True)):
        page.locator("[data-testid=print-failed]").wait_for(timeout=30_000)
    assert page.locator("h1").inner_text() == "No se ha podido crear el PDF"
    shot(page, "print-progress-4-failed")
    assert page.locator("[data-testid=print-retry]").get_attribute("href") == \
        f"/plans/{plan_id}/stencil.pdf?retry=1"
    page.locator("[data-testid=print-retry]").click()
    page.locator("[data-print-progress]").wait_for()  # queued again, waiting
    assert not problems, problems
