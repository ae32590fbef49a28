"""The points layer as printed: the same markers, label boxes and numbers as the editor's
(points_layer), at the same places, in a few elements instead of a group of three to five per
point. WeasyPrint draws each SVG element with its own graphics state and lays each <text> out
letter by letter after laying it out whole: at 300 points the per-point groups took half of a
drawing's time (issue 19).

The points are drawn in runs: a run is as many points in a row as have nothing drawn on each
other (no marker or label box of one overlaps another's: labels.Obstacles), so that drawing a
run's markers first, then its label boxes, then its numbers paints what drawing them point by
point painted. In a run:

- each circle of each marker (style.marker_layers) is one <path> for all the run's points of
  that mixture. A circle that is filled and outlined in colours of their own (a solid dot) is
  two discs; an opaque disc is a round-capped line of no length (the PDF draws a disc for it,
  ISO 32000 8.5.3.2: one point to write, where a circle is curves); a circle seen through (a
  ring's tint, a halo) is three curves of a third of it each (within 0.15% of its radius: the
  four WeasyPrint draws for a <circle> bulge by 0.6%; WeasyPrint reads each curve's numbers a
  command at a time, and three commands are a quarter less work than four);
- the label boxes are one <path> in a group at the boxes' opacity: each box's straight sides
  inset by the corners' radius and outlined with round joins as wide as the corners, which
  paints the rounded box (no two boxes overlap, so one opacity for the group is the same as one
  for each); a box too small for that is written as WeasyPrint draws a rounded <rect>;
- the numbers are one <text>, each digit placed at its own x and y (the advance widths of
  DejaVu Sans, the font the printouts are set in: text_width), one layout for the text instead
  of one per number.

Each path and the text carry the points they draw, in order (``data-points``), for the tests
(tests/helpers/print_drawings.py reads each point's marker and label back from the geometry).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import shapely

from planner.core.compute import Result
from planner.drawing.labels import Box, Obstacles, Placed
from planner.drawing.style import (
    NO_MIXTURE_COLOUR,
    Layer,
    marker_layers,
    mixture_markers,
)
from planner.drawing.text_width import text_width

BOX_CORNER = 0.4  # the label box's corners' radius (points_layer.LABEL's rx)
BOX_OPACITY = "0.85"
TEXT_COLOUR = "#111111"


def _mm(value: float) -> float:
    """A length as the editor's markup writes it (3 decimals), read back."""
    return float(f"{value:.3f}")


@dataclass
class _Run:
    """Points drawn together: for each marker (by its layers) its points (number, centre, grid
    name, area: "-" for none), and the labels (number, place)."""

    marks: dict[tuple[Layer, ...], list[tuple[int, float, float, str, str]]] = field(
        default_factory=dict)
    labels: list[tuple[int, Placed]] = field(default_factory=list)


def paper_points(result: Result, colours: dict[str | None, str], names: Sequence[str | None],
                 placed: list[Placed | None], r: float, size: float,
                 drawn: list[bool] | None = None) -> list[str]:
    """The points' markers, label boxes and numbers (points_layer's, as printed), in runs;
    ``names``: the points' grid names; ``drawn``: which points are drawn (default all)."""
    kinds = mixture_markers(result)

    def layers(mixture: str | None) -> tuple[Layer, ...]:
        return marker_layers(r, colours.get(mixture, NO_MIXTURE_COLOUR),
                             kinds.get(mixture, "solid"))

    areas = [layers(a.mixture) for a in result.plan.areas]
    manual = iter([layers(p.mixture) for p in result.plan.points])
    reach: dict[tuple[Layer, ...], float] = {}  # a marker's reach from its centre
    points: list[tuple[int, tuple[Layer, ...], float, float, str, str, Placed | None]] = []
    boxes: list[Box] = []  # each point's marker's square and its label's box
    owners: list[int] = []
    starts: list[int] = []  # each point's first box
    for k, (area, x, y, name, label) in enumerate(zip(
            result.area_of.tolist(), result.xy[:, 0].tolist(), result.xy[:, 1].tolist(), names,
            placed, strict=True)):
        mark = areas[area] if area >= 0 else next(manual)
        if drawn is not None and not drawn[k]:
            continue
        if mark not in reach:
            reach[mark] = max(_mm(radius) + float(dict(attributes).get("stroke-width", 0)) / 2
                              for _css, radius, attributes in mark)
        cx, cy, e = _mm(x), _mm(y), reach[mark]
        points.append((k + 1, mark, cx, cy, name or "-", str(area) if area >= 0 else "-", label))
        starts.append(len(boxes))
        boxes.append((cx - e, cy - e, cx + e, cy + e))
        owners.append(len(points) - 1)
        if label is not None:
            boxes.append(_box(label))
            owners.append(len(points) - 1)
    runs = [_Run()]
    apart = _apart(boxes, owners)  # the usual case: nothing drawn on another point's
    taken = Obstacles(size * 2)
    for at, (number, mark, cx, cy, name, area, label) in enumerate(points):
        if not apart:
            mine = boxes[starts[at]:starts[at] + 1 + (label is not None)]
            if any(taken.hits(box) for box in mine):  # on a point of this run: a run of its own
                runs.append(_Run())
                taken = Obstacles(size * 2)
            for box in mine:
                taken.add(box)
        runs[-1].marks.setdefault(mark, []).append((number, cx, cy, name, area))
        if label is not None:
            runs[-1].labels.append((number, label))
    return [part for run in runs for part in _run_markup(run, size)]


def _apart(boxes: list[Box], owners: list[int]) -> bool:
    """Whether no box overlaps another point's (touching is not overlapping)."""
    if len(boxes) < 2:
        return True
    b = np.array(boxes, dtype=np.float64)
    i, j = shapely.STRtree(shapely.box(*b.T)).query(shapely.box(*b.T), predicate="intersects")
    owner = np.asarray(owners)
    return not ((owner[i] != owner[j]) & (b[i, 0] < b[j, 2]) & (b[j, 0] < b[i, 2])
                & (b[i, 1] < b[j, 3]) & (b[j, 1] < b[i, 3])).any()


def _box(label: Placed) -> Box:
    """A label's box as drawn: its corner and size as the editor's markup writes them."""
    x, y = _mm(label.box[0]), _mm(label.box[1])
    return x, y, x + _mm(label.box[2] - label.box[0]), y + _mm(label.box[3] - label.box[1])


def _run_markup(run: _Run, size: float) -> Iterator[str]:
    if len(run.marks) + len(run.labels) == 0:
        return
    yield '<g class="run">'
    for mark, points in run.marks.items():
        numbers = " ".join(str(p[0]) for p in points)
        # The first circle says which points they are: their numbers, grid names and areas.
        about = (f' data-names="{" ".join(p[3] for p in points)}" '
                 f'data-areas="{" ".join(p[4] for p in points)}"')
        for css, radius, attributes in mark:
            yield from _layer(css, _mm(radius), dict(attributes), numbers, about,
                              [(p[1], p[2]) for p in points])
            about = ""
    if run.labels:
        yield from _label_boxes([_box(label) for _n, label in run.labels])
        yield _numbers(run.labels, size)
    yield "</g>"


def _layer(css: str | None, r: float, attributes: dict[str, str], numbers: str, about: str,
           centres: Sequence[tuple[float, float]]) -> Iterator[str]:
    """One circle of a marker, for all the ``centres``: discs where it is opaque, else
    circles; ``numbers``: the points', ``about``: more of their attributes."""
    css = css or "marker"
    head = f'<path class="{css}" data-points="{numbers}"{about}'
    if "data-marker" in attributes:
        head += f' data-marker="{attributes.pop("data-marker")}"'
    opaque = "fill-opacity" not in attributes and "stroke-dasharray" not in attributes
    if opaque and "stroke" not in attributes:
        yield _discs(head, attributes["fill"], r, centres)
    elif opaque and attributes["fill"] != "none":  # a dot and its outline: two discs
        half = float(attributes["stroke-width"]) / 2
        yield _discs(head, attributes["stroke"], r + half, centres)
        if r > half:
            yield _discs(f'<path class="inner {css}" data-points="{numbers}"', attributes["fill"],
                         r - half, centres)
    else:
        tail = _circle(r)
        d = "".join(f"M{x + r:.3f} {y:.3f}{tail}" for x, y in centres)
        style = "".join(f' {name}="{value}"' for name, value in attributes.items())
        yield f'{head} data-r="{r:.3f}"{style} d="{d}"/>'


@functools.lru_cache(maxsize=64)
def _circle(r: float) -> str:
    """A circle of radius ``r`` as path data from its rightmost point, the way round that
    WeasyPrint draws a <circle> (down first: a dashed ring's dashes start where they did): three
    curves relative to where each starts, the second and third mirroring the control point
    before them ("s"), its moves rounded to add up to none."""
    k = r * 4 / 3 * math.tan(math.pi / 6)  # a third of a circle's control points' reach
    at = [(r * math.cos(a), r * math.sin(a)) for a in (0.0, 2 * math.pi / 3, 4 * math.pi / 3)]
    ends = [(round(at[1][0] - at[0][0], 3), round(at[1][1] - at[0][1], 3)),
            (round(at[2][0] - at[1][0], 3), round(at[2][1] - at[1][1], 3))]
    ends.append((-ends[0][0] - ends[1][0], -ends[0][1] - ends[1][1]))

    def towards(n: int) -> tuple[float, float]:  # the control point before at[n], from at[n-1]
        a = 2 * math.pi * n / 3
        x, y = r * math.cos(a) + k * math.sin(a), r * math.sin(a) - k * math.cos(a)
        return x - at[n - 1][0], y - at[n - 1][1]

    c2 = [towards(1), towards(2), towards(3)]
    return (f"c0 {k:.3f} {c2[0][0]:.3f} {c2[0][1]:.3f} {ends[0][0]:.3f} {ends[0][1]:.3f}"
            f"s{c2[1][0]:.3f} {c2[1][1]:.3f} {ends[1][0]:.3f} {ends[1][1]:.3f}"
            f"s{c2[2][0]:.3f} {c2[2][1]:.3f} {ends[2][0]:.3f} {ends[2][1]:.3f}z")


def _discs(head: str, colour: str, r: float, centres: Sequence[tuple[float, float]]) -> str:
    """Discs of radius ``r``: round-capped lines of no length, as wide as the disc."""
    d = "".join(f"M{x:.3f} {y:.3f}h0" for x, y in centres)
    return (f'{head} data-r="{r:.3f}" fill="none" stroke="{colour}" stroke-width="{2 * r:.3f}" '
            f'stroke-linecap="round" d="{d}"/>')


def _label_boxes(boxes: list[Box]) -> Iterator[str]:
    """The light boxes under the numbers, rounded at their corners."""
    c = BOX_CORNER
    fits = [b[2] - b[0] >= 2 * c and b[3] - b[1] >= 2 * c for b in boxes]
    wide = [b for b, fit in zip(boxes, fits, strict=True) if fit]
    if wide:
        d = "".join(f"M{x0 + c:.3f} {y0 + c:.3f}h{x1 - x0 - 2 * c:.3f}v{y1 - y0 - 2 * c:.3f}"
                    f"h{2 * c - (x1 - x0):.3f}z" for x0, y0, x1, y1 in wide)
        yield (f'<g class="label-boxes" opacity="{BOX_OPACITY}"><path fill="#ffffff" '
               f'stroke="#ffffff" stroke-width="{2 * c:.3f}" stroke-linejoin="round" '
               f'd="{d}"/></g>')
    small = [b for b, fit in zip(boxes, fits, strict=True) if not fit]
    if small:
        yield (f'<path class="label-boxes" fill="#ffffff" fill-opacity="{BOX_OPACITY}" '
               f'd="{"".join(_rounded(b, c) for b in small)}"/>')


def _rounded(box: Box, corner: float) -> str:
    """A box with rounded corners as WeasyPrint draws a <rect> with ``rx`` (svg/shapes.py: the
    corners' radii at most half the box's sides, a quarter ellipse each)."""
    x, y, x1, y1 = box
    w, h = x1 - x, y1 - y
    rx, ry = min(corner, w / 2), min(corner, h / 2)
    c1, c2 = 4 * (2 ** .5 - 1) / 3 * rx, 4 * (2 ** .5 - 1) / 3 * ry
    return (f"M{x + rx:.4f} {y:.4f}L{x1 - rx:.4f} {y:.4f}"
            f"C{x1 - rx + c1:.4f} {y:.4f} {x1:.4f} {y + c2:.4f} {x1:.4f} {y + ry:.4f}"
            f"L{x1:.4f} {y1 - ry:.4f}"
            f"C{x1:.4f} {y1 - ry + c2:.4f} {x1 + c1 - rx:.4f} {y1:.4f} {x1 - rx:.4f} {y1:.4f}"
            f"L{x + rx:.4f} {y1:.4f}"
            f"C{x + rx - c1:.4f} {y1:.4f} {x:.4f} {y1 - c2:.4f} {x:.4f} {y1 - ry:.4f}"
            f"L{x:.4f} {y + ry:.4f}C{x:.4f} {y + ry - c2:.4f} {x + rx - c1:.4f} {y:.4f} "
            f"{x + rx:.4f} {y:.4f}Z")


def _numbers(labels: list[tuple[int, Placed]], size: float) -> str:
    """The points' numbers as one text: each digit at its place."""
    xs, ys, text = [], [], []
    for number, label in labels:
        x, y = _mm(label.x), f"{label.y:.3f}"
        for digit in str(number):
            xs.append(f"{x:.3f}")
            ys.append(y)
            x += text_width(digit, size)
        text.append(str(number))
    numbers = " ".join(str(n) for n, _label in labels)
    return (f'<text class="numbers" data-points="{numbers}" x="{" ".join(xs)}" '
            f'y="{" ".join(ys)}" fill="{TEXT_COLOUR}">{"".join(text)}</text>')
