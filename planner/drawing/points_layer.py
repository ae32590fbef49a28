"""The plan's points drawn as SVG markup: each point a dot with its number beside it where the
number fits, else its area's grid named at its edges (rows lettered, columns numbered: a point
is "C7"), as planner.core.point_names names them.

The markup is written as text rather than through svgwrite: a plan has up to 5,000 points and
svgwrite spends about 0.1 ms on each element (bench/bench_grid.py). Each point is a group
carrying its number, grid name, volume and depth for the editor's hover and tap; the editor's
script lays the labels out again at the size the screen shows them (static/editor/labels.js).
"""

from __future__ import annotations

from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import numpy as np

from planner.core.compute import Result
from planner.core.point_names import GridNames, grid_names
from planner.drawing.label_index import PointIndex
from planner.drawing.labels import (
    Box,
    Obstacles,
    Placed,
    edge_places,
    inside,
    place_labels,
    text_box,
)
from planner.drawing.paper_points import paper_points
from planner.drawing.style import (
    FONT_FAMILY,
    NO_MIXTURE_COLOUR,
    Text,
    identity,
    marker_pieces,
    mixture_markers,
)


def points_markup(result: Result, colours: dict[str | None, str], *, radius: float,
                  size: float, frame: Box, taken: list[Box], digits: Text = identity,
                  scheme: bool = True, within: Box | None = None, paper: bool = False) -> str:
    """The points layer: dots, and labels of ``size`` mm that overlap nothing in ``taken``,
    no point and no other label, inside ``frame``; it says how many of its points have no
    number beside them (``data-unlabelled``) and how many of those no row or column name
    either (``data-unnamed``). Where a gridded area's numbers do not all
    fit, its rows and columns are named at its edges instead (``scheme=False``: its numbers
    that fit are kept, for a part of a drawing whose neighbour shows the others). With
    ``within``, only the points inside it are drawn (a part of an enlarged drawing: its bands
    for the orientation words show no point, its neighbours show them). ``paper``: the points
    as printed, in a few elements for all of them (paper_points), without what only the editor
    reads (each point's group, its tooltip and data)."""
    names = grid_names(result)
    xy = np.asarray(result.xy, dtype=np.float64).reshape(-1, 2)
    area_of = [int(a) for a in result.area_of.tolist()]
    inner = frame if within is None else within
    seen = ((inner[0] <= xy[:, 0]) & (xy[:, 0] <= inner[2]) & (inner[1] <= xy[:, 1])
            & (xy[:, 1] <= inner[3])).tolist()
    numbers: list[str | None] = [str(k + 1) if seen[k] else None for k in range(len(xy))]
    order = _order(area_of)
    # An area whose grid can be named stops needing its numbers once one does not fit.
    nameable = {a.area for a in names.areas} if scheme else set()
    placed = place_labels(xy, radius, numbers, size, frame, taken, order,
                          groups=[a if a in nameable else None for a in area_of])
    missing = {area_of[k] for k in range(len(xy)) if seen[k] and placed[k] is None}
    schemed = nameable & missing
    edges: list[tuple[int, str, str, Placed]] = []
    if schemed:
        texts = [None if area_of[k] in schemed else numbers[k] for k in range(len(xy))]
        placed = place_labels(xy, radius, texts, size, frame, taken, order)
        edges = _edge_labels(names, schemed, PointIndex(xy, radius), size, frame, taken,
                             placed)
    unlabelled = [k for k in range(len(xy)) if seen[k] and placed[k] is None]
    shown = {(a, kind, t) for a, kind, t, at in edges if at.x == at.x}  # NaN: left out
    unnamed = sum(1 for k in unlabelled if not _found(names.names[k], area_of[k], shown))
    parts = [f'<g id="points" font-family="{FONT_FAMILY}" font-size="{size:.2f}" '
             f'data-label-mm="{size:.2f}" data-radius-mm="{radius:.2f}" '
             f'data-unlabelled="{len(unlabelled)}" data-unnamed="{unnamed}">']
    drawn = None if within is None else seen
    parts += paper_points(result, colours, names.names, placed, radius, size,
                                       drawn) if paper else \
        _point_groups(result, colours, names, placed, radius, digits, drawn)
    parts.append("</g>")
    parts.append(_edge_markup(names, schemed, edges, size))
    return "".join(parts)


def _found(name: str | None, area: int, shown: set[tuple[int, str, str]]) -> bool:
    """Whether a point with no number beside it can be found by its grid name: its row's
    letters and its column's number are both printed."""
    if name is None:
        return False
    letters = name.rstrip("0123456789")
    return (area, "row", letters) in shown and (area, "column", name[len(letters):]) in shown


def _order(area_of: list[int]) -> list[int]:
    """The points whose labels are placed first: the trigger points (each its own place on the
    skin), then the areas' points in injection order."""
    manual = [k for k, a in enumerate(area_of) if a < 0]
    return manual + [k for k, a in enumerate(area_of) if a >= 0]


def _edge_labels(names: GridNames, schemed: set[int], points: PointIndex, size: float,
                 frame: Box, taken: list[Box], placed: list[Placed | None]
                 ) -> list[tuple[int, str, str, Placed]]:
    """The row letters and column numbers of the areas that show them, each where it overlaps
    nothing: at the grid's left (top) edge, else at its right (bottom) edge, else a lane
    further out (labels.edge_places), else left out. Whether a place is on a point's dot is
    asked for all the places at once (label_index)."""
    wanted = [(area.area, kind, e) for area in names.areas if area.area in schemed
              for kind, edge_names in (("row", area.rows), ("column", area.columns))
              for e in edge_names]
    places = [[Placed(tx, ty, text_box(tx, ty, e.text, size, bold=True))
               for tx, ty in edge_places(e.x, e.y, e.ux, e.uy, e.x2, e.y2, points.r, e.text,
                                         size)] for _area, _kind, e in wanted]
    on_dots = points.boxes_on_dots(
        np.array([p.box for options in places for p in options], dtype=np.float64)).tolist()
    obstacles = Obstacles(size * 2)
    for box in taken:
        obstacles.add(box)
    for p in placed:
        if p is not None:
            obstacles.add(p.box)
    out = []
    first = 0  # the name's first place in on_dots
    for (area, kind, e), options in zip(wanted, places, strict=True):
        found = Placed(float("nan"), float("nan"), (0.0, 0.0, 0.0, 0.0))
        for option, on_dot in zip(options, on_dots[first:first + len(options)], strict=True):
            if not on_dot and inside(option.box, frame) and not obstacles.hits(option.box):
                obstacles.add(option.box)
                found = option
                break
        first += len(options)
        out.append((area, kind, e.text, found))
    return out


# A point's number on a light box (not a second, white copy of the text: a PDF's text would
# then hold every number twice): the box's x, y, width and height, the text's x and y, the number.
LABEL = ('<rect x="%.3f" y="%.3f" width="%.3f" height="%.3f" rx="0.4" fill="#ffffff" '
         'fill-opacity="0.85"/><text x="%.3f" y="%.3f" fill="#111111">%d</text>')


def _point_groups(result: Result, colours: dict[str | None, str], names: GridNames,
                  placed: list[Placed | None], r: float, digits: Text,
                  drawn: list[bool] | None = None) -> list[str]:
    """Each point's group, written in one pass: what all the points of an area (or a trigger
    point) share, its marker, depth and data-area, is in one format string for them, which
    takes the point's number, volume, name, centre and label (a label with no free place is
    not drawn)."""
    markers = mixture_markers(result)

    def owner(mixture: str | None, depth_mm: float, where: str) -> tuple[str, str, int]:
        """The format strings of the points without and with a grid name, and how many times
        the marker holds the centre."""
        colour = xml_escape(colours.get(mixture, NO_MIXTURE_COLOUR))
        pieces = [p.replace("%", "%%") for p in
                  marker_pieces(r, colour, markers.get(mixture, "solid"))]
        depth = f"{depth_mm:.1f}"
        marker = 'cx="%.3f" cy="%.3f"'.join(pieces)
        head = f'<g class="point" data-number="%d" data-volume-ml="%s" data-depth-mm="{depth}"'
        tail = f'%s mL · {digits(depth).replace("%", "%%")} mm</title>{marker}%s</g>'
        return (f"{head} {where}><title>%d: {tail}",
                f"{head} data-name=%s {where}><title>%d · %s: {tail}", len(pieces) - 1)

    areas = [owner(a.mixture, a.depth_mm, f'data-area="{i}"')
             for i, a in enumerate(result.plan.areas)]
    manual = iter([owner(p.mixture, p.depth_mm, f'data-area="" data-manual="{j}"')
                   for j, p in enumerate(result.plan.points)])
    volumes: dict[int, tuple[str, str]] = {}  # a plan has few: each is formatted once
    parts = []
    for k, (area, x, y, hundredths, name, label) in enumerate(zip(
            result.area_of.tolist(), result.xy[:, 0].tolist(), result.xy[:, 1].tolist(),
            result.hundredths.tolist(), names.names, placed, strict=True)):
        plain, named, centres = areas[area] if area >= 0 else next(manual)
        if drawn is not None and not drawn[k]:
            continue
        number = k + 1
        if hundredths not in volumes:
            volume = f"{int(hundredths) / 100:.2f}"
            volumes[hundredths] = volume, digits(volume)
        volume, written = volumes[hundredths]
        centre = (x, y) * centres
        text = "" if label is None else LABEL % (
            label.box[0], label.box[1], label.box[2] - label.box[0],
            label.box[3] - label.box[1], label.x, label.y, number)
        parts.append(named % (number, volume, _quoted(name), number, name, written, *centre,
                              text) if name else
                     plain % (number, volume, number, written, *centre, text))
    return parts


def _quoted(name: str) -> str:
    """A grid name as an attribute's value: letters and digits need no escaping."""
    return f'"{name}"' if name.isalnum() else quoteattr(name)


def _edge_markup(names: GridNames, schemed: set[int],
                 edges: list[tuple[int, str, str, Placed]], size: float) -> str:
    """Each gridded area's row and column names, with where they go (``data-x``, ``data-y``:
    the point they name; ``data-ux``, ``data-uy``: the side), shown where the area's numbers do
    not fit (``data-shown``)."""
    placed = iter(edges)
    parts = [f'<g id="grid-names" font-family="{FONT_FAMILY}" font-size="{size:.2f}" '
             f'font-weight="bold" fill="#111111">']
    for area in names.areas:
        shown = area.area in schemed
        flag = ' data-shown="1"' if shown else ""
        parts.append(f'<g class="grid-names" data-area="{area.area}"{flag}>')
        for kind, edge_names in (("row", area.rows), ("column", area.columns)):
            for e in edge_names:
                where = next(placed)[3] if shown else None
                visible = where is not None and where.x == where.x  # NaN: left out
                at = (f'x="{where.x:.3f}" y="{where.y:.3f}"' if where is not None and visible
                      else 'x="0" y="0" display="none"')
                parts.append(
                    f'<text class="grid-{kind}" data-x="{e.x:.3f}" data-y="{e.y:.3f}" '
                    f'data-x2="{e.x2:.3f}" data-y2="{e.y2:.3f}" '
                    f'data-ux="{e.ux:.4f}" data-uy="{e.uy:.4f}" {at}>{e.text}</text>')
        parts.append("</g>")
    parts.append("</g>")
    return "".join(parts)
