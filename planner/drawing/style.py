"""The drawings' shared look: the mixtures' colours, the points' size, the labels' size, and
the words as written (English) when no translation is given."""

from __future__ import annotations

import functools
from collections.abc import Callable

from planner.core.compute import Result

MIXTURE_COLOURS = ("#1f5fbf", "#b8420f", "#2a7d3a", "#7a3fa0", "#8a6d00", "#0f7a7a")
NO_MIXTURE_COLOUR = "#444444"
POINT_RADIUS_MM = 1.6
LABEL_SIZE_MM = 2.8  # 8 pt, its digits 2 mm tall: readable on paper at arm's length (issue 17)
FONT_FAMILY = "Helvetica, Arial, sans-serif"

Text = Callable[[str], str]  # a translation (gettext), or a writer of plain digits


def identity(text: str) -> str:
    """The default translation: English as written."""
    return text


# Each mixture's marker has a shape of its own as well as a colour, so that two mixtures stay
# apart on a black-and-white print (their colours are all mid greys there), in the plan's
# order: a hollow ring, a ring round a small dot (the two of a plan of two mixtures: empty and
# full centres), a dot with a white centre, a dashed ring, a dot in a ring; a point of no
# mixture is a solid dot, a shape no mixture has.
MARKERS = ("ring", "target", "eye", "dashed", "halo")


def marker_svg(x: float, y: float, r: float, colour: str, marker: str) -> str:
    """A point's marker as SVG markup: its first element is the circle the editor reads."""
    return f'cx="{x:.3f}" cy="{y:.3f}"'.join(marker_pieces(r, colour, marker))


@functools.lru_cache(maxsize=256)
def marker_pieces(r: float, colour: str, marker: str) -> tuple[str, ...]:
    """marker_svg's markup but for its centre (``cx="..." cy="..."``), which goes between the
    pieces: the same for all the points of a mixture, written once for them."""
    at = "\0"  # where the centre goes: never in a colour or a number
    return tuple(_marker(at, r, colour, marker).split(at))


def _marker(at: str, r: float, colour: str, marker: str) -> str:
    if marker in ("ring", "target", "dashed"):
        dashes = f' stroke-dasharray="{r * 0.5:.3f},{r * 0.3:.3f}"' if marker == "dashed" \
            else ""
        ring = (f'<circle {at} r="{r * 0.8:.3f}" fill="{colour}" fill-opacity="0.25" '
                f'stroke="{colour}" stroke-width="{r * 0.4:.3f}"{dashes} '
                f'data-marker="{marker}"/>')
        if marker == "target":
            ring += f'<circle class="centre" {at} r="{r * 0.3:.3f}" fill="{colour}"/>'
        return ring
    if marker == "halo":
        return (f'<circle {at} r="{r:.3f}" fill="#ffffff" fill-opacity="0.6" stroke="{colour}" '
                f'stroke-width="{r * 0.2:.3f}" data-marker="halo"/>'
                f'<circle class="centre" {at} r="{r * 0.55:.3f}" fill="{colour}"/>')
    dot = (f'<circle {at} r="{r:.3f}" fill="{colour}" stroke="#111111" '
           f'stroke-width="{r * 0.16:.3f}" data-marker="{marker}"/>')
    if marker == "eye":
        dot += f'<circle class="eye" {at} r="{r * 0.4:.3f}" fill="#ffffff"/>'
    return dot


def mixture_markers(result: Result) -> dict[str | None, str]:
    """Each mixture of the plan its marker's shape (None, points without one: solid)."""
    markers: dict[str | None, str] = {None: "solid"}
    for k, name in enumerate(result.plan.mixtures):
        markers[name] = MARKERS[k % len(MARKERS)]
    return markers


def mixture_colours(result: Result) -> dict[str | None, str]:
    """Each mixture of the plan its colour, in the plan's order (None: points without one)."""
    colours: dict[str | None, str] = {None: NO_MIXTURE_COLOUR}
    for k, name in enumerate(result.plan.mixtures):
        colours[name] = MIXTURE_COLOURS[k % len(MIXTURE_COLOURS)]
    return colours
