"""The OpenAPI 3.1 description of the JSON API (web/api.py), served at /api/v1/openapi.json and
checked against the API by schemathesis in the tests (tests/web/test_api_schema.py)."""

from __future__ import annotations

from typing import Any

from planner import __version__

TEXT = {"type": "string"}
NULLABLE_TEXT = {"type": ["string", "null"]}
DATE = {"type": "string", "format": "date"}
DECIMAL = {"type": "string", "pattern": r"^\d+(\.\d+)?$",
           "description": "an exact decimal number, written as text"}
LABELS = {"type": "object", "properties": {k: TEXT for k in ("it", "es", "en")},
          "required": ["it", "es", "en"]}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict[str, Any], required: list[str] | None = None,
        additional: bool = False) -> dict[str, Any]:
    return {"type": "object", "properties": properties,
            "required": required if required is not None else list(properties),
            "additionalProperties": additional}


PATIENT_SUMMARY = obj({"id": {"type": "integer"}, "record_number": TEXT, "family_name": TEXT,
                       "given_name": TEXT, "birth_date": DATE})
PATIENT = obj({"id": {"type": "integer"}, "record_number": TEXT, "family_name": TEXT,
               "given_name": TEXT, "birth_date": DATE,
               "sex": {"enum": ["female", "male", "other"]},
               "weight_kg": {"oneOf": [DECIMAL, {"type": "null"}]}, "allergies": TEXT,
               "anticoagulants": {"type": "boolean"}, "anticoagulant_details": TEXT,
               "pregnant": {"type": "boolean"}, "breastfeeding": {"type": "boolean"},
               "bleeding_disorder": {"type": "boolean"}, "notes": TEXT,
               "language": {"enum": ["it", "es", "en"]}, "archived": {"type": "boolean"},
               "version": {"type": "integer"}})
PATIENT_INPUT = obj({
    "record_number": {**TEXT, "maxLength": 40, "description": "empty: the next MP-number"},
    "family_name": {**TEXT, "minLength": 1, "maxLength": 100},
    "given_name": {**TEXT, "minLength": 1, "maxLength": 100},
    "birth_date": DATE, "sex": {"enum": ["female", "male", "other"]},
    "weight_kg": {"type": ["number", "string", "null"], "description": "1 to 400 kg"},
    "allergies": {**TEXT, "maxLength": 1000}, "anticoagulants": {"type": "boolean"},
    "anticoagulant_details": {**TEXT, "maxLength": 500}, "pregnant": {"type": "boolean"},
    "breastfeeding": {"type": "boolean"}, "bleeding_disorder": {"type": "boolean"},
    "notes": {**TEXT, "maxLength": 4000}, "language": {"enum": ["it", "es", "en"]}},
    required=["family_name", "given_name", "birth_date", "sex"])
PLAN_FILE = {"type": "object", "description": "a plan file (PLAN-FORMAT.md, "
                                              "format mesoplanner.plan/1)"}
PLAN = obj({"id": {"type": "integer"}, "patient_id": {"type": "integer"}, "title": TEXT,
            "version": {"type": "integer"}, "points": {"type": "integer"}, "total_ml": DECIMAL,
            "updated_at": TEXT, "plan": PLAN_FILE})
PLAN_SUMMARY = obj({"id": {"type": "integer"}, "title": TEXT, "version": {"type": "integer"},
                    "points": {"type": "integer"}, "total_ml": DECIMAL})
PLAN_INPUT = obj({"title": {**TEXT, "minLength": 1, "maxLength": 200}, "plan": PLAN_FILE},
                 required=["plan"])
PLAN_UPDATE = obj({"title": {**TEXT, "minLength": 1, "maxLength": 200}, "plan": PLAN_FILE,
                   "version": {"type": "integer",
                               "description": "the version read; a newer one answers 409"}},
                  required=["plan", "version"])
SESSION = obj({
    "id": {"type": "integer"}, "patient_id": {"type": "integer"},
    "plan_id": {"type": "integer"}, "plan_version": {"type": "integer"},
    "status": {"enum": ["draft", "signed", "discarded"]}, "performed_at": TEXT,
    "performed_by": TEXT,
    "points": {"type": "integer"}, "total_ml": DECIMAL, "pain_scale": {"enum": ["nrs", "vas"]},
    "pain_before": {"type": ["integer", "null"]}, "pain_after": {"type": ["integer", "null"]},
    "adverse_events": {"type": "array", "items": TEXT},
    "products": {"type": "array", "items": obj({"product": TEXT, "lot": TEXT,
                                                 "expiry": {"type": ["string", "null"]}})},
    "signed_by": NULLABLE_TEXT, "signed_at": NULLABLE_TEXT, "notes": TEXT})
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

SCHEMAS = {"Error": ERROR, "PatientSummary": PATIENT_SUMMARY, "Patient": PATIENT,
           "PatientInput": PATIENT_INPUT, "Plan": PLAN, "PlanSummary": PLAN_SUMMARY,
           "PlanInput": PLAN_INPUT, "PlanUpdate": PLAN_UPDATE, "Session": SESSION,
           "Region": REGION, "BodyMap": BODYMAP, "BodyMapDetail": BODYMAP_DETAIL}

ERRORS = {"400": "the body is not a JSON object, or a parameter is malformed",
          "401": "no valid token", "403": "the token's user's role does not allow this",
          "404": "no such resource", "409": "the version read is not the current one",
          "413": "the body is larger than allowed",
          "422": "a field is invalid: error.field names it"}


def answers(ok: str, schema: dict[str, Any] | None, *errors: str) -> dict[str, Any]:
    """An operation's responses: the success with its schema, and the errors it can give."""
    out: dict[str, Any] = {ok: {"description": "done"}}
    if schema is not None:
        out[ok]["content"] = {"application/json": {"schema": schema}}
    for code in ("401", "403", *errors):
        out[code] = {"description": ERRORS[code],
                     "content": {"application/json": {"schema": ref("Error")}}}
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
            "operationId": "grid", "requestBody": json_body(PLAN_FILE),
            "responses": answers("200", {"type": "object"}, "400", "413", "422")}},
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
                     "responses": answers("201", ref("Patient"), "400", "413", "422")}},
        "/patients/search": {"post": {
            "summary": "Search by name, record number or birth date (in the body, never the URL)",
            "operationId": "searchPatients",
            "requestBody": json_body(obj({"q": {**TEXT, "maxLength": 100}})),
            "responses": answers("200", listing("patients", "PatientSummary"), "400", "413",
                                 "422")}},
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
                     "responses": answers("201", ref("Plan"), "400", "404", "413", "422")}},
        "/plans/{plan_id}": {
            "get": {"summary": "A plan (audited)", "operationId": "plan", "parameters": plan,
                    "responses": answers("200", ref("Plan"), "404")},
            "put": {"summary": "A new version of a plan, if the version read is current",
                    "operationId": "updatePlan", "parameters": plan,
                    "requestBody": json_body(ref("PlanUpdate")),
                    "responses": answers("200", ref("Plan"), "400", "404", "409", "413",
                                         "422")}},
        "/patients/{patient_id}/sessions": {"get": {
            "summary": "A patient's session records (audited)",
            "operationId": "patientSessions", "parameters": patient,
            "responses": answers("200", listing("sessions", "Session"), "404")}},
        "/sessions/{session_id}": {"get": {
            "summary": "A session record (audited)", "operationId": "session",
            "parameters": [path_id("session_id")],
            "responses": answers("200", ref("Session"), "404")}},
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
        "components": {"schemas": SCHEMAS, "securitySchemes": {"token": {
            "type": "http", "scheme": "bearer",
            "description": "a token made on the account's API tokens page"}}},
    }
