"""What a session actually gave: the plan's points, adjusted at the couch.

A session follows a saved plan, but the doctor may skip points (a bruise, a wound), give another
volume at some points, or add a few points. The adjustments are kept by point number; this module
turns a computed plan and its adjustments into what was injected: points, exact volume per
mixture, the totals of every component, and the warnings they raise.

>>> from planner.core.plan_reader import loads
>>> from planner.core.compute import compute
>>> plan = loads('''{"format": "mesoplanner.plan/1", "areas": [{"label": "knee",
...   "polygon": [[0, 0], [60, 0], [60, 40], [0, 40]], "spacing_mm": 20, "volume_ml": "0.10"}]}''')
>>> done = performed(compute(plan), Adjustments(skipped=frozenset({2}),
...                                             volumes={3: Decimal("0.20")}))
>>> done.points_planned, done.points_done, str(done.total_ml)
(6, 5, '0.60')
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from planner.core import clinical, safety
from planner.core.compute import Result
from planner.core.dosing import ComponentTotal, components_of
from planner.core.messages import N_, PlanError, PlanWarning, by_severity
from planner.core.point_warnings import point_list

# [our default]: a session adds a few points by hand, not a second plan.
MAX_ADDED_POINTS = 200
_RANGE = re.compile(r"^\s*(\d{1,6})\s*(?:-\s*(\d{1,6}))?\s*$")
_VOLUME = re.compile(r"^\s*(\d{1,6})\s*[=:]\s*(\S+)\s*$")


@dataclass(frozen=True)
class Adjustments:
    """How a session differed from its plan: by point number (numbers of the plan)."""

    skipped: frozenset[int] = frozenset()
    volumes: Mapping[int, Decimal] = field(default_factory=dict)
    added: int = 0
    added_volume_ml: Decimal = Decimal("0.00")
    added_mixture: str | None = None
    # Where added points were given, in the plan's mm, when tapped on the drawing (some or all
    # of the ``added``; a count typed alone has no places).
    added_at: tuple[tuple[float, float], ...] = ()

    def as_dict(self) -> dict[str, object]:
        """The adjustments as stored with the session record (JSON-ready)."""
        stored: dict[str, object] = {
            "skipped": sorted(self.skipped),
            "volumes": {str(k): str(v) for k, v in sorted(self.volumes.items())},
            "added": self.added, "added_volume_ml": str(self.added_volume_ml),
            "added_mixture": self.added_mixture}
        if self.added_at:
            stored["added_at"] = [[x, y] for x, y in self.added_at]
        return stored

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Adjustments:
        """Adjustments as :meth:`as_dict` stored them."""
        volumes = data.get("volumes") or {}
        skipped = data.get("skipped") or []
        assert isinstance(volumes, dict) and isinstance(skipped, list)
        mixture = data.get("added_mixture")
        places = data.get("added_at") or []
        assert isinstance(places, list)
        return cls(frozenset(int(n) for n in skipped),
                   {int(k): Decimal(str(v)) for k, v in volumes.items()},
                   int(str(data.get("added") or 0)),
                   Decimal(str(data.get("added_volume_ml") or "0.00")),
                   str(mixture) if mixture else None,
                   tuple((float(x), float(y)) for x, y in places))


@dataclass(frozen=True)
class Performed:
    """What a session gave: its points, total volume and components, with their warnings."""

    points_planned: int
    points_done: int
    total_ml: Decimal
    components: tuple[ComponentTotal, ...]
    warnings: tuple[PlanWarning, ...]


def parse_numbers(text: str, field_name: str, count: int) -> frozenset[int]:
    """Point numbers written as a clinician writes them: ``"3, 7-9"``.

    >>> sorted(parse_numbers("3, 7-9", "skipped", 12))
    [3, 7, 8, 9]
    >>> parse_numbers("13", "skipped", 12)
    Traceback (most recent call last):
    ...
    planner.core.messages.PlanError: skipped: point 13 is not in the plan (it has 12 points)
    """
    numbers: set[int] = set()
    for piece in filter(None, re.split(r"[,;\s]+", re.sub(r"\s*-\s*", "-", text))):
        found = _RANGE.match(piece)
        if found is None:
            raise PlanError(field_name, N_("write point numbers like 3, 7-9 (got %(got)s)"),
                            got=piece[:20])
        low = int(found.group(1))
        high = int(found.group(2) or low)
        if high < low:
            raise PlanError(field_name, N_("write point numbers like 3, 7-9 (got %(got)s)"),
                            got=piece[:20])
        for number in (low, high):
            _check_number(number, field_name, count)
        numbers.update(range(low, high + 1))
    return frozenset(numbers)


# [our default]: a place tapped on a body map lies on it (the largest view is under 2 m).
PLACE_LIMIT_MM = 5000.0


def parse_places(text: str, field_name: str, added: int) -> tuple[tuple[float, float], ...]:
    """The places of added points tapped on the drawing: JSON ``[[x, y], ...]`` in mm, at most
    one per added point, rounded to 0.1 mm.

    >>> parse_places("[[12.34, 50]]", "added_at", 2)
    ((12.3, 50.0),)
    >>> parse_places("[[1, 2], [3, 4]]", "added_at", 1)
    Traceback (most recent call last):
    ...
    planner.core.messages.PlanError: added_at: 2 places tapped for 1 added point(s)
    """
    if not text.strip():
        return ()
    try:
        raw = json.loads(text)
        if not isinstance(raw, list) or not all(
                isinstance(p, list) and len(p) == 2 and all(
                    isinstance(v, int | float) and not isinstance(v, bool) for v in p)
                for p in raw):
            raise TypeError("not a list of [x, y]")
        places = tuple((round(float(x), 1), round(float(y), 1)) for x, y in raw)
    except (ValueError, TypeError, RecursionError, OverflowError):
        raise PlanError(field_name, N_("the places tapped could not be read")) from None
    if not all(math.isfinite(v) and abs(v) <= PLACE_LIMIT_MM for p in places for v in p):
        raise PlanError(field_name, N_("the places tapped could not be read"))
    if len(places) > added:
        raise PlanError(field_name, N_("%(n)s places tapped for %(added)s added point(s)"),
                        n=len(places), added=added)
    return places


def parse_volumes(text: str, field_name: str, count: int) -> dict[int, Decimal]:
    """Changed volumes, one per line or comma: ``"12=0.30"`` (point 12 got 0.30 mL).

    >>> parse_volumes("12=0.3, 4: 0,05", "volumes", 20)
    {12: Decimal('0.30'), 4: Decimal('0.05')}
    """
    volumes: dict[int, Decimal] = {}
    for piece in filter(None, (p.strip() for p in re.split(r"[\n;]|,(?=\s*\d+\s*[=:])", text))):
        found = _VOLUME.match(piece)
        if found is None:
            raise PlanError(field_name, N_("write a point and its volume like 12=0.30 (got "
                                           "%(got)s)"), got=piece[:20])
        number = int(found.group(1))
        _check_number(number, field_name, count)
        if number in volumes:
            raise PlanError(field_name, N_("point %(n)s is given twice"), n=number)
        volumes[number] = volume(found.group(2), f"{field_name}[{number}]")
    return volumes


def volume(text: str, field_name: str) -> Decimal:
    """A volume in mL given by hand: 0.01 mL steps, within the per-point range."""
    low, high = clinical.POINT_VOLUME_RANGE_ML
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise PlanError(field_name, N_("must be a volume in mL like 0.10 (got %(got)s)"),
                        got=text[:20]) from None
    if not value.is_finite():
        raise PlanError(field_name, N_("must be a volume in mL like 0.10 (got %(got)s)"),
                        got=text[:20])
    if not low <= value <= high:  # checked first: 1e30 cannot even be rounded to 0.01
        raise PlanError(field_name, N_("must be between %(lo)s and %(hi)s mL (got %(got)s)"),
                        lo=low, hi=high, got=text[:20])
    if value != value.quantize(Decimal("0.01")):
        raise PlanError(field_name, N_("must be a volume in mL like 0.10 (got %(got)s)"),
                        got=text[:20])
    return value.quantize(Decimal("0.01"))


def _check_number(number: int, field_name: str, count: int) -> None:
    if not 1 <= number <= count:
        raise PlanError(field_name, N_("point %(n)s is not in the plan (it has %(count)s "
                                       "points)"), n=number, count=count)


def performed(result: Result, adjustments: Adjustments,
              weight_kg: float | None = None) -> Performed:
    """What was injected: the plan's points less the skipped ones, at their given volumes, plus
    the added points. Totals are exact; the warnings are those of the volumes actually given
    and of the local anaesthetic in them (safety.py), against ``weight_kg``."""
    plan = result.plan
    both = adjustments.skipped & set(adjustments.volumes)
    if both:
        raise PlanError("volumes", N_("point %(n)s is both skipped and given another volume"),
                        n=min(both))
    if not 0 <= adjustments.added <= MAX_ADDED_POINTS:
        raise PlanError("added", N_("must be between 0 and %(hi)s points (got %(got)s)"),
                        hi=MAX_ADDED_POINTS, got=adjustments.added)
    if adjustments.added_mixture is not None and adjustments.added_mixture not in plan.mixtures:
        raise PlanError("added_mixture", N_("mixture %(name)s is not in the plan"),
                        name=adjustments.added_mixture)
    by_mixture: dict[str, Decimal] = {}
    total = Decimal("0.00")
    done = 0
    notes: list[PlanWarning] = []
    for point in result.points:
        if point.number in adjustments.skipped:
            continue
        given = adjustments.volumes.get(point.number, point.volume_ml)
        if point.number in adjustments.volumes:
            note = safety.volume_warning(given, plan.treatment, f"volumes[{point.number}]",
                                         point.area)
            notes.extend([note] if note else [])
        done += 1
        total += given
        if point.mixture:
            by_mixture[point.mixture] = by_mixture.get(point.mixture, Decimal(0)) + given
    for area in result.areas:
        if area.area.pattern == "area" and area.total_ml:
            total += area.total_ml
            if area.area.mixture:
                by_mixture[area.area.mixture] = (by_mixture.get(area.area.mixture, Decimal(0))
                                                 + area.total_ml)
    if adjustments.added:
        extra = adjustments.added_volume_ml * adjustments.added
        total += extra
        done += adjustments.added
        note = safety.volume_warning(adjustments.added_volume_ml, plan.treatment,
                                     "added_volume_ml", None)
        notes.extend([note] if note else [])
        if adjustments.added_mixture:
            name = adjustments.added_mixture
            by_mixture[name] = by_mixture.get(name, Decimal(0)) + extra
    components = tuple(components_of(by_mixture, plan.mixtures))
    notes.extend(safety.anaesthetic_warnings(components, weight_kg))
    notes.extend(_zone_notes_given(result, adjustments.skipped))
    return Performed(len(result.points), done, total.quantize(Decimal("0.01")), components,
                     by_severity(notes))


# The plan's warnings about where points lie (point_warnings.zone_notes), kept for the session when
# the points they name were given: a skipped point in an eye needs no override.
ZONE_CODES = frozenset({"no-go-zone", "outside-outline", "danger-zone"})


def _zone_notes_given(result: Result, skipped: frozenset[int]) -> list[PlanWarning]:
    notes = []
    for warning in result.warnings:
        if warning.code not in ZONE_CODES or not warning.points:
            continue
        given = tuple(n for n in warning.points if n not in skipped)
        if given:
            notes.append(PlanWarning(warning.code, warning.severity, warning.text.but(
                count=len(given), numbers=point_list(given)), warning.area, given))
    return notes
