"""A computed plan drawn as SVG in millimetres: body map, areas, numbered points, the patient's
sides, legend and scale bar.

No request objects here: the web app, the print sheet and the command line all call
``plan_svg``. One SVG user unit is one millimetre, so the drawing prints at true scale.
"""

from __future__ import annotations

import re
from functools import partial
from typing import Any

import numpy as np
import shapely
import svgwrite

from planner.bodymaps.view import View
from planner.core.compute import Result
from planner.drawing.body import view_markup
from planner.drawing.ground import Ground, draw_ground
from planner.drawing.kept import Kept
from planner.drawing.labels import Box
from planner.drawing.legend import LEGEND_MARKERS, SCALE_BAR_MM, draw_legend, legend_height
from planner.drawing.part_words import clear, part_words, spot
from planner.drawing.paths import PRINTED_MM, path_d, ring_d
from planner.drawing.points_layer import points_markup
from planner.drawing.style import (
    FONT_FAMILY,
    LABEL_SIZE_MM,
    NO_MIXTURE_COLOUR,
    POINT_RADIUS_MM,
    Text,
    identity,
    mixture_colours,
)
from planner.drawing.text_width import text_width
from planner.drawing.word_band import words_band
from planner.wording import edge_words, limb_edges, site_name

PAPER_MARGIN_MM = 15.0
# A cropped drawing is never narrower than this (printed mm): its scale bar and legend below,
# or without the bar (a map printed smaller than true scale), its orientation words.
LEAST_MM = {True: SCALE_BAR_MM + 30.0, False: 70.0}
POINTS_SLOT = "points-slot"  # replaced by the points layer once the document is written
BODY_SLOT = "bodymap-slot"  # ... and by the body map's markup (drawn once, body.view_markup)
ORIENTATION_MM = 4.2  # the patient's left and right: bold capitals 4.2 mm high where they fit
ORIENTATION_MIN_MM = 2.2  # ... and never under 2.2 mm (issue 17: no word under 2 mm)
ORIENTATION_GAP_MM = 6.0  # at least this much between the two on one line
# The areas' outlines written as path data, kept by shape: the engine gives the same shape
# again while only the spacing moves (the editor's slider), and the whole body's outline is
# 17,000 points to write (issue 19).
AREA_PATHS = Kept(entries=256, characters=8_000_000)


def plan_svg(result: Result, view: View | None = None, *, title: str | None = None,
             text: Text = identity, language: str = "en", crop: bool = False,
             scale_bar: bool = True, print_scale: float = 1.0,
             digits: Text = identity, frame: Box | None = None, legend: bool = True,
             scheme: bool = True, points_within: Box | None = None,
             ground: Ground | None = None, paper: bool = False) -> str:
    """The plan drawn as a standalone SVG document (mm units), on its view or on plain paper.

    ``text`` translates the drawing's words (the web app passes gettext), ``digits`` writes a
    plain number (``1.40``) the reader's way (``1,40``) and ``language`` picks the atlas's own
    labels (it, es, en). Regions, areas and points carry ``data-`` attributes (region id, area
    index, point number and volume, in plain numbers) for the editor; they change nothing on
    paper.

    ``crop`` frames the drawing on the plan's areas and points (with a margin) instead of the
    whole view, so that a print shows them large; ``frame`` (x0, y0, x1, y1 in mm) frames it
    on that part of the view. ``scale_bar=False`` leaves out the 100 mm bar, for a drawing
    that will not be printed at true scale, and ``legend=False`` the whole band below.
    ``print_scale`` is the size the drawing will be printed at (2: twice true size): the
    points, their labels and the orientation words are drawn so that they print at their own
    size whatever the drawing's. ``scheme=False`` keeps the numbers that fit where an area's
    do not all fit, instead of naming its grid at its edges (points_layer); with
    ``points_within``, only the points inside that box are drawn. ``ground``: a calibrated
    photo under a plan on plain paper (drawing/ground.py), shown whole unless cropped.
    ``paper``: as printed: the points in a few elements for all of them, without what only the
    editor reads (points_layer), the outlines simplified (paths.PRINTED_MM).
    """
    minx, miny, width, height = _frame(result, view, ground)
    if ground is not None and view is None and not crop:  # the whole photo, to draw on
        minx, miny, width, height = ground.frame()
    if crop and view is not None:
        # Room above the plan for the orientation words (and the site's name), as printed.
        above = (14.0 if view.single_limb else 8.0) / print_scale
        minx, miny, width, height = _cropped(result, (minx, miny, width, height), above,
                                             least=LEAST_MM[scale_bar] / print_scale)
    if frame is not None:
        minx, miny, width, height = frame[0], frame[1], frame[2] - frame[0], frame[3] - frame[1]
    lift = 0.0  # a band at the top for the side words, where they would cover the anatomy
    if view is not None and (crop or frame is not None):
        probe = _draw_orientation(svgwrite.Drawing(debug=False), view, minx, miny, width, height,
                                  text, print_scale)
        lift = words_band(view, probe, miny, print_scale)
        if frame is None:  # a cropped drawing grows by the band; a framed one has its room
            miny, height = miny - lift, height + lift
    band = legend_height(result, width, text, print_scale, title, digits, scale_bar) \
        if legend else 0.0
    total_h = height + band
    dwg = svgwrite.Drawing(size=(f"{width:.2f}mm", f"{total_h:.2f}mm"), debug=False,
                           profile="full")
    dwg.viewbox(minx, miny, width, total_h)
    if view is not None and not crop and frame is None and plan_bounds(result) is not None:
        # Where the editor opens: the plan's areas and points, with a margin.
        dwg["data-plan-box"] = " ".join(
            f"{v:.2f}" for v in _cropped(result, (minx, miny, width, height)))
    dwg.add(dwg.rect((minx, miny), (width, total_h), fill="#ffffff"))
    slots: dict[str, str] = {}
    if view is not None:
        # A drawing of a part of the view (cropped or framed) holds that part only: nothing
        # of the body under its legend's band, where a reader's anti-aliasing showed its lines
        # as a strip of ticks along the drawing's edge.
        part = crop or frame is not None
        slots[BODY_SLOT] = view_markup(
            view, language, clip=(minx, miny + lift, minx + width, miny + height) if part
            else None, tolerance=PRINTED_MM if paper else 0.0)
        dwg.add(dwg.g(id=BODY_SLOT))
    elif ground is not None:
        draw_ground(dwg, ground)
    else:
        _draw_paper_grid(dwg, minx, miny, width, height)
    colours = mixture_colours(result)
    _draw_areas(dwg, result, colours, print_scale, PRINTED_MM if paper else 0.0)
    if lift:
        dwg.add(dwg.rect((minx, miny), (width, lift), fill="#ffffff", class_="words-band"))
    dwg.add(dwg.g(id=POINTS_SLOT))
    swatches = ""
    if legend:
        # The legend's band is white: on a cropped view the drawing goes on below the frame.
        dwg.add(dwg.rect((minx, miny + height), (width, band), fill="#ffffff", id="legend-band"))
        swatches = draw_legend(dwg, result, colours, minx, miny + height, width, title, text,
                               scale_bar, digits, print_scale)
    # The words last, on top: the editor moves them to the edges of the part it shows, which
    # may be over the legend's band.
    words = _draw_orientation(dwg, view, minx, miny, width, height, text, print_scale,
                              on_photo=ground is not None)
    points = points_markup(result, colours, radius=point_radius(result, print_scale),
                           size=LABEL_SIZE_MM / print_scale,
                           frame=(minx, miny, minx + width, miny + height),
                           taken=words, digits=digits, scheme=scheme, within=points_within,
                           paper=paper)
    slots.update({POINTS_SLOT: points, LEGEND_MARKERS: swatches})
    return _filled(str(dwg.tostring()), slots)


def _filled(skeleton: str, slots: dict[str, str]) -> str:
    """The document with each empty group ``<g id="slot" />`` replaced by its markup, in one
    pass over the document before the markup (a few kB, where the markup is up to megabytes)."""
    pattern = "|".join(re.escape(f'<g id="{slot}" />') for slot in slots)
    return re.sub(pattern, lambda found: slots[found.group(0)[7:-4]], skeleton)


def point_radius(result: Result, print_scale: float) -> float:
    """A point's dot, in mm of the drawing: POINT_RADIUS_MM on paper, but no more than a
    third of the closest spacing of the plan's grids and lines, so that dots stay apart."""
    spacings = [res.area.spacing_mm for res in result.areas
                if res.points and res.area.pattern != "area"]
    radius = POINT_RADIUS_MM / print_scale
    return min([radius] + [s / 3 for s in spacings])


def _frame(result: Result, view: View | None, ground: Ground | None) -> Box:  # x, y, w, h
    if view is not None:
        return 0.0, 0.0, float(view.width_mm), float(view.height_mm)
    bounds = plan_bounds(result) if ground is None else ground.around(plan_bounds(result))
    if bounds is None:
        return 0.0, 0.0, 160.0, 120.0
    x0, y0, x1, y1 = bounds
    width = max(x1 - x0 + 2 * PAPER_MARGIN_MM, SCALE_BAR_MM + 2 * PAPER_MARGIN_MM)
    height = y1 - y0 + 2 * PAPER_MARGIN_MM
    return x0 - PAPER_MARGIN_MM, y0 - PAPER_MARGIN_MM - 8.0, width, height + 8.0


def _cropped(result: Result, frame: tuple[float, float, float, float], above: float = 8.0,
             least: float = 0.0) -> tuple[float, float, float, float]:
    """The part of the view's frame around the plan's areas and points (PAPER_MARGIN_MM on
    each side, ``above`` the plan for the orientation words, never narrower than ``least``)."""
    bounds = plan_bounds(result)
    if bounds is None:
        return frame
    fx, fy, fw, fh = frame
    x0, y0, x1, y1 = bounds
    x0, x1 = max(fx, x0 - PAPER_MARGIN_MM), min(fx + fw, x1 + PAPER_MARGIN_MM)
    y0, y1 = max(fy, y0 - PAPER_MARGIN_MM - above), min(fy + fh, y1 + PAPER_MARGIN_MM)
    if x1 - x0 < least:
        grow = least - (x1 - x0)
        x0 = max(fx, min(x0 - grow / 2, fx + fw - least))
        x1 = min(fx + fw, x0 + least)
    return x0, y0, x1 - x0, y1 - y0


def plan_bounds(result: Result) -> Box | None:
    """The box (x0, y0, x1, y1) around the plan's areas, lines and points (None: it has
    none), from the shapes' own bounds and the points' array: no object is made for a point
    (a shapely Point each took 64 ms at 5,000 points). An empty shape has no bounds."""
    shapes = [a.shape.surface for a in result.areas]
    shapes += [a.shape.line for a in result.areas if a.shape.line is not None]
    boxes = shapely.bounds(shapes).reshape(-1, 4)
    xy = np.asarray(result.xy, dtype=np.float64).reshape(-1, 2)
    if len(xy):
        boxes = np.vstack([boxes, np.concatenate([xy.min(axis=0), xy.max(axis=0)])])
    boxes = boxes[~np.isnan(boxes).any(axis=1)]
    if not len(boxes):
        return None
    return (float(boxes[:, 0].min()), float(boxes[:, 1].min()), float(boxes[:, 2].max()),
            float(boxes[:, 3].max()))


def _draw_paper_grid(dwg: svgwrite.Drawing, minx: float, miny: float, width: float,
                     height: float) -> None:
    grid = dwg.g(id="paper", stroke="#e3e7ee", stroke_width=0.2)
    start_x = int(minx // 10) * 10
    start_y = int(miny // 10) * 10
    for x in range(start_x, int(minx + width) + 1, 10):
        grid.add(dwg.line((x, miny), (x, miny + height)))
    for y in range(start_y, int(miny + height) + 1, 10):
        grid.add(dwg.line((minx, y), (minx + width, y)))
    dwg.add(grid)


def _draw_areas(dwg: svgwrite.Drawing, result: Result, colours: dict[str | None, str],
                print_scale: float = 1.0, tolerance: float = 0.0) -> None:
    """The plan's areas, exclusions and lines; their outlines never thinner on paper than at
    true scale (a map printed small draws them thicker), simplified to within ``tolerance``."""
    u = 1.0 / min(1.0, print_scale)
    layer = dwg.g(id="areas")
    for res in result.areas:
        colour = colours.get(res.area.mixture, NO_MIXTURE_COLOUR)
        surface = res.shape.surface
        if not surface.is_empty:
            path = dwg.path(d=AREA_PATHS.draw(surface, tolerance,
                                              partial(path_d, surface, tolerance)),
                            fill=colour, stroke=colour,
                            stroke_width=0.5 * u, fill_rule="evenodd")
            path["fill-opacity"] = "0.10" if res.area.pattern != "area" else "0.28"
            path["class"] = "area"
            path["data-area"] = str(res.index)
            layer.add(path)
        for ring in res.area.exclude:
            layer.add(dwg.path(d=ring_d(ring, closed=True), fill="#ffffff", stroke="#a52714",
                               stroke_width=0.4 * u, stroke_dasharray=f"{1.5 * u},{u}"))
        line = res.shape.line
        if line is not None and not line.is_empty:
            layer.add(dwg.path(d=AREA_PATHS.draw(line, tolerance, partial(path_d, line, tolerance)),
                               fill="none", stroke=colour, stroke_width=0.6 * u,
                               stroke_dasharray=f"{3 * u},{1.5 * u}"))
    dwg.add(layer)


def _draw_orientation(dwg: svgwrite.Drawing, view: View | None, minx: float, miny: float,
                      width: float, height: float, text: Text, print_scale: float = 1.0,
                      on_photo: bool = False) -> list[Box]:
    """Which way the drawing faces, in the clinician's words: on a limb its lateral and medial
    sides (or what its view's edges face) and proximal and distal; on the trunk the patient's
    right and left (never the viewer's); on each inset of the elbow, PROXIMAL over its humerus
    and DISTAL at its forearm's side (part_words). Returns the words' boxes, which no label
    may cover."""
    sides = _side_words(view, text)  # (words, x) at the top's two ends
    ends = _edge_words(view, text)  # the words at the top's middle and at the bottom
    u = 1.0 / print_scale  # a printed mm, in mm of the drawing
    size = ORIENTATION_MM * u
    if len(sides) == 2:
        # Both sides on one line, one at each edge (and the top's word between them): on a
        # narrow (cropped) drawing, or in a language with longer words, the letters get smaller
        # rather than run into each other.
        gaps = 2 if ends.get("top") else 1
        room = width - 2 * 4.0 * u - gaps * ORIENTATION_GAP_MM * u
        words_wide = sum(text_width(words, 1.0, bold=True) for words, _x in sides) + \
            text_width(ends.get("top", ""), 1.0, bold=True)
        size = min(size, room / words_wide)
    # Never under ORIENTATION_MIN_MM on paper: where the words do not fit on one line at that
    # size, each goes on a line of its own (the left side's, the right side's, the top's).
    stacked = size < ORIENTATION_MIN_MM * u
    size = max(size, ORIENTATION_MIN_MM * u)
    line = 1.25 * size
    layer = dwg.g(id="orientation", font_family=FONT_FAMILY,
                  font_size=f"{size:.2f}", font_weight="bold", fill="#a52714")
    top = miny + 6.0 * u
    boxes: list[Box] = []

    def box_of(words: str, at: float, y: float, anchor: str, pad: float = 0.5) -> Box:
        """The word's box, ``pad`` printed mm around it."""
        wide = text_width(words, size, bold=True)
        left = at - {"start": 0.0, "middle": wide / 2, "end": wide}[anchor]
        return left - pad * u, y - size - pad * u, left + wide + pad * u, y + 0.3 * size + pad * u

    def word(words: str, at: float, y: float, anchor: str, pin: str, **style: str) -> Any:
        """``pin``: where the editor keeps the word as the map is zoomed and panned
        (static/editor/labels.js): at the shown part's left, right, top, bottom, under the top
        word (the site), over an inset's own span (part), or where it is (an inset's
        caption)."""
        boxes.append(box_of(words, at, y, anchor))
        element = dwg.text(words, insert=(at, y), text_anchor=anchor, **style)
        element["data-pin"] = pin
        layer.add(element)
        return element

    if view is None:  # on as many lines as the drawing's width needs
        note = text("On the photo, seen square on: up is as the card is read") if on_photo \
            else text("No body map: orientation as drawn")
        for k, piece in enumerate(_lines_of(note, size, width - 8 * u)):
            word(piece, minx + 4 * u, top + k * line, "start", "caption", fill="#555555")
    for words, x in sides:
        at = minx + 4 * u if x < 0.5 else minx + width - 4 * u
        word(words, at, top + line * (stacked and x >= 0.5), "start" if x < 0.5 else "end",
             "left" if x < 0.5 else "right")
    if ends.get("top"):
        word(ends["top"], minx + width / 2, top + 2 * line * stacked, "middle", "top")
    if ends.get("bottom"):
        # On a light box, as the points' numbers: the word may lie over the drawing's lowest
        # points on a cropped map.
        wide = text_width(ends["bottom"], size, bold=True) + 1.0 * u
        base_y = miny + height - 2.0 * u
        backing = dwg.rect((minx + width / 2 - wide / 2, base_y - size), (wide, size + 1.0 * u),
                           rx=0.4, fill="#ffffff", fill_opacity=0.8)
        backing["data-pin"] = "bottom"
        layer.add(backing)
        word(ends["bottom"], minx + width / 2, base_y, "middle", "bottom")
    # Each inset's own words, over the part of it shown: on the top lines, each on the first
    # line where it keeps clear of the words before it (the bottom's from the bottom up).
    for part in part_words(view, (minx, miny, minx + width, miny + height), text):
        x, anchor = spot(part, text_width(part.words, size, bold=True),
                         (minx, miny, minx + width, miny + height), 4.0 * u)
        # A bottom line's word just under its part where the frame goes on below it.
        low = min(miny + height - 2.0 * u, part.bounds[3] + size + 2.0 * u)
        ys = [top + k * line if part.line == "top" else low - k * line for k in range(8)]
        y = next((y for y in ys if clear(box_of(part.words, x, y, anchor), boxes, 2.0 * u)),
                 ys[-1])
        if part.line == "bottom":  # on a light box, as the bottom's word
            wide = text_width(part.words, size, bold=True)
            backing = dwg.rect((x - 0.5 * u, y - size), (wide + 1.0 * u, size + 1.0 * u),
                               rx=0.4, fill="#ffffff", fill_opacity=0.8)
            backing["data-pin"] = "part"
            layer.add(backing)
        element = word(part.words, x, y, anchor, "part")
        element.update(part.attributes())
    site = site_name(view.id, view.side, text) if view is not None and view.single_limb \
        else None
    if site is not None:  # under the top's words, on the first line clear of them
        y = max(top + 6 * u, top + (3 * stacked + 1) * line)
        while not clear(box_of(site.upper(), minx + width / 2, y, "middle", 0.0), boxes,
                        2.0 * u):
            y += line
        word(site.upper(), minx + width / 2, y, "middle", "site", fill="#111111")
    for caption in view.captions if view is not None else ():  # what each of the elbow's
        words = edge_words(text)[caption.word]  # insets shows, where it is in the frame
        wide = text_width(words, size, bold=True)
        left = caption.x - {"start": 0.0, "middle": wide / 2, "end": wide}[caption.anchor]
        if minx <= left and left + wide <= minx + width and miny + size <= caption.y <= \
                miny + height - 0.3 * size and clear(
                    box_of(words, caption.x, caption.y, caption.anchor, 0.0), boxes, 0.0):
            word(words, caption.x, caption.y, caption.anchor, "caption", fill="#5b3b2a")
    dwg.add(layer)
    return boxes


def _lines_of(words: str, size: float, room: float) -> list[str]:
    """``words`` in lines no wider than ``room`` (bold, ``size`` mm), broken at spaces."""
    lines: list[str] = []
    for token in words.split():
        if lines and text_width(f"{lines[-1]} {token}", size, bold=True) <= room:
            lines[-1] += f" {token}"
        else:
            lines.append(token)
    return lines


def _side_words(view: View | None, text: Text) -> list[tuple[str, float]]:
    """The words at the top's left (x 0) and right (x 1) ends. A limb's lateral and medial
    sides where its view says where the patient's right is, else what the view's left and right
    edges face; the trunk's patient's right and left; a limb of no known sides: its side."""
    if view is None:
        return []
    right_on_left = view.patient_right == "left"
    if view.single_limb and view.patient_right in ("left", "right"):
        edges = limb_edges(view.side, text)
        if edges is not None:  # on the patient's right edge: lateral of a right limb
            return [(edges[0], 0.0 if right_on_left else 1.0),
                    (edges[1], 1.0 if right_on_left else 0.0)]
    if view.patient_right in ("left", "right"):
        return [(text("PATIENT'S RIGHT"), 0.0 if right_on_left else 1.0),
                (text("PATIENT'S LEFT"), 1.0 if right_on_left else 0.0)]
    words = edge_words(text)
    if "left" in view.edges and "right" in view.edges:
        return [(words[view.edges["left"]], 0.0), (words[view.edges["right"]], 1.0)]
    if view.single_limb and site_name(view.id, view.side, text) is not None:
        return []  # the site's name below says the side ("RIGHT ELBOW")
    return [(text("PATIENT'S LEFT SIDE") if view.side == "left" else
             text("PATIENT'S RIGHT SIDE"), 0.0)]


def _edge_words(view: View | None, text: Text) -> dict[str, str]:
    """What the top and the bottom of a limb's drawing face (proximal, distal...), if said."""
    if view is None or not view.single_limb:
        return {}
    words = edge_words(text)
    return {edge: words[view.edges[edge]] for edge in ("top", "bottom") if edge in view.edges}
