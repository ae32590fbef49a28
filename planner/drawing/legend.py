"""The legend below a plan's drawing: the scale bar, the heading and the mixtures' colours."""

from __future__ import annotations

import svgwrite

from planner.core.compute import Result
from planner.drawing.style import FONT_FAMILY, POINT_RADIUS_MM, Text, identity

SCALE_BAR_MM = 100.0
LEGEND_MM = 34.0  # band below the drawing for the scale bar and the legend


def draw_legend(dwg: svgwrite.Drawing, result: Result, colours: dict[str | None, str],
                 left: float, top: float, width: float, title: str | None,
                 text: Text, scale_bar: bool = True,
                 digits: Text = identity) -> None:
    """The band below the drawing: the 100 mm bar (at true scale), the heading, the mixtures'
    colours."""
    legend = dwg.g(id="legend", font_family=FONT_FAMILY, font_size="3.2",
                   fill="#111111")
    x0, y = left + 8.0, top + 6.0
    if scale_bar:
        _draw_scale_bar(dwg, legend, x0, y, text)
    y += 11.0
    heading = title or text("{points} points, {ml} mL in all").format(
        points=len(result.points), ml=digits(str(result.total_ml)))
    legend.add(dwg.text(heading, insert=(x0, y), font_weight="bold"))
    y += 5.0
    x = x0
    for name, colour in colours.items():
        if name is None and not any(p.mixture is None for p in result.points):
            continue
        legend.add(dwg.circle((x + 1.6, y - 1.1), POINT_RADIUS_MM, fill=colour))
        words = text("mixture {name}").format(name=name) if name is not None \
            else text("no mixture")
        legend.add(dwg.text(words, insert=(x + 4.5, y)))
        x += 4.5 + 2.0 * len(words) + 6.0
        if x > left + width - 30:
            x, y = x0, y + 5.0
    dwg.add(legend)


def _draw_scale_bar(dwg: svgwrite.Drawing, layer: svgwrite.container.Group, x0: float, y: float,
                    text: Text) -> None:
    """100 mm with 10 mm ticks, to check the print scale with a ruler."""
    layer.add(dwg.line((x0, y), (x0 + SCALE_BAR_MM, y), stroke="#111111", stroke_width=0.5))
    for k in range(11):
        tick = 2.5 if k % 5 == 0 else 1.5
        layer.add(dwg.line((x0 + 10 * k, y - tick), (x0 + 10 * k, y), stroke="#111111",
                           stroke_width=0.3))
    layer.add(dwg.text(text("100 mm (must measure 100 mm when printed)"), insert=(x0, y + 4.5)))
