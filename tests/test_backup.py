"""`mesoplanner backup` and `mesoplanner restore`: a round trip, and refusals that say why."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest

from tests.test_cli import mesoplanner


def add_patient(data: Path, family: str) -> None:
    from flask_migrate import upgrade

    from planner import create_app
    from planner.extensions import db
    from planner.models import Patient

    app = create_app({"DATA_DIR": str(data)})
    with app.app_context():
        upgrade()
        db.session.add(Patient(record_number=family, family_name=family, given_name="X",
                               birth_date=date(1970, 1, 1), sex="male"))
        db.session.commit()
        db.engine.dispose()


def families(data: Path) -> list[str]:
    with sqlite3.connect(data / "mesoplanner.sqlite3") as db:
        return [r[0] for r in db.execute("SELECT family_name FROM patients ORDER BY id")]


@pytest.fixture
def data(tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    folder = tmp_path / "data"
    add_patient(folder, "Before")
    return folder


def test_backup_then_restore_gives_back_the_database(data, tmp_path):
    copy = tmp_path / "copy.sqlite3"
    out = mesoplanner("backup", str(copy), "--data-dir", str(data))
    assert out.returncode == 0, out.stderr
    add_patient(data, "After")
    assert families(data) == ["Before", "After"]
    out = mesoplanner("restore", str(copy), "--yes", "--data-dir", str(data))
    assert out.returncode == 0, out.stderr
    assert families(data) == ["Before"]
    [kept] = data.glob("mesoplanner.sqlite3.before-restore-*")
    assert "kept as" in out.stdout and kept.name in out.stdout
    with sqlite3.connect(kept) as db:  # nothing is lost: the replaced database is kept
        assert [r[0] for r in db.execute("SELECT family_name FROM patients ORDER BY id")] == [
            "Before", "After"]
    with sqlite3.connect(data / "mesoplanner.sqlite3") as db:
        actions = [r[0] for r in db.execute("SELECT detail FROM audit_events")]
    assert "backup to copy.sqlite3" in actions and "restored from copy.sqlite3" in actions


def test_backup_never_overwrites_a_file(data, tmp_path):
    target = tmp_path / "taken.sqlite3"
    target.write_text("precious")
    out = mesoplanner("backup", str(target), "--data-dir", str(data))
    assert out.returncode == 2 and "already exists" in out.stderr
    assert target.read_text() == "precious"


@pytest.mark.parametrize(("content", "said"), [
    (b"not a database at all, just text" * 10, "not a Mesoplanner database"),
    (b"", "not a Mesoplanner database"),
])
def test_restore_refuses_what_is_not_a_backup(data, tmp_path, content, said):
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(content)
    out = mesoplanner("restore", str(bad), "--yes", "--data-dir", str(data))
    assert out.returncode == 2 and said in out.stderr, out.stderr
    assert families(data) == ["Before"]
    assert not list(data.glob("*.before-restore-*"))


def test_restore_refuses_another_sqlite_file(data, tmp_path):
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t (x)")
    out = mesoplanner("restore", str(other), "--yes", "--data-dir", str(data))
    assert out.returncode == 2
    assert "not a Mesoplanner database" in out.stderr
    assert families(data) == ["Before"]


def test_restore_asks_for_confirmation(data, tmp_path):
    copy = tmp_path / "copy.sqlite3"
    assert mesoplanner("backup", str(copy), "--data-dir", str(data)).returncode == 0
    out = mesoplanner("restore", str(copy), "--data-dir", str(data), stdin="")
    assert out.returncode == 2 and "--yes" in out.stderr


def test_postgresql_gets_pg_dump_guidance(data, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://clinic@localhost/mesoplanner")
    out = mesoplanner("backup", str(tmp_path / "x"), "--data-dir", str(data))
    assert out.returncode == 2 and "pg_dump" in out.stderr
