"""A photo learns its scale (issue 20, item 4): the calibration card is looked for in a photo
when it is taken (the web form, the API) and the plane found kept with it; a photo without a
usable card is kept with the reason; a photo taken before the app looked gets a button; the
photo's page says how far the scale holds (and its limit on a curved limb) in the reader's
language, with the card's markers drawn over the photo; never a server error."""

from __future__ import annotations

import io
import logging
import re

import cv2
import numpy as np
import pytest
from bs4 import BeautifulSoup
from PIL import Image

from tests.helpers.api import Api, stored_token
from tests.helpers.audit import audit_actions
from tests.helpers.calibration_photos import Look, on_plane, photo
from tests.helpers.card_photos import (
    VIEW,
    card_corners_mm,
    card_corners_px,
    card_jpeg,
    seed_uncalibrated,
)
from tests.helpers.languages import set_language
from tests.helpers.photos import upload_form
from tests.helpers.users import csrf_token, login, make_user


def upload(doctor, patient: int, data: bytes, **fields):
    return doctor(f"/patients/{patient}/photos", upload_form(data, **fields),
                  content_type="multipart/form-data")


def the_photo(app, photo_id: int | None = None):
    from sqlalchemy import select

    from planner.extensions import db
    from planner.models import Photo

    with app.app_context():
        if photo_id is None:
            return db.session.scalars(select(Photo).order_by(Photo.id.desc())).first()
        return db.session.get(Photo, photo_id)


def page(client, photo_id: int) -> BeautifulSoup:
    response = client.get(f"/photos/{photo_id}")
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def text_of(soup: BeautifulSoup, testid: str) -> str:
    found = soup.select_one(f"[data-testid={testid}]")
    assert found is not None, testid
    return " ".join(found.get_text(" ").split())


# ------------------------------------------------------------------------------ on upload


def test_a_photo_with_the_card_is_kept_with_its_plane(app, doctor, cycle):
    assert upload(doctor, cycle["patient"], card_jpeg()).status_code == 303
    photo = the_photo(app)
    plane = photo.plane
    assert plane is not None and photo.calibration_refusal is None
    assert plane.markers_found == 4 and plane.image_size == (photo.width, photo.height)
    # The card's outer corners, where the view put them in the photo, back on the plane.
    error = np.hypot(*(plane.to_mm(card_corners_px()) - card_corners_mm()).T)
    assert error.max() < 0.5, error
    assert plane.px_per_mm == pytest.approx(VIEW.px_per_mm, rel=0.15)
    assert photo.calibration_residual_mm == plane.residual_max_mm < 0.2
    assert photo.calibrated_at is not None
    assert audit_actions(app, "photo")[-1] == ("create", "before the session, calibrated")


def test_a_photo_without_the_card_is_kept_with_the_reason(app, doctor, cycle, client):
    assert upload(doctor, cycle["patient"], card_jpeg(card=False)).status_code == 303
    photo = the_photo(app)
    assert photo.plane is None and photo.calibration_residual_mm is None
    assert photo.calibration_refusal == ("no_card", {"expected": 4.0})
    assert photo.calibrated_at is not None
    assert audit_actions(app, "photo")[-1] == ("create", "before the session, no scale")
    soup = page(client, photo.id)
    assert text_of(soup, "photo-scale").startswith("none (no calibration card")
    said = text_of(soup, "photo-no-scale")
    assert "No calibration card found in the photo: is the whole card in the picture" in said
    assert "This photo can still be annotated, with no scale and no stencil." in said
    assert soup.select_one("[data-testid=photo-overlay]") is None
    assert soup.select_one("[data-testid=photo-look-for-card]") is None  # looked for already


def test_a_card_with_a_marker_covered_says_so(app, doctor, cycle, client):
    """Two markers under a finger: kept, with the reason and its numbers in words."""
    image = photo(VIEW, Look(noise=2), covered=(1, 2))
    data = cv2.imencode(".jpg", image)[1].tobytes()
    assert upload(doctor, cycle["patient"], data).status_code == 303
    found = the_photo(app)
    assert found.calibration_refusal[0] == "too_few_markers"
    assert "Only 2 of the card's 4 markers were found" in text_of(page(client, found.id),
                                                                   "photo-refusal")


# ------------------------------------------------------------------------- the photo's page


CONFIDENCE = {
    "en": ("Calibration card: 4 of 4 markers found.", "Residual on the card",
           "Estimated error of the plane away from the card", "stays within 1 mm",
           "a plane near the card", "40 mm, a forearm", "80 mm, a thigh",
           "mm from the card"),
    "it": ("Cartoncino di calibrazione: trovati 4 marcatori su 4.", "Scarto sul cartoncino",
           "Errore stimato del piano lontano dal cartoncino", "resta entro 1 mm",
           "un piano vicino al cartoncino", "40 mm, un avambraccio", "80 mm, una coscia",
           "mm dal cartoncino"),
    "es": ("Tarjeta de calibración: 4 de 4 marcadores encontrados.", "Residuo sobre la tarjeta",
           "Error estimado del plano lejos de la tarjeta", "se mantiene por debajo de 1 mm",
           "un plano cerca de la tarjeta", "40 mm, un antebrazo", "80 mm, un muslo",
           "mm de la tarjeta"),
}


@pytest.mark.parametrize("language", sorted(CONFIDENCE))
def test_the_page_says_how_far_the_scale_holds(app, doctor, cycle, client, language):
    assert upload(doctor, cycle["patient"], card_jpeg()).status_code == 303
    photo = the_photo(app)
    set_language(app, "doctor", language)
    soup = page(client, photo.id)
    said = text_of(soup, "photo-confidence")
    for words in CONFIDENCE[language]:
        assert words in said, (words, said)
    decimal = "," if language != "en" else "."
    assert re.search(rf"\d\{decimal}\d px", text_of(soup, "photo-scale"))
    # The skin's curve, for three limbs at 25, 50, 75 mm: 1.4 mm and 10.2 mm at 25 and 50 mm
    # on a 50 mm radius (reach.py), so between them on 40 and 60 mm radii.
    rows = soup.select("[data-testid=photo-curve] tbody tr")
    assert len(rows) == 3
    cells = [[td.get_text(" ", strip=True) for td in row.select("td")] for row in rows]
    numbers = [[float(c.split()[0].replace(",", ".")) for c in r if c[0].isdigit()]
               for r in cells]
    # 75 mm round a forearm of 40 mm radius is beyond a quarter turn: out of the camera's sight.
    assert [len(r) for r in numbers] == [2, 3, 3] and not cells[0][2][0].isdigit()
    assert all(r == sorted(r) and all(c.endswith(" mm") for c in row if c[0].isdigit())
               for r, row in zip(numbers, cells, strict=True))
    assert numbers[0][1] > 10.2 > numbers[1][1] > numbers[2][1]  # the narrower limb, the worse
    within = text_of(soup, "photo-within")
    reach = photo.plane.within_mm(1.0)
    assert f"{reach:.0f}" in within


def test_the_cards_markers_are_drawn_over_the_photo_in_its_pixels(app, doctor, cycle, client):
    assert upload(doctor, cycle["patient"], card_jpeg()).status_code == 303
    photo = the_photo(app)
    soup = page(client, photo.id)
    svg = soup.select_one(".photo-frame [data-testid=photo-overlay]")
    assert svg["viewbox"] == f"0 0 {photo.width} {photo.height}"
    assert svg.get("style") is None  # placed by photos.css: the page's CSP allows no inline style
    group = svg.select_one("g.card-found")
    markers = group.select("polygon.card-marker")
    assert sorted(int(m["data-marker"]) for m in markers) == [0, 1, 2, 3]
    for marker in markers:
        corners = np.array([[float(v) for v in p.split(",")] for p in marker["points"].split()])
        stored = dict(photo.plane.markers)[int(marker["data-marker"])]
        assert np.allclose(corners - 0.5, np.reshape(stored, (4, 2)), atol=0.051)
    outline = np.array([[float(v) for v in p.split(",")]
                        for p in group.select_one("polygon.card-outline")["points"].split()])
    assert np.hypot(*(outline - 0.5 - card_corners_px()).T).max() < 2.5  # px, at 5 px per mm
    # In the record's previews too (the same drawing, fitted to the preview's box).
    patient = client.get(f"/patients/{cycle['patient']}").get_data(as_text=True)
    assert 'class="card-found"' in patient


# ------------------------------------------------------------- photos taken before the app looked


def test_the_button_finds_the_card_in_a_photo_taken_before(app, doctor, cycle, client):
    photo_id = seed_uncalibrated(app, cycle["patient"])
    soup = page(client, photo_id)
    assert text_of(soup, "photo-scale") == "not looked for yet"
    assert soup.select_one("[data-testid=photo-look-for-card]")
    response = doctor(f"/photos/{photo_id}/calibration")
    assert response.status_code == 303 and response.location.endswith(f"/photos/{photo_id}")
    photo = the_photo(app, photo_id)
    assert photo.plane is not None and photo.plane.markers_found == 4
    error = np.hypot(*(photo.plane.to_mm(card_corners_px()) - card_corners_mm()).T)
    assert error.max() < 0.5
    assert audit_actions(app, "photo")[-1] == ("update",
                                               "calibration card looked for, calibrated")
    shown = client.get(response.location).get_data(as_text=True)
    assert "Calibration card found: the photo has a scale." in shown
    soup = BeautifulSoup(shown, "html.parser")
    assert soup.select_one("[data-testid=photo-confidence]")
    assert soup.select_one("[data-testid=photo-look-for-card]") is None


def test_an_assistant_may_not_look_and_sees_no_button(app, cycle):
    photo_id = seed_uncalibrated(app, cycle["patient"])
    make_user(app, "assistant", role="assistant")
    other = app.test_client()
    login(other, "assistant")
    soup = BeautifulSoup(other.get(f"/photos/{photo_id}").get_data(as_text=True), "html.parser")
    assert soup.select_one("[data-testid=photo-not-looked]")
    assert soup.select_one("[data-testid=photo-look-for-card]") is None
    refused = other.post(f"/photos/{photo_id}/calibration",
                         data={"csrf_token": csrf_token(other)})
    assert refused.status_code == 403
    assert the_photo(app, photo_id).calibration_json is None


# ----------------------------------------------------------------------------- the API


def test_the_api_gives_the_scale_in_short(app, doctor, cycle):
    assert upload(doctor, cycle["patient"], card_jpeg()).status_code == 303
    assert upload(doctor, cycle["patient"], card_jpeg(card=False)).status_code == 303
    api = Api(app, stored_token(app))
    listed = api.get(f"/patients/{cycle['patient']}/photos").json["photos"]
    without, with_card = listed  # newest first
    summary = with_card["calibration"]
    assert summary["calibrated"] is True and summary["refusal"] is None
    assert (summary["markers_found"], summary["markers_expected"]) == (4, 4)
    assert 0 < summary["residual_max_mm"] < 0.2
    assert summary["px_per_mm"] == pytest.approx(VIEW.px_per_mm, rel=0.15)
    assert summary["within_1mm_mm"] > 50
    matrix = np.reshape(summary["homography"], (3, 3))
    seen = matrix @ np.array([0.0, 0.0, 1.0])  # the card's centre
    assert np.allclose(seen[:2] / seen[2], on_plane(VIEW, np.zeros((1, 2)))[0], atol=1)
    assert summary["looked_for_at"]
    assert without["calibration"] == {
        "calibrated": False, "markers_found": None, "markers_expected": None,
        "residual_max_mm": None, "px_per_mm": None, "within_1mm_mm": None, "homography": None,
        "refusal": "no_card", "looked_for_at": without["calibration"]["looked_for_at"]}


# ------------------------------------------------------------------------ never a 500


def odd_images() -> dict[str, bytes]:
    """Photos the cleaning keeps that are odd for the card's search."""
    out = {}
    for name, image in (("tiny", Image.new("RGB", (1, 1), "white")),
                        ("grey", Image.new("L", (300, 200), 128)),
                        ("alpha", Image.new("RGBA", (300, 200), (0, 0, 0, 0))),
                        ("thin", Image.new("RGB", (4000, 2), "black"))):
        data = io.BytesIO()
        image.save(data, "PNG")
        out[name] = data.getvalue()
    return out


@pytest.mark.parametrize("name", sorted(odd_images()))
def test_an_odd_photo_is_kept_with_no_scale(app, doctor, cycle, client, name):
    data = odd_images()[name]
    response = upload(doctor, cycle["patient"], data, name=f"{name}.png",
                      content_type="image/png")
    assert response.status_code == 303
    photo = the_photo(app)
    assert photo.plane is None and photo.calibration_refusal is not None
    assert client.get(f"/photos/{photo.id}").status_code == 200


def test_a_failure_of_the_search_keeps_the_photo_with_no_scale(app, doctor, cycle, client,
                                                               monkeypatch, caplog):
    from planner.services import photo_scale

    def broken(*_args, **_kwargs):
        raise RuntimeError("OpenCV went wrong")

    monkeypatch.setattr(photo_scale, "calibrate", broken)
    with caplog.at_level(logging.ERROR):
        response = upload(doctor, cycle["patient"], card_jpeg(), note="Maria Rossi's knee")
    assert response.status_code == 303
    photo = the_photo(app)
    assert (photo.calibration_json, photo.calibration_residual_mm, photo.calibrated_at) == \
        (None, None, None)
    logged = caplog.text
    assert "calibration card could not be looked for" in logged
    assert "Rossi" not in logged and "Maria" not in logged
    assert page(client, photo.id).select_one("[data-testid=photo-look-for-card]")
    # The button, the search broken still: no scale, said so, never a server error.
    response = doctor(f"/photos/{photo.id}/calibration")
    assert response.status_code == 303
    assert the_photo(app, photo.id).calibration_json is None


def test_a_photo_whose_bytes_are_gone_is_said_so(app, doctor, cycle, client):
    from pathlib import Path

    photo_id = seed_uncalibrated(app, cycle["patient"])
    key = the_photo(app, photo_id).storage_key
    Path(app.config["DATA_DIR"], "photos", key[:2], key).unlink()
    response = doctor(f"/photos/{photo_id}/calibration", follow_redirects=True)
    assert response.status_code == 200
    assert "missing from the photo store" in response.get_data(as_text=True)


def test_a_stored_calibration_of_another_shape_gives_no_scale(app, doctor, cycle, client):
    from planner.extensions import db

    photo_id = seed_uncalibrated(app, cycle["patient"])
    with app.app_context():
        row = the_photo(app, photo_id)
        row.calibration_json = '{"homography": [1, 2]}'
        db.session.merge(row)
        db.session.commit()
    assert the_photo(app, photo_id).plane is None
    assert client.get(f"/photos/{photo_id}").status_code == 200
