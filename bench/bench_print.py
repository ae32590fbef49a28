"""Benchmark: the CPU time of the printouts' PDFs (the HTML made, then laid out and written by
WeasyPrint) at about 300 and 1,000 points: the treatment-room sheet, the true-scale stencil and
the aftercare handout, on plain paper (bench_grid's plan) and on a body map.

CPU time (time.process_time), not wall time: on a machine shared with other work a wall clock
counts the others' time too, and the others still slow our CPU (its caches, a core's second
thread), so each run of a printout is paired with a run of a baseline just before it:
WeasyPrint's own PDF of a reference page of text (one A4 page, WeasyPrint called directly, none
of the project's code). Printed: the median CPU seconds, the least (what the work costs when
nothing else slows it) and the median of the paired ratios; read the ratios.

Target (issue 19, item 3): the first 300-point sheet in under 0.5 s of CPU.

    python bench/bench_print.py [--repeat 5] [--sizes 300 1000]
"""

from __future__ import annotations

import argparse
import io
import math
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_grid import plan_for
from pypdf import PdfReader

TARGET_S = 0.5  # issue 19: the first 300-point sheet in under 0.5 s of CPU
KINDS = ("sheet", "stencil", "handout")
BODY_REGION = ("hips-thighs-posterior", "hips-thighs-posterior/buttock-right")


def cpu_s(work: Callable[[], object]) -> float:
    """The CPU time of one run of ``work``."""
    start = time.process_time()
    work()
    return time.process_time() - start


def paired(work: Callable[[], object], repeat: int) -> tuple[float, float, float]:
    """``work``'s median and least CPU time over ``repeat`` runs, and the median ratio of each
    run to a run of the baseline just before it."""
    times, ratios = [], []
    for _ in range(repeat):
        base = cpu_s(reference_pdf)
        times.append(cpu_s(work))
        ratios.append(times[-1] / base)
    return statistics.median(times), min(times), statistics.median(ratios)


def reference_pdf() -> bytes:
    """The baseline: WeasyPrint's PDF of a page with a heading and 40 lines of text."""
    from weasyprint import HTML

    lines = "".join(f"<p>Line {k}: the quick brown fox jumps over the lazy dog.</p>"
                    for k in range(40))
    page = ("<!doctype html><html><head><style>@page { size: A4; margin: 12mm }"
            " html { font: 9.5pt 'DejaVu Sans' } p { margin: 0 0 1.5mm }</style></head>"
            f"<body><h1>Reference page</h1>{lines}</body></html>")
    return bytes(HTML(string=page).write_pdf())


def body_plan(points: int) -> dict[str, object]:
    """A plan of about ``points`` points on a body map (one buttock of the hips-and-thighs
    view), for the sheet with landmarks, enlarged drawings and positions."""
    from planner.bodymaps.atlas import get_region

    view, region = BODY_REGION
    spacing = math.sqrt(get_region(region, None).geometry.area / points)
    return {"format": "mesoplanner.plan/1", "bodymap": view, "treatment": "antalgic",
            "mixtures": {"A": {"components": [
                {"name": "lidocaine 2%", "drug": "lidocaine", "mg_per_ml": 20,
                 "volume_ml": "1.00"}, {"name": "saline", "volume_ml": "4.00"}]}},
            "areas": [{"label": "buttock", "region": region, "spacing_mm": round(spacing, 2),
                       "volume_ml": "0.05", "mixture": "A"}]}


def main() -> None:
    from planner import engine
    from planner.core.plan_reader import from_dict
    from planner.printing import plan_pages
    from planner.printing.paper import SheetInfo
    from planner.printing.pdf import to_pdf

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 1000])
    args = parser.parse_args()
    info = SheetInfo(patient_name="Bench, Patient", plan_id=1, plan_version=1,
                     url="https://clinic.example/plans/1")
    to_pdf(plan_pages.sheet_html(*engine.run(from_dict(plan_for(100)[0])), info))  # warm
    reference_pdf()
    base_runs = [cpu_s(reference_pdf) for _ in range(args.repeat * 2)]
    baseline = statistics.median(base_runs)
    print(f"baseline: WeasyPrint's own PDF of a reference page of text, {baseline:.3f} s of CPU "
          f"(median), {min(base_runs):.3f} s (least); target {TARGET_S} s = "
          f"{TARGET_S / baseline:.0f}x the baseline here")
    print(f"{'plan':>6} {'points':>6} {'printout':>8} {'pages':>5} {'HTML s':>7} {'CPU s':>7} "
          f"{'least':>7} {'ratio':>7}")
    verdicts = []
    for size in args.sizes:
        for where, doc in (("plain", plan_for(size)[0]), ("body", body_plan(size))):
            plan = from_dict(doc)
            points = len(engine.run(plan)[0].xy)
            for kind in KINDS:
                make = getattr(plan_pages, f"{kind}_html")

                def html(plan=plan, make=make) -> str:
                    return str(make(*engine.run(plan), info))

                def pdf(html=html) -> bytes:
                    return to_pdf(html())

                pages = len(PdfReader(io.BytesIO(pdf())).pages)
                html_s = statistics.median(cpu_s(html) for _ in range(args.repeat))
                pdf_s, least, ratio = paired(pdf, args.repeat)
                print(f"{where:>6} {points:>6} {kind:>8} {pages:>5} {html_s:>7.3f} "
                      f"{pdf_s:>7.3f} {least:>7.3f} {ratio:>6.1f}x")
                if kind == "sheet" and size == 300:
                    verdict = "meets" if pdf_s < TARGET_S else "MISSES"
                    verdicts.append(f"{where} 300-point sheet {pdf_s:.2f} s of CPU (median; "
                                    f"least {least:.2f} s; {ratio:.0f}x the baseline): "
                                    f"{verdict} the {TARGET_S} s target")
    for line in verdicts:
        print(line)


if __name__ == "__main__":
    main()
