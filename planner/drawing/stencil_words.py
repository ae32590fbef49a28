"""Where the stencil's words go: each in the first of its candidate places that stays inside
the tile and overlaps nothing placed before (points' dots, alignment marks, landmarks' names,
points' numbers)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator

from planner.drawing.text_width import text_width as width_of

EDGE_MM = 1.0  # no word nearer a tile's edge than this
Box = tuple[float, float, float, float]

# The box of a word is what a PDF reader reports: from 0.77 em above the baseline to 0.24 em
# below it; its width that of DejaVu Sans, what fontconfig gives WeasyPrint for Helvetica and
# Arial here (planner/drawing/text_width.py).
ASCENT_EM, DESCENT_EM = 0.77, 0.24
RING = ((1, -1), (-1, -1), (1, 1), (-1, 1), (1, 0), (-1, 0), (0, -1), (0, 1))


def text_width(text: str, size: float, bold: bool = False) -> float:
    """A word's width in mm at ``size`` mm."""
    return width_of(text, size, bold)


class Words:
    """Where the words of one tile go: each in the first of its candidate places that stays
    inside the tile (``EDGE_MM`` in) and overlaps nothing placed or blocked before."""

    CELL = 10.0  # mm: the boxes are kept in a grid of cells, to test only near neighbours

    def __init__(self, frame: tuple[float, float, float, float]) -> None:
        x, y, w, h = frame
        self.inner = (x + EDGE_MM, y + EDGE_MM, x + w - EDGE_MM, y + h - EDGE_MM)
        self.cells: dict[tuple[int, int], list[Box]] = {}

    def _cells(self, box: Box) -> Iterator[tuple[int, int]]:
        for i in range(math.floor(box[0] / self.CELL), math.floor(box[2] / self.CELL) + 1):
            for j in range(math.floor(box[1] / self.CELL), math.floor(box[3] / self.CELL) + 1):
                yield i, j

    def copy(self) -> Words:
        """Another layout of the same tile holding what this one holds (to try words on)."""
        out = Words((0.0, 0.0, 0.0, 0.0))
        out.inner = self.inner
        out.cells = {cell: list(boxes) for cell, boxes in self.cells.items()}
        return out

    def block(self, box: Box) -> None:
        """Keep words off ``box`` (a point's dot, an alignment mark, a placed word)."""
        for cell in self._cells(box):
            self.cells.setdefault(cell, []).append(box)

    def free(self, box: Box) -> bool:
        """``box`` is inside the tile and overlaps nothing kept."""
        ix0, iy0, ix1, iy1 = self.inner
        e = 1e-9  # a word moved in to the edge (``shift_in``) ends on it, give or take a bit
        if box[0] < ix0 - e or box[1] < iy0 - e or box[2] > ix1 + e or box[3] > iy1 + e:
            return False
        return not any(b[0] < box[2] and box[0] < b[2] and b[1] < box[3] and box[1] < b[3]
                       for cell in self._cells(box) for b in self.cells.get(cell, ()))

    def place(self, text: str, size: float, spots: Iterable[tuple[float, float, str]],
              shift_in: bool = False, bold: bool = False,
              accept: Callable[[Box], bool] | None = None) -> tuple[float, float, str] | None:
        """The first free spot (x, y of the baseline, anchor start/middle/end) for ``text``
        (and, with ``accept``, one whose box it accepts); with ``shift_in`` a spot past the
        tile's edge is first moved inside it."""
        width = text_width(text, size, bold)
        for x, y, anchor in spots:
            left = x - {"start": 0.0, "middle": width / 2, "end": width}[anchor]
            if shift_in:
                left = min(max(left, self.inner[0] + 0.2), self.inner[2] - width - 0.2)
                y = min(max(y, self.inner[1] + ASCENT_EM * size),
                        self.inner[3] - DESCENT_EM * size)
            box = (left - 0.2, y - ASCENT_EM * size, left + width + 0.2, y + DESCENT_EM * size)
            if self.free(box) and (accept is None or accept(box)):
                self.block(box)
                return left, y, "start"
        return None
