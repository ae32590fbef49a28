"""Session records: recording, the safety gate and its override, signing, locking, addenda, the
cycle's summary and the batch recall."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.helpers.audit import audit_actions
from tests.helpers.documents import flat_text
from tests.helpers.pages import inline_problems, soup_problems
from tests.helpers.patients import add, created_id
from tests.helpers.plans import engine_result, knee_plan, save, saved_id
from tests.helpers.records import HEALTHY, QUESTIONS, draft, form, gate_text, record_id, row, signed
from tests.helpers.users import PASSWORD, csrf_token, login, make_user

# ---------------------------------------------------------------------------- recording


def test_it_offers_the_plans_components_as_products(client, cycle):
    soup = BeautifulSoup(client.get("/sessions/1/record").get_data(as_text=True), "html.parser")
    assert [soup.select_one(f"input[name=product-{i}]")["value"] for i in (0, 1)] == [
        "lidocaine 2%", "saline 0.9%"]
    assert soup.select_one("select[name=performer_id] option[selected]").get_text() == \
        "Dr Doctor"
    # Before the patient's first session, the skin test is asked.
    assert soup.select_one("input[name=q-skin-test]") is not None


def test_it_records_then_signs_a_planned_session(app, client, doctor, cycle):
    rid = draft(doctor, adverse=["bruising"], adverse_details="small bruise at point 4")
    stored = row(app, rid)
    assert stored["status"] == "draft" and stored["scheduled_status"] == "planned"
    assert stored["pain_before"] == 7 and stored["pain_after"] == 5
    assert stored["products"] == [("lidocaine 2%", "LIDO-1", date(2030, 1, 31))]
    assert json.loads(stored["adverse_json"]) == ["bruising"]
    page = client.get(f"/records/{rid}")
    assert "Nothing found: the session can be signed." in gate_text(page)
    assert doctor(f"/records/{rid}/sign", {"password": PASSWORD, "version": "1"}).status_code == 303
    stored = row(app, rid)
    assert stored["status"] == "signed" and stored["scheduled_status"] == "done"
    assert stored["signed_by_id"] == 1 and stored["signed_weight_kg"] == 70
    assert stored["override_reason"] == ""
    # (reading the record is audited too: "view")
    assert [a for a, _d in audit_actions(app, "session_record") if a != "view"] == [
        "create", "sign"]
    soup = BeautifulSoup(client.get(f"/records/{rid}").get_data(as_text=True), "html.parser")
    assert "Signed by Dr Doctor (doctor) on" in soup.select_one(
        "[data-testid=signature]").get_text()
    assert soup.select_one("input[name=pain_before]") is None  # nothing to edit


def test_skipped_changed_and_added_points_change_what_was_given(app, client, doctor, cycle):
    planned = len(engine_result(knee_plan()).points)
    rid = draft(doctor, skipped="2, 4-5", volumes="1=0.30", added="2",
                added_volume_ml="0.25", added_mixture="A")
    stored = row(app, rid)
    assert stored["points_done"] == planned - 3 + 2
    # 0.50 per point; point 1 gets 0.30; three skipped; two added at 0.25.
    expected = (planned - 4) * 50 + 30 + 2 * 25
    assert stored["total_ml"] == f"{expected // 100}.{expected % 100:02d}"
    text = gate_text(client.get(f"/records/{rid}"))
    assert "Nothing found" in text


def test_an_italian_draft_shows_its_volumes_with_a_comma_and_saves_them_back(app, doctor,
                                                                              cycle):
    rid = draft(doctor, volumes="1=0.30", added="2", added_volume_ml="0.25", added_mixture="A")
    make_user(app, "medico", language="it")
    reader = app.test_client()
    login(reader, "medico")
    soup = BeautifulSoup(reader.get(f"/records/{rid}").get_data(as_text=True), "html.parser")
    shown = {"volumes": soup.select_one("[name=volumes]").get_text(),
             "added_volume_ml": soup.select_one("[name=added_volume_ml]")["value"]}
    assert shown == {"volumes": "1=0,30", "added_volume_ml": "0,25"}
    before = row(app, rid)["total_ml"]
    token = soup.select_one("[name=csrf_token]")["value"]
    saved = reader.post(f"/records/{rid}", data={
        **form(added="2", added_mixture="A", **shown), "version": "1", "csrf_token": token})
    assert saved.status_code == 303, gate_text(saved)
    assert row(app, rid)["total_ml"] == before and row(app, rid)["version"] == 2


@pytest.mark.parametrize(("fields", "field"), [
    ({"performed_at": "tomorrow"}, "performed_at"),
    ({"performer_id": "999"}, "performer_id"),
    ({"performer_id": "x"}, "performer_id"),
    ({"skipped": "999"}, "skipped"),
    ({"skipped": "5-3"}, "skipped"),
    ({"skipped": "two"}, "skipped"),
    ({"volumes": "3=abc"}, "volumes"),
    ({"volumes": "3=0"}, "volumes"),
    ({"volumes": "3=0.001"}, "volumes"),
    ({"volumes": "3=0.2", "skipped": "3"}, "volumes"),
    ({"added": "x"}, "added"),
    ({"added": "2"}, "added_volume_ml"),
    ({"added": "2", "added_volume_ml": "0.2", "added_mixture": "Z"}, "added_mixture"),
    ({"added": "500", "added_volume_ml": "0.2"}, "added"),
    ({"pain_before": "11"}, "pain_before"),
    ({"pain_before": "-1"}, "pain_before"),
    ({"pain_after": "7.5"}, "pain_after"),
    ({"pain_scale": "vas", "pain_before": "101"}, "pain_before"),
    ({"expiry-0": "soon"}, "expiry-0"),
    ({"product-0": "", "lot-0": "L-9"}, "product-0"),
    ({"lot-0": "L" * 61}, "lot-0"),
    ({"adverse": ["other"]}, "adverse_details"),
    ({"notes": "n" * 4001}, "notes"),
])
def test_bad_input_names_the_field_and_saves_nothing(app, doctor, cycle, fields, field):
    response = doctor("/sessions/1/record", form(**fields))
    assert response.status_code == 422
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.select_one(f"[name='{field}'][aria-invalid=true]") is not None, \
        soup.select(".field-error")
    assert soup.select_one(f"#{field}-error").get_text().strip()
    assert row(app, 1) == {}


def test_vas_scores_up_to_100_are_accepted(app, doctor, cycle):
    rid = draft(doctor, pain_scale="vas", pain_before="68", pain_after="100")
    assert (row(app, rid)["pain_scale"], row(app, rid)["pain_before"]) == ("vas", 68)


def test_a_refused_form_keeps_what_was_typed(doctor, cycle):
    response = doctor("/sessions/1/record", form(pain_before="12", notes="keep me",
                                                 **{"lot-1": "SAL-7"}))
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.select_one("textarea[name=notes]").get_text() == "keep me"
    assert soup.select_one("input[name=lot-1]")["value"] == "SAL-7"
    assert soup.select_one("input[name=pain_before]")["value"] == "12"


def test_a_draft_saved_twice_keeps_the_second_and_refuses_a_stale_version(app, doctor, cycle):
    rid = draft(doctor)
    assert doctor(f"/records/{rid}", {**form(pain_before="6"), "version": "1"}
                  ).status_code == 303
    stale = doctor(f"/records/{rid}", {**form(pain_before="2"), "version": "1"})
    assert stale.status_code == 409
    soup = BeautifulSoup(stale.get_data(as_text=True), "html.parser")
    assert soup.select_one("input[name=pain_before]")["value"] == "2"  # not lost
    assert soup.select_one("input[name=version]")["value"] == "2"
    assert row(app, rid)["pain_before"] == 6


def test_a_draft_can_be_discarded_and_the_session_recorded_again(app, doctor, cycle):
    rid = draft(doctor)
    assert doctor(f"/records/{rid}/discard").status_code == 303
    assert (row(app, rid)["status"], row(app, rid)["scheduled_id"]) == ("discarded", None)
    assert ("discard", "") in audit_actions(app, "session_record")
    again = draft(doctor)
    assert again != rid and row(app, again)["scheduled_id"] == 1
    # A discarded draft is kept as it was, and cannot be revived.
    assert doctor(f"/records/{rid}", {**form(), "version": "2"}).status_code == 409
    assert doctor(f"/records/{rid}/sign", {"password": PASSWORD, "version": "2"}).status_code == 409
    assert row(app, rid)["status"] == "discarded"


def test_a_session_outside_a_cycle_is_recorded_from_the_plan(app, doctor, cycle):
    rid = record_id(doctor(f"/plans/{cycle['plan']}/record", form()))
    assert row(app, rid)["scheduled_id"] is None


# ----------------------------------------------------------------------------- the gate


@pytest.mark.parametrize("question", [*QUESTIONS, "skin-test"])
def test_a_positive_answer_blocks_until_an_override_with_a_reason(app, doctor, cycle,
                                                                  question):
    finding = "no" if question == "skin-test" else "yes"
    rid = draft(doctor, **{f"q-{question}": finding})
    refused = doctor(f"/records/{rid}/sign", {"password": PASSWORD, "version": "1"})
    assert refused.status_code == 422
    assert "Answered" in gate_text(refused)
    short = doctor(f"/records/{rid}/sign", {
        "password": PASSWORD, "version": "1", "override_reason": "ok"})
    assert short.status_code == 422
    assert row(app, rid)["status"] == "draft"
    reason = "discussed with the patient, benefit outweighs the risk"
    assert doctor(f"/records/{rid}/sign", {
        "password": PASSWORD, "version": "1", "override_reason": reason}
                  ).status_code == 303
    stored = row(app, rid)
    assert stored["status"] == "signed" and stored["override_reason"] == reason
    assert "Answered" in stored["override_findings"]
    assert ("override", question) in audit_actions(app, "session_record")


@pytest.mark.parametrize(("language", "finding", "not_english"), [
    ("it", "Infezione nella sede, locale o sistemica?", "Answered"),
    ("es", "¿Infección en la zona, local o sistémica?", "Answered"),
    ("en", "Answered yes: Infection at the site, local or systemic?", "Infezione"),
])
def test_a_signed_override_is_read_in_the_readers_language(app, doctor, cycle, language,
                                                           finding, not_english):
    """An English doctor signs over a finding; each colleague reads it in their own words."""
    rid = signed(doctor, reason="discussed with the patient, benefit outweighs the risk",
                 **{"q-infection": "yes"})
    make_user(app, "collega", language=language)
    reader = app.test_client()
    login(reader, "collega")
    soup = BeautifulSoup(reader.get(f"/records/{rid}").get_data(as_text=True), "html.parser")
    override = soup.select_one("[data-testid=override]").get_text(" ", strip=True)
    assert finding in override
    assert not_english not in override


def test_the_findings_are_kept_in_every_language_as_signed(app, client, doctor, cycle):
    """What the doctors read of a signed override is fixed at signing: a later change of the
    wording (here: a template no catalogue knows any more) leaves the record as it was."""
    from planner.extensions import db
    from planner.models import SessionRecord

    rid = signed(doctor, reason="discussed with the patient, benefit outweighs the risk",
                 **{"q-infection": "yes"})
    kept = json.loads(row(app, rid)["override_findings"])
    assert [f["code"] for f in kept] == ["infection"]
    assert kept[0]["text"] == {
        "en": "Answered yes: Infection at the site, local or systemic?",
        "it": "Risposta «sì»: Infezione nella sede, locale o sistemica?",
        "es": "Respuesta «sí»: ¿Infección en la zona, local o sistémica?"}
    kept[0]["message"]["template"] = "A wording changed since: %(answer)s %(question)s"
    with app.app_context():
        db.session.get(SessionRecord, rid).override_findings = json.dumps(kept)
        db.session.commit()
    make_user(app, "collega", language="it")
    reader = app.test_client()
    login(reader, "collega")
    soup = BeautifulSoup(reader.get(f"/records/{rid}").get_data(as_text=True), "html.parser")
    assert [li.get_text() for li in soup.select("[data-testid=override] li")] == [
        "Risposta «sì»: Infezione nella sede, locale o sistemica?"]


@pytest.mark.parametrize(("stored", "shown"), [
    ('[{"template": "Answered %(answer)s: %(question)s", "params": {"answer": {"text": "yes"}, '
     '"question": {"text": "Infection?"}}}]', ["Answered yes: Infection?"]),
    ('[{"code": "x", "message": {"template": 1}}]', ['{"code": "x", "message": {"template": 1}}']),
    ('{"not": "a list"}', ['{"not": "a list"}']),
    ("[" * 100_000 + "]" * 100_000, ["[" * 100_000 + "]" * 100_000]),
])
def test_a_damaged_or_older_kept_finding_is_shown_never_lost(app, client, doctor, cycle, stored,
                                                            shown):
    from planner.extensions import db
    from planner.models import SessionRecord

    rid = signed(doctor, reason="discussed with the patient, benefit outweighs the risk",
                 **{"q-infection": "yes"})
    with app.app_context():
        db.session.get(SessionRecord, rid).override_findings = stored
        db.session.commit()
    response = client.get(f"/records/{rid}")
    assert response.status_code == 200
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert [li.get_text() for li in soup.select("[data-testid=override] li")] == shown


def test_an_override_stored_as_text_before_is_shown_as_it_was(app, client, doctor, cycle):
    """Records signed before the findings were kept as messages hold English lines."""
    from planner.extensions import db
    from planner.models import SessionRecord

    rid = signed(doctor, reason="discussed with the patient, benefit outweighs the risk",
                 **{"q-infection": "yes"})
    with app.app_context():
        db.session.get(SessionRecord, rid).override_findings = "Answered yes: old line\nSecond"
        db.session.commit()
    soup = BeautifulSoup(client.get(f"/records/{rid}").get_data(as_text=True), "html.parser")
    assert [li.get_text() for li in soup.select("[data-testid=override] li")] == [
        "Answered yes: old line", "Second"]


def test_an_unanswered_question_cannot_be_overridden(app, doctor, cycle):
    rid = draft(doctor, **{"q-infection": None})
    response = doctor(f"/records/{rid}/sign", {"password": PASSWORD, "version": "1",
                                               "override_reason": "a long enough reason"})
    assert response.status_code == 422
    assert "Not answered" in gate_text(response)
    assert row(app, rid)["status"] == "draft"


@pytest.mark.parametrize(("fields", "said"), [
    ({"lot-0": ""}, "No lot number for lidocaine 2%"),
    ({"pain_before": ""}, "The pain before the session is not scored"),
])
def test_missing_lot_or_pain_blocks_signing(app, doctor, cycle, fields, said):
    rid = draft(doctor, **fields)
    response = doctor(f"/records/{rid}/sign", {"password": PASSWORD, "version": "1",
                                               "override_reason": "a long enough reason"})
    assert response.status_code == 422 and said in gate_text(response)
    assert row(app, rid)["status"] == "draft"


def test_the_skin_test_is_asked_before_the_first_session_only(client, doctor, cycle):
    signed(doctor, 1)
    soup = BeautifulSoup(client.get("/sessions/2/record").get_data(as_text=True),
                         "html.parser")
    assert soup.select_one("input[name=q-skin-test]") is None
    signed(doctor, 2, performed_at="2026-10-12T10:00", **{"q-skin-test": None})


@pytest.mark.parametrize(("patient", "said"), [
    ({"anticoagulants": "1", "anticoagulant_details": "warfarin"},
     "record says anticoagulant or antiplatelet therapy"),
    ({"pregnant": "1"}, "record says pregnant"),
    ({"bleeding_disorder": "1"}, "record says bleeding disorder"),
    ({"allergies": "Lidocaína (rash, 2019)"}, "allergy matching lidocaine 2%"),
    ({"weight_kg": "8"}, "above the limit"),
    ({"weight_kg": None}, "the patient's weight is not given"),
])
def test_the_patients_record_and_doses_are_checked(app, doctor, patient, said):
    pid = created_id(add(doctor, family_name="Gate", given_name="Case",
                         **{**HEALTHY, **patient}))
    plan = saved_id(save(doctor, pid, knee_plan()))
    rid = record_id(doctor(f"/plans/{plan}/record", form()))
    response = doctor(f"/records/{rid}/sign", {"password": PASSWORD, "version": "1"})
    assert response.status_code == 422
    assert said in gate_text(response)


def test_an_expired_product_blocks(doctor, cycle):
    rid = draft(doctor, **{"expiry-0": "2026-10-04"})
    response = doctor(f"/records/{rid}/sign", {"password": PASSWORD, "version": "1"})
    assert "expired on 2026-10-04" in gate_text(response)


def test_the_same_site_outside_the_cycle_within_3_months_blocks(doctor, cycle):
    signed(doctor, 1)  # 2026-10-05, in the cycle
    # Inside the cycle the same site is the point of a cycle: no finding.
    assert signed(doctor, 2, performed_at="2026-10-12T10:00", **{"q-skin-test": None})
    # A session of the same knee outside the cycle, a month later, is found.
    outside = record_id(doctor(f"/plans/{cycle['plan']}/record",
                               form(performed_at="2026-11-01T10:00")))
    response = doctor(f"/records/{outside}/sign", {"password": PASSWORD, "version": "1"})
    assert response.status_code == 422
    assert "This site was injected on 2026-10-12" in gate_text(response)


def test_an_assistant_records_but_does_not_sign(app, client, cycle):
    make_user(app, "assistant", role="assistant")
    client.post("/logout", data={"csrf_token": _token(client)})
    login(client, "assistant")
    token = _token(client)
    rid = record_id(client.post("/sessions/1/record", data={**form(), "csrf_token": token}))
    page = client.get(f"/records/{rid}").get_data(as_text=True)
    assert "A doctor signs the record." in page
    response = client.post(f"/records/{rid}/sign", data={"version": "1", "csrf_token": token})
    assert response.status_code == 403
    assert row(app, rid)["status"] == "draft"


def _token(client) -> str:
    return csrf_token(client)


# ------------------------------------------------------------------- signed means final


def changes(rid: int, cycle: dict[str, int]) -> list[tuple[str, dict[str, Any]]]:
    """Every route that could change a signed record, with a form that would."""
    return [
        (f"/records/{rid}", {**form(pain_before="1", notes="rewritten"), "version": "2"}),
        (f"/records/{rid}", {**form(pain_before="1"), "version": "1"}),
        (f"/records/{rid}/sign", {
            "password": PASSWORD, "version": "2", "override_reason": "sign it once more"}),
        (f"/records/{rid}/discard", {}),
        ("/sessions/1/record", form(pain_before="1")),
        ("/sessions/1/date", {"planned_on": "2027-01-01"}),
    ]


@pytest.mark.parametrize("k", range(6))
def test_a_signed_record_cannot_be_changed_through_any_route(app, doctor, cycle, k):
    rid = signed(doctor, 1)
    before = row(app, rid)
    path, data = changes(rid, cycle)[k]
    response = doctor(path, data)
    assert response.status_code in (303, 409)
    assert row(app, rid) == before
    if response.status_code == 409:
        assert "signed and cannot be changed" in response.get_data(as_text=True)


def test_the_route_table_of_the_locking_test_is_complete(app):
    """A new route that writes to /records/<id> must join ``changes`` (or be the addendum)."""
    rules = {r.rule for r in app.url_map.iter_rules() if "POST" in r.methods
             and r.rule.startswith("/records/")}
    assert rules == {"/records/<int:record_id>", "/records/<int:record_id>/sign",
                     "/records/<int:record_id>/discard", "/records/<int:record_id>/addenda"}


def test_an_addendum_keeps_the_original_and_says_who_and_when(app, client, doctor, cycle):
    rid = signed(doctor, 1)
    before = row(app, rid)
    assert doctor(f"/records/{rid}/addenda", {"text": "Pain before was 8, not 7."}
                  ).status_code == 303
    after = row(app, rid)
    assert after["addenda"] == ["Pain before was 8, not 7."]
    assert {k: v for k, v in after.items() if k != "addenda"} == \
        {k: v for k, v in before.items() if k != "addenda"}
    soup = BeautifulSoup(client.get(f"/records/{rid}").get_data(as_text=True), "html.parser")
    assert soup.select_one("[data-testid=pain-before]").get_text().startswith("7")
    addendum = soup.select_one(".addendum").get_text(" ", strip=True)
    assert "Added by Dr Doctor" in addendum and "Pain before was 8" in addendum
    assert doctor(f"/records/{rid}/addenda", {"text": "  "}).status_code == 422
    assert len(row(app, rid)["addenda"]) == 1


def test_a_plan_used_in_a_signed_session_is_never_edited_in_place(app, client, doctor, cycle):
    from planner.extensions import db
    from planner.models import Cycle, PlanRecord

    rid = signed(doctor, 1)
    with app.app_context():
        old_json = db.session.get(PlanRecord, cycle["plan"]).plan_json
    editor = client.get(f"/plans/{cycle['plan']}").get_data(as_text=True)
    assert 'data-testid="plan-locked"' in editor
    response = save(doctor, cycle["patient"], knee_plan(spacing_mm=20), plan_id=cycle["plan"],
                    version="1")
    new_plan = saved_id(response)
    assert new_plan != cycle["plan"]
    with app.app_context():
        old = db.session.get(PlanRecord, cycle["plan"])
        assert (old.plan_json, old.version) == (old_json, 1)
        assert db.session.get(PlanRecord, new_plan).copied_from_id == cycle["plan"]
        assert db.session.get(Cycle, 1).plan_id == new_plan  # the next sessions follow it
    assert row(app, rid)["plan_json"] == old_json
    # Session 2 is recorded with the new plan.
    rid2 = draft(doctor, 2)
    assert row(app, rid2)["plan_id"] == new_plan


def test_a_plan_used_only_in_a_draft_is_still_edited_in_place(doctor, cycle):
    draft(doctor, 1)
    response = save(doctor, cycle["patient"], knee_plan(spacing_mm=20), plan_id=cycle["plan"],
                    version="1")
    assert saved_id(response) == cycle["plan"]


# ---------------------------------------------------------------------- trend and summary


def test_the_patient_page_shows_the_trend_and_the_cycle_summary(app, client, doctor, cycle):
    for session, pain in enumerate((7, 6, 4, 3), start=1):
        day = date(2026, 10, 5) + timedelta(days=7 * (session - 1))
        signed(doctor, session, pain_before=str(pain), pain_after=str(max(pain - 2, 0)),
               performed_at=f"{day.isoformat()}T10:00",
               **({"q-skin-test": None} if session > 1 else {}))
    html = client.get(f"/patients/{cycle['patient']}").get_data(as_text=True)
    assert not soup_problems(html) + inline_problems(html)
    soup = BeautifulSoup(html, "html.parser")
    chart = soup.select_one("[data-testid=pain-chart] svg")
    assert [c["data-score"] for c in chart.select("circle.before")] == ["7", "6", "4", "3"]
    assert soup.select_one("[data-testid=sessions-done]").get_text() == "4 of 4"
    assert soup.select_one("[data-testid=reduction]").get_text() == "57.1%"

    per_session = engine_result(knee_plan(), 70).components[0]
    assert per_session.name == "lidocaine 2%"
    cells = [td.get_text() for td in soup.select("[data-testid=cycle-components] tr")[1]
             .select("td")]
    assert cells[0] == "lidocaine 2%"
    from planner.core.dosing import to_hundredths

    assert Decimal(cells[2].replace(",", "")) == to_hundredths(per_session.mg * 4)
    assert len(soup.select("[data-testid=session-records] tbody tr")) == 4
    # The reduction the locale's way: Spanish puts a no-break space before the sign (CLDR).
    for language, reduction in (("it", "57,1%"), ("es", "57,1\xa0%")):
        make_user(app, f"reader-{language}", language=language)
        reader = app.test_client()
        login(reader, f"reader-{language}")
        page = BeautifulSoup(reader.get(f"/patients/{cycle['patient']}").get_data(as_text=True),
                             "html.parser")
        assert page.select_one("[data-testid=reduction]").get_text() == reduction


def test_drafts_are_not_in_the_summary(client, doctor, cycle):
    signed(doctor, 1)
    draft(doctor, 2, pain_before="1", performed_at="2026-10-12T10:00", **{"q-skin-test": None})
    soup = BeautifulSoup(client.get(f"/patients/{cycle['patient']}").get_data(as_text=True),
                         "html.parser")
    assert soup.select_one("[data-testid=sessions-done]").get_text() == "1 of 4"
    assert soup.select_one("[data-testid=reduction]").get_text() == "0.0%"


# ---------------------------------------------------------------------------- the recall


def test_the_recall_finds_the_patients_of_a_lot(app, client, doctor, cycle):
    signed(doctor, 1, **{"lot-0": "AB-12 34"})
    other = created_id(add(doctor, family_name="Other", given_name="Lot", **HEALTHY))
    plan = saved_id(save(doctor, other, knee_plan()))
    record_id(doctor(f"/plans/{plan}/record", form(**{"lot-0": "ZZ-9"})))
    for lot in ("AB-12 34", "ab1234", " AB 12-34 "):
        soup = BeautifulSoup(client.get("/recall", query_string={"lot": lot})
                             .get_data(as_text=True), "html.parser")
        names = [a.get_text() for a in soup.select("[data-testid=recall-results] td a")
                 if "/patients/" in a["href"]]
        assert names == ["Rossi, Maria"], lot
    by_product = client.get("/recall", query_string={"lot": "ab1234", "product": "lido"})
    assert "Rossi, Maria" in by_product.get_data(as_text=True)
    wrong_product = client.get("/recall", query_string={"lot": "ab1234", "product": "saline"})
    assert 'data-testid="recall-none"' in wrong_product.get_data(as_text=True)
    assert client.get("/recall", query_string={"lot": "A"}).status_code == 422


def test_the_recall_csv_is_audited_and_safe_in_a_spreadsheet(app, client, doctor, cycle):
    signed(doctor, 1, **{"product-0": "=HYPERLINK(\"http://evil\")", "lot-0": "AB-1"})
    response = client.get("/recall.csv", query_string={"lot": "ab1"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["record_number", "family_name", "given_name"]
    assert len(rows) == 2
    assert rows[1][1:3] == ["Rossi", "Maria"] and rows[1][8] == "AB-1"
    assert rows[1][7].startswith("'=")
    assert ("export", "CSV, 1 sessions") in audit_actions(app, "recall")


# ------------------------------------------------------------------------ on paper


def test_the_cycle_report_prints_the_trend_summary_and_lots(app, client, doctor, cycle):
    for session, pain in enumerate((7, 5), start=1):
        signed(doctor, session, pain_before=str(pain), performed_at=f"2026-10-{7 * session - 2:02d}"
               "T10:00", **({"q-skin-test": None} if session > 1 else {}),
               **{"lot-0": f"LIDO-{session}"})
    page = client.get("/cycles/1/report")
    assert page.status_code == 200
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    assert soup.select_one("img.pain-chart")["src"].startswith("data:image/svg+xml;base64,")
    response = client.get("/cycles/1/report.pdf")
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == 'inline; filename="mesoplanner-cycle-1.pdf"'
    text = flat_text(response.get_data())
    assert "Rossi, Maria" in text and "2 of 4" in text and "28.6%" in text
    assert "LIDO-1" in text and "LIDO-2" in text
    assert ("print", "report PDF") in audit_actions(app, "cycle")


def test_the_handout_gives_the_next_session_of_the_cycle(app, client, doctor, cycle):
    from planner.extensions import db
    from planner.models import ScheduledSession

    soon = date.today() + timedelta(days=3)
    with app.app_context():
        for s in db.session.query(ScheduledSession):
            s.planned_on = soon + timedelta(days=7 * (s.number - 1))
        db.session.commit()
    text = flat_text(client.get(f"/plans/{cycle['plan']}/handout.pdf").get_data())
    assert f"Next session: {soon.strftime('%b')} {soon.day}, {soon.year}" in text


# ------------------------------------------------------------------------ races and garbage


@pytest.mark.parametrize("action", ["update", "discard", "sign"])
def test_a_change_racing_the_signature_is_refused(app, doctor, cycle, monkeypatch, action):
    """Another request that read the draft before it was signed writes nothing after it."""
    import threading

    from planner.services import session_records
    from planner.web import records

    rid = draft(doctor)
    make_user(app, "second")
    other = app.test_client()
    login(other, "second")
    token = csrf_token(other)
    checked, signed_now = threading.Event(), threading.Event()
    hook = "parse" if action == "update" else "audit"  # both run after the status check
    module = records if action == "update" else session_records
    real = getattr(module, hook)

    def pause_the_racer(*args: Any, **kwargs: Any) -> Any:
        if threading.current_thread().name == "racer" and not checked.is_set():
            checked.set()
            signed_now.wait(10)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, hook, pause_the_racer)
    data = {"update": {**form(pain_before="1", notes="late edit"), "version": "1"},
            "discard": {}, "sign": {"version": "1", "password": PASSWORD}}[action]
    path = {"update": f"/records/{rid}", "discard": f"/records/{rid}/discard",
            "sign": f"/records/{rid}/sign"}[action]
    answer: dict[str, Any] = {}
    racer = threading.Thread(name="racer", target=lambda: answer.setdefault(
        "r", other.post(path, data={**data, "csrf_token": token})))
    racer.start()
    assert checked.wait(10)
    assert doctor(f"/records/{rid}/sign", {"password": PASSWORD, "version": "1"}).status_code == 303
    signed_row = row(app, rid)
    signed_now.set()
    racer.join(20)
    assert answer["r"].status_code == 409
    assert row(app, rid) == signed_row
    assert [a for a, _d in audit_actions(app, "session_record")] == ["create", "sign"]


@pytest.mark.parametrize(("fields", "field"), [
    ({"performer_id": "²"}, "performer_id"),
    ({"performer_id": "9" * 30}, "performer_id"),
    ({"pain_before": "³"}, "pain_before"),
    ({"pain_before": "9" * 5000}, "pain_before"),
    ({"volumes": "1=1e30"}, "volumes"),
    ({"volumes": "1=" + "1" * 40}, "volumes"),
    ({"volumes": "1=0.30\n1=0.10"}, "volumes"),
    ({"added": "2", "added_volume_ml": "1e30"}, "added_volume_ml"),
    ({"performed_at": "0001-01-01T00:00"}, "performed_at"),
    ({"performed_at": "9999-12-31T23:59"}, "performed_at"),
    ({"performed_at": "2026-10-05T10:00+05:00"}, "performed_at"),
    ({"lot-0": "- -"}, "lot-0"),
    ({"lot-0": "\u200b"}, "lot-0"),
    ({"product-12": "extra", "lot-12": "X-1"}, "products"),
])
def test_garbled_input_names_the_field(app, doctor, cycle, fields, field):
    response = doctor("/sessions/1/record", form(**fields))
    assert response.status_code == 422
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert soup.select_one(f"#{field}-error").get_text().strip()
    assert row(app, 1) == {}


def test_a_cycle_keeps_one_pain_scale(app, client, doctor, cycle):
    signed(doctor, 1)
    soup = BeautifulSoup(client.get("/sessions/2/record").get_data(as_text=True),
                         "html.parser")
    assert soup.select_one("select[name=pain_scale] option[selected]")["value"] == "nrs"
    response = doctor("/sessions/2/record", form(pain_scale="vas", pain_before="40",
                                                 performed_at="2026-10-12T10:00",
                                                 **{"q-skin-test": None}))
    assert response.status_code == 422
    assert "pain_scale-error" in response.get_data(as_text=True)


def test_a_record_whose_plan_no_longer_computes_is_still_shown(app, client, doctor, cycle):
    from planner.extensions import db
    from planner.models import PlanRecord, SessionRecord

    rid = signed(doctor, 1)
    draft_id = draft(doctor, 2, performed_at="2026-10-12T10:00", **{"q-skin-test": None})
    with app.app_context():
        for model in (SessionRecord, PlanRecord):
            for obj in db.session.query(model):
                obj.plan_json = obj.plan_json.replace('"0.50"', '"abc"')
        db.session.commit()
    page = client.get(f"/records/{rid}")
    assert page.status_code == 200
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    assert soup.select_one("[data-testid=plan-broken]") is not None
    assert "LIDO-1" in soup.select_one("[data-testid=products]").get_text()
    patient = client.get(f"/patients/{cycle['patient']}")
    assert patient.status_code == 200
    assert "can no longer be computed" in patient.get_data(as_text=True)
    assert client.get("/cycles/1/report").status_code == 200
    for path, data in ((f"/records/{draft_id}", {**form(), "version": "1"}),
                       (f"/records/{draft_id}/sign", {"password": PASSWORD, "version": "1"}),
                       ("/sessions/3/record", form())):
        answer = doctor(path, data)
        assert answer.status_code == 303, path
        assert urlsplit(answer.location).path == f"/patients/{cycle['patient']}"
    assert client.get(f"/records/{draft_id}").status_code == 303
