"""The covering set of plans whose printouts are read back for legibility: every paper, language,
spacing (3-30 mm) and point count (1-500) at least once, the views of the issue's walk, trigger
points, a plan without a body map, long area labels and mixture names in the reader's language.

Each area is a star-shaped polygon made by a seeded generator around a region of its view,
grown or shrunk until it holds about the points asked for (the drawn shape changes with the
seed, the case stays reproducible)."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import cache
from typing import Any

from planner import engine
from planner.bodymaps.atlas import get_region
from planner.core.plan_reader import from_dict

# Long words a clinician may type, in each language: an area's label, a mixture's name (37
# characters: with the suffix of a second mixture, the 40 a name may have).
LONG_LABELS = {
    "it": ("regione paravertebrale lombare destra (contrattura post-traumatica)",
           "Lidocaina-Tiocolchicoside-Ketoprofene"),
    "es": ("región paravertebral lumbar derecha (contractura postraumática)",
           "Lidocaína-Tiocolchicósido-Ketoprofeno"),
    "en": ("right lumbar paravertebral region (post-traumatic muscle spasm)",
           "Lidocaine-Thiocolchicoside-Ketoprofen"),
}


@dataclass(frozen=True)
class Area:
    """An area of a case: around ``region`` (or at ``centre`` on plain paper), about ``points``
    points ``spacing`` mm apart, of the case's mixture number ``mixture``."""

    points: int
    spacing: float
    region: str | None = None
    centre: tuple[float, float] = (100.0, 100.0)
    mixture: int = 0
    pattern: str = "staggered"


@dataclass(frozen=True)
class Case:
    """A plan and the paper and language its printouts are read in."""

    name: str
    paper: str
    language: str
    view: str | None
    areas: tuple[Area, ...]
    side: str | None = None
    mixtures: int = 1
    triggers: tuple[tuple[float, float], ...] = ()
    seed: int = 17
    kinds: tuple[str, ...] = ("sheet", "compact", "stencil", "handout")


CASES = (
    # The walk: a 100-point knee plan at 5 mm, a 30-point face plan at 3 mm, a 400-point
    # cellulite plan (hips and thighs) at 10 mm; then the densest sheet, 500 points at 3 mm.
    Case("knee-100-5mm", "letter", "en", "knee-anterior", side="right",
         areas=(Area(100, 5, "knee-anterior/medial"),), triggers=((100, 150),)),
    Case("face-30-3mm", "letter", "es", "face-frontal", mixtures=2,
         areas=(Area(18, 3, "face-frontal/forehead"),
                Area(12, 3, "face-frontal/cheek-right", mixture=1, pattern="square"))),
    # The two densest plans take 4-8 s a printout: the sheet and the stencil of one, the compact of
    # the other.
    Case("hips-thighs-400-10mm", "a4", "en", "hips-thighs-posterior", mixtures=2,
         areas=(Area(250, 10, "hips-thighs-posterior/buttock-right"),
                Area(150, 10, "hips-thighs-posterior/posterior-thigh-left", mixture=1)),
         kinds=("sheet", "stencil", "handout")),
    Case("lumbar-500-3mm", "a4", "it", "lumbar-posterior",
         areas=(Area(500, 3, "lumbar-posterior/paravertebral-right", pattern="square"),),
         kinds=("compact", "handout")),
    Case("shoulder-20mm-triggers", "a4", "es", "shoulder-posterior", side="left",
         areas=(Area(10, 20, "shoulder-posterior/infraspinatus"),),
         triggers=((120, 60), (124, 63), (200, 200))),
    Case("one-trigger-point", "letter", "it", "elbow-lateral", side="right", areas=(),
         triggers=((100, 100),)),
    Case("no-map-30mm", "a4", "en", None, mixtures=4,
         areas=(Area(20, 30, centre=(0, 0), pattern="square"),
                Area(6, 30, centre=(200, 0), mixture=1),
                Area(4, 30, centre=(0, 160), mixture=2),
                Area(3, 30, centre=(180, 160), mixture=3))),
)


def plan_document(case: Case) -> dict[str, Any]:
    """The case's plan, its areas' shapes drawn by a generator seeded with ``case.seed``."""
    long_label, long_mixture = LONG_LABELS[case.language]
    names = [long_mixture] + [f"{long_mixture}-{k + 1}" for k in range(1, case.mixtures)]
    mixtures = {name: {"components": [
        {"name": "lidocaine 2%", "drug": "lidocaine", "mg_per_ml": 20, "volume_ml": "1.00"},
        {"name": f"{name} (saline 0.9%)", "volume_ml": "4.00"}]} for name in names}
    rng = random.Random(case.seed)
    doc: dict[str, Any] = {"format": "mesoplanner.plan/1", "treatment": "antalgic",
                           "mixtures": mixtures, "areas": []}
    if case.view:
        doc["bodymap"] = case.view
    if case.side:
        doc["side"] = case.side
    for k, area in enumerate(case.areas):
        centre = area.centre
        if area.region is not None:
            point = get_region(area.region, case.side).geometry.representative_point()
            centre = (point.x, point.y)
        wobble = [rng.uniform(0.75, 1.0) for _ in range(9)]
        doc["areas"].append({
            "label": f"{k + 1} {long_label}", "spacing_mm": area.spacing, "volume_ml": "0.05",
            "pattern": area.pattern, "mixture": names[area.mixture], "depth_mm": 2,
            "polygon": _star(centre, wobble, 1.0)})
        doc["areas"][-1]["polygon"] = _fitted(doc, k, centre, wobble, area.points)
    doc["points"] = [{"x": x, "y": y, "volume_ml": "0.20", "mixture": names[0],
                      "label": f"{long_label} ({j + 1})"} for j, (x, y) in
                     enumerate(case.triggers)]
    return doc


def _star(centre: tuple[float, float], wobble: list[float], radius: float) -> list[list[float]]:
    """A star-shaped polygon of about ``radius`` mm around ``centre``, its corners' distances
    wobbled (a hand-drawn area)."""
    n = len(wobble)
    return [[round(centre[0] + radius * w * math.cos(2 * math.pi * j / n), 2),
             round(centre[1] + radius * w * math.sin(2 * math.pi * j / n), 2)]
            for j, w in enumerate(wobble)]


def _fitted(doc: dict[str, Any], k: int, centre: tuple[float, float], wobble: list[float],
            points: int) -> list[list[float]]:
    """Area ``k``'s polygon, scaled until the area holds about ``points`` points."""
    spacing = doc["areas"][k]["spacing_mm"]
    radius = spacing * math.sqrt(points / math.pi) * 1.1
    alone = {**doc, "areas": [doc["areas"][k]], "points": []}
    for _ in range(6):
        ring = _star(centre, wobble, radius)
        alone["areas"][0] = {**doc["areas"][k], "polygon": ring}
        got = len(engine.run(from_dict(alone))[0].points)
        if abs(got - points) <= max(1, points // 50):
            break
        radius *= math.sqrt(points / max(got, 0.5)) if got else 1.5
    return ring


@cache
def computed(case: Case) -> tuple[Any, Any]:
    """The case's plan computed (result, view), once per test run."""
    return engine.run(from_dict(plan_document(case)))
