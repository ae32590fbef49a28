"""A cycle remembers: a new session record starts from the previous session's signed record,
each carried-over value marked until someone confirms it today."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from tests.helpers.records import QUESTIONS, form, gate_text, record_id, row, sign, signed

LOTS = {"product-0": "lidocaine 2%", "lot-0": "LIDO-7", "expiry-0": "2030-05-31",
        "product-1": "saline 0.9%", "lot-1": "NACL-3", "expiry-1": "2031-01-31"}


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def carried_form(page: BeautifulSoup, **changes: str | None) -> dict[str, str]:
    """The form as the page fills it (inputs, the checked answers), with ``changes``."""
    data: dict[str, str] = {}
    for field in page.select("form.record-form input, form.record-form select"):
        name = field.get("name")
        if not name or name == "csrf_token":
            continue
        if field.get("type") == "checkbox":
            continue
        if field.get("type") == "radio":
            if field.has_attr("checked"):
                data[name] = field["value"]
        elif field.name == "select":
            chosen = field.select_one("option[selected]") or field.select_one("option")
            data[name] = chosen["value"] if chosen else ""
        else:
            data[name] = field.get("value", "")
    data.update({"pain_before": "5", "performed_at": "2026-11-30T10:00"})
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


@pytest.fixture
def second(app, client, doctor, cycle):
    """Session 1 signed with two lots; the page of a new record of session 2."""
    first = signed(doctor, 1, **LOTS, **{"q-same-site": "no"})
    return first, soup(client.get("/sessions/2/record"))


def test_a_new_session_starts_from_the_previous_one_marked_as_carried(app, second):
    _first, page = second
    note = page.select_one("[data-testid=carried-note]")
    assert note is not None and "Started from session 1" in note.get_text()
    assert [page.select_one(f"input[name={k}]")["value"] for k in LOTS] == list(LOTS.values())
    for code in QUESTIONS:
        answer = page.select_one(f"input[name=q-{code}][checked]")
        assert answer is not None and answer["value"] == "no", code
        assert page.select_one(f"[data-carried=q-{code}] .carried-badge") is not None
    assert page.select_one("input[name=q-skin-test]") is None  # the first session's only
    assert sorted(page.select_one("input[name=carried]")["value"].split()) == sorted(
        [f"q-{c}" for c in QUESTIONS] + ["lot-0", "lot-1"])
    assert page.select("tr.carried") and len(page.select("tr.carried")) == 2


def test_carried_values_block_the_signing_until_confirmed(app, client, doctor, second):
    first, page = second
    rid = record_id(doctor("/sessions/2/record", carried_form(page)))
    stored = row(app, rid)
    assert stored["plan_version"] == row(app, first)["plan_version"]
    assert sorted(json.loads(stored["carried_json"])) == sorted(
        [*QUESTIONS, "lot:lidocaine 2%", "lot:saline 0.9%"])
    refused = sign(doctor, rid)
    assert refused.status_code == 422
    gate = gate_text(refused)
    assert "Carried over from the last session, not confirmed: Is the patient pregnant" in gate
    assert "Lot of saline 0.9% carried over from the last session, not confirmed" in gate
    assert row(app, rid)["status"] == "draft"
    # Both sections confirmed at once, with their tick boxes: the record signs.
    again = soup(client.get(f"/records/{rid}"))
    data = carried_form(again, version="1", **{"confirm-checklist": "1",
                                              "confirm-products": "1"})
    assert doctor(f"/records/{rid}", data).status_code == 303
    assert json.loads(row(app, rid)["carried_json"]) == []
    assert sign(doctor, rid, version=2).status_code == 303


def test_an_answer_given_again_confirms_only_that_one(app, doctor, second):
    """What the page's script sends when one carried question is answered again today."""
    _first, page = second
    left = [n for n in page.select_one("input[name=carried]")["value"].split()
            if n not in ("q-pregnancy", "lot-0")]
    rid = record_id(doctor("/sessions/2/record", carried_form(page, carried=" ".join(left))))
    assert sorted(json.loads(row(app, rid)["carried_json"])) == sorted(
        [c for c in QUESTIONS if c != "pregnancy"] + ["lot:saline 0.9%"])


@pytest.mark.parametrize("forged", ["q-bogus", "lot-99", "lot-x", "lot-", "pain_before",
                                    "q-skin-test lot-5", "x" * 5000])
def test_a_forged_carried_list_marks_nothing_it_could_not_have_marked(app, doctor, second,
                                                                      forged):
    _first, page = second
    rid = record_id(doctor("/sessions/2/record", carried_form(page, carried=forged)))
    assert json.loads(row(app, rid)["carried_json"]) == []


def test_without_a_signed_previous_session_nothing_is_carried(client, doctor, cycle):
    page = soup(client.get("/sessions/2/record"))
    assert page.select_one("[data-testid=carried-note]") is None
    assert page.select_one("input[name=carried]")["value"] == ""
    assert page.select(".carried-badge") == []
    rid = record_id(doctor("/sessions/2/record", form()))
    assert "carried over" not in gate_text(client.get(f"/records/{rid}"))


def test_a_previous_version_that_no_longer_computes_gives_way_to_the_current(app, client,
                                                                            doctor, second):
    from planner.extensions import db
    from planner.models import SessionRecord

    first, _page = second
    with app.app_context():  # its body map changed since, say: the old version fails now
        record = db.session.get(SessionRecord, first)
        doc = json.loads(record.plan_json)
        doc["areas"][0]["spacing_mm"] = 0
        record.plan_json = json.dumps(doc)
        db.session.commit()
    page = client.get("/sessions/2/record")
    assert page.status_code == 200
    shown = soup(page)
    assert shown.select_one("input[name=plan_source]")["value"] == "current"
    assert shown.select_one("input[name=lot-0]")["value"] == LOTS["lot-0"]  # still carried
    rid = record_id(doctor("/sessions/2/record", carried_form(shown)))
    assert json.loads(row(app, rid)["plan_json"])["areas"][0]["spacing_mm"] == 15


def test_a_forged_non_ascii_row_number_is_not_a_row(app, doctor, second):
    _first, page = second
    for forged in ("lot-²", "lot-٣", "lot-\uff11"):  # superscript, Arabic-Indic, full-width
        rid = record_id(doctor("/sessions/2/record", carried_form(page, carried=forged)))
        assert json.loads(row(app, rid)["carried_json"]) == []
        assert doctor(f"/records/{rid}/discard").status_code == 303
