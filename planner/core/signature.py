"""A handwritten signature as vector strokes: read from what the signature pad sends, checked,
kept as canonical JSON, and drawn back as an SVG path.

The pad (static/forms/signature-pad.js) draws on a box of :data:`WIDTH` x :data:`HEIGHT` units
and sends every stroke a finger, pen or mouse made: its pointer type and its points, each
``[x, y, ms]`` (milliseconds since the first touch of the pad). What is kept is exactly that,
rounded to a tenth of a unit, so that a signature can be drawn again at any size and its timing
read back.

>>> sig = read_signature('{"strokes": [{"pointer": "pen", "points": '
...                      '[[10, 50, 0], [200, 60, 120], [400, 40, 260]]}]}')
>>> sig.strokes[0].pointer, len(sig.strokes[0].points), sig.ink_units() > 300
('pen', 3, True)
>>> sig.svg_path()
'M10 50L200 60L400 40'
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from planner.core.messages import N_

WIDTH = 600  # the pad's box, in its own units (a 3:1 box, like the line on a paper form)
HEIGHT = 200

MAX_JSON_CHARS = 200_000  # [our default]: about 4,000 points; a long signature takes ~600
MAX_STROKES = 60  # [our default]: a name and a flourish are a dozen strokes
MAX_POINTS = 5_000
MAX_MS = 10 * 60 * 1000  # [our default]: ten minutes on the pad is not one signature

# [our default]: a signature has some ink (a tenth of the pad's width of line, all strokes
# together) and some extent (a twentieth of its width): a tap or a dot is not a signature.
MIN_INK = WIDTH / 10
MIN_EXTENT = WIDTH / 20

POINTERS = ("pen", "touch", "mouse")


class SignatureError(ValueError):
    """What the pad sent is not a signature; ``text`` says why (an English template for N_)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


EMPTY = N_("The patient has not signed: sign in the box with a finger or a pen.")
TOO_SMALL = N_("The signature is too small to be one: sign across the box.")
DAMAGED = N_("The signature could not be read: clear the box and sign again.")
TOO_LONG = N_("The signature is too long: clear the box and sign again.")


@dataclass(frozen=True)
class Stroke:
    """One stroke: the pointer that drew it and its points ``(x, y, ms)``."""

    pointer: str
    points: tuple[tuple[float, float, int], ...]

    def ink(self) -> float:
        """The length of the stroke's line, in pad units."""
        return sum(math.dist(a[:2], b[:2]) for a, b in pairwise(self.points))


@dataclass(frozen=True)
class Signature:
    """A checked signature: at least one stroke, some ink, within the pad's box."""

    strokes: tuple[Stroke, ...]

    def ink_units(self) -> float:
        """The length of all the strokes' lines together, in pad units."""
        return sum(s.ink() for s in self.strokes)

    def as_json(self) -> str:
        """The signature as stored: canonical JSON, with the pad's size."""
        return json.dumps({"width": WIDTH, "height": HEIGHT, "strokes": [
            {"pointer": s.pointer, "points": [[_short(x), _short(y), ms] for x, y, ms in s.points]}
            for s in self.strokes]}, separators=(",", ":"))

    def svg_path(self) -> str:
        """The strokes as one SVG path in the pad's units (a lone point as a short dash)."""
        parts = []
        for stroke in self.strokes:
            (x0, y0, _ms), *rest = stroke.points
            moves = "".join(f"L{_short(x)} {_short(y)}" for x, y, _ms in rest)
            parts.append(f"M{_short(x0)} {_short(y0)}" + (moves or f"L{_short(x0 + 0.5)} "
                                                                   f"{_short(y0)}"))
        return "".join(parts)


def stored_path(stored: str) -> str:
    """A kept signature's SVG path, read as it was kept (no limit checked again: a limit
    tightened later never hides a consent signed before it). "" if it cannot be read."""
    try:
        data = json.loads(stored)
        return Signature(tuple(
            Stroke(str(s["pointer"]), tuple((float(x), float(y), int(ms))
                                            for x, y, ms in s["points"]))
            for s in data["strokes"] if s["points"])).svg_path()
    except (ValueError, TypeError, KeyError, OverflowError):
        return ""


def _short(value: float) -> float | int:
    """A coordinate to a tenth of a unit, written without a trailing .0."""
    rounded = round(value, 1)
    return int(rounded) if rounded == int(rounded) else rounded


def read_signature(text: str) -> Signature:
    """The signature the pad sent (JSON text), checked; SignatureError says what is wrong."""
    if not text.strip():
        raise SignatureError(EMPTY)
    if len(text) > MAX_JSON_CHARS:
        raise SignatureError(TOO_LONG)
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise SignatureError(DAMAGED) from None
    raw = data.get("strokes") if isinstance(data, dict) else None
    if not isinstance(raw, list):
        raise SignatureError(DAMAGED)
    if not raw:
        raise SignatureError(EMPTY)
    if len(raw) > MAX_STROKES:
        raise SignatureError(TOO_LONG)
    try:
        strokes = tuple(_stroke(item) for item in raw)
    except OverflowError:  # a number too big for a float
        raise SignatureError(DAMAGED) from None
    if sum(len(s.points) for s in strokes) > MAX_POINTS:
        raise SignatureError(TOO_LONG)
    signature = Signature(strokes)
    xs = [p[0] for s in strokes for p in s.points]
    ys = [p[1] for s in strokes for p in s.points]
    if (signature.ink_units() < MIN_INK
            or max(max(xs) - min(xs), max(ys) - min(ys)) < MIN_EXTENT):
        raise SignatureError(TOO_SMALL)
    return signature


def _stroke(item: Any) -> Stroke:
    if not isinstance(item, dict) or item.get("pointer") not in POINTERS:
        raise SignatureError(DAMAGED)
    points = item.get("points")
    if not isinstance(points, list) or not points:
        raise SignatureError(DAMAGED)
    if len(points) > MAX_POINTS:
        raise SignatureError(TOO_LONG)
    read = tuple(_point(p) for p in points)
    if any(b[2] < a[2] for a, b in pairwise(read)):
        raise SignatureError(DAMAGED)  # time runs forwards within a stroke
    return Stroke(str(item["pointer"]), read)


def _point(raw: Any) -> tuple[float, float, int]:
    if not isinstance(raw, list) or len(raw) != 3:
        raise SignatureError(DAMAGED)
    x, y, ms = raw
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in raw):
        raise SignatureError(DAMAGED)
    if not (math.isfinite(x) and math.isfinite(y) and 0 <= x <= WIDTH and 0 <= y <= HEIGHT):
        raise SignatureError(DAMAGED)
    if not (isinstance(ms, int) or float(ms).is_integer()) or not 0 <= ms <= MAX_MS:
        raise SignatureError(DAMAGED)
    return round(float(x), 1), round(float(y), 1), int(ms)
