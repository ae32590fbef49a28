"""Benchmark: the planning engine (``compute``) against a raw lattice, at about 100, 1,000 and
5,000 points.

The baseline is measured in the same run on the same shape (an irregular outline of about
20 cm): a plain numpy lattice filtered with ``shapely.contains_xy`` on a prepared polygon (no
plan, no order, no doses, no warnings). Baseline and engine are timed turn about, so that a
busy machine slows both alike; read the ratios, not the milliseconds. The targets (issue 19):
at most 2x the lattice at 1,000 points and 1.5x at 5,000.

Two rows per size: ``same plan`` computes one plan again and again (as a page that shows a
plan computes it); ``slider`` changes the spacing at every call, cycling through a few values
about the size's (as the editor's slider does), so nothing that depends on the spacing can be
found already made. The baseline cycles through the same spacings.

    python bench/bench_grid.py [--repeat 60] [--svg]

``--svg`` adds the engine and the plan's drawing together (planner.drawing.plan.plan_svg).
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from collections.abc import Callable, Sequence

import numpy as np
import shapely

from planner.core.compute import compute
from planner.core.plan import Plan
from planner.core.plan_reader import from_dict

TARGETS = (100, 1000, 5000)
# The most the engine may cost, as a multiple of the raw lattice (issue 19); None: not judged.
LIMITS: dict[int, float | None] = {100: None, 1000: 2.0, 5000: 1.5}
# The slider's spacings: the size's own, and a little wider (5,000 points is the plan's limit).
SLIDER_STEPS = (1.0, 1.04, 1.01, 1.06, 1.02, 1.08, 1.03, 1.05)


def blob(radius_mm: float) -> shapely.Polygon:
    """An irregular, knee-sized-and-up outline: a wobbly disc with a notch."""
    t = np.linspace(0, 2 * math.pi, 240, endpoint=False)
    r = radius_mm * (1 + 0.12 * np.sin(3 * t) + 0.05 * np.cos(7 * t))
    ring = np.column_stack([r * np.cos(t), r * np.sin(t)])
    return shapely.Polygon(ring)


def plan_doc(shape: shapely.Polygon, spacing: float) -> dict[str, object]:
    """A plan of one area on ``shape`` at ``spacing``, with a mixture holding an anaesthetic
    (so that the doses, the totals per drug and their limit are reckoned too)."""
    return {
        "format": "mesoplanner.plan/1",
        "patient": {"weight_kg": 70},
        "mixtures": {"A": {"components": [
            {"name": "lidocaine 2%", "drug": "lidocaine", "mg_per_ml": 20, "volume_ml": "1.00"},
            {"name": "saline", "volume_ml": "4.00"}]}},
        "areas": [{"label": "bench", "polygon": [list(c) for c in shape.exterior.coords[:-1]],
                   "spacing_mm": round(spacing, 3), "volume_ml": "0.10", "mixture": "A"}],
    }


def plan_for(points: int) -> tuple[dict[str, object], shapely.Polygon, float]:
    """The plan of about ``points`` points, its shape and its spacing."""
    shape = blob(100.0)
    spacing = math.sqrt(shape.area / points)
    return plan_doc(shape, spacing), shape, spacing


def baseline(shape: shapely.Polygon, spacing: float) -> int:
    minx, miny, maxx, maxy = shape.bounds
    xs = np.arange(minx, maxx, spacing)
    ys = np.arange(miny, maxy, spacing)
    gx, gy = np.meshgrid(xs, ys)
    shapely.prepare(shape)
    return int(shapely.contains_xy(shape, gx.ravel(), gy.ravel()).sum())


def side_by_side(first: Callable[[int], object], second: Callable[[int], object],
                 repeat: int) -> tuple[float, float]:
    """Median milliseconds of two functions of the call's number, timed turn about."""
    first(0)
    second(0)  # warm up caches and imports
    a: list[float] = []
    b: list[float] = []
    for k in range(repeat):
        for fn, times in ((first, a), (second, b)):
            start = time.perf_counter()
            fn(k)
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(a), statistics.median(b)


def verdict(ratio: float, limit: float | None) -> str:
    if limit is None:
        return ""
    return f"{limit:.1f}x  {'met' if ratio <= limit else 'MISSED'}"


def row(label: str, n: int, base: float, engine: float, limit: float | None) -> None:
    ratio = engine / base
    print(f"{n:>7} {label:<10} {base:>8.3f}ms {engine:>8.3f}ms {ratio:>6.2f}x  "
          f"{verdict(ratio, limit)}")


def measure(target: int, repeat: int, svg: bool) -> None:
    """The rows of one size: the same plan, the slider, and (``svg``) the drawing too."""
    doc, shape, spacing = plan_for(target)
    plan = from_dict(doc)
    n = len(compute(plan).xy)
    base, engine = side_by_side(lambda _k: baseline(shape, spacing),
                                lambda _k: compute(plan), repeat)
    row("same plan", n, base, engine, LIMITS[target])
    spacings = [spacing * s for s in SLIDER_STEPS]
    plans: list[Plan] = [from_dict(plan_doc(shape, s)) for s in spacings]
    base, engine = side_by_side(lambda k: baseline(shape, spacings[k % len(spacings)]),
                                lambda k: compute(plans[k % len(plans)]), repeat)
    row("slider", n, base, engine, LIMITS[target])
    if svg:
        from planner.drawing.plan import plan_svg

        base, both = side_by_side(lambda _k: baseline(shape, spacing),
                                  lambda _k: plan_svg(compute(plan)), repeat)
        row("+svg", n, base, both, None)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=60)
    parser.add_argument("--svg", action="store_true", help="also time compute + plan_svg")
    args = parser.parse_args(argv)
    print(f"{'points':>7} {'':<10} {'baseline':>10} {'engine':>10} {'ratio':>7}  target")
    for target in TARGETS:
        measure(target, args.repeat, args.svg)


if __name__ == "__main__":
    main()
