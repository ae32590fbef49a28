"""The Plan value object and its parts: what the clinician marked, with every default filled in.

A Plan is read from a plan file by planner.core.plan_reader and written by
planner.core.plan_writer; the file format is described in ``shared/PLAN-FORMAT.md``.

>>> plan = Plan(areas=())
>>> plan.treatment, plan.syringe_ml
('antalgic', Decimal('5.00'))
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from planner.core import clinical

FORMAT = "mesoplanner.plan/1"
PATTERNS = ("square", "staggered", "line", "area")
SIDES = ("left", "right", "bilateral", "none")

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
    # Drawn on a calibrated photo of the patient instead of a body map (issue 20): the photo's
    # number in the clinic's records. Positions are then mm on the plane of the calibration
    # card in that photo, the origin at the card's centre (planner/calibration/plane.py).
    photo: int | None = None
