"""Times on the pages: an instant the app stored in UTC (saved, signed, audited) is shown in the
server's time zone, the clinic's; a session's time is shown as the clinic typed it."""

from __future__ import annotations

from datetime import UTC, datetime

from bs4 import BeautifulSoup

from tests.helpers.records import signed
from tests.helpers.users import login, make_user


def test_the_audit_trail_shows_utc_instants_in_the_clinics_time(app, client, rome):
    from planner.extensions import db
    from planner.models import AuditEvent

    make_user(app, "rossi", role="admin", language="it")
    login(client, "rossi")
    with app.app_context():
        for month, event_id in ((1, 1), (7, 2)):
            db.session.add(AuditEvent(at=datetime(2026, month, 15, 9, 30, tzinfo=UTC), user_id=1,
                                      action="view", entity="patient", entity_id=event_id))
        db.session.commit()
    soup = BeautifulSoup(client.get("/audit").get_data(as_text=True), "html.parser")
    text = soup.select_one("[data-testid=audit]").get_text(" ", strip=True)
    assert "15 gen 2026, 10:30" in text  # 09:30 UTC in winter
    assert "15 lug 2026, 11:30" in text  # 09:30 UTC in summer
    assert "09:30" not in text


def test_a_session_shows_the_time_typed_and_its_signature_the_clinics_time(app, client, doctor,
                                                                           cycle, rome):
    from planner.extensions import db
    from planner.models import SessionRecord

    rid = signed(doctor)  # performed at 2026-10-05T10:00, as typed
    with app.app_context():
        db.session.get(SessionRecord, rid).signed_at = datetime(2026, 10, 5, 8, 45, tzinfo=UTC)
        db.session.commit()
    soup = BeautifulSoup(client.get(f"/records/{rid}").get_data(as_text=True), "html.parser")
    assert "Oct 5, 2026, 10:00\u202fAM" in soup.get_text(" ", strip=True)
    assert "Oct 5, 2026, 10:45\u202fAM" in soup.select_one("[data-testid=signature]").get_text()


def test_the_audit_filter_takes_the_clinics_days(app, client, rome):
    """00:30 in Rome on 2 December is 23:30 UTC on the 1st: it is an event of the 2nd."""
    from planner.extensions import db
    from planner.models import AuditEvent

    make_user(app, "rossi", role="admin", language="it")
    login(client, "rossi")
    with app.app_context():
        for at, event_id in ((datetime(2026, 11, 30, 23, 30, tzinfo=UTC), 1),  # 1 Dec, 00:30 Rome
                             (datetime(2026, 12, 1, 23, 30, tzinfo=UTC), 2),  # 2 Dec, 00:30
                             (datetime(2026, 12, 2, 22, 59, tzinfo=UTC), 3),  # 2 Dec, 23:59
                             (datetime(2026, 12, 2, 23, 0, tzinfo=UTC), 4)):  # 3 Dec, 00:00
            db.session.add(AuditEvent(at=at, user_id=1, action="view", entity="patient",
                                      entity_id=event_id))
        db.session.commit()
    html = client.get("/audit?since=2026-12-02&until=2026-12-02&entity=patient")
    soup = BeautifulSoup(html.get_data(as_text=True), "html.parser")
    text = soup.select_one("[data-testid=audit]").get_text(" ", strip=True)
    assert "2 dic 2026, 00:30" in text and "2 dic 2026, 23:59" in text
    assert "1 dic 2026" not in text and "3 dic 2026" not in text


def test_the_sessions_spreadsheet_gives_both_times_in_the_clinics_time(app, client, doctor,
                                                                      cycle, rome):
    """The session's time as typed and its signature's instant, side by side in one zone."""
    import csv
    import io

    from planner.extensions import db
    from planner.models import SessionRecord

    rid = signed(doctor)  # performed at 2026-10-05T10:00, as typed
    with app.app_context():
        db.session.get(SessionRecord, rid).signed_at = datetime(2026, 10, 5, 8, 45, tzinfo=UTC)
        db.session.commit()
    text = client.get(f"/patients/{cycle['patient']}/sessions.csv").get_data(as_text=True)
    [row] = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert (row["date"], row["time"]) == ("2026-10-05", "10:00")
    assert row["signed_at"] == "2026-10-05T10:45"  # 08:45 UTC, summer time in Rome


def test_a_plan_changed_meanwhile_says_when_in_the_clinics_time(app, client, doctor, rome):
    """The editor's conflict message: the other save's time in the clinic's zone, not UTC."""
    import json

    from planner.extensions import db
    from planner.models import PlanRecord
    from tests.helpers.patients import add, created_id
    from tests.helpers.plans import knee_plan, save, saved_id

    pid = created_id(add(doctor))
    plan = saved_id(save(doctor, pid, knee_plan()))
    assert save(doctor, pid, knee_plan(spacing_mm=20), plan_id=str(plan),
                version="1").status_code == 303
    with app.app_context():
        db.session.get(PlanRecord, plan).updated_at = datetime(2026, 1, 15, 8, 5, tzinfo=UTC)
        db.session.commit()
    stale = doctor("/plans/save", {"patient_id": str(pid), "plan_id": str(plan), "version": "1",
                                   "title": "late", "plan": json.dumps(knee_plan())})
    assert stale.status_code == 409
    text = BeautifulSoup(stale.get_data(as_text=True), "html.parser").get_text(" ", strip=True)
    assert "9:05" in text and "8:05" not in text  # 08:05 UTC is 09:05 in Rome in winter
