"""Photos in the record (issue 20): taken into a session record or a patient's record, shown
there and side by side across a cycle; health data - no metadata kept, upright, re-encoded,
refusals that name the field and keep nothing, the patient's consent respected, served only
through the login, never cached, every look and download audited."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from PIL import ExifTags, Image

from tests.helpers.audit import audit_actions
from tests.helpers.photos import BLUE, RED, phone_jpeg, png, upload_form
from tests.helpers.records import consented, draft, signed
from tests.helpers.users import csrf_token, login, make_user


def upload(doctor, patient: int, data: bytes | None, **fields):
    return doctor(f"/patients/{patient}/photos", upload_form(data, **fields),
                  content_type="multipart/form-data")


def photo_rows(app) -> list:
    from sqlalchemy import select

    from planner.extensions import db
    from planner.models import Photo

    with app.app_context():
        return list(db.session.scalars(select(Photo).order_by(Photo.id)))


def stored_files(app) -> list[Path]:
    folder = Path(app.config["DATA_DIR"]) / "photos"
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def near(pixel, colour) -> bool:
    return all(abs(a - b) < 40 for a, b in zip(pixel, colour, strict=False))


def refusal_text(response) -> str:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    box = soup.select_one("[data-testid=photo-refused]")
    return box.get_text(" ", strip=True) if box else ""


# ------------------------------------------------------------------------- health data


def test_it_keeps_no_metadata_and_turns_the_photo_upright(app, doctor, cycle, client):
    original = phone_jpeg()
    before = Image.open(io.BytesIO(original))
    assert before.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test photo says where
    assert before.info.get("comment") and before.info.get("xmp")
    rid = draft(doctor, 1)
    response = upload(doctor, cycle["patient"], original, record_id=str(rid))
    assert response.status_code == 303 and response.location.endswith(f"/records/{rid}")
    [photo] = photo_rows(app)
    files = stored_files(app)
    assert len(files) == 2 and all(re.fullmatch(r"[0-9a-f]{32}(-preview)?\.jpg", f.name)
                                   for f in files)
    for path, answer in ((files[0].parent / photo.storage_key, "image"),
                         (files[0].parent / photo.preview_key, "preview")):
        served = client.get(f"/photos/{photo.id}/{answer}")
        assert served.status_code == 200
        assert served.data == path.read_bytes()
        kept = Image.open(io.BytesIO(served.data))
        assert kept.format == "JPEG"
        assert not kept.getexif(), "EXIF left in the photo"
        assert {"exif", "xmp", "comment", "icc_profile", "photoshop"}.isdisjoint(kept.info)
        for secret in (b"Maria", b"Rossi", b"PhoneMaker", b"SN-4471", b"GPS", b"Exif"):
            assert secret not in served.data, secret
        # Stored turned on its side (64 x 32, red left); shown upright: 32 x 64, red on top.
        width, height = kept.size
        assert height == 2 * width
        rgb = kept.convert("RGB")
        assert near(rgb.getpixel((width // 2, height // 8)), RED)
        assert near(rgb.getpixel((width // 2, height - height // 8)), BLUE)
    assert (photo.width, photo.height) == (32, 64)
    assert photo.taken_at.isoformat() == "2026-11-20T10:31:07"  # kept as a field, not a tag
    assert files[0].parent.joinpath(photo.storage_key).read_bytes() != original  # re-encoded


def test_a_png_stays_png_without_its_text_chunks(app, doctor, cycle, client):
    image = Image.new("RGB", (30, 20), (10, 160, 90))
    from PIL import PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "Maria Rossi")
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=text)
    assert upload(doctor, cycle["patient"], out.getvalue(), name="scan.png",
                  content_type="image/png").status_code == 303
    [photo] = photo_rows(app)
    served = client.get(f"/photos/{photo.id}/image")
    assert served.mimetype == "image/png" and b"Maria" not in served.data
    assert Image.open(io.BytesIO(served.data)).format == "PNG"


def animated_png() -> bytes:
    frames = [Image.new("RGB", (20, 20), c) for c in ("red", "blue")]
    out = io.BytesIO()
    frames[0].save(out, "PNG", save_all=True, append_images=frames[1:])
    return out.getvalue()


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(out, "GIF")
    return out.getvalue()


def bomb() -> bytes:
    """A few kilobytes that claim 64 megapixels."""
    out = io.BytesIO()
    Image.new("1", (8000, 8000)).save(out, "PNG")
    return out.getvalue()


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(("data", "name", "said"), [
    (b"%PDF-1.7 this is a PDF, not a photo", "knee.jpg", "a PDF file is not taken"),
    (b"just some text, sent as image/jpeg", "knee.jpg", "this file is not a photo"),
    (SVG, "knee.jpg", "a SVG file is not taken"),
    (gif(), "knee.gif", "a GIF file is not taken"),
    (animated_png(), "knee.png", "an animated image is not a photo"),
    (bomb(), "bomb.png", "more than 50 megapixels"),
    (phone_jpeg()[:300], "cut.jpg", "damaged or cut short"),
    (phone_jpeg(640, 480)[:-3000], "cut.jpg", "damaged or cut short"),
    (b"", "empty.jpg", "choose a photo"),
], ids=["pdf", "text", "svg", "gif", "animated", "bomb", "cut-head", "cut-pixels", "empty"])
def test_what_is_not_a_photo_is_refused_naming_the_field(app, doctor, cycle, data, name,
                                                         said):
    response = upload(doctor, cycle["patient"], data, name=name, content_type="image/jpeg")
    assert response.status_code == 422
    text = refusal_text(response)
    assert "Photo:" in text and said in text, text
    assert photo_rows(app) == [] and stored_files(app) == []
    assert ("create", ) not in [(a,) for a, _d in audit_actions(app, "photo")]


def test_a_photo_too_large_is_refused_by_the_form_not_the_server(app, doctor, cycle):
    fifty_mb = phone_jpeg() + b"\0" * (50 * 1024 * 1024)
    response = upload(doctor, cycle["patient"], fifty_mb)
    assert response.status_code == 422
    assert "Photo: the file is larger than 20 MB" in refusal_text(response)
    assert photo_rows(app) == [] and stored_files(app) == []


def test_a_body_beyond_what_is_read_at_all_is_a_clear_413(app, doctor, cycle, monkeypatch):
    from planner.web import photos

    monkeypatch.setattr(photos, "READ_LIMIT", 1024 * 1024)
    response = upload(doctor, cycle["patient"], phone_jpeg() + b"\0" * (1200 * 1024))
    assert response.status_code == 413
    assert "larger than 1 MB" in response.get_data(as_text=True)  # the upload's own limit
    assert photo_rows(app) == []


def test_nothing_is_kept_when_the_row_cannot_be_written(app, doctor, cycle, monkeypatch):
    from planner.extensions import db

    def broken_commit():
        raise RuntimeError("the database went away")

    with app.app_context():
        monkeypatch.setattr(db.session, "commit", broken_commit)
        with pytest.raises(RuntimeError):
            from planner.models import Patient, User
            from planner.photos.stores import store_for
            from planner.services.photos import PhotoDetails, add_photo

            add_photo(db.session.get(Patient, cycle["patient"]), phone_jpeg(),
                      PhotoDetails("before", site_text="knee"), db.session.get(User, 1),
                      store_for(app.config))
    monkeypatch.undo()
    assert photo_rows(app) == [] and stored_files(app) == []


def test_the_files_are_private(app, doctor, cycle):
    assert upload(doctor, cycle["patient"], phone_jpeg()).status_code == 303
    folder = Path(app.config["DATA_DIR"]) / "photos"
    for path in [folder, *folder.rglob("*")]:
        assert path.stat().st_mode & 0o777 == (0o700 if path.is_dir() else 0o600), path


# ---------------------------------------------------------------------------- consent


def test_no_photo_without_the_patients_consent_to_photos(app, doctor):
    from tests.helpers.patients import add, created_id

    patient = created_id(add(doctor, family_name="Bianchi", given_name="Ada"))
    response = upload(doctor, patient, phone_jpeg())
    assert response.status_code == 422
    assert "Consent: the patient has not signed a consent yet" in refusal_text(response)
    consented(doctor, patient, photos_record="no", photos_teaching="no")
    response = upload(doctor, patient, phone_jpeg())
    assert response.status_code == 422
    assert "says no to photos in the record" in refusal_text(response)
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    link = soup.select_one("[data-testid=photo-consent-link]")
    assert link is not None and "/consent/" in link["href"]
    assert photo_rows(app) == [] and stored_files(app) == []


def test_teaching_needs_the_consent_to_teaching_and_a_newer_no_withdraws_it(app, doctor,
                                                                           cycle, client):
    patient = cycle["patient"]  # consented: photos for the record yes, teaching no
    response = upload(doctor, patient, phone_jpeg(), teaching="1")
    assert response.status_code == 422
    assert "For teaching: the patient's consent does not allow teaching use" in \
        refusal_text(response)
    consented(doctor, patient, photos_record="yes", photos_teaching="yes")
    assert upload(doctor, patient, phone_jpeg(), teaching="1").status_code == 303
    [photo] = photo_rows(app)
    assert photo.teaching
    assert "withdrawn" not in client.get(f"/photos/{photo.id}").get_data(as_text=True)
    # A newer consent says no to everything: the photo stays in the record, no new one, and
    # its teaching use is withdrawn.
    consented(doctor, patient, photos_record="no", photos_teaching="no")
    page = client.get(f"/photos/{photo.id}")
    teaching = BeautifulSoup(page.get_data(as_text=True), "html.parser").select_one(
        "[data-testid=photo-teaching]").get_text(" ", strip=True)
    assert "withdrawn" in teaching
    assert client.get(f"/photos/{photo.id}/image").status_code == 200
    assert upload(doctor, patient, phone_jpeg()).status_code == 422
    assert len(photo_rows(app)) == 1
    refused = doctor(f"/photos/{photo.id}/teaching", {"teaching": "1"})
    assert refused.status_code == 303
    unmarked = doctor(f"/photos/{photo.id}/teaching", {})
    assert unmarked.status_code == 303 and not photo_rows(app)[0].teaching


# ------------------------------------------------------------------ in the record, compared


def test_the_record_the_patient_and_the_cycle_show_the_photos(app, doctor, cycle, client):
    patient = cycle["patient"]
    site = "knee-anterior|right|knee-anterior/medial"
    first, second = draft(doctor, 1), draft(doctor, 2, performed_at="2026-10-12T10:00")
    for rid in (first, second):
        for moment in ("before", "after"):
            assert upload(doctor, patient, phone_jpeg(), record_id=str(rid), moment=moment,
                          site=site, site_text="").status_code == 303
    assert upload(doctor, patient, png(), moment="other", site_text="left calf",
                  cycle_id="1").status_code == 303
    record = BeautifulSoup(client.get(f"/records/{first}").get_data(as_text=True),
                           "html.parser")
    shown = record.select("[data-testid=record-photos] [data-testid=photo]")
    assert [f["data-moment"] for f in shown] == ["before", "after"]
    assert "Right knee · Medial" in shown[0].get_text(" ", strip=True) or \
        "right knee" in shown[0].get_text(" ", strip=True).lower()
    chart = BeautifulSoup(client.get(f"/patients/{patient}").get_data(as_text=True),
                          "html.parser")
    assert len(chart.select("[data-testid=patient-photos] [data-testid=photo]")) == 5
    compare = BeautifulSoup(client.get("/cycles/1/photos").get_data(as_text=True),
                            "html.parser")
    sites = compare.select("[data-testid=compare-site]")
    assert len(sites) == 2
    knee = sites[0]  # the body map's sites first, then those in words
    assert "knee" in knee.h2.get_text().lower() and "calf" in sites[1].h2.get_text()
    heads = knee.select("[data-testid=compare-column-head]")
    assert [h.get_text(" ", strip=True).split()[:2] for h in heads] == [
        ["Session", "1"], ["Session", "2"]]
    rows = knee.select("tbody tr")
    assert [r["data-moment"] for r in rows] == ["before", "after"]
    for row in rows:  # each session's photo of that moment, side by side
        cells = row.select("[data-testid=compare-cell]")
        assert [[f["data-moment"] for f in c.select("[data-testid=photo]")] for c in cells] == [
            [row["data-moment"]]] * 2
    assert not re.search(r"Rossi|Maria", " ".join(
        img["src"] for img in compare.select("img")))  # no patient data in an address
    only = BeautifulSoup(client.get("/cycles/1/photos", query_string={
        "site": "text|left calf"}).get_data(as_text=True), "html.parser")
    assert len(only.select("[data-testid=compare-site]")) == 1


def test_a_photo_of_a_draft_can_be_deleted_not_one_of_a_signed_record(app, doctor, cycle):
    patient = cycle["patient"]
    rid = draft(doctor, 1)
    assert upload(doctor, patient, phone_jpeg(), record_id=str(rid)).status_code == 303
    [photo] = photo_rows(app)
    assert doctor(f"/photos/{photo.id}/delete").status_code == 303
    assert photo_rows(app) == [] and stored_files(app) == []
    assert ("delete", "before the session") in audit_actions(app, "photo")
    kept = signed(doctor, 2, performed_at="2026-10-12T10:00")
    assert upload(doctor, patient, phone_jpeg(), record_id=str(kept),
                  moment="after").status_code == 303  # added after the signing
    [photo] = photo_rows(app)
    response = doctor(f"/photos/{photo.id}/delete")
    assert response.status_code == 303 and response.location.endswith(f"/photos/{photo.id}")
    assert len(photo_rows(app)) == 1 and len(stored_files(app)) == 2


# ------------------------------------------------------------------- access and audit


def test_photos_are_served_only_behind_the_login_and_never_cached(app, doctor, cycle):
    assert upload(doctor, cycle["patient"], phone_jpeg()).status_code == 303
    [photo] = photo_rows(app)
    anonymous = app.test_client()
    for kind in ("", "/image", "/preview", "/download"):
        response = anonymous.get(f"/photos/{photo.id}{kind}")
        assert response.status_code == 302 and "/login" in response.location
        assert not response.data.startswith(b"\xff\xd8")
    make_user(app, "assistant", role="assistant")
    assistant = app.test_client()
    login(assistant, "assistant")
    seen = assistant.get(f"/photos/{photo.id}/image")
    assert seen.status_code == 200
    assert seen.headers["Cache-Control"] == "private, no-store"
    assert seen.headers["Content-Disposition"] == \
        f'inline; filename="mesoplanner-photo-{photo.id}.jpg"'
    down = assistant.get(f"/photos/{photo.id}/download")
    assert down.headers["Content-Disposition"].startswith("attachment;")
    token = csrf_token(assistant, f"/photos/{photo.id}")
    for action in ("delete", "teaching"):
        refused = assistant.post(f"/photos/{photo.id}/{action}", data={"csrf_token": token})
        assert refused.status_code == 403
    assert len(photo_rows(app)) == 1


def test_every_upload_look_and_download_is_audited(app, doctor, cycle, client):
    rid = draft(doctor, 1)
    assert upload(doctor, cycle["patient"], phone_jpeg(), record_id=str(rid)).status_code == 303
    [photo] = photo_rows(app)
    client.get(f"/photos/{photo.id}/preview")
    client.get(f"/photos/{photo.id}/image")
    client.get(f"/photos/{photo.id}/download")
    client.get(f"/photos/{photo.id}")
    assert audit_actions(app, "photo") == [
        ("create", f"before the session, session record {rid}, no scale"), ("view", "preview"),
        ("view", "full size"), ("export", "download"), ("view", "")]


def test_the_audit_page_says_the_photo_events_in_words(app, admin):
    from planner.web.audit_words import detail_words, entity_names

    with app.test_request_context():
        assert entity_names()["photo"] == "photo"
        assert detail_words("photo", "after the session, session record 3, API") == \
            "after the session, session record 3, through the API"
        assert detail_words("photo", "before the session, calibrated, API") == \
            "before the session, calibrated (the calibration card found), through the API"
        assert detail_words("photo", "calibration card looked for, no scale") == \
            "calibration card looked for, no scale (no calibration card that can be used)"
        assert detail_words("session_record", "FHIR R4 bundle, 2 photos") == \
            "FHIR R4 bundle, 2 photos"
