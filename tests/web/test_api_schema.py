"""The API answers what its OpenAPI document says (schemathesis, issues 8 and 15): generated
requests to every operation, valid and invalid, never get a server error; every answer has a
status, content type, headers and body the document describes; what the document allows is
accepted and what it forbids is refused; an undeclared method gets 405 with ``Allow``; a request
without the token gets 401.

Every check schemathesis has runs (its defaults are all of them), with a fixed seed and a bounded
number of examples. Two need a word:
- positive_data_acceptance: for the operations that take a plan file, the schema describes its
  shape; the plan file's other rules (a region of the chosen view, an area given by a region, a
  polygon or a line, volumes in steps of 0.01 mL, a mixture defined before use...) cannot be
  said in JSON Schema. There, valid data may also get a 422 that names a field inside the plan
  (``plan_rules_or_accepted``); a 400, or a 422 naming anything else, still fails. The same
  for a photo sent: the schema gives each field's shape, not which records and cycles are the
  patient's, which regions belong to the view named, that the site is given by a view or in
  words, nor that the file is a photo; a 422 naming one of those fields is right.
- use_after_free, ensure_resource_availability and object_level_authorization run, but have
  nothing to find: the API deletes nothing and has one token per test, so they pass trivially.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.helpers.api import seeded_api, signed_session, stored_token
from tests.helpers.photos import seed_photo

# Operations whose body is (or holds) a plan file, and where in the body the plan starts.
PLAN_OPERATIONS = {"POST /grid": "", "POST /patients/{patient_id}/plans": "plan",
                   "PUT /plans/{plan_id}": "plan"}
PHOTO_RULES = {"POST /patients/{patient_id}/photos": {
    "record_id", "cycle_id", "site_side", "site_region", "site_text", "file"}}


def plan_rules_or_accepted(ctx, response, case):
    """positive_data_acceptance, but a plan file that has the schema's shape may still break one
    of the plan file's own rules: then a 422 naming a field inside the plan is right."""
    meta = case.meta
    photo_fields = PHOTO_RULES.get(case.operation.label)
    if (photo_fields is not None and meta is not None and meta.generation.mode.is_positive
            and response.status_code == 422):
        field = response.json()["error"].get("field")
        assert field in photo_fields, f"valid data refused: {response.json()}"
        return True
    prefix = PLAN_OPERATIONS.get(case.operation.label)
    if (prefix is not None and meta is not None and meta.generation.mode.is_positive
            and response.status_code == 422):
        field = response.json()["error"].get("field") or ""
        inside = field and (not prefix or field == prefix or field.startswith(f"{prefix}."))
        assert inside, f"valid data refused outside the plan file: {response.json()}"
        return True
    return positive_data_acceptance(ctx, response, case)


@pytest.fixture
def api_schema(app, doctor):
    patient, record = signed_session(doctor)  # patient 1, plan 1 and session record 1, signed
    seed_photo(app, patient, record)  # photo 1, of the record
    token = seeded_api(app, stored_token(app))  # patient 2 and plan 2, through the API
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    schema.token = token  # type: ignore[attr-defined]
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


# The operations that take a whole plan file: each is some 4 s of cases (schemathesis's
# coverage phase sends hundreds of plans each). Two tests, so that two test workers share them;
# between them, every operation.
PLAN_WRITES = {"method": ["POST", "PUT"],
               "path_regex": r"^/(grid|patients/\{patient_id\}/plans|plans/\{plan_id\})$"}
SETTINGS = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


def answers_as_documented(case, api_schema) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {api_schema.token}"},
        excluded_checks=[positive_data_acceptance],
        additional_checks=[plan_rules_or_accepted])


@schema.include(**PLAN_WRITES).parametrize()
@SETTINGS
def test_every_plan_writing_operation_answers_as_documented(case, api_schema):
    answers_as_documented(case, api_schema)


@schema.exclude(**PLAN_WRITES).parametrize()
@SETTINGS
def test_every_other_operation_answers_as_documented(case, api_schema):
    answers_as_documented(case, api_schema)
