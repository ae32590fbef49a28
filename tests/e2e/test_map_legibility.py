"""The plan on the screen, as a clinician reads it (issue 17): saved plans reopen zoomed to their
areas; at every zoom the visible labels are at least 11 CSS px and never on each other, and the
orientation words (lateral, medial, the site...) are on the screen; where the
numbers cannot fit, the rows are lettered and the columns numbered at the area's edges; a
tapped point shows its number, grid name, volume and depth. A 100-point knee at 5 mm, a
30-point face and a 400-point cellulite plan, on a 1366x768 desktop and a 1024x768 tablet."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tests.helpers.browser import SIZES, shot, watch
from tests.helpers.users import PASSWORD, make_user


def _areas(view: str, regions: list[str], spacing: float, **extra):
    return {"format": "mesoplanner.plan/1", "bodymap": view,
            "areas": [{"label": r.split("/")[1], "region": r, "spacing_mm": spacing,
                       "volume_ml": "0.05", "depth_mm": 2} for r in regions], **extra}


PLANS = {
    "knee": _areas("knee-anterior", ["knee-anterior/medial"], 5, side="right",
                   treatment="antalgic"),
    "face": _areas("face-frontal", ["face-frontal/cheek-right", "face-frontal/cheek-left"], 10,
                   treatment="face"),
    "cellulite": _areas("hips-thighs-posterior", ["hips-thighs-posterior/lateral-thigh-left",
                                                  "hips-thighs-posterior/lateral-thigh-right"],
                        6.3, treatment="cellulite"),
}
# What the page says of its labels: every label shown (point numbers and grid names), their
# boxes on the screen, and how many overlap.
LABELS = """() => {
  const shown = [...document.querySelectorAll('#points text, #grid-names text, #orientation text')]
    .filter(t => t.getAttribute('display') !== 'none' && t.closest('[display=none]') === null);
  const boxes = shown.map(t => t.getBoundingClientRect());
  const pane = document.querySelector('#map').getBoundingClientRect();
  let over = 0;
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 &&
        b.top < a.bottom - 0.5) over++;
  }
  const inPane = boxes.filter(b => b.right > pane.left && b.left < pane.right &&
                                   b.bottom > pane.top && b.top < pane.bottom);
  const pinned = [...document.querySelectorAll('#orientation text[data-pin]')]
    .filter(t => t.dataset.pin !== 'caption');
  const whole = pinned.filter(t => {
    const b = t.getBoundingClientRect();
    return b.left >= pane.left && b.right <= pane.right && b.top >= pane.top &&
           b.bottom <= pane.bottom;
  });
  // A number nearer another point than its own is read as that point's.
  const centres = [...document.querySelectorAll('#points g.point')].map(g => {
    const c = g.querySelector('circle').getBoundingClientRect();
    return {g, x: (c.left + c.right) / 2, y: (c.top + c.bottom) / 2};
  });
  const gap = (b, x, y) => Math.hypot(Math.max(b.left - x, 0, x - b.right),
                                      Math.max(b.top - y, 0, y - b.bottom));
  let misread = 0;
  for (const own of centres) {
    const t = own.g.querySelector('text');
    if (!t || t.getAttribute('display') === 'none') continue;
    const b = t.getBoundingClientRect(), mine = gap(b, own.x, own.y);
    if (centres.some(q => q !== own && gap(b, q.x, q.y) < mine)) misread++;
  }
  const named = [...document.querySelectorAll('#grid-names g[data-shown] text')]
    .filter(t => t.getAttribute('display') !== 'none').filter(t => {
      const b = t.getBoundingClientRect();
      return b.left >= pane.left && b.right <= pane.right && b.top >= pane.top &&
             b.bottom <= pane.bottom;
    }).map(t => t.textContent);
  return {labels: shown.length, over, misread,
          rowNames: named.filter(n => /^[A-Z]+$/.test(n)).length,
          columnNames: named.filter(n => /^[0-9]+$/.test(n)).length,
          words: pinned.map(t => t.textContent),
          wordsShown: whole.length,
          smallest: Math.min(...inPane.map(b => b.height)),
          fonts: Math.min(...shown.filter((t, k) => inPane.includes(boxes[k]))
                                .map(t => parseFloat(getComputedStyle(t).fontSize) *
                                          t.getScreenCTM().a)),
          numbers: document.querySelectorAll('#points text:not([display=none])').length,
          schemed: document.querySelectorAll('#grid-names g[data-shown]').length,
          viewBox: document.querySelector('#map svg').getAttribute('viewBox'),
          planBox: document.querySelector('#map svg').getAttribute('data-plan-box'),
          baseBox: document.querySelector('#map svg').getAttribute('data-base-viewbox')};
}"""


def saved_plans(app) -> dict[str, int]:
    """The three plans saved for one patient (through the service, as the editor saves)."""
    from planner.extensions import db
    from planner.models import Patient, User
    from planner.services.plans import save_plan

    make_user(app)
    ids = {}
    with app.app_context():
        patient = Patient(record_number="E2E-9", family_name="Neri", given_name="Paolo",
                          birth_date=date(1970, 3, 3), sex="female")
        db.session.add(patient)
        db.session.commit()
        doctor = db.session.query(User).filter_by(username="doctor").one()
        for name, doc in PLANS.items():
            ids[name] = save_plan(patient, None, doc, name, doctor, None).record.id
    return ids


def box(text: str) -> list[float]:
    return [round(float(v), 2) for v in text.replace(",", " ").split()]


def shows_the_plan(view_box: str, plan_box: str) -> bool:
    """The editor's zoom is the plan's box, with room above and below it for the orientation
    words' bands."""
    v, p = box(view_box), box(plan_box)
    return (v[0], v[2]) == (p[0], p[2]) and v[1] <= p[1] and v[1] + v[3] >= p[1] + p[3] \
        and v[3] <= 2 * p[3]


def check_labels(page: Page, where: str) -> dict:
    seen = page.evaluate(LABELS)
    assert seen["over"] == 0, f"{where}: {seen['over']} labels on each other"
    assert seen["misread"] == 0, f"{where}: {seen['misread']} numbers nearer another point"
    if seen["schemed"]:  # a point is found by its row and its column: both are on the screen
        assert seen["rowNames"] and seen["columnNames"], (where, seen)
    # Which way the map faces is always on the screen, whatever the zoom and pan.
    assert seen["words"] and seen["wordsShown"] == len(seen["words"]), (where, seen["words"])
    if seen["labels"]:
        assert seen["fonts"] >= 11, f"{where}: labels of {seen['fonts']:.1f} px"
    return seen


@pytest.mark.parametrize("size", ["desktop", "tablet"])
def test_saved_plans_read_at_every_zoom(server, browser, size):
    base, app = server
    ids = saved_plans(app)
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height},
                                  has_touch=size == "tablet")
    page = context.new_page()
    problems = watch(page)
    page.goto(f"{base}/login")
    page.fill("input[name=username]", "doctor")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    for name, plan_id in ids.items():
        page.goto(f"{base}/plans/{plan_id}")
        page.locator("#plan-form[data-ready]").wait_for(state="attached")
        first = check_labels(page, f"{name} opened")
        # The whole map pane is on the screen, its bottom rows and DISTAL too (on the tablet
        # the toolbar's two lines pushed it 100 px below the screen's edge).
        pane = page.locator("#map").bounding_box()
        assert pane["y"] + pane["height"] <= height, (name, pane)
        shot(page, f"legibility-{size}-{name}")
        # It opens on the plan's areas, not on the whole body map.
        assert shows_the_plan(first["viewBox"], first["planBox"])
        assert first["labels"] > 0
        # Where the numbers do not fit, the grid is named at its edges: then every point of
        # the area is unnumbered and its rows and columns have names.
        assert first["numbers"] > 0 or first["schemed"] > 0
        zoomed = [first]
        # Zoom in on the area's middle point (the buttons zoom on the view's middle, which
        # may lie between two areas): the wheel zooms where the pointer is.
        points = page.locator("#points g.point circle")
        middle = points.nth(points.count() // 4).bounding_box()
        page.mouse.move(middle["x"] + middle["width"] / 2, middle["y"] + middle["height"] / 2)
        for step in range(12):
            page.mouse.wheel(0, -100)
            zoomed.append(check_labels(page, f"{name} zoomed in {step + 1}"))
            if zoomed[-1]["numbers"] and not zoomed[-1]["schemed"]:
                break
        # Closer, the numbers come back in place of the grid's names.
        assert zoomed[-1]["numbers"] > 0 and zoomed[-1]["schemed"] == 0, name
        page.click("[data-action=zoom-reset]")
        whole = check_labels(page, f"{name} whole map")
        assert box(whole["viewBox"]) == box(whole["baseBox"])
        page.click("[data-action=zoom-plan]")
        assert shows_the_plan(check_labels(page, name)["viewBox"], first["planBox"])

        # A tapped (clicked) point shows its number, grid name, volume and depth.
        page.click("button[data-tool=select]")
        point = page.locator("#points g.point").nth(3)
        if size == "tablet":
            point.locator("circle").tap()
        else:
            point.locator("circle").click()
        number = point.get_attribute("data-number")
        expect(page.locator(".popover-title")).to_have_text(re.compile(
            rf"^#{number} · [A-Z]+\d+ · 0\.05 mL · 2\.0 mm$"))
        page.keyboard.press("Escape")
    assert problems == []
    context.close()


def test_labels_keep_their_size_after_every_redraw(server, browser):
    """A new plan: after a region is taken and after the spacing changes (the server redraws
    the map each time), the labels are laid out again at their screen size."""
    from tests.helpers.browser import open_editor

    base, app = server
    page = open_editor(base, app, browser)
    page.locator('[data-region="knee-anterior/medial"]').click()
    expect(page.locator(".area-panel")).to_have_count(1)
    first = check_labels(page, "region taken")
    assert first["labels"] > 0
    page.locator('.area-panel input[type=range][data-area="0"]').fill("5")
    expect(page.locator('[data-area-panel="0"] [data-testid=area-points]')).to_have_text("123")
    check_labels(page, "spacing changed")
    page.mouse.move(10, 10)
    page.wait_for_timeout(100)  # htmx settles the redrawn map after it is swapped in
    assert check_labels(page, "settled")["labels"] > 0
