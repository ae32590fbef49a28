"""Where the points' labels go: each beside its point, on no other label, point or word, inside
the drawing; a label with no free place is left out (the editor's script does the same on the
screen, planner/static/editor/labels.js, at the size the screen shows).

Boxes are (x0, y0, x1, y1) in mm of the drawing. A label's box is its text's whole em-box (as
a PDF reader measures a word), and its width that of the widest of the fonts the drawing may be
printed with (DejaVu Sans: planner/drawing/text_width.py); the grids' row and column names are
bold.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from planner.drawing.text_width import text_width as width_of

Box = tuple[float, float, float, float]

ASCENT_EM = 0.8  # the em-box above the baseline; the rest (0.2) below
PAD_EM = 0.12  # the light box around a label
OWN_MARGIN_EM = 0.1  # a label is this much nearer its own point than any other


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
    """Boxes already taken, in a grid of cells for a quick look-up."""

    def __init__(self, cell: float) -> None:
        self.cell = max(cell, 0.5)
        self.cells: dict[tuple[int, int], list[Box]] = {}

    def _keys(self, box: Box) -> Iterable[tuple[int, int]]:
        c = self.cell
        for i in range(int(box[0] // c), int(box[2] // c) + 1):
            for j in range(int(box[1] // c), int(box[3] // c) + 1):
                yield i, j

    def add(self, box: Box) -> None:
        """Take ``box``."""
        for key in self._keys(box):
            self.cells.setdefault(key, []).append(box)

    def within(self, box: Box) -> set[Box]:
        """The boxes taken that overlap ``box`` (or touch it)."""
        return {other for key in self._keys(box) for other in self.cells.get(key, ())
                if box[0] <= other[2] and other[0] <= box[2] and box[1] <= other[3]
                and other[1] <= box[3]}

    def hits(self, box: Box, ignore: Box | None = None) -> bool:
        """Whether ``box`` overlaps a box taken (other than ``ignore``)."""
        for key in self._keys(box):
            for other in self.cells.get(key, ()):
                if other is not ignore and box[0] < other[2] and other[0] < box[2] \
                        and box[1] < other[3] and other[1] < box[3]:
                    return True
        return False


def text_box(x: float, y: float, text: str, size: float, bold: bool = False) -> Box:
    """The box of ``text`` written from (x, y) (the left end of its baseline), padded."""
    pad = PAD_EM * size
    return (x - pad, y - ASCENT_EM * size - pad, x + text_width(text, size, bold) + pad,
            y + (1 - ASCENT_EM) * size + pad)


def point_places(x: float, y: float, r: float, text: str, size: float
                 ) -> list[tuple[float, float]]:
    """Where a point's label may go, best first: above right, right, below right, above left,
    left, below left, above, below (the left end of its baseline)."""
    w = text_width(text, size)
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


def place_labels(xy: Sequence[tuple[float, float]], r: float, texts: Sequence[str | None],
                 size: float, frame: Box, taken: Iterable[Box] = (),
                 order: Sequence[int] | None = None) -> list[Placed | None]:
    """A place for each point's label (None: none free, or no text), trying the points in
    ``order`` (default: as given). No label covers another, a point or a box ``taken``, and
    each is nearer its own point than any other (reads_as_own)."""
    obstacles = Obstacles(size * 2)
    centres = Obstacles(size * 2)
    circles = [(x - r, y - r, x + r, y + r) for x, y in xy]
    for box in circles:
        obstacles.add(box)
    for x, y in xy:
        centres.add((x, y, x, y))
    for box in taken:
        obstacles.add(box)
    placed: list[Placed | None] = [None] * len(xy)
    for k in order if order is not None else range(len(xy)):
        text = texts[k]
        if not text:
            continue
        x, y = xy[k]
        for tx, ty in point_places(x, y, r, text, size):
            box = text_box(tx, ty, text, size)
            if inside(box, frame) and not obstacles.hits(box, circles[k]) and \
                    reads_as_own(box, x, y, centres, OWN_MARGIN_EM * size):
                obstacles.add(box)
                placed[k] = Placed(tx, ty, box)
                break
    return placed
