"""Where the points' labels go: each beside its point, on no other label, point or word, inside
the drawing; a label with no free place is left out (the editor's script does the same on the
screen, planner/static/editor/labels.js, at the size the screen shows).

Boxes are (x0, y0, x1, y1) in mm of the drawing. A label's box is its text's whole em-box (as
a PDF reader measures a word), and its width that of the widest of the fonts the drawing may be
printed with (DejaVu Sans: planner/drawing/text_width.py); the grids' row and column names are
bold.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from planner.drawing.label_index import TOLERANCE, PointIndex, any_by_row, first_free
from planner.drawing.text_width import UNKNOWN, WIDTHS
from planner.drawing.text_width import text_width as width_of

Box = tuple[float, float, float, float]

ASCENT_EM = 0.8  # the em-box above the baseline; the rest (0.2) below
PAD_EM = 0.12  # the light box around a label
OWN_MARGIN_EM = 0.1  # a label is this much nearer its own point than any other
# Labels on each other's first places resolved a point at a time before the rest of a batch of
# points is placed one at a time (a dense grid: each costs a pass over the batch's arrays).
CLASHES = 16


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width of a label in mm at ``size`` mm (a point's number; ``bold``: a grid's name)."""
    return width_of(text, size, bold)


@dataclass(frozen=True)
class Placed:
    """A label's text position (left end of its baseline) and its box."""

    x: float
    y: float
    box: Box


class Obstacles:
    """Boxes already taken, in a grid of cells for a quick look-up. A cell is known by one
    number (its column times 2**32 plus its row), not a pair: a drawing's thousands of cells
    are then no objects for Python's cycle collector to count (issue 19)."""

    def __init__(self, cell: float) -> None:
        self.cell = max(cell, 0.5)
        self.cells: dict[int, list[Box]] = {}

    def _keys(self, box: Box) -> Sequence[int]:
        c = self.cell  # a cell's column and row: any order-keeping function of x and y does
        i0, j0, i1, j1 = math.floor(box[0] / c), math.floor(box[1] / c), \
            math.floor(box[2] / c), math.floor(box[3] / c)
        if j0 == j1 and i1 - i0 <= 1:  # most labels: one or two cells side by side
            return ((i0 << 32) + j0, (i1 << 32) + j0) if i1 > i0 else ((i0 << 32) + j0,)
        return [(i << 32) + j for i in range(i0, i1 + 1) for j in range(j0, j1 + 1)]

    def add(self, box: Box) -> None:
        """Take ``box``."""
        cells = self.cells
        for key in self._keys(box):
            if (found := cells.get(key)) is None:
                cells[key] = [box]
            else:
                found.append(box)

    def take(self, box: Box) -> bool:
        """Take ``box`` if it overlaps no box taken (hits and add in one look); whether it
        was free."""
        keys = self._keys(box)
        x0, y0, x1, y1 = box
        cells = self.cells
        for key in keys:
            for other in cells.get(key, ()):
                if x0 < other[2] and other[0] < x1 and y0 < other[3] and other[1] < y1:
                    return False
        for key in keys:
            if (found := cells.get(key)) is None:
                cells[key] = [box]
            else:
                found.append(box)
        return True

    def within(self, box: Box) -> set[Box]:
        """The boxes taken that overlap ``box`` (or touch it)."""
        return {other for key in self._keys(box) for other in self.cells.get(key, ())
                if box[0] <= other[2] and other[0] <= box[2] and box[1] <= other[3]
                and other[1] <= box[3]}

    def hits(self, box: Box, ignore: Box | None = None) -> bool:
        """Whether ``box`` overlaps a box taken (other than ``ignore``)."""
        x0, y0, x1, y1 = box
        cells = self.cells
        for key in self._keys(box):
            for other in cells.get(key, ()):
                if other is not ignore and x0 < other[2] and other[0] < x1 \
                        and y0 < other[3] and other[1] < y1:
                    return True
        return False


def text_box(x: float, y: float, text: str, size: float, bold: bool = False) -> Box:
    """The box of ``text`` written from (x, y) (the left end of its baseline), padded."""
    return _box(x, y, text_width(text, size, bold), size)


def _box(x: Any, y: Any, w: Any, size: float) -> tuple[Any, Any, Any, Any]:
    """text_box of a text ``w`` mm wide: for numbers, or for arrays of them alike."""
    pad = PAD_EM * size
    return (x - pad, y - ASCENT_EM * size - pad, x + w + pad,
            y + (1 - ASCENT_EM) * size + pad)


def point_places(x: float, y: float, r: float, text: str, size: float
                 ) -> list[tuple[float, float]]:
    """Where a point's label may go, best first: above right, right, below right, above left,
    left, below left, above, below (the left end of its baseline)."""
    return _places(x, y, text_width(text, size), r, size)


def _places(x: Any, y: Any, w: Any, r: float, size: float) -> list[tuple[Any, Any]]:
    """point_places of a label ``w`` mm wide: for numbers, or for arrays of them alike."""
    gap = 0.15 * size + 0.2
    d = r * 0.7 + gap * 0.5
    above, below, middle = y - d - (1 - ASCENT_EM) * size, y + d + ASCENT_EM * size, \
        y + (ASCENT_EM - 0.5) * size
    right, left = x + d, x - d - w
    return [(right, above), (x + r + gap, middle), (right, below), (left, above),
            (x - r - gap - w, middle), (left, below), (x - w / 2, y - r - gap - (1 - ASCENT_EM)
                                                        * size),
            (x - w / 2, y + r + gap + ASCENT_EM * size)]


def edge_place(x: float, y: float, ux: float, uy: float, r: float, text: str, size: float
               ) -> tuple[float, float]:
    """A row's or column's name beside the point at (x, y), away from the grid along (ux, uy):
    its box's centre as far from the point as the box's half-extent along that direction."""
    w, h = text_width(text, size, bold=True), size
    reach = r + 0.3 * size + abs(ux) * w / 2 + abs(uy) * h / 2
    cx, cy = x + ux * reach, y + uy * reach
    return cx - w / 2, cy + (ASCENT_EM - 0.5) * size


def edge_places(x: float, y: float, ux: float, uy: float, x2: float, y2: float, r: float,
                text: str, size: float) -> list[tuple[float, float]]:
    """Where a row's or column's name may go, best first: beside the grid's near edge, beside
    its far edge, then one lane further out at each (where the next row's name took the first
    lane: the names alternate between lanes rather than go missing)."""
    lane = (abs(ux) * text_width(text, size, bold=True) + abs(uy) * size) + 0.3 * size
    out = []
    for extra in (0.0, lane):
        for ax, ay, dx, dy in ((x, y, ux, uy), (x2, y2, -ux, -uy)):
            tx, ty = edge_place(ax + dx * extra, ay + dy * extra, dx, dy, r, text, size)
            out.append((tx, ty))
    return out


def gap(box: Box, x: float, y: float) -> float:
    """How far (x, y) is from ``box`` (0 inside it)."""
    return math.hypot(max(box[0] - x, 0.0, x - box[2]), max(box[1] - y, 0.0, y - box[3]))


def reads_as_own(box: Box, x: float, y: float, centres: Obstacles, margin: float) -> bool:
    """A label at ``box`` is read as the point's at (x, y): no other point's centre
    (``centres``, boxes of no size) is as near the label, give or take ``margin`` (a reader
    takes a number for the nearest point's: "100" above and right of point 100 in a 5 mm grid
    lies nearer point 105)."""
    mine = gap(box, x, y) + margin
    probe = (box[0] - mine, box[1] - mine, box[2] + mine, box[3] + mine)
    return all(gap(box, c[0], c[1]) >= mine for c in centres.within(probe)
               if (c[0], c[1]) != (x, y))


def inside(box: Box, frame: Box) -> bool:
    """Whether ``box`` lies wholly in ``frame``."""
    return box[0] >= frame[0] and box[1] >= frame[1] and box[2] <= frame[2] \
        and box[3] <= frame[3]


@functools.lru_cache(maxsize=1 << 14)
def _thousandths(text: str) -> int:
    """A label's width in thousandths of its size (text_width's sum), kept: a plan's labels
    are its points' numbers, the same from one preview to the next."""
    widths = WIDTHS[False]
    return sum(widths.get(ch, UNKNOWN) for ch in text)


def place_labels(xy: Sequence[tuple[float, float]] | NDArray[np.float64], r: float,
                 texts: Sequence[str | None],
                 size: float, frame: Box, taken: Iterable[Box] = (),
                 order: Sequence[int] | None = None,
                 groups: Sequence[Hashable | None] | None = None) -> list[Placed | None]:
    """A place for each point's label (None: none free, or no text), trying the points in
    ``order`` (default: as given). No label covers another, a point or a box ``taken``, and
    each is nearer its own point than any other (reads_as_own).

    ``groups`` (each point's group, None for none): the placing stops as soon as every point
    left to place is in a group one of whose labels found no place (the caller names such a
    group's rows and columns instead of numbering its points: their places are not needed).

    What does not hang on the labels placed before (the frame, the points, ``taken``, the
    nearest point) is checked for all of a batch of points' places at once, and so are the
    labels on each other where few are (label_index.first_free); where many are, the labels are
    placed one at a time, each on its first place still free."""
    placed: list[Placed | None] = [None] * len(xy)
    todo = [k for k in (range(len(xy)) if order is None else order) if texts[k]]
    if not todo:
        return placed
    index = PointIndex(xy, r)
    taken = list(taken)
    ends: dict[Hashable | None, int] = {}  # each group's last point in ``todo``
    for position, k in enumerate(todo):
        ends[None if groups is None else groups[k]] = position
    given_up: set[Hashable] = set()
    last = len(todo) - 1  # no point after this one is needed
    fixed = np.empty((0, 4))  # the labels placed in the batches before
    start, batch = 0, 64  # the first batch small: a dense grid gives up within a few points
    while start <= last:
        part = todo[start:start + batch]
        places, free = _free_places(index, part, texts, size, frame, taken)
        upto = min(len(part), last - start + 1)
        chosen, done = first_free(places[:, :, 2:], free, fixed, CLASHES + len(part) // 32,
                                  upto)
        if done < upto:  # labels on each other in many places: the rest one at a time
            labels = Obstacles(size * 2)
            for i, box in enumerate((*fixed, *places[np.arange(done), chosen[:done], 2:])):
                if i < len(fixed) or chosen[i - len(fixed)] >= 0:
                    labels.add(tuple(box.tolist()))
            for i in range(done, upto):
                chosen[i] = next((c for c in np.flatnonzero(free[i]).tolist()
                                  if labels.take(tuple(places[i, c, 2:].tolist()))), -1)
        at = places[np.arange(len(part)), np.maximum(chosen, 0)].ravel().tolist()
        for i, (k, c) in enumerate(zip(part, chosen.tolist(), strict=True)):
            if start + i > last:
                break
            if c >= 0:
                x0, y0, x1, y1 = at[6 * i + 2:6 * i + 6]
                placed[k] = Placed(at[6 * i], at[6 * i + 1], (x0, y0, x1, y1))
                continue
            group = None if groups is None else groups[k]
            if group is not None and group not in given_up:
                given_up.add(group)
                last = max((p for g, p in ends.items() if g is None or g not in given_up),
                           default=-1)
        fixed = np.array([p.box for p in placed if p is not None], dtype=np.float64).reshape(-1, 4)
        start, batch = start + len(part), len(todo)  # then all the rest at once
    return placed


def _free_places(index: PointIndex, part: list[int], texts: Sequence[str | None],
                 size: float, frame: Box, taken: list[Box]
                 ) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """The places of the points ``part`` (point_places: for each point 8 rows of its text's
    left end and its box, x, y, x0, y0, x1, y1) and whether each is free but for the labels:
    inside ``frame``, on no other point's dot and no box ``taken``, read as its own point's
    (reads_as_own)."""
    rows = np.asarray(part, dtype=np.intp)
    x, y = index.x[rows][:, None], index.y[rows][:, None]
    w = np.array([_thousandths(str(texts[k])) for k in part], dtype=np.float64)[:, None] \
        * size / 1000  # text_width's arithmetic, to the bit
    places = _places(x, y, w, index.r, size)
    tx = np.hstack([np.broadcast_to(p[0], x.shape) for p in places])
    ty = np.hstack([np.broadcast_to(p[1], x.shape) for p in places])
    b0, b1, b2, b3 = _box(tx, ty, w, size)
    free = (b0 >= frame[0]) & (b1 >= frame[1]) & (b2 <= frame[2]) & (b3 <= frame[3])
    for t in taken:
        free &= ~((b0 < t[2]) & (t[0] < b2) & (b1 < t[3]) & (t[1] < b3))
    # reads_as_own: no other point as near the label as its own, give or take the margin.
    margin = OWN_MARGIN_EM * size
    mine = np.hypot(np.maximum(np.maximum(b0 - x, 0.0), x - b2),
                    np.maximum(np.maximum(b1 - y, 0.0), y - b3)) + margin
    reach = np.maximum(mine, index.r) + TOLERANCE
    asked = np.nonzero(free.any(axis=1))[0]
    qi, j = index.near((b0 - reach).min(axis=1)[asked], (b1 - reach).min(axis=1)[asked],
                       (b2 + reach).max(axis=1)[asked], (b3 + reach).max(axis=1)[asked])
    qi = asked[qi]
    p0, p1, p2, p3 = b0[qi], b1[qi], b2[qi], b3[qi]
    on_dot = index.dot_hits((qi, j), p0, p1, p2, p3) & (j != rows[qi])[:, None]
    xj, yj = index.x[j][:, None], index.y[j][:, None]
    other = (xj != x[qi]) | (yj != y[qi])  # a point on the label's own point counts as it
    near = np.hypot(np.maximum(np.maximum(p0 - xj, 0.0), xj - p2),
                    np.maximum(np.maximum(p1 - yj, 0.0), yj - p3)) - mine[qi]
    shape = free.shape
    free &= ~any_by_row(qi, on_dot | (other & (near < -TOLERANCE)), shape)
    # As near as the own point but for a rounding error: checked the exact way (reads_as_own).
    unsure = free & any_by_row(qi, other & (np.abs(near) <= TOLERANCE), shape)
    for i, c in zip(*np.nonzero(unsure), strict=True):
        centres = Obstacles(size * 2)
        for m in j[qi == i]:
            centres.add((float(index.x[m]), float(index.y[m]), float(index.x[m]),
                         float(index.y[m])))
        box = (float(b0[i, c]), float(b1[i, c]), float(b2[i, c]), float(b3[i, c]))
        free[i, c] = reads_as_own(box, float(x[i, 0]), float(y[i, 0]), centres, margin)
    return np.stack([tx, ty, b0, b1, b2, b3], axis=2), free
