"""The legend below a plan's drawing: the scale bar, the heading and the mixtures' colours.

The mixtures' names are measured (drawing.text_width: the print's font, wider than Helvetica
and Arial) and laid in rows that fit the drawing's width: a name too long for a row is broken
after a space or a hyphen, so that no name runs into the next or past the drawing's edge. The
band is as tall as its rows need (``legend_height``), at least LEGEND_MM.
"""

from __future__ import annotations

import re

import svgwrite

from planner.core.compute import Result
from planner.drawing.style import FONT_FAMILY, POINT_RADIUS_MM, Text, identity, mixture_colours
from planner.drawing.text_width import text_width

SCALE_BAR_MM = 100.0
LEGEND_MM = 34.0  # the band below the drawing for the scale bar and the legend, at least
FONT_MM = 3.2  # the legend's words, as printed
ROW_MM = 5.0  # from one row of the legend to the next
SIDE_MM = 8.0  # from the drawing's edges to the legend
SWATCH_MM = 4.5  # the mixture's dot and the space after it
ITEM_GAP_MM = 6.0  # between two mixtures on a row
TOP_MM = 6.0  # the scale bar below the drawing
HEADING_MM = 11.0  # the heading below the scale bar
DESCENT = 0.3  # of the font size: below the last row's baseline

Line = list[tuple[float, str | None, str]]  # (x from the legend's left, dot colour, words)


def legend_height(result: Result, width: float, text: Text = identity,
                  print_scale: float = 1.0) -> float:
    """The height in mm (of the drawing) of the band below a drawing ``width`` mm wide."""
    f = 1.0 / print_scale
    lines = _lines(result, mixture_colours(result), (width - 2 * SIDE_MM) / f, text)
    bottom = TOP_MM + HEADING_MM + ROW_MM * len(lines) + DESCENT * FONT_MM + 2.0
    return max(LEGEND_MM, bottom * f)


def draw_legend(dwg: svgwrite.Drawing, result: Result, colours: dict[str | None, str],
                left: float, top: float, width: float, title: str | None,
                text: Text, scale_bar: bool = True, digits: Text = identity,
                print_scale: float = 1.0) -> None:
    """The band below the drawing: the 100 mm bar (at true scale), the heading, the mixtures'
    colours. ``print_scale``: the size the drawing prints at, the words keep theirs."""
    f = 1.0 / print_scale
    legend = dwg.g(id="legend", font_family=FONT_FAMILY, font_size=f"{FONT_MM * f:.2f}",
                   fill="#111111")
    x0, y = left + SIDE_MM, top + TOP_MM * f
    if scale_bar:
        _draw_scale_bar(dwg, legend, x0, y, text)
    y += HEADING_MM * f
    heading = title or text("{points} points, {ml} mL in all").format(
        points=len(result.points), ml=digits(str(result.total_ml)))
    legend.add(dwg.text(heading, insert=(x0, y), font_weight="bold"))
    for line in _lines(result, colours, (width - 2 * SIDE_MM) / f, text):
        y += ROW_MM * f
        for x, colour, words in line:
            if colour is not None:
                legend.add(dwg.circle((x0 + (x + 1.6) * f, y - 1.1 * f), POINT_RADIUS_MM * f,
                                      fill=colour))
            legend.add(dwg.text(words, insert=(x0 + (x + SWATCH_MM) * f, y)))
    dwg.add(legend)


def _lines(result: Result, colours: dict[str | None, str], room: float, text: Text
           ) -> list[Line]:
    """The mixtures' dots and names in rows ``room`` mm wide (at true size): as many to a row
    as fit, a name longer than a row broken over rows of its own."""
    lines: list[Line] = []
    line: Line = []
    x = 0.0
    for name, colour in colours.items():
        if name is None and not any(p.mixture is None for p in result.points):
            continue
        words = text("mixture {name}").format(name=name) if name is not None \
            else text("no mixture")
        wide = SWATCH_MM + text_width(words, FONT_MM)
        if line and x + wide > room:
            lines.append(line)
            line, x = [], 0.0
        if wide <= room:
            line.append((x, colour, words))
            x += wide + ITEM_GAP_MM
            continue
        for k, piece in enumerate(_broken(words, room - SWATCH_MM)):
            if k:
                lines.append(line)
                line = []
            line.append((0.0, colour if k == 0 else None, piece))
        lines.append(line)
        line, x = [], 0.0
    if line:
        lines.append(line)
    return lines


def _broken(words: str, room: float) -> list[str]:
    """``words`` in pieces no wider than ``room`` mm: broken after a space or a hyphen, and
    a piece that is still too wide between two letters.

    >>> _broken("mixture Lidocaine-Thiocolchicoside-Ketoprofen", 40.0)
    ['mixture Lidocaine-', 'Thiocolchicoside-', 'Ketoprofen']
    """
    pieces: list[str] = []
    for token in re.findall(r"[^\s-]*-|\S+\s*|\s+", words):
        if pieces and text_width(pieces[-1] + token.rstrip(), FONT_MM) <= room:
            pieces[-1] += token
            continue
        while text_width(token.rstrip(), FONT_MM) > room and len(token) > 1:
            cut = max(k for k in range(1, len(token) + 1)
                      if k == 1 or text_width(token[:k], FONT_MM) <= room)
            pieces.append(token[:cut])
            token = token[cut:]
        pieces.append(token)
    return [p.rstrip() for p in pieces if p.strip()]


def _draw_scale_bar(dwg: svgwrite.Drawing, layer: svgwrite.container.Group, x0: float, y: float,
                    text: Text) -> None:
    """100 mm with 10 mm ticks, to check the print scale with a ruler."""
    layer.add(dwg.line((x0, y), (x0 + SCALE_BAR_MM, y), stroke="#111111", stroke_width=0.5))
    for k in range(11):
        tick = 2.5 if k % 5 == 0 else 1.5
        layer.add(dwg.line((x0 + 10 * k, y - tick), (x0 + 10 * k, y), stroke="#111111",
                           stroke_width=0.3))
    layer.add(dwg.text(text("100 mm (must measure 100 mm when printed)"), insert=(x0, y + 4.5)))
