"""Field checks of a plan file: each value's type and range, refused with the field's name.

Every check takes the decoded value and ``where`` (the field's path, ``areas[0].spacing_mm``)
and returns the value in its Python type, or raises PlanError naming the field in words a
clinician can read.

>>> read_volume("0.1", "areas[0].volume_ml", (Decimal("0.01"), Decimal("1.00")))
Decimal('0.10')
>>> read_choice("round", "areas[0].pattern", ("square", "line"))
Traceback (most recent call last):
...
planner.core.messages.PlanError: areas[0].pattern: must be one of square, line (got 'round')
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from planner.core import clinical
from planner.core.json_text import NonFinite, TooLong
from planner.core.messages import N_, Message, Number, Param, PlanError
from planner.core.plan import Point, Ring

_ID = re.compile(r"^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)?$")


def describe(value: object) -> Param:
    """The value the clinician gave, as a message shows it: a number stays a number (so it is
    written the reader's way), anything else its short JSON-like text."""
    if isinstance(value, TooLong):
        return Message(N_("a number of %(digits)s characters"), digits=value.digits)
    if value is None or isinstance(value, bool):  # as the plan file writes them
        return json.dumps(value)
    try:
        text = repr(value) if not isinstance(value, Decimal) else str(value)
    except ValueError:  # an integer too long to print (Python's 4,300-digit limit)
        return Message(N_("a number with thousands of digits"))
    if len(text) > 40:
        return text[:37] + "..."
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return Number(value)
    return text


def read_object(value: object, where: str) -> dict[str, Any]:
    """A JSON object, refused if it had a key twice."""
    if not isinstance(value, dict):
        raise PlanError(where, N_("must be a JSON object (got %(type)s)"),
                        type=type(value).__name__)
    duplicate = getattr(value, "duplicate", None)
    if duplicate is not None:
        field = duplicate if where == "plan" else f"{where}.{duplicate}"
        raise PlanError(field, N_("appears twice in the same object (a silent overwrite could "
                                  "change the plan)"))
    return value


def read_list(value: object, where: str) -> list[Any]:
    """A JSON list."""
    if not isinstance(value, list):
        raise PlanError(where, N_("must be a list (got %(type)s)"), type=type(value).__name__)
    return value


def check_keys(obj: Mapping[str, Any], where: str, allowed: set[str]) -> None:
    """Refuse the first key that is not allowed, listing the allowed ones."""
    for key in obj:
        if key not in allowed:
            listed = ", ".join(sorted(allowed))
            raise PlanError(f"{where}.{key}" if where else key,
                            N_("unknown key (allowed: %(allowed)s)"), allowed=listed)


def read_text(value: object, where: str, max_len: int = 200) -> str:
    """A text of at most ``max_len`` characters."""
    if not isinstance(value, str):
        raise PlanError(where, N_("must be text (got %(got)s)"), got=describe(value))
    if len(value) > max_len:
        raise PlanError(where, N_("must be at most %(max)s characters"), max=max_len)
    return value


def read_identifier(value: object, where: str) -> str:
    """A body-map id: a view, or a region or guide line (``knee-anterior/medial``)."""
    text = read_text(value, where, 100)
    if not _ID.match(text):
        raise PlanError(where, N_("not a valid id %(id)s (see 'mesoplanner bodymaps')"),
                        id=repr(text))
    return text


def read_choice(value: object, where: str, options: tuple[str, ...]) -> str:
    """One of the options, as given."""
    if not isinstance(value, str) or value not in options:
        raise PlanError(where, N_("must be one of %(options)s (got %(got)s)"),
                        options=", ".join(options), got=describe(value))
    return value


# ASCII digits only: Python's \d (and Decimal) would also read digits of other scripts.
_NUMBER_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$", re.ASCII)
# Numbers beyond this are not plausible anywhere in a plan; refusing them early keeps the
# decimal arithmetic (and its error messages) small.
_MAX_MAGNITUDE = Decimal("1e9")


def read_decimal(value: object, where: str) -> Decimal:
    """A finite number of plausible size, given as a number or as text (ASCII digits)."""
    if isinstance(value, NonFinite):
        raise PlanError(where, N_("must be a finite number (got %(got)s)"), got=repr(value))
    if isinstance(value, TooLong):
        raise PlanError(where, N_("is far too large (got %(got)s)"), got=describe(value))
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise PlanError(where, N_("must be a number (got %(got)s)"), got=describe(value))
    if isinstance(value, str) and not _NUMBER_TEXT.match(value.strip()):
        raise PlanError(where, N_("must be a number (got %(got)s)"), got=describe(value))
    try:
        number = value if isinstance(value, Decimal) else Decimal(
            value if isinstance(value, int) else str(value).strip())
    except (InvalidOperation, ValueError):
        raise PlanError(where, N_("must be a number (got %(got)s)"),
                        got=describe(value)) from None
    if not number.is_finite():
        raise PlanError(where, N_("must be a finite number (got %(got)s)"), got=describe(value))
    # copy_abs, not abs(): abs() rounds to the context, which overflows for 1e999999999.
    if number.copy_abs() > _MAX_MAGNITUDE:
        raise PlanError(where, N_("is far too large (got %(got)s)"), got=describe(value))
    return number


# The range message of each unit (a unit word is part of the sentence to translate).
_BETWEEN = {
    "mm": N_("must be between %(lo)s and %(hi)s mm (got %(got)s)"),
    "kg": N_("must be between %(lo)s and %(hi)s kg (got %(got)s)"),
    "degrees": N_("must be between %(lo)s and %(hi)s degrees (got %(got)s)"),
}


def read_number(value: object, where: str, bounds: tuple[float, float], unit: str) -> float:
    """A number (not text) within ``bounds``, in ``unit`` (mm, kg or degrees)."""
    if isinstance(value, str):
        raise PlanError(where, N_("must be a number, not text (got %(got)s)"),
                        got=describe(value))
    number = float(read_decimal(value, where))
    low, high = bounds
    if not (low <= number <= high) or not math.isfinite(number):
        raise PlanError(where, _BETWEEN[unit], lo=Number(low, "g"), hi=Number(high, "g"),
                        got=describe(value))
    return number


def read_volume(value: object, where: str, bounds: tuple[Decimal, Decimal]) -> Decimal:
    """A volume in mL within ``bounds``, in steps of 0.01 mL."""
    number = read_decimal(value, where)
    low, high = bounds
    if not low <= number <= high:
        raise PlanError(where, N_("must be between %(lo)s and %(hi)s mL (got %(got)s)"),
                        lo=low, hi=high, got=describe(number))
    if number != number.quantize(Decimal("0.01")):
        raise PlanError(where, N_("use steps of 0.01 mL, at most two decimals (got %(got)s)"),
                        got=number)
    return number.quantize(Decimal("0.01"))


def read_coordinate(value: object, where: str) -> float:
    """A position in mm on the view, within the coordinate limit."""
    limit = clinical.COORDINATE_LIMIT_MM
    return read_number(value, where, (-limit, limit), "mm")


def read_ring(value: object, where: str, minimum: int) -> Ring:
    """A list of at least ``minimum`` points [x, y] in mm, at most the vertex limit."""
    items = read_list(value, where)
    if len(items) < minimum:
        raise PlanError(where, N_("needs at least %(min)s points [x, y] (got %(got)s)"),
                        min=minimum, got=len(items))
    if len(items) > clinical.MAX_VERTICES:
        raise PlanError(where, N_("has more than %(max)s points"), max=clinical.MAX_VERTICES)
    out: list[Point] = []
    for i, item in enumerate(items):
        if not isinstance(item, list) or len(item) != 2:
            raise PlanError(f"{where}[{i}]", N_("must be a pair [x, y] in mm (got %(got)s)"),
                            got=describe(item))
        out.append((read_coordinate(item[0], f"{where}[{i}][0]"),
                    read_coordinate(item[1], f"{where}[{i}][1]")))
    return tuple(out)
