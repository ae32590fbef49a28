"""The Flask extensions, created unbound and wired to the app in ``create_app``."""

from __future__ import annotations

import sqlite3
from typing import Any

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import Engine, event
from sqlalchemy.orm import DeclarativeBase

# How long a SQLite write waits for another process's write to finish before failing
# [our default]: far beyond any save measured under load (bench/bench_load.py).
SQLITE_BUSY_MS = 15_000


class Base(DeclarativeBase):
    """Declarative base of every model."""


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


@event.listens_for(Engine, "connect")
def _sqlite_settings(connection: Any, _record: object) -> None:
    """Every SQLite connection: write-ahead logging, so that readers (a page, a PDF being made)
    never hold up a save and a save never holds up a reader, and a patient wait for the write
    lock. WAL keeps synchronous=FULL: a committed save survives a power cut (SQLite's
    documentation, "Write-Ahead Logging")."""
    if isinstance(connection, sqlite3.Connection):
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        cursor.close()
