"""Calibrated photos made in the tests: a synthetic photo of the calibration card on skin
(tests/helpers/calibration_photos.py), kept in a patient's record as the app keeps one, with the
calibration found in it; and plan documents drawn on a photo."""

from __future__ import annotations

from typing import Any

import cv2

from tests.helpers.calibration_photos import Look, View, photo

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
    """A photo of the card in the patient's record, stored as the app stores one and
    calibrated (or not) as the app calibrates one: its id."""
    import json

    import numpy as np

    from planner.calibration.plane import calibrate
    from planner.extensions import db
    from planner.models import Photo
    from planner.photos.cleaning import clean
    from planner.photos.stores import new_key, preview_key, store_for

    cleaned = clean(card_jpeg(view))
    image = cv2.imdecode(np.frombuffer(cleaned.data, np.uint8), cv2.IMREAD_COLOR)
    found = calibrate(image) if calibrated else None
    key = new_key(cleaned.extension)
    with app.app_context():
        store = store_for(app.config)
        store.put(key, cleaned.data, cleaned.content_type)
        store.put(preview_key(key), cleaned.preview, "image/jpeg")
        row = Photo(patient_id=patient_id, record_id=record_id, moment="before",
                    site_text="knee", storage_key=key,
                    preview_key=preview_key(key), content_type=cleaned.content_type,
                    width=cleaned.width, height=cleaned.height, byte_size=len(cleaned.data),
                    sha256=cleaned.sha256, created_by_id=user_id, created_by_name="Seeded",
                    calibration_json=json.dumps(found.as_dict()) if found else None,
                    calibration_residual_mm=found.residual_max_mm if found else None)
        db.session.add(row)
        db.session.commit()
        return int(row.id)


def photo_plan(photo_id: int, **area: Any) -> dict[str, Any]:
    """A plan on the photo: a 60 x 40 mm square beside the card (right of it), 10 mm
    spacing, unless ``area`` says otherwise."""
    return {"format": "mesoplanner.plan/1", "photo": photo_id, "treatment": "antalgic",
            "areas": [{"label": "beside the card",
                       "polygon": [[50, -20], [110, -20], [110, 20], [50, 20]],
                       "spacing_mm": 10, "volume_ml": "0.10", **area}],
            "points": []}
