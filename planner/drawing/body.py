"""The body map of a view drawn into a plan's SVG: the atlas's outline, details and regions in
one style for every view.

One palette and one set of line weights (in mm, so a 1:1 print of any view has the same lines)
for every view, whatever colours its source file was drawn with. Treatment regions are visible
without a click (a light tint and a solid edge, a pale teal under the mixtures' saturated colours),
cautions amber and dashed, no-go zones red; landmarks (bony points) are drawn last, on top, so
that hovering or tapping one names it (its <title>). On screen, planner/static/landmarks.css
keeps the same line weights in CSS pixels at every zoom (classes ``bodymap-*`` below).
"""

from __future__ import annotations

import svgwrite

from planner.bodymaps.view import Region, View
from planner.drawing.paths import path_d

SKIN = "#f7ebe1"
OUTLINE = "#5b4636"
DECOR = "#9a8373"
# kind -> (fill, fill opacity, stroke, dash); the same for every view.
REGION_STYLE: dict[str, tuple[str, float, str, str | None]] = {
    "treatment": ("#6fb0c9", 0.22, "#3b7f99", None),
    "warning": ("#f4b400", 0.28, "#a87800", "2,1"),
    "no-go": ("#d93025", 0.32, "#a52714", None),
    "landmark": ("#9c8678", 0.4, "#5e4e44", None),
}
# Line weights in mm (at 1:1): the silhouette boldest, the drawn details lightest.
OUTLINE_MM = 0.7
DECOR_MM = 0.4
REGION_MM = 0.45
LANDMARK_MM = 0.4


def _region_path(dwg: svgwrite.Drawing, region: Region, language: str) -> svgwrite.base.BaseElement:
    fill, opacity, stroke, dash = REGION_STYLE.get(region.kind, REGION_STYLE["treatment"])
    width = LANDMARK_MM if region.kind == "landmark" else REGION_MM
    path = dwg.path(d=path_d(region.geometry), fill=fill, stroke=stroke, stroke_width=width,
                    fill_rule="evenodd")
    path["fill-opacity"] = f"{opacity:g}"
    if dash:
        path["stroke-dasharray"] = dash
    path["class"] = f"region region-{region.kind}"
    path["data-region"] = region.id
    path.set_desc(title=region.label.get(language, region.label["en"]))
    return path


def draw_view(dwg: svgwrite.Drawing, view: View, language: str) -> None:
    """The body map: its outline, its drawn details, and its regions (treatment regions,
    cautions and no-go zones, then landmarks on top), each carrying its region id and named in
    its title."""
    body = dwg.g(id="bodymap")
    body.add(dwg.path(d=path_d(view.outline), fill=SKIN, stroke=OUTLINE,
                      stroke_width=OUTLINE_MM, fill_rule="evenodd", class_="bodymap-outline",
                      stroke_linejoin="round"))
    decor = dwg.g(class_="bodymap-decor", fill="none", stroke=DECOR, stroke_width=DECOR_MM,
                  stroke_linecap="round", stroke_linejoin="round")
    for geom in view.decor:
        decor.add(dwg.path(d=path_d(geom)))
    body.add(decor)
    areas = [r for r in view.regions if r.kind != "landmark"]
    landmarks = [r for r in view.regions if r.kind == "landmark"]
    for region in (*areas, *landmarks):
        body.add(_region_path(dwg, region, language))
    dwg.add(body)
