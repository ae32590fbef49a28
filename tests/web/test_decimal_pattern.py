"""The pattern of a range's decimal texts (web/decimal_pattern.py) takes exactly the plain texts
of the range: generated ranges, values and texts."""

from __future__ import annotations

import re
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from planner.web.decimal_pattern import decimal_range_pattern
from tests.helpers.api import PLAN, Api, make_token

PLAIN = re.compile(r"(0|[1-9][0-9]*)(\.[0-9]+)?")


def expected(text: str, low: Decimal, high: Decimal, places: int) -> bool:
    match = PLAIN.fullmatch(text)
    if not match or len(match.group(2) or ".") - 1 > places:
        return False
    return low <= Decimal(text) <= high


@st.composite
def ranges(draw):
    places = draw(st.integers(0, 4))
    unit = 10**places
    lo = draw(st.integers(0, 200_000))
    hi = draw(st.integers(lo, lo + draw(st.sampled_from([0, 5, 150, 99_999, 10**7]))))
    return Decimal(lo) / unit, Decimal(hi) / unit, places


TEXTS = st.one_of(
    st.from_regex(r"[0-9]{1,7}(\.[0-9]{0,5})?", fullmatch=True),
    st.text(alphabet="0123456789.+-e ", max_size=9))


@settings(max_examples=300, deadline=None)
@given(ranges(), st.lists(TEXTS, min_size=1, max_size=20))
def test_the_pattern_takes_exactly_the_plain_texts_of_the_range(bounds, texts):
    low, high, places = bounds
    pattern = re.compile(decimal_range_pattern(low, high, places))
    for text in [*texts, str(low), str(high)]:
        assert bool(pattern.fullmatch(text)) == expected(text, low, high, places), \
            (text, low, high, places)


@settings(max_examples=200, deadline=None)
@given(ranges(), st.data())
def test_every_value_of_the_range_is_taken_in_its_plain_forms(bounds, data):
    low, high, places = bounds
    unit = 10**places
    value = Decimal(data.draw(st.integers(int(low * unit), int(high * unit)))) / unit
    pattern = re.compile(decimal_range_pattern(low, high, places))
    plain = f"{value:.{places}f}"
    assert pattern.fullmatch(plain), (plain, low, high)
    if "." in plain:
        assert pattern.fullmatch(plain.rstrip("0").rstrip(".")), (plain, low, high)


def test_the_api_takes_a_volume_as_plain_text_in_its_range_and_says_so_otherwise(app):
    """The document's pattern is what the API checks: a syringe of "0" (in no range) or "5e-1"
    (not plain) is refused naming the field, "0.5" and 0.5 are taken (schemathesis found the
    document promising "0")."""

    api = Api(app, make_token(app))
    for value, status in (("0.5", 200), (0.5, 200), ("60.00", 200), ("0", 422),
                          ("60.01", 422), ("5e-1", 422), ("0.505", 422)):
        response = api.post("/grid", {**PLAN, "syringe_ml": value})
        assert response.status_code == status, (value, response.json)
        if status == 422:
            assert response.json["error"]["field"].endswith("syringe_ml"), value
