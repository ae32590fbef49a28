"""The OpenAPI 3.1 description of the JSON API (web/api.py), served at /api/v1/openapi.json and
checked against the API by schemathesis in the tests (tests/web/test_api_schema.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from planner import __version__
from planner.bodymaps import atlas
from planner.core import clinical
from planner.core.plan import FORMAT, PATTERNS, SIDES
from planner.vocabulary import LANGUAGES, ROLES, SEXES
from planner.web import openapi_photos
from planner.web.decimal_pattern import decimal_range_pattern

TEXT = {"type": "string"}
NULLABLE_TEXT = {"type": ["string", "null"]}
DATE = {"type": "string", "format": "date"}
DECIMAL = {"type": "string", "pattern": r"^\d+(\.\d+)?$",
           "description": "an exact decimal number, written as text"}
LABELS = {"type": "object", "properties": {k: TEXT for k in LANGUAGES},
          "required": list(LANGUAGES)}

# The patterns of what the API takes (web/api_bodies.py checks every body against this document
# with Python's re, schemathesis with Rust's regex: so no \s or \d, whose meaning differs).
# NUL cannot be stored (PostgreSQL); "blank" is what Python's str.strip() removes.
NO_NUL = r"^[^\u0000]*$"
SPACE = r"\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_BLANK = rf"^[^\u0000]*[^\u0000{SPACE}][^\u0000]*$"
ID_PATTERN = r"^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)?$"
DECIMAL_TEXT = r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$"
WEIGHT_TEXT = r"^(([1-9][0-9]?|[1-3][0-9]{2})(\.[0-9]+)?|400(\.0+)?)$"
BIRTH_DATES = "^((190[0-9]|"  # how birth_date_pattern() begins
MAX_DEPTH = 32  # [our default] of a body's nesting: a plan file nests 7 deep


def text(max_length: int, *, blank: bool = True, null: bool = False) -> dict[str, Any]:
    """A text field taken by the API: no NUL, at most ``max_length`` characters."""
    return {"type": ["string", "null"] if null else "string", "maxLength": max_length,
            "pattern": NO_NUL if blank else NOT_BLANK}


def birth_date_pattern(today: date) -> str:
    """The dates from 1900-01-01 to ``today`` (year-month-day), as a regular expression (with
    ``format: date``, which leaves out the 30th of February).

    >>> import re
    >>> [bool(re.match(birth_date_pattern(date(2026, 3, 2)), d)) for d in (
    ...     "1899-12-31", "1900-01-01", "2025-12-31", "2026-02-28", "2026-03-02", "2026-03-03")]
    [False, True, True, True, True, False]
    """
    years, year = [], 1900
    while year < today.year:
        if year % 10 == 0 and year + 10 <= today.year:
            years.append(f"{year // 10}[0-9]")
            year += 10
        else:
            years.append(str(year))
            year += 1
    day = "(0[1-9]|[12][0-9]|3[01])"
    choices = [f"({'|'.join(years)})-(0[1-9]|1[0-2])-{day}"]
    if today.month > 1:
        months = "|".join(f"{m:02d}" for m in range(1, today.month))
        choices.append(f"{today.year}-({months})-{day}")
    days = "|".join(f"{d:02d}" for d in range(1, today.day + 1))
    choices.append(f"{today.year}-{today.month:02d}-({days})")
    return "^(" + "|".join(choices) + ")$"


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict[str, Any], required: list[str] | None = None,
        additional: bool = False) -> dict[str, Any]:
    return {"type": "object", "properties": properties,
            "required": required if required is not None else list(properties),
            "additionalProperties": additional}


def number(low: float | str, high: float | str) -> dict[str, Any]:
    return {"type": "number", "minimum": float(low), "maximum": float(high)}


# The patterns of decimal texts in a range, with their range and decimals (web/api_bodies.py
# says them in words).
DECIMAL_PATTERNS: dict[str, tuple[str, str, int]] = {}


def volume(low: object, high: object, places: int = 2) -> dict[str, Any]:
    """Millilitres: a number, or a decimal number as text ("0.10"), at most ``places``
    decimals. JSON Schema's minimum and maximum do not apply to text: the text's range is in
    its pattern (web/decimal_pattern.py)."""
    pattern = decimal_range_pattern(Decimal(str(low)), Decimal(str(high)), places)
    DECIMAL_PATTERNS[pattern] = (str(low), str(high), places)
    return {"type": ["number", "string"], "minimum": float(str(low)),
            "maximum": float(str(high)), "pattern": pattern,
            "description": f"mL, {low} to {high}, at most {places} decimals; a number or its "
                           "text written plainly (\"0.10\")"}


PATIENT_SUMMARY = obj({"id": {"type": "integer"}, "record_number": TEXT, "family_name": TEXT,
                       "given_name": TEXT, "birth_date": DATE})
PATIENT = obj({"id": {"type": "integer"}, "record_number": TEXT, "family_name": TEXT,
               "given_name": TEXT, "birth_date": DATE,
               "sex": {"enum": list(SEXES)},
               "weight_kg": {"oneOf": [DECIMAL, {"type": "null"}]}, "allergies": TEXT,
               "anticoagulants": {"type": "boolean"}, "anticoagulant_details": TEXT,
               "pregnant": {"type": "boolean"}, "breastfeeding": {"type": "boolean"},
               "bleeding_disorder": {"type": "boolean"}, "notes": TEXT,
               "language": {"enum": list(LANGUAGES)}, "archived": {"type": "boolean"},
               "version": {"type": "integer"}})
FLAG = {"type": ["boolean", "null"], "description": "null: false"}


def patient_input(today: date) -> dict[str, Any]:
    """What a new patient is made of; null stands for a field left out."""
    return obj({
        "record_number": {**text(40, null=True),
                          "description": "empty or null: the next MP-number; "
                                         "another patient's number answers 409"},
        "family_name": text(100, blank=False), "given_name": text(100, blank=False),
        "birth_date": {**DATE, "pattern": birth_date_pattern(today),
                       "description": "from 1900-01-01 to today"},
        "sex": {"enum": list(SEXES)},
        "weight_kg": {"type": ["number", "string", "null"], "minimum": 1, "maximum": 400,
                      "pattern": WEIGHT_TEXT,
                      "description": "kg, 1 to 400 (a number or its text), kept to 0.1 kg"},
        "allergies": text(1000, null=True), "anticoagulants": FLAG,
        "anticoagulant_details": text(500, null=True), "pregnant": FLAG,
        "breastfeeding": FLAG, "bleeding_disorder": FLAG, "notes": text(4000, null=True),
        "language": {"type": ["string", "null"], "enum": [*LANGUAGES, None],
                     "description": "null: the token's user's language"}},
        required=["family_name", "given_name", "birth_date", "sex"])


# The plan file (PLAN-FORMAT.md), as the plan reader (core/plan.py) takes it. Its other rules (a
# region of the chosen view, an area given by a region, a polygon or a line, volumes in steps of
# 0.01 mL, a mixture defined before use, the point limit...) answer 422 naming the field.
COORDINATE = number(-clinical.COORDINATE_LIMIT_MM, clinical.COORDINATE_LIMIT_MM)
ID = {"type": "string", "maxLength": 100, "pattern": ID_PATTERN}


def ring(minimum: int) -> dict[str, Any]:
    """A polygon or a polyline: a list of [x, y] in mm."""
    return {"type": "array", "minItems": minimum, "maxItems": clinical.MAX_VERTICES,
            "items": {"type": "array", "minItems": 2, "maxItems": 2, "items": COORDINATE}}


POINT_VOLUME = volume(*clinical.POINT_VOLUME_RANGE_ML)
DEPTH = number(*clinical.DEPTH_RANGE_MM)
TECHNIQUE = {"enum": list(clinical.DEPTH_LIMITS)}
MIXTURE_NAME = text(200, null=True)
AREA = obj({
    "label": text(200), "region": ID, "polygon": ring(3),
    "exclude": {"type": "array", "items": ring(3)}, "pattern": {"enum": list(PATTERNS)},
    "line": {**ring(2), **ID, "type": ["array", "string"],
             "description": "a list of [x, y] in mm, or a guide id of the view"},
    "spacing_mm": number(*clinical.SPACING_RANGE_MM), "angle_deg": number(-360, 360),
    "margin_mm": number(*clinical.MARGIN_RANGE_MM),
    "volume_ml": volume(clinical.POINT_VOLUME_RANGE_ML[0], clinical.AREA_VOLUME_RANGE_ML[1]),
    "depth_mm": DEPTH, "technique": TECHNIQUE, "mixture": MIXTURE_NAME,
    "overrides": {"type": "array", "items": obj(
        {"x": COORDINATE, "y": COORDINATE, "volume_ml": POINT_VOLUME,
         "skip": {"type": "boolean"}}, required=["x", "y"])}}, required=[])
MANUAL_POINT = obj({"x": COORDINATE, "y": COORDINATE, "volume_ml": POINT_VOLUME,
                    "mixture": MIXTURE_NAME, "label": text(200), "depth_mm": DEPTH,
                    "technique": TECHNIQUE}, required=["x", "y"])
COMPONENT = obj({
    "name": text(200, blank=False), "drug": text(100, null=True),
    "mg_per_ml": {**volume(*clinical.CONCENTRATION_RANGE_MG_PER_ML, places=4),
                  "type": ["number", "string", "null"], "description": "mg/mL"},
    "volume_ml": volume("0.01", "1000")}, required=["name", "volume_ml"])
MIXTURES = {"type": "object", "propertyNames": text(40, blank=False),
            "additionalProperties": obj({"components": {
                "type": "array", "minItems": 1, "items": COMPONENT}})}


def plan_file(patient: bool) -> dict[str, Any]:
    """The plan file; with ``patient`` False the weight is the patient record's (no key)."""
    limit = clinical.MAX_POINTS_PER_PLAN
    properties = {
        "format": {"enum": [FORMAT]}, "bodymap": {"enum": list(atlas.view_ids())},
        "bodymap_version": {
            "type": "integer", "minimum": 1, "maximum": 10_000},
        # A plan drawn on one of the patient's calibrated photos: mm on its card's plane.
        "photo": {"type": "integer", "minimum": 1, "maximum": 2 ** 53},
        "side": {"enum": list(SIDES)}, "treatment": {"enum": list(clinical.TREATMENTS)},
        "patient": obj({"weight_kg": number(*clinical.WEIGHT_RANGE_KG)}, required=[]),
        "mixtures": MIXTURES, "areas": {"type": "array", "maxItems": limit, "items": AREA},
        "points": {"type": "array", "maxItems": limit, "items": MANUAL_POINT},
        "syringe_ml": volume(*clinical.SYRINGE_RANGE_ML)}
    if not patient:
        del properties["patient"]
    return {**obj(properties, required=["format", "areas"]),
            "description": f"a plan file (PLAN-FORMAT.md, format {FORMAT})"}


PLAN_FILE = plan_file(patient=True)
STORED_PLAN_FILE = plan_file(patient=False)
PLAN = obj({"id": {"type": "integer"}, "patient_id": {"type": "integer"}, "title": TEXT,
            "version": {"type": "integer"}, "points": {"type": "integer"}, "total_ml": DECIMAL,
            "updated_at": TEXT, "plan": ref("StoredPlanFile")})
PLAN_SUMMARY = obj({"id": {"type": "integer"}, "title": TEXT, "version": {"type": "integer"},
                    "points": {"type": "integer"}, "total_ml": DECIMAL})
TITLE = {**text(200, blank=False), "description": "default: Plan"}
PLAN_INPUT = obj({"title": TITLE, "plan": ref("StoredPlanFile")}, required=["plan"])
PLAN_UPDATE = obj({"title": TITLE, "plan": ref("StoredPlanFile"),
                   "version": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1,
                               "description": "the version read; a newer one answers 409"}},
                  required=["plan", "version"])
SEARCH_INPUT = obj({"q": {**text(100), "description": "words of a name, a record number "
                                                      "or a birth date; none: every patient"}},
                   required=[])
ROLE = {"type": ["string", "null"], "enum": [*ROLES, None],
        "description": "as at the signing; null on a draft"}
SESSION = obj({
    "id": {"type": "integer"}, "patient_id": {"type": "integer"},
    "plan_id": {"type": "integer"}, "plan_version": {"type": "integer"},
    "status": {"enum": ["draft", "signed", "discarded"]}, "performed_at": TEXT,
    "performed_by": {**TEXT, "description": "as at the signing on a signed record"},
    "performed_by_role": ROLE,
    "points": {"type": "integer"}, "total_ml": DECIMAL, "pain_scale": {"enum": ["nrs", "vas"]},
    "pain_before": {"type": ["integer", "null"]}, "pain_after": {"type": ["integer", "null"]},
    "adverse_events": {"type": "array", "items": TEXT},
    "products": {"type": "array", "items": obj({"product": TEXT, "lot": TEXT,
                                                 "expiry": {"type": ["string", "null"]}})},
    "signed_by": {**NULLABLE_TEXT, "description": "the signer's name as at the signing"},
    "signed_by_role": ROLE, "signed_at": NULLABLE_TEXT, "notes": TEXT})
REGION = obj({"id": TEXT, "kind": TEXT, "label": LABELS, "laterality": TEXT, "snomed": TEXT,
              "area_cm2": {"type": "number"}})
BODYMAP = obj({"id": TEXT, "label": LABELS, "version": {"type": "integer"},
               "width_mm": {"type": "number"}, "height_mm": {"type": "number"},
               "single_limb": {"type": "boolean"}, "snomed": TEXT})
BODYMAP_DETAIL = {**BODYMAP, "properties": {**BODYMAP["properties"],
                                            "regions": {"type": "array", "items": ref("Region")}},
                  "required": [*BODYMAP["required"], "regions"]}
ERROR = obj({"error": obj({"status": {"type": "integer"}, "message": TEXT, "field": TEXT},
                          required=["status", "message"])})


def schemas(today: date | None = None) -> dict[str, Any]:
    """The document's named schemas (the birth dates taken end ``today``)."""
    return {"Error": ERROR, "PatientSummary": PATIENT_SUMMARY, "Patient": PATIENT,
            "PatientInput": patient_input(today or date.today()), "Plan": PLAN,
            "PlanSummary": PLAN_SUMMARY, "PlanFile": PLAN_FILE,
            "StoredPlanFile": STORED_PLAN_FILE, "PlanInput": PLAN_INPUT,
            "PlanUpdate": PLAN_UPDATE, "Search": SEARCH_INPUT, "Session": SESSION,
            "Region": REGION, "BodyMap": BODYMAP, "BodyMapDetail": BODYMAP_DETAIL,
            **openapi_photos.schemas()}


ERRORS = {"400": "the body is not a JSON object (not JSON, not UTF-8, empty, nested more than "
                 f"{MAX_DEPTH} deep, a NUL character in a text...), or a query parameter is "
                 "malformed or unknown",
          "401": "no valid token", "403": "the token's user's role does not allow this",
          "404": "no such resource",
          "409": "the version read is not the current one, or the record number is another "
                 "patient's",
          "413": "the body is larger than allowed",
          "415": "the body is not sent as JSON (Content-Type: application/json, UTF-8)",
          "422": "a field is invalid: error.field names it"}
BODY_ERRORS = ("400", "413", "415", "422")


def answers(ok: str, schema: dict[str, Any] | None, *errors: str) -> dict[str, Any]:
    """An operation's responses: the success with its schema, and the errors it can give."""
    out: dict[str, Any] = {ok: {"description": "done"}}
    if schema is not None:
        out[ok]["content"] = {"application/json": {"schema": schema}}
    for code in sorted({"400", "401", "403", *errors}):
        out[code] = {"description": ERRORS[code],
                     "content": {"application/json": {"schema": ref("Error")}}}
    out["401"]["headers"] = {"WWW-Authenticate": {
        "required": True, "schema": {"type": "string", "pattern": "^Bearer "}}}
    return out


def json_body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def path_id(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}}


def listing(key: str, item: str, **extra: Any) -> dict[str, Any]:
    return obj({key: {"type": "array", "items": ref(item)}, **extra})


def document() -> dict[str, Any]:
    """The whole OpenAPI document."""
    patient = [path_id("patient_id")]
    plan = [path_id("plan_id")]
    paths = {
        "/bodymaps": {"get": {"summary": "The body-map views", "operationId": "bodymaps",
                              "responses": answers("200", listing("bodymaps", "BodyMap"))}},
        "/bodymaps/{view_id}": {"get": {
            "summary": "A view with its regions (SNOMED CT codes, laterality)",
            "operationId": "bodymap",
            "parameters": [{"name": "view_id", "in": "path", "required": True,
                            "schema": TEXT}],
            "responses": answers("200", ref("BodyMapDetail"), "404")}},
        "/grid": {"post": {
            "summary": "Compute a plan file: points, volumes, totals, warnings",
            "operationId": "grid", "requestBody": json_body(ref("PlanFile")),
            "responses": answers("200", {"type": "object"}, *BODY_ERRORS)}},
        "/patients": {
            "get": {"summary": "Patients by name, 100 a page", "operationId": "patients",
                    "parameters": [{"name": "page", "in": "query", "required": False,
                                    "schema": {"type": "integer", "minimum": 1,
                                               "maximum": 100_000}}],
                    "responses": answers("200", listing(
                        "patients", "PatientSummary", page={"type": "integer"},
                        total={"type": "integer"}), "400")},
            "post": {"summary": "A new patient", "operationId": "createPatient",
                     "requestBody": json_body(ref("PatientInput")),
                     "responses": answers("201", ref("Patient"), "409", *BODY_ERRORS)}},
        "/patients/search": {"post": {
            "summary": "Search by name, record number or birth date (in the body, never the URL)",
            "operationId": "searchPatients",
            "requestBody": json_body(ref("Search")),
            "responses": answers("200", listing("patients", "PatientSummary"),
                                 *BODY_ERRORS)}},
        "/patients/{patient_id}": {"get": {
            "summary": "A patient (audited)", "operationId": "patient",
            "parameters": patient, "responses": answers("200", ref("Patient"), "404")}},
        "/patients/{patient_id}/plans": {
            "get": {"summary": "A patient's plans", "operationId": "patientPlans",
                    "parameters": patient,
                    "responses": answers("200", listing("plans", "PlanSummary"), "404")},
            "post": {"summary": "Save a plan file as a new plan, computed for the patient",
                     "operationId": "createPlan", "parameters": patient,
                     "requestBody": json_body(ref("PlanInput")),
                     "responses": answers("201", ref("Plan"), "404", *BODY_ERRORS)}},
        "/plans/{plan_id}": {
            "get": {"summary": "A plan (audited)", "operationId": "plan", "parameters": plan,
                    "responses": answers("200", ref("Plan"), "404")},
            "put": {"summary": "A new version of a plan, if the version read is current; a "
                               "plan that a signed session used stays as it was, and the "
                               "changes become a new plan copied from it (201, Location)",
                    "operationId": "updatePlan", "parameters": plan,
                    "requestBody": json_body(ref("PlanUpdate")),
                    "responses": {**answers("200", ref("Plan"), "404", "409", *BODY_ERRORS),
                                  "201": {"description": "the plan was used in a signed "
                                                         "session: a new plan was made",
                                          "headers": {"Location": {"required": True,
                                                                   "schema": TEXT}},
                                          "content": {"application/json": {
                                              "schema": ref("Plan")}}}}}},
        "/patients/{patient_id}/sessions": {"get": {
            "summary": "A patient's session records (audited)",
            "operationId": "patientSessions", "parameters": patient,
            "responses": answers("200", listing("sessions", "Session"), "404")}},
        "/sessions/{session_id}": {"get": {
            "summary": "A session record (audited)", "operationId": "session",
            "parameters": [path_id("session_id")],
            "responses": answers("200", ref("Session"), "404")}},
        **openapi_photos.paths(answers, path_id, listing, ref),
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Mesoplanner API", "version": __version__,
                 "description": "Plan mesotherapy injection points; patients, plans and session "
                                "records of the clinic. Every answer is JSON; an error is "
                                "{\"error\": {\"status\", \"message\", \"field\"}}."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"token": []}],
        "paths": paths,
        "components": {"schemas": schemas(), "securitySchemes": {"token": {
            "type": "http", "scheme": "bearer",
            "description": "a token made on the account's API tokens page"}}},
    }
