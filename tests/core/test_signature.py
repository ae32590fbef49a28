"""The signature as the pad sends it: read, checked, kept and drawn back (core/signature.py)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.core import signature as sig
from planner.core.signature import SignatureError, read_signature


def pad(*strokes: list[list[float]], pointer: str = "pen") -> str:
    return json.dumps({"strokes": [{"pointer": pointer, "points": s} for s in strokes]})


ZIGZAG = [[40, 120, 0], [120, 60, 80], [200, 140, 160], [280, 70, 240]]

points = st.lists(st.tuples(st.floats(0, sig.WIDTH), st.floats(0, sig.HEIGHT)),
                  min_size=2, max_size=40)


@given(st.lists(points, min_size=1, max_size=6), st.sampled_from(sig.POINTERS))
def test_a_signature_is_kept_exactly_and_reads_back_the_same(strokes, pointer):
    """Any strokes within the box: refused as too small, or kept; what is kept reads back the
    same, to a tenth of a unit, with its times."""
    text = pad(*[[[x, y, 10 * i] for i, (x, y) in enumerate(s)] for s in strokes],
               pointer=pointer)
    try:
        read = read_signature(text)
    except SignatureError as exc:
        assert exc.text == sig.TOO_SMALL
        return
    again = read_signature(read.as_json())
    assert again == read
    for stroke, raw in zip(read.strokes, strokes, strict=True):
        assert stroke.pointer == pointer
        assert [(x, y) for x, y, _ms in stroke.points] == [
            (round(x, 1), round(y, 1)) for x, y in raw]
    assert read.svg_path().count("M") == len(strokes)


@pytest.mark.parametrize(("text", "reason"), [
    ("", sig.EMPTY), ("  ", sig.EMPTY), (pad(), sig.EMPTY),
    ("not json", sig.DAMAGED), ("[]", sig.DAMAGED), ('{"strokes": 3}', sig.DAMAGED),
    (pad([[10, 10, 0]]), sig.TOO_SMALL),  # a tap
    (pad([[10, 10, 0], [15, 12, 30]]), sig.TOO_SMALL),  # a dot
    (pad([[300, 100, i] for i in range(20)]), sig.TOO_SMALL),  # pressing on one place
    (pad(ZIGZAG, pointer="stylus"), sig.DAMAGED),
    (pad([[-1, 10, 0], *ZIGZAG]), sig.DAMAGED),  # outside the box
    (pad([[*ZIGZAG[0][:2], 999999999], *ZIGZAG]), sig.DAMAGED),  # time running backwards
    (pad([[40, 120, 0], [10**400, 10, 5]]), sig.DAMAGED),  # too big for a float
    (pad([[40, 120, 0], [float("nan"), 10, 5]]), sig.DAMAGED),
    (pad([[40, 120, 0], [True, 10, 5]]), sig.DAMAGED),
    (pad([[40, 120]]), sig.DAMAGED),
    (pad([[40, 120, 0.5], [50, 130, 1]]), sig.DAMAGED),  # milliseconds are whole
    (pad(*[ZIGZAG] * (sig.MAX_STROKES + 1)), sig.TOO_LONG),
    (pad([[i % 600, 100, i] for i in range(sig.MAX_POINTS + 1)]), sig.TOO_LONG),
    ("[" * 100_000 + "]" * 100_000, sig.DAMAGED),
    (" " * (sig.MAX_JSON_CHARS + 1) + "x", sig.TOO_LONG),
])
def test_what_is_not_a_signature_is_refused_saying_why(text, reason):
    with pytest.raises(SignatureError) as refused:
        read_signature(text)
    assert refused.value.text == reason


def test_a_signature_keeps_its_pointer_and_timing():
    read = read_signature(pad(ZIGZAG, [[300, 50, 400], [500, 150, 600]], pointer="touch"))
    assert [s.pointer for s in read.strokes] == ["touch", "touch"]
    assert [p[2] for p in read.strokes[1].points] == [400, 600]
    stored = json.loads(read.as_json())
    assert (stored["width"], stored["height"]) == (sig.WIDTH, sig.HEIGHT)
    assert read.svg_path().startswith("M40 120L120 60")
