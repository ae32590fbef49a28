"""Writing a Plan as a plan file (``mesoplanner.plan/1``), every default written out.

>>> from decimal import Decimal
>>> from planner.core.plan import Area, Plan
>>> from planner.core.plan_reader import loads
>>> plan = Plan(areas=(Area("knee", "square", 20.0, Decimal("0.10"), 2.0, "intradermal",
...                         polygon=((0, 0), (60, 0), (60, 40))),))
>>> loads(dumps(plan)) == plan
True
"""

from __future__ import annotations

import json
from typing import Any

from planner.core.plan import FORMAT, Area, Component, ManualPoint, Override, Plan


def dump(plan: Plan) -> dict[str, Any]:
    """The plan as a ``mesoplanner.plan/1`` document, every default written out.

    >>> from planner.core.plan_reader import from_dict
    >>> from_dict(dump(Plan(areas=()))) == Plan(areas=())
    True
    """
    doc: dict[str, Any] = {"format": FORMAT, "treatment": plan.treatment}
    if plan.bodymap is not None:
        doc["bodymap"] = plan.bodymap
    if plan.bodymap_version is not None:
        doc["bodymap_version"] = plan.bodymap_version
    if plan.photo is not None:
        doc["photo"] = plan.photo
    if plan.side is not None:
        doc["side"] = plan.side
    if plan.weight_kg is not None:
        doc["patient"] = {"weight_kg": plan.weight_kg}
    doc["syringe_ml"] = str(plan.syringe_ml)
    doc["mixtures"] = {
        m.name: {"components": [_dump_component(c) for c in m.components]}
        for m in plan.mixtures.values()
    }
    doc["areas"] = [_dump_area(a) for a in plan.areas]
    doc["points"] = [_dump_point(p) for p in plan.points]
    return doc


def dumps(plan: Plan) -> str:
    """The plan file's text, indented."""
    return json.dumps(dump(plan), indent=2, ensure_ascii=False) + "\n"


def _dump_component(c: Component) -> dict[str, Any]:
    out: dict[str, Any] = {"name": c.name, "volume_ml": str(c.volume_ml)}
    if c.drug is not None:
        out["drug"] = c.drug
    if c.mg_per_ml is not None:
        out["mg_per_ml"] = str(c.mg_per_ml)
    return out


def _dump_area(a: Area) -> dict[str, Any]:
    out: dict[str, Any] = {"label": a.label, "pattern": a.pattern}
    if a.region is not None:
        out["region"] = a.region
    if a.polygon is not None:
        out["polygon"] = [list(p) for p in a.polygon]
    if a.exclude:
        out["exclude"] = [[list(p) for p in ring] for ring in a.exclude]
    if a.line is not None:
        out["line"] = a.line if isinstance(a.line, str) else [list(p) for p in a.line]
    out.update({
        "spacing_mm": a.spacing_mm, "angle_deg": a.angle_deg, "margin_mm": a.margin_mm,
        "volume_ml": str(a.volume_ml), "depth_mm": a.depth_mm, "technique": a.technique,
    })
    if a.mixture is not None:
        out["mixture"] = a.mixture
    if a.overrides:
        out["overrides"] = [_dump_override(o) for o in a.overrides]
    return out


def _dump_override(o: Override) -> dict[str, Any]:
    out: dict[str, Any] = {"x": o.x, "y": o.y}
    if o.volume_ml is not None:
        out["volume_ml"] = str(o.volume_ml)
    if o.skip:
        out["skip"] = True
    return out


def _dump_point(p: ManualPoint) -> dict[str, Any]:
    out: dict[str, Any] = {"x": p.x, "y": p.y, "volume_ml": str(p.volume_ml),
                           "depth_mm": p.depth_mm, "technique": p.technique}
    if p.mixture is not None:
        out["mixture"] = p.mixture
    if p.label is not None:
        out["label"] = p.label
    return out
