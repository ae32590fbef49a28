"""The Plan value object and the plan file (``mesoplanner.plan/1``): load, validate, dump.

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
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from planner.core import clinical, drugs
from planner.core.messages import N_, Message, Number, Param, PlanError

FORMAT = "mesoplanner.plan/1"
PATTERNS = ("square", "staggered", "line", "area")
SIDES = ("left", "right", "bilateral", "none")
MAX_FILE_BYTES = 5 * 1024 * 1024  # [our default]: a plan file is a few kB; refuse anything huge

Point = tuple[float, float]
Ring = tuple[Point, ...]


@dataclass(frozen=True)
class Component:
    """One ingredient of a mixture: ``volume_ml`` of it goes into one batch of the mixture."""

    name: str
    volume_ml: Decimal
    drug: str | None = None
    mg_per_ml: Decimal | None = None


@dataclass(frozen=True)
class Mixture:
    """A recipe of components; one batch of it is ``total_ml``."""

    name: str
    components: tuple[Component, ...]

    @property
    def total_ml(self) -> Decimal:
        """Volume of one batch of the recipe, in mL."""
        return sum((c.volume_ml for c in self.components), Decimal("0"))


@dataclass(frozen=True)
class Override:
    """A change to the generated point nearest to (x, y): another volume, or skipped."""

    x: float
    y: float
    volume_ml: Decimal | None = None
    skip: bool = False


@dataclass(frozen=True)
class Area:
    """One marked area and how to fill it with points."""

    label: str
    pattern: str
    spacing_mm: float
    volume_ml: Decimal
    depth_mm: float
    technique: str
    region: str | None = None
    polygon: Ring | None = None
    exclude: tuple[Ring, ...] = ()
    line: Ring | str | None = None
    angle_deg: float = 0.0
    margin_mm: float = 0.0
    mixture: str | None = None
    overrides: tuple[Override, ...] = ()


@dataclass(frozen=True)
class ManualPoint:
    """A single point placed by hand (a trigger point), numbered after the areas."""

    x: float
    y: float
    volume_ml: Decimal
    depth_mm: float
    technique: str
    mixture: str | None = None
    label: str | None = None


@dataclass(frozen=True)
class Plan:
    """A whole plan, validated: what the clinician marked, with every default filled in."""

    areas: tuple[Area, ...]
    treatment: str = clinical.DEFAULT_TREATMENT
    bodymap: str | None = None
    side: str | None = None
    weight_kg: float | None = None
    mixtures: Mapping[str, Mixture] = field(default_factory=dict)
    points: tuple[ManualPoint, ...] = ()
    syringe_ml: Decimal = clinical.DEFAULT_SYRINGE_ML
    # The version of the body-map view the areas were drawn on, so a later redrawing of the
    # view can be noticed (positions are mm on that version of the drawing).
    bodymap_version: int | None = None


class _NonFinite:
    """Stands for NaN or Infinity in JSON, so the validator can name the field it was in."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


class _TooLong:
    """Stands for a number with too many digits to be meant, so its field can be named."""

    def __init__(self, text: str) -> None:
        self.digits = len(text)

    def __repr__(self) -> str:
        return f"a number of {self.digits} characters"


def bounded_int(text: str) -> int | _TooLong:
    """An integer of a JSON text, or a stand-in for one too long to be meant (its field is
    then named when the document is checked)."""
    return int(text) if len(text) <= 30 else _TooLong(text)


def _parse_float(text: str) -> Decimal | _TooLong:
    return Decimal(text) if len(text) <= 60 else _TooLong(text)


class JsonObject(dict[str, Any]):
    """A decoded JSON object that remembers a key it had twice, to report it by its path (the
    last value would silently win)."""

    duplicate: str | None = None


def unique_pairs(pairs: list[tuple[str, Any]]) -> JsonObject:
    """``json.loads``'s ``object_pairs_hook`` that keeps the first key given twice."""
    out = JsonObject()
    for key, value in pairs:
        if key in out and out.duplicate is None:
            out.duplicate = key
        out[key] = value
    return out


def loads(text: str | bytes) -> Plan:
    """Parse and validate a plan file's text; raise PlanError naming the field."""
    if len(text) > MAX_FILE_BYTES:
        raise PlanError("plan", N_("the file is larger than %(mb)s MB"),
                        mb=MAX_FILE_BYTES // (1024 * 1024))
    try:
        data = json.loads(
            text,
            parse_float=_parse_float,
            parse_int=bounded_int,
            parse_constant=_NonFinite,
            object_pairs_hook=unique_pairs,
        )
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
    obj = _object(data, "plan")
    fmt = obj.get("format")
    if fmt is None:
        raise PlanError("format", N_('required ("%(format)s")'), format=FORMAT)
    reader = READERS.get(fmt) if isinstance(fmt, str) else None
    if reader is None:
        known = ", ".join(sorted(READERS))
        raise PlanError("format", N_("unsupported plan format %(got)s (this version reads "
                                     "%(known)s)"), got=_describe(fmt), known=known)
    return reader(obj)


# --- version 1 -------------------------------------------------------------------------------

_TOP_KEYS = {
    "format", "bodymap", "bodymap_version", "side", "treatment", "patient", "mixtures", "areas",
    "points", "syringe_ml",
}
_AREA_KEYS = {
    "label", "region", "polygon", "exclude", "pattern", "line", "spacing_mm", "angle_deg",
    "margin_mm", "volume_ml", "mixture", "depth_mm", "technique", "overrides",
}
_POINT_KEYS = {"x", "y", "volume_ml", "mixture", "label", "depth_mm", "technique"}
_COMPONENT_KEYS = {"name", "drug", "mg_per_ml", "volume_ml"}
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*(/[a-z0-9][a-z0-9-]*)?$")


def _read_v1(obj: dict[str, Any]) -> Plan:
    _keys(obj, "", _TOP_KEYS)
    treatment = _choice(obj.get("treatment", clinical.DEFAULT_TREATMENT), "treatment",
                        tuple(clinical.TREATMENTS))
    defaults = clinical.TREATMENTS[treatment]
    bodymap = None
    if "bodymap" in obj:
        bodymap = _identifier(obj["bodymap"], "bodymap")
    side = _choice(obj["side"], "side", SIDES) if "side" in obj else None
    bodymap_version = None
    if "bodymap_version" in obj:
        raw = obj["bodymap_version"]
        if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= 10_000:
            raise PlanError("bodymap_version", N_("must be a whole number from 1 (got "
                                                  "%(got)s)"), got=_describe(raw))
        bodymap_version = raw
    weight_kg = None
    if "patient" in obj:
        patient = _object(obj["patient"], "patient")
        _keys(patient, "patient", {"weight_kg"})
        if "weight_kg" in patient:
            weight_kg = _number(patient["weight_kg"], "patient.weight_kg",
                                clinical.WEIGHT_RANGE_KG, "kg")
    mixtures = _mixtures(obj.get("mixtures", {}))
    default_mixture = next(iter(mixtures)) if len(mixtures) == 1 else None
    if "areas" not in obj:
        raise PlanError("areas", N_("required (a list of areas, may be empty)"))
    # Counted before anything is read or computed, so that a plan far over the point limit is
    # refused at once: every manual point is a point, and every area with a surface gets one.
    area_items = _list(obj["areas"], "areas")
    point_items = _list(obj.get("points", []), "points")
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
        syringe_ml = _volume(obj["syringe_ml"], "syringe_ml", clinical.SYRINGE_RANGE_ML)
    return Plan(areas=areas, treatment=treatment, bodymap=bodymap, side=side,
                weight_kg=weight_kg, mixtures=mixtures, points=points, syringe_ml=syringe_ml,
                bodymap_version=bodymap_version)


def _mixtures(value: object) -> dict[str, Mixture]:
    obj = _object(value, "mixtures")
    out: dict[str, Mixture] = {}
    for name, spec in obj.items():
        where = f"mixtures.{name}"
        if not name.strip() or len(name) > 40:
            raise PlanError(where, N_("a mixture name has 1 to 40 characters"))
        mix = _object(spec, where)
        _keys(mix, where, {"components"})
        if "components" not in mix:
            raise PlanError(f"{where}.components", N_("required (a list of components)"))
        items = _list(mix["components"], f"{where}.components")
        if not items:
            raise PlanError(f"{where}.components", N_("needs at least one component"))
        comps = tuple(_component(c, f"{where}.components[{i}]") for i, c in enumerate(items))
        out[name] = Mixture(name, comps)
    return out


def _component(value: object, where: str) -> Component:
    obj = _object(value, where)
    _keys(obj, where, _COMPONENT_KEYS)
    if "name" not in obj:
        raise PlanError(f"{where}.name", N_("required"))
    name = _text(obj["name"], f"{where}.name")
    if not name.strip():
        raise PlanError(f"{where}.name", N_("required (the component's name, as on the vial)"))
    if "volume_ml" not in obj:
        raise PlanError(f"{where}.volume_ml", N_("required"))
    volume = _volume(obj["volume_ml"], f"{where}.volume_ml", (Decimal("0.01"), Decimal("1000")))
    drug = None
    if "drug" in obj and obj["drug"] is not None:
        # An ATC code or a name in any language: a drug the catalogue knows is written by its
        # catalogue id; any other text is kept as given (the dose checks warn about it).
        raw = _text(obj["drug"], f"{where}.drug", 100).strip()
        found = drugs.identify(raw, "") if raw else None
        drug = found.drug.id if found is not None and found.drug is not None else (raw or None)
    mg_per_ml = None
    if "mg_per_ml" in obj and obj["mg_per_ml"] is not None:
        mg_per_ml = _decimal(obj["mg_per_ml"], f"{where}.mg_per_ml")
        low, high = clinical.CONCENTRATION_RANGE_MG_PER_ML
        if not low <= mg_per_ml <= high:
            raise PlanError(f"{where}.mg_per_ml", N_("must be between %(lo)s and %(hi)s mg/mL "
                                                     "(got %(got)s)"),
                            lo=low, hi=high, got=_describe(mg_per_ml))
    known = drugs.by_id(drug) if drug is not None else None
    if known is not None and known.limit is not None and mg_per_ml is None:
        raise PlanError(f"{where}.mg_per_ml", N_("required for a local anaesthetic (%(drug)s), "
                                                 "so its dose can be checked (a 2%% solution is "
                                                 "20)"),
                        drug=known.label)
    return Component(name=name, volume_ml=volume, drug=drug, mg_per_ml=mg_per_ml)


def _area(value: object, where: str, defaults: clinical.Treatment,
          mixtures: Mapping[str, Mixture], default_mixture: str | None) -> Area:
    obj = _object(value, where)
    _keys(obj, where, _AREA_KEYS)
    pattern = _choice(obj.get("pattern", defaults.pattern), f"{where}.pattern", PATTERNS)
    region = _identifier(obj["region"], f"{where}.region") if "region" in obj else None
    polygon = _ring(obj["polygon"], f"{where}.polygon", 3) if "polygon" in obj else None
    line: Ring | str | None = None
    if "line" in obj:
        raw = obj["line"]
        line = (_identifier(raw, f"{where}.line") if isinstance(raw, str)
                else _ring(raw, f"{where}.line", 2))
    if pattern == "line" and line is None:
        raise PlanError(f"{where}.line", N_("required with pattern 'line' (a list of [x, y] in "
                                            "mm, or a guide id from the body map)"))
    if region is None and polygon is None and not (pattern == "line" and line is not None):
        raise PlanError(where, N_("give a region, a polygon, or both"))
    exclude = tuple(
        _ring(e, f"{where}.exclude[{i}]", 3)
        for i, e in enumerate(_list(obj.get("exclude", []), f"{where}.exclude"))
    )
    spacing = defaults.spacing_mm
    if "spacing_mm" in obj:
        spacing = _number(obj["spacing_mm"], f"{where}.spacing_mm", clinical.SPACING_RANGE_MM,
                          "mm")
    angle = _number(obj.get("angle_deg", 0), f"{where}.angle_deg", (-360.0, 360.0), "degrees")
    margin = _number(obj.get("margin_mm", 0), f"{where}.margin_mm", clinical.MARGIN_RANGE_MM,
                     "mm")
    volume_range = clinical.AREA_VOLUME_RANGE_ML if pattern == "area" else \
        clinical.POINT_VOLUME_RANGE_ML
    volume = defaults.volume_ml
    if "volume_ml" in obj:
        volume = _volume(obj["volume_ml"], f"{where}.volume_ml", volume_range)
    depth = defaults.depth_mm
    if "depth_mm" in obj:
        depth = _number(obj["depth_mm"], f"{where}.depth_mm", clinical.DEPTH_RANGE_MM, "mm")
    technique = _choice(obj.get("technique", defaults.technique), f"{where}.technique",
                        tuple(clinical.DEPTH_LIMITS))
    mixture = _mixture_ref(obj, where, mixtures, default_mixture)
    overrides = tuple(
        _override(o, f"{where}.overrides[{i}]")
        for i, o in enumerate(_list(obj.get("overrides", []), f"{where}.overrides"))
    )
    label = _text(obj["label"], f"{where}.label") if "label" in obj else \
        (region or where.replace("areas[", "area ").rstrip("]"))
    return Area(label=label, pattern=pattern, spacing_mm=spacing, volume_ml=volume,
                depth_mm=depth, technique=technique, region=region, polygon=polygon,
                exclude=exclude, line=line, angle_deg=angle, margin_mm=margin, mixture=mixture,
                overrides=overrides)


def _override(value: object, where: str) -> Override:
    obj = _object(value, where)
    _keys(obj, where, {"x", "y", "volume_ml", "skip"})
    for key in ("x", "y"):
        if key not in obj:
            raise PlanError(f"{where}.{key}", N_("required (the point's position in mm)"))
    x = _coordinate(obj["x"], f"{where}.x")
    y = _coordinate(obj["y"], f"{where}.y")
    skip = obj.get("skip", False)
    if not isinstance(skip, bool):
        raise PlanError(f"{where}.skip", N_("must be true or false (got %(got)s)"),
                        got=_describe(skip))
    volume = None
    if "volume_ml" in obj:
        volume = _volume(obj["volume_ml"], f"{where}.volume_ml", clinical.POINT_VOLUME_RANGE_ML)
    if volume is None and not skip:
        raise PlanError(where, N_("give volume_ml or skip: true"))
    return Override(x=x, y=y, volume_ml=volume, skip=skip)


def _manual_point(value: object, where: str, defaults: clinical.Treatment,
                  mixtures: Mapping[str, Mixture], default_mixture: str | None) -> ManualPoint:
    obj = _object(value, where)
    _keys(obj, where, _POINT_KEYS)
    for key in ("x", "y"):
        if key not in obj:
            raise PlanError(f"{where}.{key}", N_("required (the point's position in mm)"))
    volume = defaults.volume_ml
    if "volume_ml" in obj:
        volume = _volume(obj["volume_ml"], f"{where}.volume_ml", clinical.POINT_VOLUME_RANGE_ML)
    depth = defaults.depth_mm
    if "depth_mm" in obj:
        depth = _number(obj["depth_mm"], f"{where}.depth_mm", clinical.DEPTH_RANGE_MM, "mm")
    technique = _choice(obj.get("technique", defaults.technique), f"{where}.technique",
                        tuple(clinical.DEPTH_LIMITS))
    return ManualPoint(
        x=_coordinate(obj["x"], f"{where}.x"), y=_coordinate(obj["y"], f"{where}.y"),
        volume_ml=volume, depth_mm=depth, technique=technique,
        mixture=_mixture_ref(obj, where, mixtures, default_mixture),
        label=_text(obj["label"], f"{where}.label") if "label" in obj else None,
    )


def _mixture_ref(obj: Mapping[str, Any], where: str, mixtures: Mapping[str, Mixture],
                 default_mixture: str | None) -> str | None:
    if "mixture" not in obj or obj["mixture"] is None:
        return default_mixture
    name = _text(obj["mixture"], f"{where}.mixture")
    if name not in mixtures:
        known: Param = ", ".join(sorted(mixtures)) or Message(N_("none"))
        raise PlanError(f"{where}.mixture", N_("unknown mixture %(name)s (defined: %(known)s)"),
                        name=repr(name), known=known)
    return name


READERS: dict[str, Callable[[dict[str, Any]], Plan]] = {FORMAT: _read_v1}


# --- dump ------------------------------------------------------------------------------------

def dump(plan: Plan) -> dict[str, Any]:
    """The plan as a ``mesoplanner.plan/1`` document, every default written out.

    >>> p = Plan(areas=())
    >>> from_dict(dump(p)) == p
    True
    """
    doc: dict[str, Any] = {"format": FORMAT, "treatment": plan.treatment}
    if plan.bodymap is not None:
        doc["bodymap"] = plan.bodymap
    if plan.bodymap_version is not None:
        doc["bodymap_version"] = plan.bodymap_version
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


# --- field validators ------------------------------------------------------------------------

def _describe(value: object) -> Param:
    """The value the clinician gave, as a message shows it: a number stays a number (so it is
    written the reader's way), anything else its short JSON-like text."""
    if isinstance(value, _TooLong):
        return Message(N_("a number of %(digits)s characters"), digits=value.digits)
    if value is None or isinstance(value, bool):  # as the plan file writes them
        return json.dumps(value)
    try:
        text = repr(value) if not isinstance(value, Decimal) else str(value)
    except ValueError:  # an integer too long to print (Python's 4,300-digit limit)
        return Message(N_("a number with thousands of digits"))
    if len(text) > 40:
        return text[:37] + "..."
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return Number(value)
    return text


def _object(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PlanError(where, N_("must be a JSON object (got %(type)s)"),
                        type=type(value).__name__)
    duplicate = getattr(value, "duplicate", None)
    if duplicate is not None:
        field = duplicate if where == "plan" else f"{where}.{duplicate}"
        raise PlanError(field, N_("appears twice in the same object (a silent overwrite could "
                                  "change the plan)"))
    return value


def _list(value: object, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise PlanError(where, N_("must be a list (got %(type)s)"), type=type(value).__name__)
    return value


def _keys(obj: Mapping[str, Any], where: str, allowed: set[str]) -> None:
    for key in obj:
        if key not in allowed:
            listed = ", ".join(sorted(allowed))
            raise PlanError(f"{where}.{key}" if where else key,
                            N_("unknown key (allowed: %(allowed)s)"), allowed=listed)


def _text(value: object, where: str, max_len: int = 200) -> str:
    if not isinstance(value, str):
        raise PlanError(where, N_("must be text (got %(got)s)"), got=_describe(value))
    if len(value) > max_len:
        raise PlanError(where, N_("must be at most %(max)s characters"), max=max_len)
    return value


def _identifier(value: object, where: str) -> str:
    text = _text(value, where, 100)
    if not _ID.match(text):
        raise PlanError(where, N_("not a valid id %(id)s (see 'mesoplanner bodymaps')"),
                        id=repr(text))
    return text


def _choice(value: object, where: str, options: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in options:
        raise PlanError(where, N_("must be one of %(options)s (got %(got)s)"),
                        options=", ".join(options), got=_describe(value))
    return value


# ASCII digits only: Python's \d (and Decimal) would also read digits of other scripts.
_NUMBER_TEXT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$", re.ASCII)
# Numbers beyond this are not plausible anywhere in a plan; refusing them early keeps the
# decimal arithmetic (and its error messages) small.
_MAX_MAGNITUDE = Decimal("1e9")


def _decimal(value: object, where: str) -> Decimal:
    if isinstance(value, _NonFinite):
        raise PlanError(where, N_("must be a finite number (got %(got)s)"), got=repr(value))
    if isinstance(value, _TooLong):
        raise PlanError(where, N_("is far too large (got %(got)s)"), got=_describe(value))
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        raise PlanError(where, N_("must be a number (got %(got)s)"), got=_describe(value))
    if isinstance(value, str) and not _NUMBER_TEXT.match(value.strip()):
        raise PlanError(where, N_("must be a number (got %(got)s)"), got=_describe(value))
    try:
        number = value if isinstance(value, Decimal) else Decimal(
            value if isinstance(value, int) else str(value).strip())
    except (InvalidOperation, ValueError):
        raise PlanError(where, N_("must be a number (got %(got)s)"),
                        got=_describe(value)) from None
    if not number.is_finite():
        raise PlanError(where, N_("must be a finite number (got %(got)s)"), got=_describe(value))
    # copy_abs, not abs(): abs() rounds to the context, which overflows for 1e999999999.
    if number.copy_abs() > _MAX_MAGNITUDE:
        raise PlanError(where, N_("is far too large (got %(got)s)"), got=_describe(value))
    return number


# The range message of each unit (a unit word is part of the sentence to translate).
_BETWEEN = {
    "mm": N_("must be between %(lo)s and %(hi)s mm (got %(got)s)"),
    "kg": N_("must be between %(lo)s and %(hi)s kg (got %(got)s)"),
    "degrees": N_("must be between %(lo)s and %(hi)s degrees (got %(got)s)"),
}


def _number(value: object, where: str, bounds: tuple[float, float], unit: str) -> float:
    if isinstance(value, str):
        raise PlanError(where, N_("must be a number, not text (got %(got)s)"),
                        got=_describe(value))
    number = float(_decimal(value, where))
    low, high = bounds
    if not (low <= number <= high) or not math.isfinite(number):
        raise PlanError(where, _BETWEEN[unit], lo=Number(low, "g"), hi=Number(high, "g"),
                        got=_describe(value))
    return number


def _volume(value: object, where: str, bounds: tuple[Decimal, Decimal]) -> Decimal:
    number = _decimal(value, where)
    low, high = bounds
    if not low <= number <= high:
        raise PlanError(where, N_("must be between %(lo)s and %(hi)s mL (got %(got)s)"),
                        lo=low, hi=high, got=_describe(number))
    if number != number.quantize(Decimal("0.01")):
        raise PlanError(where, N_("use steps of 0.01 mL, at most two decimals (got %(got)s)"),
                        got=number)
    return number.quantize(Decimal("0.01"))


def _coordinate(value: object, where: str) -> float:
    limit = clinical.COORDINATE_LIMIT_MM
    return _number(value, where, (-limit, limit), "mm")


def _ring(value: object, where: str, minimum: int) -> Ring:
    items = _list(value, where)
    if len(items) < minimum:
        raise PlanError(where, N_("needs at least %(min)s points [x, y] (got %(got)s)"),
                        min=minimum, got=len(items))
    if len(items) > clinical.MAX_VERTICES:
        raise PlanError(where, N_("has more than %(max)s points"), max=clinical.MAX_VERTICES)
    out: list[Point] = []
    for i, item in enumerate(items):
        if not isinstance(item, list) or len(item) != 2:
            raise PlanError(f"{where}[{i}]", N_("must be a pair [x, y] in mm (got %(got)s)"),
                            got=_describe(item))
        out.append((_coordinate(item[0], f"{where}[{i}][0]"),
                    _coordinate(item[1], f"{where}[{i}][1]")))
    return tuple(out)
