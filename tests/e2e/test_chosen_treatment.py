"""New plan: the treatment ticked survives every way of picking the body part (issue 18, item
2): a click on any body part of the front or back figure, a limb's side asked next, a view of
the list; the editor opens with that treatment (its spacing and volume defaults with it)."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.helpers.browser import open_editor, wait_for_editor

OTHERS = ("cellulite", "face", "microneedling")  # the default is antalgic


def test_every_way_of_picking_the_body_part_keeps_the_treatment(server, browser):
    base, app = server
    page = open_editor(base, app, browser)
    choose = page.url.split("/plans/new")[0] + "/plans/new"
    page.goto(choose)
    links = page.locator("a.overview-link")
    assert links.count() >= 15
    # Every body part of both figures, with a treatment ticked: the link it follows carries
    # it (the page stays: a listener after ours keeps the browser from following it).
    page.evaluate("""() => document.addEventListener('click', e => {
        if (e.target.closest('a.overview-link')) e.preventDefault(); })""")
    for k in range(links.count()):
        treatment = OTHERS[k % len(OTHERS)]
        page.locator(f"input[name=treatment][value={treatment}]").check()
        links.nth(k).locator("path").dispatch_event("click")
        assert f"treatment={treatment}" in links.nth(k).get_attribute("href"), k
    # Followed for real: a part whose side the figure says, one whose side is asked next, and
    # a view of the list (it submits the form with its ticked treatment).
    for k, treatment in ((0, "cellulite"), (links.count() - 1, "microneedling")):
        page.goto(choose)
        page.locator(f"input[name=treatment][value={treatment}]").check()
        page.locator("a.overview-link").nth(k).locator("path").dispatch_event("click")
        page.wait_for_load_state("load")
        side = page.locator("button[name=side][value=right]")
        if side.count():
            side.click()
        wait_for_editor(page)
        expect(page.locator("select[data-plan-key=treatment]")).to_have_value(treatment)
    page.goto(choose)
    page.locator("input[name=treatment][value=face]").check()
    page.locator(".view-list button[value=face-frontal]").click()
    wait_for_editor(page)
    expect(page.locator("select[data-plan-key=treatment]")).to_have_value("face")
