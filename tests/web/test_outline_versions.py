"""A plan saved before a view's silhouette was redrawn reopens with the same points: in the editor,
saved again, imported as a plan file and through the API (issue 17: four views redrawn; the
engine clips a plan to the outline of the version it records, see
tests/bodymaps/test_outline_versions.py)."""

from __future__ import annotations

import io
import json
import re

import pytest

from planner.bodymaps.atlas import get_view
from tests.helpers.api import PATIENT, Api, make_token
from tests.helpers.outline_versions import REDRAWN, doc, on_outline, widest_change
from tests.helpers.patients import add, created_id
from tests.helpers.plans import records, save, saved_id
from tests.helpers.users import csrf_token

# One trunk view and one limb, each with a hand-drawn square across the strip the redraw changed.
CASES = [("abdomen-anterior", None), ("elbow-lateral", "right")]


def points_shown(html: str) -> int:
    found = re.search(r'data-testid="total-points">(\d+)<', html)
    assert found, html[:800]
    return int(found.group(1))


def saved_before(view_id: str, side: str | None) -> tuple[dict[str, object], int, int]:
    """The plan file as the app saved it before the redraw (the view's version then), its
    number of points then, and the number a new plan on the same square gets now."""
    view = get_view(view_id, side)
    old = REDRAWN[view_id]
    square = widest_change(view, old)
    before = len(on_outline(doc(view_id, side, square), view.outline_for(old)).xy)
    now = len(on_outline(doc(view_id, side, square), view.outline).xy)
    assert before != now, "the square should cross the strip the redraw changed"
    return doc(view_id, side, square, old), before, now


def store(app, patient: int, plan: dict[str, object], points: int) -> int:
    """A plan record written as the app wrote it before the redraw."""
    from planner.extensions import db
    from planner.models import PlanRecord, User

    with app.app_context():
        user = db.session.query(User).filter_by(username="doctor").one()
        record = PlanRecord(patient_id=patient, title="Saved before the redraw",
                            treatment="cellulite", bodymap=plan["bodymap"],
                            bodymap_version=plan["bodymap_version"], side=plan.get("side"),
                            plan_json=json.dumps(plan), points=points, total_ml="0.00",
                            created_by_id=user.id, updated_by_id=user.id)
        db.session.add(record)
        db.session.commit()
        return record.id


@pytest.fixture
def patient(doctor):
    return created_id(add(doctor, weight_kg="70"))


@pytest.mark.parametrize(("view_id", "side"), CASES)
def test_a_plan_saved_before_the_redraw_reopens_and_saves_with_the_same_points(
        app, client, doctor, patient, view_id, side):
    plan, before, now = saved_before(view_id, side)
    plan_id = store(app, patient, plan, before)

    page = client.get(f"/plans/{plan_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert points_shown(html) == before != now
    assert 'data-code="bodymap-version"' not in html

    # Saved again (as the editor sends it back): the same points, the same version.
    again = saved_id(save(doctor, patient, plan, plan_id=str(plan_id), version="1"))
    assert again == plan_id
    record = records(app)[-1]
    assert (record.points, record.bodymap_version) == (before, REDRAWN[view_id])
    assert json.loads(record.plan_json)["bodymap_version"] == REDRAWN[view_id]
    assert points_shown(client.get(f"/plans/{plan_id}").get_data(as_text=True)) == before


@pytest.mark.parametrize(("view_id", "side"), CASES)
def test_a_new_plan_takes_the_new_outline(app, doctor, patient, view_id, side):
    plan, _before, now = saved_before(view_id, side)
    del plan["bodymap_version"]
    saved_id(save(doctor, patient, plan))
    record = records(app)[-1]
    assert (record.points, record.bodymap_version) == (now, get_view(view_id).version)


def test_a_plan_file_of_the_earlier_version_imports_with_its_points(client, doctor, patient):
    plan, before, _now = saved_before("abdomen-anterior", None)
    response = client.post(f"/patients/{patient}/plans/import", data={
        "csrf_token": csrf_token(client, f"/patients/{patient}/plans/import"),
        "plan": (io.BytesIO(json.dumps(plan).encode()), "plan.json")},
        content_type="multipart/form-data")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert points_shown(response.get_data(as_text=True)) == before


def test_the_api_takes_and_gives_back_a_plan_of_the_earlier_version(app):
    plan, before, _now = saved_before("hips-thighs-posterior", None)
    api = Api(app, make_token(app, "apidoctor"))
    patient = api.post("/patients", PATIENT).json["id"]
    created = api.post(f"/patients/{patient}/plans", {"title": "Thighs", "plan": plan})
    assert created.status_code == 201, created.json
    assert created.json["points"] == before
    assert created.json["plan"]["bodymap_version"] == REDRAWN["hips-thighs-posterior"]
    read = api.get(f"/plans/{created.json['id']}").json
    assert (read["points"], read["plan"]["bodymap_version"]) == (before, 1)
