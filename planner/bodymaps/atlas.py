"""The atlas: every body-map view in this folder, found by id, read once and mirrored by side.

The contract of the drawings lives in ``CONVENTIONS.md`` next to this file (1 SVG user unit =
1 mm). This package is pure (stdlib, shapely, svgelements, the core's memo): it knows nothing of
the web, the database or rendering.

A view is shared by every thread of a server: each of its geometries is prepared, its indexes
built (planner.core.memo.ready_for_all), before the atlas hands the view out, so that no point
test ever prepares one in place on whichever thread comes first.

>>> view_ids()[:2]
('abdomen-anterior', 'ankle-lateral')
"""

from __future__ import annotations

import functools
from dataclasses import replace
from pathlib import Path
from typing import Any

import shapely
from shapely import affinity
from shapely.geometry import MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from planner.bodymaps.svg_reading import parse
from planner.bodymaps.view import BodyMapError, Region, View, view_of
from planner.core.memo import ready_for_all

__all__ = [
    "BODYMAP_DIR",
    "SIDES",
    "get_region",
    "get_view",
    "parse_view",
    "view_ids",
    "views",
]

BODYMAP_DIR = Path(__file__).resolve().parent
SIDES = ("left", "right")


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
    return _ready(parse(source, view_id or "", "<svg text>"))


@functools.cache
def _load_file(path: Path) -> View:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BodyMapError(f"The body map file '{path.name}' cannot be read: {exc}.") from exc
    return _ready(parse(text, path.stem, path.name))


def _ready(view: View) -> View:
    """The view, every geometry of it ready for tests of any kind from any thread
    (memo.ready_for_all)."""
    for geometry in view.geometries():
        ready_for_all(geometry)
    return view


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
    view = replace(
        base,
        side=side,
        outline=geom(base.outline),
        earlier_outlines={version: geom(g) for version, g in base.earlier_outlines.items()},
        regions=regions,
        guides=guides,
        decor=tuple(geom(d) for d in base.decor),
        # The mirror image puts what the right limb shows on the left at the right.
        edges={({"left": "right", "right": "left"}.get(edge, edge) if mirror else edge): word
               for edge, word in base.edges.items()},
        captions=tuple(replace(c, x=width - c.x, anchor={"start": "end", "end": "start"}.get(
            c.anchor, c.anchor)) for c in base.captions) if mirror else base.captions,
        # A part's axis mirrored with its drawing: the lateral inset of a left elbow still
        # shows its lateral aspect, its forearm now pointing the other way.
        parts=tuple(replace(part, area=geom(part.area), axis=(
            (width - start[0], start[1]), (width - joint[0], joint[1]), (width - end[0], end[1])))
            for part in base.parts for start, joint, end in [part.axis]) if mirror
        else base.parts,
    )
    # The right limb's view holds the drawing's own geometries, ready already; the left's
    # mirror images are readied before anyone sees them.
    return _ready(view) if mirror else view
