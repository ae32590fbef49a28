"""`mesoplanner backup` and `mesoplanner restore`: round trips (plain and encrypted), and refusals
that say why and change nothing (a damaged file, a wrong passphrase, a server running).

The round trips, the restore without a terminal and the refusals while servers run use the
real command (``mesoplanner``: this checkout's, in a new process); the other tests run its
entry point in this process (``run_main``), the same code without a new Python's start."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from tests.helpers.commands import mesoplanner, start_server, stop
from tests.helpers.datafolder import PASSPHRASE, add_patient, migrated_folder
from tests.helpers.in_process import run_main


def families(data: Path) -> list[str]:
    with closing(sqlite3.connect(data / "mesoplanner.sqlite3")) as db:
        return [r[0] for r in db.execute("SELECT family_name FROM patients ORDER BY id")]


@pytest.fixture
def data(tmp_path, monkeypatch, template_database) -> Path:
    """A data folder whose SQLite database holds one patient, "Before"."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    folder = migrated_folder(tmp_path / "data", template_database)
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
    out = run_main("backup", str(target), "--data-dir", str(data))
    assert out.returncode == 2 and "already exists" in out.stderr
    assert target.read_text() == "precious"


@pytest.mark.parametrize(("content", "said"), [
    (b"not a database at all, just text" * 10, "not a Mesoplanner database"),
    (b"", "not a Mesoplanner database"),
])
def test_restore_refuses_what_is_not_a_backup(data, tmp_path, content, said):
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(content)
    out = run_main("restore", str(bad), "--yes", "--data-dir", str(data))
    assert out.returncode == 2 and said in out.stderr, out.stderr
    assert families(data) == ["Before"]
    assert not list(data.glob("*.before-restore-*"))


def test_restore_refuses_another_sqlite_file(data, tmp_path):
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t (x)")
    out = run_main("restore", str(other), "--yes", "--data-dir", str(data))
    assert out.returncode == 2
    assert "not a Mesoplanner database" in out.stderr
    assert families(data) == ["Before"]


def test_restore_asks_for_confirmation(data, tmp_path):
    copy = tmp_path / "copy.sqlite3"
    assert run_main("backup", str(copy), "--data-dir", str(data)).returncode == 0
    out = mesoplanner("restore", str(copy), "--data-dir", str(data), stdin="")  # a pipe
    assert out.returncode == 2 and "--yes" in out.stderr


def test_postgresql_gets_pg_dump_guidance(data, tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://clinic@localhost/mesoplanner")
    out = run_main("backup", str(tmp_path / "x"), "--data-dir", str(data))
    assert out.returncode == 2 and "pg_dump" in out.stderr


# -- encrypted backups ---------------------------------------------------------------------


def test_an_encrypted_backup_round_trip(data, tmp_path):
    from planner.backup import MAGIC

    sealed = tmp_path / "copy.enc"
    out = mesoplanner("backup", str(sealed), "--encrypt", "--data-dir", str(data),
                      MESOPLANNER_BACKUP_PASSPHRASE=PASSPHRASE)
    assert out.returncode == 0, out.stderr
    assert "(encrypted)" in out.stdout
    content = sealed.read_bytes()
    assert content.startswith(MAGIC)
    assert b"SQLite format 3" not in content and b"Before" not in content
    add_patient(data, "After")
    out = mesoplanner("restore", str(sealed), "--yes", "--data-dir", str(data),
                      MESOPLANNER_BACKUP_PASSPHRASE=PASSPHRASE)
    assert out.returncode == 0, out.stderr
    assert families(data) == ["Before"]
    with sqlite3.connect(data / "mesoplanner.sqlite3") as db:
        details = [r[0] for r in db.execute("SELECT detail FROM audit_events")]
    assert "backup to copy.enc (encrypted)" in details and "restored from copy.enc" in details
    assert not [p.name for p in data.iterdir() if p.name.startswith(".")]  # no decrypted copy


def test_an_encrypted_backup_refuses_a_wrong_passphrase(data, tmp_path):
    sealed = tmp_path / "copy.enc"
    assert run_main("backup", str(sealed), "--encrypt", "--data-dir", str(data),
                    MESOPLANNER_BACKUP_PASSPHRASE=PASSPHRASE).returncode == 0
    add_patient(data, "After")
    before = listing(data)
    out = run_main("restore", str(sealed), "--yes", "--data-dir", str(data),
                   MESOPLANNER_BACKUP_PASSPHRASE="not the passphrase at all")
    assert out.returncode == 2
    assert out.stderr.startswith("error: wrong passphrase for"), out.stderr
    assert families(data) == ["Before", "After"]
    assert listing(data) == before  # no copy kept, no leftover


def listing(data: Path) -> list[str]:
    """The data folder's files, but the server lock that a restore creates when missing."""
    return sorted(p.name for p in data.iterdir() if not p.name.endswith(".serving"))


def sealed_backup(data: Path, tmp_path: Path) -> Path:
    from planner.backup import backup

    sealed = tmp_path / "copy.enc"
    backup(data / "mesoplanner.sqlite3", sealed, PASSPHRASE)
    return sealed


def flip(at: int, value: int | None = None):
    """A change of the byte at ``at``: its lowest bit flipped, or ``value`` put instead."""
    def change(content: bytes) -> bytes:
        new = content[at] ^ 0x01 if value is None else value
        return content[:at] + bytes([new]) + content[at + 1:]
    return change


@pytest.fixture(scope="module")
def sealed_content(tmp_path_factory, template_database) -> bytes:
    """An encrypted backup of a data folder like ``data``'s, made once for the damaged copies
    below (scrypt takes a quarter of a second at each backup): each test damages its own."""
    folder = tmp_path_factory.mktemp("sealed")
    with pytest.MonkeyPatch.context() as env:
        env.delenv("DATABASE_URL", raising=False)
        data = migrated_folder(folder / "data", template_database)
        add_patient(data, "Before")
    return sealed_backup(data, folder).read_bytes()


@pytest.mark.parametrize(("damage", "said"), [
    (lambda c: c[:len(c) // 2], "is damaged: its content does not match"),
    (lambda c: c[:-1], "is damaged: its content does not match"),
    (lambda c: c[:70], "is damaged (cut short)"),
    (lambda c: c[:40], "is damaged (cut short)"),
    (lambda c: c[:20], "not a Mesoplanner database"),  # not even the whole mark
    (lambda c: c + b"\0", "is damaged: its content does not match"),
    (flip(-1), "is damaged: its content does not match"),  # the tag
    (flip(-5000), "is damaged: its content does not match"),  # the data
    (flip(100), "is damaged: its content does not match"),  # the first data byte
    (flip(40), "wrong passphrase"),  # the salt: the key check fails
    (flip(29), "of format 0, which this version of Mesoplanner does not know"),
    (flip(30), "wrong passphrase"),  # scrypt's cost 2**16, not 2**17: another key
    (flip(30, 40), "is damaged (its header is not valid)"),  # 2**40: never tried
    (flip(33 + 16), "wrong passphrase"),  # the nonce: covered by the key check
], ids=["half", "last-byte-cut", "header-only", "header-cut", "mark-cut", "byte-added",
        "tag", "data", "first-data-byte", "salt", "version", "cost", "cost-too-high",
        "nonce"])
def test_a_damaged_encrypted_backup_is_refused_and_nothing_changes(
        data, tmp_path, monkeypatch, capsys, sealed_content, damage, said):
    from planner.cli import main

    sealed = tmp_path / "copy.enc"
    sealed.write_bytes(damage(sealed_content))
    add_patient(data, "After")
    before = listing(data)
    monkeypatch.setenv("MESOPLANNER_BACKUP_PASSPHRASE", PASSPHRASE)
    assert main(["restore", str(sealed), "--yes", "--data-dir", str(data)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and said in err, err
    assert "\n" not in err.strip() and "Traceback" not in err
    assert families(data) == ["Before", "After"]
    assert listing(data) == before


def test_the_offsets_damaged_above_are_the_header_fields():
    from planner.backup import HEADER_BYTES, MAGIC

    # The mark (29 bytes), version, cost (N, r, p), salt (16), nonce (12), key check (16).
    assert len(MAGIC) == 29 and HEADER_BYTES == 29 + 4 + 16 + 12 + 16 == 77


def test_restoring_an_encrypted_backup_needs_its_passphrase(data, tmp_path):
    sealed = sealed_backup(data, tmp_path)
    out = run_main("restore", str(sealed), "--yes", "--data-dir", str(data),
                   MESOPLANNER_BACKUP_PASSPHRASE=None)
    assert out.returncode == 2 and "MESOPLANNER_BACKUP_PASSPHRASE" in out.stderr
    assert families(data) == ["Before"]


@pytest.mark.parametrize(("passphrase", "said"), [
    (None, "run in a terminal, or set $MESOPLANNER_BACKUP_PASSPHRASE"),
    ("too short", "at least 10 characters"),
])
def test_an_encrypted_backup_needs_a_good_passphrase(data, tmp_path, passphrase, said):
    target = tmp_path / "copy.enc"
    out = run_main("backup", str(target), "--encrypt", "--data-dir", str(data),
                   MESOPLANNER_BACKUP_PASSPHRASE=passphrase)
    assert out.returncode == 2 and said in out.stderr, out.stderr
    assert not list(tmp_path.glob("*copy.enc*"))


class Terminal:
    """Standard input as a terminal, for the passphrase questions."""

    def isatty(self) -> bool:
        return True


def test_the_passphrase_is_asked_twice_at_a_terminal(data, tmp_path, monkeypatch, capsys):
    import getpass

    from planner.cli import main

    monkeypatch.delenv("MESOPLANNER_BACKUP_PASSPHRASE", raising=False)
    monkeypatch.setattr("sys.stdin", Terminal())
    answers = iter([PASSPHRASE, PASSPHRASE + "!"])
    monkeypatch.setattr(getpass, "getpass", lambda prompt: next(answers))
    target = tmp_path / "copy.enc"
    assert main(["backup", str(target), "--encrypt", "--data-dir", str(data)]) == 2
    assert "the two passphrases differ" in capsys.readouterr().err
    assert not target.exists()
    asked = []
    monkeypatch.setattr(getpass, "getpass", lambda prompt: asked.append(prompt) or PASSPHRASE)
    assert main(["backup", str(target), "--encrypt", "--data-dir", str(data)]) == 0
    assert asked == ["Backup passphrase: ", "Backup passphrase again: "]
    add_patient(data, "After")
    asked.clear()
    assert main(["restore", str(target), "--yes", "--data-dir", str(data)]) == 0
    assert asked == ["Backup passphrase: "]  # once to restore
    assert families(data) == ["Before"]


# -- no restore under a running server -----------------------------------------------------


def test_restore_is_refused_while_a_server_uses_the_database(data, tmp_path):
    copy = tmp_path / "copy.sqlite3"
    assert run_main("backup", str(copy), "--data-dir", str(data)).returncode == 0
    first = start_server(data)
    second = None
    try:
        second = start_server(data)  # two servers on one database may run side by side
        add_patient(data, "After")
        out = mesoplanner("restore", str(copy), "--yes", "--data-dir", str(data))
        assert out.returncode == 2
        assert f"pid {first.pid}, {second.pid}" in out.stderr or \
            f"pid {second.pid}, {first.pid}" in out.stderr, out.stderr
        assert "Ctrl+C" in out.stderr and "systemctl stop" in out.stderr
        assert "Nothing was changed" in out.stderr
        stop(first)
        out = mesoplanner("restore", str(copy), "--yes", "--data-dir", str(data))
        assert out.returncode == 2 and f"(pid {second.pid})" in out.stderr, out.stderr
        assert families(data) == ["Before", "After"]
        assert not list(data.glob("*.before-restore-*"))
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                stop(proc)
    out = run_main("restore", str(copy), "--yes", "--data-dir", str(data))
    assert out.returncode == 0, out.stderr
    assert families(data) == ["Before"]


def test_a_server_does_not_start_in_the_middle_of_a_restore(data):
    from planner.backup import BackupError, hold_for_server, no_server

    database = data / "mesoplanner.sqlite3"
    with no_server(database), pytest.raises(BackupError, match=r"a restore of .* is in progress"):
        hold_for_server(database, wait_s=0.3)
    fd = hold_for_server(database)  # once the restore is over
    try:
        with pytest.raises(BackupError, match=f"pid {os.getpid()}"), no_server(database):
            pass
    finally:
        os.close(fd)
    with no_server(database):  # the lock goes with the server
        pass


# -- photos (issue 20) -----------------------------------------------------------------------


def photo_files(data: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (data / "photos").rglob("*") if p.is_file()} \
        if (data / "photos").exists() else {}


@pytest.mark.parametrize("sealed", [False, True], ids=["plain", "encrypted"])
def test_the_photos_are_in_the_backup_and_come_back_with_it(data, tmp_path, sealed):
    from tests.helpers.photos import add_photo

    key, kept = add_photo(data, "Photographed")
    before = photo_files(data)
    assert set(before) == {key, key.replace(".jpg", "-preview.jpg")} and before[key] == kept
    copy = tmp_path / ("copy.enc" if sealed else "copy.sqlite3")
    secret = {"MESOPLANNER_BACKUP_PASSPHRASE": PASSPHRASE} if sealed else {}
    out = run_main("backup", str(copy), *(["--encrypt"] if sealed else []),
                   "--data-dir", str(data), **secret)
    assert out.returncode == 0, out.stderr
    assert "with 1 photo" in out.stdout
    if not sealed:
        with closing(sqlite3.connect(copy)) as db:
            assert dict(db.execute("SELECT key, data FROM backup_photos")) == before
    else:
        assert kept[100:140] not in copy.read_bytes()  # sealed with the rest
    # Then the photos are lost, and another one is taken: the restore brings back the
    # backup's, and keeps aside what the folder held.
    for path in (data / "photos").rglob("*"):
        if path.is_file():
            path.unlink()
    later, _bytes = add_photo(data, "Later")
    out = run_main("restore", str(copy), "--yes", "--data-dir", str(data), **secret)
    assert out.returncode == 0, out.stderr
    assert "with 1 photo" in out.stdout
    assert photo_files(data) == before
    [aside] = data.glob("photos.before-restore-*")
    assert later in {p.name for p in aside.rglob("*")}
    assert families(data) == ["Before", "Photographed"]
    with closing(sqlite3.connect(data / "mesoplanner.sqlite3")) as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
        assert "backup_photos" not in tables and "photos" in tables
        assert [r[0] for r in db.execute("SELECT storage_key FROM photos")] == [key]


def test_a_photo_missing_from_the_store_is_said_not_a_failure(data, tmp_path):
    from tests.helpers.photos import add_photo

    key, _bytes = add_photo(data)
    for path in (data / "photos").rglob(key):
        path.unlink()
    out = run_main("backup", str(tmp_path / "copy.sqlite3"), "--data-dir", str(data))
    assert out.returncode == 0, out.stderr
    assert "1 photos named in the database are missing from the photo store" in out.stderr


def test_two_restores_in_one_second_keep_each_their_own_copy(tmp_path, monkeypatch):
    import time

    from planner.backup import aside_path

    monkeypatch.setattr(time, "strftime", lambda _fmt: "20261207-205500")
    database = tmp_path / "mesoplanner.db"
    first = aside_path(database)
    first.write_text("kept by the first restore")
    second = aside_path(database)
    assert first.name == "mesoplanner.db.before-restore-20261207-205500"
    assert second.name == "mesoplanner.db.before-restore-20261207-205500-2"
    second.write_text("kept by the second")
    assert aside_path(database).name.endswith("-3")
