"""Scheduling a cycle of sessions from a saved plan, the week's sessions, moving a session."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest
from bs4 import BeautifulSoup

from tests.helpers.audit import audit_actions
from tests.helpers.documents import flat_text
from tests.helpers.patients import add, created_id
from tests.helpers.plans import knee_plan, save, saved_id
from tests.helpers.records import form, row
from tests.helpers.users import csrf_token, login, make_user


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
    assert doctor("/sessions/2/cancel", {"reason": "Febbre"}).status_code == 303
    page = BeautifulSoup(client.get("/patients/1").get_data(as_text=True), "html.parser")
    assert "Cancelled" in page.select("[data-testid=cycle-session]")[1].get_text()
    # A cancelled session cannot be recorded or moved, and is not the next one.
    assert doctor("/sessions/2/record", {}).status_code == 303
    assert doctor("/sessions/2/date", {"planned_on": "2026-12-09"}).status_code == 303
    assert cycles_of(app)[0][1][1] == date(2026, 12, 8)

    assert ("cancel", "reason given (6 characters)") in audit_actions(app, "session")


def test_a_recorded_session_is_not_cancelled(app, doctor, plan_id):
    doctor(f"/plans/{plan_id}/cycle", {"template": "antalgic", "start": "2026-12-01",
                                       "confirm": "1"})
    assert doctor("/sessions/1/record", form(**{"q-infection": "yes"})).status_code == 303
    doctor("/sessions/1/cancel", {"reason": "The patient is unwell"})
    assert row(app, 1)["scheduled_status"] == "planned"
    assert sessions_of(app)[0]["cancel_reason"] == ""


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
    return csrf_token(client)


# ----------------------------------------------------------------- cancelling a session


def sessions_of(app) -> list[dict]:
    """Every scheduled session's status and cancellation, in order."""
    from planner.extensions import db
    from planner.models import ScheduledSession

    with app.app_context():
        return [{"status": s.status, "cancel_reason": s.cancel_reason,
                 "cancelled_by_id": s.cancelled_by_id, "cancelled_at": s.cancelled_at}
                for s in db.session.query(ScheduledSession).order_by(ScheduledSession.id)]


@pytest.fixture
def scheduled(doctor, plan_id) -> None:
    response = doctor(f"/plans/{plan_id}/cycle", {"template": "antalgic", "start": "2026-12-01",
                                                  "confirm": "1"})
    assert response.status_code == 303


def test_it_cancels_with_a_reason_and_says_who_when_and_why(app, client, doctor, scheduled):
    reason = "Rossi Paola: febbre, richiamerà"
    response = doctor("/sessions/2/cancel", {"reason": f"  {reason}\n"}, follow_redirects=True)
    assert response.status_code == 200
    assert "Session cancelled." in response.get_data(as_text=True)
    cancelled = sessions_of(app)[1]
    assert cancelled["status"] == "cancelled" and cancelled["cancel_reason"] == reason
    assert cancelled["cancelled_by_id"] == 1 and cancelled["cancelled_at"] is not None
    assert [s["status"] for s in sessions_of(app)] == ["cancelled" if k == 1 else "planned"
                                                       for k in range(4)]
    # The cycle on the patient's page: who, when, why.
    page = BeautifulSoup(client.get("/patients/1").get_data(as_text=True), "html.parser")
    item = page.select("[data-testid=cycle-session]")[1]
    note = item.select_one("[data-testid=cancelled]").get_text(" ", strip=True)
    assert note.startswith("Cancelled by Dr Doctor on ") and note.endswith(f"Reason: {reason}")
    assert item.select_one("form") is None  # nothing more to do with it
    # The cycle report, page and PDF.
    report = BeautifulSoup(client.get("/cycles/1/report").get_data(as_text=True),
                           "html.parser")
    cell = report.select_one("[data-testid=cancelled]").get_text(" ", strip=True)
    assert cell.startswith("Cancelled by Dr Doctor on ") and cell.endswith(f"Reason: {reason}")
    pdf = flat_text(client.get("/cycles/1/report.pdf").get_data())
    assert "Cancelled by Dr Doctor on" in pdf and "febbre, richiamerà" in pdf
    # The audit trail says a reason was given, never the reason (it may name the patient).
    assert audit_actions(app, "session")[-1] == ("cancel",
                                                  f"reason given ({len(reason)} characters)")
    assert not any("febbre" in detail or "Rossi" in detail
                   for _action, detail in audit_actions(app, "session"))
    # Who cancelled is kept by name: a later rename of the account does not change it.
    from planner.extensions import db
    from planner.models import User

    with app.app_context():
        db.session.get(User, 1).full_name = "Dr Renamed"
        db.session.commit()
    again = BeautifulSoup(client.get("/patients/1").get_data(as_text=True), "html.parser")
    assert again.select("[data-testid=cycle-session]")[1].select_one(
        "[data-testid=cancelled]").get_text(" ", strip=True).startswith("Cancelled by Dr Doctor")
    assert "Cancelled by Dr Doctor on" in BeautifulSoup(
        client.get("/cycles/1/report").get_data(as_text=True), "html.parser").select_one(
        "[data-testid=cancelled]").get_text(" ", strip=True)


@pytest.mark.parametrize("reason", [None, "", "   \n\t ", "x" * 501])
def test_a_cancellation_without_a_reason_is_refused_naming_the_field(app, doctor, scheduled,
                                                                     reason):
    data = {} if reason is None else {"reason": reason}
    response = doctor("/sessions/2/cancel", data)
    assert response.status_code == 303 and response.location.endswith("/patients/1")
    shown = BeautifulSoup(doctor("/sessions/2/cancel", data, follow_redirects=True)
                          .get_data(as_text=True), "html.parser")
    message = shown.select_one(".flash-error").get_text(" ", strip=True)
    assert "not cancelled" in message and "reason for cancelling" in message
    assert [s["status"] for s in sessions_of(app)] == ["planned"] * 4
    assert sessions_of(app)[1]["cancel_reason"] == ""
    assert sessions_of(app)[1]["cancelled_by_id"] is None
    assert "cancel" not in [a for a, _d in audit_actions(app, "session")]
    assert audit_actions(app, "session")[-1][0] == "refused"  # the attempt is recorded


def test_a_reason_of_500_characters_is_kept_whole(app, doctor, scheduled):
    assert doctor("/sessions/3/cancel", {"reason": "y" * 500}).status_code == 303
    assert sessions_of(app)[2]["cancel_reason"] == "y" * 500


def test_the_cancel_form_asks_for_the_reason(client, doctor, scheduled):
    page = BeautifulSoup(client.get("/patients/1").get_data(as_text=True), "html.parser")
    form = page.select("[data-testid=cycle-session]")[0].select_one(
        "form[action='/sessions/1/cancel']")
    field = form.select_one("input[name=reason]")
    assert field.has_attr("required") and field["maxlength"] == "500"
    assert form.select_one("label").get_text(" ", strip=True) == "Reason for cancelling"


def test_an_assistant_may_move_but_not_cancel_a_session(app, doctor, scheduled):
    make_user(app, "assistant", role="assistant")
    assistant = app.test_client()
    login(assistant, "assistant")
    token = csrf_token(assistant)
    page = BeautifulSoup(assistant.get("/patients/1").get_data(as_text=True), "html.parser")
    first = page.select("[data-testid=cycle-session]")[0]
    assert first.select_one("form[action='/sessions/1/date']") is not None
    assert first.select_one("form[action='/sessions/1/cancel']") is None
    assert "Cancel the session" not in page.get_text()
    refused = assistant.post("/sessions/1/cancel", data={"reason": "Ha telefonato",
                                                         "csrf_token": token})
    assert refused.status_code == 403
    assert sessions_of(app)[0] == {"status": "planned", "cancel_reason": "",
                                   "cancelled_by_id": None, "cancelled_at": None}
    moved = assistant.post("/sessions/1/date", data={"planned_on": "2026-12-03",
                                                     "csrf_token": token})
    assert moved.status_code == 303 and cycles_of(app)[0][1][0] == date(2026, 12, 3)
