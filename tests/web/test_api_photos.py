"""The API's photos (issue 20): a patient's photos, a photo's facts and bytes, a photo sent as
multipart/form-data - with the web's roles, consent rules, cleaning and audit."""

from __future__ import annotations

import io

from PIL import Image

from tests.helpers.api import Api, signed_session, stored_token
from tests.helpers.audit import audit_actions
from tests.helpers.photos import phone_jpeg
from tests.helpers.users import make_user


def send(api: Api, patient: int, data: bytes | None, **fields):
    form = {"moment": "after", "site_view": "knee-anterior", "site_side": "right",
            "site_region": "knee-anterior/medial", **fields}
    if data is not None:
        form["file"] = (io.BytesIO(data), "from-the-phone.jpg", "image/jpeg")
    return api.client.post(f"/api/v1/patients/{patient}/photos", data=form,
                           headers=api.headers, content_type="multipart/form-data")


def test_a_photo_sent_is_kept_clean_listed_read_and_audited(app, doctor):
    patient, record = signed_session(doctor)  # the patient consented to photos in the record
    api = Api(app, stored_token(app))
    sent = send(api, patient, phone_jpeg(), record_id=str(record))
    assert sent.status_code == 201, sent.json
    photo = sent.json
    assert sent.headers["Location"] == f"/api/v1/photos/{photo['id']}"
    assert photo["record_id"] == record and photo["moment"] == "after"
    assert photo["site"] == {"view": "knee-anterior", "side": "right",
                             "region": "knee-anterior/medial", "text": None}
    assert (photo["width"], photo["height"]) == (32, 64)  # turned upright
    assert photo["teaching"] is False
    # A phone's photo of a knee, no calibration card in it: looked for, no scale, and why.
    assert photo["calibration"]["calibrated"] is False
    assert photo["calibration"]["refusal"] == "no_card"
    assert photo["calibration"]["markers_found"] is None
    listed = api.get(f"/patients/{patient}/photos")
    assert [p["id"] for p in listed.json["photos"]] == [photo["id"]]
    assert api.get(f"/photos/{photo['id']}").json == photo
    image = api.get(f"/photos/{photo['id']}/image")
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    assert image.headers["Cache-Control"] == "private, no-store"
    kept = Image.open(io.BytesIO(image.data))
    assert not kept.getexif() and b"GPS" not in image.data and b"Rossi" not in image.data
    assert audit_actions(app, "photo") == [
        ("create", f"after the session, session record {record}, no scale, API"),
        ("view", "API"),
        ("export", "API, download")]
    assert ("view", "API, photos") in audit_actions(app, "patient")


def test_the_api_refuses_what_the_web_refuses_naming_the_field(app, doctor):
    from tests.helpers.patients import add, created_id

    patient, _record = signed_session(doctor)
    api = Api(app, stored_token(app))
    answers = {
        "file": send(api, patient, b"GIF89a not a photo"),
        "no file": send(api, patient, None),
        "moment": send(api, patient, phone_jpeg(), moment="during"),
        "site_region": send(api, patient, phone_jpeg(), site_region="face-frontal/forehead"),
        "record_id": send(api, patient, phone_jpeg(), record_id="999"),
        "teaching": send(api, patient, phone_jpeg(), teaching="true"),
    }
    assert {k: (r.status_code, r.json["error"].get("field")) for k, r in answers.items()} == {
        "file": (422, "file"), "no file": (422, "file"), "moment": (422, "moment"),
        "site_region": (422, "site_region"), "record_id": (422, "record_id"),
        "teaching": (409, "teaching")}
    assert "GIF" in answers["file"].json["error"]["message"]
    stranger = created_id(add(doctor, family_name="Verdi", given_name="Ugo"))
    refused = send(api, stranger, phone_jpeg())
    assert (refused.status_code, refused.json["error"]["field"]) == (409, "consent")
    as_json = api.post(f"/patients/{patient}/photos", {"moment": "after"})
    assert as_json.status_code == 415
    assert api.get(f"/patients/{patient}/photos").json["photos"] == []


def test_photos_need_a_token_and_the_role_table_applies(app, doctor):
    patient, _record = signed_session(doctor)
    anonymous = app.test_client()
    assert anonymous.get(f"/api/v1/patients/{patient}/photos").status_code == 401
    assert anonymous.post(f"/api/v1/patients/{patient}/photos",
                          data={"moment": "after"}).status_code == 401
    assistant = make_user(app, "assistant", role="assistant")
    api = Api(app, stored_token(app, assistant, "mp_assistant"))
    sent = send(api, patient, phone_jpeg())  # the assistant prepares sessions: takes photos
    assert sent.status_code == 201
    assert api.get(f"/photos/{sent.json['id']}/image").status_code == 200
    assert api.get("/photos/999").status_code == 404
