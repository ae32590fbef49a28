"""A signed record keeps who signed and who performed it, and their roles, as they were at the
signing: a later rename, role change or disabled account changes none of what the record page,
the addenda, the sessions CSV, the cycle report, the recall CSV and the FHIR export say. A draft
still shows its performer as the account now reads."""

from __future__ import annotations

import csv
import io
import json

import pytest
from bs4 import BeautifulSoup

from tests.helpers.documents import flat_text, read_sheet
from tests.helpers.fhir import validated
from tests.helpers.languages import italian, set_language
from tests.helpers.records import draft, row, signed
from tests.helpers.users import make_user

SIGNER, PERFORMER = "Dr Maria Rossi", "Anna Bianchi"
LATER = ("Dr Maria Verdi", "Anna Neri")  # the names the accounts are given after the signing


def change_account(app, user_id: int, **fields) -> None:
    from planner.extensions import db
    from planner.models import User

    with app.app_context():
        user = db.session.get(User, user_id)
        for name, value in fields.items():
            setattr(user, name, value)
        db.session.commit()


@pytest.fixture
def history(app, doctor, cycle) -> dict[str, int]:
    """Session 1 performed by the assistant and signed by the doctor, with an addendum; then
    the doctor renamed and made an administrator, the assistant renamed, made a doctor and
    disabled. Session 2 a draft performed by the doctor."""
    assistant = make_user(app, "assistant", role="assistant")
    change_account(app, 1, full_name=SIGNER)
    change_account(app, assistant, full_name=PERFORMER)
    rid = signed(doctor, 1, performer_id=str(assistant))
    assert doctor(f"/records/{rid}/addenda", {"text": "Lot checked again."}).status_code == 303
    open_draft = draft(doctor, 2, performed_at="2026-10-12T10:00", performer_id="1")
    change_account(app, 1, full_name=LATER[0], role="admin")
    change_account(app, assistant, full_name=LATER[1], role="doctor", active=False)
    return {"signed": rid, "draft": open_draft, "assistant": assistant, **cycle}


def no_later_name(text: str) -> None:
    assert not any(name in text for name in LATER), text


def test_it_keeps_the_names_and_roles_at_the_signing(app, history):
    stored = row(app, history["signed"])
    assert (stored["signer_name"], stored["signer_role"]) == (SIGNER, "doctor")
    assert (stored["performer_name"], stored["performer_role"]) == (PERFORMER, "assistant")
    assert (stored["signed_by_id"], stored["performer_id"]) == (1, history["assistant"])
    from planner.extensions import db
    from planner.models import Addendum

    with app.app_context():
        addendum = db.session.query(Addendum).one()
        assert (addendum.author_name, addendum.author_role) == (SIGNER, "doctor")


def test_the_record_page_shows_who_signed_performed_and_added_as_they_were(client, history):
    soup = BeautifulSoup(client.get(f"/records/{history['signed']}").get_data(as_text=True),
                         "html.parser")
    signature = soup.select_one("[data-testid=signature]").get_text(" ", strip=True)
    assert signature.startswith(f"Signed by {SIGNER} (doctor) on ")
    assert soup.select_one("[data-testid=performer]").get_text(strip=True) == \
        f"{PERFORMER} (assistant)"
    addendum = soup.select_one(".addendum").get_text(" ", strip=True)
    assert addendum.startswith(f"Added by {SIGNER} (doctor) on ")
    no_later_name(soup.select_one("main").get_text(" "))  # the top bar has the reader's name


def test_the_roles_are_said_in_the_readers_language(app, client, history):
    set_language(app, "doctor", "it")
    soup = BeautifulSoup(client.get(f"/records/{history['signed']}").get_data(as_text=True),
                         "html.parser")
    assert f"{SIGNER} (medico)" in soup.select_one("[data-testid=signature]").get_text()
    assert soup.select_one("[data-testid=performer]").get_text(strip=True) == \
        f"{PERFORMER} (assistente)"


def test_a_draft_shows_its_performer_as_the_account_now_reads(client, history):
    html = client.get(f"/records/{history['draft']}").get_data(as_text=True)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.select_one("select[name=performer_id] option[selected]").get_text() == LATER[0]
    assert SIGNER not in soup.select_one("select[name=performer_id]").get_text()


def test_the_sessions_csv_keeps_the_signature(client, history):
    response = client.get(f"/patients/{history['patient']}/sessions.csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [(r["performed_by"], r["performer_role"], r["signed_by"], r["signer_role"])
            for r in rows] == [(PERFORMER, "assistant", SIGNER, "doctor"),
                               (LATER[0], "", "", "")]  # the draft: as the account now reads


def test_an_italian_sessions_csv_says_the_roles_in_italian(app, client, history):
    italian(app)
    first = read_sheet(client.get(f"/patients/{history['patient']}/sessions.csv"))[0]
    assert (first["Eseguita da"], first["Firmata da"]) == (PERFORMER, SIGNER)
    assert "medico" in first.values() and "assistente" in first.values()


def test_the_cycle_report_keeps_the_signature(client, history):
    page = BeautifulSoup(client.get("/cycles/1/report").get_data(as_text=True), "html.parser")
    first = page.select(".sessions-table tbody tr")[0]
    assert first.select("td")[-1].get_text(strip=True) == f"{SIGNER} (doctor)"
    no_later_name(page.get_text(" "))
    pdf = flat_text(client.get("/cycles/1/report.pdf").get_data())
    assert f"{SIGNER} (doctor)" in pdf
    no_later_name(pdf)


def test_the_recall_csv_keeps_the_performer(client, history):
    response = client.get("/recall.csv", query_string={"lot": "LIDO-1"})
    rows = {r["session_record"]: r["performed_by"]
            for r in csv.DictReader(io.StringIO(response.get_data(as_text=True)))}
    assert rows == {str(history["signed"]): PERFORMER, str(history["draft"]): LATER[0]}


def test_the_fhir_export_keeps_the_performer_and_the_signer(client, history):
    response = client.get(f"/records/{history['signed']}/fhir.json")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    no_later_name(text)
    document = json.loads(text)
    found = {kind: [e["resource"] for e in entries]
             for kind, entries in validated(document).items()}
    assert sorted(p["name"][0]["text"] for p in found["Practitioner"]) == [PERFORMER, SIGNER]
    urls = {e["resource"].get("name", [{}])[0].get("text"): e["fullUrl"]
            for e in document["entry"] if e["resource"]["resourceType"] == "Practitioner"}
    procedure = found["Procedure"][0]
    [performer] = procedure["performer"]
    assert performer["actor"] == {"reference": urls[PERFORMER], "display": PERFORMER}
    assert performer["function"] == {"text": "assistant"}
    assert procedure["recorder"] == {"reference": urls[SIGNER], "display": SIGNER}
    signature = procedure["note"][-1]
    assert signature["text"] == f"Signed by {SIGNER} (doctor)."
    assert signature["authorReference"]["reference"] == urls[SIGNER]
    assert signature["time"].endswith("+00:00")
    for given in found["MedicationAdministration"]:
        assert given["performer"] == [performer]
