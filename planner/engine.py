"""Runs a plan through the clinical core on its body map: the one place the two meet.

The core knows no atlas; this module looks the plan's view up in ``planner.bodymaps.atlas`` and
hands the core plain shapes in millimetres.
"""

from __future__ import annotations

import threading
from dataclasses import replace

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from planner.bodymaps import atlas
from planner.bodymaps.view import BodyMapError, Region, View, view_of
from planner.core.compute import Result, compute
from planner.core.geometry import MapShapes
from planner.core.memo import Recent, ready_for_all
from planner.core.messages import N_, Message, PlanError, PlanWarning, by_severity
from planner.core.plan import Plan


def view_id_of(plan: Plan) -> tuple[str, str] | None:
    """The plan's body-map view and the field it comes from: ``bodymap``, or the view of the
    first region or guide line."""
    if plan.bodymap is not None:
        return plan.bodymap, "bodymap"
    for i, area in enumerate(plan.areas):
        refs = ((area.region, "region"), (area.line if isinstance(area.line, str) else None,
                                          "line"))
        for ref, key in refs:
            if ref is not None and "/" in ref:
                return view_of(ref), f"areas[{i}].{key}"
    return None


def load_view(plan: Plan) -> tuple[View | None, list[PlanWarning]]:
    """The (mirrored when needed) view a plan is drawn on, with a warning for a missing side."""
    found = view_id_of(plan)
    if found is None:
        return None, []
    view_id, field = found
    notes: list[PlanWarning] = []
    side = plan.side
    if view_id not in atlas.view_ids():
        raise PlanError(field, N_("There is no body map called '%(view)s'. Available maps: "
                                  "%(known)s. (see 'mesoplanner bodymaps')"),
                        view=view_id, known=", ".join(atlas.view_ids()) or Message(N_("none")))
    try:
        plain = atlas.get_view(view_id)
    except BodyMapError as exc:  # a view that cannot be read: the atlas says why
        raise PlanError(field, N_("%(problem)s (see 'mesoplanner bodymaps')"),
                        problem=str(exc)) from None
    if plain.single_limb:
        if side in (None, "none"):
            side = "right"
            notes.append(PlanWarning("side-missing", "medium", Message(
                N_("side: not given; %(view)s is a single-limb view and was taken as the "
                   "patient's RIGHT side: check it"), view=view_id)))
        elif side == "bilateral":
            raise PlanError("side", N_("%(view)s shows one limb: plan each side as left or "
                                       "right"), view=view_id)
    view = atlas.get_view(view_id, side if plain.single_limb else None)
    # A plan saved on an earlier version whose regions are still drawn as they were (only the
    # silhouette or decor was redrawn) is clipped to that version's outline (shapes_of): the
    # same points, nothing to check.
    if plan.bodymap_version is not None and not view.same_regions(plan.bodymap_version):
        notes.append(PlanWarning("bodymap-version", "medium", Message(
            N_("bodymap_version: this plan was drawn on version %(old)s of %(view)s, which is "
               "now version %(new)s: check that the areas still lie where they were meant"),
            old=plan.bodymap_version, view=view_id, new=view.version)))
    return view, notes


def shapes_of(view: View, plan: Plan) -> MapShapes:
    """The plain shapes the core needs from a view, checking the plan's region ids; the
    outline is that of the version the plan was saved on (View.outline_for), so that a saved
    plan reopens with the same points after the silhouette is redrawn."""
    regions, no_go_ids = _REGION_IDS.get((id(view),), (view,), lambda: (
        {r.id: r.geometry for r in view.regions if r.kind != "no-go"},
        frozenset(r.id for r in view.regions if r.kind == "no-go")))
    for i, area in enumerate(plan.areas):
        if area.region in no_go_ids:
            raise PlanError(f"areas[{i}].region", N_("%(region)s is a no-go zone: no points may "
                                                     "be placed there"), region=repr(area.region))
        if area.region is not None and area.region not in regions:
            owner = area.region.split("/", 1)[0]
            if owner != view.id and "/" in area.region:
                raise PlanError(f"areas[{i}].region", N_("%(region)s belongs to view %(owner)s, "
                                                         "not to %(view)s"),
                                region=repr(area.region), owner=repr(owner), view=repr(view.id))
            raise PlanError(f"areas[{i}].region", N_("unknown region %(region)s in %(view)s (see "
                                                     "'mesoplanner bodymaps')"),
                            region=repr(area.region), view=view.id)
    outline = view.outline_for(plan.bodymap_version)
    return _KEPT.get((id(view), id(outline)), (view, outline),
                     lambda: _readied(_map_shapes(view, outline, regions)))


# The map shapes of a view and outline, kept (planner.core.memo): one object for every plan on
# them, so that the areas the core keeps for that object are found again, and the no-go zones'
# union and the zones by name are made once.
_KEPT: Recent[MapShapes] = Recent(64)
# A view's regions by id and its no-go ids, made once per view (not at every slider move).
_REGION_IDS: Recent[tuple[dict[str, BaseGeometry], frozenset[str]]] = Recent(64)
# Held while the geometries of a view that did not come ready are readied (_readied).
_READYING = threading.Lock()


def _map_shapes(view: View, outline: BaseGeometry, regions: dict[str, BaseGeometry]
                ) -> MapShapes:
    no_go = tuple(r for r in view.regions if r.kind == "no-go")
    union = view.no_go()
    return MapShapes(
        outline=outline,
        # Made here for these shapes alone: readied with them (_readied) before any thread
        # sees them, as geometry.covers_xy's first point test would prepare it in place.
        no_go=union,
        regions=regions,
        guides={g.id: g.geometry for g in view.guides},
        warning_zones=_by_name(view.warning_regions()),
        no_go_zones=_by_name(no_go),
        zone_labels={r.label["en"]: r.label for r in (*view.warning_regions(), *no_go)},
    )


def _by_name(regions: tuple[Region, ...]) -> dict[str, BaseGeometry]:
    """Zones by their English name (the name the warnings give); two regions with one name are
    one zone, so that neither is lost (their union is made here, readied with the rest by
    _readied)."""
    groups: dict[str, list[BaseGeometry]] = {}
    for r in regions:
        groups.setdefault(r.label["en"], []).append(r.geometry)
    return {name: parts[0] if len(parts) == 1
            else shapely.union_all(parts)
            for name, parts in groups.items()}


def _readied(shapes: MapShapes) -> MapShapes:
    """The shapes, every geometry of them ready for tests from any thread before they are
    kept and shared (memo.ready_for_all, as the atlas readies a view's). The atlas's views
    come ready: nothing is left to do for them. A view built or altered by hand (a test's, a
    tool's) may already be in other threads' hands: its geometries are readied one thread at
    a time, and looked at under the same lock (a geometry is marked prepared before its
    indexes are built)."""
    held = (shapes.outline, shapes.no_go, *shapes.regions.values(), *shapes.guides.values(),
            *shapes.warning_zones.values(), *shapes.no_go_zones.values())
    with _READYING:
        for geometry in held:
            if geometry is not None and not shapely.is_prepared(geometry):
                ready_for_all(geometry)
    return shapes


def _on_current_version(result: Result, view: View) -> Result:
    """A plan computed on an earlier version's outline, whose regions are still those drawn
    now, moves to the current version when the current outline gives it exactly the same
    points, areas and warnings (saving it then records the current version); otherwise it keeps
    its version, and so its points. A plan whose regions have moved since keeps its version
    and its warning."""
    plan = result.plan
    if (view.outline_for(plan.bodymap_version) is view.outline
            or not view.same_regions(plan.bodymap_version)):
        return result
    current = replace(plan, bodymap_version=view.version)
    try:
        again = compute(current, shapes_of(view, current))
    except PlanError:  # e.g. more points than allowed on the new outline: keep the version
        return result
    same = (np.array_equal(again.xy, result.xy) and np.array_equal(again.area_of, result.area_of)
            and {**again.as_dict(), "bodymap_version": plan.bodymap_version}
            == result.as_dict())
    return again if same else result


def run(plan: Plan) -> tuple[Result, View | None]:
    """Compute a plan on its body map (or on plain paper when it names none)."""
    view, notes = load_view(plan)
    if view is None:
        return compute(plan), None
    if plan.side != view.side and view.single_limb:
        plan = replace(plan, side=view.side)
    if plan.bodymap is None or plan.bodymap_version is None:
        # Record what the plan is drawn on, so that a saved copy keeps it.
        plan = replace(plan, bodymap=view.id, bodymap_version=plan.bodymap_version or view.version)
    result = _on_current_version(compute(plan, shapes_of(view, plan)), view)
    if notes:
        result = replace(result, warnings=by_severity((*notes, *result.warnings)))
    return result, view


__all__ = ["load_view", "run", "shapes_of", "view_id_of"]
