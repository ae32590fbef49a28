"""A regular expression for the decimal texts of a range, as the API's description gives them:
"0.5" to "60" written plainly (no sign, no exponent, no leading zero, at most two decimals).

JSON Schema's ``minimum`` and ``maximum`` do not apply to text, and a volume may be sent as text
("0.10", PLAN-FORMAT.md): the range is then said by the pattern, so that the document and the
API agree on every text (web/openapi.py, checked by web/api_bodies.py and schemathesis).
"""

from __future__ import annotations

from decimal import Decimal


def decimal_range_pattern(low: Decimal, high: Decimal, places: int = 2) -> str:
    r"""The pattern of the plain decimal texts from ``low`` to ``high`` (both >= 0), with at most
    ``places`` decimals.

    >>> import re
    >>> p = re.compile(decimal_range_pattern(Decimal("0.5"), Decimal("60")))
    >>> [t for t in ("0.5", "0.50", "0.99", "1", "7.", "12.25", "59.99", "60", "60.00")
    ...  if p.fullmatch(t)]
    ['0.5', '0.50', '0.99', '1', '12.25', '59.99', '60', '60.00']
    >>> [t for t in ("0", "0.49", "0.4", "60.01", "61", "100", "05", "+1", "1e1", "1.234", ".5")
    ...  if p.fullmatch(t)]
    []
    >>> q = re.compile(decimal_range_pattern(Decimal("0.0001"), Decimal("1000"), 4))
    >>> [bool(q.fullmatch(t)) for t in ("0.0001", "0.0000", "0", "999.9999", "1000.0", "1000.1")]
    [True, False, False, True, True, False]
    """
    unit = 10**places
    lo, hi = int(low * unit), int(high * unit)  # in units of the last decimal place
    lo_int, hi_int = lo // unit, hi // unit
    parts = []
    if lo_int == hi_int:
        parts.append(_integers(lo_int, lo_int) + _fractions(lo % unit, hi % unit, places))
    else:
        parts.append(_integers(lo_int, lo_int) + _fractions(lo % unit, unit - 1, places))
        if hi_int - lo_int > 1:
            any_fraction = rf"(?:\.[0-9]{{1,{places}}})?" if places else ""
            parts.append(_integers(lo_int + 1, hi_int - 1) + any_fraction)
        parts.append(_integers(hi_int, hi_int) + _fractions(0, hi % unit, places))
    return "^(?:" + "|".join(parts) + ")$"


def _fractions(low: int, high: int, places: int) -> str:
    """The fraction texts ("", ".5", ".25") worth ``low`` to ``high`` units of the last place."""
    options = [""] if low == 0 else []
    for digits in range(1, places + 1):
        scale = 10 ** (places - digits)  # what one unit of this text's last digit is worth
        first, last = -(-low // scale), high // scale
        if first <= last:
            options.append(r"\." + _same_length(str(first).zfill(digits),
                                                  str(last).zfill(digits)))
    return "(?:" + "|".join(options) + ")"


def _integers(low: int, high: int) -> str:
    """The whole numbers ``low`` to ``high`` written without leading zeros."""
    parts = []
    for digits in range(len(str(low)), len(str(high)) + 1):
        first = max(low, 10 ** (digits - 1) if digits > 1 else 0)
        last = min(high, 10**digits - 1)
        parts.append(_same_length(str(first), str(last)))
    return "(?:" + "|".join(parts) + ")"


def _same_length(low: str, high: str) -> str:
    """The numbers from ``low`` to ``high``, texts of the same length."""
    if low == high:
        return low
    if len(low) == 1:
        return f"[{low}-{high}]"
    if low[0] == high[0]:
        return low[0] + _same_length(low[1:], high[1:])
    rest = len(low) - 1
    parts = [low[0] + "(?:" + _same_length(low[1:], "9" * rest) + ")"]
    if int(high[0]) - int(low[0]) > 1:
        parts.append(f"[{int(low[0]) + 1}-{int(high[0]) - 1}][0-9]{{{rest}}}")
    parts.append(high[0] + "(?:" + _same_length("0" * rest, high[1:]) + ")")
    return "(?:" + "|".join(parts) + ")"
