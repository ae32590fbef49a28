"""Two saves of one record racing: the one that read an old version writes nothing (409),
whatever the timing: the version check is repeated by the database's UPDATE itself."""

from __future__ import annotations

import threading
from typing import Any

from tests.helpers.patients import add, created_id, edit_form, patients
from tests.helpers.plans import knee_plan, records, save, saved_id
from tests.helpers.users import csrf_token, login, make_user


def racing(app, monkeypatch, module: Any, hook: str, racer_post, winner_post) -> Any:
    """Run ``racer_post`` in a thread paused at ``module.hook`` (after its checks), let
    ``winner_post`` save meanwhile, then let the racer finish; its response."""
    checked, done = threading.Event(), threading.Event()
    real = getattr(module, hook)

    def pause(*args: Any, **kwargs: Any) -> Any:
        if threading.current_thread().name == "racer" and not checked.is_set():
            checked.set()
            done.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, hook, pause)
    answer: dict[str, Any] = {}
    thread = threading.Thread(name="racer", target=lambda: answer.setdefault("r", racer_post()))
    thread.start()
    assert checked.wait(10)
    assert winner_post().status_code == 303
    done.set()
    thread.join(20)
    return answer["r"]


def second_client(app):
    make_user(app, "second")
    other = app.test_client()
    login(other, "second")
    token = csrf_token(other)
    return lambda path, data: other.post(path, data={**data, "csrf_token": token})


def test_plan_saves_racing(app, doctor, monkeypatch):
    from planner.services import plans

    pid = created_id(add(doctor, weight_kg="70"))
    plan = saved_id(save(doctor, pid, knee_plan()))
    other = second_client(app)
    lost = racing(app, monkeypatch, plans, "_store",
                  lambda: other("/plans/save", {"patient_id": str(pid), "plan_id": str(plan),
                                                "version": "1", "title": "racer",
                                                "plan": __import__("json").dumps(
                                                    knee_plan(spacing_mm=30))}),
                  lambda: save(doctor, pid, knee_plan(spacing_mm=20), plan_id=str(plan),
                               version="1", title="winner"))
    assert lost.status_code == 409
    [record] = records(app)
    assert (record.title, record.version) == ("winner", 2)
    assert '"spacing_mm": 20' in record.plan_json.replace("20.0", "20")


def test_patient_saves_racing(app, doctor, monkeypatch):
    from planner.web import patients as module

    pid = created_id(add(doctor, weight_kg="70", allergies=""))
    [before] = patients(app)
    other = second_client(app)
    lost = racing(app, monkeypatch, module, "audit",
                  lambda: other(f"/patients/{pid}/edit", edit_form(before, allergies="latex")),
                  lambda: doctor(f"/patients/{pid}/edit", edit_form(before, weight_kg="72")))
    assert lost.status_code == 409
    [after] = patients(app)
    assert (str(after.weight_kg), after.allergies, after.version) == ("72.0", "", 2)
