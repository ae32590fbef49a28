"""A data folder as a clinic has it, made without the web pages."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

PASSPHRASE = "correct horse battery staple"


def copy_database(template: Path, path: Path) -> None:
    """Copy a SQLite database file to the new file ``path``, readable by its owner only, as the
    app makes its own database file (config.private_database)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.fchmod(fd, 0o600)
    with open(template, "rb") as source, os.fdopen(fd, "wb") as target:
        shutil.copyfileobj(source, target)


def migrated_folder(folder: Path, template_url: str) -> Path:
    """A new data folder (0700, as the app makes it) whose database is a copy of the migrated
    template when that is a SQLite file (else the app migrates it at add_patient)."""
    from planner.config import private_folder

    private_folder(folder)
    if template_url.startswith("sqlite:///"):
        copy_database(Path(template_url.removeprefix("sqlite:///")), folder / "mesoplanner.sqlite3")
    return folder


def add_patient(data: Path, family: str) -> None:
    """Add a patient to the data folder's database, migrating it first if needed."""
    from flask_migrate import upgrade

    from planner.app import create_app
    from planner.extensions import db
    from planner.models import Patient

    app = create_app({"DATA_DIR": str(data)})
    with app.app_context():
        upgrade()
        db.session.add(Patient(record_number=family, family_name=family, given_name="X",
                               birth_date=date(1970, 1, 1), sex="male"))
        db.session.commit()
        db.engine.dispose()
