"""Reading one body-map SVG into a View, checked against the contract in CONVENTIONS.md.

Each ``<view-id>.svg`` holds an outline, decor, landmarks, regions (treatment, warning, no-go)
and guides, in layers; every region and guide carries its id, labels, kind, laterality and
SNOMED CT code. A file that breaks the contract is refused with a BodyMapError saying where.
"""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from types import MappingProxyType

import shapely
from shapely.geometry import LineString, Polygon
from svgelements import (  # type: ignore[import-untyped,unused-ignore]
    SVG,
    Path,
    Shape,
)

from planner.bodymaps.svg_flatten import area_of, decor_of, line_of, rings_of
from planner.bodymaps.view import (
    BodyMapError,
    Caption,
    Geometry,
    Guide,
    Part,
    Region,
    View,
    polygonal,
    view_of,
)
from planner.vocabulary import LANGUAGES

__all__ = ["KINDS", "LANGUAGES", "LATERALITIES", "REGION_KINDS", "parse"]

REGION_KINDS = ("treatment", "warning", "no-go")
KINDS = (*REGION_KINDS, "landmark")
LATERALITIES = ("left", "right", "bilateral", "none", "side")
PATIENT_RIGHT = ("left", "right", "none")
# What an edge of a limb's drawing faces: data-edge-top, -bottom, -left, -right (optional).
EDGE_WORDS = ("proximal", "distal", "anterior", "posterior", "lateral", "medial", "plantar")
EDGES = ("top", "bottom", "left", "right")
BENDS = ("anterior", "posterior")  # the side a part's joint folds toward (data-bend)
LAYERS = ("outline", "decor", "landmarks", "regions", "guides")
SHAPE_TAGS = ("path", "rect", "circle", "ellipse", "polygon", "polyline", "line")

_INDEX_ATTR = "data-mesoplanner-index"
_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*/[a-z0-9]+(?:-[a-z0-9]+)*$")
_VIEW_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_MM_RE = re.compile(r"^\s*([0-9]+(?:\.[0-9]*)?)\s*mm\s*$")



def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _labels(attrib: Mapping[str, str], where: str) -> Mapping[str, str]:
    labels = {}
    for lang in LANGUAGES:
        value = (attrib.get(f"data-label-{lang}") or "").strip()
        if not value:
            raise BodyMapError(f"{where}: the label in '{lang}' (data-label-{lang}) is missing.")
        labels[lang] = value
    return MappingProxyType(labels)


def _size_mm(value: str | None, name: str, where: str) -> float:
    match = _MM_RE.match(value or "")
    if not match:
        raise BodyMapError(
            f"{where}: the {name} must be given in mm (e.g. '150mm'), not {value!r}."
        )
    return float(match.group(1))


def parse(text: str, view_id: str, where: str) -> View:
    """The view drawn in an SVG text; ``view_id`` (when given) must be its data-view, and
    ``where`` names the file in messages."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise BodyMapError(f"{where} is not a readable SVG file: {exc}.") from exc
    if _local(root.tag) != "svg":
        raise BodyMapError(f"{where} is not an SVG file.")
    attrib = root.attrib
    declared = attrib.get("data-view", "")
    if view_id and declared != view_id:
        raise BodyMapError(f"{where}: data-view is '{declared}', expected '{view_id}'.")
    view_id = declared
    if not _VIEW_RE.match(view_id):
        raise BodyMapError(f"{where}: '{view_id}' is not a valid view id (lowercase, hyphens).")
    width = _size_mm(attrib.get("width"), "width", where)
    height = _size_mm(attrib.get("height"), "height", where)
    viewbox = [float(v) for v in re.split(r"[\s,]+", attrib.get("viewBox", "").strip()) if v]
    if viewbox != [0.0, 0.0, width, height]:
        raise BodyMapError(
            f"{where}: the viewBox must be '0 0 {width:g} {height:g}' so that 1 unit = 1 mm."
        )
    try:
        version = int(attrib.get("data-version", ""))
    except ValueError as exc:
        raise BodyMapError(f"{where}: data-version must be a whole number.") from exc
    regions_since = _version_attr(attrib.get("data-regions-since", str(version)),
                                  "data-regions-since", version, where)
    single = attrib.get("data-single-limb", "false")
    if single not in ("true", "false"):
        raise BodyMapError(f"{where}: data-single-limb must be 'true' or 'false'.")
    patient_right = attrib.get("data-patient-right", "")
    if patient_right not in PATIENT_RIGHT:
        raise BodyMapError(
            f"{where}: data-patient-right must be one of {', '.join(PATIENT_RIGHT)}."
        )
    snomed = _snomed(attrib, where)
    label = _labels(attrib, where)
    edges = {edge: attrib[f"data-edge-{edge}"] for edge in EDGES if f"data-edge-{edge}" in attrib}
    wrong = sorted(edge for edge, word in edges.items() if word not in EDGE_WORDS)
    if wrong:
        raise BodyMapError(f"{where}: data-edge-{wrong[0]} must be one of "
                           f"{', '.join(EDGE_WORDS)}.")

    captions = _captions(root, where)

    # Give every element an index so that svgelements' shapes (which inherit attributes from
    # their parents) can be matched back to the element's own attributes and layer.
    parents: dict[int, ET.Element] = {}
    by_index: dict[int, ET.Element] = {}
    for index, elem in enumerate(root.iter()):
        elem.set(_INDEX_ATTR, str(index))
        by_index[index] = elem
        for child in elem:
            parents[id(child)] = elem
    # Unitless width/height equal to the viewBox: svgelements then keeps user units (mm) as is.
    root.set("width", f"{width:g}")
    root.set("height", f"{height:g}")
    try:
        svg = SVG.parse(io.StringIO(ET.tostring(root, encoding="unicode")), reify=True)
    except Exception as exc:  # svgelements raises many kinds of errors on bad input
        raise BodyMapError(f"{where}: the drawing cannot be read ({exc}).") from exc

    outline_parts: list[Geometry] = []
    decor: list[LineString | Polygon] = []
    regions: list[Region] = []
    guides: list[Guide] = []
    seen: set[str] = set()
    for shape in svg.elements():
        if not isinstance(shape, Shape):
            continue
        elem = by_index[int(shape.values[_INDEX_ATTR])]
        if _local(elem.tag) not in SHAPE_TAGS:
            continue
        layer = _layer(elem, parents)
        rings = rings_of(shape)
        own = elem.attrib
        if layer == "decor":
            decor.extend(decor_of(rings))
            continue
        if layer is None:
            continue
        item_id = own.get("data-id", "")
        here = f"{where}, element '{item_id or _local(elem.tag)}'"
        if layer == "outline":
            outline_parts.append(area_of(rings, here))
            continue
        if not _ID_RE.match(item_id) or view_of(item_id) != view_id:
            raise BodyMapError(
                f"{here}: data-id must look like '{view_id}/<name>' (lowercase, hyphens)."
            )
        if item_id in seen:
            raise BodyMapError(f"{where}: the id '{item_id}' is used twice.")
        seen.add(item_id)
        labels = _labels(own, here)
        if layer == "guides":
            guides.append(Guide(item_id, view_id, labels, line_of(rings, here)))
            continue
        kind = own.get("data-kind", "")
        allowed = ("landmark",) if layer == "landmarks" else REGION_KINDS
        if kind not in allowed:
            raise BodyMapError(f"{here}: data-kind must be one of {', '.join(allowed)}.")
        laterality = own.get("data-laterality", "")
        if laterality not in LATERALITIES:
            raise BodyMapError(f"{here}: data-laterality must be one of {', '.join(LATERALITIES)}.")
        if laterality == "side" and single != "true":
            raise BodyMapError(f"{here}: laterality 'side' is only for single-limb views.")
        regions.append(
            Region(
                id=item_id,
                view=view_id,
                kind=kind,
                label=labels,
                laterality=laterality,
                snomed=_snomed(own, here),
                geometry=area_of(rings, here),
                link=own.get("data-link") or None,
            )
        )
    if not outline_parts:
        raise BodyMapError(f'{where}: the drawing has no outline (<g id="outline">).')
    outline = polygonal(shapely.union_all(outline_parts), f"{where}, outline")
    earlier = _earlier_outlines(root, parents, version, where)
    parts = _parts(root, outline, where)
    return View(
        id=view_id,
        label=label,
        width_mm=width,
        height_mm=height,
        version=version,
        single_limb=single == "true",
        side=None,
        patient_right=patient_right,
        snomed=snomed,
        outline=outline,
        regions=tuple(regions),
        guides=tuple(guides),
        decor=tuple(decor),
        edges=edges,
        captions=captions,
        earlier_outlines=MappingProxyType(earlier),
        regions_since=regions_since,
        parts=parts,
    )


def _captions(root: ET.Element, where: str) -> tuple[Caption, ...]:
    """The drawing's captions: its <text data-caption="lateral" x y text-anchor> elements (their
    own text, the drawer's note, is not shown: the caption is written in the reader's words)."""
    out = []
    for elem in root.iter():
        word = elem.get("data-caption")
        if word is None:
            continue
        if word not in EDGE_WORDS:
            raise BodyMapError(f"{where}: data-caption must be one of {', '.join(EDGE_WORDS)}.")
        try:
            x, y = float(elem.get("x", "")), float(elem.get("y", ""))
        except ValueError as exc:
            raise BodyMapError(f"{where}: a data-caption needs numbers x and y.") from exc
        anchor = elem.get("text-anchor", "start")
        if anchor not in ("start", "middle", "end"):
            raise BodyMapError(f"{where}: a caption's text-anchor must be start, middle or end.")
        out.append(Caption(word, x, y, anchor))
    return tuple(out)


def _parts(root: ET.Element, outline: Geometry, where: str) -> tuple[Part, ...]:
    """The parts drawn with their own axes: ``<polyline data-part="lateral" data-bend="anterior"
    points="proximal end, joint, distal end">`` in ``<g id="axes">`` (CONVENTIONS.md, "Parts"),
    each in the outline's part that holds its joint."""
    pieces = list(shapely.get_parts(outline))
    out: list[Part] = []
    for elem in root.iter():
        name = elem.get("data-part")
        if name is None:
            continue
        here = f"{where}, the axis of the part '{name}'"
        if _local(elem.tag) != "polyline" or name not in EDGE_WORDS:
            raise BodyMapError(f"{here}: a part's axis is a <polyline> whose data-part is one "
                               f"of {', '.join(EDGE_WORDS)}.")
        bend = elem.get("data-bend", "")
        if bend not in BENDS:
            raise BodyMapError(f"{here}: data-bend must be one of {', '.join(BENDS)}.")
        try:
            numbers = [float(v) for v in re.split(r"[\s,]+", elem.get("points", "").strip())]
        except ValueError:
            numbers = []
        if len(numbers) != 6:
            raise BodyMapError(f"{here}: its points are three x,y pairs (the proximal end, the "
                               "joint's centre, the distal end).")
        start, joint, end = ((numbers[0], numbers[1]), (numbers[2], numbers[3]),
                             (numbers[4], numbers[5]))
        up, down = _unit(joint, start), _unit(joint, end)
        if up is None or down is None or abs(up[0] * down[0] + up[1] * down[1]) > 0.9:
            raise BodyMapError(f"{here}: the axis must bend at the joint (two segments of some "
                               "length, at an angle).")
        holding = [piece for piece in pieces if piece.covers(shapely.Point(joint))]
        if not holding:
            raise BodyMapError(f"{here}: the joint's centre must lie inside the outline.")
        if any(part.area.equals(holding[0]) for part in out):
            raise BodyMapError(f"{here}: two parts' joints lie in one part of the outline.")
        out.append(Part(name, holding[0], (start, joint, end), bend))
    return tuple(out)


def _unit(origin: tuple[float, float], to: tuple[float, float]) -> tuple[float, float] | None:
    dx, dy = to[0] - origin[0], to[1] - origin[1]
    length = (dx * dx + dy * dy) ** 0.5
    return None if length < 1.0 else (dx / length, dy / length)


def _version_attr(value: str, name: str, highest: int, where: str) -> int:
    """A version named by an attribute: a whole number from 1 to ``highest``."""
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number <= highest:
        raise BodyMapError(f"{where}: {name} must be a whole number from 1 to {highest}, "
                           f"not {value!r}.")
    return number


def _earlier_outlines(root: ET.Element, parents: Mapping[int, ET.Element], version: int,
                      where: str) -> dict[int, Geometry]:
    """The outlines of earlier versions: ``<path data-outline-version="N" d="...">`` inside
    ``<defs>`` (never drawn), the parts of one version joined as the outline layer's are."""
    parts: dict[int, list[Geometry]] = {}
    for elem in root.iter():
        if "data-outline-version" not in elem.attrib:
            continue
        here = f"{where}, the outline of version {elem.get('data-outline-version')}"
        if _local(elem.tag) != "path" or not _in_defs(elem, parents):
            raise BodyMapError(f"{here}: an earlier outline is a <path> inside <defs>, so that "
                               "it is never drawn.")
        if version == 1:
            raise BodyMapError(f"{here}: a view at version 1 has no earlier outline.")
        number = _version_attr(elem.attrib["data-outline-version"], "data-outline-version",
                               version - 1, where)
        try:
            rings = rings_of(Path(elem.get("d", "")))
        except Exception as exc:  # svgelements raises many kinds of errors on bad input
            raise BodyMapError(f"{here}: the path cannot be read ({exc}).") from exc
        parts.setdefault(number, []).append(area_of(rings, here))
    return {number: polygonal(shapely.union_all(shapes), f"{where}, outline of version {number}")
            for number, shapes in sorted(parts.items())}


def _in_defs(elem: ET.Element, parents: Mapping[int, ET.Element]) -> bool:
    node = parents.get(id(elem))
    while node is not None:
        if _local(node.tag) == "defs":
            return True
        node = parents.get(id(node))
    return False


def _snomed(attrib: Mapping[str, str], where: str) -> str:
    code = attrib.get("data-snomed", "").strip()
    if not code.isdigit():
        raise BodyMapError(f"{where}: data-snomed must be a numeric SNOMED CT code.")
    return code


def _layer(elem: ET.Element, parents: Mapping[int, ET.Element]) -> str | None:
    node: ET.Element | None = parents.get(id(elem))
    while node is not None:
        if _local(node.tag) in ("defs", "clipPath", "mask", "symbol", "pattern"):
            return None
        if _local(node.tag) == "g" and node.get("id") in LAYERS:
            return node.get("id")
        node = parents.get(id(node))
    return None
