"""The OpenAPI description of the API's photos (web/api_photos.py), joined to the document by
web/openapi.py: the Photo schema and the four operations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from planner.bodymaps import atlas
from planner.models import MOMENTS
from planner.photos.cleaning import MAX_BYTES
from planner.services.photos import MAX_NOTE, MAX_SITE_TEXT
from planner.web.photo_form import SIDES

TEXT = {"type": "string"}
NULLABLE_TEXT = {"type": ["string", "null"]}
ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
NULLABLE_ID = {"type": ["integer", "null"]}
IMAGE_TYPES = ("image/jpeg", "image/png")


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {"type": "object", "properties": properties,
            "required": list(properties) if required is None else required,
            "additionalProperties": False}


NULLABLE_NUMBER = {"type": ["number", "null"]}
CALIBRATION = {**_object({
    "calibrated": {"type": "boolean", "description": "the calibration card was found: the "
                                                     "photo has a scale"},
    "markers_found": {"type": ["integer", "null"], "description": "of the card's markers"},
    "markers_expected": {"type": ["integer", "null"]},
    "residual_max_mm": {**NULLABLE_NUMBER, "description": "the largest distance of a marker's "
                                                          "corner from the fitted plane, mm"},
    "px_per_mm": {**NULLABLE_NUMBER, "description": "the photo's scale at the card's centre"},
    "within_1mm_mm": {**NULLABLE_NUMBER,
                      "description": "how far from the card's centre (mm) the fit's estimated "
                                     "error stays within 1 mm; on a curved limb the skin's "
                                     "curve adds its own error across the limb"},
    "homography": {"type": ["array", "null"], "items": {"type": "number"},
                   "minItems": 9, "maxItems": 9,
                   "description": "the card's plane (mm, origin at its centre, x right and y "
                                  "down as the card is read) to the photo's px, row by row"},
    "refusal": {"type": ["string", "null"],
                "description": "why there is no scale: no_card, too_few_markers, two_cards, "
                               "too_small, too_blurred, too_oblique, not_flat, bad_image"},
    "looked_for_at": {**NULLABLE_TEXT, "description": "when the card was looked for (null "
                                                      "and calibrated false: never)"}}),
    "description": "the photo's scale, from the calibration card in it (issue 20)"}

PHOTO = _object({
    "id": {"type": "integer"}, "patient_id": {"type": "integer"},
    "record_id": NULLABLE_ID, "cycle_id": NULLABLE_ID, "moment": {"enum": list(MOMENTS)},
    "site": _object({"view": NULLABLE_TEXT, "side": NULLABLE_TEXT, "region": NULLABLE_TEXT,
                     "text": NULLABLE_TEXT}),
    "note": TEXT,
    "teaching": {"type": "boolean", "description": "marked for teaching use"},
    "teaching_use": {"type": "boolean", "description": "marked, and the patient's newest "
                                                       "consent says yes to teaching"},
    "content_type": {"enum": list(IMAGE_TYPES)}, "width": {"type": "integer"},
    "height": {"type": "integer"}, "byte_size": {"type": "integer"},
    "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
    "taken_at": {**NULLABLE_TEXT, "description": "the camera's clock, if it said"},
    "created_at": TEXT, "created_by": TEXT,
    "calibration": CALIBRATION,
    "marks": {"type": "array", "description": "numbered marks a clinician placed on the photo, "
                                              "in their numbering order (web app only)",
              "items": _object({
                  "x": {"type": "number", "minimum": 0, "maximum": 1,
                        "description": "across the photo, a fraction of its width"},
                  "y": {"type": "number", "minimum": 0, "maximum": 1,
                        "description": "down the photo, a fraction of its height"},
                  "text": TEXT})}})

UPLOAD = _object({
    "file": {"type": "string", "format": "binary",
             "description": f"JPEG, PNG or WebP, at most {MAX_BYTES // (1024 * 1024)} MB: "
                            "kept upright, without any metadata, re-encoded"},
    "moment": {"enum": list(MOMENTS), "description": "before or after the session, or other"},
    "record_id": {**ID, "description": "the patient's session record it was taken at"},
    "cycle_id": {**ID, "description": "the patient's cycle (a record's, if not given)"},
    "site_view": {"enum": list(atlas.view_ids()), "description": "a body-map view"},
    "site_side": {"enum": [s for s in SIDES if s], "description": "the patient's side"},
    "site_region": {"type": "string", "maxLength": 100,
                    "description": "a region of site_view, e.g. knee-anterior/medial"},
    "site_text": {"type": "string", "maxLength": MAX_SITE_TEXT, "pattern": r"^[^\u0000]*$",
                  "description": "the site in words (needed without site_view)"},
    "note": {"type": "string", "maxLength": MAX_NOTE, "pattern": r"^[^\u0000]*$"},
    "teaching": {"type": "boolean", "description": "also for teaching (the consent allowing)"},
}, required=["file", "moment"])

IMAGE = {"type": "string", "format": "binary"}


def schemas() -> dict[str, Any]:
    return {"Photo": PHOTO, "PhotoUpload": UPLOAD}


def paths(answers: Callable[..., dict[str, Any]], path_id: Callable[[str], dict[str, Any]],
          listing: Callable[..., dict[str, Any]], ref: Callable[[str], dict[str, str]]
          ) -> dict[str, Any]:
    """The photos' operations, with the document's own helpers for the answers and ids."""
    patient, photo = [path_id("patient_id")], [path_id("photo_id")]
    error = {"application/json": {"schema": ref("Error")}}
    upload_answers = answers("201", ref("Photo"), "404", "413", "415", "422")
    upload_answers["201"]["headers"] = {"Location": {"required": True, "schema": TEXT}}
    upload_answers["409"] = {"description": "the patient's newest consent does not allow "
                                            "photos in the record (or for teaching): "
                                            "error.field is consent or teaching",
                             "content": error}
    upload_answers["503"] = {"description": "the photo store did not answer: nothing was saved",
                             "content": error}
    image_answers = answers("200", None, "404")
    image_answers["200"] = {"description": "the photo as kept (no metadata), audited",
                            "content": {t: {"schema": IMAGE} for t in IMAGE_TYPES}}
    image_answers["503"] = {"description": "the photo store did not answer", "content": error}
    return {
        "/patients/{patient_id}/photos": {
            "get": {"summary": "A patient's photos, newest first (audited)",
                    "operationId": "patientPhotos", "parameters": patient,
                    "responses": answers("200", listing("photos", "Photo"), "404")},
            "post": {"summary": "Keep a photo of the patient (their consent allowing): "
                                "upright, every metadata stripped, re-encoded",
                     "operationId": "uploadPhoto", "parameters": patient,
                     "requestBody": {"required": True, "content": {"multipart/form-data": {
                         "schema": ref("PhotoUpload"),
                         "encoding": {"file": {"contentType":
                                               "image/jpeg, image/png, image/webp"}}}}},
                     "responses": upload_answers}},
        "/photos/{photo_id}": {"get": {
            "summary": "A photo's facts (audited)", "operationId": "photo",
            "parameters": photo, "responses": answers("200", ref("Photo"), "404")}},
        "/photos/{photo_id}/image": {"get": {
            "summary": "A photo's bytes (audited as a download)", "operationId": "photoImage",
            "parameters": photo, "responses": image_answers}},
    }
