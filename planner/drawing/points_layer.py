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

from planner.core.compute import Result
from planner.core.point_names import GridNames, grid_names
from planner.drawing.labels import (
    Box,
    Obstacles,
    Placed,
    edge_places,
    inside,
    place_labels,
    text_box,
)
from planner.drawing.style import (
    FONT_FAMILY,
    NO_MIXTURE_COLOUR,
    Text,
    identity,
    marker_svg,
    mixture_markers,
)


def points_markup(result: Result, colours: dict[str | None, str], *, radius: float,
                  size: float, frame: Box, taken: list[Box], digits: Text = identity,
                  scheme: bool = True, within: Box | None = None) -> str:
    """The points layer: dots, and labels of ``size`` mm that overlap nothing in ``taken``,
    no point and no other label, inside ``frame``; it says how many of its points have no
    number beside them (``data-unlabelled``) and how many of those no row or column name
    either (``data-unnamed``). Where a gridded area's numbers do not all
    fit, its rows and columns are named at its edges instead (``scheme=False``: its numbers
    that fit are kept, for a part of a drawing whose neighbour shows the others). With
    ``within``, only the points inside it are drawn (a part of an enlarged drawing: its bands
    for the orientation words show no point, its neighbours show them)."""
    names = grid_names(result)
    xy = [(float(x), float(y)) for x, y in result.xy]
    inner = frame if within is None else within
    seen = [inner[0] <= x <= inner[2] and inner[1] <= y <= inner[3] for x, y in xy]
    numbers: list[str | None] = [str(k + 1) if seen[k] else None for k in range(len(xy))]
    order = _order(result)
    placed = place_labels(xy, radius, numbers, size, frame, taken, order)
    schemed = {a.area for a in names.areas if scheme and any(
        placed[k] is None for k in range(len(xy)) if seen[k] and int(result.area_of[k]) == a.area)}
    edges: list[tuple[int, str, str, Placed]] = []
    if schemed:
        texts = [None if int(result.area_of[k]) in schemed else numbers[k]
                 for k in range(len(xy))]
        placed = place_labels(xy, radius, texts, size, frame, taken, order)
        edges = _edge_labels(names, schemed, xy, radius, size, frame, taken, placed)
    unlabelled = [k for k in range(len(xy)) if seen[k] and placed[k] is None]
    shown = {(a, kind, t) for a, kind, t, at in edges if at.x == at.x}  # NaN: left out
    unnamed = sum(1 for k in unlabelled if not _found(names.names[k], int(result.area_of[k]),
                                                        shown))
    parts = [f'<g id="points" font-family="{FONT_FAMILY}" font-size="{size:.2f}" '
             f'data-label-mm="{size:.2f}" data-radius-mm="{radius:.2f}" '
             f'data-unlabelled="{len(unlabelled)}" data-unnamed="{unnamed}">']
    parts += _point_groups(result, colours, names, placed, radius, digits,
                           None if within is None else seen)
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


def _order(result: Result) -> list[int]:
    """The points whose labels are placed first: the trigger points (each its own place on the
    skin), then the areas' points in injection order."""
    manual = [k for k in range(len(result.xy)) if int(result.area_of[k]) < 0]
    return manual + [k for k in range(len(result.xy)) if int(result.area_of[k]) >= 0]


def _edge_labels(names: GridNames, schemed: set[int], xy: list[tuple[float, float]],
                 radius: float, size: float, frame: Box, taken: list[Box],
                 placed: list[Placed | None]) -> list[tuple[int, str, str, Placed]]:
    """The row letters and column numbers of the areas that show them, each where it overlaps
    nothing: at the grid's left (top) edge, else at its right (bottom) edge, else a lane
    further out (labels.edge_places), else left out."""
    obstacles = Obstacles(size * 2)
    for x, y in xy:
        obstacles.add((x - radius, y - radius, x + radius, y + radius))
    for box in taken:
        obstacles.add(box)
    for p in placed:
        if p is not None:
            obstacles.add(p.box)
    out = []
    for area in names.areas:
        if area.area not in schemed:
            continue
        for kind, edge_names in (("row", area.rows), ("column", area.columns)):
            for e in edge_names:
                found = Placed(float("nan"), float("nan"), (0.0, 0.0, 0.0, 0.0))
                for tx, ty in edge_places(e.x, e.y, e.ux, e.uy, e.x2, e.y2, radius, e.text,
                                          size):
                    box = text_box(tx, ty, e.text, size, bold=True)
                    if inside(box, frame) and not obstacles.hits(box):
                        obstacles.add(box)
                        found = Placed(tx, ty, box)
                        break
                out.append((area.area, kind, e.text, found))
    return out


def _point_groups(result: Result, colours: dict[str | None, str], names: GridNames,
                  placed: list[Placed | None], r: float, digits: Text,
                  drawn: list[bool] | None = None) -> list[str]:
    parts = []
    markers = mixture_markers(result)
    mixtures = [None if m < 0 else result.plan.areas[m].mixture for m in result.area_of]
    manual = iter(enumerate(result.plan.points))
    shown: dict[str, str] = {}  # a plan has few distinct volumes: each is formatted once
    for k in range(len(result.xy)):
        owner = int(result.area_of[k])
        if owner >= 0:
            mixture, where = mixtures[k], f'data-area="{owner}"'
            depth = f"{result.plan.areas[owner].depth_mm:.1f}"
        else:
            j, point = next(manual)
            mixture, where = point.mixture, f'data-area="" data-manual="{j}"'
            depth = f"{point.depth_mm:.1f}"
        if drawn is not None and not drawn[k]:
            continue
        colour = xml_escape(colours.get(mixture, NO_MIXTURE_COLOUR))
        marker = markers.get(mixture, "solid")
        x, y = float(result.xy[k, 0]), float(result.xy[k, 1])
        number = k + 1
        volume = f"{int(result.hundredths[k]) / 100:.2f}"
        for value in (volume, depth):
            if value not in shown:
                shown[value] = digits(value)
        name = names.names[k]
        called = f"{number} · {name}" if name else str(number)
        label = placed[k]
        # The number sits on a light box (not a second, white copy of the text: a PDF's text
        # would then hold every number twice); a label with no free place is not drawn.
        text = "" if label is None else (
            f'<rect x="{label.box[0]:.3f}" y="{label.box[1]:.3f}" '
            f'width="{label.box[2] - label.box[0]:.3f}" height="{label.box[3] - label.box[1]:.3f}" '
            f'rx="0.4" fill="#ffffff" fill-opacity="0.85"/>'
            f'<text x="{label.x:.3f}" y="{label.y:.3f}" fill="#111111">{number}</text>')
        parts.append(
            f'<g class="point" data-number="{number}" data-volume-ml="{volume}" '
            f'data-depth-mm="{depth}"{f" data-name={quoteattr(name)}" if name else ""} {where}>'
            f'<title>{called}: {shown[volume]} mL · {shown[depth]} mm</title>'
            f'{marker_svg(x, y, r, colour, marker)}{text}</g>')
    return parts


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
