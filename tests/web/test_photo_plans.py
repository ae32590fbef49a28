"""Planning on a calibrated photo (issue 20, item 4): the editor opens on the patient's photo
seen square on, in mm on the card's plane; the grid is computed in those mm as on plain paper;
a plan is saved with its photo and reopens on it. A photo without a scale, or another patient's,
is refused naming the field, and nothing is saved."""

from __future__ import annotations

import io
import json

import pytest
from bs4 import BeautifulSoup
from PIL import Image

from planner.calibration.layout import CARD
from tests.helpers.audit import audit_actions
from tests.helpers.patients import add, created_id
from tests.helpers.photo_plans import photo_plan, seed_card_photo
from tests.helpers.plans import (
    engine_result,
    plan_error,
    preview,
    records,
    save,
    saved_id,
    warning_codes,
)
from tests.helpers.records import draft


@pytest.fixture
def patient(doctor):
    return created_id(add(doctor, weight_kg="70"))


@pytest.fixture
def photo(app, patient):
    return seed_card_photo(app, patient)


def ground(html: str) -> BeautifulSoup:
    soup = BeautifulSoup(html, "html.parser")
    layer = soup.select_one("svg #photo-ground")
    assert layer is not None, "no photo under the plan"
    return layer


def test_the_editor_opens_on_the_photo_seen_square_on(client, doctor, patient, photo):
    response = client.get(f"/patients/{patient}/plans/new?photo={photo}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    layer = ground(html)
    image = layer.select_one("image")
    assert image["xlink:href"] == f"/photos/{photo}/plane"
    # The card's outline where it lay: its corners in mm, centred on the plane's origin.
    outline = layer.select_one("polygon.card-outline")["points"].split()
    xs = sorted({round(float(p.split(",")[0]), 1) for p in outline})
    assert xs == [-CARD.width_mm / 2, CARD.width_mm / 2]
    # The drawing shows the plane the photo shows: 300 x 225 mm at 5 px/mm, tilted.
    svg = BeautifulSoup(html, "html.parser").select_one("svg")
    x0, y0, w, h = map(float, svg["viewbox"].replace(",", " ").split())
    assert x0 < -CARD.width_mm and y0 < -CARD.height_mm and w > 250 and h > 180
    assert "Plan on the photo of" in html
    # No atlas regions to take on a photo: the editor starts with the polygon.
    page = BeautifulSoup(html, "html.parser")
    assert not page.select(".tool[data-tool=region]")
    assert page.select_one(".tool[aria-pressed=true]")["data-tool"] == "polygon"


def test_the_photo_seen_square_on_is_private_and_audited(app, client, doctor, photo):
    response = client.get(f"/photos/{photo}/plane")
    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert "no-store" in response.headers["Cache-Control"]
    image = Image.open(io.BytesIO(response.data))
    assert image.width > 800 and image.height > 600
    assert ("view", "seen square on, to plan on") in audit_actions(app, "photo")


def test_the_grid_is_in_mm_on_the_cards_plane(doctor, patient, photo):
    doc = photo_plan(photo)
    response = preview(doctor, patient, doc)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    html = response.get_data(as_text=True)
    points = BeautifulSoup(html, "html.parser").select("svg .point")
    # The same grid as on plain paper: 60 x 40 mm at 10 mm.
    plain = {k: v for k, v in doc.items() if k != "photo"}
    assert len(points) == len(engine_result(plain).xy) == 24
    ground(html)


def test_a_plan_on_a_photo_is_saved_with_it_and_reopens_on_it(app, client, doctor, patient,
                                                               photo):
    plan_id = saved_id(save(doctor, patient, photo_plan(photo)))
    saved = json.loads(next(r for r in records(app) if r.id == plan_id).plan_json)
    assert saved["photo"] == photo and "bodymap" not in saved
    html = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert ground(html).select_one("image")["xlink:href"] == f"/photos/{photo}/plane"


def test_a_photo_without_a_scale_is_refused_naming_the_field(app, client, doctor, patient):
    bare = seed_card_photo(app, patient, calibrated=False)
    response = preview(doctor, patient, photo_plan(bare))
    assert response.status_code == 422
    assert "no scale" in plan_error(response.get_data(as_text=True))
    before = len(records(app))
    assert save(doctor, patient, photo_plan(bare)).status_code == 422
    assert len(records(app)) == before
    opened = client.get(f"/patients/{patient}/plans/new?photo={bare}")
    assert opened.status_code == 303 and opened.location.endswith(f"/photos/{bare}")
    assert client.get(f"/photos/{bare}/plane").status_code == 404


def test_another_patients_photo_is_refused(app, client, doctor, patient, photo):
    other = created_id(add(doctor, family_name="Other"))
    response = preview(doctor, other, photo_plan(photo))
    assert response.status_code == 422
    assert "not one of this patient's photos" in plan_error(response.get_data(as_text=True))
    assert client.get(f"/patients/{other}/plans/new?photo={photo}").status_code == 404


@pytest.mark.parametrize("bad, words", [
    ({"photo": 0}, "photo"), ({"photo": "1"}, "photo"), ({"photo": True}, "photo"),
    ({"bodymap": "knee-anterior", "side": "right"}, "not both"),
])
def test_a_damaged_photo_key_names_the_field(doctor, patient, photo, bad, words):
    doc = {**photo_plan(photo), **bad}
    response = preview(doctor, patient, doc)
    assert response.status_code == 422
    assert words in plan_error(response.get_data(as_text=True))


def test_the_new_plan_page_offers_the_patients_calibrated_photos(app, client, doctor, patient,
                                                                  photo):
    bare = seed_card_photo(app, patient, calibrated=False)
    page = BeautifulSoup(client.get(f"/patients/{patient}/plans/new").get_data(as_text=True),
                         "html.parser")
    offered = [int(b["value"]) for b in page.select("[data-testid=plan-on-photo] "
                                                    "button[name=photo]")]
    assert offered == [photo] and bare not in offered
    other = created_id(add(doctor, family_name="Other"))
    page = client.get(f"/patients/{other}/plans/new").get_data(as_text=True)
    assert "plan-on-photo" not in page


def plan_over(app, photo_id):
    from planner.extensions import db
    from planner.models import Photo
    from planner.services.photo_plans import plan_over as over

    with app.app_context():
        found = over(db.session.get(Photo, photo_id))
        return None if found is None else (found.plan_id, len(found.result.xy), found.here)


def test_the_plan_drawn_on_a_photo_and_the_plan_of_its_session_go_over_photos(app, client,
                                                                             doctor, patient,
                                                                             photo):
    assert plan_over(app, photo) is None  # no plan on it yet
    plan_id = saved_id(save(doctor, patient, photo_plan(photo)))
    assert plan_over(app, photo) == (plan_id, 24, True)
    # A session of a cycle on that plan: a later photo of it (the card laid where it lay)
    # gets the session's plan, placed from its own card.
    response = doctor(f"/plans/{plan_id}/cycle", {"template": "antalgic",
                                                   "start": "2026-11-23", "confirm": "1"})
    assert response.status_code == 303
    record = draft(doctor, 1)
    later = seed_card_photo(app, patient, record_id=record)
    assert plan_over(app, later) == (plan_id, 24, False)
    assert plan_over(app, seed_card_photo(app, patient, calibrated=False,
                                          record_id=record)) is None
    # The cycle's comparison shows the session's photos, the plan's points over the one with
    # a scale.
    page = BeautifulSoup(client.get("/cycles/1/photos").get_data(as_text=True), "html.parser")
    figures = {int(f["data-photo-id"]): f for f in page.select("[data-testid=photo]")}
    assert len(figures[later].select(".plan-on-photo .point-on-photo")) == 24
    assert not [f for pid, f in figures.items() if pid != later
                and f.select(".plan-on-photo")]


def test_the_photo_page_draws_the_plan_back_on_the_photo(app, client, doctor, patient, photo):
    page = BeautifulSoup(client.get(f"/photos/{photo}").get_data(as_text=True), "html.parser")
    start = page.select_one("[data-testid=plan-on-this-photo]")
    assert start["href"] == f"/patients/{patient}/plans/new?photo={photo}"
    assert not page.select(".plan-on-photo") and not page.select("[data-testid=plan-over]")
    plan_id = saved_id(save(doctor, patient, photo_plan(photo)))
    page = BeautifulSoup(client.get(f"/photos/{photo}").get_data(as_text=True), "html.parser")
    dots = page.select("[data-testid=photo-overlay] .plan-on-photo .point-on-photo")
    assert [int(g["data-number"]) for g in dots] == list(range(1, 25))
    caption = page.select_one("[data-testid=plan-over]")
    assert "24 points" in caption.get_text() and "another photo" not in caption.get_text()
    assert caption.select_one("a")["href"] == f"/plans/{plan_id}"


def test_a_photo_without_a_scale_offers_no_plan(app, client, doctor, patient):
    bare = seed_card_photo(app, patient, calibrated=False)
    page = client.get(f"/photos/{bare}").get_data(as_text=True)
    assert "plan-on-this-photo" not in page and "plan-on-photo" not in page


def test_the_sheet_shows_the_photo_and_the_stencil_the_card_at_true_scale(app, client, doctor,
                                                                         patient, photo,
                                                                         tmp_path):
    import subprocess

    import numpy as np
    from pypdf import PdfReader

    plan_id = saved_id(save(doctor, patient, photo_plan(photo)))
    sheet = client.get(f"/plans/{plan_id}/sheet.pdf")
    assert sheet.status_code == 200 and sheet.mimetype == "application/pdf"
    first = PdfReader(io.BytesIO(sheet.data)).pages[0]
    assert [im for im in first.images if im.name.lower().endswith((".jpg", ".jpeg"))] or \
        any(getattr(im, "image", None) is not None and im.image.width > 100
            for im in first.images), "no photo under the sheet's map"
    words = " ".join(first.extract_text().split())
    assert "On the photo, seen square on" in words and "calibration card" in words
    stencil = client.get(f"/plans/{plan_id}/stencil.pdf")
    assert stencil.status_code == 200
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(stencil.data)).pages)
    assert "calibration card" in text
    # The card drawn at 1:1 on the stencil's first page: its grey fill 85.6 mm across.
    path = tmp_path / "stencil.pdf"
    path.write_bytes(stencil.data)
    dpi = 254  # 10 px per mm
    subprocess.run(["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", "-png", str(path),
                    str(tmp_path / "page")], check=True)
    page = np.asarray(Image.open(next(tmp_path.glob("page*.png"))).convert("RGB"), dtype=int)
    grey = (np.abs(page - 0xD9) <= 3).all(axis=2)
    # The longest run of the card's grey along a row (the area's own fill is another grey
    # run beside it).
    longest = 0
    for row in grey[::5]:
        edges = np.flatnonzero(np.diff(np.r_[0, row.astype(int), 0]))
        runs = edges[1::2] - edges[::2]
        longest = max(longest, int(runs.max()) if len(runs) else 0)
    assert longest / 10 == pytest.approx(CARD.width_mm, abs=0.6)


def test_a_photo_a_plan_is_drawn_on_stays_while_the_plan_does(app, client, doctor, patient,
                                                              photo):
    saved_id(save(doctor, patient, photo_plan(photo)))
    response = doctor(f"/photos/{photo}/delete", follow_redirects=True)
    assert "A plan is drawn on this photo (“Knee, medial”)" in response.get_data(as_text=True)
    assert client.get(f"/photos/{photo}").status_code == 200
    other = seed_card_photo(app, patient)
    assert doctor(f"/photos/{other}/delete").status_code == 303
    assert client.get(f"/photos/{other}").status_code == 404


def test_a_session_record_of_a_plan_on_a_photo_draws_it_on_the_photo(app, client, doctor,
                                                                     patient, photo):
    plan_id = saved_id(save(doctor, patient, photo_plan(photo)))
    assert doctor(f"/plans/{plan_id}/cycle", {"template": "antalgic", "start": "2026-11-23",
                                               "confirm": "1"}).status_code == 303
    record = draft(doctor, 1)
    html = client.get(f"/records/{record}").get_data(as_text=True)
    assert ground(html).select_one("image")["xlink:href"] == f"/photos/{photo}/plane"


def test_points_beyond_the_photos_reach_are_named_in_a_warning(app, client, doctor, patient,
                                                               photo):
    from planner.extensions import db
    from planner.models import Photo

    near = preview(doctor, patient, photo_plan(photo)).get_data(as_text=True)
    assert "photo-reach" not in warning_codes(near)
    with app.app_context():
        reach = db.session.get(Photo, photo).plane.within_mm(1.0)
    circle = ground(near).select_one("circle.reach")
    assert float(circle["r"]) == pytest.approx(reach, abs=0.01)
    far = photo_plan(photo, polygon=[[reach + 5, -10], [reach + 45, -10], [reach + 45, 10],
                                     [reach + 5, 10]])
    html = preview(doctor, patient, far).get_data(as_text=True)
    assert "photo-reach" in warning_codes(html)
    assert "further than" in html and "calibration card" in html


def test_a_photo_file_gone_still_prints_the_plan_without_the_photo(app, client, doctor,
                                                                  patient, photo):
    from planner.extensions import db
    from planner.models import Photo
    from planner.photos.stores import store_for

    plan_id = saved_id(save(doctor, patient, photo_plan(photo)))
    with app.app_context():
        store_for(app.config).delete(db.session.get(Photo, photo).storage_key)
    for kind in ("sheet", "stencil", "handout"):
        response = client.get(f"/plans/{plan_id}/{kind}.pdf")
        assert response.status_code == 200, kind
    assert client.get(f"/plans/{plan_id}/sheet").status_code == 200


def test_a_photo_with_its_scale_keeps_it(app, client, doctor, patient, photo):
    from planner.extensions import db
    from planner.models import Photo

    with app.app_context():
        before = db.session.get(Photo, photo).calibration_json
    response = doctor(f"/photos/{photo}/calibration", follow_redirects=True)
    assert "has its scale already" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Photo, photo).calibration_json == before


def test_a_photo_number_out_of_range_is_not_found(client, doctor, patient):
    assert client.get(f"/patients/{patient}/plans/new?photo={10 ** 20}").status_code == 404
    assert client.get(f"/patients/{patient}/plans/new?photo=0").status_code == 404
