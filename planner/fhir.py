"""A signed session as a FHIR R4 Bundle (issue 8): Patient, Practitioner (who performed it, and
who signed it when someone else did), Procedure with its body sites and its signature, one
MedicationAdministration per drug given, pain before and after as Observations, and the photos
taken at the session as Media (issue 20), each partOf the Procedure.

Pure: it takes the facts of a session (no Flask, no database) and returns the Bundle as a dict
ready for JSON. The codes are CLINICAL.md's ("Codes for interoperability"); the shape follows FHIR
R4 (hl7.org/fhir/R4): a ``collection`` Bundle whose entries reference each other by their
``urn:uuid`` full URLs.
"""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from planner.vocabulary import ROLE_WORDS

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
# The WHO ATC classification (the drug catalogue's codes, planner/core/drug_catalogue.py).
ATC = "http://www.whocc.no/atc"
# CLINICAL.md, "Codes for interoperability".
INTRADERMAL_ROUTE = ("372464004", "Intradermal route")
LATERALITY = {"left": ("7771000", "Left"), "right": ("24028007", "Right"),
              "bilateral": ("51440002", "Right and left")}
PAIN_CODES = {"nrs": ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported"),
              "vas": ("38214-3", "Pain severity [Score] Visual analog score")}
PAIN_UNITS = {"nrs": ("{score}", "score"), "vas": ("mm", "mm")}
TARGET_BODY_STRUCTURE = "http://hl7.org/fhir/StructureDefinition/procedure-targetBodyStructure"
# Identifier systems of this program (a receiving system maps them to its own).
RECORD_NUMBER_SYSTEM = "urn:mesoplanner:patient-record-number"
SESSION_SYSTEM = "urn:mesoplanner:session"
GENDERS = {"female": "female", "male": "male", "other": "other"}
MEDIA_TYPE = "http://terminology.hl7.org/CodeSystem/media-type"
MOMENT_TEXT = {"before": "Before the session", "after": "After the session",
               "other": "Photo of the treated site"}


@dataclass(frozen=True)
class PatientFacts:
    record_number: str
    family_name: str
    given_name: str
    birth_date: date
    sex: str


@dataclass(frozen=True)
class Site:
    """A treated body structure: its SNOMED CT code, its English name and its side (left,
    right, bilateral, or None where it has none)."""

    snomed: str
    name: str
    laterality: str | None = None


@dataclass(frozen=True)
class Dose:
    """One drug (mixture component) given in the session: mg when its concentration is known,
    always its volume."""

    name: str
    volume_ml: Decimal
    mg: Decimal | None = None
    lot: str = ""
    expiry: date | None = None
    # The drug's ATC code and name, when the drug catalogue identified it.
    atc: tuple[str, str] | None = None


@dataclass(frozen=True)
class PhotoFacts:
    """A photo taken at the session, as kept (no metadata): its bytes go into the Bundle, which
    is read where our server cannot be reached."""

    data: bytes
    content_type: str
    width: int
    height: int
    created: datetime  # when taken (the camera's clock), else when kept; with its time zone
    moment: str  # before, after, other
    site: Site | None = None  # the body structure, when the photo is of a region of the map
    site_text: str = ""  # the site in words (beside the structure, or alone)


@dataclass(frozen=True)
class SessionFacts:
    session_id: int
    patient: PatientFacts
    performer: str
    performed_at: datetime  # with its time zone: FHIR requires one on a time of day
    sites: tuple[Site, ...]
    doses: tuple[Dose, ...]
    pain_scale: str  # nrs or vas
    pain_before: int | None
    pain_after: int | None
    points: int
    total_ml: Decimal
    # As they were at the signing: the roles are the program's codes (doctor, assistant,
    # admin), said in English in the Bundle.
    performer_role: str | None = None
    signer: str | None = None
    signer_role: str | None = None
    signed_at: datetime | None = None  # with its time zone
    signer_is_performer: bool = False  # the same account: one Practitioner
    photos: tuple[PhotoFacts, ...] = ()


# The program's roles in the Bundle's words (English, like the rest of it).
ROLE_TEXT = ROLE_WORDS


def role_concept(role: str) -> dict[str, str]:
    """A role as a CodeableConcept: the program's roles have no code in a standard system."""
    return {"text": ROLE_TEXT.get(role, role)}


def bundle(facts: SessionFacts) -> dict[str, Any]:
    """The session as a FHIR R4 ``collection`` Bundle."""
    if facts.performed_at.tzinfo is None:
        raise ValueError("performed_at needs a time zone")
    when = facts.performed_at.isoformat(timespec="seconds")
    ids = {name: f"urn:uuid:{uuid.uuid4()}" for name in ("patient", "practitioner", "procedure",
                                                          "signer")}
    patient = {"resourceType": "Patient",
               "identifier": [{"system": RECORD_NUMBER_SYSTEM,
                               "value": facts.patient.record_number}],
               "name": [{"family": facts.patient.family_name,
                         "given": [facts.patient.given_name]}],
               "gender": GENDERS.get(facts.patient.sex, "unknown"),
               "birthDate": facts.patient.birth_date.isoformat()}
    practitioner = {"resourceType": "Practitioner", "name": [{"text": facts.performer}]}
    subject = {"reference": ids["patient"]}
    actor = {"reference": ids["practitioner"], "display": facts.performer}
    performer: dict[str, Any] = {"actor": actor}
    if facts.performer_role:
        performer["function"] = role_concept(facts.performer_role)
    entries = [(ids["patient"], patient), (ids["practitioner"], practitioner)]
    if facts.signer and not facts.signer_is_performer:
        entries.append((ids["signer"], {"resourceType": "Practitioner",
                                        "name": [{"text": facts.signer}]}))
    sites = [site_concept(site) for site in facts.sites]
    procedure: dict[str, Any] = {
        "resourceType": "Procedure",
        "identifier": [{"system": SESSION_SYSTEM, "value": str(facts.session_id)}],
        "status": "completed",
        "code": {"text": "Mesotherapy (intradermal therapy)"},
        "subject": subject,
        "performedDateTime": when,
        "performer": [performer],
        "bodySite": sites,
        "note": [{"text": f"{facts.points} intradermal injection points, "
                          f"{facts.total_ml} mL in all"}],
    }
    if facts.signer:
        # The doctor who signed the record takes responsibility for its content: its recorder.
        signer = {"reference": ids["practitioner" if facts.signer_is_performer else "signer"],
                  "display": facts.signer}
        procedure["recorder"] = signer
        procedure["note"].append(signature_note(facts, signer))
    structures = []
    for site in facts.sites:
        side = LATERALITY.get(site.laterality or "")
        url = f"urn:uuid:{uuid.uuid4()}"
        body: dict[str, Any] = {
            "resourceType": "BodyStructure", "patient": subject, "description": site.name,
            "location": {"coding": [{"system": SNOMED, "code": site.snomed}],
                         "text": site.name}}
        if side:
            body["locationQualifier"] = [{"coding": [{"system": SNOMED, "code": side[0],
                                                      "display": side[1]}]}]
        entries.append((url, body))
        structures.append({"url": TARGET_BODY_STRUCTURE, "valueReference": {"reference": url}})
    if structures:
        procedure["extension"] = structures
    entries.append((ids["procedure"], procedure))
    for dose in facts.doses:
        entries.append((f"urn:uuid:{uuid.uuid4()}", administration(
            dose, subject, performer, when, ids["procedure"], sites)))
    for moment, score in (("before", facts.pain_before), ("after", facts.pain_after)):
        if score is not None:
            entries.append((f"urn:uuid:{uuid.uuid4()}", pain(
                facts.pain_scale, score, moment, subject, when, ids["procedure"])))
    for photo in facts.photos:
        entries.append((f"urn:uuid:{uuid.uuid4()}", media(photo, subject, ids["procedure"])))
    return {"resourceType": "Bundle", "type": "collection",
            "timestamp": when,
            "entry": [{"fullUrl": url, "resource": resource} for url, resource in entries]}


def signature_note(facts: SessionFacts, signer: dict[str, str]) -> dict[str, Any]:
    """The signature as a note of the Procedure: who signed, with their role, and when."""
    role = f" ({ROLE_TEXT.get(facts.signer_role, facts.signer_role)})" \
        if facts.signer_role else ""
    note: dict[str, Any] = {"authorReference": signer,
                            "text": f"Signed by {facts.signer}{role}."}
    if facts.signed_at is not None:
        if facts.signed_at.tzinfo is None:
            raise ValueError("signed_at needs a time zone")
        note["time"] = facts.signed_at.isoformat(timespec="seconds")
    return note


def site_concept(site: Site) -> dict[str, Any]:
    """A body site: the SNOMED CT structure, and the region's name with its side in words (R4's
    bodySite has no laterality element: the coded side is on the BodyStructure). The coding has
    no display: the atlas names a region more narrowly than its code (a knee compartment is
    coded as the knee region), and a display must be the code's own term."""
    side = LATERALITY.get(site.laterality or "")
    text = f"{site.name}, {side[1].lower()}" if side else site.name
    return {"coding": [{"system": SNOMED, "code": site.snomed}], "text": text}


def administration(dose: Dose, subject: dict[str, str], performer: dict[str, Any], when: str,
                   procedure: str, sites: list[dict[str, Any]]) -> dict[str, Any]:
    """One drug given: intradermal, its amount, partOf the session's Procedure."""
    amount = ({"value": dose.mg, "unit": "mg", "system": UCUM, "code": "mg"}
              if dose.mg is not None else
              {"value": dose.volume_ml, "unit": "mL", "system": UCUM, "code": "mL"})
    dosage: dict[str, Any] = {
        "text": f"{dose.volume_ml} mL" + (f" ({dose.mg} mg)" if dose.mg is not None else ""),
        "route": {"coding": [{"system": SNOMED, "code": INTRADERMAL_ROUTE[0],
                              "display": INTRADERMAL_ROUTE[1]}]},
        "dose": amount}
    if sites:
        dosage["site"] = sites[0]
    medication: dict[str, Any] = {"text": dose.name}
    if dose.atc is not None:
        medication["coding"] = [{"system": ATC, "code": dose.atc[0], "display": dose.atc[1]}]
    resource: dict[str, Any] = {
        "resourceType": "MedicationAdministration", "status": "completed",
        "medicationCodeableConcept": medication,
        "subject": subject, "effectiveDateTime": when,
        "performer": [performer],
        "partOf": [{"reference": procedure}], "dosage": dosage}
    if dose.lot or dose.expiry:
        batch: dict[str, Any] = {}
        if dose.lot:
            batch["lotNumber"] = dose.lot
        if dose.expiry:
            batch["expirationDate"] = dose.expiry.isoformat()
        resource["contained"] = [{"resourceType": "Medication", "id": "product",
                                  "code": medication, "batch": batch}]
        resource["medicationReference"] = {"reference": "#product", "display": dose.name}
        del resource["medicationCodeableConcept"]
    return resource


def pain(scale: str, score: int, moment: str, subject: dict[str, str], when: str,
         procedure: str) -> dict[str, Any]:
    """A pain score before or after the session (LOINC, as CLINICAL.md gives)."""
    code, display = PAIN_CODES[scale]
    unit_code, unit = PAIN_UNITS[scale]
    return {"resourceType": "Observation", "status": "final",
            "category": [{"coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                "code": "survey", "display": "Survey"}]}],
            "code": {"coding": [{"system": LOINC, "code": code, "display": display}],
                     "text": f"Pain {moment} the session"},
            "subject": subject, "effectiveDateTime": when, "partOf": [{"reference": procedure}],
            "valueQuantity": {"value": score, "unit": unit, "system": UCUM, "code": unit_code}}


def media(photo: PhotoFacts, subject: dict[str, str], procedure: str) -> dict[str, Any]:
    """A photo of the session: an image, partOf its Procedure, of its body site, with its
    bytes (base64) and their SHA-1 (the hash R4's Attachment takes)."""
    if photo.created.tzinfo is None:
        raise ValueError("a photo's time needs a time zone")
    created = photo.created.isoformat(timespec="seconds")
    title = MOMENT_TEXT.get(photo.moment, MOMENT_TEXT["other"])
    resource: dict[str, Any] = {
        "resourceType": "Media", "status": "completed",
        "type": {"coding": [{"system": MEDIA_TYPE, "code": "image", "display": "Image"}]},
        "subject": subject, "partOf": [{"reference": procedure}],
        "createdDateTime": created, "height": photo.height, "width": photo.width,
        "frames": 1,
        "content": {"contentType": photo.content_type,
                    "data": base64.b64encode(photo.data).decode("ascii"),
                    "size": len(photo.data),
                    "hash": base64.b64encode(hashlib.sha1(photo.data).digest()).decode("ascii"),
                    "title": title, "creation": created},
        "note": [{"text": title}]}
    if photo.site is not None:
        site = site_concept(photo.site)
        if photo.site_text:
            site["text"] = f"{site['text']}: {photo.site_text}"
        resource["bodySite"] = site
    elif photo.site_text:
        resource["bodySite"] = {"text": photo.site_text}
    return resource


def to_json(document: dict[str, Any]) -> str:
    """The Bundle as JSON, every dose written exactly as its Decimal (a Decimal that a JSON
    number could not carry exactly is refused, never rounded)."""
    def number(value: object) -> float:
        if not isinstance(value, Decimal):
            raise TypeError(f"not JSON: {type(value).__name__}")
        as_float = float(value)
        if Decimal(repr(as_float)) != value:
            raise ValueError(f"{value} cannot be written exactly as a JSON number")
        return as_float

    return json.dumps(document, default=number, ensure_ascii=False, indent=2)
