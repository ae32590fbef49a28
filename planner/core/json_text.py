"""Decoding JSON text so that a bad value can still be named by the field it was in.

``json.loads`` would turn NaN into a float, read a 4,000-digit number, and let the last of two
equal keys silently win. These hooks keep a stand-in instead, and the field checks
(planner.core.plan_fields) refuse it with the field's name.

>>> json.loads('{"a": NaN, "a": 1}', parse_constant=NonFinite, object_pairs_hook=unique_pairs)
{'a': 1}
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

__all__ = ["JsonObject", "NonFinite", "TooLong", "bounded_int", "decode", "unique_pairs"]


class NonFinite:
    """Stands for NaN or Infinity in JSON, so the validator can name the field it was in."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


class TooLong:
    """Stands for a number with too many digits to be meant, so its field can be named."""

    def __init__(self, text: str) -> None:
        self.digits = len(text)

    def __repr__(self) -> str:
        return f"a number of {self.digits} characters"


def bounded_int(text: str) -> int | TooLong:
    """An integer of a JSON text, or a stand-in for one too long to be meant (its field is
    then named when the document is checked)."""
    return int(text) if len(text) <= 30 else TooLong(text)


def _parse_float(text: str) -> Decimal | TooLong:
    return Decimal(text) if len(text) <= 60 else TooLong(text)


class JsonObject(dict[str, Any]):
    """A decoded JSON object that remembers a key it had twice, to report it by its path (the
    last value would silently win)."""

    duplicate: str | None = None


def unique_pairs(pairs: list[tuple[str, Any]]) -> JsonObject:
    """``json.loads``'s ``object_pairs_hook`` that keeps the first key given twice."""
    out = JsonObject()
    for key, value in pairs:
        if key in out and out.duplicate is None:
            out.duplicate = key
        out[key] = value
    return out


def decode(text: str | bytes) -> Any:
    """The JSON text decoded with every stand-in above (``json.loads``'s errors pass through)."""
    return json.loads(
        text,
        parse_float=_parse_float,
        parse_int=bounded_int,
        parse_constant=NonFinite,
        object_pairs_hook=unique_pairs,
    )
