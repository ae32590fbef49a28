"""`mesoplanner audit verify` and `mesoplanner unlock`, on SQLite and (with
MESOPLANNER_TEST_POSTGRES) on PostgreSQL; and the triggers that keep the audit trail
append-only."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.exc import DBAPIError

from tests.helpers.users import PASSWORD, csrf_token, make_user

EVENTS = 6


@pytest.fixture
def command(app, database, tmp_path, monkeypatch, capsys):
    """Run ``mesoplanner ...`` in this process on the test's database: (exit status, output)."""
    from planner.cli import main

    monkeypatch.setenv("DATABASE_URL", database)

    def run(*args: str) -> tuple[int, str, str]:
        status = main([*args, "--data-dir", str(tmp_path)])
        out = capsys.readouterr()
        return status, out.out, out.err

    return run


@pytest.fixture
def trail(app) -> list[int]:
    """Six audit events, each written in its own transaction; their ids in chain order."""
    from planner.extensions import db
    from planner.models import AuditEvent, audit

    with app.app_context():
        for n in range(EVENTS):
            audit(None, "view", "patient", n + 1, f"event {n + 1}")
            db.session.commit()
        return list(db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.seq)))


def tamper(app, statement) -> None:
    """Run ``statement`` on the audit events behind the app's back: the triggers dropped."""
    from planner.extensions import db

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        else:
            db.session.execute(text("DROP TRIGGER audit_events_no_update"))
            db.session.execute(text("DROP TRIGGER audit_events_no_delete"))
        db.session.execute(statement)
        db.session.commit()


def head(app) -> tuple[int, str]:
    from planner.extensions import db
    from planner.models import AuditHead

    with app.app_context():
        row = db.session.get(AuditHead, 1)
        return row.seq, row.last_hash


def test_an_intact_trail(app, trail, command):
    status, out, _ = command("audit", "verify")
    seq, last = head(app)
    assert (status, out) == (0, f"audit trail intact: {EVENTS} events, last hash {last}\n")
    assert seq == EVENTS


def test_an_empty_trail_is_intact(app, command):
    from planner.audit_chain import GENESIS
    from planner.extensions import db
    from planner.models import AuditEvent

    with app.app_context():
        assert db.session.scalar(select(AuditEvent.id)) is None
    status, out, _ = command("audit", "verify")
    assert (status, out) == (0, f"audit trail intact: 0 events, last hash {GENESIS}\n")


def test_an_event_changed_behind_the_apps_back(app, trail, command):
    from planner.models import AuditEvent

    tamper(app, update(AuditEvent).where(AuditEvent.id == trail[2]).values(detail="nothing"))
    status, out, _ = command("audit", "verify")
    assert status == 1
    assert out == (f"audit trail broken at event {trail[2]}: its content does not match its "
                   "hash (it was changed); the 2 events before it are intact\n")


def test_an_event_backdated_behind_the_apps_back(app, trail, command):
    from planner.extensions import db
    from planner.models import AuditEvent

    with app.app_context():
        at = db.session.get(AuditEvent, trail[4]).at
    tamper(app, update(AuditEvent).where(AuditEvent.id == trail[4])
           .values(at=at - timedelta(days=3)))
    status, out, _ = command("audit", "verify")
    assert status == 1 and out.startswith(f"audit trail broken at event {trail[4]}: its content")


def test_an_event_deleted_from_the_middle(app, trail, command):
    from planner.models import AuditEvent

    tamper(app, delete(AuditEvent).where(AuditEvent.id == trail[3]))
    status, out, _ = command("audit", "verify")
    assert status == 1
    assert out.startswith(f"audit trail broken at event {trail[4]}: expected event number 4, "
                          "found 5 (an event is missing or out of order)")


def test_events_deleted_from_the_end(app, trail, command):
    from planner.models import AuditEvent

    tamper(app, delete(AuditEvent).where(AuditEvent.id.in_(trail[-2:])))
    status, out, _ = command("audit", "verify")
    assert status == 1
    assert out == (f"audit trail broken at its end: the chain's end records {EVENTS} events, "
                   f"{EVENTS - 2} found (events were removed from the end)\n")


def test_an_event_slipped_in_without_a_place_in_the_chain(app, trail, command):
    from planner.extensions import db
    from planner.models import AuditEvent, now

    with app.app_context():  # a Core insert: the ORM's chaining never sees it
        db.session.execute(insert(AuditEvent).values(at=now(), action="view", entity="patient",
                                                     entity_id=99, detail="slipped in"))
        db.session.commit()
        slipped = db.session.scalar(select(AuditEvent.id).where(AuditEvent.seq.is_(None)))
    status, out, _ = command("audit", "verify")
    assert status == 1
    assert out == (f"audit trail broken at event {slipped}: it has no place in the chain (no "
                   "sequence number; 1 such events in all)\n")


def test_the_whole_trail_removed_with_its_end(app, trail, command):
    from planner.extensions import db
    from planner.models import AuditEvent, AuditHead

    tamper(app, delete(AuditEvent).where(AuditEvent.id.in_(trail[1:])))
    with app.app_context():
        db.session.execute(delete(AuditHead))
        db.session.commit()
    status, out, _ = command("audit", "verify")
    assert (status, out) == (1, "audit trail broken at its end: the record of the chain's end "
                                "(audit_head) is missing\n")


@pytest.mark.parametrize("statement", [
    "UPDATE audit_events SET detail = 'nothing'",
    "DELETE FROM audit_events",
    "TRUNCATE audit_events",
], ids=["update", "delete", "truncate"])
def test_the_database_refuses_to_change_or_delete_an_audit_event(app, trail, statement):
    from planner.extensions import db
    from planner.models import AuditEvent

    with app.app_context():
        if statement.startswith("TRUNCATE") and db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite has no TRUNCATE (DELETE, refused, is its way to empty a table)")
        with pytest.raises(DBAPIError, match="audit events are append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
        assert db.session.scalars(select(AuditEvent.detail).order_by(AuditEvent.seq)).all() == [
            f"event {n + 1}" for n in range(EVENTS)]


# -- unlock --------------------------------------------------------------------------------

def failures(app, *rows: tuple[str, str]) -> None:
    from planner.extensions import db
    from planner.models import LoginFailure

    with app.app_context():
        db.session.add_all(LoginFailure(username=u, address=a) for u, a in rows)
        db.session.commit()


def left(app) -> list[tuple[str, str]]:
    from planner.extensions import db
    from planner.models import LoginFailure

    with app.app_context():
        return sorted((row.username, row.address) for row in db.session.execute(
            select(LoginFailure.username, LoginFailure.address)))


def last_event(app) -> tuple[str, str, int | None, str]:
    from planner.extensions import db
    from planner.models import AuditEvent

    with app.app_context():
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        return event.action, event.entity, event.entity_id, event.detail


ROWS = [("doctor", "10.0.0.1"), ("doctor", "10.0.0.1"), ("other", "10.0.0.1"),
        ("other", "10.0.0.2")]


def test_unlock_clears_a_usernames_failed_logins(app, command):
    doctor = make_user(app)
    failures(app, *ROWS)
    status, out, _ = command("unlock", "doctor")
    assert (status, out) == (0, "cleared 2 failed logins for username 'doctor'\n")
    assert left(app) == [("other", "10.0.0.1"), ("other", "10.0.0.2")]
    assert last_event(app) == ("unlock", "user", doctor,
                               "command line: 2 failed logins cleared for username 'doctor'")


def test_unlock_clears_an_addresss_failed_logins(app, command):
    make_user(app)
    failures(app, *ROWS)
    status, out, _ = command("unlock", "--address", "10.0.0.1")
    assert (status, out) == (0, "cleared 3 failed logins for address 10.0.0.1\n")
    assert left(app) == [("other", "10.0.0.2")]
    assert last_event(app) == ("unlock", "user", None,
                               "command line: 3 failed logins cleared for address 10.0.0.1")


def test_unlock_by_username_and_address(app, command):
    failures(app, *ROWS, ("someone", "::1"))
    status, out, _ = command("unlock", "other", "--address", "0:0:0:0:0:0:0:1")
    assert status == 0
    assert out == ("cleared 3 failed logins for username 'other' or address ::1\n"
                   "note: no account has the username 'other'\n")
    assert left(app) == [("doctor", "10.0.0.1"), ("doctor", "10.0.0.1")]


@pytest.mark.parametrize(("args", "said"), [
    ((), "error: give the USERNAME, --address ADDR, or both"),
    (("--address", "clinic-pc"), "error: --address: not an IP address: 'clinic-pc'"),
])
def test_unlock_needs_something_to_unlock(app, command, args, said):
    failures(app, *ROWS)
    status, out, err = command("unlock", *args)
    assert (status, out, err.strip()) == (2, "", said)
    assert len(left(app)) == len(ROWS)


def test_after_unlock_a_waiting_login_goes_through(app, client, command):
    make_user(app)

    def log_in(password: str) -> int:
        return client.post("/login", data={"username": "doctor", "password": password,
                                           "csrf_token": csrf_token(client, "/login")}
                           ).status_code

    statuses = []
    for _ in range(10):  # until the logins wait
        statuses.append(log_in("not the password"))
        if statuses[-1] == 429:
            break
    assert statuses[-1] == 429 and set(statuses[:-1]) == {401}
    assert log_in(PASSWORD) == 429  # the right password too must wait
    assert command("unlock", "doctor")[0] == 0
    assert log_in(PASSWORD) == 303


# -- a trail written before the times were aware -------------------------------------------

# Two events hashed by the chain as it was before the stored times became aware (naive UTC
# datetimes, hashed as their isoformat to the microsecond): fixed here, never recomputed, so that
# a change of how an instant is hashed shows up as a database that no longer verifies.
OLD_EVENTS = [("2026-12-07 09:00:05.123456", "view", "patient", 12, "Núñez",
               "901dddda88eba37e22d673f8c71a827ce99c8227eb8ab4ac4aada45c385c56f2"),
              ("2026-12-07 23:59:00.000000", "login", "user", None, "",
               "04cc0c0c885d136e162ce9065d83abec13b22fc4b8a1d14dd75d6da7553fafb7")]


def test_an_instant_hashes_as_the_naive_utc_text_it_always_hashed():
    from datetime import UTC, datetime, timedelta, timezone

    from planner.audit_chain import GENESIS, event_hash

    at = datetime(2026, 12, 7, 9, 0, 5, 123456, tzinfo=UTC)
    in_rome = at.astimezone(timezone(timedelta(hours=1)))
    assert event_hash(GENESIS, 1, at, None, "view", "patient", 12, "Núñez") == OLD_EVENTS[0][5]
    assert event_hash(GENESIS, 1, in_rome, None, "view", "patient", 12, "Núñez") == \
        OLD_EVENTS[0][5]
    with pytest.raises(ValueError, match="aware"):
        event_hash(GENESIS, 1, at.replace(tzinfo=None), None, "view", "patient", 12, "Núñez")


def test_a_trail_written_before_the_times_were_aware_still_verifies(app, command):
    """The rows as an older Mesoplanner wrote them (naive UTC text), then one event more."""
    from planner.audit_chain import GENESIS
    from planner.extensions import db
    from planner.models import audit

    with app.app_context():
        previous = GENESIS
        for seq, (at, action, entity, entity_id, detail, row_hash) in enumerate(OLD_EVENTS, 1):
            db.session.execute(text(
                "INSERT INTO audit_events (at, action, entity, entity_id, detail, seq, "
                "prev_hash, row_hash) VALUES (:at, :action, :entity, :entity_id, :detail, "
                ":seq, :prev_hash, :row_hash)"),
                {"at": at, "action": action, "entity": entity, "entity_id": entity_id,
                 "detail": detail, "seq": seq, "prev_hash": previous, "row_hash": row_hash})
            previous = row_hash
        db.session.execute(text("DELETE FROM audit_head"))
        db.session.execute(text("INSERT INTO audit_head (id, seq, last_hash) "
                                "VALUES (1, :seq, :last)"), {"seq": 2, "last": previous})
        db.session.commit()
    status, out, _ = command("audit", "verify")
    assert (status, out) == (0, f"audit trail intact: 2 events, last hash {previous}\n")
    with app.app_context():
        audit(None, "view", "patient", 13)
        db.session.commit()
    status, out, _ = command("audit", "verify")
    assert status == 0 and out.startswith("audit trail intact: 3 events")
