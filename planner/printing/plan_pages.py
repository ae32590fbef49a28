"""A plan's printouts as HTML: the treatment-room sheet (header, map, point table, totals,
warnings, checklist), the true-scale stencil and the aftercare handout."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import segno
import shapely
from markupsafe import Markup
from shapely.geometry.base import BaseGeometry

from planner import wording
from planner.area_names import in_readers_language
from planner.bodymaps.view import View
from planner.core.compute import Result
from planner.core.point_names import grid_names
from planner.core.whereabouts import (
    Axes,
    Bend,
    Landmark,
    Whereabouts,
    axes_at,
    axes_of,
    in_its_part,
    whereabouts,
    whereabouts_of,
)
from planner.drawing.ground import Ground
from planner.drawing.stencil import Backdrop, stencil_tiles
from planner.drawing.text_width import text_width
from planner.formatting import number_text
from planner.printing.paper import SheetInfo, check, usable_mm
from planner.printing.sheet_map import sheet_maps
from planner.printing.templates import template, translations
from planner.printing.treated_site import treated_site

# Height of the map on the sheet's first page, below the header [our layout]: most views
# cropped to their areas then print at true scale. Each warning line above it takes about
# WARNING_LINE_MM. Compact sheets keep half a page for the point table.
MAP_HEIGHT_MM = {False: 200.0, True: 115.0}
WARNING_LINE_MM = 9.0
MAP_MIN_HEIGHT_MM = 90.0
# The point table lists each area's points under a line with what they share (mixture, depth,
# technique), SHEET_COLUMNS points to a row (COMPACT_COLUMNS on a compact sheet), read down
# each column: a third of the pages of one point a row, and WeasyPrint lays out a third of
# the text (bench/bench_print.py). Trigger points get a row each, with all their details.
SHEET_COLUMNS = 3
COMPACT_COLUMNS = 4
COMPACT_MAP_WIDTH_MM = 92.0  # compact: the map on the left half, the totals beside it
# A position's size in the point table and the room for it on its line: a band (the table's
# width less its right rule, in SHEET_COLUMNS) less the cell's padding, its rule and the tick
# box's room (print.css, "With landmarks"); less half a mm to spare.
POSITION_MM = 7 * 25.4 / 72
POSITION_ROOM_MM = 2.35 + 5.2 + 0.35 / SHEET_COLUMNS + 0.5
# The stencil: each tile is the printable page less a band for its caption and the 100 mm bar;
# neighbouring tiles overlap so that the alignment marks of one can be laid on the next.
STENCIL_CAPTION_MM = 30.0
STENCIL_TRIGGER_LINE_MM = 8.0  # a trigger point's words under its tile: two lines at most
QR_MODULE_MM = 0.6  # 0.6 mm modules: a phone reads the code from the printed page


def sheet_html(result: Result, view: View | None, info: SheetInfo) -> str:
    """The treatment-room sheet: header, map, point table, totals, warnings, checklist."""
    result = in_readers_language(result, view, info.language)
    check(info)
    width, _height = usable_mm(info.paper)
    if info.compact:
        width = COMPACT_MAP_WIDTH_MM
    room = MAP_HEIGHT_MM[info.compact] - WARNING_LINE_MM * (len(result.warnings) + 1) * \
        bool(result.warnings)
    maps = sheet_maps(result, view, info, width, max(MAP_MIN_HEIGHT_MM, room))
    # The compact sheet keeps to its page: its table gives each point's number, grid name and
    # volume; the positions from the landmarks are on the full sheet and the stencil.
    landmarks = () if info.compact else view_landmarks(view, info.language)
    band_width = COMPACT_COLUMNS if info.compact else SHEET_COLUMNS
    axes = view_axes(view) if view is not None else None
    groups = _point_groups(result, info, band_width, landmarks, axes,
                           view.outline if view is not None else None, view_bends(view))
    return template("sheet.html", info).render(
        **_common(result, view, info), **maps,
        groups=groups, band_width=band_width, positioned=bool(landmarks),
        tiled=bool(landmarks) and rows_of_one_height(groups, usable_mm(info.paper)[0] / band_width),
        patients_sides=axes is not None and axes.left in ("right", "left"),
        qr=_qr(info.url),
        checklist_items=_checklist(info))


def stencil_html(result: Result, view: View | None, info: SheetInfo) -> str:
    """Each area at true scale (1 mm on paper = 1 mm on the skin), tiled over as many pages as
    it needs, with alignment marks where the tiles overlap."""
    result = in_readers_language(result, view, info.language)
    check(info)
    _ = translations(info.language).gettext
    width, height = usable_mm(info.paper)
    tiles = list(stencil_tiles(result, width, height - STENCIL_CAPTION_MM,
                               backdrop(view, info.language, wording.tile_edge_words(_))
                               if info.ground is None else card_backdrop(info.ground, _),
                               STENCIL_TRIGGER_LINE_MM))
    lines = [[f"{p.number}{' ' + p.label if p.label else ''}: "
              + "; ".join(wording.position_text(w, _) for w in found)
              for p, found in t.triggers] for t in tiles]
    # Each area's pages name its own site ("left thigh"), the trigger points' the plan's.
    sites = [treated_site(result, view, info.language, _, t.area) for t in tiles]
    # On a limb drawn bent (the elbow) a trigger point's legs run along and across its bone.
    return template("stencil.html", info).render(**_common(result, view, info),
                                                 tiles=list(zip(tiles, lines, sites,
                                                                strict=True)),
                                                 bent=bool(view is not None and view.parts))


def view_landmarks(view: View | None, language: str) -> tuple[Landmark, ...]:
    """The view's landmarks as the core takes them: id, name in ``language``, shape (mm)."""
    if view is None:
        return ()
    return tuple(Landmark(r.id, r.label.get(language) or r.label["en"], r.geometry)
                 for r in view.landmarks())


def view_axes(view: View) -> Axes:
    """The directions of the view's drawing (planner.core.whereabouts.axes_of)."""
    return axes_of(single_limb=view.single_limb, side=view.side,
                   patient_right=view.patient_right, edges=view.edges)


def view_bends(view: View | None) -> tuple[Bend, ...]:
    """The view's parts drawn with their own axes (the elbow's insets), as the core takes
    them (planner.core.whereabouts.Bend)."""
    if view is None:
        return ()
    return tuple(Bend(*part.axis, bend=part.bend, area=part.area) for part in view.parts)


def backdrop(view: View | None, language: str, sides: dict[str, str]) -> Backdrop:
    """The view's backdrop for the stencil (``sides``: planner.wording.tile_edge_words); an
    empty one on plain paper."""
    if view is None:
        return Backdrop(None, (), (), None)
    return Backdrop(view.outline, tuple(view.decor), view_landmarks(view, language),
                    view_axes(view), sides, view_bends(view),
                    tuple(r.geometry for r in view.regions if r.kind in ("no-go", "warning")))


def card_backdrop(ground: Ground, _: Callable[[str], str]) -> Backdrop:
    """A plan on a photo has no body on its stencil: the calibration card is its one landmark,
    drawn at true scale where it lay, so that the cut-out is laid with its card on the card;
    each area's tiles take it in (``anchor``), at the cost of a page if need be."""
    card = Landmark("calibration-card", _("calibration card"), shapely.Polygon(ground.card_mm))
    return Backdrop(None, (), (card,), None, anchor=True)


def handout_html(result: Result, view: View | None, info: SheetInfo) -> str:
    """The aftercare handout for the patient, in the patient's language."""
    result = in_readers_language(result, view, info.language)
    check(info)
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", info.handout_text or "") if p.strip()]
    return template("handout.html", info).render(**_common(result, view, info),
                                                 custom=paragraphs)


def _point_groups(result: Result, info: SheetInfo, width: int,
                  landmarks: tuple[Landmark, ...] = (), axes: Axes | None = None,
                  outline: BaseGeometry | None = None, bends: tuple[Bend, ...] = ()
                  ) -> list[dict[str, Any]]:
    """The point table, area by area: a title and the area's shared details, then its points
    in bands of ``width``, each with its grid name ("C7", core/point_names.py) where it has
    one; the trigger points last, one row each with their own details.

    On a view with landmarks an area's points, in injection order, are measured from one
    landmark, the nearest to most of them (the heading names it: one ruler's origin for the
    area; the table was split by nearest landmark and its points then jumped out of injection
    order), each point's position from its centre in a few words ("18 medial, 6 distal"); a
    trigger point is measured from its own nearest landmark, in full. On a limb drawn bent
    (the elbow) each point is measured along the bone it lies over (core.whereabouts.Bend)."""
    _ = translations(info.language).gettext
    techniques = wording.technique_names(_)
    where = _positions(result, landmarks, axes, outline, bends)
    names = grid_names(result).names
    volumes: dict[str, str] = {}  # each volume written once (Babel), not once per point
    groups: list[dict[str, Any]] = []
    for res in result.areas:
        a = res.area
        mine = [k for k, p in enumerate(result.points) if p.area == res.index]
        if not mine:
            continue
        origin = _origin([where[k] for k in mine])
        rows = []
        for k in mine:
            p = result.points[k]
            w = whereabouts(p.x, p.y, origin, axes_at(p.x, p.y, axes, bends)) \
                if origin and axes else None
            # Keyed by its text: Decimal("0.1") == Decimal("0.10"), and each is printed as
            # written (a dose is never shortened).
            key = str(p.volume_ml)
            if key not in volumes:
                volumes[key] = number_text(p.volume_ml, info.language)
            rows.append({"number": p.number, "name": names[k], "volume": p.volume_ml,
                         "volume_text": volumes[key],
                         "where": w and wording.offsets_text(w, _, unit="")})
        heading = origin and _("Position from %(landmark)s (its centre), in mm") % {
            "landmark": origin.name}
        groups.append({
            "title": f"{res.index + 1}. {a.label}",
            "details": [a.mixture and _("mixture %(name)s") % {"name": a.mixture},
                        f"{number_text(a.depth_mm, info.language)} mm",
                        techniques.get(a.technique, a.technique)],
            "parts": [{"heading": heading, "bands": _bands(rows, width)}]})
    manual = [(p, where[k]) for k, p in enumerate(result.points) if p.area is None]
    if manual:
        groups.append({"title": _("Trigger points"), "details": [], "manual": [
            {"number": p.number, "label": p.label or "", "volume": p.volume_ml,
             "mixture": p.mixture or "—", "depth": p.depth_mm,
             "technique": techniques.get(p.technique, p.technique),
             "where": w and wording.position_text(w, _)} for p, w in manual]})
    return groups


def rows_of_one_height(groups: list[dict[str, Any]], band_mm: float) -> bool:
    """Whether the point table is one area's whose rows all have one height: each point's
    position under its number, on one line (print.css, .tiled: its rules and tick boxes are
    then the table's background)."""
    areas = [g for g in groups if not g.get("manual")]
    room = band_mm - POSITION_ROOM_MM
    return len(areas) == 1 and all(
        part["heading"] and all(r is None or (r["where"] and text_width(
            r["where"], POSITION_MM) <= room) for band in part["bands"] for r in band)
        for part in areas[0]["parts"])


def _positions(result: Result, landmarks: tuple[Landmark, ...], axes: Axes | None,
               outline: BaseGeometry | None, bends: tuple[Bend, ...] = ()
               ) -> list[Whereabouts | None]:
    """Each point's position from its nearest landmark of its own part of the drawing, along
    its own axes."""
    if not landmarks or axes is None:
        return [None] * len(result.points)
    if outline is None or len(shapely.get_parts(outline)) < 2:
        return whereabouts_of([(p.x, p.y) for p in result.points], landmarks, axes, bends)
    return [whereabouts_of([(p.x, p.y)], in_its_part(p.x, p.y, landmarks, outline), axes,
                           bends)[0] for p in result.points]


def _origin(nearest: list[Whereabouts | None]) -> Landmark | None:
    """The landmark nearest to most of an area's points (the first of them on a tie)."""
    counts = Counter(w.landmark.id for w in nearest if w is not None)
    if not counts:
        return None
    most = max(counts.values())
    return next(w.landmark for w in nearest if w is not None and counts[w.landmark.id] == most)


def _bands(rows: list[dict[str, Any]], n: int) -> list[list[dict[str, Any] | None]]:
    """Rows of ``n`` points, numbered down each column: 1-15 in the first, 16-30 next...

    >>> [[r and r["number"] for r in band] for band in _bands(
    ...     [{"number": k} for k in range(1, 8)], 3)]
    [[1, 4, 7], [2, 5, None], [3, 6, None]]
    """
    height = max(1, math.ceil(len(rows) / n))
    return [[rows[c * height + r] if c * height + r < len(rows) else None for c in range(n)]
            for r in range(height)]


def _checklist(info: SheetInfo) -> list[tuple[str, str]]:
    """The contraindications and cautions to review before injecting (CLINICAL.md, from the
    NCT05329116 exclusions and the labels), with what the record says about each."""
    _ = translations(info.language).gettext
    items = {"pregnancy": _("Pregnancy"), "breastfeeding": _("Breastfeeding"),
             "anticoagulants": _("Anticoagulant or antiplatelet therapy"),
             "bleeding": _("Bleeding disorder"), "allergies": _("Allergies"),
             "infection": _("Infection at the site, local or systemic"),
             "heart": _("Heart failure or arrhythmia"),
             "same-site": _("Injection at the same site within 3 months")}
    return [(label, info.recorded.get(code, "")) for code, label in items.items()]


def _qr(url: str | None) -> Markup | None:
    if not url:
        return None
    code = segno.make(url, error="m")
    return Markup(code.svg_inline(scale=QR_MODULE_MM, border=2, unit="mm"))


def _common(result: Result, view: View | None, info: SheetInfo) -> dict[str, Any]:
    _ = translations(info.language).gettext
    return {
        "result": result, "plan": result.plan, "view": view, "info": info,
        "view_label": view.label.get(info.language, view.label["en"]) if view else None,
        # The site in words: "right knee"; "right cheek, left cheek" on the face.
        "site": treated_site(result, view, info.language, _),
        "treatments": wording.treatment_names(_), "patterns": wording.pattern_names(_),
        "techniques": wording.technique_names(_), "warning_titles": wording.warning_titles(_),
        "paper_css": f"paper-{info.paper}.css", "static_base": info.static_base,
    }
