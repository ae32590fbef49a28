"""The photos in a backup: one file, plain or encrypted, restores the whole record.

A backup is a copy of the SQLite database (planner/backup.py); the photos' bytes are kept in
the photo store, outside it (planner/photos/stores.py). So that a backup is still one file that
restores everything, the copy gets a table of its own, ``backup_photos``, holding the bytes of
every photo (and preview) its rows name, read from the store; the copy is then checked and, if
asked, encrypted as a whole. A restore writes them back into the store and drops the table.

A photo a row names but the store does not have (deleted between the copy and the reading) is
counted, and said, not copied. Before a restore fills the data folder's photos, the photos it
holds are kept aside, as the database is (``photos.before-restore-<time>``): the restored
database names only its own.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from planner.backup import aside_path
from planner.photos.stores import LocalStore, PhotoMissing, PhotoStore

TABLE = "backup_photos"


def add_photos(copy: Path, read: Callable[[str], bytes]) -> tuple[int, int]:
    """Put into the database ``copy`` the bytes of every photo and preview its ``photos`` rows
    name (``read``: a key's bytes, PhotoMissing if gone); returns (photos kept, missing)."""
    with closing(sqlite3.connect(copy)) as db:
        if db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'photos'"
                      ).fetchone() is None:
            return 0, 0
        rows = db.execute("SELECT storage_key, preview_key FROM photos ORDER BY id").fetchall()
        db.execute(f"DROP TABLE IF EXISTS {TABLE}")
        db.execute(f"CREATE TABLE {TABLE} (key TEXT PRIMARY KEY, data BLOB NOT NULL)")
        kept = missing = 0
        for keys in rows:
            try:
                for key in keys:
                    db.execute(f"INSERT OR REPLACE INTO {TABLE} (key, data) VALUES (?, ?)",
                               (key, read(key)))
            except PhotoMissing:
                missing += 1
                continue
            kept += 1
        db.commit()
    return kept, missing


def restore_photos(database: Path, store: PhotoStore) -> int:
    """Write the photos a restored database holds into ``store`` (the data folder's, kept
    aside first if it has any), then drop them from the database; returns how many photos
    (their previews not counted)."""
    with closing(sqlite3.connect(database)) as db:
        has_table = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                               (TABLE,)).fetchone() is not None
        if isinstance(store, LocalStore):
            keep_aside(store)
        if not has_table:
            return 0
        written = 0
        for key, data in db.execute(f"SELECT key, data FROM {TABLE} ORDER BY key"):
            store.put(key, bytes(data), "image/png" if key.endswith(".png") else "image/jpeg")
            written += not key.endswith("-preview.jpg")
        db.execute(f"DROP TABLE {TABLE}")
        db.commit()
        db.execute("VACUUM")  # the bytes now in the store leave the database's file
    return written


def keep_aside(store: LocalStore) -> Path | None:
    """Move the data folder's photos out of the way (to ``photos.before-restore-<time>``
    beside it), if it has any; returns where."""
    if not any(store.keys()):
        return None
    aside = aside_path(store.folder)
    os.rename(store.folder, aside)
    return aside
