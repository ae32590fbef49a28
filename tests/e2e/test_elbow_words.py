"""The elbow's words on the screen (issue 17 item 4): a saved elbow plan opens zoomed to its
areas, and there PROXIMAL (over the inset's humerus, in the top band) and DISTAL (at its
forearm's side, in the bottom band) are on the screen for each inset the plan is on, whole,
clear of every point, label and other word; a right elbow on its lateral inset, a left elbow
on both insets, at 1366x768 and 1024x768."""

from __future__ import annotations

from datetime import date

from tests.helpers.browser import SIZES, shot, watch
from tests.helpers.users import PASSWORD, make_user

PLANS = {
    "right-lateral": {"format": "mesoplanner.plan/1", "bodymap": "elbow-lateral",
                      "side": "right", "treatment": "antalgic",
                      "areas": [{"label": "tennis", "region": "elbow-lateral/lateral-epicondyle",
                                 "spacing_mm": 5, "volume_ml": "0.05", "depth_mm": 2}]},
    "left-both": {"format": "mesoplanner.plan/1", "bodymap": "elbow-lateral", "side": "left",
                  "treatment": "antalgic",
                  "areas": [{"label": r, "region": f"elbow-lateral/{r}", "spacing_mm": 8,
                             "volume_ml": "0.05", "depth_mm": 2}
                            for r in ("lateral-epicondyle", "medial-epicondyle")]},
}
# Every word and label shown, its box on the screen; the points' dots; the map's pane.
SEEN = """() => {
  const visible = (t) => t.getAttribute('display') !== 'none' &&
    t.closest('[display=none]') === null;
  const rect = (e) => { const b = e.getBoundingClientRect();
    return [b.left, b.top, b.right, b.bottom]; };
  const svg = document.querySelector('#map svg');
  const toScreen = (x, y) => { const p = svg.createSVGPoint(); p.x = x; p.y = y;
    const q = p.matrixTransform(svg.getScreenCTM()); return [q.x, q.y]; };
  return {
    parts: [...document.querySelectorAll('#orientation text[data-pin=part]')].map(t => {
      const [l, tp, r, b] = rect(t);
      const top = document.elementFromPoint((l + r) / 2, (tp + b) / 2);
      return {text: t.textContent, shown: visible(t), box: [l, tp, r, b], onTop: top === t,
              span: [...toScreen(Number(t.dataset.x0), 0), ...toScreen(Number(t.dataset.x1), 0)]};
    }),
    labels: [...document.querySelectorAll('#points text, #grid-names text, #orientation text')]
      .filter(visible).map(t => ({text: t.textContent, box: rect(t)})),
    dots: [...document.querySelectorAll('#points g.point circle')].map(rect),
    plan: [...document.querySelectorAll('#points g.point circle')].map(c =>
      toScreen(Number(c.getAttribute('cx')), Number(c.getAttribute('cy')))),
    pane: rect(document.querySelector('#map')),
    captions: [...document.querySelectorAll('#orientation text[data-pin=caption]')]
      .filter(visible).map(t => ({text: t.textContent, box: rect(t)})),
  };
}"""


def _overlap(a, b, tolerance=0.5) -> bool:
    return a[0] < b[2] - tolerance and b[0] < a[2] - tolerance and \
        a[1] < b[3] - tolerance and b[1] < a[3] - tolerance


def saved(app) -> dict[str, int]:
    from planner.extensions import db
    from planner.models import Patient, User
    from planner.services.plans import save_plan

    make_user(app)
    with app.app_context():
        patient = Patient(record_number="E2E-EL", family_name="Neri", given_name="Paolo",
                          birth_date=date(1970, 3, 3), sex="male")
        db.session.add(patient)
        db.session.commit()
        doctor = db.session.query(User).filter_by(username="doctor").one()
        return {name: save_plan(patient, None, doc, name, doctor, None).record.id
                for name, doc in PLANS.items()}


def test_an_elbow_plan_opens_with_proximal_and_distal_on_each_of_its_insets(server, browser):
    base, app = server
    ids = saved(app)
    page = browser.new_page(viewport=dict(zip(("width", "height"), SIZES["desktop"],
                                              strict=True)))
    problems = watch(page)
    page.goto(f"{base}/login")
    page.fill("input[name=username]", "doctor")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    for size in ("desktop", "tablet"):
        width, height = SIZES[size]
        page.set_viewport_size({"width": width, "height": height})
        for name, plan_id in ids.items():
            page.goto(f"{base}/plans/{plan_id}")
            page.locator("#plan-form[data-ready]").wait_for(state="attached")
            seen = page.evaluate(SEEN)
            shot(page, f"elbow-words-{size}-{name}")
            where = f"{name} at {size}"
            pane = seen["pane"]
            shown = [w for w in seen["parts"] if w["shown"]]
            # The insets the plan is on: both on the left elbow, the lateral one (on the map's
            # left) on the right elbow; each says PROXIMAL and DISTAL over its own span.
            insets = 2 if name == "left-both" else 1
            assert sorted(w["text"] for w in shown) == \
                sorted(["PROXIMAL", "DISTAL"] * insets), (where, seen["parts"])
            for w in shown:
                box = w["box"]
                assert pane[0] <= box[0] and box[2] <= pane[2] and pane[1] <= box[1] and \
                    box[3] <= pane[3], (where, w)  # whole, on the screen
                assert w["onTop"], (where, w)  # nothing drawn over it (the legend's band)
                span = w["span"]
                assert span[0] - 1 <= box[0] and box[2] <= span[2] + 1, (where, w)
                # PROXIMAL in the top band, above every point; DISTAL in the bottom one.
                ys = [y for _x, y in seen["plan"]]
                if w["text"] == "PROXIMAL":
                    assert box[3] <= min(ys), (where, w)
                else:
                    assert box[1] >= max(ys), (where, w)
                hit = [d for d in seen["dots"] if _overlap(box, d)]
                assert not hit, (where, w, hit[:3])
            for c in seen["captions"]:  # ANTERIOR, LATERAL...: whole where shown, or not shown
                box = c["box"]
                assert pane[0] <= box[0] and box[2] <= pane[2] and pane[1] <= box[1] and \
                    box[3] <= pane[3], (where, c)
            words = seen["labels"]
            over = [(a["text"], b["text"]) for k, a in enumerate(words) for b in words[k + 1:]
                    if _overlap(a["box"], b["box"])]
            assert not over, (where, over[:5])
            if name == "right-lateral":  # the forearm runs to the map's right: DISTAL there
                proximal, distal = (next(w for w in shown if w["text"] == t)
                                    for t in ("PROXIMAL", "DISTAL"))
                assert distal["box"][0] > proximal["box"][2], (where, shown)
    assert problems == []
    page.close()
