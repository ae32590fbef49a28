"""Calibrated photos made in the tests: a synthetic photo of the calibration card on skin
(tests/helpers/calibration_photos.py), kept in a patient's record as the app keeps one, with the
calibration found in it; and plan documents drawn on a photo."""

from __future__ import annotations

from typing import Any

import cv2

from tests.helpers.calibration_photos import Look, View, photo
from tests.helpers.photos import seed_photo

# The card seen a little tilted, 5 px per mm: a photo 300 x 225 mm of the plane.
TILTED = View(tilt_deg=25.0, tilt_axis_deg=30.0, roll_deg=10.0, px_per_mm=5.0)


def card_jpeg(view: View = TILTED, card: bool = True) -> bytes:
    """The synthetic photo as a phone's JPEG (with the card, or without it)."""
    look = Look(blur_px=0.4, noise=2.0)
    image = photo(view, look) if card else photo(view, look, card=None)
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 92])
    assert ok
    return bytes(data.tobytes())


def seed_card_photo(app, patient_id: int, user_id: int = 1, view: View = TILTED,
                    calibrated: bool = True, record_id: int | None = None) -> int:
    """A photo of the card in the patient's record, stored as the app stores one
    (photos.seed_photo) and calibrated (or not) as the app calibrates one: its id."""
    import json

    import numpy as np

    from planner.calibration.plane import calibrate
    from planner.extensions import db
    from planner.models import Photo
    from planner.photos.stores import store_for

    photo_id = seed_photo(app, patient_id, record_id, user_id, data=card_jpeg(view))
    if not calibrated:
        return photo_id
    with app.app_context():
        row = db.session.get(Photo, photo_id)
        kept = store_for(app.config).get(row.storage_key)
        found = calibrate(cv2.imdecode(np.frombuffer(kept, np.uint8), cv2.IMREAD_COLOR))
        row.calibration_json = json.dumps(found.as_dict())
        row.calibration_residual_mm = found.residual_max_mm
        db.session.commit()
    return photo_id


def photo_plan(photo_id: int, **area: Any) -> dict[str, Any]:
    """A plan on the photo: a 60 x 40 mm square beside the card (right of it), 10 mm
    spacing, unless ``area`` says otherwise."""
    return {"format": "mesoplanner.plan/1", "photo": photo_id, "treatment": "antalgic",
            "areas": [{"label": "beside the card",
                       "polygon": [[50, -20], [110, -20], [110, 20], [50, 20]],
                       "spacing_mm": 10, "volume_ml": "0.10", **area}],
            "points": []}
