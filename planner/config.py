"""Where the app keeps its data, and the settings it derives from the environment."""

from __future__ import annotations

import contextlib
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


def private_folder(path: Path) -> None:
    """Make the folder ``path`` (and its missing parents) if it does not exist yet, readable by
    its owner only (0700) whatever the umask; an existing folder is left as it is."""
    if path.is_dir():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        path.mkdir(mode=0o700)
    except FileExistsError:  # made meanwhile by another process: theirs is as good
        return
    os.chmod(path, 0o700)  # mkdir's mode is masked by the umask; this is not


def private_file(path: Path, flags: int = os.O_WRONLY) -> int:
    """Create the file ``path`` (which must not exist) readable by its owner only (0600)
    whatever the umask, and return its open descriptor."""
    fd = os.open(path, flags | os.O_CREAT | os.O_EXCL, 0o600)
    os.fchmod(fd, 0o600)
    return fd


def private_database(url: str) -> None:
    """Create an absent SQLite database file empty and readable by its owner only, before SQLite
    opens it: SQLite gives its -wal and -shm files the database file's permissions, whereas a
    file SQLite creates itself follows the umask (often readable by everyone)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return
    path = Path(url[len(prefix):].split("?", 1)[0])
    # A relative path is relative to Flask's instance folder, not to the working directory.
    if not path.is_absolute() or path.exists() or not path.parent.is_dir():
        return
    with contextlib.suppress(FileExistsError):  # made meanwhile by another process
        os.close(private_file(path))


def secret_key(data_dir: Path) -> str:
    """The session-signing key, made once per installation and kept readable by the owner only."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    private_folder(data_dir)
    key = secrets.token_hex(32)
    with os.fdopen(private_file(path), "w") as handle:
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


def _positive_number(text: str) -> bool:
    """Whether a setting's text is a positive number (anything else leaves the default).

    >>> [_positive_number(t) for t in ("30", "0.5", "0", "-1", "x", "nan", "inf")]
    [True, True, False, False, False, False, False]
    """
    try:
        value = float(text)
    except ValueError:
        return False
    return 0 < value < 10**6


def settings(data_dir: Path | None = None) -> dict[str, Any]:
    """The app's configuration for a data directory (``DATABASE_URL`` overrides the database)."""
    folder = (data_dir or default_data_dir()).expanduser().resolve()
    private_folder(folder)
    database = (database_url(os.environ.get("DATABASE_URL", ""))
                or f"sqlite:///{folder / 'mesoplanner.sqlite3'}")
    private_database(database)
    return {
        "DATA_DIR": str(folder),
        "SECRET_KEY": secret_key(folder),
        "SQLALCHEMY_DATABASE_URI": database,
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
        # How long a logged-in session lasts (web/sessions.py): idle minutes, and hours at most.
        **{key: float(value) for key, value in (
            ("SESSION_IDLE_MINUTES", os.environ.get("MESOPLANNER_SESSION_IDLE_MINUTES")),
            ("SESSION_MAX_HOURS", os.environ.get("MESOPLANNER_SESSION_MAX_HOURS")))
           if value and _positive_number(value)},
        # Behind a reverse proxy that speaks HTTPS (docs/deployment.md): trust its
        # X-Forwarded-For/-Proto (one hop), so that login throttling sees the client's address,
        # and send the session cookie over HTTPS only.
        "BEHIND_PROXY": os.environ.get("MESOPLANNER_BEHIND_PROXY") == "1",
        "SESSION_COOKIE_SECURE": os.environ.get("MESOPLANNER_BEHIND_PROXY") == "1",
    }
