"""Photos of the calibration card as a phone sends them: the synthetic photos of
tests/helpers/calibration_photos.py (the card on skin, a known view) as JPEG; the card's outer
corners in mm on its plane (the truth to check a calibration against); and a photo of the card
kept as the app kept photos before it looked for the card (its calibration columns empty)."""

from __future__ import annotations

import cv2
import numpy as np

from planner.calibration.layout import CARD
from tests.helpers.calibration_photos import Look, View, on_plane, photo

# The card seen a little tilted and turned, 5 px per mm, in a 1500 x 1125 photo.
VIEW = View(tilt_deg=25.0, tilt_axis_deg=40.0, roll_deg=12.0, px_per_mm=5.0)
LOOK = Look(blur_px=0.5, noise=2.5, light=(0.8, 1.05), light_angle_deg=30.0)


def card_jpeg(view: View = VIEW, card: bool = True, quality: int = 92) -> bytes:
    """The synthetic photo as a phone's JPEG, with the card or (``card`` False) the same skin
    without it."""
    image = photo(view, LOOK, seed=3, card=CARD if card else None)
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return bytes(data.tobytes())


def card_corners_mm() -> np.ndarray:
    """The card's four outer corners on its plane (mm, origin at its centre)."""
    w, h = CARD.width_mm / 2, CARD.height_mm / 2
    return np.array([[-w, -h], [w, -h], [w, h], [-w, h]])


def card_corners_px(view: View = VIEW) -> np.ndarray:
    """Where the card's outer corners are in the photo (px), as the view puts them."""
    return on_plane(view, card_corners_mm())


def seed_uncalibrated(app, patient_id: int, user_id: int = 1, view: View = VIEW) -> int:
    """A photo of the card kept as the app kept photos before it looked for the card: its
    calibration columns empty. Its id."""
    from planner.extensions import db
    from planner.models import Photo
    from planner.photos.cleaning import clean
    from planner.photos.stores import new_key, preview_key, store_for

    cleaned = clean(card_jpeg(view))
    key = new_key(cleaned.extension)
    with app.app_context():
        store = store_for(app.config)
        store.put(key, cleaned.data, cleaned.content_type)
        store.put(preview_key(key), cleaned.preview, "image/jpeg")
        row = Photo(patient_id=patient_id, moment="before", site_text="knee", storage_key=key,
                    preview_key=preview_key(key), content_type=cleaned.content_type,
                    width=cleaned.width, height=cleaned.height, byte_size=len(cleaned.data),
                    sha256=cleaned.sha256, created_by_id=user_id, created_by_name="Seeded")
        db.session.add(row)
        db.session.commit()
        return int(row.id)
