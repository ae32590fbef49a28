"""Patient search over 100,000 patients (issue 7: under 50 ms), on SQLite, or on PostgreSQL with
MESOPLANNER_BENCH_POSTGRES set to a server's URL (a scratch database is made and dropped).

    python bench/bench_search.py [--patients 100000]

Reports the median and 95th percentile of each kind of search (name, part of a name, record
number, birth date) against a baseline measured in the same run: counting the patients.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

FAMILIES = ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
            "Marino", "Greco", "García", "Fernández", "González", "Rodríguez", "López",
            "Martínez", "Sánchez", "Pérez", "Gómez", "Núñez", "Álvarez", "Muñoz"]
GIVEN = ["Maria", "Giulia", "Anna", "Luca", "Marco", "José", "Lucía", "Carmen", "Javier",
         "Sofía", "Paolo", "Elena", "Ángel", "Chiara", "Diego"]


def patient_row(number: str, family: str, given: str, born: date) -> dict[str, object]:
    """A patients row for a bulk insert (the ORM's defaults and folded search text included)."""
    from planner.models import folded

    return {"record_number": number, "family_name": family, "given_name": given,
            "birth_date": born, "sex": "female", "allergies": "", "anticoagulants": False,
            "anticoagulant_details": "", "pregnant": False, "breastfeeding": False,
            "bleeding_disorder": False, "notes": "", "language": "it",
            "search_text": folded(f"{family} {given} {number}"), "archived": False,
            "is_demo": False, "version": 1}


def fill(app, n: int) -> None:
    from planner.extensions import db
    from planner.models import Patient

    rng = random.Random(7)
    with app.app_context():
        rows = []
        for k in range(n):
            fam, giv = rng.choice(FAMILIES) + f" {rng.choice(FAMILIES)}", rng.choice(GIVEN)
            rows.append(patient_row(f"MP-{k + 1:06d}", fam, giv,
                                    date(1930, 1, 1) + timedelta(days=rng.randrange(30000))))
        for start in range(0, n, 5000):
            db.session.execute(Patient.__table__.insert(), rows[start:start + 5000])
        db.session.commit()


def timed(fn, repeat: int = 30) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=100_000)
    args = parser.parse_args()
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from planner.app import create_app
    from planner.extensions import db
    from planner.models import Patient
    from planner.web.patients import search

    server = os.environ.get("MESOPLANNER_BENCH_POSTGRES", "")
    folder = tempfile.mkdtemp()
    if server:
        import psycopg

        name = f"bench_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        url = "postgresql+psycopg://" + server.split("://", 1)[1].rsplit("/", 1)[0] + "/" + name
    else:
        url = f"sqlite:///{folder}/bench.sqlite3"
    app = create_app({"DATA_DIR": folder, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
    fill(app, args.patients)
    with app.app_context():
        if server:
            db.session.execute(db.text("ANALYZE"))
        baseline = timed(lambda: db.session.scalar(select(func.count()).select_from(Patient)))
        print(f"{args.patients} patients on {'PostgreSQL' if server else 'SQLite'}")
        print(f"  baseline (count the patients): median {baseline[0]:.1f} ms")
        for label, query in (("no search", ""), ("family name", "ferrari"),
                             ("two words", "garcia lucia"), ("part of a name", "nun"),
                             ("record number", "MP-054321"),
                             ("birth date", "1961-03-12"), ("nobody", "zzzz")):
            median, p95 = timed(lambda q=query: search(q, archived=False))
            print(f"  {label:15s} median {median:6.1f} ms  p95 {p95:6.1f} ms  "
                  f"({median / max(baseline[0], 0.001):.1f} x baseline)")
        db.engine.dispose()
    if server:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
