"""Whatever body arrives, every API route that reads one answers 400, 413, 415 or 422 with the
JSON error naming the problem (and the field, where there is one): never a 500 (issue 15).
Each class of hostile body is sent to every POST and PUT route of the API, found in the app's
own routes so that a new one is covered too; then hypothesis sends generated ones."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.api import PATIENT, PLAN, Api, make_token

HOLE = "@@HOSTILE@@"  # where a route's base body takes the hostile value (as raw JSON text)
# Each route's valid body, with the field whose value is replaced, and that field's name in the
# error (the plan file's own fields are named as the plan reader names them).
BASES: dict[str, tuple[dict[str, Any], str]] = {
    "POST /api/v1/grid": ({**PLAN, "areas": [{**PLAN["areas"][0], "label": HOLE}]},
                          "areas[0].label"),
    "POST /api/v1/patients": ({**PATIENT, "notes": HOLE}, "notes"),
    "POST /api/v1/patients/search": ({"q": HOLE}, "q"),
    "POST /api/v1/patients/1/plans": ({"title": HOLE, "plan": PLAN}, "title"),
    "PUT /api/v1/plans/1": ({"title": HOLE, "plan": PLAN, "version": 1}, "title"),
}
# Routes whose body is a multipart form, not JSON, and where their hostile bodies are tested.
MULTIPART = {"POST /api/v1/patients/1/photos": "tests/web/test_api_photos.py"}


def body_routes(app) -> list[str]:
    """Every API route that reads a body, its ids set to 1 (the seeded patient and plan)."""
    found = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) & {"POST", "PUT", "PATCH"}):
            if rule.rule.startswith("/api/"):
                path = re.sub(r"<int:\w+>", "1", rule.rule)
                found.append(f"{method} {path}")
    return sorted(found)


def with_value(route: str, raw: str) -> bytes:
    """The route's base body with ``raw`` (JSON text, maybe not valid JSON) in its field."""
    text = json.dumps(BASES[route][0])
    assert text.count(json.dumps(HOLE)) == 1
    return text.replace(json.dumps(HOLE), raw).encode("utf-8", "surrogatepass")


def deep(levels: int, opening: str = "[", closing: str = "]") -> str:
    return opening * levels + closing * levels


# (name, the value put in each route's field as raw JSON text, status, the field named?)
VALUES = [
    ("100,000 levels of [", "[" * 100_000, 400, False),
    ('100,000 levels of {"a":', '{"a":' * 100_000, 400, False),
    ("1,000 levels, closed", deep(1000), 400, False),
    ("1,000 levels of objects, closed", '{"a":' * 1000 + "1" + "}" * 1000, 400, False),
    ("33 levels", deep(33), 400, False),
    ("an integer of 5,000 digits", "9" * 5000, 422, True),
    ("an integer of 50,000 digits", "-" + "1" * 50_000, 422, True),
    ("1e999", "1e999", 422, True),
    ("-1e-999", "-1e-999", 422, True),
    ("a decimal of 1,000 digits", "0." + "3" * 1000, 422, True),
    ("NaN", "NaN", 422, True),
    ("Infinity", "Infinity", 422, True),
    ("-Infinity", "-Infinity", 422, True),
    ("a text of 1.5 million characters", '"' + "a" * 1_500_000 + '"', 422, True),
    ("a NUL character", '"a\\u0000b"', 400, True),
    ("half a surrogate pair", '"a\\ud800b"', 400, True),
    ("an object", '{"a": 1}', 422, True),
    ("a list", "[1, 2]", 422, True),
    ("true", "true", 422, True),
]

# (name, the whole body, Content-Type, status)
BODIES = [
    ("empty", b"", "application/json", 400),
    ("spaces only", b"  \n ", "application/json", 400),
    ("not JSON", b"{", "application/json", 400),
    ("a top-level list", b"[]", "application/json", 400),
    ("a top-level string", b'"x"', "application/json", 400),
    ("a top-level number", b"12", "application/json", 400),
    ("a top-level huge number", b"9" * 10_000, "application/json", 400),
    ("a top-level null", b"null", "application/json", 400),
    ("invalid UTF-8", b'{"a": "\xff\xfe"}', "application/json", 400),
    ("UTF-8 of a surrogate", b'{"a": "\xed\xa0\x80"}', "application/json", 400),
    ("UTF-16 with its BOM", '{"a": 1}'.encode("utf-16"), "application/json", 400),
    ("UTF-16 without", '{"a": 1}'.encode("utf-16-le"), "application/json", 400),
    ("UTF-32", '{"a": 1}'.encode("utf-32"), "application/json", 400),
    ("a key given twice", b'{"a": 1, "a": 2}', "application/json", 422),
    ("no Content-Type", b'{"a": 1}', None, 415),
    ("text/plain", b'{"a": 1}', "text/plain", 415),
    ("a form", b"a=1", "application/x-www-form-urlencoded", 415),
    ("JSON in Latin-1", b'{"a": 1}', "application/json; charset=latin-1", 415),
    ("3 MB", b'{"a": "' + b"x" * (3 * 1024 * 1024) + b'"}', "application/json", 413),
]


@pytest.fixture
def api(app) -> Api:
    """A doctor's token, with patient 1 and plan 1."""
    api = Api(app, make_token(app))
    assert api.post("/patients", PATIENT).status_code == 201
    assert api.post("/patients/1/plans", {"title": "Knee", "plan": PLAN}).status_code == 201
    return api


def send(api: Api, route: str, data: bytes, content_type: str | None = "application/json"):
    method, path = route.split(" ", 1)
    headers = dict(api.headers)
    if content_type is not None:
        headers["Content-Type"] = content_type
    return api.client.open(path, method=method, data=data, headers=headers)


def assert_refused(response, status: int, route: str) -> dict[str, Any]:
    assert response.status_code == status, (route, response.get_data(as_text=True)[:300])
    assert response.is_json, route
    error = response.json["error"]
    assert error["status"] == status and error["message"].strip(), (route, error)
    return error


def test_every_route_that_reads_a_body_is_tested(app):
    assert body_routes(app) == sorted([*BASES, *MULTIPART])


def test_the_base_bodies_are_accepted(api):
    for route in BASES:
        response = send(api, route, with_value(route, '"Fine"'))
        assert response.status_code < 300, (route, response.json)


@pytest.mark.parametrize(("raw", "status", "named"), [v[1:] for v in VALUES],
                         ids=[v[0] for v in VALUES])
def test_a_hostile_value_in_any_body_is_refused_naming_its_field(api, raw, status, named):
    for route, (_base, field) in BASES.items():
        error = assert_refused(send(api, route, with_value(route, raw)), status, route)
        if named:
            assert error.get("field") == field, (route, error)


@pytest.mark.parametrize(("data", "content_type", "status"), [b[1:] for b in BODIES],
                         ids=[b[0] for b in BODIES])
def test_a_hostile_body_is_refused_on_every_route(api, data, content_type, status):
    for route in BASES:
        error = assert_refused(send(api, route, data, content_type), status, route)
        if status == 422:
            assert error["field"] == "a", error


def test_a_leading_byte_order_mark_is_ignored(api):
    for route in BASES:
        response = send(api, route, b"\xef\xbb\xbf" + with_value(route, '"Fine"'))
        assert response.status_code < 300, (route, response.json)


def test_a_deep_body_inside_a_plan_is_refused_before_it_is_read(api):
    plan = {**PLAN, "areas": [{**PLAN["areas"][0], "polygon": HOLE}]}
    for route, body in (("POST /api/v1/grid", plan),
                        ("POST /api/v1/patients/1/plans", {"plan": plan}),
                        ("PUT /api/v1/plans/1", {"plan": plan, "version": 1})):
        data = json.dumps(body).replace(json.dumps(HOLE), deep(5000)).encode()
        error = assert_refused(send(api, route, data), 400, route)
        assert "deep" in error["message"]


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=30)


@given(route=st.sampled_from(sorted(BASES)), value=JSON, wrap=st.integers(0, 60),
       spelling=st.sampled_from(["", "NaN", "-Infinity", "1e400", "9" * 400]))
@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_generated_values_never_get_a_server_error(api, route, value, wrap, spelling):
    raw = "[" * wrap + (spelling or json.dumps(value)) + "]" * wrap
    response = send(api, route, with_value(route, raw))
    assert response.status_code < 500 and response.is_json
    if response.status_code >= 400:
        assert response.json["error"]["status"] == response.status_code
        assert response.json["error"]["message"].strip()


@given(route=st.sampled_from(sorted(BASES)), data=st.binary(max_size=200))
@settings(max_examples=100, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_generated_bytes_never_get_a_server_error(api, route, data):
    response = send(api, route, data)
    assert response.status_code in (400, 415, 422), data
    assert response.json["error"]["status"] == response.status_code


def test_an_undeclared_method_gets_405_with_allow(api):
    for method, path, allowed in (("DELETE", "/patients", "GET HEAD OPTIONS POST"),
                                  ("PATCH", "/plans/1", "GET HEAD OPTIONS PUT"),
                                  ("GET", "/grid", "OPTIONS POST")):
        response = api.client.open(f"/api/v1{path}", method=method, headers=api.headers)
        assert response.status_code == 405 and response.json["error"]["status"] == 405
        assert sorted(response.headers["Allow"].split(", ")) == allowed.split()


def test_an_unknown_query_parameter_or_a_wrong_page_is_refused(api):
    response = api.get("/patients?pgae=2")
    assert response.status_code == 400 and response.json["error"]["field"] == "pgae"
    assert api.get("/bodymaps?x=1").status_code == 400
    assert api.get("/patients?page=1").status_code == 200
    for page in ("\u00b2", "\u0661", "1.0", "-1", "0", "100001", "9" * 5000):
        wrong = api.get(f"/patients?page={page}")
        assert wrong.status_code == 400 and wrong.json["error"]["field"] == "page", page


@pytest.mark.parametrize(("change", "field"), [
    ({"weight_kg": True}, "weight_kg"),
    ({"weight_kg": "seventy"}, "weight_kg"),
    ({"weight_kg": "70,5"}, "weight_kg"),
    ({"weight_kg": 0.5}, "weight_kg"),
    ({"weight_kg": 400.5}, "weight_kg"),
    ({"pregnant": "yes"}, "pregnant"),
    ({"pregnant": 1}, "pregnant"),
    ({"family_name": 42}, "family_name"),
    ({"family_name": " \u3000\x1c"}, "family_name"),
    ({"birth_date": "19700101"}, "birth_date"),
    ({"birth_date": " 1970-01-01"}, "birth_date"),
    ({"birth_date": "2999-01-01"}, "birth_date"),
    ({"birth_date": "1970-02-30"}, "birth_date"),
    ({"record_number": "x" * 41}, "record_number"),
    ({"language": "de"}, "language"),
])
def test_a_wrong_type_or_value_of_a_patient_is_refused_naming_the_field(api, change, field):
    response = api.post("/patients", {**PATIENT, **change})
    assert response.status_code == 422, response.json
    assert response.json["error"]["field"] == field


def test_what_the_schema_allows_for_a_patient_is_taken(api):
    body = {**PATIENT, "weight_kg": "70.25", "record_number": None, "allergies": None,
            "pregnant": None, "language": None, "birth_date": "1900-01-01"}
    response = api.post("/patients", body)
    assert response.status_code == 201, response.json
    assert response.json["weight_kg"] == "70.2" and response.json["record_number"]
    assert api.post("/patients", {**PATIENT, "weight_kg": 1e2}).json["weight_kg"] == "100.0"


def test_another_patients_record_number_is_a_conflict(api):
    number = api.get("/patients/1").json["record_number"]
    response = api.post("/patients", {**PATIENT, "record_number": number})
    assert response.status_code == 409 and response.json["error"]["field"] == "record_number"


def test_a_plan_saved_through_the_api_keeps_no_weight(api):
    response = api.post("/patients/1/plans", {"plan": {**PLAN, "patient": {"weight_kg": 80}}})
    assert response.status_code == 422 and response.json["error"]["field"] == "plan.patient"
    unknown = api.post("/patients/1/plans", {"plan": PLAN, "colour": "red"})
    assert unknown.status_code == 422 and unknown.json["error"]["field"] == "colour"
    search = api.post("/patients/search", {"q": "x" * 101})
    assert search.status_code == 422 and search.json["error"]["field"] == "q"
