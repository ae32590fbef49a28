"""The API answers what its OpenAPI document says (schemathesis, issue 8): generated requests
to every operation, valid and invalid, never get a server error, and every answer has a status,
content type and body the document describes."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.web.test_api import seeded_api


@pytest.fixture
def api_schema(app):
    token = seeded_api(app)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    schema.token = token  # type: ignore[attr-defined]
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented(case, api_schema):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {api_schema.token}"},
        checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                response_schema_conformance])
