"""Printing a saved plan from the web app: the sheet page, the PDFs, the handout in the
patient's language, and the clinic's settings."""

from __future__ import annotations

import io
from typing import Any

import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader

from tests.helpers.documents import flat_text
from tests.helpers.patients import add, created_id
from tests.helpers.plans import knee_plan, records, save, saved_id
from tests.helpers.users import csrf_token, login, make_user


@pytest.fixture
def plan_id(doctor) -> int:
    patient = created_id(add(doctor, family_name="Verdi", given_name="Giulia",
                             record_number="MP-777", weight_kg="70", anticoagulants="1",
                             anticoagulant_details="warfarin 5 mg"))
    return saved_id(save(doctor, patient, knee_plan()))


def audit_details(app) -> list[str]:
    from planner.extensions import db
    from planner.models import AuditEvent

    with app.app_context():
        return [f"{e.action} {e.entity} {e.detail}" for e in db.session.query(AuditEvent)]


def test_sheet_page_is_ready_to_print(app, client, plan_id):
    response = client.get(f"/plans/{plan_id}/sheet")
    assert response.status_code == 200
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.select_one("[data-print]") is not None
    assert soup.select_one('script[src="/static/print.js"]') is not None
    assert soup.select_one('link[href="/static/print.css"]') is not None
    text = soup.get_text(" ", strip=True)
    for words in ("Verdi, Giulia", "MP-777", "Dr Doctor", "record: YES (warfarin 5 mg)",
                  "must measure 100 mm"):
        assert words in text, words
    [record] = records(app)
    assert soup.select_one("[data-testid=total-points]").get_text() == str(record.points)
    assert soup.select_one("[data-testid=total-ml]").get_text() == record.total_ml
    assert soup.select_one(".qr svg") is not None
    assert f"print plan sheet page, version {record.version}" in audit_details(app)


@pytest.mark.parametrize("kind", ["sheet", "stencil", "handout"])
def test_pdfs(app, client, plan_id, kind):
    response = client.get(f"/plans/{plan_id}/{kind}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == \
        f'inline; filename="mesoplanner-{kind}-{plan_id}-v1.pdf"'
    assert "no-store" in response.headers["Cache-Control"]
    data = response.get_data()
    assert data.startswith(b"%PDF-")
    assert "Verdi, Giulia" in flat_text(data)
    assert f"print plan {kind} PDF, version 1" in audit_details(app)


def test_sheet_pdf_totals_match_the_saved_plan(app, client, plan_id):
    [record] = records(app)
    text = flat_text(client.get(f"/plans/{plan_id}/sheet.pdf").get_data())
    assert f"Totals: {record.points} points, {record.total_ml} mL" in text


def test_letter_paper_and_compact(client, plan_id):
    data = client.get(f"/plans/{plan_id}/sheet.pdf?paper=letter&compact=1").get_data()
    pages = PdfReader(io.BytesIO(data)).pages
    assert len(pages) == 1
    assert (round(float(pages[0].mediabox.width)), round(float(pages[0].mediabox.height))) == \
        (612, 792)
    data = client.get(f"/plans/{plan_id}/sheet.pdf?paper=a3").get_data()  # unknown: A4
    assert round(float(PdfReader(io.BytesIO(data)).pages[0].mediabox.width)) == 595


def test_handout_is_in_the_patients_language(app, doctor, client):
    patient = created_id(add(doctor, family_name="García", language="es", weight_kg="60"))
    plan = saved_id(save(doctor, patient, knee_plan()))
    text = flat_text(client.get(f"/plans/{plan}/handout.pdf").get_data())
    assert "Después del tratamiento" in text
    # The sheet is in the user's language (English here).
    assert "Totals:" in flat_text(client.get(f"/plans/{plan}/sheet.pdf").get_data())


def test_patient_language_is_checked(doctor):
    response = add(doctor, language="fr")
    assert response.status_code == 422
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.select_one('main select[name="language"]')["aria-invalid"] == "true"


# --- clinic settings ---------------------------------------------------------------------------

def admin_client(app, client) -> Any:
    make_user(app, "boss", role="admin")
    login(client, "boss")
    token = csrf_token(client, "/settings")

    def post(data: dict[str, str]):
        return client.post("/settings", data={**data, "csrf_token": token})

    return post


def test_settings_appear_on_the_printouts(app, client, plan_id):
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    post = admin_client(app, client)
    response = post({"name": "Studio Medico Bianchi", "phone": "+39 02 123",
                     "handout_en": "Our own first paragraph.\r\n\r\nOur second one."})
    assert response.status_code == 303
    sheet = flat_text(client.get(f"/plans/{plan_id}/sheet.pdf").get_data())
    assert "Studio Medico Bianchi" in sheet
    handout = flat_text(client.get(f"/plans/{plan_id}/handout.pdf").get_data())
    assert "Our own first paragraph. Our second one." in handout
    assert "+39 02 123" in handout
    assert "cosmetics" not in handout
    assert "update settings " in " ".join(audit_details(app))


def test_settings_refuse_too_long_text_naming_the_field(app, client):
    post = admin_client(app, client)
    response = post({"name": "x" * 121})
    assert response.status_code == 422
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.select_one('input[name="name"]')["aria-invalid"] == "true"
    assert "120" in soup.select_one("#name-error").get_text()


def test_only_an_administrator_changes_the_settings(app, client, doctor):
    assert client.get("/settings").status_code == 403
    assert doctor("/settings", {"name": "Forged"}).status_code == 403
    html = client.get("/patients").get_data(as_text=True)
    assert 'href="/settings"' not in html


def test_a_printout_can_be_asked_for_in_another_language(app, doctor, client, plan_id):
    """?lang= sets the whole printout's language, the record's lines included; the user's own
    pages stay in theirs. A language the app does not have falls back to the default."""
    page = BeautifulSoup(client.get(f"/plans/{plan_id}/sheet?lang=es").get_data(as_text=True),
                         "html.parser").get_text(" ", strip=True)
    assert "historia: SÍ (warfarin 5 mg)" in page and "record: YES" not in page
    assert "Totales:" in flat_text(client.get(f"/plans/{plan_id}/sheet.pdf?lang=es").get_data())
    italian = flat_text(client.get(f"/plans/{plan_id}/handout.pdf?lang=it").get_data())
    assert "Dopo il trattamento" in italian
    assert "Totals:" in flat_text(client.get(f"/plans/{plan_id}/sheet.pdf?lang=fr").get_data())
    assert 'lang="en"' in client.get("/patients").get_data(as_text=True)  # the user's own
    editor = BeautifulSoup(client.get(f"/plans/{plan_id}").get_data(as_text=True),
                           "html.parser").select_one("[data-testid=print-languages]")
    assert [a["href"] for a in editor.select("a")][:3] == [
        f"/plans/{plan_id}/sheet.pdf?lang={code}" for code in ("it", "es", "en")]
