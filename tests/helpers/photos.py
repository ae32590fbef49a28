"""Photos made in the tests (no binary fixtures): a phone's JPEG with GPS, camera and a rotated
orientation in its EXIF, a PNG, and what an upload form and a seeded photo need."""

from __future__ import annotations

import io
from typing import Any

from PIL import ExifTags, Image

# The two halves of a test photo: told apart after it is turned upright.
RED, BLUE = (220, 30, 30), (30, 40, 220)
# A phone held sideways: the pixels are stored rotated, and EXIF says to turn them 90 degrees
# clockwise to show them (orientation 6).
SIDEWAYS = 6


def phone_jpeg(width: int = 64, height: int = 32, orientation: int = SIDEWAYS,
               gps: bool = True) -> bytes:
    """A JPEG as a phone writes it: its left half red, its right half blue as stored; EXIF
    with the phone's make, model and serial number, the time taken, the orientation and where
    it was taken (GPS); a comment and XMP with the owner's name."""
    image = Image.new("RGB", (width, height), RED)
    image.paste(BLUE, (width // 2, 0, width, height))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Model] = "Phone 12 Pro"
    exif[ExifTags.Base.Software] = "PhoneOS 17.1"
    exif[ExifTags.Base.Artist] = "Dr Maria Rossi"
    exif[ExifTags.Base.Orientation] = orientation
    details = exif.get_ifd(ExifTags.IFD.Exif)
    details[ExifTags.Base.DateTimeOriginal] = "2026:11:20 10:31:07"
    details[ExifTags.Base.BodySerialNumber] = "SN-4471-XZ"
    if gps:
        where = exif.get_ifd(ExifTags.IFD.GPSInfo)
        where[ExifTags.GPS.GPSLatitudeRef] = "N"
        where[ExifTags.GPS.GPSLatitude] = (45.0, 27.0, 51.6)
        where[ExifTags.GPS.GPSLongitudeRef] = "E"
        where[ExifTags.GPS.GPSLongitude] = (9.0, 11.0, 24.3)
    xmp = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/'
           b'02/22-rdf-syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"'
           b'><dc:creator>Maria Rossi</dc:creator></rdf:Description></rdf:RDF></x:xmpmeta>')
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95, exif=exif, comment=b"Maria Rossi, knee", xmp=xmp)
    return out.getvalue()


def png(width: int = 40, height: int = 30, colour: tuple[int, ...] = (10, 160, 90)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def upload_form(data: bytes | None = None, name: str = "knee.jpg",
                content_type: str = "image/jpeg", **fields: Any) -> dict[str, Any]:
    """A photo form as the page sends it: the file in the file chooser's input (the camera's
    left empty), before the session, described in words."""
    form: dict[str, Any] = {"moment": "before", "site_text": "right knee", **fields}
    files = [(io.BytesIO(b""), "", "application/octet-stream")]
    if data is not None:
        files.append((io.BytesIO(data), name, content_type))
    form["photo"] = files
    return {k: v for k, v in form.items() if v is not None}


def seed_photo(app, patient_id: int = 1, record_id: int | None = 1, user_id: int = 1,
               data: bytes | None = None) -> int:
    """A photo of the patient (of their record), stored as the app stores one: its id.
    ``data``: the photo as taken (a phone's JPEG by default)."""
    from planner.extensions import db
    from planner.models import Photo
    from planner.photos.cleaning import clean
    from planner.photos.stores import new_key, preview_key, store_for

    cleaned = clean(data if data is not None else phone_jpeg())
    key = new_key(cleaned.extension)
    with app.app_context():
        store = store_for(app.config)
        store.put(key, cleaned.data, cleaned.content_type)
        store.put(preview_key(key), cleaned.preview, "image/jpeg")
        photo = Photo(patient_id=patient_id, record_id=record_id, moment="before",
                      site_text="knee", storage_key=key, preview_key=preview_key(key),
                      content_type=cleaned.content_type, width=cleaned.width,
                      height=cleaned.height, byte_size=len(cleaned.data),
                      sha256=cleaned.sha256, created_by_id=user_id, created_by_name="Seeded")
        db.session.add(photo)
        db.session.commit()
        return int(photo.id)


def add_photo(data_dir, family: str = "Photographed") -> tuple[str, bytes]:
    """A patient with a photo in a data folder's database and its photo store, made without
    the web pages: the photo's storage key and its bytes as kept."""
    from datetime import date

    from flask_migrate import upgrade

    from planner.app import create_app
    from planner.extensions import db
    from planner.models import Patient
    from tests.helpers.users import make_user

    app = create_app({"DATA_DIR": str(data_dir)})
    with app.app_context():
        upgrade()
        patient = Patient(record_number=family, family_name=family, given_name="X",
                          birth_date=date(1970, 1, 1), sex="male")
        db.session.add(patient)
        db.session.commit()
        patient_id = patient.id
        db.engine.dispose()
    user = make_user(app, f"u{patient_id}")
    photo = seed_photo(app, patient_id, None, user)
    from planner.models import Photo
    from planner.photos.stores import store_for

    with app.app_context():
        key = db.session.get(Photo, photo).storage_key
        data = store_for(app.config).get(key)
        db.engine.dispose()
    return key, data
