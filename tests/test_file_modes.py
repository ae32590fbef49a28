"""Every file Mesoplanner makes is readable by its owner only (0600 files, 0700 folders), with a
umask that would let everyone read them (022): the database and its -wal and -shm files, the
data folder, the session key, the server lock, backups (plain and encrypted, and the partial
file while it is written), the copy a restore keeps, and the photos a restore brings back.

The server and the last restore are the real command (this checkout's, in a new process: the
server makes the database's -wal and -shm files and its lock); the backups and the other
restores run the command's entry point in this process (``run_main``), the same code and umask
without a new Python's start."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.commands import mesoplanner, start_server, stop
from tests.helpers.datafolder import PASSPHRASE, add_patient
from tests.helpers.in_process import run_main
from tests.helpers.photos import add_photo


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual umask (files 0644, folders 0755), inherited by the commands run."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def modes(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder`` (itself included) with its permissions."""
    found = {".": oct(mode(folder))}
    for path in folder.rglob("*"):
        found[str(path.relative_to(folder))] = oct(mode(path))
    return found


def private(folder: Path) -> dict[str, str]:
    """What ``modes(folder)`` is when everything in it is private."""
    return {name: "0o700" if (folder / name).is_dir() else "0o600" for name in modes(folder)}


def test_serve_backup_and_restore_make_private_files(tmp_path, umask_022, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    data = tmp_path / "new" / "data"  # its parent too is made by serve
    backups = tmp_path / "backups"
    backups.mkdir()
    server = start_server(data)
    try:
        made = modes(data)
        assert {"mesoplanner.sqlite3", "mesoplanner.sqlite3-wal", "mesoplanner.sqlite3-shm",
                "secret_key", "mesoplanner.sqlite3.serving"} <= set(made)
        assert made == private(data)
        assert mode(tmp_path / "new") == 0o755  # a parent made on the way follows the umask
        # While serving: the live database is copied, plain and encrypted.
        assert run_main("backup", str(backups / "copy.sqlite3"), "--data-dir",
                        str(data)).returncode == 0
        assert run_main("backup", str(backups / "copy.enc"), "--encrypt", "--data-dir",
                        str(data), MESOPLANNER_BACKUP_PASSPHRASE=PASSPHRASE).returncode == 0
        assert modes(backups) == {".": "0o755", "copy.sqlite3": "0o600", "copy.enc": "0o600"}
        assert modes(data) == private(data)
    finally:
        stop(server)
    out = run_main("restore", str(backups / "copy.sqlite3"), "--yes", "--data-dir", str(data))
    assert out.returncode == 0, out.stderr
    # The real command, whose start puts this restore in a later second than the first's: in
    # the same second it fails, the name of the database it keeps aside
    # (<database>.before-restore-<time>, to the second) taken by the first's.
    out = mesoplanner("restore", str(backups / "copy.enc"), "--yes", "--data-dir", str(data),
                      MESOPLANNER_BACKUP_PASSPHRASE=PASSPHRASE)
    assert out.returncode == 0, out.stderr
    restored = modes(data)
    assert len([name for name in restored if ".before-restore-" in name]) >= 1
    assert restored == private(data)
    assert modes(backups) == {".": "0o755", "copy.sqlite3": "0o600", "copy.enc": "0o600"}


def test_a_restore_into_a_new_data_folder_makes_it_private(tmp_path, umask_022, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    add_patient(tmp_path / "old", "Kept")
    add_photo(tmp_path / "old")  # its photos too: in the backup, then in the new folder
    copy = tmp_path / "copy.sqlite3"
    assert run_main("backup", str(copy), "--data-dir", str(tmp_path / "old")).returncode == 0
    fresh = tmp_path / "fresh"
    out = run_main("restore", str(copy), "--yes", "--data-dir", str(fresh))
    assert out.returncode == 0, out.stderr
    assert "kept as" not in out.stdout  # nothing to keep: the database was new
    assert modes(fresh) == private(fresh)
    assert len(list((fresh / "photos").rglob("*.jpg"))) == 2  # the photo and its preview


def test_files_are_private_while_they_are_written(tmp_path, umask_022, monkeypatch):
    from planner import backup

    monkeypatch.delenv("DATABASE_URL", raising=False)
    data = tmp_path / "data"
    add_patient(data, "Kept")
    database = data / "mesoplanner.sqlite3"
    seen: dict[str, str] = {}
    copy, encrypt = backup._copy, backup.encrypt

    def watched_copy(source: Path, target: Path, archive: bool = True) -> None:
        seen[target.name] = oct(mode(target))  # already there, empty, before SQLite opens it
        copy(source, target, archive)
        seen[f"{target.name} (written)"] = oct(mode(target))

    def watched_encrypt(plain: Path, target: Path, passphrase: str) -> None:
        seen[f"{plain.name} (plain)"] = oct(mode(plain))
        seen[target.name] = oct(mode(target))
        encrypt(plain, target, passphrase)

    monkeypatch.setattr(backup, "_copy", watched_copy)
    monkeypatch.setattr(backup, "encrypt", watched_encrypt)
    backup.backup(database, tmp_path / "plain.sqlite3")
    backup.backup(database, tmp_path / "sealed.enc", PASSPHRASE)
    with backup.plain_copy(tmp_path / "sealed.enc", data, PASSPHRASE) as plain:
        seen[f"{plain.name} (decrypted)"] = oct(mode(plain))
        backup.restore(plain, database)
    assert ".plain.sqlite3.partial" in seen and ".sealed.enc.partial" in seen
    assert any(name.startswith(".mesoplanner.sqlite3.") for name in seen)  # encrypt's input
    assert any(name.startswith("mesoplanner.sqlite3.before-restore-") for name in seen)
    assert any(name.startswith(".restore-") for name in seen)
    assert set(seen.values()) == {"0o600"}, seen
    assert modes(data) == private(data)


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o027])
def test_a_new_installation_is_private_whatever_the_umask(tmp_path, umask, monkeypatch):
    from planner.config import settings

    monkeypatch.delenv("DATABASE_URL", raising=False)
    old = os.umask(umask)
    try:
        made = settings(tmp_path / "data")
    finally:
        os.umask(old)
    assert made["SQLALCHEMY_DATABASE_URI"].endswith("/data/mesoplanner.sqlite3")
    assert modes(tmp_path / "data") == {".": "0o700", "secret_key": "0o600",
                                        "mesoplanner.sqlite3": "0o600"}


def test_sqlite_gives_its_journal_files_the_database_files_mode(tmp_path, umask_022):
    """The premise of creating the database file ourselves (config.private_database)."""
    import sqlite3
    from contextlib import closing

    from planner.config import private_database

    database = tmp_path / "x.sqlite3"
    private_database(f"sqlite:///{database}")
    with closing(sqlite3.connect(database)) as db:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE t (x)")
        db.commit()
        assert modes(tmp_path) == {".": oct(mode(tmp_path)), "x.sqlite3": "0o600",
                                   "x.sqlite3-wal": "0o600", "x.sqlite3-shm": "0o600"}


def test_an_existing_folder_is_left_as_it_is(tmp_path, monkeypatch):
    """A data folder the administrator made (a shared mount, say) keeps its permissions."""
    from planner.config import settings

    monkeypatch.delenv("DATABASE_URL", raising=False)
    folder = tmp_path / "chosen"
    folder.mkdir(mode=0o750)
    os.chmod(folder, 0o750)
    settings(folder)
    assert mode(folder) == 0o750
    assert mode(folder / "mesoplanner.sqlite3") == 0o600
