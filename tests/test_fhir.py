"""The FHIR R4 export of a signed session (planner/fhir.py), validated twice.

- fhir.resources has no models for R4 (4.0.1) that run beside pydantic 2; its R4B (4.3.0) models
  check every value (types, codes, date formats, references).
- fhirclient's models are generated from FHIR 4.0.1 itself; read strictly, they refuse an
  element R4 does not have, a wrong type, and a missing required element. So a difference
  between R4 and R4B in anything written here would fail one of the two.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from planner import fhir
from tests.helpers.fhir import r4_validated, validated

ROME = timezone(timedelta(hours=1))
FACTS = fhir.SessionFacts(
    session_id=42,
    patient=fhir.PatientFacts("MP-000007", "Núñez", "Ángela", date(1961, 3, 12), "female"),
    performer="Dr Maria Rossi",
    performed_at=datetime(2026, 11, 20, 10, 30, tzinfo=ROME),
    sites=(fhir.Site("72696002", "Knee region", "right"),),
    doses=(fhir.Dose("Lidocaine 1%", Decimal("2.40"), Decimal("24.00"), "L-2291",
                     date(2027, 6, 30), atc=("N01BB02", "lidocaine")),
           fhir.Dose("Normal saline", Decimal("2.35"))),
    pain_scale="nrs", pain_before=7, pain_after=4, points=47, total_ml=Decimal("4.75"),
    performer_role="doctor", signer="Dr Maria Rossi", signer_role="doctor",
    signed_at=datetime(2026, 11, 20, 11, 5, tzinfo=UTC), signer_is_performer=True)


def test_the_bundle_is_valid_fhir_and_holds_each_resource_once():
    document = json.loads(fhir.to_json(fhir.bundle(FACTS)))
    found = validated(document)
    assert {kind: len(entries) for kind, entries in found.items()} == {
        "Patient": 1, "Practitioner": 1, "BodyStructure": 1, "Procedure": 1,
        "MedicationAdministration": 2, "Observation": 2}
    urls = [entry["fullUrl"] for entry in document["entry"]]
    assert len(set(urls)) == len(urls) and all(u.startswith("urn:uuid:") for u in urls)


def references(resource: object) -> list[str]:
    if isinstance(resource, dict):
        own = [resource["reference"]] if isinstance(resource.get("reference"), str) else []
        return own + [r for value in resource.values() for r in references(value)]
    if isinstance(resource, list):
        return [r for value in resource for r in references(value)]
    return []


@pytest.mark.parametrize("damage", ["unknown element", "wrong type", "missing status"])
def test_the_r4_check_refuses_what_r4_does_not_allow(damage):
    """The R4 check can fail: each damage to a valid Bundle is refused."""
    from fhirclient.models.fhirabstractbase import FHIRValidationError

    document = json.loads(fhir.to_json(fhir.bundle(FACTS)))
    r4_validated(document)
    procedure = next(entry["resource"] for entry in document["entry"]
                     if entry["resource"]["resourceType"] == "Procedure")
    if damage == "unknown element":
        procedure["bodySiteLaterality"] = "right"
    elif damage == "wrong type":
        procedure["performedDateTime"] = 20261120
    else:
        del procedure["status"]
    with pytest.raises(FHIRValidationError):
        r4_validated(document)


def test_every_reference_points_into_the_bundle():
    document = fhir.bundle(FACTS)
    urls = {entry["fullUrl"] for entry in document["entry"]}
    for entry in document["entry"]:
        for reference in references(entry["resource"]):
            assert reference in urls or reference == "#product", reference


def test_the_procedure_names_site_side_performer_and_date():
    found = validated(fhir.bundle(FACTS))
    procedure = found["Procedure"][0]["resource"]
    assert procedure["status"] == "completed"
    assert procedure["performedDateTime"] == "2026-11-20T10:30:00+01:00"
    assert procedure["bodySite"] == [{"coding": [{"system": "http://snomed.info/sct",
                                                  "code": "72696002"}],
                                      "text": "Knee region, right"}]
    assert procedure["performer"][0]["actor"]["display"] == "Dr Maria Rossi"
    body = found["BodyStructure"][0]
    assert procedure["extension"] == [{"url": fhir.TARGET_BODY_STRUCTURE,
                                       "valueReference": {"reference": body["fullUrl"]}}]
    assert body["resource"]["locationQualifier"][0]["coding"][0]["code"] == "24028007"
    patient = found["Patient"][0]["resource"]
    assert patient["name"] == [{"family": "Núñez", "given": ["Ángela"]}]
    assert patient["birthDate"] == "1961-03-12" and patient["gender"] == "female"


def test_each_drug_is_intradermal_part_of_the_procedure_with_its_exact_dose_and_lot():
    document = json.loads(fhir.to_json(fhir.bundle(FACTS)))
    found = validated(document)
    procedure_url = found["Procedure"][0]["fullUrl"]
    given = {}
    for entry in found["MedicationAdministration"]:
        resource = entry["resource"]
        assert resource["partOf"] == [{"reference": procedure_url}]
        assert resource["dosage"]["route"]["coding"][0]["code"] == "372464004"
        assert resource["dosage"]["site"]["coding"][0]["code"] == "72696002"
        name = resource.get("medicationReference", {}).get("display") or \
            resource["medicationCodeableConcept"]["text"]
        given[name] = (resource["dosage"]["dose"], resource.get("contained"))
    dose, contained = given["Lidocaine 1%"]
    assert (Decimal(str(dose["value"])), dose["code"]) == (Decimal("24"), "mg")
    # The drug catalogue's ATC code names the drug, whatever the clinic called the component.
    assert contained[0]["code"]["coding"] == [{"system": "http://www.whocc.no/atc",
                                               "code": "N01BB02", "display": "lidocaine"}]
    assert contained[0]["batch"] == {"lotNumber": "L-2291", "expirationDate": "2027-06-30"}
    dose, contained = given["Normal saline"]
    assert (Decimal(str(dose["value"])), dose["code"]) == (Decimal("2.35"), "mL")
    assert contained is None


@pytest.mark.parametrize(("scale", "code", "unit"), [("nrs", "72514-3", "{score}"),
                                                     ("vas", "38214-3", "mm")])
def test_pain_before_and_after_are_observations_with_the_loinc_code(scale, code, unit):
    from dataclasses import replace

    found = validated(fhir.bundle(replace(FACTS, pain_scale=scale, pain_before=70
                                          if scale == "vas" else 7)))
    observations = [entry["resource"] for entry in found["Observation"]]
    assert [o["code"]["coding"][0]["code"] for o in observations] == [code, code]
    assert [o["code"]["text"] for o in observations] == ["Pain before the session",
                                                         "Pain after the session"]
    assert [o["valueQuantity"]["code"] for o in observations] == [unit, unit]
    assert observations[1]["valueQuantity"]["value"] == 4


def test_no_pain_after_no_side_and_no_drug_still_make_a_valid_bundle():
    from dataclasses import replace

    found = validated(fhir.bundle(replace(FACTS, sites=(fhir.Site("72696002", "Knee region"),),
                                          doses=(), pain_after=None)))
    assert len(found["Observation"]) == 1 and "MedicationAdministration" not in found
    assert "locationQualifier" not in found["BodyStructure"][0]["resource"]
    assert found["Procedure"][0]["resource"]["bodySite"][0]["text"] == "Knee region"


def test_a_time_without_its_zone_is_refused():
    from dataclasses import replace

    with pytest.raises(ValueError, match="time zone"):
        fhir.bundle(replace(FACTS, performed_at=datetime(2026, 11, 20, 10, 30)))
    assert fhir.bundle(replace(FACTS, performed_at=datetime(2026, 11, 20, 9, 30, tzinfo=UTC)))


def test_the_signer_is_the_procedures_recorder_with_a_signature_note():
    document = json.loads(fhir.to_json(fhir.bundle(FACTS)))
    found = validated(document)
    [practitioner] = found["Practitioner"]  # performed and signed by the same doctor
    procedure = found["Procedure"][0]["resource"]
    me = {"reference": practitioner["fullUrl"], "display": "Dr Maria Rossi"}
    assert procedure["performer"] == [{"actor": me, "function": {"text": "doctor"}}]
    assert procedure["recorder"] == me
    assert procedure["note"][-1] == {"authorReference": me, "time": "2026-11-20T11:05:00+00:00",
                                     "text": "Signed by Dr Maria Rossi (doctor)."}


def test_an_assistant_performs_and_a_doctor_signs_two_practitioners():
    from dataclasses import replace

    facts = replace(FACTS, performer="Anna Bianchi", performer_role="assistant",
                    signer_role="admin", signer_is_performer=False)
    document = json.loads(fhir.to_json(fhir.bundle(facts)))
    found = validated(document)
    urls = {e["resource"]["name"][0]["text"]: e["fullUrl"] for e in found["Practitioner"]}
    assert sorted(urls) == ["Anna Bianchi", "Dr Maria Rossi"]
    procedure = found["Procedure"][0]["resource"]
    assert procedure["performer"][0]["actor"]["reference"] == urls["Anna Bianchi"]
    assert procedure["performer"][0]["function"] == {"text": "assistant"}
    assert procedure["recorder"]["reference"] == urls["Dr Maria Rossi"]
    assert procedure["note"][-1]["text"] == "Signed by Dr Maria Rossi (administrator)."
    assert all(m["resource"]["performer"][0]["actor"]["display"] == "Anna Bianchi"
               for m in found["MedicationAdministration"])
    everything = {entry["fullUrl"] for entry in document["entry"]}
    assert {r for e in document["entry"] for r in references(e["resource"])} <= \
        everything | {"#product"}


def test_an_unsigned_bundle_has_no_recorder_and_a_zoneless_signing_time_is_refused():
    from dataclasses import replace

    unsigned = validated(fhir.bundle(replace(FACTS, signer=None, signer_role=None,
                                             signed_at=None, performer_role=None)))
    procedure = unsigned["Procedure"][0]["resource"]
    assert "recorder" not in procedure and len(procedure["note"]) == 1
    assert "function" not in procedure["performer"][0]
    with pytest.raises(ValueError, match="time zone"):
        fhir.bundle(replace(FACTS, signed_at=datetime(2026, 11, 20, 11, 5)))


def test_doses_are_written_exactly_or_not_at_all():
    assert '"value": 2.35' in fhir.to_json({"value": Decimal("2.35")})
    with pytest.raises(ValueError, match="exactly"):
        fhir.to_json({"value": Decimal("0.1000000000000000055511151231257827")})


def test_the_photos_of_the_session_are_media_part_of_the_procedure():
    """Issue 20: each photo is an R4 Media, an image partOf the Procedure, of the patient, with
    its body site, its time, and its bytes inline (the Bundle is read where our server is not
    reachable) with their size and SHA-1."""
    import base64
    import hashlib
    from dataclasses import replace

    from tests.helpers.photos import png

    before = png(40, 30)
    after = png(30, 40, (200, 40, 40))
    facts = replace(FACTS, photos=(
        fhir.PhotoFacts(before, "image/png", 40, 30,
                        datetime(2026, 11, 20, 10, 25, tzinfo=ROME), "before",
                        fhir.Site("72696002", "Knee region", "right"), "medial side"),
        fhir.PhotoFacts(after, "image/png", 30, 40, datetime(2026, 11, 20, 10, 5, tzinfo=UTC),
                        "after", None, "scar on the calf")))
    document = json.loads(fhir.to_json(fhir.bundle(facts)))
    found = validated(document)
    procedure = found["Procedure"][0]["fullUrl"]
    subject = found["Patient"][0]["fullUrl"]
    media = [entry["resource"] for entry in found["Media"]]
    assert len(media) == 2
    first, second = media
    for resource, data in ((first, before), (second, after)):
        assert resource["status"] == "completed"
        assert resource["type"]["coding"][0]["code"] == "image"
        assert resource["partOf"] == [{"reference": procedure}]
        assert resource["subject"] == {"reference": subject}
        content = resource["content"]
        assert content["contentType"] == "image/png"
        assert base64.b64decode(content["data"]) == data
        assert content["size"] == len(data)
        assert content["hash"] == base64.b64encode(hashlib.sha1(data).digest()).decode()
    assert first["createdDateTime"] == "2026-11-20T10:25:00+01:00"
    assert (first["width"], first["height"]) == (40, 30)
    assert first["bodySite"] == {"coding": [{"system": "http://snomed.info/sct",
                                             "code": "72696002"}],
                                 "text": "Knee region, right: medial side"}
    assert first["content"]["title"] == "Before the session"
    assert second["bodySite"] == {"text": "scar on the calf"}
    assert second["content"]["title"] == "After the session"
