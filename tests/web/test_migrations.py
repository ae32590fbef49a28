"""Migrations: the schema the models describe is the one the migrations build, and an old
database is upgraded with its data."""

from __future__ import annotations

import sqlalchemy as sa


def test_upgrade_from_0001_folds_the_names_of_existing_patients(tmp_path) -> None:
    from flask_migrate import upgrade

    from planner.app import create_app
    from planner.extensions import db
    from planner.web.patients import search

    app = create_app({"DATA_DIR": str(tmp_path), "TESTING": True,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.sqlite3'}"})
    with app.app_context():
        upgrade(revision="0001")
        db.session.execute(sa.text(
            "INSERT INTO patients (record_number, family_name, given_name, birth_date, sex, "
            "allergies, anticoagulants, anticoagulant_details, pregnant, breastfeeding, "
            "bleeding_disorder, notes, archived, is_demo, version, created_at, updated_at) "
            "VALUES ('MP-000001', 'Núñez', 'Ángela', '1970-01-01', 'female', '', 0, '', 0, 0, "
            "0, '', 0, 0, 1, '2026-01-01', '2026-01-01')"))
        db.session.commit()
        upgrade()
        assert [p.display_name for p in search("nunez angela", archived=False)] == \
            ["Núñez, Ángela"]


def test_models_and_migrations_agree(app) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from planner.extensions import db
    from planner.search_index import include_object

    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_object": include_object})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_sqlite_readers_never_hold_up_a_save(app, tmp_path):
    """Write-ahead logging (extensions.py): a long read (a PDF being made, a backup) in another
    process does not stop a save, and a save waits for another one instead of failing.

    Not timed: the save runs with no busy wait at all, so a reader in its way would make it fail
    at once ("database is locked") rather than be slow."""
    import sqlite3
    from datetime import date

    import pytest

    from planner.extensions import SQLITE_BUSY_MS, db
    from planner.models import Patient

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's journal")
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == SQLITE_BUSY_MS
        reader = sqlite3.connect(db.engine.url.database, isolation_level=None)
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM patients").fetchone()  # a read transaction, open
        db.session.connection().exec_driver_sql("PRAGMA busy_timeout = 0")  # never waits
        db.session.add(Patient(record_number="W-1", family_name="Wal", given_name="Ada",
                               birth_date=date(1970, 1, 1), sex="female"))
        db.session.commit()  # "database is locked" if the reader stopped it
        assert reader.execute("SELECT count(*) FROM patients").fetchone() == (0,)  # its snapshot
        reader.execute("COMMIT")
        reader.close()
