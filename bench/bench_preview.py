"""Benchmark: the editor's preview round trip (the plan posted, the drawing and totals back).

Plans on a body map: the right knee (its whole outline, a dense grid whose numbers do not fit,
so its rows and columns are named) and the whole body's front (the abdomen at about 1,000 and
5,000 points; the whole outline at about 5,000 points 10 mm apart, where every number fits, the
most labels to place). Each is posted to /plans/preview:

- through the real server (`mesoplanner serve --workers 2` on a scratch data folder, as
  bench_load.py starts it, over loopback HTTP): the round trip a clinician waits for;
- through Flask's test client in this process: the same request with no HTTP, no other
  process (the server's own time);

each time with the next of a few spacings a step of the slider apart (0.6% of the spacing), as
a clinician moving the slider sends them, so that nothing that depends on the spacing is found
made already;

next to baselines measured in the same run: the bare computation of the same plan (the engine
on its view), the drawing alone (plan_svg of the computed plan) and the round trip of
/healthz on the same server. Targets (issue 19): a median round trip under 30 ms at 1,000
points and under 100 ms at 5,000. Machines are noisy: read the ratios next to the milliseconds.

    python bench/bench_preview.py [--repeat 30] [--workers 2] [--only knee]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import math
import os
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_load import PASSWORD, fill, start_server

LIMIT = 5000  # points per plan (planner/core/point_limit.py)
# (name, view, side, region or None for the whole outline, points wanted)
CASES = (
    ("knee", "knee-anterior", "right", None, 1000),
    ("knee", "knee-anterior", "right", None, LIMIT),
    ("body: abdomen", "body-front", None, "abdomen", 1000),
    ("body: abdomen", "body-front", None, "abdomen", LIMIT),
    ("body: outline", "body-front", None, None, LIMIT),
)
TARGET_MS = {1000: 30.0, LIMIT: 100.0}
SLIDER = (1.0, 1.006, 1.012, 1.018)  # the spacings posted in turn, times the plan's own
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def body_plan(view_id: str, side: str | None, region: str | None, spacing: float
              ) -> dict[str, Any]:
    """A one-area plan on a view: a region, or a box over the whole outline (clipped to it)."""
    from planner.bodymaps import atlas

    area: dict[str, Any] = {"label": "bench", "spacing_mm": round(spacing, 3),
                            "volume_ml": "0.01", "mixture": "A"}
    if region is not None:
        area["region"] = f"{view_id}/{region}"
    else:
        x0, y0, x1, y1 = atlas.get_view(view_id, side).outline.bounds
        area["polygon"] = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
    doc: dict[str, Any] = {
        "format": "mesoplanner.plan/1", "bodymap": view_id,
        "mixtures": {"A": {"components": [
            {"name": "lidocaine 2%", "drug": "lidocaine", "mg_per_ml": 20, "volume_ml": "1.00"},
            {"name": "saline", "volume_ml": "4.00"}]}},
        "areas": [area]}
    if side is not None:
        doc["side"] = side
    return doc


def plan_near(view_id: str, side: str | None, region: str | None, wanted: int
              ) -> tuple[dict[str, Any], int]:
    """The plan whose spacing gives about ``wanted`` points (never over the limit)."""
    from planner import engine
    from planner.bodymaps import atlas
    from planner.core.messages import PlanError
    from planner.core.plan_reader import from_dict

    view = atlas.get_view(view_id, side)
    shape = view.region(region).geometry if region is not None else view.outline
    spacing = math.sqrt(shape.area / wanted)
    for _ in range(40):
        doc = body_plan(view_id, side, region, spacing)
        try:
            n = len(engine.run(from_dict(doc))[0].xy)
        except PlanError:  # over the limit
            n = LIMIT + 1
        if n <= LIMIT and n >= 0.97 * wanted:
            return doc, n
        spacing *= 1.004 if n > min(wanted, LIMIT) else 0.996
    raise SystemExit(f"no spacing gives {wanted} points on {view_id}")


def median_ms(fn: Callable[[int], object], repeat: int, warm: int = 2) -> float:
    """The median time of ``fn(k)`` for k = 0, 1, 2... (after ``warm`` calls not timed)."""
    for k in range(warm):  # imports, caches, and each of the server's workers
        fn(k)
    times = []
    for k in range(repeat):
        start = time.perf_counter()
        fn(k)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


class Browser:
    """A logged-in session on the real server over loopback HTTP (cookies, CSRF token)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.token = ""
        self.call("/login")
        self.call("/login", {"username": "doc00", "password": PASSWORD})
        self.call("/patients")

    def call(self, path: str, form: dict[str, str] | None = None, htmx: bool = False) -> str:
        data = urllib.parse.urlencode({**form, "csrf_token": self.token}).encode() \
            if form is not None else None
        request = urllib.request.Request(self.base + path, data=data)
        if htmx:
            request.add_header("HX-Request", "true")
        with self.opener.open(request, timeout=60) as answer:
            assert answer.status == 200, answer.status
            text = answer.read().decode()
        found = TOKEN.search(text)
        if found:
            self.token = found.group(1)
        return text


def test_client(folder: str, url: str) -> tuple[Any, str, int]:
    """This process's own app on the same database, logged in: (client, token, patient id)."""
    from datetime import date

    from planner.app import create_app
    from planner.extensions import db
    from planner.models import Patient

    app = create_app({"DATA_DIR": folder, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        patient = Patient(record_number="B-1", family_name="Bench", given_name="Mark",
                          birth_date=date(1970, 1, 1), sex="other")
        db.session.add(patient)
        db.session.commit()
        patient_id = patient.id
    client = app.test_client()
    token = TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"username": "doc00", "password": PASSWORD,
                                "csrf_token": token})
    token = TOKEN.search(client.get("/patients").get_data(as_text=True)).group(1)
    return client, token, patient_id


def main() -> None:
    from planner import engine
    from planner.core.plan_reader import from_dict
    from planner.drawing.plan import plan_svg

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", default="", help="only the cases whose name has this")
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    url = f"sqlite:///{folder}/mesoplanner.sqlite3"
    fill(url, folder, clinicians=1, patients=0)
    client, token, patient_id = test_client(folder, url)
    server, base = start_server(folder, url, args.workers)
    try:
        browser = Browser(base)
        healthz = median_ms(lambda _k: urllib.request.urlopen(f"{base}/healthz").read(),
                            args.repeat * 2)
        print(f"{os.cpu_count()} cores, {args.workers} workers; baseline /healthz round trip "
              f"median {healthz:.2f} ms")
        print(f"{'plan':>14} {'points':>6} {'compute':>9} {'drawing':>9} {'server':>9} "
              f"{'HTTP':>9} {'x compute':>9} {'x healthz':>9} {'target':>8}")
        for name, view_id, side, region, wanted in CASES:
            if args.only not in name:
                continue
            doc, n = plan_near(view_id, side, region, wanted)
            spacing = doc["areas"][0]["spacing_mm"]
            docs = [body_plan(view_id, side, region, spacing * f) for f in SLIDER]
            plans = [from_dict(d) for d in docs]
            computed = [engine.run(p) for p in plans]
            forms = [{"plan": json.dumps(d), "patient_id": str(patient_id)} for d in docs]

            def served(k: int, forms: list[dict[str, str]] = forms) -> None:
                response = client.post("/plans/preview", headers={"HX-Request": "true"},
                                       data={**forms[k % len(forms)], "csrf_token": token})
                assert response.status_code == 200, response.status_code

            timings = {
                "compute": median_ms(lambda k, p=plans: engine.run(p[k % len(p)]), args.repeat),
                "drawing": median_ms(lambda k, c=computed: plan_svg(*c[k % len(c)]),
                                     args.repeat),
                "server": median_ms(served, args.repeat),
                "http": median_ms(lambda k, f=forms: browser.call(
                    "/plans/preview", f[k % len(f)], htmx=True), args.repeat, warm=4),
            }
            target = TARGET_MS[wanted]
            verdict = "meets" if timings["http"] < target else "MISSES"
            print(f"{name:>14} {n:>6} " + " ".join(
                f"{timings[k]:>7.1f}ms" for k in ("compute", "drawing", "server", "http")) +
                f" {timings['http'] / timings['compute']:>8.1f}x "
                f"{timings['http'] / healthz:>8.1f}x {target:>5.0f}ms {verdict}")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
