"""Times as the database keeps them (planner/models/times.py): an instant is aware UTC in the app
and naive UTC in the database, as it always was; a session's time is the clinic's wall clock as
typed; a datetime of the wrong kind is refused, not guessed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import StatementError

ROME_WINTER = timezone(timedelta(hours=1))


def test_now_is_aware_and_utc():
    from planner.models import now

    stamp = now()
    assert stamp.tzinfo is not None and stamp.utcoffset() == timedelta(0)


def test_every_time_column_says_which_kind_of_time_it_holds():
    """Every datetime column is an instant, but the time a clinician types and the time a
    camera's clock wrote in a photo (both local wall-clock times, with no zone)."""
    from sqlalchemy import DateTime

    from planner.extensions import db
    from planner.models.times import ClinicWallClock, UtcInstant

    kinds = {f"{table.name}.{column.name}": type(column.type).__name__
             for table in db.metadata.tables.values() for column in table.columns
             if isinstance(column.type, (DateTime, UtcInstant, ClinicWallClock))}
    assert kinds["session_records.performed_at"] == "ClinicWallClock"
    assert kinds["photos.taken_at"] == "ClinicWallClock"  # EXIF's DateTimeOriginal
    assert {name for name, kind in kinds.items() if kind != "UtcInstant"} == {
        "session_records.performed_at", "photos.taken_at"}
    assert len(kinds) > 15


def _patient():
    from planner.models import Patient

    return Patient(record_number="T-1", family_name="Tempo", given_name="Ada",
                   birth_date=date(1970, 1, 1), sex="female")


def test_an_instant_is_stored_as_naive_utc_and_read_back_aware(app):
    from planner.extensions import db
    from planner.models import Patient

    nine_thirty_in_rome = datetime(2026, 1, 15, 9, 30, tzinfo=ROME_WINTER)
    with app.app_context():
        patient = _patient()
        patient.created_at = nine_thirty_in_rome
        db.session.add(patient)
        db.session.commit()
        stored = db.session.execute(text("SELECT created_at FROM patients")).scalar_one()
        # As every row has been kept since the first migration: naive, in UTC.
        assert str(stored).startswith("2026-01-15 08:30:00")
        db.session.expire_all()
        read = db.session.scalars(select(Patient.created_at)).one()
        assert read == nine_thirty_in_rome and read.tzinfo is UTC
        # Compared with an aware instant in a query, too.
        assert db.session.scalar(select(Patient.id).where(
            Patient.created_at < datetime(2026, 1, 15, 8, 31, tzinfo=UTC))) == patient.id


def test_a_naive_instant_is_refused(app):
    from planner.extensions import db
    from planner.models import Patient

    with app.app_context():
        patient = _patient()
        patient.created_at = datetime(2026, 1, 15, 9, 30)
        db.session.add(patient)
        with pytest.raises(StatementError, match="an instant must be an aware datetime"):
            db.session.commit()
        db.session.rollback()
        with pytest.raises(StatementError, match="an instant must be an aware datetime"):
            db.session.scalar(select(Patient.id).where(
                Patient.created_at < datetime(2026, 1, 15)))


def test_a_sessions_time_is_the_clinics_wall_clock_as_typed(app):
    """10:30 typed is 10:30 stored and read, whatever the server's zone; an aware time (an
    instant) given to it is a bug."""
    from planner.extensions import db
    from planner.models import PlanRecord, SessionRecord, User

    typed = datetime(2026, 10, 5, 10, 30)
    with app.app_context():
        user = User(username="tempo", full_name="Dr Tempo", password_hash="-")
        patient = _patient()
        db.session.add_all([user, patient])
        db.session.flush()
        plan = PlanRecord(patient_id=patient.id, title="t", treatment="t", plan_json="{}",
                          created_by_id=user.id, updated_by_id=user.id)
        db.session.add(plan)
        db.session.flush()
        record = SessionRecord(patient_id=patient.id, plan_id=plan.id, plan_version=1,
                               plan_json="{}", performed_at=typed, performer_id=user.id,
                               created_by_id=user.id)
        db.session.add(record)
        db.session.commit()
        stored = db.session.execute(text("SELECT performed_at FROM session_records")).scalar_one()
        assert str(stored).startswith("2026-10-05 10:30:00")
        db.session.expire_all()
        assert db.session.scalars(select(SessionRecord.performed_at)).one() == typed
        record = db.session.get(SessionRecord, record.id)
        record.performed_at = typed.replace(tzinfo=UTC)
        record.version += 1
        with pytest.raises(StatementError, match="wall-clock time must be a naive datetime"):
            db.session.commit()
        db.session.rollback()
