"""Consent signed by the patient, and a record signed by the doctor with their password."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from bs4 import BeautifulSoup

from planner.consent_texts import LANGUAGES, built_in
from planner.core.clinical import TREATMENTS
from tests.helpers.audit import audit_actions
from tests.helpers.browser import SHOTS
from tests.helpers.patients import add, created_id
from tests.helpers.plans import knee_plan, save, saved_id
from tests.helpers.records import (
    HEALTHY,
    consent_form,
    draft,
    form,
    gate_text,
    record_id,
    row,
    sign,
)
from tests.helpers.users import PASSWORD, login, make_user

TODAY = f"{date.today().isoformat()}T00:00"


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def consents(app) -> list[dict]:
    from planner.extensions import db
    from planner.models import Consent

    with app.app_context():
        return [{c.name: getattr(r, c.name) for c in Consent.__table__.columns}
                for r in db.session.query(Consent).order_by(Consent.id)]


@pytest.fixture
def unconsented(doctor) -> dict[str, int]:
    """A patient with a saved knee plan and a draft record of it; no consent signed yet."""
    patient = created_id(add(doctor, family_name="Rossi", given_name="Maria", **HEALTHY))
    plan = saved_id(save(doctor, patient, knee_plan()))
    # Done today: the patient signs the consent before the session (a test below signs after).
    rid = record_id(doctor(f"/plans/{plan}/record", form(performed_at=TODAY)))
    return {"patient": patient, "plan": plan, "record": rid}


def test_a_record_is_signed_only_on_the_patients_consent_and_shows_it(app, client, doctor,
                                                                      unconsented):
    rid, patient = unconsented["record"], unconsented["patient"]
    page = soup(client.get(f"/records/{rid}"))
    status = page.select_one("[data-testid=consent-status]")
    assert "has not signed the consent" in status.get_text(" ", strip=True)
    assert page.select_one("[data-testid=gate] button[type=submit]").has_attr("disabled")
    refused = sign(doctor, rid)
    assert refused.status_code == 422
    assert "has not signed the consent to this treatment" in refused.get_data(as_text=True)
    assert row(app, rid)["status"] == "draft"

    # The record's page leads to the consent of its treatment, and back.
    link = status.select_one("a.button")["href"]
    assert link.startswith(f"/patients/{patient}/consent/antalgic?")
    taken = client.get(link)
    assert taken.status_code == 200
    text = soup(taken).select_one("[data-testid=consent-text]").get_text()
    assert text.strip() == built_in("antalgic", "en")
    done = doctor(link.split("?")[0], consent_form(next=f"/records/{rid}"))
    assert done.status_code == 303 and done.location.endswith(f"/records/{rid}")
    [stored] = consents(app)
    assert (stored["treatment"], stored["language"], stored["text_version"]) == (
        "antalgic", "en", 1)
    assert stored["body"] == built_in("antalgic", "en")
    assert (stored["photos_record"], stored["photos_teaching"]) == (True, False)
    assert json.loads(stored["strokes_json"])["strokes"][0]["points"][1] == [120, 60, 80]
    assert stored["signer_name"] == "Maria Rossi" and stored["taken_by_name"] == "Dr Doctor"
    assert audit_actions(app, "consent") == [
        ("create", "antalgic v1 en; photos record yes, teaching no")]

    assert sign(doctor, rid).status_code == 303
    assert row(app, rid)["consent_id"] == stored["id"]
    signed = soup(client.get(f"/records/{rid}"))
    shown = signed.select_one("[data-testid=consent]")
    assert built_in("antalgic", "en")[:60] in shown.get_text()
    assert shown.select_one("[data-testid=consent-signature] path")["d"].startswith(
        "M40 120L120 60")
    assert "Photos of the treated area kept in my record" in shown.get_text()


@pytest.mark.parametrize("password", [None, "", "wrong password", PASSWORD.upper()])
def test_a_doctor_signs_only_with_their_password(app, doctor, cycle, password):
    rid = draft(doctor)
    response = doctor(f"/records/{rid}/sign", {"version": "1", **(
        {} if password is None else {"password": password})})
    assert response.status_code == 422
    assert "your password was not right" in response.get_data(as_text=True)
    assert row(app, rid)["status"] == "draft"
    assert ("refused", "signing: wrong password") in audit_actions(app, "session_record")
    assert sign(doctor, rid).status_code == 303


@pytest.mark.parametrize(("fields", "field", "words"), [
    ({"strokes": ""}, "strokes", "has not signed"),
    ({"strokes": json.dumps({"strokes": [{"pointer": "pen", "points": [[5, 5, 0]]}]})},
     "strokes", "too small"),
    ({"strokes": "{forged"}, "strokes", "could not be read"),
    ({"strokes": "x" * 300_000}, "strokes", "too long"),
    ({"photos_record": None}, "photos_record", "Answer yes or no"),
    ({"photos_teaching": "maybe"}, "photos_teaching", "Answer yes or no"),
    ({"signer_name": ""}, "signer_name", "Write the name"),
    ({"signer_name": "x" * 121}, "signer_name", "Write the name"),
])
def test_a_consent_form_with_a_problem_saves_nothing_and_names_the_field(
        app, doctor, unconsented, fields, field, words):
    response = doctor(f"/patients/{unconsented['patient']}/consent/antalgic",
                      consent_form(**fields))
    assert response.status_code == 422
    error = soup(response).select_one(f"#{field}-error")
    assert error is not None and words in error.get_text()
    assert consents(app) == []


def test_a_consent_for_no_known_treatment_or_patient_is_not_found(doctor, unconsented):
    patient = unconsented["patient"]
    assert doctor(f"/patients/{patient}/consent/botox", consent_form()).status_code == 404
    assert doctor("/patients/999/consent/antalgic", consent_form()).status_code == 404


def test_the_next_page_after_signing_stays_on_this_site(doctor, unconsented):
    response = doctor(f"/patients/{unconsented['patient']}/consent/antalgic",
                      consent_form(next="https://evil.example/x"))
    assert response.status_code == 303
    assert response.location.endswith(f"/patients/{unconsented['patient']}")


@pytest.mark.parametrize("treatment", list(TREATMENTS))
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_treatment_has_its_consent_in_every_language(client, doctor, unconsented,
                                                           treatment, language):
    page = soup(client.get(f"/patients/{unconsented['patient']}/consent/{treatment}"
                           f"?language={language}"))
    text = page.select_one("[data-testid=consent-text]")
    assert text["lang"] == language
    assert text.get_text().strip() == built_in(treatment, language)
    assert page.select_one("input[name=text_version]")["value"] == "1"


def test_the_clinic_edits_a_text_as_a_new_version_and_a_signed_consent_keeps_its_own(
        app, client, doctor, unconsented):
    patient = unconsented["patient"]
    assert doctor(f"/patients/{patient}/consent/face", consent_form(language="it")
                  ).status_code == 303
    assert client.get("/settings/consents").status_code == 403  # a doctor: not the settings
    make_user(app, "admin", role="admin")
    admin = app.test_client()
    login(admin, "admin")
    token = soup(admin.get("/settings/consents?treatment=face&language=it")).select_one(
        "input[name=csrf_token]")["value"]

    def publish(body: str, version: str):
        return admin.post("/settings/consents", data={
            "treatment": "face", "language": "it", "version": version, "body": body,
            "csrf_token": token})

    assert publish("Testo della clinica, versione 2.", "1").status_code == 303
    stale = publish("Un altro testo scritto sulla versione 1.", "1")
    assert stale.status_code == 409 and "Un altro testo" in stale.get_data(as_text=True)
    empty = publish("   ", "2")
    assert empty.status_code == 422 and soup(empty).select_one("#body-error") is not None
    page = soup(client.get(f"/patients/{patient}/consent/face?language=it"))
    assert page.select_one("[data-testid=consent-text]").get_text().strip() == \
        "Testo della clinica, versione 2."
    # The patient read version 1 on a page opened before the edit: nothing is signed on it.
    refused = doctor(f"/patients/{patient}/consent/face", consent_form(language="it"))
    assert refused.status_code == 409
    assert doctor(f"/patients/{patient}/consent/face", consent_form(
        language="it", text_version="2")).status_code == 303
    first, second = consents(app)
    assert (first["text_version"], second["text_version"]) == (1, 2)
    assert first["body"] == built_in("face", "it")
    assert second["body"] == "Testo della clinica, versione 2."
    # The other languages and treatments keep their own texts.
    english = soup(client.get(f"/patients/{patient}/consent/face?language=en"))
    assert english.select_one("[data-testid=consent-text]").get_text().strip() == \
        built_in("face", "en")
    assert ("create", "face it v2") in audit_actions(app, "consent_text")


def test_a_signed_consent_prints_with_its_signature(client, doctor, unconsented):
    assert doctor(f"/patients/{unconsented['patient']}/consent/cellulite",
                  consent_form(language="es", photos_teaching="yes")).status_code == 303
    page = soup(client.get("/consents/1"))
    shown = page.select_one("[data-testid=consent]")
    assert built_in("cellulite", "es")[:50] in shown.get_text()
    assert "version 1" in shown.get_text() and "Español" in shown.get_text()
    assert shown.select_one("[data-testid=consent-signature] path")["d"] == (
        "M40 120L120 60L200 140L280 70L360 130")
    assert client.get("/consents/2").status_code == 404


def test_the_cycle_report_prints_the_consent_its_sessions_were_signed_on(client, doctor, cycle):
    from tests.helpers.documents import pdf_text
    from tests.helpers.records import signed

    signed(doctor, 1)
    signed(doctor, 2, performed_at="2026-10-12T10:00", **{"q-skin-test": None})
    page = soup(client.get("/cycles/1/report"))
    [shown] = page.select("[data-testid=consent]")
    assert "Sessions signed on it: 1, 2 ·" in shown.get_text(" ", strip=True)
    assert built_in("antalgic", "en").split("\n\n")[0] in shown.get_text()
    assert shown.select_one("svg path")["d"] == "M40 120L120 60L200 140L280 70L360 130"
    assert "Signed by Maria Rossi on" in shown.get_text()
    pdf = client.get("/cycles/1/report.pdf?lang=it").data
    SHOTS.mkdir(exist_ok=True)
    (SHOTS / "cycle-report-consent.pdf").write_bytes(pdf)  # to be looked at (pdftoppm)
    italian = pdf_text(pdf)
    assert "Il consenso del paziente" in italian and "Sedute firmate" in italian
    assert "The doctor has explained the treatment" in italian  # the text as read, in English


def test_a_consent_signed_after_the_session_blocks_until_the_doctor_says_why(app, doctor):
    """A session recorded late, its consent signed on the screen only today: the doctor says
    why (a paper consent at the time) or it is not signed."""
    patient = created_id(add(doctor, family_name="Rossi", given_name="Maria", **HEALTHY))
    plan = saved_id(save(doctor, patient, knee_plan()))
    rid = record_id(doctor(f"/plans/{plan}/record", form(performed_at="2026-10-05T10:00")))
    assert doctor(f"/patients/{patient}/consent/antalgic", consent_form()).status_code == 303
    refused = sign(doctor, rid)
    assert refused.status_code == 422
    assert f"The consent was signed on {date.today().isoformat()}, after this session" in \
        gate_text(refused)
    reason = "Paper consent signed on 2026-10-05, scanned into the chart."
    # A wrong password signs nothing and keeps the reason typed.
    wrong = sign(doctor, rid, reason=reason, password="not my password")
    assert wrong.status_code == 422
    assert soup(wrong).select_one("textarea[name=override_reason]").get_text() == reason
    assert sign(doctor, rid, reason=reason).status_code == 303
    stored = row(app, rid)
    assert stored["override_reason"] == reason and "after this session" in \
        stored["override_findings"]
    assert ("override", "consent-late") in audit_actions(app, "session_record")


def test_a_consent_to_another_treatment_does_not_sign_the_record(app, doctor, unconsented):
    patient, rid = unconsented["patient"], unconsented["record"]
    assert doctor(f"/patients/{patient}/consent/face", consent_form()).status_code == 303
    refused = sign(doctor, rid)
    assert refused.status_code == 422
    assert "has not signed the consent to this treatment" in refused.get_data(as_text=True)
    assert row(app, rid)["status"] == "draft"


def test_viewing_a_consent_is_audited_with_its_id(app, client, doctor, unconsented):
    assert doctor(f"/patients/{unconsented['patient']}/consent/antalgic",
                  consent_form()).status_code == 303
    assert client.get("/consents/1").status_code == 200
    assert "view" in [action for action, _detail in audit_actions(app, "consent")]


def test_a_forged_consent_text_form_publishes_nothing(app, doctor):
    make_user(app, "admin", role="admin")
    admin = app.test_client()
    login(admin, "admin")
    token = soup(admin.get("/settings/consents")).select_one("input[name=csrf_token]")["value"]
    for forged in ({"treatment": "botox", "language": "en"},
                   {"treatment": "face", "language": "de"}, {"treatment": "face"}):
        response = admin.post("/settings/consents", data={
            **forged, "version": "1", "body": "Forged", "csrf_token": token})
        assert response.status_code == 422, forged
    assert "create" not in [a for a, _d in audit_actions(app, "consent_text")]
    assert "Forged" not in admin.get("/settings/consents?treatment=face&language=en").get_data(
        as_text=True)


def test_wrong_signing_passwords_wait_as_logins_do(app, doctor, cycle, monkeypatch):
    """A password guessed at an unattended tablet's signature waits as a login's does, and the
    failures count for the login too."""
    from sqlalchemy import func, select

    from planner.extensions import db
    from planner.models import LoginFailure
    from planner.web import login_waits

    rid = draft(doctor)
    for _ in range(login_waits.FREE_FAILURES_PER_USER):
        assert sign(doctor, rid, password="a guess").status_code == 422
    with app.app_context():
        last = db.session.scalar(select(func.max(LoginFailure.at)).where(
            LoginFailure.username == "doctor"))
    monkeypatch.setattr(login_waits, "now", lambda: last)  # no time has passed since
    waited = sign(doctor, rid)
    assert waited.status_code == 429
    assert "Too many wrong passwords: wait 1 second" in waited.get_data(as_text=True)
    assert row(app, rid)["status"] == "draft"
    monkeypatch.setattr(login_waits, "now", lambda: last + timedelta(seconds=2))
    assert sign(doctor, rid).status_code == 303  # the wait over, the right password signs
