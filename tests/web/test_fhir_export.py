"""The FHIR export of a signed session, through the app: what the record says, validated with
fhir.resources (R4B models: see tests/test_fhir.py), audited, refused for a draft."""

from __future__ import annotations

import json
from decimal import Decimal

from tests.helpers.audit import audit_actions
from tests.helpers.fhir import validated
from tests.helpers.records import draft, row, signed


def resources_by_type(document: dict) -> dict[str, list[dict]]:
    return {kind: [entry["resource"] for entry in entries]
            for kind, entries in validated(document).items()}


def test_a_signed_session_exports_as_a_valid_bundle_of_what_was_given(app, client, doctor,
                                                                        cycle):
    rid = signed(doctor, skipped="1")
    response = client.get(f"/records/{rid}/fhir.json")
    assert response.status_code == 200
    assert response.mimetype == "application/fhir+json"
    assert f'filename="mesoplanner-session-{rid}.json"' in response.headers[
        "Content-Disposition"]
    assert "Rossi" not in response.headers["Content-Disposition"]
    found = resources_by_type(json.loads(response.get_data(as_text=True)))
    stored = row(app, rid)
    patient = found["Patient"][0]
    assert patient["name"] == [{"family": "Rossi", "given": ["Maria"]}]
    procedure = found["Procedure"][0]
    assert procedure["bodySite"][0]["coding"][0]["system"] == "http://snomed.info/sct"
    assert procedure["bodySite"][0]["text"].endswith(", right")
    assert found["BodyStructure"][0]["locationQualifier"][0]["coding"][0]["code"] == "24028007"
    assert procedure["performedDateTime"].startswith("2026-10-05T10:00:00")
    assert procedure["note"][0]["text"].startswith(f"{stored['points_done']} intradermal")
    by_name = {(m.get("medicationReference") or m.get("medicationCodeableConcept"))
               .get("display", m.get("medicationCodeableConcept", {}).get("text")): m
               for m in found["MedicationAdministration"]}
    assert sorted(by_name) == ["lidocaine 2%", "saline 0.9%"]
    lidocaine = by_name["lidocaine 2%"]
    # 0.50 mL per point of a 1:1 mixture of lidocaine 2% (10 mg/mL mixed): 5 mg per point.
    given_mg = Decimal(str(lidocaine["dosage"]["dose"]["value"]))
    assert given_mg == Decimal(stored["points_done"]) * 5
    assert lidocaine["dosage"]["route"]["coding"][0]["code"] == "372464004"
    assert lidocaine["contained"][0]["batch"]["lotNumber"] == "LIDO-1"
    assert lidocaine["contained"][0]["code"]["coding"][0]["code"] == "N01BB02"  # ATC, lidocaine
    saline = by_name["saline 0.9%"]["medicationCodeableConcept"]
    assert saline["coding"][0]["code"] == "B05XA03"  # sodium chloride, however it was named
    pains = sorted((o["code"]["text"], o["valueQuantity"]["value"]) for o in found["Observation"])
    assert pains == [("Pain after the session", 5), ("Pain before the session", 7)]
    assert ("export", "FHIR R4 bundle") in audit_actions(app, "session_record")


def test_a_draft_is_not_exported(app, client, doctor, cycle):
    rid = draft(doctor)
    response = client.get(f"/records/{rid}/fhir.json")
    assert response.status_code == 409
    assert "Only a signed session can be exported" in response.get_data(as_text=True)
    assert ("export", "FHIR R4 bundle") not in audit_actions(app, "session_record")


def test_the_signed_record_page_offers_the_export(client, doctor, cycle):
    rid = signed(doctor)
    html = client.get(f"/records/{rid}").get_data(as_text=True)
    assert f'href="/records/{rid}/fhir.json"' in html
    assert f'href="/records/{rid}/fhir.json"' not in client.get(
        f"/records/{draft(doctor, session=2)}").get_data(as_text=True)


def test_the_photos_of_the_session_go_with_it_as_media(app, client, doctor, cycle):
    """Issue 20: the record's photos, as kept (no metadata), each a Media of the Procedure."""
    import base64
    import io

    from tests.helpers.photos import phone_jpeg, upload_form

    rid = signed(doctor)
    for moment in ("before", "after"):
        response = doctor(f"/patients/{cycle['patient']}/photos", upload_form(
            phone_jpeg(), record_id=str(rid), moment=moment, site_text="",
            site="knee-anterior|right|knee-anterior/medial"), content_type="multipart/form-data")
        assert response.status_code == 303
    response = client.get(f"/records/{rid}/fhir.json")
    found = resources_by_type(json.loads(response.get_data(as_text=True)))
    media = found["Media"]
    assert [m["content"]["title"] for m in media] == ["Before the session", "After the session"]
    assert {m["bodySite"]["coding"][0]["code"] for m in media} == {"72696002"}
    served = client.get("/photos/1/image").data
    assert base64.b64decode(media[0]["content"]["data"]) == served
    from PIL import Image

    assert not Image.open(io.BytesIO(served)).getexif()
    assert ("export", "FHIR R4 bundle, 2 photos") in audit_actions(app, "session_record")
