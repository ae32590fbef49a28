"""Where the app keeps its data, and the settings it derives from the environment."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any


def default_data_dir() -> Path:
    """``$MESOPLANNER_DATA_DIR``, else ``$XDG_DATA_HOME/mesoplanner``.

    ``$XDG_DATA_HOME`` defaults to ``~/.local/share``.
    """
    env = os.environ.get("MESOPLANNER_DATA_DIR")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "mesoplanner"


def secret_key(data_dir: Path) -> str:
    """The session-signing key, made once per installation and kept readable by the owner only."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def database_url(url: str) -> str:
    """A database URL as SQLAlchemy needs it: PostgreSQL through psycopg 3.

    >>> database_url("postgresql://clinic@db/meso"), database_url("postgres://db/meso")
    ('postgresql+psycopg://clinic@db/meso', 'postgresql+psycopg://db/meso')
    """
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def settings(data_dir: Path | None = None) -> dict[str, Any]:
    """The app's configuration for a data directory (``DATABASE_URL`` overrides the database)."""
    folder = (data_dir or default_data_dir()).expanduser().resolve()
    folder.mkdir(parents=True, exist_ok=True)
    return {
        "DATA_DIR": str(folder),
        "SECRET_KEY": secret_key(folder),
        "SQLALCHEMY_DATABASE_URI": database_url(os.environ.get("DATABASE_URL", ""))
        or f"sqlite:///{folder / 'mesoplanner.sqlite3'}",
        # A database error's message leaves out the statement's values: a server error is
        # logged with its message, and the values are patients' names and records.
        "SQLALCHEMY_ENGINE_OPTIONS": {"hide_parameters": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        # [our default]: a plan file is a few kB; a form with a whole plan well under 2 MB.
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "BABEL_DEFAULT_LOCALE": "en",
        "CLINIC_NAME": os.environ.get("MESOPLANNER_CLINIC", "Mesoplanner"),
        # Behind a reverse proxy that speaks HTTPS (README, "Deployment"): trust its
        # X-Forwarded-For/-Proto (one hop), so that login throttling sees the client's address,
        # and send the session cookie over HTTPS only.
        "BEHIND_PROXY": os.environ.get("MESOPLANNER_BEHIND_PROXY") == "1",
        "SESSION_COOKIE_SECURE": os.environ.get("MESOPLANNER_BEHIND_PROXY") == "1",
    }
