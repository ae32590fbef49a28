"""The body map of a view drawn into a plan's SVG: the atlas's outline, details and regions in
one style for every view."""

from __future__ import annotations

import svgwrite

from planner.bodymaps.view import View
from planner.drawing.paths import path_d


def draw_view(dwg: svgwrite.Drawing, view: View, language: str) -> None:
    """The body map: its outline, its drawn details, and its regions (treatment regions,
    landmarks, cautions and no-go zones), each carrying its region id and named in its title."""
    body = dwg.g(id="bodymap")
    body.add(dwg.path(d=path_d(view.outline), fill="#fbf3ec", stroke="#6b5a50",
                      stroke_width=0.6, fill_rule="evenodd"))
    for geom in view.decor:
        body.add(dwg.path(d=path_d(geom), fill="none", stroke="#9c8b80", stroke_width=0.35))
    for region in view.regions:
        style = {
            "landmark": ("none", "#8d7b70", "1.2,0.8"),
            "warning": ("#f4b400", "#c98b00", "2,1"),
            "no-go": ("#d93025", "#a52714", None),
        }.get(region.kind)
        if style is None:
            path = dwg.path(d=path_d(region.geometry), fill="#ffffff", stroke="#c9b8ad",
                            stroke_width=0.3, fill_rule="evenodd")
            path["fill-opacity"] = "0"
        else:
            fill, stroke, dash = style
            path = dwg.path(d=path_d(region.geometry), fill=fill, stroke=stroke,
                            stroke_width=0.4, fill_rule="evenodd")
            if fill != "none":
                path["fill-opacity"] = "0.18"
            if dash:
                path["stroke-dasharray"] = dash
        path["class"] = f"region region-{region.kind}"
        path["data-region"] = region.id
        path.set_desc(title=region.label.get(language, region.label["en"]))
        body.add(path)
    dwg.add(body)
