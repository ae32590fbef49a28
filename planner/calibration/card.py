"""The calibration card as SVG, exact at 1:1 (one user unit = 1 mm, the size given in mm): the
four markers drawn square by square from their bits, the millimetre ruler, the card's name and
id, and one line of instructions in the reader's language (the caller's words: no request
objects here).

>>> svg = card_svg(CardWords("Calibration card", "Lay it flat beside the area."))
>>> svg.startswith("<svg") and 'width="85.6mm"' in svg and 'viewBox="0,0,85.6,53.98"' in svg
True
"""

from __future__ import annotations

from dataclasses import dataclass

import shapely
import svgwrite

from planner.calibration.layout import CARD, DICTIONARY, Card, marker_origin_mm, white_cells
from planner.drawing.text_width import text_width

FONT_FAMILY = "Helvetica, Arial, sans-serif"
INK = "#000000"
CUT_LINE = "#8a8a8a"  # the outline to cut along: seen, yet lighter than the markers
TITLE_MM = 3.2  # font sizes in mm (a cap height of 2.3 mm: read at arm's length)
ID_MM = 2.0
TEXT_MM = 2.3
LINE_MM = 2.9  # the instruction's line spacing
TICK_MM = 0.15  # the ruler's stroke
GAP_MM = 2.0  # between the text and the markers


@dataclass(frozen=True)
class CardWords:
    """The card's words in the reader's language."""

    title: str  # "Calibration card"
    instruction: str  # how to lay it and take the photo, wrapped to the card's width
    unit: str = "mm"


def card_svg(words: CardWords, card: Card = CARD) -> str:
    """The card as an SVG element (a string), sized in mm so that it prints at 1:1."""
    w, h = card.width_mm, card.height_mm
    dwg = svgwrite.Drawing(size=(f"{w:g}mm", f"{h:g}mm"), debug=False, profile="full")
    dwg.viewbox(0, 0, w, h)
    dwg["class"] = "calibration-card"
    dwg["role"] = "img"
    dwg["aria-label"] = words.title
    r = card.corner_radius_mm
    dwg.add(dwg.rect((0.1, 0.1), (w - 0.2, h - 0.2), rx=r, ry=r, fill="#ffffff",
                     stroke=CUT_LINE, stroke_width=0.2))
    for marker_id in card.marker_ids:
        dwg.add(dwg.path(d=marker_path(marker_id, card), fill=INK, fill_rule="evenodd"))
    _words(dwg, words, card)
    _ruler(dwg, words.unit, card)
    return str(dwg.tostring())


def marker_path(marker_id: int, card: Card = CARD) -> str:
    """A marker as one path: its black square with its white bits as holes (even-odd), the
    white bits that touch merged into one outline, so that no seam shows between neighbouring
    cells as it does between separate squares."""
    x, y = marker_origin_mm(marker_id, card)
    s, c = card.marker_mm, card.cell_mm
    white = shapely.union_all([shapely.box(x + (col + 1) * c, y + (row + 1) * c,
                                           x + (col + 2) * c, y + (row + 2) * c)
                               for row, col in white_cells(marker_id)])
    parts = [f"M{x:g},{y:g}L{x + s:g},{y:g}L{x + s:g},{y + s:g}L{x:g},{y + s:g}z"]
    for polygon in shapely.get_parts(white):
        for ring in (polygon.exterior, *polygon.interiors):
            points = shapely.simplify(ring, 1e-9).coords[:-1]
            parts.append("M" + "L".join(f"{px:.4f},{py:.4f}" for px, py in points) + "z")
    return "".join(parts)


def _words(dwg: svgwrite.Drawing, words: CardWords, card: Card) -> None:
    """The title and id between the top markers; the instruction across the middle band."""
    centre = card.width_mm / 2
    side = card.margin_mm + card.marker_mm + GAP_MM
    between = card.width_mm - 2 * side
    text = dwg.g(font_family=FONT_FAMILY, fill=INK, text_anchor="middle")
    title = fitted(words.title, TITLE_MM, between, bold=True)
    text.add(dwg.text(words.title, insert=(centre, card.margin_mm + 4.2),
                      font_size=f"{title:.2f}", font_weight="bold"))
    ident = f"{card.card_id} · ArUco {DICTIONARY.removeprefix('DICT_')} · {card.marker_mm:g} mm"
    # A code, in no language (zxx): the same on every card.
    text.add(dwg.text(ident, insert=(centre, card.margin_mm + 8.6), lang="zxx",
                      font_size=f"{fitted(ident, ID_MM, between):.2f}"))
    band_top = card.margin_mm + card.marker_mm + 1.0
    band = card.height_mm - 2 * (card.margin_mm + card.marker_mm) - 2.0
    lines = wrapped(words.instruction, TEXT_MM, card.width_mm - 2 * card.margin_mm)
    size = TEXT_MM
    while len(lines) * LINE_MM * size / TEXT_MM > band and size > 1.4:
        size -= 0.1
        lines = wrapped(words.instruction, size, card.width_mm - 2 * card.margin_mm)
    step = LINE_MM * size / TEXT_MM
    first = band_top + (band - len(lines) * step) / 2 + size * 0.8
    for k, line in enumerate(lines):
        text.add(dwg.text(line, insert=(centre, first + k * step), font_size=f"{size:.2f}"))
    dwg.add(text)


def _ruler(dwg: svgwrite.Drawing, unit: str, card: Card) -> None:
    """A millimetre ruler along the bottom edge, between the bottom markers: ticks every mm,
    longer every 5 and 10, numbered every 10, its zero and end on whole millimetres."""
    base = card.height_mm - card.margin_mm
    start = (card.width_mm - card.ruler_mm) / 2
    ruler = dwg.g(stroke=INK, stroke_width=TICK_MM, fill="none")
    ruler.add(dwg.line((start - TICK_MM / 2, base), (start + card.ruler_mm + TICK_MM / 2, base)))
    for k in range(card.ruler_mm + 1):
        length = 3.5 if k % 10 == 0 else 2.5 if k % 5 == 0 else 1.5
        ruler.add(dwg.line((start + k, base), (start + k, base - length)))
    dwg.add(ruler)
    numbers = dwg.g(font_family=FONT_FAMILY, font_size="1.8", fill=INK, text_anchor="middle")
    for k in range(0, card.ruler_mm + 1, 10):
        numbers.add(dwg.text(str(k), insert=(start + k, base - 4.1)))
    # The unit between 0 and 10, not after the end, where it would crowd the marker's margin.
    numbers.add(dwg.text(unit, insert=(start + 5, base - 4.1)))
    dwg.add(numbers)


def fitted(text: str, size_mm: float, width_mm: float, *, bold: bool = False) -> float:
    """The font size, at most ``size_mm``, at which ``text`` fits ``width_mm``."""
    wide = text_width(text, size_mm, bold)
    return size_mm if wide <= width_mm else size_mm * width_mm / wide


def wrapped(text: str, size_mm: float, width_mm: float) -> list[str]:
    """``text`` in lines that fit ``width_mm`` at ``size_mm`` (a word longer than the width
    stands on its own line)."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(f"{lines[-1]} {word}", size_mm) <= width_mm:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines
