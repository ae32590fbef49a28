"""Reading a plan file (``mesoplanner.plan/1``): its text, checked field by field, as a Plan.

The format is described in ``shared/PLAN-FORMAT.md``. Every reader is registered by its format
string in ``READERS``, so that a future ``mesoplanner.plan/2`` can still read version 1 files.

>>> plan = loads('''{"format": "mesoplanner.plan/1",
...   "areas": [{"label": "knee", "polygon": [[0, 0], [60, 0], [60, 40], [0, 40]],
...              "spacing_mm": 20, "volume_ml": 0.1}]}''')
>>> plan.areas[0].spacing_mm, plan.areas[0].volume_ml, plan.treatment
(20.0, Decimal('0.10'), 'antalgic')
>>> loads('{"format": "mesoplanner.plan/1", "areas": [], "colour": 1}')
Traceback (most recent call last):
...
planner.core.messages.PlanError: colour: unknown key (allowed: areas, bodymap, ...)
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from planner.core import clinical, drugs
from planner.core.json_text import decode
from planner.core.messages import N_, Message, Number, Param, PlanError
from planner.core.plan import (
    FORMAT,
    PATTERNS,
    SIDES,
    Area,
    Component,
    ManualPoint,
    Mixture,
    Override,
    Plan,
    Ring,
)
from planner.core.plan_fields import (
    check_keys,
    describe,
    read_choice,
    read_coordinate,
    read_decimal,
    read_identifier,
    read_list,
    read_number,
    read_object,
    read_ring,
    read_text,
    read_volume,
)

MAX_FILE_BYTES = 5 * 1024 * 1024  # [our default]: a plan file is a few kB; refuse anything huge


def loads(text: str | bytes) -> Plan:
    """Parse and validate a plan file's text; raise PlanError naming the field."""
    if len(text) > MAX_FILE_BYTES:
        raise PlanError("plan", N_("the file is larger than %(mb)s MB"),
                        mb=MAX_FILE_BYTES // (1024 * 1024))
    try:
        data = decode(text)
    except json.JSONDecodeError as exc:
        raise PlanError("plan", N_("not valid JSON: %(problem)s (line %(line)s, column "
                                   "%(column)s)"),
                        problem=exc.msg, line=exc.lineno, column=exc.colno) from None
    except UnicodeDecodeError:
        raise PlanError("plan", N_("not valid JSON: the file is not UTF-8 text")) from None
    except RecursionError:
        raise PlanError("plan", N_("not valid JSON: nested too deeply")) from None
    except ValueError as exc:  # e.g. an integer of more than 4,300 digits
        raise PlanError("plan", N_("not valid JSON: %(problem)s"), problem=str(exc)) from None
    return from_dict(data)


def from_dict(data: object) -> Plan:
    """Validate a decoded plan document of any known format version."""
    obj = read_object(data, "plan")
    fmt = obj.get("format")
    if fmt is None:
        raise PlanError("format", N_('required ("%(format)s")'), format=FORMAT)
    reader = READERS.get(fmt) if isinstance(fmt, str) else None
    if reader is None:
        known = ", ".join(sorted(READERS))
        raise PlanError("format", N_("unsupported plan format %(got)s (this version reads "
                                     "%(known)s)"), got=describe(fmt), known=known)
    return reader(obj)


# --- version 1 -------------------------------------------------------------------------------

_TOP_KEYS = {
    "format", "bodymap", "bodymap_version", "photo", "side", "treatment", "patient", "mixtures",
    "areas", "points", "syringe_ml",
}
_AREA_KEYS = {
    "label", "region", "polygon", "exclude", "pattern", "line", "spacing_mm", "angle_deg",
    "margin_mm", "volume_ml", "mixture", "depth_mm", "technique", "overrides",
}
_POINT_KEYS = {"x", "y", "volume_ml", "mixture", "label", "depth_mm", "technique"}
_COMPONENT_KEYS = {"name", "drug", "mg_per_ml", "volume_ml"}


def _read_v1(obj: dict[str, Any]) -> Plan:
    check_keys(obj, "", _TOP_KEYS)
    treatment = read_choice(obj.get("treatment", clinical.DEFAULT_TREATMENT), "treatment",
                        tuple(clinical.TREATMENTS))
    defaults = clinical.TREATMENTS[treatment]
    bodymap = None
    if "bodymap" in obj:
        bodymap = read_identifier(obj["bodymap"], "bodymap")
    side = read_choice(obj["side"], "side", SIDES) if "side" in obj else None
    bodymap_version = None
    if "bodymap_version" in obj:
        raw = obj["bodymap_version"]
        if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= 10_000:
            raise PlanError("bodymap_version", N_("must be a whole number from 1 (got "
                                                  "%(got)s)"), got=describe(raw))
        bodymap_version = raw
    photo = _photo(obj, bodymap)
    weight_kg = None
    if "patient" in obj:
        patient = read_object(obj["patient"], "patient")
        check_keys(patient, "patient", {"weight_kg"})
        if "weight_kg" in patient:
            weight_kg = read_number(patient["weight_kg"], "patient.weight_kg",
                                clinical.WEIGHT_RANGE_KG, "kg")
    mixtures = _mixtures(obj.get("mixtures", {}))
    default_mixture = next(iter(mixtures)) if len(mixtures) == 1 else None
    if "areas" not in obj:
        raise PlanError("areas", N_("required (a list of areas, may be empty)"))
    # Counted before anything is read or computed, so that a plan far over the point limit is
    # refused at once: every manual point is a point, and every area with a surface gets one.
    area_items = read_list(obj["areas"], "areas")
    point_items = read_list(obj.get("points", []), "points")
    limit = clinical.MAX_POINTS_PER_PLAN
    if len(point_items) > limit:
        raise PlanError("points", N_("has %(count)s points, above the limit of %(limit)s per "
                                     "plan"),
                        count=Number(len(point_items), ","), limit=Number(limit, ","))
    if len(area_items) > limit:
        raise PlanError("areas", N_("has %(count)s areas, more than the limit of %(limit)s "
                                    "points per plan allows"),
                        count=Number(len(area_items), ","), limit=Number(limit, ","))
    areas = tuple(
        _area(a, f"areas[{i}]", defaults, mixtures, default_mixture)
        for i, a in enumerate(area_items)
    )
    points = tuple(
        _manual_point(p, f"points[{i}]", defaults, mixtures, default_mixture)
        for i, p in enumerate(point_items)
    )
    syringe_ml = clinical.DEFAULT_SYRINGE_ML
    if "syringe_ml" in obj:
        syringe_ml = read_volume(obj["syringe_ml"], "syringe_ml", clinical.SYRINGE_RANGE_ML)
    return Plan(areas=areas, treatment=treatment, bodymap=bodymap, side=side,
                weight_kg=weight_kg, mixtures=mixtures, points=points, syringe_ml=syringe_ml,
                bodymap_version=bodymap_version, photo=photo)


def _photo(obj: dict[str, Any], bodymap: str | None) -> int | None:
    """The photo the plan is drawn on (its number), if any: never with a body map."""
    if "photo" not in obj:
        return None
    raw = obj["photo"]
    if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= 2 ** 53:
        raise PlanError("photo", N_("must be a photo's number, a whole number from 1 (got "
                                    "%(got)s)"), got=describe(raw))
    if bodymap is not None:
        raise PlanError("photo", N_("a plan is drawn on a body map or on a photo, not both"))
    return raw


def _mixtures(value: object) -> dict[str, Mixture]:
    obj = read_object(value, "mixtures")
    out: dict[str, Mixture] = {}
    for name, spec in obj.items():
        where = f"mixtures.{name}"
        if not name.strip() or len(name) > 40:
            raise PlanError(where, N_("a mixture name has 1 to 40 characters"))
        mix = read_object(spec, where)
        check_keys(mix, where, {"components"})
        if "components" not in mix:
            raise PlanError(f"{where}.components", N_("required (a list of components)"))
        items = read_list(mix["components"], f"{where}.components")
        if not items:
            raise PlanError(f"{where}.components", N_("needs at least one component"))
        comps = tuple(_component(c, f"{where}.components[{i}]") for i, c in enumerate(items))
        out[name] = Mixture(name, comps)
    return out


def _component(value: object, where: str) -> Component:
    obj = read_object(value, where)
    check_keys(obj, where, _COMPONENT_KEYS)
    if "name" not in obj:
        raise PlanError(f"{where}.name", N_("required"))
    name = read_text(obj["name"], f"{where}.name")
    if not name.strip():
        raise PlanError(f"{where}.name", N_("required (the component's name, as on the vial)"))
    if "volume_ml" not in obj:
        raise PlanError(f"{where}.volume_ml", N_("required"))
    volume = read_volume(obj["volume_ml"], f"{where}.volume_ml", (Decimal("0.01"), Decimal("1000")))
    drug = None
    if "drug" in obj and obj["drug"] is not None:
        # An ATC code or a name in any language: a drug the catalogue knows is written by its
        # catalogue id; any other text is kept as given (the dose checks warn about it).
        raw = read_text(obj["drug"], f"{where}.drug", 100).strip()
        found = drugs.identify(raw, "") if raw else None
        drug = found.drug.id if found is not None and found.drug is not None else (raw or None)
    mg_per_ml = None
    if "mg_per_ml" in obj and obj["mg_per_ml"] is not None:
        mg_per_ml = read_decimal(obj["mg_per_ml"], f"{where}.mg_per_ml")
        low, high = clinical.CONCENTRATION_RANGE_MG_PER_ML
        if not low <= mg_per_ml <= high:
            raise PlanError(f"{where}.mg_per_ml", N_("must be between %(lo)s and %(hi)s mg/mL "
                                                     "(got %(got)s)"),
                            lo=low, hi=high, got=describe(mg_per_ml))
    known = drugs.by_id(drug) if drug is not None else None
    if known is not None and known.limit is not None and mg_per_ml is None:
        raise PlanError(f"{where}.mg_per_ml", N_("required for a local anaesthetic (%(drug)s), "
                                                 "so its dose can be checked (a 2%% solution is "
                                                 "20)"),
                        drug=known.label)
    return Component(name=name, volume_ml=volume, drug=drug, mg_per_ml=mg_per_ml)


def _area(value: object, where: str, defaults: clinical.Treatment,
          mixtures: Mapping[str, Mixture], default_mixture: str | None) -> Area:
    obj = read_object(value, where)
    check_keys(obj, where, _AREA_KEYS)
    pattern = read_choice(obj.get("pattern", defaults.pattern), f"{where}.pattern", PATTERNS)
    region = read_identifier(obj["region"], f"{where}.region") if "region" in obj else None
    polygon = read_ring(obj["polygon"], f"{where}.polygon", 3) if "polygon" in obj else None
    line: Ring | str | None = None
    if "line" in obj:
        raw = obj["line"]
        line = (read_identifier(raw, f"{where}.line") if isinstance(raw, str)
                else read_ring(raw, f"{where}.line", 2))
    if pattern == "line" and line is None:
        raise PlanError(f"{where}.line", N_("required with pattern 'line' (a list of [x, y] in "
                                            "mm, or a guide id from the body map)"))
    if region is None and polygon is None and not (pattern == "line" and line is not None):
        raise PlanError(where, N_("give a region, a polygon, or both"))
    exclude = tuple(
        read_ring(e, f"{where}.exclude[{i}]", 3)
        for i, e in enumerate(read_list(obj.get("exclude", []), f"{where}.exclude"))
    )
    spacing = defaults.spacing_mm
    if "spacing_mm" in obj:
        spacing = read_number(obj["spacing_mm"], f"{where}.spacing_mm", clinical.SPACING_RANGE_MM,
                          "mm")
    angle = read_number(obj.get("angle_deg", 0), f"{where}.angle_deg", clinical.ANGLE_RANGE_DEG,
                        "degrees")
    margin = read_number(obj.get("margin_mm", 0), f"{where}.margin_mm", clinical.MARGIN_RANGE_MM,
                     "mm")
    volume_range = clinical.AREA_VOLUME_RANGE_ML if pattern == "area" else \
        clinical.POINT_VOLUME_RANGE_ML
    volume = defaults.volume_ml
    if "volume_ml" in obj:
        volume = read_volume(obj["volume_ml"], f"{where}.volume_ml", volume_range)
    depth = defaults.depth_mm
    if "depth_mm" in obj:
        depth = read_number(obj["depth_mm"], f"{where}.depth_mm", clinical.DEPTH_RANGE_MM, "mm")
    technique = read_choice(obj.get("technique", defaults.technique), f"{where}.technique",
                        tuple(clinical.DEPTH_LIMITS))
    mixture = _mixture_ref(obj, where, mixtures, default_mixture)
    overrides = tuple(
        _override(o, f"{where}.overrides[{i}]")
        for i, o in enumerate(read_list(obj.get("overrides", []), f"{where}.overrides"))
    )
    label = read_text(obj["label"], f"{where}.label") if "label" in obj else \
        (region or f"area {int(where.removeprefix('areas[').rstrip(']')) + 1}")  # as numbered
    return Area(label=label, pattern=pattern, spacing_mm=spacing, volume_ml=volume,
                depth_mm=depth, technique=technique, region=region, polygon=polygon,
                exclude=exclude, line=line, angle_deg=angle, margin_mm=margin, mixture=mixture,
                overrides=overrides)


def _override(value: object, where: str) -> Override:
    obj = read_object(value, where)
    check_keys(obj, where, {"x", "y", "volume_ml", "skip"})
    for key in ("x", "y"):
        if key not in obj:
            raise PlanError(f"{where}.{key}", N_("required (the point's position in mm)"))
    x = read_coordinate(obj["x"], f"{where}.x")
    y = read_coordinate(obj["y"], f"{where}.y")
    skip = obj.get("skip", False)
    if not isinstance(skip, bool):
        raise PlanError(f"{where}.skip", N_("must be true or false (got %(got)s)"),
                        got=describe(skip))
    volume = None
    if "volume_ml" in obj:
        volume = read_volume(obj["volume_ml"], f"{where}.volume_ml", clinical.POINT_VOLUME_RANGE_ML)
    if volume is None and not skip:
        raise PlanError(where, N_("give volume_ml or skip: true"))
    return Override(x=x, y=y, volume_ml=volume, skip=skip)


def _manual_point(value: object, where: str, defaults: clinical.Treatment,
                  mixtures: Mapping[str, Mixture], default_mixture: str | None) -> ManualPoint:
    obj = read_object(value, where)
    check_keys(obj, where, _POINT_KEYS)
    for key in ("x", "y"):
        if key not in obj:
            raise PlanError(f"{where}.{key}", N_("required (the point's position in mm)"))
    volume = defaults.volume_ml
    if "volume_ml" in obj:
        volume = read_volume(obj["volume_ml"], f"{where}.volume_ml", clinical.POINT_VOLUME_RANGE_ML)
    depth = defaults.depth_mm
    if "depth_mm" in obj:
        depth = read_number(obj["depth_mm"], f"{where}.depth_mm", clinical.DEPTH_RANGE_MM, "mm")
    technique = read_choice(obj.get("technique", defaults.technique), f"{where}.technique",
                        tuple(clinical.DEPTH_LIMITS))
    return ManualPoint(
        x=read_coordinate(obj["x"], f"{where}.x"), y=read_coordinate(obj["y"], f"{where}.y"),
        volume_ml=volume, depth_mm=depth, technique=technique,
        mixture=_mixture_ref(obj, where, mixtures, default_mixture),
        label=read_text(obj["label"], f"{where}.label") if "label" in obj else None,
    )


def _mixture_ref(obj: Mapping[str, Any], where: str, mixtures: Mapping[str, Mixture],
                 default_mixture: str | None) -> str | None:
    if "mixture" not in obj or obj["mixture"] is None:
        return default_mixture
    name = read_text(obj["mixture"], f"{where}.mixture")
    if name not in mixtures:
        known: Param = ", ".join(sorted(mixtures)) or Message(N_("none"))
        raise PlanError(f"{where}.mixture", N_("unknown mixture %(name)s (defined: %(known)s)"),
                        name=repr(name), known=known)
    return name


READERS: dict[str, Callable[[dict[str, Any]], Plan]] = {FORMAT: _read_v1}
