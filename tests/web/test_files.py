"""Files in and out (issue 8): importing a plan file into a patient, the points of a plan and a
patient's sessions as CSV."""

from __future__ import annotations

import csv
import io
import json
import re

from bs4 import BeautifulSoup

from tests.helpers.audit import audit_actions
from tests.helpers.documents import read_sheet
from tests.helpers.languages import italian
from tests.helpers.patients import add, created_id
from tests.helpers.plans import engine_result, field_words, knee_plan, save, saved_id
from tests.helpers.records import draft, signed
from tests.helpers.users import csrf_token, login, make_user


def upload(client, patient: int, content: bytes, name: str = "plan.json"):
    return client.post(f"/patients/{patient}/plans/import", data={
        "csrf_token": csrf_token(client, f"/patients/{patient}/plans/import"),
        "plan": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def editor_points(html: str) -> tuple[int, str]:
    points = re.search(r'data-testid="total-points">(\d+)<', html)
    ml = re.search(r'data-testid="total-ml">([^<]+)<', html)
    assert points and ml, html[:800]
    return int(points.group(1)), ml.group(1)


def plans_of(app, patient: int) -> int:
    from planner.extensions import db
    from planner.models import PlanRecord

    with app.app_context():
        return db.session.query(PlanRecord).filter_by(patient_id=patient).count()


def test_a_plan_exported_here_and_imported_in_another_installation_gives_the_same_points(
        app, client, doctor, tmp_path):
    from flask_migrate import upgrade

    from planner.app import create_app

    here = created_id(add(doctor, weight_kg="70"))
    plan = saved_id(save(doctor, here, knee_plan(spacing_mm=12)))
    exported = client.get(f"/plans/{plan}/plan.json").get_data()
    original = client.get(f"/plans/{plan}").get_data(as_text=True)

    other = create_app({"DATA_DIR": str(tmp_path / "other"), "TESTING": True,
                        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'other.sqlite3'}"})
    with other.app_context():
        upgrade()
    make_user(other, "medico", language="it")
    there = other.test_client()
    login(there, "medico")
    token = csrf_token(there)
    made = there.post("/patients/new", data={
        "csrf_token": token, "family_name": "Bianchi", "given_name": "Anna",
        "birth_date": "1970-01-01", "sex": "female", "weight_kg": "70"})
    patient = int(made.location.rsplit("/", 1)[1])
    response = upload(there, patient, exported, "mesoplanner-plan-1-v1.json")
    assert response.status_code == 200, response.get_data(as_text=True)[:800]
    html = response.get_data(as_text=True)
    points, total = editor_points(html)
    assert (points, total.replace(",", ".")) == editor_points(original)  # 9,50 in Italian
    assert "Importato da mesoplanner-plan-1-v1.json" in html  # the Italian user's language
    assert plans_of(other, patient) == 0  # nothing saved before the clinician saves
    doc = json.loads(BeautifulSoup(html, "html.parser").find(id="plan-json").get_text())
    saved = there.post("/plans/save", data={"csrf_token": token, "patient_id": str(patient),
                                            "plan": json.dumps(doc), "title": "Ginocchio"})
    assert saved.status_code == 303
    assert plans_of(other, patient) == 1
    here_points = [(p.x, p.y, p.volume_ml) for p in engine_result(json.loads(exported)).points]
    there_points = [(p.x, p.y, p.volume_ml) for p in engine_result(doc).points]
    assert here_points == there_points
    assert ("import", "plan file mesoplanner-plan-1-v1.json") in audit_actions(other, "patient")


def test_a_bad_plan_file_is_refused_naming_what_is_wrong_and_nothing_is_saved(app, client,
                                                                                doctor):
    patient = created_id(add(doctor, weight_kg="70"))
    broken = dict(knee_plan())
    broken["areas"] = [{**broken["areas"][0], "spacing_mm": 0}]
    for content, said in (
            (json.dumps(broken).encode(), "areas[0].spacing_mm"),
            (b"\xff\xfe not text", "plan"),
            (b"{not json", "plan"),
            (b'{"format": "mesoplanner.plan/1", "format": "x"}', "format"),
            (json.dumps({**knee_plan(), "bodymap": "elbow-of-mars"}).encode(), "bodymap")):
        response = upload(client, patient, content)
        assert response.status_code == 422, content[:40]
        error = BeautifulSoup(response.get_data(as_text=True), "html.parser").select_one(
            "[data-testid=import-error]").get_text()
        assert f"{field_words(said)}:" in error or "not a plan file" in error, \
            (content[:40], error)
        assert "areas[" not in error and "_mm" not in error
    response = client.post(f"/patients/{patient}/plans/import", data={
        "csrf_token": csrf_token(client, f"/patients/{patient}/plans/import")})
    assert response.status_code == 422 and "Choose a plan file" in response.get_data(
        as_text=True)
    assert plans_of(app, patient) == 0


def test_a_huge_upload_gets_a_clear_message_not_an_error_page(app, client, doctor):
    patient = created_id(add(doctor, weight_kg="70"))
    response = upload(client, patient, b" " * (3 * 1024 * 1024))
    assert response.status_code == 413
    assert "larger than 2 MB" in response.get_data(as_text=True)
    assert plans_of(app, patient) == 0


def test_the_points_csv_lists_every_point_and_is_safe_in_a_spreadsheet(app, client, doctor):
    patient = created_id(add(doctor, weight_kg="70"))
    doc = knee_plan(label="=HYPERLINK(\"http://x\")")
    plan = saved_id(save(doctor, patient, doc))
    response = client.get(f"/plans/{plan}/points.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert f"mesoplanner-plan-{plan}-v1-points.csv" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    expected = engine_result(doc, weight=70).points
    assert [int(r["number"]) for r in rows] == [p.number for p in expected]
    assert [r["volume_ml"] for r in rows] == [str(p.volume_ml) for p in expected]
    assert {r["area_label"] for r in rows} == {"'=HYPERLINK(\"http://x\")"}
    assert ("export", "points CSV, version 1") in audit_actions(app, "plan")


def test_the_sessions_csv_has_each_recorded_session(app, client, doctor, cycle):
    first = signed(doctor, session=1)
    second = draft(doctor, session=2, pain_before="6", pain_after="", adverse=["bruising"],
                   notes="ok")
    response = client.get(f"/patients/{cycle['patient']}/sessions.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [int(r["session"]) for r in rows] == [first, second]
    assert [r["status"] for r in rows] == ["signed", "draft"]
    assert rows[0]["signed_by"] == "Dr Doctor" and rows[1]["signed_by"] == ""
    assert [(r["performer_role"], r["signer_role"]) for r in rows] == [("doctor", "doctor"),
                                                                       ("", "")]
    assert rows[0]["products_and_lots"] == "lidocaine 2% LIDO-1"
    assert (rows[1]["pain_before"], rows[1]["pain_after"]) == ("6", "")
    assert rows[1]["adverse_events"] == "bruising"
    assert rows[0]["cycle_session"] == "1" and rows[0]["date"] == "2026-10-05"
    assert ("export", "sessions CSV, 2 sessions") in audit_actions(app, "patient")


def test_the_pages_offer_the_files(client, doctor, cycle):
    html = client.get(f"/patients/{cycle['patient']}").get_data(as_text=True)
    assert f'href="/patients/{cycle["patient"]}/plans/import"' in html
    signed(doctor)
    html = client.get(f"/patients/{cycle['patient']}").get_data(as_text=True)
    assert f'href="/patients/{cycle["patient"]}/sessions.csv"' in html
    html = client.get(f"/plans/{cycle['plan']}").get_data(as_text=True)
    assert f'href="/plans/{cycle["plan"]}/points.csv"' in html


def test_an_italian_user_gets_csv_files_their_spreadsheet_reads(app, client, doctor, cycle):
    """Semicolons and decimal commas (what an Italian spreadsheet splits on and reads as
    numbers), the columns and the codes in Italian; the volumes are the plan's exactly."""
    signed(doctor, session=1)
    draft(doctor, session=2, pain_before="6", adverse=["bruising"])
    italian(app)
    points = read_sheet(client.get(f"/plans/{cycle['plan']}/points.csv"))
    assert list(points[0])[:6] == ["Punto", "N. area", "Area", "x (mm)", "y (mm)",
                                   "Volume (mL)"]
    assert {r["Volume (mL)"] for r in points} == {"0,50"}  # the cycle's plan: 0.50 mL a point
    assert re.fullmatch(r"\d+,\d{4}", points[0]["x (mm)"])
    assert {r["Tecnica"] for r in points} == {"Intradermica"}
    sessions = read_sheet(client.get(f"/patients/{cycle['patient']}/sessions.csv"))
    assert [r["Stato"] for r in sessions] == ["Firmata", "Bozza"]
    assert sessions[1]["Eventi avversi"] == "Ecchimosi"
    assert sessions[0]["Scala del dolore"] == "NRS 0-10"
    assert re.fullmatch(r"\d+,\d\d", sessions[0]["Totale (mL)"])
    recall = read_sheet(client.get("/recall.csv", query_string={"lot": "LIDO-1"}))
    assert recall and recall[0]["Lotto"] == "LIDO-1" and recall[0]["Stato"] == "Firmata"


def test_an_english_user_gets_the_plain_csv_of_the_command_line(app, client, doctor, cycle):
    response = client.get(f"/plans/{cycle['plan']}/points.csv")
    text = response.get_data(as_text=True)
    assert text.startswith("number,area,area_label,x_mm,y_mm,volume_ml,")
    assert ",0.50," in text and ";" not in text
