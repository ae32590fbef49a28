"""A body-map view once read: its outline, regions and guide lines as shapely geometry (mm).

A view is read from its SVG file by planner.bodymaps.svg_reading and found by id through
planner.bodymaps.atlas. ``BodyMapError`` is the atlas's one exception type.

>>> view_of("knee-anterior/medial")
'knee-anterior'
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TypeAlias

import shapely
from shapely.geometry import LineString, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

__all__ = ["BodyMapError", "Geometry", "Guide", "Part", "Region", "View", "polygonal", "view_of"]


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
class Caption:
    """A word written on the drawing (data-caption): what a part of it shows, e.g. "lateral"
    under the elbow's lateral inset; ``word`` is one of the edge words (CONVENTIONS.md), written
    at (x, y) with its ``anchor`` (start, middle, end)."""

    word: str
    x: float
    y: float
    anchor: str


Point: TypeAlias = tuple[float, float]


@dataclass(frozen=True)
class Part:
    """A part of a drawing with its own anatomical axes: one inset of the elbow, a limb drawn
    bent at its joint (CONVENTIONS.md, "Parts"). ``axis`` runs from the proximal segment's cut
    end (the humerus's, toward the shoulder) to the joint's centre, then along the distal
    segment to its cut end (the forearm's, toward the wrist); ``bend`` is the side the joint
    folds toward (``anterior`` for the elbow). ``name`` is what the part shows (an edge word:
    lateral, medial) and ``area`` the outline's part it is drawn in."""

    name: str
    area: Geometry = field(compare=False)
    axis: tuple[Point, Point, Point]
    bend: str

    @property
    def proximal_end(self) -> Point:
        """Where the proximal segment's axis leaves the drawing (toward the shoulder)."""
        return self.axis[0]

    @property
    def joint(self) -> Point:
        """The joint's centre, where the two segments' axes meet."""
        return self.axis[1]

    @property
    def distal_end(self) -> Point:
        """Where the distal segment's axis leaves the drawing (toward the wrist)."""
        return self.axis[2]


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
    # What each edge of the drawing faces, in anatomical words (CONVENTIONS.md): {"top":
    # "proximal", "bottom": "distal", "left": ..., "right": ...}, as drawn for the right limb.
    edges: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    # The outline of earlier versions whose drawing changed only in its outline and decor
    # (data-outline-version), by version: a plan saved on one is clipped to it (same points).
    earlier_outlines: Mapping[int, Geometry] = field(default_factory=dict, hash=False,
                                                     compare=False)
    # Words under parts of the drawing (the elbow's insets), as drawn for the right limb.
    captions: tuple[Caption, ...] = field(default=(), hash=False, compare=False)
    # The earliest version whose regions, landmarks and guides are this version's
    # (data-regions-since); None: only this version.
    regions_since: int | None = None
    # The parts drawn with their own anatomical axes (the elbow's two insets, each a limb bent
    # at its joint: <g id="axes">), as drawn for the right limb; none on most views.
    parts: tuple[Part, ...] = field(default=(), hash=False, compare=False)

    def geometries(self) -> Iterator[BaseGeometry]:
        """Every geometry the view holds: its outline and earlier outlines, its regions and
        landmarks, guide lines, decor and parts."""
        yield self.outline
        yield from self.earlier_outlines.values()
        yield from (r.geometry for r in self.regions)
        yield from (g.geometry for g in self.guides)
        yield from self.decor
        yield from (p.area for p in self.parts)

    def outline_for(self, version: int | None) -> Geometry:
        """The outline a plan saved on ``version`` is clipped to: the kept outline of that
        version or, failing that, of the nearest later version kept (a plan on version 1 of a
        view redrawn in version 3 was computed on version 2's outline until then); the current
        outline for a new plan (None), for the current or a later version, and when no kept
        outline is as recent as ``version``."""
        if version is None or version >= self.version:
            return self.outline
        later = sorted(v for v in self.earlier_outlines if v >= version)
        return self.earlier_outlines[later[0]] if later else self.outline

    def same_regions(self, version: int | None) -> bool:
        """Whether a plan saved on ``version`` points into the regions, landmarks and guides
        drawn now (None: a new plan): only the outline or decor may have changed since."""
        if version is None:
            return True
        return (self.regions_since or self.version) <= version <= self.version

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
        return polygonal(shapely.union_all(parts), f"no-go zones of '{self.id}'")

    def warning_regions(self) -> tuple[Region, ...]:
        """Regions of kind ``warning`` (danger zones: inject with care)."""
        return tuple(r for r in self.regions if r.kind == "warning")

    def treatment_regions(self) -> tuple[Region, ...]:
        """Regions of kind ``treatment``."""
        return tuple(r for r in self.regions if r.kind == "treatment")

    def landmarks(self) -> tuple[Region, ...]:
        """Anatomical landmarks (kind ``landmark``)."""
        return tuple(r for r in self.regions if r.kind == "landmark")


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


def polygonal(geom: BaseGeometry, where: str) -> Geometry:
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
