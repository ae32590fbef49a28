"""Printouts made by a print worker (planner/services/print_jobs.py) in the tests: a renderer
that counts its calls, a print worker on a thread, a saved plan to print."""

from __future__ import annotations

import hashlib
import json
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any


class Renders:
    """A stand-in for the PDF renderer: a small PDF-like answer per HTML, each call counted."""

    def __init__(self, fail: bool = False) -> None:
        self.calls: Counter[str] = Counter()
        self.fail = fail
        self.lock = threading.Lock()

    def __call__(self, html: str) -> bytes:
        with self.lock:
            self.calls[html] += 1
        if self.fail:
            raise RuntimeError("layout failed for Verdi, Giulia")  # words never kept
        return b"%PDF-1.7 fake " + hashlib.sha256(html.encode()).hexdigest().encode()

    @property
    def total(self) -> int:
        return sum(self.calls.values())


@contextmanager
def worker_thread(app: Any, render: Any = None, name: str = "test:1",
                  poll_s: float = 0.05) -> Iterator[threading.Event]:
    """A print worker's loop (claim, make, again) on a thread of this process, until the block
    ends; the real renderer unless ``render``."""
    import time

    from planner.extensions import db
    from planner.services import print_jobs

    stop = threading.Event()

    def loop() -> None:
        with app.app_context():
            while not stop.is_set():
                if print_jobs.make_next(name, render) is None:
                    time.sleep(poll_s)
            db.session.remove()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield stop
    finally:
        stop.set()
        thread.join(timeout=60)


def saved_plan(app: Any, doctor_id: int = 1, family_name: str = "Verdi") -> int:
    """A patient and their saved knee plan (made in the database directly): the plan's id."""
    from planner import engine
    from planner.core.plan_reader import from_dict
    from planner.core.plan_writer import dump
    from planner.extensions import db
    from planner.models import Patient, PlanRecord

    doc = {"format": "mesoplanner.plan/1", "bodymap": "knee-anterior", "side": "right",
           "treatment": "antalgic",
           "areas": [{"label": "medial knee", "region": "knee-anterior/medial",
                      "spacing_mm": 15}]}
    with app.app_context():
        patient = Patient(record_number="PJ-1", family_name=family_name, given_name="Giulia",
                          birth_date=date(1960, 1, 2), sex="female")
        db.session.add(patient)
        db.session.flush()
        result, _view = engine.run(from_dict(doc))
        record = PlanRecord(patient_id=patient.id, title="knee", treatment="antalgic",
                            bodymap="knee-anterior", side="right",
                            plan_json=json.dumps(dump(result.plan)), points=len(result.xy),
                            total_ml=str(result.total_ml), created_by_id=doctor_id,
                            updated_by_id=doctor_id)
        db.session.add(record)
        db.session.commit()
        return int(record.id)


def job(app: Any, job_id: int) -> Any:
    """Printout ``job_id`` as the database holds it (detached, its PDF loaded)."""
    from planner.extensions import db
    from planner.models import Printout

    with app.app_context():
        found = db.session.get(Printout, job_id)
        assert found is not None
        _ = found.pdf, found.html
        db.session.expunge(found)
        return found
