"""Marks on a photo (issue 20): a photo without a scale can still be annotated - numbered marks,
each with a few words, kept as fractions of the photo; refused by name when wrong, nothing kept;
a clinician's; a signed record's photo keeps its marks."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.audit import audit_actions
from tests.helpers.patients import add, created_id
from tests.helpers.photo_plans import seed_card_photo
from tests.helpers.records import signed
from tests.helpers.users import login, make_user


@pytest.fixture
def photo(app, doctor):
    patient = created_id(add(doctor))
    return seed_card_photo(app, patient, calibrated=False)


def marks_form(*marks) -> dict:
    return {"mark-x": [str(m[0]) for m in marks], "mark-y": [str(m[1]) for m in marks],
            "mark-text": [m[2] for m in marks]}


def stored(app, photo_id) -> list:
    from planner.extensions import db
    from planner.models import Photo

    with app.app_context():
        return db.session.get(Photo, photo_id).marks


def flash_text(response) -> str:
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return " ".join(f.get_text(" ", strip=True) for f in soup.select(".flash"))


def test_marks_are_kept_numbered_and_shown_on_the_photo(app, client, doctor, photo):
    response = doctor(f"/photos/{photo}/marks", marks_form((0.25, 0.5, "  trigger   point "),
                                                           (0.75, 0.125, "")))
    assert response.status_code == 303 and response.location.endswith(f"/photos/{photo}")
    assert stored(app, photo) == [{"x": 0.25, "y": 0.5, "text": "trigger point"},
                                  {"x": 0.75, "y": 0.125, "text": ""}]
    page = BeautifulSoup(client.get(f"/photos/{photo}").get_data(as_text=True), "html.parser")
    overlay = page.select_one("[data-testid=photo-marks]")
    width, height = (float(v) for v in overlay["viewbox"].split()[2:])
    dots = overlay.select("g.mark")
    assert [g["data-number"] for g in dots] == ["1", "2"]
    first = dots[0].select_one("circle")
    assert (float(first["cx"]), float(first["cy"])) == pytest.approx((width / 4, height / 2),
                                                                      abs=0.1)
    assert [li.get_text(strip=True) for li in
            page.select("[data-testid=photo-marks-list] li")] == ["trigger point", "—"]
    assert ("update", "marks: 2") in audit_actions(app, "photo")
    # All taken away: none kept.
    assert doctor(f"/photos/{photo}/marks", {}).status_code == 303
    assert stored(app, photo) == []


@pytest.mark.parametrize("form, words", [
    (marks_form((1.5, 0.5, "")), "Mark 1: must be a position on the photo, from 0 to 1"),
    (marks_form((0.5, 0.5, ""), (0.2, "nan", "")), "Mark 2: must be a position"),
    (marks_form((0.5, -0.01, "")), "Mark 1: must be a position"),
    (marks_form((0.5, 0.5, "x" * 81)), "Mark 1: at most 80 characters (got 81)"),
    ({"mark-x": ["0.5", "0.5"], "mark-y": ["0.5"], "mark-text": ["", ""]}, "incomplete"),
    (marks_form(*[(0.5, 0.5, "")] * 61), "at most 60 marks on one photo (got 61)"),
])
def test_wrong_marks_are_refused_by_name_and_nothing_is_kept(app, doctor, photo, form, words):
    doctor(f"/photos/{photo}/marks", marks_form((0.1, 0.1, "kept")))
    response = doctor(f"/photos/{photo}/marks", form)
    assert response.status_code == 422
    assert words in flash_text(response)
    assert stored(app, photo) == [{"x": 0.1, "y": 0.1, "text": "kept"}]


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(marks=st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1),
                                st.text(st.characters(exclude_categories=("Cc", "Cs")),
                                        max_size=80).map(lambda t: " ".join(t.split()))),
                      max_size=8))
def test_any_marks_come_back_as_sent(app, doctor, photo, marks):
    assert doctor(f"/photos/{photo}/marks", marks_form(*marks)).status_code == 303
    back = stored(app, photo)
    assert [m["text"] for m in back] == [m[2] for m in marks]
    assert all(abs(b["x"] - m[0]) <= 5e-6 and abs(b["y"] - m[1]) <= 5e-6
               for b, m in zip(back, marks, strict=True))


def test_an_assistant_sees_the_marks_but_does_not_place_them(app, client, doctor, photo):
    doctor(f"/photos/{photo}/marks", marks_form((0.5, 0.5, "seen")))
    make_user(app, "assistant", role="assistant")
    login(client, "assistant")
    page = client.get(f"/photos/{photo}").get_data(as_text=True)
    assert "photo-marks" in page and "mark-this-photo" not in page
    assert client.get(f"/photos/{photo}/marks").status_code == 403


def test_a_signed_records_photo_keeps_its_marks(app, client, doctor, cycle):
    record = signed(doctor, 1)
    photo = seed_card_photo(app, cycle["patient"], calibrated=False, record_id=record)
    response = doctor(f"/photos/{photo}/marks", marks_form((0.5, 0.5, "after signing")))
    assert response.status_code == 303
    assert stored(app, photo) == []
    page = client.get(f"/photos/{photo}/marks").get_data(as_text=True)
    assert "its marks stay as they were" in page and "marks-save" not in page


def test_the_api_gives_the_marks(app, doctor, photo):
    from tests.helpers.api import make_token

    doctor(f"/photos/{photo}/marks", marks_form((0.25, 0.5, "trigger point")))
    token = make_token(app, "api-doctor")
    response = app.test_client().get(f"/api/v1/photos/{photo}",
                                     headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json["marks"] == [{"x": 0.25, "y": 0.5, "text": "trigger point"}]
