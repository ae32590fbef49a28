"""The JSON API's request bodies (issue 15): read strictly, then checked against the request
schema of the OpenAPI document (web/openapi.py), so that whatever arrives gets a refusal that
says what is wrong (400, 413, 415 or 422, naming the field) and never a server error, and the
API refuses exactly what its description forbids.

Nothing here walks a body by recursion before its depth is known: the depth is measured on the
text, without parsing it, and a body deeper than ``MAX_DEPTH`` is refused unread.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from functools import lru_cache
from itertools import accumulate
from typing import Any

from flask import Response, jsonify, request
from flask_babel import gettext as _

from planner.core.json_text import NonFinite, TooLong, decode
from planner.web import openapi

MAX_DEPTH = openapi.MAX_DEPTH  # Python's own parser fails near 1,000, and walks by recursion


class ApiError(Exception):
    """An answer other than success, with its status and (for bad input) the field."""

    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


def error_body(status: int, message: str, field: str | None = None) -> Response:
    """The API's error answer: ``{"error": {"status", "message", "field"?}}``."""
    body: dict[str, Any] = {"status": status, "message": message}
    if field:
        body["field"] = field
    response = jsonify({"error": body})
    response.status_code = status
    return response


# ------------------------------------------------------------------------------ reading


_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")  # +1 opening, -1 (as a signed byte) closing


def depth(text: str) -> int:
    """How deeply the JSON text nests arrays and objects, counted without parsing it (so without
    recursion, whatever the depth): brackets inside strings do not count.

    >>> depth('{"a": [1, {"b": "[[["}]}'), depth("[]" * 3), depth("[" * 100_000)
    (3, 1, 100000)
    """
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text)).encode("ascii")
    return max(accumulate(memoryview(brackets.translate(_STEPS)).cast("b")), default=0)


def _text(raw: bytes) -> str:
    """The body as text: UTF-8 only (RFC 8259), a leading byte-order mark ignored."""
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in raw[:4]:
        raise ApiError(400, _("the body must be UTF-8 text (it looks like UTF-16 or UTF-32)"))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(400, _("the body is not UTF-8 text (a wrong byte at position "
                              "%(n)d)", n=exc.start)) from None


def read_object() -> dict[str, Any]:
    """The request's JSON object, read strictly; ApiError (400, 415, 422) otherwise, and 413
    (from Werkzeug) beyond the request size limit."""
    mimetype = request.mimetype
    if mimetype != "application/json" and not mimetype.endswith("+json"):
        raise ApiError(415, _("send the body as JSON, with the header %(header)s",
                              header="Content-Type: application/json"))
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise ApiError(415, _("the body must be UTF-8 text (it looks like UTF-16 or UTF-32)"))
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise ApiError(400, _("the body is empty: a JSON object is expected"))
    text = _text(raw)
    if depth(text) > MAX_DEPTH:
        raise ApiError(400, _("the body nests lists or objects more than %(n)d deep",
                              n=MAX_DEPTH))
    try:
        data = decode(text)  # the plan file's decoder: exact numbers, stand-ins for bad ones
    except json.JSONDecodeError as exc:
        raise ApiError(400, _("the body is not valid JSON: %(problem)s (line %(line)d, column "
                              "%(column)d)", problem=exc.msg, line=exc.lineno,
                              column=exc.colno)) from None
    except (ValueError, RecursionError):  # defensive: the checks above leave none to raise
        raise ApiError(400, _("the body is not valid JSON")) from None
    if not isinstance(data, dict):
        raise ApiError(400, _("the body must be a JSON object"))
    refuse_unstorable(data)
    return data


def body(schema: str | None = None) -> dict[str, Any]:
    """The request's JSON object (read_object), checked against its schema in the API
    description when named (ApiError 422 naming the field)."""
    data = read_object()
    if schema is not None:
        check(data, openapi.ref(schema), openapi.schemas())
    return data


def plan_body(schema: str) -> tuple[dict[str, Any], tuple[str, str] | None]:
    """A body holding a plan file, checked but for the plan, and what the plan's schema finds
    wrong in it: the plan reader is asked first there, its words being the clinician's
    (checked_plan)."""
    data = read_object()
    named = openapi.schemas()
    envelope = named[schema]
    check(data, {**envelope, "properties": {**envelope["properties"], "plan": {}}}, named)
    return data, problem(data["plan"], openapi.ref("StoredPlanFile"), named, "plan")


def join(where: str, key: str | int) -> str:
    """A field's name as the plan file's messages write it: ``plan.areas[0].spacing_mm``."""
    if isinstance(key, int):
        return f"{where}[{key}]"
    return f"{where}.{key}" if where else key


def refuse_unstorable(data: dict[str, Any]) -> None:
    """Refuse what no field can hold, naming where it is: a NUL character (PostgreSQL cannot
    store one), half of a UTF-16 surrogate pair (not text), NaN or Infinity, a number of
    hundreds of digits, a key given twice. Walked with a stack, not by recursion; where a value
    is (its parent's place and its key) is written out only for the one refused (a plan of
    thousands of points named every number's place, a million strings, for nothing)."""
    stack: list[tuple[object, Place]] = [(data, None)]
    while stack:
        value, at = stack.pop()
        if isinstance(value, str):
            _refuse_bad_text(value, at)
        elif isinstance(value, dict):
            if getattr(value, "duplicate", None) is not None:
                raise ApiError(422, _("appears twice in the same object (a silent overwrite "
                                      "could change what is saved)"),
                               join(written(at), value.duplicate)[:200])  # type: ignore[attr-defined]
            for key in value:
                _refuse_bad_text(key, (at, key))
            stack.extend((item, (at, key)) for key, item in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend((value[i], (at, i)) for i in reversed(range(len(value))))
        elif isinstance(value, NonFinite):
            raise ApiError(422, _("must be a finite number (got %(got)s, which JSON does not "
                                  "have)", got=value.text), written(at))
        elif isinstance(value, TooLong):
            raise ApiError(422, _("is far too large (got a number of %(n)d characters)",
                                  n=value.digits), written(at))


# Where a value is in a body: its parent's place and its key (None: the body itself).
Place = tuple["Place", str | int] | None


def written(at: Place) -> str:
    """A place as the messages write it (join): ``plan.areas[0].label``."""
    keys: list[str | int] = []
    while at is not None:
        at, key = at
        keys.append(key)
    where = ""
    for key in reversed(keys):
        where = join(where, key)
    return where


def _refuse_bad_text(text: str, at: Place) -> None:
    if "\x00" in text:
        raise ApiError(400, _("a text holds a NUL character, which cannot be stored"),
                       written(at).replace("\x00", "")[:200] or None)
    if _SURROGATE.search(text):
        raise ApiError(400, _("a text holds half of a UTF-16 surrogate pair, which is not "
                              "text"), _SURROGATE.sub("", written(at))[:200] or None)


_SURROGATE = re.compile("[\ud800-\udfff]")


# ------------------------------------------------------------------------------ checking


def check(value: object, schema: dict[str, Any], schemas: dict[str, Any],
          where: str = "") -> None:
    """Refuse (ApiError 422, naming the field) a body its request schema does not allow."""
    found = problem(value, schema, schemas, where)
    if found is not None:
        raise ApiError(422, found[1], found[0] or None)


def problem(value: object, schema: dict[str, Any], schemas: dict[str, Any],
            where: str = "") -> tuple[str, str] | None:
    """The first field (and what is wrong with it) that ``schema`` does not allow, or None.

    The part of JSON Schema that web/openapi.py uses: $ref, type, enum, minLength, maxLength,
    pattern, format "date", minimum, maximum, minItems, maxItems, items, required,
    properties, additionalProperties, propertyNames. The body is at most MAX_DEPTH deep, so
    the recursion is too.
    """
    if "$ref" in schema:
        schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
    types = schema.get("type")
    types = [types] if isinstance(types, str) else types
    if types is not None and not any(_is(value, t) for t in types):
        return where, _type_words(types)
    if "enum" in schema and value not in schema["enum"]:
        options = ", ".join(str(o) for o in schema["enum"] if o is not None)
        return where, _("must be one of: %(options)s", options=options)
    if isinstance(value, str):
        return _text_problem(value, schema, where)
    if _is(value, "number"):
        low, high = schema.get("minimum"), schema.get("maximum")
        number = Decimal(value)  # type: ignore[arg-type]
        if (low is not None and number < Decimal(str(low))) or (
                high is not None and number > Decimal(str(high))):
            return where, _("must be between %(lo)s and %(hi)s", lo=low, hi=high)
        return None
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            return where, _("needs at least %(n)d items", n=schema["minItems"])
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            return where, _("has more than %(n)d items", n=schema["maxItems"])
        items: dict[str, Any] = schema.get("items", {})
        for i, item in enumerate(value):
            found = problem(item, items, schemas, join(where, i))
            if found is not None:
                return found
        return None
    if isinstance(value, dict):
        return _object_problem(value, schema, schemas, where)
    return None


def _object_problem(value: dict[str, Any], schema: dict[str, Any], schemas: dict[str, Any],
                    where: str) -> tuple[str, str] | None:
    for key in schema.get("required", ()):
        if key not in value:
            return join(where, key), _("required")
    properties = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    names = schema.get("propertyNames")
    for key, item in value.items():
        field = join(where, key)
        if names is not None:
            found = problem(key, names, schemas, field)
            if found is not None:
                return found
        if key in properties:
            found = problem(item, properties[key], schemas, field)
        elif extra is False:
            return field[:200], _("unknown field")
        elif isinstance(extra, dict):
            found = problem(item, extra, schemas, field)
        else:
            found = None
        if found is not None:
            return found
    return None


def _is(value: object, kind: str) -> bool:
    """Whether a decoded JSON value is of a JSON Schema type (2.0 is an integer, as there)."""
    if kind in ("number", "integer"):
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            return False
        return kind == "number" or isinstance(value, int) or value == value.to_integral_value()
    kinds = {"string": str, "boolean": bool, "array": list, "object": dict}
    return value is None if kind == "null" else isinstance(value, kinds[kind])


def _type_words(types: list[str]) -> str:
    words = {"string": _("must be text"), "number": _("must be a number"),
             "integer": _("must be a whole number"), "boolean": _("must be true or false"),
             "array": _("must be a list"), "object": _("must be a JSON object"),
             "null": _("must be null")}
    return str(words[next((t for t in types if t != "null"), "null")])


def _text_problem(value: str, schema: dict[str, Any], where: str) -> tuple[str, str] | None:
    if len(value) < schema.get("minLength", 0):
        return where, str(_("at least %(n)d characters", n=schema["minLength"]))
    if "maxLength" in schema and len(value) > schema["maxLength"]:
        return where, str(_("at most %(n)d characters", n=schema["maxLength"]))
    pattern = schema.get("pattern")
    if pattern is not None and not _compiled(pattern).search(value):
        return where, pattern_words(pattern)
    if schema.get("format") == "date":
        try:
            if not _DATE.fullmatch(value):
                raise ValueError(value)
            date.fromisoformat(value)
        except ValueError:
            return where, str(_("a date (year-month-day)"))
    return None


def pattern_words(pattern: str) -> str:
    """What a text that does not match one of the document's patterns should be."""
    if pattern == openapi.NOT_BLANK:
        return str(_("required (not only spaces)"))
    if pattern.startswith(openapi.BIRTH_DATES):
        return str(_("a date between 1900-01-01 and today (year-month-day)"))
    if pattern == openapi.WEIGHT_TEXT:
        return str(_("a weight in kg between 1 and 400"))
    if pattern == openapi.DECIMAL_TEXT:
        return str(_("must be a number"))
    if pattern in openapi.DECIMAL_PATTERNS:
        low, high, places = openapi.DECIMAL_PATTERNS[pattern]
        return str(_("a number from %(lo)s to %(hi)s written plainly, at most %(n)d decimals "
                     "(\"0.10\")", lo=low, hi=high, n=places))
    if pattern == openapi.ID_PATTERN:
        return str(_("not a valid id (see GET /api/v1/bodymaps)"))
    return str(_("is not in the form the API description gives"))


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@lru_cache(maxsize=64)
def _compiled(pattern: str) -> re.Pattern[str]:
    # JSON Schema's "$" is the end of the text; Python's would also match before a final newline.
    return re.compile(pattern[:-1] + r"\Z" if pattern.endswith("$") else pattern)
