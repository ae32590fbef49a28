"""Areas named in the reader's language: an area made from a region of the atlas is saved with
the region's name in the language of the clinician who made it ("Compartimento mediale"); a
colleague reading in Spanish or English sees the region's name in theirs, unless the clinician
renamed the area (its name is then theirs, shown as written). The plan file keeps the name as
saved; only what is shown changes (the editor's panel, the sheet, the stencil, the handout).
"""

from __future__ import annotations

import dataclasses

from planner.bodymaps.view import View
from planner.core.compute import Result


def in_readers_language(result: Result, view: View | None, language: str) -> Result:
    """``result`` with each area taken from a region and not renamed named as ``language``
    names the region."""
    if view is None:
        return result
    regions = {r.id: r for r in view.regions}
    names = []
    for area in result.plan.areas:
        region = regions.get(area.region or "")
        unrenamed = region is not None and area.label in (*region.label.values(), region.id)
        names.append(region.label.get(language, region.label["en"]) if region is not None
                     and unrenamed else area.label)
    if names == [a.label for a in result.plan.areas]:
        return result
    areas = tuple(dataclasses.replace(a, label=name)
                  for a, name in zip(result.plan.areas, names, strict=True))
    plan = dataclasses.replace(result.plan, areas=areas)
    return dataclasses.replace(result, plan=plan, areas=tuple(
        dataclasses.replace(res, area=areas[res.index]) for res in result.areas))
