"""Scheduling a cycle of sessions from a saved plan, the week's sessions, moving a session."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest
from bs4 import BeautifulSoup

from tests.web.test_patients import add, created_id
from tests.web.test_plans import knee_plan, save, saved_id


@pytest.fixture
def plan_id(doctor) -> int:
    patient = created_id(add(doctor, family_name="Ciclo", given_name="Paola", weight_kg="70"))
    return saved_id(save(doctor, patient, knee_plan()))


def cycles_of(app) -> list[tuple[str, list[date]]]:
    from planner.extensions import db
    from planner.models import Cycle

    with app.app_context():
        return [(c.template, [s.planned_on for s in c.sessions])
                for c in db.session.query(Cycle).order_by(Cycle.id)]


def test_form_proposes_the_treatments_template(client, plan_id):
    soup = BeautifulSoup(client.get(f"/plans/{plan_id}/cycle").get_data(as_text=True),
                         "html.parser")
    assert soup.select_one("select[name=template] option[selected]")["value"] == "antalgic"
    assert soup.select_one("input[name=start]")["value"] == date.today().isoformat()


def test_show_the_dates_then_schedule(app, doctor, plan_id):
    form = {"template": "antalgic-severe", "start": "2026-12-01"}
    shown = doctor(f"/plans/{plan_id}/cycle", form)
    assert shown.status_code == 200
    soup = BeautifulSoup(shown.get_data(as_text=True), "html.parser")
    assert [li.get_text() for li in soup.select("[data-testid=cycle-dates] li")] == [
        "Dec 1, 2026", "Dec 5, 2026", "Dec 12, 2026", "Dec 19, 2026"]
    assert cycles_of(app) == []  # shown, not saved
    done = doctor(f"/plans/{plan_id}/cycle", {**form, "confirm": "1"})
    assert done.status_code == 303
    assert cycles_of(app) == [("antalgic-severe", [date(2026, 12, 1), date(2026, 12, 5),
                                                   date(2026, 12, 12), date(2026, 12, 19)])]


def test_the_template_is_editable(app, doctor, plan_id):
    doctor(f"/plans/{plan_id}/cycle", {"template": "antalgic", "start": "2026-12-01",
                                       "sessions": "6", "interval_days": "10", "confirm": "1"})
    [(_template, dates)] = cycles_of(app)
    assert len(dates) == 6 and {(b - a).days for a, b in pairwise(dates)} == {10}


@pytest.mark.parametrize(("change", "field"), [
    ({"start": "next tuesday"}, "start"),
    ({"sessions": "0"}, "sessions"),
    ({"sessions": "four"}, "sessions"),
    ({"interval_days": "400"}, "interval_days"),
    ({"template": "forever"}, "template"),
])
def test_invalid_cycle_is_refused_naming_the_field(app, doctor, plan_id, change, field):
    form = {"template": "antalgic", "start": "2026-12-01", "confirm": "1", **change}
    response = doctor(f"/plans/{plan_id}/cycle", form)
    assert response.status_code == 422
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.select_one(f"main [name={field}]")["aria-invalid"] == "true"
    assert soup.select_one(f"#{field}-error").get_text(strip=True)
    assert cycles_of(app) == []


def test_this_weeks_sessions_and_the_patient_page(app, client, doctor, plan_id):
    today = date.today()
    doctor(f"/plans/{plan_id}/cycle", {"template": "antalgic", "start": today.isoformat(),
                                       "confirm": "1"})
    soup = BeautifulSoup(client.get("/sessions").get_data(as_text=True), "html.parser")
    rows = [[td.get_text(" ", strip=True) for td in tr.select("td")]
            for tr in soup.select("[data-testid=upcoming] tbody tr")]
    assert rows == [["Today", "Ciclo, Paola", "Knee, medial", "1 of 4", "Record the session"],
                    [f"{today + timedelta(days=7):%b} {(today + timedelta(days=7)).day}, "
                     f"{(today + timedelta(days=7)).year}", "Ciclo, Paola", "Knee, medial",
                     "2 of 4", "Record the session"]]
    assert soup.select_one("[data-testid=upcoming] a.button")["href"] == "/sessions/1/record"
    page = BeautifulSoup(client.get("/patients/1").get_data(as_text=True), "html.parser")
    dates = [i["value"] for i in page.select(".cycle-dates input[name=planned_on]")]
    assert dates == [(today + timedelta(days=7 * k)).isoformat() for k in range(4)]


def test_archived_patients_leave_the_weeks_sessions(client, doctor, plan_id):
    doctor(f"/plans/{plan_id}/cycle", {"template": "antalgic",
                                       "start": date.today().isoformat(), "confirm": "1"})
    assert "Ciclo, Paola" in client.get("/sessions").get_data(as_text=True)
    doctor("/patients/1/archive")
    assert "Ciclo, Paola" not in client.get("/sessions").get_data(as_text=True)


def test_add_and_cancel_sessions(app, client, doctor, plan_id):
    doctor(f"/plans/{plan_id}/cycle", {"template": "antalgic", "start": "2026-12-01",
                                       "confirm": "1"})
    page = BeautifulSoup(client.get("/patients/1").get_data(as_text=True), "html.parser")
    # The form proposes a week after the last session.
    assert page.select_one(".add-session input[name=planned_on]")["value"] == "2026-12-29"
    assert doctor("/cycles/1/sessions", {"planned_on": "2027-01-05"}).status_code == 303
    assert cycles_of(app)[0][1][-1] == date(2027, 1, 5)
    assert doctor("/cycles/1/sessions", {"planned_on": "later"}).status_code == 303
    assert len(cycles_of(app)[0][1]) == 5  # refused, nothing added
    assert doctor("/sessions/2/cancel").status_code == 303
    page = BeautifulSoup(client.get("/patients/1").get_data(as_text=True), "html.parser")
    assert "Cancelled" in page.select("[data-testid=cycle-session]")[1].get_text()
    # A cancelled session cannot be recorded or moved, and is not the next one.
    assert doctor("/sessions/2/record", {}).status_code == 303
    assert doctor("/sessions/2/date", {"planned_on": "2026-12-09"}).status_code == 303
    assert cycles_of(app)[0][1][1] == date(2026, 12, 8)
    from tests.web.test_records import audit_actions

    assert ("cancel", "") in audit_actions(app, "session")


def test_a_recorded_session_is_not_cancelled(app, doctor, plan_id):
    from tests.web.test_records import form, row

    doctor(f"/plans/{plan_id}/cycle", {"template": "antalgic", "start": "2026-12-01",
                                       "confirm": "1"})
    assert doctor("/sessions/1/record", form(**{"q-infection": "yes"})).status_code == 303
    doctor("/sessions/1/cancel")
    assert row(app, 1)["scheduled_status"] == "planned"


def test_move_a_session(app, doctor, plan_id):
    doctor(f"/plans/{plan_id}/cycle", {"template": "face", "start": "2026-12-01",
                                       "confirm": "1"})
    assert doctor("/sessions/2/date", {"planned_on": "2026-12-17"}).status_code == 303
    assert cycles_of(app)[0][1][:3] == [date(2026, 12, 1), date(2026, 12, 17),
                                        date(2026, 12, 31)]
    refused = doctor("/sessions/2/date", {"planned_on": "soon"}, follow_redirects=True)
    assert "enter a date" in refused.get_data(as_text=True)
    assert cycles_of(app)[0][1][1] == date(2026, 12, 17)


def test_template_names_are_translated(app, client, plan_id):
    client.post("/language", data={"language": "it", "next": "/patients",
                                   "csrf_token": _token(client)})
    html = client.get(f"/plans/{plan_id}/cycle").get_data(as_text=True)
    assert "Dolore: settimanale, 4 sedute" in html


def _token(client) -> str:
    from tests.conftest import csrf_token

    return csrf_token(client)
