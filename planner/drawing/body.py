"""The body map of a view drawn into a plan's SVG: the atlas's outline, details and regions in
one style for every view.

One palette and one set of line weights (planner/bodymaps/palette.py, in mm, so a 1:1 print of
any view has the same lines) for every view, whatever colours its source file was drawn with.
Treatment regions are visible without a click (a light tint and a solid edge); landmarks (bony
points) are drawn last, on top, so that hovering or tapping one names it (its <title>). On
screen, planner/static/landmarks.css keeps the same line weights in CSS pixels at every zoom
(classes ``bodymap-*`` below).

A view's drawing depends on nothing but the view, the language of its regions' names and the
part of it drawn: ``view_markup`` draws it once for each and keeps the markup (the editor's
preview redrew the whole body's front, about 48 ms, on every slider move: issue 19).
"""

from __future__ import annotations

import shapely
import svgwrite
from shapely.geometry.base import BaseGeometry

from planner.bodymaps.palette import DECOR, DECOR_MM, KIND_STYLE, OUTLINE, OUTLINE_MM, SKIN
from planner.bodymaps.view import Region, View
from planner.drawing.kept import Kept
from planner.drawing.paths import path_d


def _region_path(dwg: svgwrite.Drawing, region: Region, language: str,
                 geometry: BaseGeometry, tolerance: float = 0.0) -> svgwrite.base.BaseElement:
    fill, opacity, stroke, width, dash = KIND_STYLE.get(region.kind, KIND_STYLE["treatment"])
    path = dwg.path(d=path_d(geometry, tolerance), fill=fill, stroke=stroke, stroke_width=width,
                    fill_rule="evenodd")
    path["fill-opacity"] = f"{opacity:g}"
    if dash:
        path["stroke-dasharray"] = dash
    path["class"] = f"region region-{region.kind}"
    path["data-region"] = region.id
    path.set_desc(title=region.label.get(language, region.label["en"]))
    return path


Clip = tuple[float, float, float, float]
# The drawings kept (each process its own): the last ones asked for, at most this many and
# this many characters in all (the whole body's front is about 0.9 million).
KEPT = Kept(entries=64, characters=16_000_000)


def view_markup(view: View, language: str, clip: Clip | None = None,
                tolerance: float = 0.0) -> str:
    """The body map's group (draw_view's) as SVG markup, drawn once for each view, language,
    ``clip`` and ``tolerance`` and then kept: a view is never changed once read (the atlas
    reads each view, and each side of a limb's, once), so it is known by the object itself,
    not by its id, version or side (a view read from other SVG text for a test is another
    view)."""

    def draw() -> str:
        dwg = svgwrite.Drawing(debug=False, profile="full")
        draw_view(dwg, view, language, clip, tolerance)
        return str(dwg.elements[-1].tostring())

    return KEPT.draw(view, (language, clip, tolerance), draw)


def draw_view(dwg: svgwrite.Drawing, view: View, language: str, clip: Clip | None = None,
              tolerance: float = 0.0) -> None:
    """The body map: its outline, its drawn details, and its regions (treatment regions,
    cautions and no-go zones, then landmarks on top), each carrying its region id and named in
    its title. ``clip`` (x0, y0, x1, y1): only what lies in that box is drawn (a part of the
    map drawn large: the PDF then holds that part only); ``tolerance``: its lines simplified
    to within that many mm (paths.PRINTED_MM: printed)."""

    def cut(geom: BaseGeometry) -> BaseGeometry:
        if clip is None:
            return geom
        margin = 2.0  # the lines' own width: none ends short of the box's edge
        return shapely.clip_by_rect(geom, clip[0] - margin, clip[1] - margin,
                                    clip[2] + margin, clip[3] + margin)

    body = dwg.g(id="bodymap")
    body.add(dwg.path(d=path_d(cut(view.outline), tolerance), fill=SKIN, stroke=OUTLINE,
                      stroke_width=OUTLINE_MM, fill_rule="evenodd", class_="bodymap-outline",
                      stroke_linejoin="round"))
    decor = dwg.g(class_="bodymap-decor", fill="none", stroke=DECOR, stroke_width=DECOR_MM,
                  stroke_linecap="round", stroke_linejoin="round")
    for geom in view.decor:
        if not (part := cut(geom)).is_empty:
            decor.add(dwg.path(d=path_d(part, tolerance)))
    body.add(decor)
    areas = [r for r in view.regions if r.kind != "landmark"]
    landmarks = [r for r in view.regions if r.kind == "landmark"]
    for region in (*areas, *landmarks):
        if not (part := cut(region.geometry)).is_empty:
            body.add(_region_path(dwg, region, language, part, tolerance))
    dwg.add(body)
