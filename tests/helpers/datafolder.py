"""A data folder as a clinic has it, made without the web pages."""

from __future__ import annotations

from datetime import date
from pathlib import Path


def add_patient(data: Path, family: str) -> None:
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


PASSPHRASE = "correct horse battery staple"
