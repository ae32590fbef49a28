"""Benchmark: compute and compute + SVG for plans of about 100, 1,000 and 5,000 points.

Each figure stands next to a baseline measured in the same run on the same shape: a plain
numpy lattice filtered with ``shapely.contains_xy`` (no plan, no order, no doses, no drawing).
Machines are noisy, so read the ratios, not the milliseconds.

    python bench/bench_grid.py [--repeat 30]
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from collections.abc import Callable

import numpy as np
import shapely

from planner.core.compute import compute
from planner.core.plan_reader import from_dict
from planner.drawing.plan import plan_svg

TARGETS = (100, 1000, 5000)


def blob(radius_mm: float) -> shapely.Polygon:
    """An irregular, knee-sized-and-up outline: a wobbly disc with a notch."""
    t = np.linspace(0, 2 * math.pi, 240, endpoint=False)
    r = radius_mm * (1 + 0.12 * np.sin(3 * t) + 0.05 * np.cos(7 * t))
    ring = np.column_stack([r * np.cos(t), r * np.sin(t)])
    return shapely.Polygon(ring)


def plan_for(points: int) -> tuple[dict[str, object], shapely.Polygon, float]:
    shape = blob(100.0)
    spacing = math.sqrt(shape.area / points)
    doc = {
        "format": "mesoplanner.plan/1",
        "patient": {"weight_kg": 70},
        "mixtures": {"A": {"components": [
            {"name": "lidocaine 2%", "drug": "lidocaine", "mg_per_ml": 20, "volume_ml": "1.00"},
            {"name": "saline", "volume_ml": "4.00"}]}},
        "areas": [{"label": "bench", "polygon": [list(c) for c in shape.exterior.coords[:-1]],
                   "spacing_mm": round(spacing, 3), "volume_ml": "0.10", "mixture": "A"}],
    }
    return doc, shape, spacing


def baseline(shape: shapely.Polygon, spacing: float) -> int:
    minx, miny, maxx, maxy = shape.bounds
    xs = np.arange(minx, maxx, spacing)
    ys = np.arange(miny, maxy, spacing)
    gx, gy = np.meshgrid(xs, ys)
    shapely.prepare(shape)
    return int(shapely.contains_xy(shape, gx.ravel(), gy.ravel()).sum())


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm up caches and imports
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    print(f"{'points':>7} {'baseline':>10} {'compute':>10} {'ratio':>6} "
          f"{'compute+svg':>12} {'ratio':>6}")
    for target in TARGETS:
        doc, shape, spacing = plan_for(target)
        plan = from_dict(doc)
        n = len(compute(plan).points)
        base = median_ms(lambda shape=shape, spacing=spacing: baseline(shape, spacing),
                         args.repeat)
        comp = median_ms(lambda plan=plan: compute(plan), args.repeat)
        both = median_ms(lambda plan=plan: plan_svg(compute(plan)), args.repeat)
        print(f"{n:>7} {base:>8.2f}ms {comp:>8.2f}ms {comp / base:>5.1f}x "
              f"{both:>10.2f}ms {both / base:>5.1f}x")


if __name__ == "__main__":
    main()
