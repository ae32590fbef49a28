"""The plan's drawing on the treatment-room sheet: fitted to the room the sheet has for it,
with its scale."""

from __future__ import annotations

import re
from functools import partial

from planner.bodymaps.view import View
from planner.core.compute import Result
from planner.drawing.plan import plan_svg
from planner.formatting import digits_text, number_text
from planner.printing.paper import SheetInfo
from planner.printing.templates import translations

MIN_PRINTED_LABEL = 0.7  # point numbers print at no less than 70% of their true-scale size


def fitted_map(result: Result, view: View | None, info: SheetInfo, width: float,
                height: float) -> tuple[str, float]:
    """The plan's drawing sized to the space on the sheet, and its scale (1 = true scale).

    The drawing's own 100 mm bar is kept only at true scale; the sheet has its own
    calibration bar for the printer."""
    _ = translations(info.language).gettext
    digits = partial(digits_text, language=info.language)
    probe = plan_svg(result, view, text=_, language=info.language, crop=True,
                     title=plan_heading(result, info), digits=digits)
    w, h = svg_size(probe)
    scale = min(1.0, width / w, height / h)
    # Below true scale the points and numbers are drawn bigger, up to 1/MIN_PRINTED_LABEL, so
    # that they stay readable on paper (they may then crowd a dense grid).
    svg = probe if scale >= 1.0 else plan_svg(
        result, view, text=_, language=info.language, crop=True, scale_bar=False,
        title=plan_heading(result, info), enlarge=1.0 / max(scale, MIN_PRINTED_LABEL),
        digits=digits)
    head, rest = svg.split(">", 1)
    head = re.sub(r' width="[0-9.]+mm"', f' width="{w * scale:.2f}mm"', head, count=1)
    head = re.sub(r' height="[0-9.]+mm"', f' height="{h * scale:.2f}mm"', head, count=1)
    return f"{head}>{rest}", scale


def svg_size(svg: str) -> tuple[float, float]:
    """The width and height in mm written on an SVG document's root element."""
    head = svg.split(">", 1)[0]
    width = re.search(r' width="([0-9.]+)mm"', head)
    height = re.search(r' height="([0-9.]+)mm"', head)
    assert width and height, "plan_svg writes its size in mm"
    return float(width.group(1)), float(height.group(1))


def plan_heading(result: Result, info: SheetInfo) -> str:
    """The drawing's heading: how many points, how many mL."""
    _ = translations(info.language).gettext
    return _("%(points)s points, %(ml)s mL in all") % {
        "points": len(result.points), "ml": number_text(result.total_ml, info.language)}
