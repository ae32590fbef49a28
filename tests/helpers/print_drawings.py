"""The drawings of a printout read from their SVG: the points' labels and how big they print,
which points a drawing names, the points' markers and the outlines, for the black-and-white
checks. A drawing's SVG is the one laid out on the page (tests/helpers/pdf_words.Drawing)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass

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


def labels(drawing: Drawing) -> list[Label]:
    """The point labels the drawing shows (numbers beside points, rows' and columns' names)."""
    scale = mm_per_unit(drawing)
    found = []
    for element, attrs, layer in _walk(drawing.svg, {}, None):
        if layer and _local(element.tag) == "text" and (element.text or "").strip():
            size = float(re.sub(r"[a-z]+$", "", attrs.get("font-size", "0")))
            found.append(Label(element.text.strip(), size * scale, layer))
    return found


def named_points(drawing: Drawing) -> set[int]:
    """The points the drawing names: by the number beside it, or by its grid name ("C7") when
    the drawing shows its area's row ("C") and column ("7") at the grid's edges."""
    root = drawing.svg
    shown: dict[str, set[str]] = {}
    named: set[int] = set()
    for element, _attrs, _layer in _walk(root, {}, None):
        if "grid-names" in (element.get("class") or "").split() and \
                element.get("data-shown") is not None:
            shown[element.get("data-area", "")] = {
                (t.text or "").strip() for t, _a, _l in _walk(element, {}, None)
                if _local(t.tag) == "text"}
    for element, _attrs, _layer in _walk(root, {}, None):
        if "point" not in (element.get("class") or "").split():
            continue
        number = int(element.get("data-number", "0"))
        if any(_local(t.tag) == "text" and (t.text or "").strip()
               for t, _a, _l in _walk(element, {}, None)):
            named.add(number)
            continue
        name = re.fullmatch(r"([A-Z]+)(\d+)", element.get("data-name", ""))
        if name and {name.group(1), name.group(2)} <= shown.get(element.get("data-area", ""),
                                                                 set()):
            named.add(number)
    return named


@dataclass(frozen=True)
class Marker:
    """How a point is drawn: its fill, and what else tells it apart (shape, outline, size)."""

    fill: str
    shape: tuple[tuple[str, str], ...]


def markers(drawing: Drawing) -> set[Marker]:
    """The different markers of the drawing's points (one per mixture, as a rule)."""
    geometry = {"cx", "cy", "x", "y", "d", "points", "transform", "fill", "width", "height",
                "href", "{http://www.w3.org/1999/xlink}href"}
    found = set()
    for element, attrs, _layer in _walk(drawing.svg, {}, None):
        if "point" not in (element.get("class") or "").split():
            continue
        for child, child_attrs, _l in _walk(element, attrs, None):
            fill = child_attrs.get("fill", "#000000")
            if _local(child.tag) in SHAPES and fill.lower() not in ("#ffffff", "#fff", "none",
                                                                    "white"):
                shape = tuple(sorted((k, v) for k, v in child.attrib.items()
                                     if k not in geometry))
                found.add(Marker(fill.lower(), ((":tag", _local(child.tag)), *shape)))
                break
    return found


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
