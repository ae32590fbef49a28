"""A 1024x768 touch tablet (issue 18, item 5), in Italian, Spanish and English: the top bar folds
into a Menu that reaches every link and Log out, no page scrolls sideways, every control takes a
44 CSS px fingertip, a finger finds a point a few pixels wide, and the point's popover opens
beside its area, never over it. On a 1366x768 desktop the bar stays open.

Screenshots land in ``tests/e2e/screenshots/`` (git-ignored) to be looked at.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from tests.helpers.access import seed
from tests.helpers.browser import SIZES, shot, wait_for_editor, watch
from tests.helpers.languages import set_language
from tests.helpers.users import PASSWORD

LANGUAGES = ("it", "es", "en")
TABLET = {"viewport": {"width": 1024, "height": 768}, "has_touch": True, "is_mobile": False}
FINGER_PX = 44

# What a logged-in administrator reaches (a doctor reaches a part of it), on the seeded clinic
# (tests/helpers/access.py: patient 1, plan 1, its cycle 1 of sessions 1 and 2, draft record
# 1, consent 1, photo 1) with record 2 signed, mixture 1 and the consent to photos added here.
# The pages whose every control is measured against a fingertip are marked True.
PAGES = {
    "/patients": False, "/patients/new": False, "/patients/1": True, "/patients/1/edit": False,
    "/patients/1/plans/new": False, "/patients/1/plans/import": False, "/plans/1": True,
    "/mixtures": False, "/mixtures/1/edit": False, "/plans/1/cycle": False, "/sessions": False,
    "/sessions/2/record": True, "/records/1": True, "/records/2": False, "/cycles/1/report": False,
    "/recall?lot=S-1": False, "/users": False, "/users/new": False, "/users/1": False,
    "/audit": False, "/settings": False, "/account/password": False, "/account/tokens": False,
    "/account/sessions": False, "/patients/1/consent/antalgic": True, "/consents/1": False,
    "/settings/consents": False, "/patients/1/photos/new?record_id=1": True, "/photos/1": True,
    "/cycles/1/photos": False,
}

# Every control a finger taps, as shown (not in a closed menu, not hidden): buttons, links drawn
# as buttons, fields, summaries, and the label of a box to tick (the box is inside it).
SMALL_CONTROLS = """(least) => {
    const tappable = 'button, a.button, input:not([type=hidden]):not([type=checkbox])' +
        ':not([type=radio]), select, textarea, summary, [role=button], .topbar a, ' +
        'label:has(input[type=checkbox]), label:has(input[type=radio])';
    return [...document.querySelectorAll(tappable)].filter(e => e.checkVisibility({
        contentVisibilityAuto: true, visibilityProperty: true})).map(e => {
            const r = e.getBoundingClientRect();
            return [e.outerHTML.slice(0, 70), Math.round(r.width), Math.round(r.height)];
        }).filter(([, w, h]) => w < least || h < least);
}"""

# Where a finger lands beside point k's dot at (x, y): 16 px away (less where the points are
# closer), in the first direction where no other point's dot or number is under it.
BESIDE = """([k, x, y]) => {
    const centres = [...document.querySelectorAll('#points g.point circle:first-of-type')]
        .map(c => { const b = c.getBoundingClientRect();
                    return [b.x + b.width / 2, b.y + b.height / 2]; });
    const own = centres[k];
    const reach = Math.min(16, 0.45 * Math.min(...centres.filter((c, i) => i !== k)
        .map(c => Math.hypot(c[0] - x, c[1] - y))));
    for (let turn = 0; turn < 16; turn++) {
        const a = turn * Math.PI / 8;
        const at = [x + reach * Math.cos(a), y + reach * Math.sin(a)];
        const under = document.elementFromPoint(...at);
        const group = under && under.closest('.point');
        if (!group || group === document.querySelectorAll('#points g.point')[k]) return at;
    }
    return own;
}"""

OVERFLOW = """() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"""


def sideways(page: Page) -> int:
    """How far the page scrolls sideways, in CSS px (0: not at all)."""
    scroll, client = page.evaluate(OVERFLOW)
    return max(0, scroll - client)


def clinic(app) -> None:
    """The seeded clinic (the test asks for ``seeded``, or seeds it), with a clinic mixture and
    a signed record (session 1's, as record 2), an administrator whose name is a long one, and
    the patient's consent to photos."""
    from planner.extensions import db
    from planner.models import Consent, SavedMixture, SessionRecord, User

    with app.app_context():
        db.session.get(Consent, 1).photos_record = True  # the photo form, not its refusal
        admin = db.session.query(User).filter_by(username="admin").one()
        admin.full_name = "Dott.ssa Giulia Ferrari Bianchi"
        draft = db.session.get(SessionRecord, 1)
        db.session.add(SavedMixture(name="Ginocchio A", created_by_id=admin.id,
                                    components_json=json.dumps([
                                        {"name": "lidocaina 2%", "drug": "lidocaina",
                                         "mg_per_ml": "20", "volume_ml": "2"},
                                        {"name": "fisiologica", "volume_ml": "3"}])))
        db.session.add(SessionRecord(
            patient_id=1, plan_id=1, plan_version=1, plan_json=draft.plan_json,
            performed_at=datetime(2026, 11, 16, 10), performer_id=admin.id, pain_before=7,
            checklist_json=draft.checklist_json, created_by_id=admin.id, status="signed",
            signed_by_id=admin.id, signed_at=datetime(2026, 11, 16, 11, tzinfo=UTC),
            signer_name=admin.full_name, signer_role="admin"))
        db.session.commit()


def log_in(page: Page, base: str, username: str = "admin") -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.locator(".topbar .menu").wait_for(state="attached")


def check_the_menu(page: Page, language: str) -> None:
    """Folded: the Menu button shown, the bar within the screen, Log out out of sight until the
    menu opens; open, every item a fingertip's size and on the screen; Escape folds it."""
    button = page.locator(".topbar summary.menu-button")
    logout = page.locator(".topbar form[action$='/logout'] button")
    expect(button).to_be_visible()
    expect(logout).to_be_hidden()
    bar = page.evaluate("() => [document.querySelector('.topbar').scrollWidth, innerWidth]")
    assert bar[0] <= bar[1], (language, bar)
    button.click()
    expect(button.locator("..")).to_have_attribute("open", "")
    expect(logout).to_be_visible()
    assert page.evaluate(SMALL_CONTROLS, FINGER_PX) == [], language
    for item in page.locator(".menu-panel a, .menu-panel select, .menu-panel button").all():
        box = item.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 1024, (language, box)
    assert sideways(page) == 0, language
    page.keyboard.press("Escape")
    expect(logout).to_be_hidden()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_fits_a_tablet_in_each_language(server, browser, language):
    """One language a test (three tests the suite's workers share, not one long one)."""
    base, app = server
    context = browser.new_context(**TABLET)
    page = context.new_page()
    problems = watch(page)
    # The first run's setup page, in the browser's language.
    context.set_extra_http_headers({"Accept-Language": language})
    page.goto(f"{base}/setup?token=first-run-token")
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert sideways(page) == 0, language
    context.set_extra_http_headers({})
    seed(app)  # here, after the setup page of a clinic with no account yet
    clinic(app)

    set_language(app, "admin", language)
    log_in(page, base)
    expect(page.locator("html")).to_have_attribute("lang", language)
    check_the_menu(page, language)
    wide, small = [], []
    for path, measured in PAGES.items():
        page.goto(base + path)
        if path == "/plans/1":  # the editor: once its map is laid out
            wait_for_editor(page)
        if sideways(page):
            wide.append((path, page.evaluate(OVERFLOW)))
        if measured:
            small += [(path, *c) for c in page.evaluate(SMALL_CONTROLS, FINGER_PX)]
        if language == "it" and path in ("/patients/1", "/plans/1", "/records/1"):
            shot(page, f"tablet-{path.strip('/').replace('/', '-')}-it")
    assert wide == [], (language, wide)
    assert small == [], (language, small)
    # Log out through the menu: the login page, in the user's language.
    page.click(".topbar summary.menu-button")
    page.locator(".topbar form[action$='/logout'] button").click()
    expect(page.locator("input[name=password]")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", language)
    assert sideways(page) == 0, (language, "/login")
    assert problems == []
    context.close()


def test_the_bar_stays_open_on_a_desktop(seeded, server, browser):
    base, app = server
    clinic(app)
    width, height = SIZES["desktop"]
    page = browser.new_page(viewport={"width": width, "height": height})
    log_in(page, base)
    for language in LANGUAGES:
        set_language(app, "admin", language)
        page.goto(f"{base}/patients")
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator(".topbar summary.menu-button")).to_be_hidden()
        for link in page.locator(".mainnav a").all():
            expect(link).to_be_visible()
        expect(page.locator(".topbar form[action$='/logout'] button")).to_be_visible()
        expect(page.locator("#language")).to_be_visible()
        bar = page.evaluate("() => [document.querySelector('.topbar').scrollWidth, "
                            "document.querySelector('.topbar').offsetHeight]")
        assert bar[0] <= width and bar[1] < 70, (language, bar)  # one line, within the screen
        assert sideways(page) == 0, language
    page.close()


def popover_clear_of(page: Page, area: int, at: tuple[float, float]) -> None:
    """The popover is shown, on the screen, and covers neither the area as the map's pane shows
    it nor the tapped point and the 40 px around it."""
    rects = page.evaluate("""(area) => {
        const r = e => { const b = e.getBoundingClientRect();
                         return [b.left, b.top, b.right, b.bottom]; };
        const outline = document.querySelector(`#map .area[data-area="${area}"]`);
        return [r(document.getElementById('point-popover')), outline ? r(outline) : null,
                r(document.getElementById('map')), [innerWidth, innerHeight]]; }""", area)
    box, outline, pane, (width, height) = rects
    assert min(box[0], box[1]) >= 0 and box[2] <= width and box[3] <= height, box

    def meet(a, b):
        return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]

    if outline is not None:
        shown = [max(outline[0], pane[0]), max(outline[1], pane[1]),
                 min(outline[2], pane[2]), min(outline[3], pane[3])]
        assert not meet(box, shown), (box, shown)
    assert not meet(box, [at[0] - 40, at[1] - 40, at[0] + 40, at[1] + 40]), (box, at)


def test_a_finger_opens_a_point_beside_its_area(seeded, server, browser):
    base, app = server
    clinic(app)
    context = browser.new_context(**TABLET)
    page = context.new_page()
    problems = watch(page)
    log_in(page, base, "doctor")
    page.goto(f"{base}/plans/1")
    wait_for_editor(page)
    page.click("button[data-tool=select]")
    popover = page.locator("#point-popover")
    points = page.locator("#points g.point")
    count = points.count()
    assert count > 8
    for view in ("zoom-plan", "zoom-reset"):
        page.click(f"[data-action={view}]")
        for k in (0, count // 3, count // 2, count - 1):
            point = points.nth(k)
            dot = point.locator("circle").first.bounding_box()
            assert dot["width"] < FINGER_PX  # a dot a finger would miss
            cx, cy = dot["x"] + dot["width"] / 2, dot["y"] + dot["height"] / 2
            # A fingertip lands beside the dot, nearer to it than to any other point, and not
            # on another point's number.
            x, y = page.evaluate(BESIDE, [k, cx, cy])
            page.touchscreen.tap(x, y)
            expect(popover).to_be_visible()
            number = point.get_attribute("data-number")
            expect(page.locator(".popover-title")).to_have_text(re.compile(rf"^#{number} · "))
            popover_clear_of(page, 0, (cx, cy))
            if k == count // 2:
                shot(page, f"tablet-popover-{view}")
            page.keyboard.press("Escape")
            expect(popover).to_be_hidden()
    # Far from every point, a tap with the select tool opens nothing.
    page.touchscreen.tap(*(lambda b: (b["x"] + 12, b["y"] + b["height"] - 12))(
        page.locator("#map").bounding_box()))
    expect(popover).to_be_hidden()

    # A trigger point (no area): the popover leaves the point and the finger's place free.
    page.click("button[data-tool=point]")
    pane = page.locator("#map").bounding_box()
    page.touchscreen.tap(pane["x"] + pane["width"] * 0.5, pane["y"] + pane["height"] * 0.8)
    trigger = page.locator(".point[data-manual='0']")
    expect(trigger).to_have_count(1)
    page.click("button[data-tool=select]")
    dot = trigger.locator("circle").first.bounding_box()
    cx, cy = dot["x"] + dot["width"] / 2, dot["y"] + dot["height"] / 2
    page.touchscreen.tap(cx - 10, cy + 8)
    expect(page.locator(".popover-title")).to_have_text(
        re.compile(rf"^#{trigger.get_attribute('data-number')} · "))
    popover_clear_of(page, -1, (cx, cy))
    assert page.evaluate(SMALL_CONTROLS, FINGER_PX) == []  # the popover's too
    assert problems == []
    context.close()
