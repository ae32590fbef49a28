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


# A marker's circles, bottom first: each its class (None, "centre", "eye"), its radius and its
# presentation attributes as written. The editor's markup (marker_svg) and the printouts' (one
# path per circle of a mixture's marker for all its points: planner/drawing/paper_points.py)
# are both written from it.
Layer = tuple[str | None, float, tuple[tuple[str, str], ...]]


@functools.lru_cache(maxsize=256)
def marker_layers(r: float, colour: str, marker: str) -> tuple[Layer, ...]:
    """The circles of a point's marker (radius ``r``, a mixture's ``colour``), bottom first."""
    if marker in ("ring", "target", "dashed"):
        dashes = (("stroke-dasharray", f"{r * 0.5:.3f},{r * 0.3:.3f}"),) if marker == "dashed" \
            else ()
        ring: Layer = (None, r * 0.8, (("fill", colour), ("fill-opacity", "0.25"),
                                       ("stroke", colour), ("stroke-width", f"{r * 0.4:.3f}"),
                                       *dashes, ("data-marker", marker)))
        return (ring, ("centre", r * 0.3, (("fill", colour),))) if marker == "target" \
            else (ring,)
    if marker == "halo":
        return ((None, r, (("fill", "#ffffff"), ("fill-opacity", "0.6"), ("stroke", colour),
                           ("stroke-width", f"{r * 0.2:.3f}"), ("data-marker", "halo"))),
                ("centre", r * 0.55, (("fill", colour),)))
    dot: Layer = (None, r, (("fill", colour), ("stroke", "#111111"),
                            ("stroke-width", f"{r * 0.16:.3f}"), ("data-marker", marker)))
    return (dot, ("eye", r * 0.4, (("fill", "#ffffff"),))) if marker == "eye" else (dot,)


def _marker(at: str, r: float, colour: str, marker: str) -> str:
    parts = []
    for css, radius, attributes in marker_layers(r, colour, marker):
        head = f'<circle class="{css}" ' if css else "<circle "
        parts.append(f'{head}{at} r="{radius:.3f}"'
                     + "".join(f' {name}="{value}"' for name, value in attributes) + "/>")
    return "".join(parts)


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
