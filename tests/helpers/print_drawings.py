"""The drawings of a printout read from their SVG: the points' labels and how big they print,
which points a drawing names, the points' markers and the outlines, for the black-and-white
checks. A drawing's SVG is the one laid out on the page (tests/helpers/pdf_words.Drawing)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, replace

from tests.helpers.pdf_words import MM, Drawing

SHAPES = ("circle", "rect", "path", "polygon", "ellipse", "use")
LABEL_LAYERS = ("points", "grid-names")  # the points' numbers; the grid's row and column names


@dataclass(frozen=True)
class Label:
    """A point label as drawn: its text, its size on paper (mm) and its layer."""

    text: str
    mm: float
    layer: str


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _walk(element: ET.Element, inherited: dict[str, str], layer: str | None
          ) -> Iterator[tuple[ET.Element, dict[str, str], str | None]]:
    """Every element with the presentation attributes it inherits and the label layer it is in;
    an element not displayed is left out with its children."""
    own = {**inherited, **{k: v for k, v in element.attrib.items()
                           if k in ("font-size", "fill", "stroke", "stroke-width", "display")}}
    if own.get("display") == "none":
        return
    layer = element.get("id") if element.get("id") in LABEL_LAYERS else layer
    yield element, own, layer
    for child in element:
        yield from _walk(child, own, layer)


def mm_per_unit(drawing: Drawing) -> float:
    """How many mm on paper one of the drawing's SVG units prints at."""
    root = drawing.svg
    box = root.get("viewBox")
    width = float(re.split(r"[\s,]+", box.strip())[2]) if box else \
        float(re.sub(r"[a-z]+$", "", root.get("width", "1")))
    return (drawing.box[2] - drawing.box[0]) / MM / width


@dataclass(frozen=True)
class PointMark:
    """A point as drawn: its number, its marker's centre (the drawing's units), the number
    beside it and where its text starts (None: none), its grid name and area (data)."""

    number: int
    centre: tuple[float, float]
    label: str | None
    label_at: tuple[float, float] | None
    name: str | None
    area: str


def point_marks(svg: ET.Element) -> dict[int, PointMark]:
    """The points a drawing shows, by number, read from what is drawn: as the editor draws
    them (a group per point: its circles, its number's <text>) or as printed
    (planner/drawing/paper_points.py: a path per circle of a marker for all its points, each
    point's centre read from its path data; one <text> for all the numbers, each digit at its
    own x and y). Either way every point's marker is centred where its group says, and every
    number is its own point's."""
    found: dict[int, PointMark] = {}
    for element, _attrs, _layer in _walk(svg, {}, None):
        classes = (element.get("class") or "").split()
        if "point" in classes:
            number = int(element.get("data-number", "0"))
            circle = next(c for c, _a, _l in _walk(element, {}, None)
                          if _local(c.tag) == "circle")
            text = next((t for t, _a, _l in _walk(element, {}, None)
                         if _local(t.tag) == "text" and (t.text or "").strip()), None)
            found[number] = PointMark(
                number, (float(circle.get("cx")), float(circle.get("cy"))),
                text.text.strip() if text is not None else None,
                (float(text.get("x")), float(text.get("y"))) if text is not None else None,
                element.get("data-name"), element.get("data-area", ""))
        elif _local(element.tag) == "path" and element.get("data-marker") is not None:
            for number, centre, name, area in zip(
                    _numbers(element), _centres(element), element.get("data-names").split(),
                    element.get("data-areas").split(), strict=True):
                assert number not in found, f"point {number} drawn twice"
                found[number] = PointMark(number, centre, None, None,
                                          None if name == "-" else name,
                                          "" if area == "-" else area)
    for element, _attrs, _layer in _walk(svg, {}, None):
        if _local(element.tag) == "path" and element.get("data-points") is not None:
            for number, centre in zip(_numbers(element), _centres(element), strict=True):
                assert _near(centre, found[number].centre), (number, centre)  # every circle
        if _local(element.tag) == "text" and "numbers" in (element.get("class") or "").split():
            for number, (text, at) in zip(_numbers(element), _split(element), strict=True):
                assert text == str(number) and found[number].label is None, (number, text)
                found[number] = replace(found[number], label=text, label_at=at)
    return found


def _numbers(element: ET.Element) -> list[int]:
    return [int(n) for n in element.get("data-points", "").split()]


def _near(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return abs(a[0] - b[0]) < 1e-6 and abs(a[1] - b[1]) < 1e-6


def _centres(path: ET.Element) -> list[tuple[float, float]]:
    """The centres of a printed marker path's circles: each subpath starts at its circle's
    rightmost point (x + r, y), or is a disc drawn as a round-capped line of no length at
    (x, y) ("M x y h0")."""
    r = float(path.get("data-r"))
    disc = path.get("stroke-linecap") == "round" and path.get("fill") == "none"
    centres = []
    for sub in path.get("d", "").split("M")[1:]:
        x, y = (float(v) for v in re.match(r"\s*(-?[0-9.]+)[ ,](-?[0-9.]+)", sub).groups())
        if disc:
            assert re.fullmatch(r"\s*-?[0-9.]+[ ,]-?[0-9.]+h0", sub), sub
            centres.append((x, y))
        else:
            centres.append((round(x - r, 3), y))
    return centres


def _split(text: ET.Element) -> list[tuple[str, tuple[float, float]]]:
    """A printed numbers' <text> cut into its numbers (their digits counted from
    ``data-points``), each with where its first digit is drawn; its digits follow each other
    on one line, each one advance width (DejaVu Sans) after the one before."""
    xs = [float(v) for v in text.get("x").split()]
    ys = [float(v) for v in text.get("y").split()]
    content = text.text or ""
    assert len(xs) == len(ys) == len(content), "one x and y for each digit"
    size = float(text.get("font-size") or 0) or None
    out, k = [], 0
    for number in _numbers(text):
        digits = str(number)
        assert content[k:k + len(digits)] == digits, (content[k:k + 12], digits)
        assert len(set(ys[k:k + len(digits)])) == 1, f"number {number} on one line"
        steps = [b - a for a, b in zip(xs[k:k + len(digits) - 1], xs[k + 1:k + len(digits)],
                                       strict=True)]
        assert all(0 < step < 2 * (size or step) for step in steps), (number, steps)
        out.append((digits, (xs[k], ys[k])))
        k += len(digits)
    assert k == len(content), "every digit is a point's"
    return out


def labels(drawing: Drawing) -> list[Label]:
    """The point labels the drawing shows (numbers beside points, rows' and columns' names)."""
    scale = mm_per_unit(drawing)
    found = []
    for element, attrs, layer in _walk(drawing.svg, {}, None):
        if not (layer and _local(element.tag) == "text" and (element.text or "").strip()):
            continue
        size = float(re.sub(r"[a-z]+$", "", attrs.get("font-size", "0")))
        if "numbers" in (element.get("class") or "").split():  # printed: one text for all
            found += [Label(text, size * scale, layer) for text, _at in _split(element)]
        else:
            found.append(Label(element.text.strip(), size * scale, layer))
    return found


def named_points(drawing: Drawing) -> set[int]:
    """The points the drawing names: by the number beside it, or by its grid name ("C7") when
    the drawing shows its area's row ("C") and column ("7") at the grid's edges."""
    root = drawing.svg
    shown: dict[str, set[str]] = {}
    for element, _attrs, _layer in _walk(root, {}, None):
        if "grid-names" in (element.get("class") or "").split() and \
                element.get("data-shown") is not None:
            shown[element.get("data-area", "")] = {
                (t.text or "").strip() for t, _a, _l in _walk(element, {}, None)
                if _local(t.tag) == "text"}
    named: set[int] = set()
    for number, point in point_marks(root).items():
        name = re.fullmatch(r"([A-Z]+)(\d+)", point.name or "")
        if point.label or (name and {name.group(1), name.group(2)} <= shown.get(point.area,
                                                                                  set())):
            named.add(number)
    return named


@dataclass(frozen=True)
class Marker:
    """How a point is drawn: its fill, and what else tells it apart (shape, outline, size)."""

    fill: str
    shape: tuple[tuple[str, str], ...]


GEOMETRY = {"cx", "cy", "x", "y", "d", "points", "transform", "fill", "width", "height", "href",
            "{http://www.w3.org/1999/xlink}href", "data-points", "data-names", "data-areas"}
WHITE = ("#ffffff", "#fff", "none", "white")


def markers(drawing: Drawing) -> set[Marker]:
    """The different markers of the drawing's points (one per mixture, as a rule)."""
    return markers_of(drawing.svg)


def markers_of(svg: ET.Element) -> set[Marker]:
    """The different markers of a drawing's points: each its first circle that is not white
    and what else tells it apart (as the editor draws it, its circle's attributes; as
    printed, those of its marker's first path)."""
    found = set()
    for element, attrs, _layer in _walk(svg, {}, None):
        if "point" in (element.get("class") or "").split():
            for child, child_attrs, _l in _walk(element, attrs, None):
                fill = child_attrs.get("fill", "#000000")
                if _local(child.tag) in SHAPES and fill.lower() not in WHITE:
                    shape = tuple(sorted((k, v) for k, v in child.attrib.items()
                                         if k not in GEOMETRY))
                    found.add(Marker(fill.lower(), ((":tag", _local(child.tag)), *shape)))
                    break
        elif _local(element.tag) == "path" and element.get("data-marker") is not None:
            found.add(_printed_marker([element, *_following(svg, element)]))
    return found


def _printed_marker(layers: list[ET.Element]) -> Marker:
    """A printed marker from its paths (paper_points): a circle's colour is its fill, a disc's
    (a round line of no length) its line's; a disc with an inner disc after it is a dot's
    outline, the inner disc its fill."""
    shape = tuple(sorted((k, v) for k, v in layers[0].attrib.items() if k not in GEOMETRY))
    for k, layer in enumerate(layers):
        disc = layer.get("stroke-linecap") == "round" and layer.get("fill") == "none"
        inner = k + 1 < len(layers) and "inner" in (layers[k + 1].get("class") or "").split()
        colour = (layer.get("stroke") if disc else layer.get("fill", "#000000")).lower()
        if colour not in WHITE and not (disc and inner):
            return Marker(colour, ((":tag", "path"), *shape))
    raise AssertionError(f"a white marker: {layers[0].attrib}")


def _following(root: ET.Element, first: ET.Element) -> list[ET.Element]:
    """The other circles of a printed marker: the paths after ``first`` for its points."""
    for parent in root.iter():
        children = list(parent)
        if first in children:
            return [p for p in children[children.index(first) + 1:]
                    if _local(p.tag) == "path" and p.get("data-marker") is None
                    and p.get("data-points") == first.get("data-points")]
    return []


def outlines(drawing: Drawing) -> list[tuple[str, float, str]]:
    """The outlines of the body and of the plan's areas: (stroke colour, width on paper in mm,
    what it outlines)."""
    scale = mm_per_unit(drawing)
    found = []
    for element, attrs, _layer in _walk(drawing.svg, {}, None):
        classes = (element.get("class") or "").split()
        what = "body outline" if "bodymap-outline" in classes else \
            "area outline" if "area" in classes else None
        if what and attrs.get("stroke", "none") != "none":
            width = float(re.sub(r"[a-z]+$", "", attrs.get("stroke-width", "1")))
            found.append((attrs["stroke"], width * scale, what))
    return found
