"""Issue 14, parts 4 and 5, through the editor's preview and the JSON API: points in a no-go
zone or outside the body are warned about, and a plan with too many points or a number out of
its field's range is refused naming the field (4xx), never a 500."""

from __future__ import annotations

import json
from typing import Any

import pytest
from bs4 import BeautifulSoup

from planner.bodymaps import atlas
from planner.core import clinical
from tests.helpers.api import Api, make_token
from tests.helpers.patients import add, created_id
from tests.helpers.plans import field_words, plan_error, preview, warning_codes

FORMAT = "mesoplanner.plan/1"
LIMIT = clinical.MAX_POINTS_PER_PLAN


def face_doc(**top: Any) -> dict[str, Any]:
    eye = atlas.get_view("face-frontal").region("face-frontal/eye-left").geometry
    p = eye.representative_point()
    return {"format": FORMAT, "bodymap": "face-frontal", "treatment": "face",
            "areas": [{"region": "face-frontal/chin", "spacing_mm": 10}],
            "points": [{"x": p.x, "y": p.y, "label": "in the eye"},
                       {"x": 2.0, "y": 2.0, "label": "off the face"}], **top}


def knee_doc(**top: Any) -> dict[str, Any]:
    return {"format": FORMAT, "bodymap": "knee-anterior", "side": "right",
            "areas": [{"region": "knee-anterior/medial", "spacing_mm": 15,
                       "volume_ml": "0.10"}], **top}


def many_points(count: int) -> list[dict[str, float]]:
    return [{"x": 20.0 + k % 100, "y": 20.0 + k // 100} for k in range(count)]


def names(response: Any, field: str) -> bool:
    """Whether the editor's error says what is wrong with ``field`` (and no other field)."""
    message = plan_error(response.get_data(as_text=True))
    return message.removeprefix("Not computed: ").startswith(f"{field_words(field)}: ")


@pytest.fixture
def patient(doctor) -> int:
    """A 70 kg patient's id."""
    return created_id(add(doctor, weight_kg="70"))


@pytest.fixture
def api(app) -> Api:
    return Api(app, make_token(app, "apidoctor"))


# --- zones -------------------------------------------------------------------------------------

def test_the_preview_warns_about_points_in_an_eye_and_off_the_body(doctor, patient):
    response = preview(doctor, patient, face_doc())
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    codes = warning_codes(html)
    assert "no-go-zone" in codes and "outside-outline" in codes
    assert "Left eye and eyelid margins" in html


def test_serious_warnings_are_named_at_the_top_of_the_editor_and_listed_first(doctor, patient):
    soup = BeautifulSoup(preview(doctor, patient, face_doc()).get_data(as_text=True),
                         "html.parser")
    alert = soup.select_one("[data-testid=serious-warnings]")
    assert alert is not None and "2 serious warnings" in alert.get_text(" ", strip=True)
    assert "Points in a no-go zone" in alert.get_text() and alert.select_one(
        "a[href='#plan-warnings']")
    listed = [li["class"][0] for li in soup.select("#plan-warnings li")]
    assert listed == sorted(listed, key=["sev-high", "sev-medium", "sev-info"].index)
    # A plan with no serious warning has no alert.
    quiet = preview(doctor, patient, knee_doc()).get_data(as_text=True)
    assert 'data-testid="serious-warnings"' not in quiet


def test_the_api_grid_warns_about_points_in_an_eye_and_off_the_body(api):
    response = api.post("/grid", face_doc())
    assert response.status_code == 200
    warnings = {w["code"]: w for w in response.json["warnings"]}
    n = len(response.json["points"])
    assert warnings["no-go-zone"]["severity"] == "high"
    assert f"(point {n - 1})" in warnings["no-go-zone"]["message"]
    assert f"(point {n})" in warnings["outside-outline"]["message"]


def test_the_preview_of_a_whole_region_has_no_zone_warning(doctor, patient):
    doc = {"format": FORMAT, "bodymap": "abdomen-anterior",
           "areas": [{"region": "abdomen-anterior/periumbilical", "spacing_mm": 8}]}
    html = preview(doctor, patient, doc).get_data(as_text=True)
    codes = warning_codes(html)
    assert "no-go-removed" in codes  # the umbilicus was cut out of the area ...
    assert "no-go-zone" not in codes and "outside-outline" not in codes  # ... and stays empty


# --- refusals ----------------------------------------------------------------------------------

REFUSED = [
    ("manual points over the limit", knee_doc(points=many_points(LIMIT + 1)), "points"),
    ("manual points outnumber the area's", knee_doc(points=many_points(LIMIT - 10)), "points"),
    ("volume 1E+999999", knee_doc(areas=[{"region": "knee-anterior/medial",
                                          "volume_ml": "1E+999999"}]), "areas[0].volume_ml"),
    ("volume 1e999999999", knee_doc(areas=[{"region": "knee-anterior/medial",
                                            "volume_ml": "1e999999999"}]), "areas[0].volume_ml"),
    ("spacing 1e300", knee_doc(areas=[{"region": "knee-anterior/medial", "spacing_mm": 1e300}]),
     "areas[0].spacing_mm"),
    ("x 10**400", knee_doc(points=[{"x": 10**400, "y": 1}]), "points[0].x"),
    ("y -1e-400 as text", knee_doc(points=[{"x": 1, "y": "-1e-400"}]), "points[0].y"),
    ("bodymap_version huge", knee_doc(bodymap_version=10**40), "bodymap_version"),
]


@pytest.mark.parametrize(("doc", "field"), [(d, f) for _n, d, f in REFUSED],
                         ids=[n for n, _d, _f in REFUSED])
def test_the_preview_refuses_naming_the_field(doctor, patient, doc, field):
    response = preview(doctor, patient, doc)
    assert response.status_code == 422
    assert names(response, field)


@pytest.mark.parametrize(("doc", "field"), [(d, f) for _n, d, f in REFUSED],
                         ids=[n for n, _d, _f in REFUSED])
def test_the_api_refuses_naming_the_field(api, doc, field):
    response = api.post("/grid", doc)
    assert response.status_code == 422
    assert response.json["error"]["field"] == field
    assert response.json["error"]["message"]
    patient_id = api.post("/patients", {"family_name": "Edge", "given_name": "Eve",
                                        "birth_date": "1970-01-01", "sex": "female"}).json["id"]
    saved = api.post(f"/patients/{patient_id}/plans", {"title": "Edge", "plan": doc})
    assert saved.status_code == 422 and saved.json["error"]["field"] == f"plan.{field}"


RAW = [
    ("NaN", '"spacing_mm": NaN', "areas[0].spacing_mm"),
    ("Infinity", '"spacing_mm": -Infinity', "areas[0].spacing_mm"),
    ("1e309", '"spacing_mm": 1e309', "areas[0].spacing_mm"),
    ("400 digits", '"spacing_mm": 1' + "0" * 400, "areas[0].spacing_mm"),
]


def raw_knee(fragment: str) -> str:
    return json.dumps(knee_doc()).replace('"spacing_mm": 15', fragment)


@pytest.mark.parametrize(("fragment", "field"), [(r, f) for _n, r, f in RAW],
                         ids=[n for n, _r, _f in RAW])
def test_raw_numbers_json_cannot_hold_are_refused(doctor, patient, api, fragment, field):
    response = preview(doctor, patient, None, raw=raw_knee(fragment))
    assert response.status_code == 422
    assert names(response, field)
    answer = api.client.post("/api/v1/grid", data=raw_knee(fragment),
                             headers={**api.headers, "Content-Type": "application/json"})
    assert answer.status_code == 422 and answer.json["error"]["field"] == field


def test_the_api_answers_a_number_of_thousands_of_digits_naming_its_field(api):
    answer = api.client.post("/api/v1/grid", data=raw_knee('"spacing_mm": 1' + "0" * 5000),
                             headers={**api.headers, "Content-Type": "application/json"})
    assert answer.status_code == 422
    assert answer.json["error"]["field"] == "areas[0].spacing_mm"
    broken = api.client.post("/api/v1/grid", data=b'{"format": ',
                             headers={**api.headers, "Content-Type": "application/json"})
    assert broken.status_code == 400 and "not valid JSON" in broken.json["error"]["message"]


def test_the_preview_answers_a_number_of_thousands_of_digits_with_a_422(doctor, patient):
    response = preview(doctor, patient, None, raw=raw_knee('"spacing_mm": 1' + "0" * 5000))
    assert response.status_code == 422
    assert names(response, "plan")
