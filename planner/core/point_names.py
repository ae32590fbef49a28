"""The grid's names for its points: rows lettered, columns numbered, each point "C7".

Where a map is too dense for every point's number, the drawing labels the rows and columns of
each area's grid at its edges instead, and a point is found by its row and column, as a cell of
a spreadsheet: row C, column 7. The names are the same on the screen, the sheet and the table.
The rows go on from one area to the next (a second area's first row is the letter after the
first area's last), so no two points of a plan share a name.

Rows and columns are those of the area's lattice, in the frame where the grid is not turned
(``Area.angle_deg``): rows from the top (A, B, ... Z, AA, AB, ...), columns from the left. In a
staggered grid the rows are half a spacing apart sideways, so its columns are half a spacing
apart and a row holds every other column (A1, A3, A5; B2, B4, B6), as a chessboard's squares
of one colour. Points placed otherwise (on a line, a centre line, at a centre, by hand) have no
grid name: they keep their number only.

>>> import shapely
>>> from planner.core.compute import compute
>>> from planner.core.plan_reader import from_dict
>>> doc = {"format": "mesoplanner.plan/1", "areas": [{"label": "a", "spacing_mm": 10,
...        "volume_ml": "0.1", "polygon": [[0, 0], [30, 0], [30, 20], [0, 20]]}]}
>>> grid_names(compute(from_dict(doc))).names
('A1', 'A2', 'A3', 'B3', 'B2', 'B1')
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from planner.core.compute import Result

SQRT3_2 = math.sqrt(3.0) / 2.0


@dataclass(frozen=True)
class EdgeName:
    """A row's letter or a column's number, and where it goes: beside (x, y) at the grid's
    left or top edge, on the side the unit vector (ux, uy) points to (away from the grid), or
    where that place is taken, beside (x2, y2) at the opposite edge, on the opposite side."""

    text: str
    x: float
    y: float
    ux: float
    uy: float
    x2: float
    y2: float


@dataclass(frozen=True)
class AreaNames:
    """The row letters and column numbers of one area's grid."""

    area: int
    rows: tuple[EdgeName, ...]
    columns: tuple[EdgeName, ...]


@dataclass(frozen=True)
class GridNames:
    """Each point's grid name (None where it has none), in the plan's point order, and each
    gridded area's edge names."""

    names: tuple[str | None, ...]
    areas: tuple[AreaNames, ...]


def row_letters(row: int) -> str:
    """The letters of the row numbered ``row`` from 0: A ... Z, AA, AB ...

    >>> [row_letters(k) for k in (0, 1, 25, 26, 27, 51, 52, 701, 702)]
    ['A', 'B', 'Z', 'AA', 'AB', 'AZ', 'BA', 'ZZ', 'AAA']
    """
    letters = ""
    row += 1
    while row > 0:
        row, rest = divmod(row - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def grid_names(result: Result) -> GridNames:
    """The grid names of a computed plan's points, and its areas' row and column names."""
    names: list[str | None] = [None] * len(result.xy)
    areas: list[AreaNames] = []
    first_row = 0  # each area's rows go on from the previous area's: every name is the plan's own
    for res in result.areas:
        if res.placement != "grid":
            continue
        where = np.flatnonzero(result.area_of == res.index)
        if len(where) == 0:
            continue
        area = res.area
        rows, columns = _lattice_indices(result.xy[where], area.spacing_mm, area.pattern,
                                         area.angle_deg)
        rows = rows + first_row
        first_row = int(rows.max()) + 1
        for k, row, column in zip(where.tolist(), rows.tolist(), columns.tolist(), strict=True):
            names[k] = f"{row_letters(row)}{column + 1}"
        areas.append(_edges(res.index, result.xy[where], rows, columns, area.angle_deg))
    return GridNames(tuple(names), tuple(areas))


def _turned(xy: NDArray[np.float64], angle_deg: float) -> NDArray[np.float64]:
    """The points in the frame where the grid is not turned (turned back by its angle)."""
    if not angle_deg:
        return xy
    a = math.radians(-angle_deg)
    c, s = math.cos(a), math.sin(a)
    return np.column_stack((xy[:, 0] * c - xy[:, 1] * s, xy[:, 0] * s + xy[:, 1] * c))


def _lattice_indices(xy: NDArray[np.float64], spacing: float, pattern: str, angle_deg: float
                     ) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Each point's row and column on its lattice, from 0 at the top and the left."""
    turned = _turned(xy, angle_deg)
    staggered = pattern == "staggered"
    pitch_y = spacing * SQRT3_2 if staggered else spacing
    pitch_x = spacing / 2 if staggered else spacing
    rows = np.rint((turned[:, 1] - turned[:, 1].min()) / pitch_y).astype(np.int64)
    columns = np.rint((turned[:, 0] - turned[:, 0].min()) / pitch_x).astype(np.int64)
    return rows, columns


def _edges(index: int, xy: NDArray[np.float64], rows: NDArray[np.int64],
           columns: NDArray[np.int64], angle_deg: float) -> AreaNames:
    """Each row's letter beside the row's own first point (else its last), on the row's line:
    read as its row's whatever the area's shape (at the area's widest row's end, a short
    row's letter lay far from it, over another row's end or a landmark); each column's number
    at the area's top edge (else its bottom edge), on the column's line, as a spreadsheet's
    header (in the grid's own frame).

    >>> import numpy as np
    >>> xy = np.array([[10.0, 0.0], [20.0, 0.0], [0.0, 10.0], [10.0, 10.0], [20.0, 10.0]])
    >>> names = _edges(0, xy, np.array([0, 0, 1, 1, 1]), np.array([1, 2, 0, 1, 2]), 0.0)
    >>> [(e.text, e.x, e.x2) for e in names.rows]
    [('A', 10.0, 20.0), ('B', 0.0, 20.0)]
    >>> [(e.text, e.y, e.y2) for e in names.columns]
    [('1', 0.0, 10.0), ('2', 0.0, 10.0), ('3', 0.0, 10.0)]
    """
    turned = _turned(xy, angle_deg)
    a = math.radians(angle_deg)
    c, s = math.cos(a), math.sin(a)

    def back(x: float, y: float) -> tuple[float, float]:  # from the grid's frame to the map
        return x * c - y * s, x * s + y * c

    row_names = []
    for row in np.unique(rows).tolist():
        xs, ys = turned[rows == row, 0], turned[rows == row, 1]
        y = float(ys.mean())
        row_names.append(EdgeName(row_letters(row), *back(float(xs.min()), y), -c, -s,
                                  *back(float(xs.max()), y)))
    top_y, bottom_y = float(turned[:, 1].min()), float(turned[:, 1].max())
    column_names = []
    for column in np.unique(columns).tolist():
        x = float(turned[columns == column, 0].mean())
        column_names.append(EdgeName(str(column + 1), *back(x, top_y), s, -c,
                                     *back(x, bottom_y)))
    return AreaNames(index, tuple(row_names), tuple(column_names))
