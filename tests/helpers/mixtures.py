"""Clinic mixtures made for a test, and the clinic's default mixture of each treatment."""

from __future__ import annotations

import json
from typing import Any

# A cellulite mixture as typed on the mixtures page (10 mL a batch).
CELLULITE_FORM = {"name": "Cellulite A", "component-0": "caffeine", "drug-0": "caffeine",
                  "volume_ml-0": "2", "component-1": "saline 0.9%", "volume_ml-1": "8"}


def newest_mixture(app) -> Any:
    """The last mixture version written (detached)."""
    from sqlalchemy import select

    from planner.extensions import db
    from planner.models import SavedMixture

    with app.app_context():
        row = db.session.scalars(select(SavedMixture).order_by(SavedMixture.id.desc())).first()
        db.session.expunge_all()
        return row


def new_mixture(app, doctor, **fields: Any) -> int:
    """A new clinic mixture through the mixtures page (CELLULITE_FORM changed by ``fields``):
    its family id."""
    response = doctor("/mixtures", {**CELLULITE_FORM, **fields})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return int(newest_mixture(app).family)


def add_mixture(app, name: str, components: list[dict[str, Any]], user_id: int) -> int:
    """A clinic mixture written straight into the database (a browser test's setting): its
    family id."""
    from planner.extensions import db
    from planner.models import SavedMixture

    with app.app_context():
        row = SavedMixture(name=name, components_json=json.dumps(components),
                           created_by_id=user_id)
        db.session.add(row)
        db.session.commit()
        return int(row.id)


def stored_defaults(app) -> str:
    """The clinic settings' default mixtures as stored ("" when the settings have no row)."""
    from planner.extensions import db
    from planner.models import ClinicSettings

    with app.app_context():
        row = db.session.get(ClinicSettings, 1)
        return row.default_mixtures_json if row is not None else ""


def default_events(app) -> list[tuple[str, str, int | None, str]]:
    """The audit trail's changes of defaults: (action, entity, id, detail)."""
    from sqlalchemy import select

    from planner.extensions import db
    from planner.models import AuditEvent

    with app.app_context():
        return [(e.action, e.entity, e.entity_id, e.detail) for e in db.session.scalars(
            select(AuditEvent).where(AuditEvent.detail.contains("default for"))
            .order_by(AuditEvent.id))]
