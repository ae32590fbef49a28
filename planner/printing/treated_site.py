"""The treated site in words on the printouts: on a view of one limb the limb with its side
("right knee", planner.wording.site_name); on the face, the trunk or the whole body the atlas's
names of the regions the plan's areas lie in ("right cheek, left cheek"), not the view's
("face, frontal view"), which says where the drawing looks from rather than what is treated."""

from __future__ import annotations

from collections.abc import Callable

from shapely.geometry.base import BaseGeometry

from planner import wording
from planner.bodymaps.view import Region, View
from planner.core.compute import AreaResult, Result

MOST_NAMES = 4  # then "and 2 more": the heading stays one line on the sheet
SHARED = 0.25  # a region holding this share of the area's main region's part is named too


def treated_site(result: Result, view: View | None, language: str,
                 _: Callable[[str], str], area: int | None = None) -> str | None:
    """The site as a clinician names it (of the area numbered ``area`` only, for its stencil's
    pages), or None where the drawing has no body map or no area lies in a region of it."""
    if view is None:
        return None
    if view.single_limb:
        return wording.site_name(view.id, view.side, _)
    names: list[str] = []
    for res in result.areas:
        if area is not None and res.index != area:
            continue
        for region in _regions_of(res, view):
            name = region.label.get(language, region.label["en"])
            if len(name) > 1 and name[1].islower():  # in the sentence: "right cheek"
                name = name[0].lower() + name[1:]
            if name not in names:
                names.append(name)
    if not names:
        return None
    shown = ", ".join(names[:MOST_NAMES])
    if len(names) > MOST_NAMES:
        shown = _("%(names)s and %(more)s more") % {"names": shown,
                                                    "more": len(names) - MOST_NAMES}
    return shown


def _regions_of(res: AreaResult, view: View) -> list[Region]:
    """The treatment region an area was taken from; else those it covers a good part of, most
    first (a polygon drawn over both buttocks is on the left and the right buttock)."""
    treatment = [r for r in view.regions if r.kind == "treatment"]
    if res.area.region:
        taken = [r for r in treatment if r.id == res.area.region]
        if taken:
            return taken
    shape: BaseGeometry = res.shape.surface
    if shape.is_empty and res.shape.line is not None:
        shape = res.shape.line
    if shape.is_empty:
        return []

    def share(region: Region) -> float:
        common = region.geometry.intersection(shape)
        return float(common.area if shape.area > 0 else common.length)

    shares = sorted(((share(r), k) for k, r in enumerate(treatment)), reverse=True)
    if not shares or shares[0][0] <= 0:
        return []
    return [treatment[k] for got, k in shares if got >= SHARED * shares[0][0]]
