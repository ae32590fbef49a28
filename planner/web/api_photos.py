"""The JSON API's photos (issue 20): a patient's photos, one photo's facts and its bytes, and a
photo sent as ``multipart/form-data``, with the web's roles, consent rules and audit (web/api.py
adds these routes to its blueprint: ``register``)."""

from __future__ import annotations

import math
import re
from typing import Any

from flask import Blueprint, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from planner.bodymaps import atlas
from planner.bodymaps.view import BodyMapError
from planner.extensions import db
from planner.models import MOMENTS, Consent, Cycle, Patient, Photo, SessionRecord
from planner.photos.cleaning import MAX_BYTES, PhotoRefused
from planner.photos.stores import PhotoMissing, StoreError
from planner.services import photos as service
from planner.web.api_auth import audited, user
from planner.web.api_bodies import ApiError
from planner.web.photo_files import READ_LIMIT, photo_response, photo_store
from planner.web.photo_form import SIDES, consent_refusal, refusal, teaching_refusal

# The fields of an upload besides the file (openapi_photos.py describes them).
FIELDS = ("moment", "record_id", "cycle_id", "site_view", "site_side", "site_region",
          "site_text", "note", "teaching")
WHOLE = re.compile(r"[0-9]{1,10}")


def photo_json(photo: Photo, consent: Consent | None) -> dict[str, Any]:
    """A photo's facts (its bytes: ``/photos/{id}/image``); ``consent``: the patient's photo
    consent (service.photo_consent, looked up once for a list of photos)."""
    return {"id": photo.id, "patient_id": photo.patient_id, "record_id": photo.record_id,
            "cycle_id": photo.cycle_id, "moment": photo.moment,
            "site": {"view": photo.site_view or None, "side": photo.site_side or None,
                     "region": photo.site_region or None, "text": photo.site_text or None},
            "note": photo.note, "teaching": photo.teaching,
            "teaching_use": service.teaching_use(photo, consent),
            "content_type": photo.content_type, "width": photo.width, "height": photo.height,
            "byte_size": photo.byte_size, "sha256": photo.sha256,
            # The camera's clock, as the clinic's time with the server's offset (as a session's).
            "taken_at": photo.taken_at.astimezone().isoformat(timespec="seconds")
            if photo.taken_at else None,
            "created_at": photo.created_at.isoformat(timespec="seconds"),
            "created_by": photo.created_by_name,
            "calibration": calibration_json(photo),
            "marks": [{"x": m["x"], "y": m["y"], "text": m["text"]} for m in photo.marks]}


def calibration_json(photo: Photo) -> dict[str, Any]:
    """A photo's scale in short (services/photo_scale.py): calibrated or not, the card's
    markers found, the largest residual, the scale, how far from the card the fit's estimated
    error stays within 1 mm, the homography (the card's plane in mm, origin at its centre, to
    the photo's px, row by row); or why there is no scale (``refusal``: CalibrationError's
    reason; null with ``calibrated`` false: never looked for)."""
    plane = photo.plane
    refused = photo.calibration_refusal
    return {"calibrated": plane is not None,
            "markers_found": plane.markers_found if plane else None,
            "markers_expected": plane.markers_expected if plane else None,
            "residual_max_mm": _rounded(plane.residual_max_mm, 3) if plane else None,
            "px_per_mm": _rounded(plane.px_per_mm, 3) if plane else None,
            "within_1mm_mm": _rounded(plane.within_mm(1.0), 1) if plane else None,
            "homography": list(plane.homography) if plane else None,
            "refusal": refused[0] if refused else None,
            "looked_for_at": photo.calibrated_at.isoformat(timespec="seconds")
            if photo.calibrated_at else None}


def _rounded(value: float, places: int) -> float | None:
    return round(value, places) if math.isfinite(value) else None


def _patient(patient_id: int) -> Patient:
    patient = db.session.get(Patient, patient_id)
    if patient is None:
        raise ApiError(404, _("no such patient"))
    return patient


def _photo(photo_id: int) -> Photo:
    photo = db.session.get(Photo, photo_id)
    if photo is None:
        raise ApiError(404, _("no such photo"))
    return photo


def patient_photos(patient_id: int) -> ResponseReturnValue:
    patient = _patient(patient_id)
    audited("view", "patient", patient.id, "API, photos")
    consent = service.photo_consent(patient.id)
    return {"photos": [photo_json(p, consent) for p in service.patient_photos(patient.id)]}


def photo(photo_id: int) -> ResponseReturnValue:
    found = _photo(photo_id)
    audited("view", "photo", found.id)
    return photo_json(found, service.photo_consent(found.patient_id))


def photo_image(photo_id: int) -> ResponseReturnValue:
    """The photo's bytes (as kept: no metadata), audited as a download."""
    found = _photo(photo_id)
    try:
        response = photo_response(found, "download")
    except PhotoMissing:
        raise ApiError(404, _("the photo's file is missing from the photo store")) from None
    except StoreError:
        raise ApiError(503, _("the photo store did not answer: try again")) from None
    audited("export", "photo", found.id, "API, download")
    return response


def _whole(name: str) -> int | None:
    text = request.form.get(name, "")
    if not text:
        return None
    if not WHOLE.fullmatch(text) or not 1 <= int(text) <= 2**31 - 1:
        raise ApiError(422, _("a whole number from 1"), name)
    return int(text)


def _details(patient: Patient) -> service.PhotoDetails:
    """The upload's fields, checked (ApiError 422 naming the field)."""
    form = request.form
    for name in form:
        if name not in FIELDS:
            raise ApiError(422, _("unknown field"), name[:60])
    moment = form.get("moment", "")
    if moment not in MOMENTS:
        raise ApiError(422, _("one of: %(list)s", list=", ".join(MOMENTS)), "moment")
    record_id, cycle_id = _whole("record_id"), _whole("cycle_id")
    record = db.session.get(SessionRecord, record_id) if record_id else None
    if record_id and (record is None or record.patient_id != patient.id
                      or record.status == "discarded"):
        raise ApiError(422, _("no session record of this patient with this id"), "record_id")
    cycle = db.session.get(Cycle, cycle_id) if cycle_id else None
    if cycle_id and (cycle is None or cycle.patient_id != patient.id):
        raise ApiError(422, _("no cycle of this patient with this id"), "cycle_id")
    view, side, region = (form.get("site_view", ""), form.get("site_side", ""),
                          form.get("site_region", ""))
    text = " ".join(form.get("site_text", "").split())
    if view and view not in atlas.view_ids():
        raise ApiError(422, _("no body map named %(name)s", name=view[:60]), "site_view")
    if side not in SIDES or (side and not view):
        raise ApiError(422, _("left, right or bilateral, with site_view"), "site_side")
    if region:
        try:
            if not view:
                raise KeyError(region)
            atlas.get_view(view).region(region)
        except (BodyMapError, KeyError, ValueError):
            raise ApiError(422, _("not a region of site_view"), "site_region") from None
    if not view and not text:
        raise ApiError(422, _("give site_view (a body map) or site_text"), "site_text")
    if len(text) > service.MAX_SITE_TEXT or "\x00" in text:
        raise ApiError(422, _("at most %(n)d characters", n=service.MAX_SITE_TEXT), "site_text")
    note = form.get("note", "").strip()
    if len(note) > service.MAX_NOTE:
        raise ApiError(422, _("at most %(n)d characters", n=service.MAX_NOTE), "note")
    teaching = form.get("teaching", "false")
    if teaching not in ("true", "false"):
        raise ApiError(422, _("true or false"), "teaching")
    return service.PhotoDetails(moment, view, side, region, text, note, teaching == "true",
                                record, cycle)


def upload_photo(patient_id: int) -> ResponseReturnValue:
    """A photo sent as multipart/form-data (``file`` and the fields): kept as the web keeps one."""
    patient = _patient(patient_id)
    if not request.mimetype == "multipart/form-data":
        raise ApiError(415, _("send the photo as multipart/form-data"))
    try:
        files = request.files
    except HTTPException as exc:  # a body that cannot be read as a form
        raise ApiError(exc.code or 400, _("the request is malformed")) from None
    details = _details(patient)
    uploads = [f for f in files.getlist("file") if f]
    if [name for name in files if name != "file"] or len(uploads) > 1:
        raise ApiError(422, _("one file, named file"), "file")
    data = uploads[0].read(MAX_BYTES + 1) if uploads else b""
    try:
        found = service.add_photo(patient, data, details, user(), photo_store(), via="API")
    except PhotoRefused as exc:
        raise ApiError(422, refusal(exc), "file") from None
    except service.NoPhotoConsent as exc:
        raise ApiError(409, consent_refusal(exc.consent), "consent") from None
    except service.NoTeachingConsent:
        raise ApiError(409, teaching_refusal(), "teaching") from None
    except StoreError:
        raise ApiError(503, _("the photo store did not answer: nothing was saved")) from None
    return (photo_json(found, service.photo_consent(found.patient_id)), 201,
            {"Location": f"/api/v1/photos/{found.id}"})


def register(bp: Blueprint) -> None:
    """Add the photos' routes to the API's blueprint."""
    bp.add_url_rule("/patients/<int:patient_id>/photos", view_func=patient_photos,
                    methods=["GET"])
    bp.add_url_rule("/patients/<int:patient_id>/photos", "upload_photo", upload_photo,
                    methods=["POST"])
    bp.add_url_rule("/photos/<int:photo_id>", view_func=photo, methods=["GET"])
    bp.add_url_rule("/photos/<int:photo_id>/image", view_func=photo_image, methods=["GET"])

    @bp.url_value_preprocessor
    def _upload_limit(endpoint: str | None, _values: dict[str, Any] | None) -> None:
        """A photo may be larger than the API's JSON bodies (web/photos.py says why here)."""
        if endpoint == "api.upload_photo":
            request.max_content_length = READ_LIMIT
