"""Benchmark: the printed treatment sheet (PDF through WeasyPrint) of a 300-point plan.

Measures, in the same run: the sheet's HTML alone (compute + drawing + template), and the PDF
(the same HTML laid out and written by WeasyPrint), for plans of about 100, 300 and 1,000
points. Target: the PDF of a 300-point plan in under 1.5 s.

    python bench/bench_print.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_grid import plan_for
from pypdf import PdfReader

SIZES = (100, 300, 1000)
TARGET_S = 1.5  # issue 5: the PDF of a 300-point plan in under 1.5 s


def median_s(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    from planner import engine
    from planner.core.plan_reader import from_dict
    from planner.printing.paper import SheetInfo
    from planner.printing.pdf import to_pdf
    from planner.printing.plan_pages import sheet_html

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    info = SheetInfo(patient_name="Bench, Patient", plan_id=1, plan_version=1,
                              url="https://clinic.example/plans/1")
    to_pdf(sheet_html(*engine.run(from_dict(plan_for(100)[0])), info))  # warm
    print(f"{'points':>7} {'pages':>5} {'HTML ms':>8} {'PDF ms':>8} {'PDF/HTML':>9}")
    for size in SIZES:
        plan = from_dict(plan_for(size)[0])

        def html(plan=plan) -> str:
            return sheet_html(*engine.run(plan), info)

        def pdf(plan=plan) -> bytes:
            return to_pdf(html(plan))

        points = len(engine.run(plan)[0].points)
        html_s = median_s(html, args.repeat)
        pdf_s = median_s(pdf, args.repeat)
        pages = len(PdfReader(io.BytesIO(pdf())).pages)
        print(f"{points:>7} {pages:>5} {html_s * 1000:>8.0f} {pdf_s * 1000:>8.0f} "
              f"{pdf_s / html_s:>8.1f}x")
        if size == 300:
            verdict = "meets" if pdf_s < TARGET_S else "MISSES"
            print(f"        300-point PDF {pdf_s:.2f} s: {verdict} the {TARGET_S} s target")


if __name__ == "__main__":
    main()
