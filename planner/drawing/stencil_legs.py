"""A trigger point's ruler legs on the stencil: from each of its nearest landmarks' centres, the
two legs a ruler follows to the point (across the drawing, then along it, or along then
across: either way is the same ruler's walk), each dashed and marked with its millimetres.

Two trigger points a few mm apart near one landmark drew their legs on one line ("66 mm" and
"70 mm" on the same dash) and a point's legs from its two landmarks ran into it on one line;
their lengths then sat on each other's lines or found no place. Here the legs are laid out
together. Each walk goes the way that keeps the tile's legs apart: no two walks' legs side by
side (parallel, nearer than SEPARATE_MM); two on one line to one end (from one landmark's
cross, or into one point) are drawn as one line, each length beside its own part, and a leg
two walks share is drawn once. Each length is written beside its own leg where it crosses no
other leg and lies nearer its own leg than another walk's; where one finds no such place, the
walks are turned one at a time while that leaves fewer such lengths.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import shapely
import svgwrite

from planner.core.compute import PlacedPoint
from planner.core.whereabouts import Axes, Whereabouts
from planner.drawing.stencil_words import ASCENT_EM, Box, Words

LEG_MM = 2.4  # the millimetres written along a trigger point's legs
SEPARATE_MM = 3.0  # two parallel legs nearer each other than this, side by side, conflict
STEP_MM = 1.5  # a leg's length is tried at places this far apart along it
GAP_MM = 0.8  # from a leg to its length's box
SHORT_MM = 8.0  # a leg shorter than its length's words ("12 mm")
MERGED = 0.1  # the cost of a mm of two walks' legs drawn as one line (against up to 3.5)
SEARCH_WALKS = 12  # a tile of more walks keeps the ways that conflict least

Vec = tuple[float, float]


@dataclass(frozen=True)
class Leg:
    """One straight leg of a walk: from ``start`` to ``end`` (mm), ``mm`` long as the point
    table says (0: not drawn), of walk number ``walk``."""

    start: Vec
    end: Vec
    mm: int
    walk: int

    @property
    def length(self) -> float:
        return math.dist(self.start, self.end)

    def line(self) -> shapely.LineString:
        return shapely.LineString([self.start, self.end])


Walk = tuple[PlacedPoint, Whereabouts, Axes]  # a point, its position from a landmark, its axes


def _options(pairs: Sequence[Walk]) -> list[list[list[Leg]]]:
    """Each walk's two ways: across first, along first (its legs, zero-length ones left out)."""
    return [[_legs(k, p, where, axes, across_first) for across_first in (True, False)]
            for k, (p, where, axes) in enumerate(pairs)]


def walks(options: Sequence[Sequence[Sequence[Leg]]]) -> list[int]:
    """The way of each walk (0: across first, 1: along first) that makes the tile's legs
    conflict least: each chosen in turn against those before it, then each turned the other
    way while that lessens the whole."""
    way: list[int] = []
    for pair in options:
        drawn = [leg for j, w in enumerate(way) for leg in options[j][w]]
        way.append(min((0, 1), key=lambda w: _cost(pair[w], drawn)))
    for _pass in range(4):  # a few passes: a walk's best way depends on its neighbours'
        turned = False
        for k, pair in enumerate(options):
            others = _chosen(options, way, skip=k)
            best = min((0, 1), key=lambda w: (_cost(pair[w], others), w != way[k]))
            turned |= best != way[k]
            way[k] = best
        if not turned:
            break
    return way


def _chosen(options: Sequence[Sequence[Sequence[Leg]]], way: Sequence[int],
            skip: int = -1) -> list[Leg]:
    return [leg for j, w in enumerate(way) if j != skip for leg in options[j][w]]


def _cost(legs: Sequence[Leg], others: Sequence[Leg]) -> float:
    """How badly a walk's legs lie by the others', and a short first leg by its landmark's
    cross and name (no room there for its length)."""
    crowded = SHORT_MM if legs and legs[0].length < SHORT_MM else 0.0
    return crowded + sum(conflict(a, b) for a in legs for b in others)


def _legs(walk: int, p: PlacedPoint, where: Whereabouts, axes: Axes, across_first: bool
          ) -> list[Leg]:
    cx, cy = where.landmark.centre
    (ax, ay), (bx, by) = axes.across, axes.along
    if across_first:
        reach = (p.x - cx) * ax + (p.y - cy) * ay
        corner = (cx + reach * ax, cy + reach * ay)
        sizes = (where.across.mm, where.along.mm)
    else:
        reach = (p.x - cx) * bx + (p.y - cy) * by
        corner = (cx + reach * bx, cy + reach * by)
        sizes = (where.along.mm, where.across.mm)
    legs = [Leg((cx, cy), corner, sizes[0], walk), Leg(corner, (p.x, p.y), sizes[1], walk)]
    return [leg for leg in legs if leg.mm and leg.length > 0.05]


def conflict(a: Leg, b: Leg) -> float:
    """How badly two legs of different walks lie side by side: 0 unless they are parallel,
    nearer each other than SEPARATE_MM and overlap along their length; then the overlap
    (mm) weighted by how near."""
    if a.walk == b.walk or a.length < 1e-9 or b.length < 1e-9:
        return 0.0
    if merged(a, b):  # drawn as one line, each length beside its own part: almost as good
        return MERGED * min(a.length, b.length)
    ux, uy = (a.end[0] - a.start[0]) / a.length, (a.end[1] - a.start[1]) / a.length
    vx, vy = (b.end[0] - b.start[0]) / b.length, (b.end[1] - b.start[1]) / b.length
    if abs(ux * vy - uy * vx) > 0.17:  # more than about 10 degrees apart
        return 0.0
    apart = abs((b.start[0] - a.start[0]) * -uy + (b.start[1] - a.start[1]) * ux)
    if apart >= SEPARATE_MM:
        return 0.0
    s = sorted(((b.start[0] - a.start[0]) * ux + (b.start[1] - a.start[1]) * uy,
                (b.end[0] - a.start[0]) * ux + (b.end[1] - a.start[1]) * uy))
    overlap = min(a.length, s[1]) - max(0.0, s[0])
    return max(0.0, overlap) * (SEPARATE_MM - apart + 0.5)


def _same(a: Leg, b: Leg) -> bool:
    return a.mm == b.mm and ((math.dist(a.start, b.start) < 0.05 and
                              math.dist(a.end, b.end) < 0.05) or
                             (math.dist(a.start, b.end) < 0.05 and
                              math.dist(a.end, b.start) < 0.05))


def merged(a: Leg, b: Leg) -> bool:
    """Whether two legs are drawn as one: on one line, one within the other, to one end (two
    walks to one point, or from one landmark's cross the same way)."""
    ends = any(math.dist(p, q) < 0.05 for p in (a.start, a.end) for q in (b.start, b.end))
    la, lb = a.line(), b.line()
    return ends and (la.buffer(0.05).contains(lb) or lb.buffer(0.05).contains(la))


def draw_legs(dwg: svgwrite.Drawing, layer: Any, pairs: Sequence[Walk], words: Words) -> None:
    """The walks' legs, dashed, and each leg's length beside it (on ``layer``). Where a length
    finds no place of its own (crossing no other leg, nearer its own than another walk's),
    the walks are turned one at a time while that leaves fewer such lengths (a tile of up to
    SEARCH_WALKS walks)."""
    options = _options(pairs)
    way = walks(options)
    best = _laid(options, way, words)
    for _pass in range(2 if len(pairs) <= SEARCH_WALKS else 0):
        for k in range(len(way)):
            if best[0] == (0, 0):
                break
            tried = [*way[:k], 1 - way[k], *way[k + 1:]]
            found = _laid(options, tried, words)
            if found[0] < best[0]:
                way, best = tried, found
    _score, legs, spots, placed = best
    words.cells = placed.cells
    for k, leg in enumerate(legs):
        element = dwg.line(leg.start, leg.end, stroke="#333333", stroke_width=0.3,
                           stroke_dasharray="1.5,1", class_="leg")
        element["data-leg"] = str(k)
        layer.add(element)
        if spots[k] is not None:
            text = dwg.text(f"{leg.mm} mm", insert=spots[k], class_="leg-length")
            text["data-leg"] = str(k)
            layer.add(text)


def _laid(options: Sequence[Sequence[Sequence[Leg]]], way: Sequence[int], words: Words
          ) -> tuple[tuple[int, int], list[Leg], list[Vec | None], Words]:
    """The legs of the walks going ``way`` (a leg two walks share drawn once), where each
    length goes (on a copy of ``words``), and how bad that is: how many pairs of legs lie
    side by side (conflict), then how many lengths found no place of their own."""
    legs: list[Leg] = []
    for leg in _chosen(options, way):
        if not any(_same(leg, other) for other in legs):
            legs.append(leg)
    lines = [leg.line() for leg in legs]
    placed = words.copy()
    spots: list[Vec | None] = [None] * len(legs)
    bad = 0
    # The shortest legs first: they have the fewest places.
    for k in sorted(range(len(legs)), key=lambda j: legs[j].length):
        leg = legs[k]
        text = f"{leg.mm} mm"
        others = [line for j, line in enumerate(lines) if j != k]
        strangers = [line for j, line in enumerate(lines)
                     if legs[j].walk != leg.walk and not merged(leg, legs[j])]
        spot = placed.place(text, LEG_MM, _spots(leg), accept=partial(
            _reads_as_own, own=lines[k], others=others, strangers=strangers))
        if spot is None:
            bad += 1
            spot = placed.place(text, LEG_MM, _spots(leg))
        spots[k] = None if spot is None else (spot[0], spot[1])
    side = sum(1 for j, a in enumerate(legs) for b in legs[j + 1:]
               if not merged(a, b) and conflict(a, b) > 0.5)
    return (side, bad), legs, spots, placed


def _spots(leg: Leg) -> list[tuple[float, float, str]]:
    """Places for a leg's length beside it, its middle first: above or below a leg across the
    page, right or left of a leg down it; then further out (a short leg by a landmark's cross
    and name)."""
    (x0, y0), (x1, y1) = leg.start, leg.end
    across = abs(x1 - x0) >= abs(y1 - y0)
    out: list[tuple[float, float, str]] = []
    # Along the leg every STEP_MM or so, its middle first.
    steps = max(2, min(40, int(leg.length / STEP_MM)))
    along = sorted((k / steps for k in range(1, steps)), key=lambda t: abs(t - 0.5)) or [0.5]
    for tier, gap in enumerate((GAP_MM, GAP_MM + LEG_MM, GAP_MM + 2 * LEG_MM)):
        for t in along:
            mx, my = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
            if across:
                out += [(mx, my - gap, "middle"), (mx, my + gap + ASCENT_EM * LEG_MM, "middle")]
            else:
                my += LEG_MM * 0.3
                out += [(mx + gap, my, "start"), (mx - gap, my, "end")]
        if tier == 0:  # then in line with the leg, past either end (a short leg's)
            for (ex, ey), way in (((x1, y1), 1.0), ((x0, y0), -1.0)):
                right = (x1 - x0) * way >= 0
                out += [(ex + GAP_MM * (1 if right else -1), ey + 0.3 * LEG_MM,
                         "start" if right else "end")] if across else \
                    [(ex, ey + (GAP_MM + ASCENT_EM * LEG_MM if (y1 - y0) * way > 0 else
                                -GAP_MM), "middle")]
    return out


def _reads_as_own(box: Box, own: shapely.LineString, others: Sequence[shapely.LineString],
                  strangers: Sequence[shapely.LineString]) -> bool:
    """A length's box crosses no other leg and lies nearer its own leg than any leg of another
    walk."""
    shape = shapely.box(*box)
    if any(shape.intersects(line) for line in others):
        return False
    mine = shape.distance(own)
    return all(shape.distance(line) > mine for line in strangers)

