"""The plan editor: chooser, editor, live preview, save, reopen, versions, copy, thumbnail,
and clinic mixtures."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.helpers.patients import add, created_id
from tests.helpers.plans import (
    engine_result,
    field_words,
    knee_plan,
    plan_error,
    preview,
    records,
    save,
    saved_id,
    warning_codes,
)


def totals(html: str) -> tuple[int, str]:
    points = re.search(r'data-testid="total-points">(\d+)<', html)
    ml = re.search(r'data-testid="total-ml">([^<]+)<', html)
    assert points and ml, html[:500]
    return int(points.group(1)), ml.group(1)


def row(record: Any) -> dict[str, Any]:
    return {c.name: getattr(record, c.name) for c in record.__table__.columns}


@pytest.fixture
def patient(doctor):
    """A 70 kg patient's id."""
    return created_id(add(doctor, weight_kg="70"))


# ---------------------------------------------------------------------------------- chooser


def test_chooser_lists_the_views(client, patient):
    response = client.get(f"/patients/{patient}/plans/new")
    assert response.status_code == 200
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.find(id="plan-form") is None
    views = [b["value"] for b in soup.find_all("button", attrs={"name": "view"})]
    assert "knee-anterior" in views
    assert not any(v.startswith("body-") for v in views)
    treatments = [i["value"] for i in soup.find_all("input", attrs={"name": "treatment"})]
    assert set(treatments) == {"antalgic", "cellulite", "face", "microneedling"}
    assert soup.find("input", attrs={"name": "treatment", "value": "antalgic"}).has_attr(
        "checked")
    # The body figures link to the views, keeping the patient id only.
    links = [a["href"] for a in soup.select("a.overview-link")]
    assert links
    assert all(urlsplit(h).path == f"/patients/{patient}/plans/new" for h in links)


def test_chooser_asks_the_side_of_a_single_limb_view(client, patient):
    response = client.get(f"/patients/{patient}/plans/new?view=knee-anterior&treatment=antalgic")
    assert response.status_code == 200
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.find(id="plan-form") is None
    sides = sorted(b["value"] for b in soup.find_all("button", attrs={"name": "side"}))
    assert sides == ["left", "right"]
    assert soup.find("input", attrs={"name": "view"})["value"] == "knee-anterior"


@pytest.mark.parametrize("query", ["view=no-such-view", "view=body-front",
                                   "view=knee-anterior&side=bilateral",
                                   "view=knee-anterior&side=<script>"])
def test_chooser_for_an_unusable_choice(client, patient, query):
    response = client.get(f"/patients/{patient}/plans/new?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="plan-form"' not in html
    assert "<script>" not in html.replace('<script src=', '')


@pytest.mark.parametrize(("query", "title"), [
    ("view=knee-anterior&side=right", "Right knee"), ("view=elbow-lateral&side=left",
                                                      "Left elbow"),
    ("view=face-frontal", "Face, frontal view")])
def test_a_new_plan_is_titled_as_a_clinician_would(client, patient, query, title):
    """The site with its side ("Right knee"; it was the view's name, "Knee, anterior view");
    on the face and the trunk, the view's name."""
    response = client.get(f"/patients/{patient}/plans/new?{query}&treatment=antalgic")
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.find("input", attrs={"name": "title"})["value"] == title


# ---------------------------------------------------------------------------------- editor


def editor_doc(html: str) -> dict[str, Any]:
    soup = BeautifulSoup(html, "html.parser")
    return json.loads(soup.find(id="plan-json").get_text())


def test_editor_for_a_view_with_side(client, patient):
    response = client.get(f"/patients/{patient}/plans/new"
                          "?view=knee-anterior&side=right&treatment=antalgic")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    form = soup.find(id="plan-form")
    assert form is not None
    assert form.find("input", attrs={"name": "patient_id"})["value"] == str(patient)
    assert form.find("input", attrs={"name": "plan_id"}) is None
    svg = soup.select_one("#map svg")
    assert svg is not None
    regions = [tag["data-region"] for tag in svg.find_all(attrs={"data-region": True})]
    assert "knee-anterior/medial" in regions
    assert all(r.startswith("knee-anterior/") for r in regions)
    doc = editor_doc(html)
    assert doc["bodymap"] == "knee-anterior"
    assert doc["side"] == "right"
    assert doc["treatment"] == "antalgic"
    assert doc["areas"] == []
    assert totals(html) == (0, "0.00")


def test_editor_for_the_left_side_and_another_treatment(client, patient):
    html = client.get(f"/patients/{patient}/plans/new"
                      "?view=knee-anterior&side=left&treatment=cellulite").get_data(as_text=True)
    doc = editor_doc(html)
    assert (doc["side"], doc["treatment"]) == ("left", "cellulite")
    assert '<strong data-testid="site">Left knee</strong>' in html


# ---------------------------------------------------------------------------------- preview


def test_preview_takes_the_region(doctor, patient):
    doc = knee_plan()
    response = preview(doctor, patient, doc)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    expected = engine_result(doc, 70)
    points, ml = totals(html)
    assert points == len(expected.xy) > 0
    assert Decimal(ml) == expected.total_ml
    area_points = re.search(r'data-testid="area-points">(\d+)<', html)
    assert int(area_points.group(1)) == points
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one("#map svg") is not None
    assert soup.find(id="plan-form") is None
    assert plan_error(html) == ""


def test_preview_uses_the_weight_of_the_record(doctor, patient):
    light = created_id(add(doctor, weight_kg="10", family_name="Piccolo", record_number=""))
    doc = knee_plan()
    # 70 kg: the lidocaine dose is fine; 10 kg: the same plan is too much.
    assert "anaesthetic-dose" not in warning_codes(preview(doctor, patient, doc)
                                                   .get_data(as_text=True))
    html = preview(doctor, light, doc).get_data(as_text=True)
    assert "anaesthetic-dose" in warning_codes(html)
    assert "anaesthetic-dose" in [w.code for w in engine_result(doc, 10).warnings]
    # A weight sent by the browser is ignored: the record is what counts.
    html = preview(doctor, light, {**doc, "patient": {"weight_kg": 70}}).get_data(as_text=True)
    assert "anaesthetic-dose" in warning_codes(html)
    html = preview(doctor, patient, {**doc, "patient": {"weight_kg": 10}}).get_data(as_text=True)
    assert "anaesthetic-dose" not in warning_codes(html)


def test_preview_without_a_recorded_weight_warns(doctor):
    unknown = created_id(add(doctor, weight_kg="", record_number=""))
    html = preview(doctor, unknown, knee_plan()).get_data(as_text=True)
    assert "weight-unknown" in warning_codes(html)


INVALID_PLANS = [
    ("spacing 0", json.dumps(knee_plan(spacing_mm=0)), "areas[0].spacing_mm"),
    ("broken JSON", '{"format": "mesoplanner.plan/1", "areas": [', "plan"),
    ("empty", "", "plan"),
    ("a list", json.dumps([knee_plan()]), "plan"),
    ("a string", json.dumps("plan"), "plan"),
    ("null", "null", "plan"),
    ("unknown key", json.dumps({**knee_plan(), "colour": "red"}), "colour"),
    ("unknown region", json.dumps(knee_plan(region="knee-anterior/nowhere")), "areas[0].region"),
    ("region of another view", json.dumps(knee_plan(region="face-frontal/forehead")),
     "areas[0].region"),
    ("bad volume", json.dumps(knee_plan(volume_ml="lots")), "areas[0].volume_ml"),
    ("deep nesting", "[" * 5000 + "]" * 5000, "plan"),
    ("NaN", json.dumps(knee_plan()).replace('"spacing_mm": 15', '"spacing_mm": NaN'),
     "areas[0].spacing_mm"),
]


@pytest.mark.parametrize(("raw", "field"), [(r, f) for _n, r, f in INVALID_PLANS],
                         ids=[n for n, _r, _f in INVALID_PLANS])
def test_invalid_plan_preview_is_422_naming_the_field(app, doctor, patient, raw, field):
    response = preview(doctor, patient, None, raw=raw)
    assert response.status_code == 422
    message = plan_error(response.get_data(as_text=True))
    assert f"{field_words(field)}:" in message, message
    assert not re.search(r"\w\[\d+\]|[a-z]\.[a-z]+_(mm|ml|kg)\b", message), message  # no path
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize(("raw", "field"), [(r, f) for _n, r, f in INVALID_PLANS],
                         ids=[n for n, _r, _f in INVALID_PLANS])
def test_invalid_plan_save_is_422_naming_the_field(app, doctor, patient, raw, field):
    response = save(doctor, patient, None, raw=raw)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    flashes = " ".join(p.get_text(" ", strip=True) for p in
                       BeautifulSoup(html, "html.parser").select(".flash-error"))
    assert "not saved" in flashes
    assert f"{field_words(field)}:" in flashes, flashes
    # The alert in the editor says the same thing, not something about another field.
    message = plan_error(html)
    assert f"{field_words(field)}:" in message, message
    assert not re.search(r"\w\[\d+\]|[a-z]\.[a-z]+_(mm|ml|kg)\b", message), message  # no path
    assert records(app) == []


def test_failed_save_keeps_the_plan_being_edited(app, doctor, patient):
    """The clinician's drawing must survive a refused save, and stay tied to its record."""
    plan_id = saved_id(save(doctor, patient, knee_plan()))
    [record] = records(app)
    bad = knee_plan(spacing_mm=0)
    response = save(doctor, patient, bad, plan_id=str(plan_id), version=str(record.version))
    assert response.status_code == 422
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert json.loads(soup.find(id="plan-json").get_text()) == bad
    assert soup.find("input", attrs={"name": "plan_id"}) is not None, "plan_id lost"
    assert soup.find("input", attrs={"name": "plan_id"})["value"] == str(plan_id)
    assert soup.find("input", attrs={"name": "version"})["value"] == str(record.version)
    assert [row(r) for r in records(app)] == [row(record)]


def test_preview_for_another_patient_id_is_404(doctor, patient):
    assert preview(doctor, 999, knee_plan()).status_code == 404
    assert doctor("/plans/preview", {"plan": json.dumps(knee_plan())}).status_code == 404


# ---------------------------------------------------------------------------------- save


def test_save_stores_the_plan(app, doctor, patient):
    from planner.core.plan_reader import from_dict

    doc = knee_plan()
    plan_id = saved_id(save(doctor, patient, {**doc, "patient": {"weight_kg": 5}}))
    [record] = records(app)
    assert record.id == plan_id
    assert record.patient_id == patient
    assert record.title == "Knee, medial"
    assert (record.treatment, record.bodymap, record.side) == ("antalgic", "knee-anterior",
                                                               "right")
    assert record.version == 1
    assert record.copied_from_id is None
    assert record.created_by_id == record.updated_by_id is not None
    stored = json.loads(record.plan_json)
    assert "patient" not in stored, "the weight belongs to the record, not to the plan file"
    plan = from_dict(stored)
    assert plan.bodymap == "knee-anterior"
    assert plan.bodymap_version == record.bodymap_version is not None
    # Points and total are what `mesoplanner grid` computes for the stored file and the sent one.
    for source in (stored, doc):
        expected = engine_result(source)
        assert record.points == len(expected.xy) > 0
        assert record.total_ml == str(expected.total_ml)
    from planner.models import AuditEvent

    with app.app_context():
        from planner.extensions import db

        actions = [(e.action, e.entity, e.entity_id) for e in db.session.query(AuditEvent)]
    assert ("create", "plan", plan_id) in actions


def test_save_without_a_title_uses_a_default(app, doctor, patient):
    saved_id(doctor("/plans/save", {"patient_id": str(patient),
                                    "plan": json.dumps(knee_plan()), "title": "  "}))
    assert records(app)[0].title == "Plan"


def test_reopen_shows_the_same_plan_and_total(app, client, doctor, patient):
    plan_id = saved_id(save(doctor, patient, knee_plan()))
    [record] = records(app)
    response = client.get(f"/plans/{plan_id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    points, ml = totals(html)
    assert points == record.points
    assert Decimal(ml) == Decimal(record.total_ml)
    assert editor_doc(html) == json.loads(record.plan_json)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("input", attrs={"name": "plan_id"})["value"] == str(plan_id)
    assert soup.find("input", attrs={"name": "version"})["value"] == "1"
    assert soup.find("input", attrs={"name": "title"})["value"] == "Knee, medial"
    assert "Plan saved." in html


def test_reopened_plan_is_listed_on_the_patient_page(client, doctor, patient):
    plan_id = saved_id(save(doctor, patient, knee_plan()))
    html = client.get(f"/patients/{patient}").get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    card = soup.select_one(".plan-card a")
    assert card["href"] == f"/plans/{plan_id}"
    assert card.find("img")["src"] == f"/plans/{plan_id}/thumbnail.svg"
    assert "Knee, medial" in card.get_text()


def test_save_a_new_version(app, doctor, patient):
    plan_id = saved_id(save(doctor, patient, knee_plan()))
    changed = knee_plan(spacing_mm=10)
    response = save(doctor, patient, changed, plan_id=str(plan_id), version="1", title="v2")
    assert saved_id(response) == plan_id
    [record] = records(app)
    assert record.version == 2
    assert record.title == "v2"
    expected = engine_result(changed)
    assert record.points == len(expected.xy)
    assert record.total_ml == str(expected.total_ml)
    assert json.loads(record.plan_json)["areas"][0]["spacing_mm"] == 10


@pytest.mark.parametrize("version", ["0", "2", "", None, "abc"])
def test_save_with_a_stale_version_is_refused_and_keeps_the_edits(app, client, doctor, patient,
                                                                   version):
    plan_id = saved_id(save(doctor, patient, knee_plan()))
    before = [row(r) for r in records(app)]
    fields = {"plan_id": str(plan_id), "title": "overwritten"}
    if version is not None:
        fields["version"] = version
    mine = knee_plan(spacing_mm=10)
    response = save(doctor, patient, mine, **fields)
    assert response.status_code == 409
    assert [row(r) for r in records(app)] == before
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    flashes = " ".join(p.get_text(" ", strip=True) for p in soup.select(".flash-error"))
    assert "were not saved" in flashes
    assert "Dr Doctor" in flashes
    # The edits are in the editor, as a new plan: saving again cannot overwrite the other's.
    assert json.loads(soup.find(id="plan-json").get_text()) == mine
    assert soup.find("input", attrs={"name": "plan_id"}) is None


def test_save_into_another_patients_plan_is_404(app, doctor, patient):
    other = created_id(add(doctor, family_name="Altro", record_number=""))
    plan_id = saved_id(save(doctor, patient, knee_plan()))
    before = [row(r) for r in records(app)]
    response = save(doctor, other, knee_plan(spacing_mm=10), plan_id=str(plan_id), version="1")
    assert response.status_code == 404
    assert [row(r) for r in records(app)] == before


# ---------------------------------------------------------------------------------- copy


def test_copy_for_the_next_session(app, client, doctor, patient):
    plan_id = saved_id(save(doctor, patient, knee_plan()))
    [source] = records(app)
    response = doctor(f"/plans/{plan_id}/copy")
    copy_id = saved_id(response)
    assert copy_id != plan_id
    first, copy = records(app)
    assert row(first) == row(source)
    assert copy.copied_from_id == plan_id
    assert copy.patient_id == patient
    assert copy.plan_json == source.plan_json
    assert (copy.points, copy.total_ml, copy.title) == (source.points, source.total_ml,
                                                        source.title)
    assert copy.version == 1
    html = client.get(f"/plans/{copy_id}").get_data(as_text=True)
    assert totals(html)[0] == source.points
    assert "copy of the plan" in html


# ---------------------------------------------------------------------------------- export


def test_exported_plan_file_gives_the_same_points_with_the_command(app, client, doctor, patient,
                                                                    tmp_path):
    import subprocess
    import sys

    from planner.models import AuditEvent

    plan_id = saved_id(save(doctor, patient, knee_plan(spacing_mm=12)))
    [record] = records(app)
    response = client.get(f"/plans/{plan_id}/plan.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="mesoplanner-plan-{plan_id}-v1.json"'
    doc = response.get_json()
    assert doc["format"] == "mesoplanner.plan/1"
    assert "weight_kg" not in doc  # no patient data in the file
    path = tmp_path / "plan.json"
    path.write_bytes(response.get_data())
    done = subprocess.run([sys.executable, "-m", "planner.cli", "grid", str(path)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert (len(out["points"]), out["total_ml"]) == (record.points, record.total_ml)
    html = client.get(f"/plans/{plan_id}").get_data(as_text=True)
    assert totals(html) == (record.points, record.total_ml)
    with app.app_context():
        from planner.extensions import db

        actions = [e.action for e in db.session.query(AuditEvent)
                   .filter_by(entity="plan", entity_id=plan_id)]
    assert "export" in actions


# ---------------------------------------------------------------------------------- thumbnail


def test_thumbnail_is_svg(client, doctor, patient):
    plan_id = saved_id(save(doctor, patient, knee_plan()))
    response = client.get(f"/plans/{plan_id}/thumbnail.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    body = response.get_data(as_text=True)
    assert "<svg" in body
    assert "</svg>" in body
    assert "<html" not in body


# ---------------------------------------------------------------------------------- mixtures


def mixtures_saved(app) -> list[Any]:
    from sqlalchemy import select

    from planner.extensions import db
    from planner.models import SavedMixture

    with app.app_context():
        found = list(db.session.scalars(select(SavedMixture).order_by(SavedMixture.id)))
        db.session.expunge_all()
        return found


MIX = {"name": "lido-saline", "component-0": "lidocaine 2%", "drug-0": "lidocaine",
       "mg_per_ml-0": "20", "volume_ml-0": "1", "component-1": "saline 0.9%",
       "volume_ml-1": "4,0"}


def test_mixtures_page(client, doctor):
    response = client.get("/mixtures")
    assert response.status_code == 200
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.find("input", attrs={"name": "name"}) is not None
    assert soup.find("input", attrs={"name": "mg_per_ml-4"}) is not None


def test_create_a_clinic_mixture(app, client, doctor, patient):
    response = doctor("/mixtures", MIX)
    assert response.status_code == 303
    assert urlsplit(response.location).path == "/mixtures"
    [mixture] = mixtures_saved(app)
    assert mixture.name == "lido-saline"
    components = json.loads(mixture.components_json)
    assert components == [
        {"name": "lidocaine 2%", "volume_ml": "1", "drug": "lidocaine", "mg_per_ml": "20"},
        {"name": "saline 0.9%", "volume_ml": "4.0"},
    ]
    assert "lido-saline" in client.get("/mixtures").get_data(as_text=True)
    # The editor offers it.
    html = client.get(f"/patients/{patient}/plans/new?view=knee-anterior&side=right"
                      ).get_data(as_text=True)
    option = BeautifulSoup(html, "html.parser").find("option", attrs={"value": "lido-saline"})
    assert option is not None
    assert json.loads(option["data-components"]) == components


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"mg_per_ml-0": ""}, "rows", "Component 1 · concentration"),
    ({"name": ""}, "name", "name"),
    ({"name": "x" * 41}, "name", "40"),
    ({"volume_ml-0": "abc"}, "rows", "Component 1 · volume"),
    ({"volume_ml-0": ""}, "rows", "Component 1 · volume"),
    ({"component-0": "", "drug-0": "", "mg_per_ml-0": "", "volume_ml-0": "",
      "component-1": "", "volume_ml-1": ""}, "rows", "component"),
])
def test_invalid_mixture_is_refused(app, doctor, change, field, words):
    response = doctor("/mixtures", {**MIX, **change})
    assert response.status_code == 422
    errors = [p.get_text(" ", strip=True) for p in
              BeautifulSoup(response.get_data(as_text=True), "html.parser")
              .select(".field-error")]
    assert len(errors) == 1, errors
    assert words in errors[0], errors
    assert mixtures_saved(app) == []


def test_lidocaine_without_strength_names_the_problem(app, doctor):
    response = doctor("/mixtures", {**MIX, "mg_per_ml-0": ""})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Component 1 · concentration" in html and "mg_per_ml:" not in html
    assert "lidocaine" in html
    # What was typed stays in the form.
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("input", attrs={"name": "drug-0"})["value"] == "lidocaine"
    assert soup.find("input", attrs={"name": "volume_ml-1"})["value"] == "4,0"
    assert mixtures_saved(app) == []


def test_duplicate_mixture_name_is_refused(app, doctor):
    assert doctor("/mixtures", MIX).status_code == 303
    response = doctor("/mixtures", MIX)
    assert response.status_code == 422
    assert "exists" in response.get_data(as_text=True)
    assert len(mixtures_saved(app)) == 1


@pytest.mark.parametrize("name", ["lido", "lido saline"])
def test_saved_mixture_works_in_a_plan(app, doctor, patient, name):
    assert doctor("/mixtures", {**MIX, "name": name}).status_code == 303
    [mixture] = mixtures_saved(app)
    doc = knee_plan()
    doc["mixtures"] = {mixture.name: {"components": json.loads(mixture.components_json)}}
    doc["areas"][0]["mixture"] = mixture.name
    response = preview(doctor, patient, doc)
    assert response.status_code == 200, plan_error(response.get_data(as_text=True))
    assert totals(response.get_data(as_text=True))[0] > 0
