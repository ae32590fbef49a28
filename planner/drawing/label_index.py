"""A drawing's points, indexed to check many label boxes at once (numpy, and shapely's STRtree
to find the points near each box): what does not hang on the labels placed before a label is
checked for all the places of many points in a few array operations (labels.place_labels),
where it was checked a place at a time.

Boxes are (x0, y0, x1, y1) in mm of the drawing; a point's dot is the box (x - r, y - r,
x + r, y + r), written with the same arithmetic as labels.py writes it, so that the answers
are the same to the last bit.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from numpy.typing import NDArray

Floats = NDArray[np.float64]
Indices = NDArray[np.intp]
# Far less than any distance a drawing shows, far more than a rounding error (1e-13 mm at a
# metre): a distance within this of another is checked again the exact way (labels.gap).
TOLERANCE = 1e-9


class PointIndex:
    """The points (an n x 2 array or a sequence of pairs) and their dots of radius ``r``."""

    def __init__(self, xy: Any, r: float) -> None:
        points = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        self.x, self.y = points[:, 0].copy(), points[:, 1].copy()
        self.r = r
        self.dots = (self.x - r, self.y - r, self.x + r, self.y + r)
        self._tree: shapely.STRtree | None = None

    def near(self, x0: Floats, y0: Floats, x1: Floats, y1: Floats) -> tuple[Indices, Indices]:
        """(box, point) pairs of indices: every point inside or on the edge of each box
        (x0, y0, x1, y1 arrays), and perhaps a few more; the caller checks them exactly."""
        if self._tree is None:
            self._tree = shapely.STRtree(shapely.points(self.x, self.y))
        if not len(x0):
            return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp)
        found = self._tree.query(shapely.box(x0, y0, x1, y1))
        return found[0].astype(np.intp), found[1].astype(np.intp)

    def dot_hits(self, pairs: tuple[Indices, Indices], b0: Floats, b1: Floats, b2: Floats,
                 b3: Floats) -> NDArray[np.bool_]:
        """For each (box, point) pair, whether the point's dot overlaps the box (``b0``..
        ``b3``: the box's edges, an array per pair, or per pair and place: n x k)."""
        j = pairs[1]
        if b0.ndim == 2:
            j = j[:, None]
        return (b0 < self.dots[2][j]) & (self.dots[0][j] < b2) & (b1 < self.dots[3][j]) & \
            (self.dots[1][j] < b3)

    def boxes_on_dots(self, boxes: Floats) -> NDArray[np.bool_]:
        """For each box (a row x0, y0, x1, y1), whether it overlaps any point's dot."""
        boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
        b0, b1, b2, b3 = boxes.T
        reach = self.r + TOLERANCE
        pairs = self.near(b0 - reach, b1 - reach, b2 + reach, b3 + reach)
        i = pairs[0]
        hit = self.dot_hits(pairs, b0[i], b1[i], b2[i], b3[i])
        out = np.zeros(len(boxes), dtype=bool)
        out[i[hit]] = True
        return out


def any_by_row(rows: Indices, hits: NDArray[np.bool_], shape: tuple[int, int]
               ) -> NDArray[np.bool_]:
    """An array of ``shape``: True where a pair of that row (``rows``, one per row of
    ``hits``) is True in that column."""
    out = np.zeros(shape, dtype=bool)
    pair, column = np.nonzero(hits)
    out[rows[pair], column] = True
    return out


def overlapping(box: Floats, boxes: Floats) -> NDArray[np.bool_]:
    """Whether ``box`` (x0, y0, x1, y1) overlaps each of ``boxes`` (rows; a row of NaN: no
    box), edges that only touch not counted."""
    return (box[0] < boxes[:, 2]) & (boxes[:, 0] < box[2]) & (box[1] < boxes[:, 3]) & \
        (boxes[:, 1] < box[3])


def first_free(boxes: Floats, free: NDArray[np.bool_], fixed: Floats, clashes: int,
               upto: int) -> tuple[NDArray[np.intp], int]:
    """For points in order, each one's first free place (``boxes``: n x places x 4, ``free``:
    n x places) that overlaps no place chosen before it and no box ``fixed`` (rows): what
    choosing one point at a time gives, found for many points at once.

    Each point takes its first free place as long as that overlaps no box taken before it (in
    a sparse grid none does); at a point where one does, that point's place is chosen the
    plain way and the rest go on, for at most ``clashes`` such points. Only the points before
    ``upto`` are needed. Returns each point's place (-1: none) and how many points are chosen
    for: ``upto``, or fewer where too many clashed (the caller chooses for the rest one at a
    time)."""
    chosen = np.where(free.any(axis=1), free.argmax(axis=1), -1)
    first = len(fixed)  # the boxes taken: the fixed ones, then each point's, in order
    taken = np.full((first + len(free), 4), np.nan)
    taken[:first] = fixed
    has = np.nonzero(chosen >= 0)[0]
    taken[first + has] = boxes[has, chosen[has]]
    clashing = np.zeros(len(free), dtype=np.intp)  # how many boxes before a point's are on it
    valid = np.nonzero(~np.isnan(taken[:, 0]))[0]
    if len(valid) > 1:
        shapes = shapely.box(*taken[valid].T)
        i, j = shapely.STRtree(shapes).query(shapes)
        pairs = (i < j) & (valid[j] >= first)  # a box, and a point's own box after it
        i, j = valid[i[pairs]], valid[j[pairs]]
        on = (taken[i, 0] < taken[j, 2]) & (taken[j, 0] < taken[i, 2]) & \
            (taken[i, 1] < taken[j, 3]) & (taken[j, 1] < taken[i, 3])
        np.add.at(clashing, j[on] - first, 1)
    start, handled = 0, 0
    while True:
        ahead = np.flatnonzero(clashing[start:upto])
        if not len(ahead):
            return chosen, upto
        at = start + int(ahead[0])
        if handled == clashes:
            return chosen, at
        handled += 1
        row = first + at
        was = taken[row].copy()
        chosen[at] = next((int(c) for c in np.flatnonzero(free[at])
                           if not overlapping(boxes[at, c], taken[:row]).any()), -1)
        taken[row] = boxes[at, chosen[at]] if chosen[at] >= 0 else np.nan
        after = taken[row + 1:]
        clashing[at + 1:] += overlapping(taken[row], after).astype(np.intp) - \
            overlapping(was, after).astype(np.intp)
        start = at + 1
