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
from planner.drawing.style import (
    FONT_FAMILY,
    POINT_RADIUS_MM,
    Text,
    identity,
    marker_svg,
    mixture_colours,
    mixture_markers,
)
from planner.drawing.text_width import text_width

SCALE_BAR_MM = 100.0
LEGEND_MARKERS = "legend-markers"  # replaced by the mixtures' markers once written
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
                  print_scale: float = 1.0, title: str | None = None,
                  digits: Text = identity, scale_bar: bool = True) -> float:
    """The height in mm (of the drawing) of the band below a drawing ``width`` mm wide."""
    f = 1.0 / print_scale
    room = (width - 2 * SIDE_MM) / f
    lines = _lines(result, mixture_colours(result), room, text)
    heads = _broken(_heading(result, title, text, digits), room, bold=True)
    bottom = _heading_at(scale_bar) + ROW_MM * (len(lines) + len(heads) - 1) + \
        DESCENT * FONT_MM + 2.0
    return max(LEGEND_MM if scale_bar else 0.0, bottom * f)


def draw_legend(dwg: svgwrite.Drawing, result: Result, colours: dict[str | None, str],
                left: float, top: float, width: float, title: str | None,
                text: Text, scale_bar: bool = True, digits: Text = identity,
                print_scale: float = 1.0) -> str:
    """The band below the drawing: the 100 mm bar (at true scale), the heading, the mixtures'
    markers and names. ``print_scale``: the size the drawing prints at, the words keep theirs.
    Returns the markers' markup, for the group ``LEGEND_MARKERS`` (written as text, as the
    points' markers are: svgwrite has no element for markup)."""
    f = 1.0 / print_scale
    legend = dwg.g(id="legend", font_family=FONT_FAMILY, font_size=f"{FONT_MM * f:.2f}",
                   fill="#111111")
    x0 = left + SIDE_MM
    if scale_bar:
        _draw_scale_bar(dwg, legend, x0, top + TOP_MM * f, text)
    y = top + _heading_at(scale_bar) * f
    room = (width - 2 * SIDE_MM) / f
    for k, piece in enumerate(_broken(_heading(result, title, text, digits), room, bold=True)):
        y += ROW_MM * f * (k > 0)  # a heading too long for the band: on several rows
        legend.add(dwg.text(piece, insert=(x0, y), font_weight="bold"))
    shapes = {colours.get(name): marker for name, marker in mixture_markers(result).items()}
    swatches = []
    for line in _lines(result, colours, room, text):
        y += ROW_MM * f
        for x, colour, words in line:
            if colour is not None:  # the same marker as the mixture's points
                swatches.append(marker_svg(x0 + (x + 1.6) * f, y - 1.1 * f,
                                           POINT_RADIUS_MM * f, colour,
                                           shapes.get(colour, "solid")))
            legend.add(dwg.text(words, insert=(x0 + (x + SWATCH_MM) * f, y)))
    legend.add(dwg.g(id=LEGEND_MARKERS))
    dwg.add(legend)
    return "".join(swatches)


def _heading_at(scale_bar: bool) -> float:
    """The heading's baseline below the drawing (mm as printed): under the scale bar, or at
    the top of the band when there is none."""
    return TOP_MM + HEADING_MM if scale_bar else ROW_MM


def _heading(result: Result, title: str | None, text: Text, digits: Text) -> str:
    words = text("1 point, {ml} mL in all") if len(result.xy) == 1 else \
        text("{points} points, {ml} mL in all")
    return title or words.format(points=len(result.xy), ml=digits(str(result.total_ml)))


def _lines(result: Result, colours: dict[str | None, str], room: float, text: Text
           ) -> list[Line]:
    """The mixtures' dots and names in rows ``room`` mm wide (at true size): as many to a row
    as fit, a name longer than a row broken over rows of its own."""
    lines: list[Line] = []
    line: Line = []
    x = 0.0
    for name, colour in colours.items():
        if name is None and not _unmixed(result):
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


def _unmixed(result: Result) -> bool:
    """Whether a point of the plan has no mixture (read from the areas and the trigger points,
    not from a point object made for each point)."""
    owners = result.area_of.tolist()
    manual = sum(1 for a in owners if a < 0)  # the trigger points drawn, in the plan's order
    return any(result.plan.areas[a].mixture is None for a in set(owners) if a >= 0) or \
        any(p.mixture is None for p in result.plan.points[:manual])


def _broken(words: str, room: float, bold: bool = False) -> list[str]:
    """``words`` in pieces no wider than ``room`` mm: broken after a space or a hyphen, and
    a piece that is still too wide between two letters.

    >>> _broken("mixture Lidocaine-Thiocolchicoside-Ketoprofen", 40.0)
    ['mixture Lidocaine-', 'Thiocolchicoside-', 'Ketoprofen']
    """
    pieces: list[str] = []
    for token in re.findall(r"[^\s-]*-|\S+\s*|\s+", words):
        if pieces and text_width(pieces[-1] + token.rstrip(), FONT_MM, bold) <= room:
            pieces[-1] += token
            continue
        while text_width(token.rstrip(), FONT_MM, bold) > room and len(token) > 1:
            cut = max(k for k in range(1, len(token) + 1)
                      if k == 1 or text_width(token[:k], FONT_MM, bold) <= room)
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
