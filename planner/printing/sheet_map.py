"""The plan's drawing on the treatment-room sheet: fitted to the room the sheet has for it,
with its scale, and where it is too dense to label, enlarged drawings of its points."""

from __future__ import annotations

import base64
import math
import re
from dataclasses import dataclass
from functools import partial
from typing import Any

from planner.bodymaps.view import View
from planner.core.compute import Result
from planner.drawing.plan import plan_svg, point_radius
from planner.drawing.points_layer import points_markup
from planner.drawing.style import LABEL_SIZE_MM
from planner.formatting import digits_text, number_text
from planner.printing.paper import SheetInfo, usable_mm
from planner.printing.templates import translations

# The drawings of a map too dense to label at its scale, larger than the map (below true
# scale where the map is much smaller): the scales tried, smallest first, and the room for one
# on a page (its caption and the page's header aside) [our layout].
ENLARGEMENTS = (0.5, 0.6, 0.75, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0)
GROUP_GAP_MM = 20.0  # areas nearer each other than this share their enlarged drawings
ENLARGED_CAPTION_MM = 30.0  # a part's heading and caption
ENLARGED_MARGIN_MM = 10.0  # around the points it shows, as printed: room for their labels
ENLARGED_LEAST_MM = 100.0  # never narrower, as printed: room for its orientation words
TILE_OVERLAP_MM = 12.0  # neighbouring parts show the same 12 mm of the skin
NOWHERE = (math.inf, math.inf, -math.inf, -math.inf)  # no point lies within it
ENLARGED_WORDS_MM = 22.0  # printed room at the top of each part for the orientation words


@dataclass(frozen=True)
class Drawing:
    """A drawing for the sheet (an SVG as a data: address) and the scale it prints at."""

    image: str
    scale: float
    part: int = 1
    parts: int = 1

    @property
    def places(self) -> int:
        """The decimals the scale is written with: 2, 1.5 or 0.75 (not 2.00)."""
        return next(k for k in (0, 1, 2) if abs(self.scale * 10 ** k - round(self.scale * 10 ** k))
                    < 1e-9 or k == 2)


def sheet_maps(result: Result, view: View | None, info: SheetInfo, width: float,
               height: float) -> dict[str, Any]:
    """The sheet's map, fitted to ``width`` x ``height`` mm, and where it is too dense to
    label, enlarged drawings of its points (in parts, one per page, if one is too big), as
    wide as the page. A compact sheet has them only where its grids' names do not find
    every point: it is meant to be one page."""
    svg, scale = fitted_map(result, view, info, width, height)
    enlarged: list[Drawing] = []
    # A compact sheet stays on its one page where its grids' names find every point.
    if unlabelled(svg, "unnamed" if info.compact else "unlabelled"):
        enlarged = enlarged_maps(result, view, info, usable_mm(info.paper), scale)
    return {"map_image": data_address(svg), "map_scale": scale, "enlarged": enlarged}


# What a drawing has for the screen and paper does not show: each point's tooltip (<title>) and
# the grids' row and column names the drawing hides (display="none"); WeasyPrint reads and
# walks each of them (8% of the map's time at 300 points).
UNPRINTED = re.compile(r'<title>[^<]*</title>|<text [^>]*display="none"[^>]*>[^<]*</text>')


def data_address(svg: str) -> str:
    """The drawing as an image's address: WeasyPrint then draws its thousand elements directly
    instead of styling each one as part of the page (a third of the PDF's time); without what
    paper does not show (UNPRINTED)."""
    printed = UNPRINTED.sub("", svg)
    return "data:image/svg+xml;base64," + base64.b64encode(printed.encode()).decode("ascii")


def unlabelled(svg: str, which: str = "unlabelled") -> int:
    """How many of the drawing's points have no number beside them (their grid is named at
    its edges instead, or no place was free); ``which="unnamed"``: of those, how many have no
    row or column name printed either."""
    found = re.search(rf'data-{which}="([0-9]+)"', svg)
    return int(found.group(1)) if found else 0


def fitted_map(result: Result, view: View | None, info: SheetInfo, width: float,
               height: float) -> tuple[str, float]:
    """The plan's drawing sized to the space on the sheet, and its scale (1 = true scale).

    The drawing's own 100 mm bar is kept only at true scale; the sheet has its own
    calibration bar for the printer. Below true scale the points, their labels and the
    orientation words are drawn to print at their own size (LABEL_SIZE_MM...)."""
    _ = translations(info.language).gettext
    digits = partial(digits_text, language=info.language)

    def draw(at: float | None, points: bool = True) -> str:
        """The drawing at scale ``at`` (None: at true scale, with its 100 mm bar); without
        its points (their layer changes nothing of its size) while it is being fitted."""
        return plan_svg(result, view, text=_, language=info.language, crop=True,
                        scale_bar=at is None, title=plan_heading(result, info),
                        print_scale=at or 1.0, digits=digits, paper=True, ground=info.ground,
                        points_within=None if points else NOWHERE)

    w, h = svg_size(draw(None, points=False))
    scale = min(1.0, width / w, height / h)
    fitted = scale < 1.0  # drawn without its bar from then on, even if it ends at 1
    for _attempt in range(4):  # drawn at its scale, without the bar, its frame and legend
        if scale >= 1.0:       # change: fit it again until it fits as large as it can
            break
        w, h = svg_size(draw(scale, points=False))
        fits = min(1.0, width / w, height / h)
        if scale - 0.005 <= fits <= scale + 0.02:
            break
        scale = fits
    svg = draw(scale if fitted else None)
    w, h = svg_size(svg)
    return sized(svg, w * scale, h * scale), scale


def enlarged_maps(result: Result, view: View | None, info: SheetInfo,
                  page: tuple[float, float], scale: float) -> list[Drawing]:
    """The plan's points drawn larger than on the map, each group of areas near each other
    (and the trigger points) on its own, at the least of ENLARGEMENTS at which every number
    fits (or the largest that fits a page, its grids named at their edges), in as many parts
    as pages of ``page`` (width, height in mm) need."""
    _ = translations(info.language).gettext
    digits = partial(digits_text, language=info.language)
    parts: list[tuple[tuple[float, float, float, float], float, bool]] = []
    for points in _groups(result):
        tried = [k for k in ENLARGEMENTS if k > scale * 1.2]
        if not tried:
            continue
        chosen = next((k for k in tried
                       if not unlabelled(_labels_only(result, _around(points, k), k))), None)
        fits = chosen is not None
        k = chosen if chosen is not None else tried[-1]
        bounds = _around(points, k)
        # Each part has room at its top and bottom for the orientation words, off its points.
        words = ENLARGED_WORDS_MM / k
        width, height = page[0] / k, (page[1] - ENLARGED_CAPTION_MM) / k - 2 * words
        parts += [((a, b - words, c, d + words), k, fits)
                  for a, b, c, d in _tiles(bounds, width, height)
                  if _holds_points(result, (a, b, c, d))]  # no part of bare skin
    out = []
    for n, (frame, k, fits) in enumerate(parts, start=1):
        # Where every number fits, a part's numbers cut at its edge are on its neighbour; the
        # bands for the orientation words show no point (its neighbour does).
        words = ENLARGED_WORDS_MM / k
        svg = plan_svg(result, view, text=_, language=info.language, frame=frame,
                       print_scale=k, legend=False, digits=digits, scheme=not fits,
                       points_within=(frame[0], frame[1] + words, frame[2], frame[3] - words),
                       paper=True, ground=info.ground)
        out.append(Drawing(data_address(sized(svg, (frame[2] - frame[0]) * k,
                                              (frame[3] - frame[1]) * k)), k, n, len(parts)))
    return out


def _groups(result: Result) -> list[tuple[float, float, float, float]]:
    """The bounds of the points of each area, and of the trigger points; those that overlap
    or lie near each other (GROUP_GAP_MM) merged: two thighs are drawn apart, a knee's areas
    together."""
    boxes = []
    for owner in sorted(set(result.area_of.tolist())):
        xy = result.xy[result.area_of == owner]
        boxes.append((float(xy[:, 0].min()), float(xy[:, 1].min()), float(xy[:, 0].max()),
                      float(xy[:, 1].max())))
    merged = True
    while merged:
        merged = False
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                a, b = boxes[i], boxes[j]
                if a[0] - GROUP_GAP_MM < b[2] and b[0] - GROUP_GAP_MM < a[2] and \
                        a[1] - GROUP_GAP_MM < b[3] and b[1] - GROUP_GAP_MM < a[3]:
                    boxes[i] = (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]),
                                max(a[3], b[3]))
                    del boxes[j]
                    merged = True
                    break
            if merged:
                break
    return sorted(boxes, key=lambda box: (box[1], box[0]))


def _holds_points(result: Result, box: tuple[float, float, float, float]) -> bool:
    x, y = result.xy[:, 0], result.xy[:, 1]
    return bool(((x >= box[0]) & (x <= box[2]) & (y >= box[1]) & (y <= box[3])).any())


def _around(points: tuple[float, float, float, float], k: float
            ) -> tuple[float, float, float, float]:
    """The part of the map a drawing at scale ``k`` shows around points within ``points``:
    ENLARGED_MARGIN_MM (as printed) on each side for their labels, and never narrower than
    ENLARGED_LEAST_MM as printed (the orientation words)."""
    m = ENLARGED_MARGIN_MM / k
    x0, y0, x1, y1 = points[0] - m, points[1] - m, points[2] + m, points[3] + m
    grow = max(0.0, ENLARGED_LEAST_MM / k - (x1 - x0)) / 2
    return x0 - grow, y0, x1 + grow, y1


def _labels_only(result: Result, frame: tuple[float, float, float, float], k: float) -> str:
    """The points layer alone (no body map, no legend) at scale ``k``, to see whether its
    labels fit."""
    return points_markup(result, {}, radius=point_radius(result, k), size=LABEL_SIZE_MM / k,
                         frame=frame, taken=[])


def _tiles(bounds: tuple[float, float, float, float], width: float, height: float
           ) -> list[tuple[float, float, float, float]]:
    """``bounds`` cut into parts of at most ``width`` x ``height`` (mm of the skin) that
    overlap by TILE_OVERLAP_MM, row by row."""
    x0, y0, x1, y1 = bounds
    columns = max(1, math.ceil((x1 - x0 - TILE_OVERLAP_MM) / (width - TILE_OVERLAP_MM)))
    rows = max(1, math.ceil((y1 - y0 - TILE_OVERLAP_MM) / (height - TILE_OVERLAP_MM)))
    w = min(width, x1 - x0) if columns == 1 else (x1 - x0 + (columns - 1) * TILE_OVERLAP_MM) \
        / columns
    h = min(height, y1 - y0) if rows == 1 else (y1 - y0 + (rows - 1) * TILE_OVERLAP_MM) / rows
    return [(x0 + c * (w - TILE_OVERLAP_MM), y0 + r * (h - TILE_OVERLAP_MM),
             x0 + c * (w - TILE_OVERLAP_MM) + w, y0 + r * (h - TILE_OVERLAP_MM) + h)
            for r in range(rows) for c in range(columns)]


def sized(svg: str, width: float, height: float) -> str:
    """The drawing with its printed size (mm) written on its root element."""
    head, rest = svg.split(">", 1)
    head = re.sub(r' width="[0-9.]+mm"', f' width="{width:.2f}mm"', head, count=1)
    head = re.sub(r' height="[0-9.]+mm"', f' height="{height:.2f}mm"', head, count=1)
    return f"{head}>{rest}"


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
    words = _("1 point, %(ml)s mL in all") if len(result.points) == 1 else \
        _("%(points)s points, %(ml)s mL in all")
    return words % {
        "points": len(result.points), "ml": number_text(result.total_ml, info.language)}
