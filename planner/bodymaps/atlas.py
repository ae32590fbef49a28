"""Read the body-map SVG files into shapely geometry (1 SVG user unit = 1 mm).

The contract lives in ``CONVENTIONS.md`` next to this file. Each ``<view-id>.svg`` holds an
outline, decor, landmarks, regions (treatment, warning, no-go) and guides. This module is
pure (stdlib, shapely, svgelements): it knows nothing of the web, the database or rendering.

>>> view_of("knee-anterior/medial")
'knee-anterior'
"""

from __future__ import annotations

import functools
import io
import itertools
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeAlias

import numpy as np
import shapely
from shapely import affinity
from shapely.geometry import LineString, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry
from svgelements import (  # type: ignore[import-untyped,unused-ignore]
    SVG,
    Close,
    Line,
    Move,
    Shape,
)

__all__ = [
    "BODYMAP_DIR",
    "KINDS",
    "LANGUAGES",
    "LATERALITIES",
    "REGION_KINDS",
    "BodyMapError",
    "Guide",
    "Region",
    "View",
    "get_region",
    "get_view",
    "parse_view",
    "view_ids",
    "view_of",
    "views",
]

BODYMAP_DIR = Path(__file__).resolve().parent
LANGUAGES = ("it", "es", "en")
REGION_KINDS = ("treatment", "warning", "no-go")
KINDS = (*REGION_KINDS, "landmark")
LATERALITIES = ("left", "right", "bilateral", "none", "side")
PATIENT_RIGHT = ("left", "right", "none")
SIDES = ("left", "right")
LAYERS = ("outline", "decor", "landmarks", "regions", "guides")
SHAPE_TAGS = ("path", "rect", "circle", "ellipse", "polygon", "polyline", "line")

_SVG_NS = "http://www.w3.org/2000/svg"
_INDEX_ATTR = "data-mesoplanner-index"
_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*/[a-z0-9]+(?:-[a-z0-9]+)*$")
_VIEW_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_MM_RE = re.compile(r"^\s*([0-9]+(?:\.[0-9]*)?)\s*mm\s*$")

# Flattening: a curved segment is sampled every _STEP_MM along its control polygon, with at
# least _MIN_SAMPLES points. For a circle drawn with 4 arcs this gives > 100 vertices: the area
# error of the inscribed polygon is about 2*pi^2/(3*n^2) < 0.1%, well under the 0.5% we promise.
_STEP_MM = 0.5
_MIN_SAMPLES = 24
_MAX_SAMPLES = 400


class BodyMapError(ValueError):
    """A body map or a region cannot be found or read; the message is meant for a clinician."""


Geometry: TypeAlias = Polygon | MultiPolygon


@dataclass(frozen=True)
class Region:
    """A closed area of a view: treatment, warning, no-go zone or anatomical landmark."""

    id: str
    view: str
    kind: str
    label: Mapping[str, str] = field(hash=False)
    laterality: str
    snomed: str
    geometry: Geometry
    link: str | None = None

    @property
    def name(self) -> str:
        """The part of the id after the view: ``knee-anterior/medial`` -> ``medial``."""
        return self.id.split("/", 1)[1]

    @property
    def area_mm2(self) -> float:
        """Area in square millimetres."""
        return float(self.geometry.area)

    @property
    def area_cm2(self) -> float:
        """Area in square centimetres."""
        return float(self.geometry.area) / 100.0


@dataclass(frozen=True)
class Guide:
    """An open line drawn on a view (e.g. a nerve course) for ``line`` plans."""

    id: str
    view: str
    label: Mapping[str, str] = field(hash=False)
    geometry: LineString


@dataclass(frozen=True)
class View:
    """One body-map drawing, in millimetres, possibly mirrored for the left limb."""

    id: str
    label: Mapping[str, str] = field(hash=False)
    width_mm: float
    height_mm: float
    version: int
    single_limb: bool
    side: str | None
    patient_right: str
    snomed: str
    outline: Geometry
    regions: tuple[Region, ...]
    guides: tuple[Guide, ...]
    decor: tuple[LineString | Polygon, ...] = field(hash=False, compare=False)

    def region(self, region_id: str) -> Region:
        """Return a region or landmark by full id (``knee-anterior/medial``) or short name."""
        full = region_id if "/" in region_id else f"{self.id}/{region_id}"
        for region in self.regions:
            if region.id == full:
                return region
        known = ", ".join(r.name for r in self.regions) or "none"
        raise BodyMapError(
            f"The body map '{self.id}' has no region '{region_id}'. Regions on this map: {known}."
        )

    def guide(self, guide_id: str) -> Guide:
        """Return a guide line by full id or short name."""
        full = guide_id if "/" in guide_id else f"{self.id}/{guide_id}"
        for guide in self.guides:
            if guide.id == full:
                return guide
        known = ", ".join(g.id.split("/", 1)[1] for g in self.guides) or "none"
        raise BodyMapError(
            f"The body map '{self.id}' has no guide line '{guide_id}'. Guides on this map: {known}."
        )

    def no_go(self) -> Geometry | None:
        """Union of the no-go regions, or None when the view has none."""
        parts = [r.geometry for r in self.regions if r.kind == "no-go"]
        if not parts:
            return None
        return _polygonal(shapely.union_all(parts), f"no-go zones of '{self.id}'")

    def warning_regions(self) -> tuple[Region, ...]:
        """Regions of kind ``warning`` (danger zones: inject with care)."""
        return tuple(r for r in self.regions if r.kind == "warning")

    def treatment_regions(self) -> tuple[Region, ...]:
        """Regions of kind ``treatment``."""
        return tuple(r for r in self.regions if r.kind == "treatment")

    def landmarks(self) -> tuple[Region, ...]:
        """Anatomical landmarks (kind ``landmark``)."""
        return tuple(r for r in self.regions if r.kind == "landmark")


# --------------------------------------------------------------------------- public API


def view_of(region_id: str) -> str:
    """Return the view id of a region id.

    >>> view_of("face-frontal/eye-right")
    'face-frontal'
    """
    view, sep, name = region_id.partition("/")
    if not sep or not view or not name:
        raise BodyMapError(
            f"'{region_id}' is not a body-map region id: expected '<view>/<region>', "
            "for example 'knee-anterior/medial'."
        )
    return view


@functools.cache
def view_ids() -> tuple[str, ...]:
    """Ids of every view in the atlas folder, sorted."""
    return tuple(sorted(p.stem for p in BODYMAP_DIR.glob("*.svg")))


@functools.cache
def views() -> tuple[View, ...]:
    """Every view as drawn (single-limb views for the right limb, ``side`` None)."""
    result = tuple(_load_file(BODYMAP_DIR / f"{vid}.svg") for vid in view_ids())
    seen: dict[str, str] = {}
    for view in result:
        for item_id in [r.id for r in view.regions] + [g.id for g in view.guides]:
            if item_id in seen:
                raise BodyMapError(f"The id '{item_id}' is used twice in the body-map atlas.")
            seen[item_id] = view.id
    return result


@functools.cache
def get_view(view_id: str, side: str | None = None) -> View:
    """Return a view; ``side`` "left" mirrors single-limb views (x -> width - x).

    ``side`` is ignored for views that show both sides of the body (they are never mirrored).
    Only this view's file is read (the whole atlas takes seconds to parse).
    """
    if side is not None and side not in SIDES:
        raise BodyMapError(f"Side must be 'left' or 'right', not '{side}'.")
    if view_id not in view_ids():
        known = ", ".join(view_ids()) or "none"
        raise BodyMapError(f"There is no body map called '{view_id}'. Available maps: {known}.")
    base = _load_file(BODYMAP_DIR / f"{view_id}.svg")
    if side is None or not base.single_limb:
        return base
    return _for_side(base, side)


def get_region(region_id: str, side: str | None = None) -> Region:
    """Return a region (or landmark) by its full id, on the view for ``side``."""
    return get_view(view_of(region_id), side).region(region_id)


def parse_view(source: str | Path, view_id: str | None = None) -> View:
    """Parse a body-map SVG given as a path or as SVG text (not cached; for tools and tests)."""
    if isinstance(source, Path):
        return _load_file(source)
    return _parse(source, view_id or "", "<svg text>")


# --------------------------------------------------------------------------- mirroring


def _mirror(geom: BaseGeometry, width: float) -> Any:
    # Reflection about x = width / 2: x -> width - x.
    return affinity.scale(geom, xfact=-1.0, yfact=1.0, origin=(width / 2.0, 0.0))


def _for_side(base: View, side: str) -> View:
    mirror = side == "left"
    width = base.width_mm

    def geom(g: Any) -> Any:
        if not mirror:
            return g
        mirrored = _mirror(g, width)
        if isinstance(mirrored, Polygon | MultiPolygon):
            return shapely.normalize(mirrored) if mirrored.is_valid else mirrored
        return mirrored

    regions = tuple(
        replace(
            r,
            geometry=geom(r.geometry),
            laterality=side if r.laterality == "side" else r.laterality,
        )
        for r in base.regions
    )
    guides = tuple(replace(g, geometry=geom(g.geometry)) for g in base.guides)
    return replace(
        base,
        side=side,
        outline=geom(base.outline),
        regions=regions,
        guides=guides,
        decor=tuple(geom(d) for d in base.decor),
    )


# --------------------------------------------------------------------------- parsing


@functools.cache
def _load_file(path: Path) -> View:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BodyMapError(f"The body map file '{path.name}' cannot be read: {exc}.") from exc
    return _parse(text, path.stem, path.name)


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


def _parse(text: str, view_id: str, where: str) -> View:
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
        rings = _rings(shape)
        own = elem.attrib
        if layer == "decor":
            decor.extend(_decor(rings))
            continue
        if layer is None:
            continue
        item_id = own.get("data-id", "")
        here = f"{where}, element '{item_id or _local(elem.tag)}'"
        if layer == "outline":
            outline_parts.append(_area(rings, here))
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
            guides.append(Guide(item_id, view_id, labels, _line(rings, here)))
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
                geometry=_area(rings, here),
                link=own.get("data-link") or None,
            )
        )
    if not outline_parts:
        raise BodyMapError(f'{where}: the drawing has no outline (<g id="outline">).')
    outline = _polygonal(shapely.union_all(outline_parts), f"{where}, outline")
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
    )


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


# --------------------------------------------------------------------------- flattening

Ring = tuple[list[tuple[float, float]], bool]  # points, closed


def _samples(segment: Any) -> int:
    controls = (
        segment.start,
        getattr(segment, "control1", None),
        getattr(segment, "control", None),
        getattr(segment, "control2", None),
        segment.end,
    )
    pts = [p for p in controls if p is not None]
    length = sum(math.dist((a.x, a.y), (b.x, b.y)) for a, b in itertools.pairwise(pts))
    if hasattr(segment, "sweep") and hasattr(segment, "rx"):  # elliptical arc
        length = max(length, abs(float(segment.sweep)) * max(float(segment.rx), float(segment.ry)))
    return max(_MIN_SAMPLES, min(_MAX_SAMPLES, math.ceil(length / _STEP_MM)))


def _rings(shape: Any) -> list[Ring]:
    """Flatten a shape into point rings, sampling curves densely."""
    rings: list[Ring] = []
    current: list[tuple[float, float]] = []

    def flush(closed: bool) -> None:
        nonlocal current
        if len(current) >= 2:
            rings.append((current, closed))
        current = []

    for seg in shape.segments(transformed=True):
        if isinstance(seg, Move):
            flush(False)
            current = [(float(seg.end.x), float(seg.end.y))]
        elif isinstance(seg, Close):
            if seg.end is not None and not current:
                current = [(float(seg.end.x), float(seg.end.y))]
            flush(True)
        elif isinstance(seg, Line):
            if not current:
                current = [(float(seg.start.x), float(seg.start.y))]
            current.append((float(seg.end.x), float(seg.end.y)))
        else:
            if not current:
                current = [(float(seg.start.x), float(seg.start.y))]
            n = _samples(seg)
            # One vectorised call per curve (svgelements' npoint) instead of one per sample.
            samples = np.asarray(seg.npoint(np.arange(1, n + 1) / n), dtype=np.float64)
            current.extend((float(x), float(y)) for x, y in samples)
    flush(False)
    return rings


def _polygonal(geom: BaseGeometry, where: str) -> Geometry:
    """Keep the polygon parts of a geometry, made valid."""
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    polys: list[Polygon] = []
    for part in getattr(geom, "geoms", [geom]):
        if isinstance(part, Polygon) and not part.is_empty:
            polys.append(part)
        elif isinstance(part, MultiPolygon):
            polys.extend(p for p in part.geoms if not p.is_empty)
        elif hasattr(part, "geoms"):
            polys.extend(q for q in _iter_polygons(part))
    if not polys:
        raise BodyMapError(f"{where}: the shape encloses no area.")
    if len(polys) == 1:
        return shapely.normalize(polys[0])
    merged = shapely.union_all(polys)
    if isinstance(merged, Polygon | MultiPolygon):
        return shapely.normalize(merged)
    return shapely.normalize(MultiPolygon(polys))


def _iter_polygons(geom: BaseGeometry) -> Iterator[Polygon]:
    for part in getattr(geom, "geoms", [geom]):
        if isinstance(part, Polygon) and not part.is_empty:
            yield part
        elif hasattr(part, "geoms"):
            yield from _iter_polygons(part)


def _area(rings: list[Ring], where: str) -> Geometry:
    """Closed rings -> area; subpaths combine even-odd (an inner ring cuts a hole)."""
    result: BaseGeometry | None = None
    for points, _closed in rings:
        if len(points) < 3:
            continue
        ring = shapely.make_valid(Polygon(points))
        result = ring if result is None else shapely.symmetric_difference(result, ring)
    if result is None:
        raise BodyMapError(f"{where}: the shape is not a closed area.")
    return _polygonal(result, where)


def _line(rings: list[Ring], where: str) -> LineString:
    if len(rings) != 1:
        raise BodyMapError(f"{where}: a guide must be one open line.")
    points, closed = rings[0]
    if closed:
        points = [*points, points[0]]
    return LineString(points)


def _decor(rings: list[Ring]) -> Iterator[LineString | Polygon]:
    for points, closed in rings:
        if closed and len(points) >= 3:
            poly = Polygon(points)
            yield poly if poly.is_valid else LineString([*points, points[0]])
        elif len(points) >= 2:
            yield LineString(points)
