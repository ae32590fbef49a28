"""Benchmark: the editor's preview round trip (request to rendered fragment).

Posts the plan being edited to /plans/preview through Flask's test client (so the figure is
server time: parsing, computing, drawing, templating) for plans of about 100, 1,000 and 5,000
points, next to the bare computation of the same plan measured in the same run. Target: median
under 50 ms at 1,000 points.

    python bench/bench_preview.py [--repeat 20]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_grid import TARGETS, plan_for


def main() -> None:
    from flask_migrate import upgrade

    from planner.app import create_app
    from planner.core.compute import compute
    from planner.core.plan_reader import from_dict
    from planner.extensions import db
    from planner.models import Patient, User

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    app = create_app({"DATA_DIR": folder})
    with app.app_context():
        upgrade()
        user = User(username="bench", full_name="Bench", role="doctor")
        user.set_password("benchmark password")
        from datetime import date

        patient = Patient(record_number="B-1", family_name="Bench", given_name="Mark",
                          birth_date=date(1970, 1, 1), sex="other")
        db.session.add_all([user, patient])
        db.session.commit()
        patient_id = patient.id
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": "bench", "password": "benchmark password",
                                "csrf_token": token})
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      client.get("/patients").get_data(as_text=True)).group(1)
    print(f"{'points':>7} {'compute':>10} {'preview':>10} {'ratio':>6}")
    for target in TARGETS:
        doc, _shape, _spacing = plan_for(target)
        plan = from_dict(doc)
        form = {"plan": json.dumps(doc), "patient_id": str(patient_id), "csrf_token": token}
        headers = {"HX-Request": "true"}

        def request(form: dict[str, str] = form, headers: dict[str, str] = headers) -> None:
            response = client.post("/plans/preview", data=form, headers=headers)
            assert response.status_code == 200, response.status_code

        def bare(plan: object = plan) -> None:
            compute(plan)

        timings = {}
        for name, fn in (("compute", bare), ("preview", request)):
            fn()
            runs = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                fn()
                runs.append((time.perf_counter() - start) * 1000)
            timings[name] = statistics.median(runs)
        n = len(compute(plan).xy)
        print(f"{n:>7} {timings['compute']:>8.2f}ms {timings['preview']:>8.2f}ms "
              f"{timings['preview'] / timings['compute']:>5.1f}x")


if __name__ == "__main__":
    main()
