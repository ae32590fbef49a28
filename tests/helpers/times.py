"""Time in the database moved into the past, for what happens after a while."""

from __future__ import annotations

from datetime import timedelta


def shift(app, model, user_id: int | None = None, **back: timedelta) -> None:
    """Move the given time columns of rows of ``model`` into the past."""
    from planner.extensions import db

    with app.app_context():
        for row in db.session.query(model):
            if user_id is None or getattr(row, "user_id", None) == user_id:
                for column, delta in back.items():
                    setattr(row, column, getattr(row, column) - delta)
        db.session.commit()
